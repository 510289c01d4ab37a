"""Fixtures for the Discord bot tests: the fake Discord, and a real `LectureBot` connected to it
(over the fixed retriever of `discord_harness`, or any other via `start_bot(load_index=...)`).

`tests/bot/conftest.py` makes them available to every test here. Helpers live in modules with
their own names (`discord_harness`, `fake_discord`): pytest imports every conftest.py as the module
`conftest`, so `from conftest import ...` would pick whichever conftest was imported last.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import discord
import discord.http
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord_harness import FixedIndex, Harness, StartBot, tiny_lecture
from fake_discord import FakeDiscord

from bot.discord.client import LectureBot

__all__ = ["fake", "fixed_index", "harness", "point_at_fake", "start_bot"]


@pytest.fixture
def fixed_index() -> FixedIndex:
    return FixedIndex(tiny_lecture())


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.close()


@pytest.fixture
def point_at_fake(fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> FakeDiscord:
    """Send this test process's discord.py to the fake (REST base and gateway URL)."""
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
    return fake


@pytest.fixture
async def start_bot(point_at_fake: FakeDiscord, fixed_index: FixedIndex) -> AsyncIterator[StartBot]:
    """Start a real LectureBot against the fake: `harness = await start_bot(**options)`."""
    started: list[tuple[LectureBot, asyncio.Task[None]]] = []

    async def start(**options: Any) -> Harness:
        options.setdefault("load_index", lambda: fixed_index)
        bot = LectureBot(**options)
        try:
            await bot.login(point_at_fake.token)
        except BaseException:
            await bot.close()
            raise
        task = asyncio.create_task(bot.connect())
        started.append((bot, task))
        await point_at_fake.wait_connected()
        return Harness(point_at_fake, bot, fixed_index)

    yield start
    for bot, task in started:
        if fixed_index.gate is not None:
            fixed_index.gate.set()
        await bot.close()
        await asyncio.wait_for(task, 5)


@pytest.fixture
async def harness(start_bot: StartBot) -> Harness:
    return await start_bot()
