"""SHARD_COUNT / SHARD_IDS: the settings, and a sharded bot against the fake Discord."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from discord_fixtures import *  # noqa: F403  (pytest fixtures: fake, point_at_fake, ...)
from discord_harness import FixedIndex, Harness
from fake_discord import FakeDiscord, slash

from bot.discord.client import LectureBot
from bot.discord.sharding import ShardedLectureBot, make_bot
from bot.settings import ConfigError, Settings

TOKEN = {"DISCORD_TOKEN": "x"}


def settings(**values: str) -> Settings:
    return Settings.from_env({**TOKEN, **values}, dotenv_path="/nonexistent/.env")


def test_shard_settings() -> None:
    assert (settings().shard_count, settings().shard_ids) == (None, None)
    assert (settings(SHARD_COUNT="4").shard_count, settings(SHARD_COUNT="4").shard_ids) == (4, None)
    both = settings(SHARD_COUNT="4", SHARD_IDS=" 3, 1,1 ")
    assert (both.shard_count, both.shard_ids) == (4, (1, 3))
    assert "shard_count=4, shard_ids=(1, 3)" in repr(both)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"SHARD_COUNT": "0"}, "SHARD_COUNT must be a whole number of at least 1"),
        ({"SHARD_COUNT": "two"}, "SHARD_COUNT must be a whole number"),
        ({"SHARD_IDS": "0"}, "SHARD_IDS needs SHARD_COUNT"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "0;1"}, "comma-separated numbers"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "2"}, "between 0 and SHARD_COUNT-1 (1)"),
    ],
)
def test_bad_shard_settings_say_what_is_wrong(values: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        settings(**values)


def test_make_bot_picks_the_class() -> None:
    plain = make_bot(settings(), load_index=None)
    assert type(plain) is LectureBot
    sharded = make_bot(settings(SHARD_COUNT="3", SHARD_IDS="2"), load_index=None)
    assert isinstance(sharded, ShardedLectureBot)
    assert (sharded.shard_count, sharded.shard_ids) == (3, [2])


StartSharded = Callable[[Settings], Awaitable[ShardedLectureBot]]


@pytest.fixture
async def start_sharded(
    point_at_fake: FakeDiscord, fixed_index: FixedIndex
) -> AsyncIterator[StartSharded]:
    started: list[tuple[LectureBot, asyncio.Task[None]]] = []

    async def start(config: Settings) -> ShardedLectureBot:
        bot = make_bot(config, load_index=lambda: fixed_index)
        assert isinstance(bot, ShardedLectureBot)

        async def no_identify_delay(shard_id: int | None, *, initial: bool = False) -> None:
            return None  # discord.py waits 5 s between shards; the fake has no rate limit

        bot.before_identify_hook = no_identify_delay  # type: ignore[method-assign]
        await bot.login(point_at_fake.token)
        started.append((bot, asyncio.create_task(bot.connect())))
        return bot

    yield start
    for bot, task in started:
        await bot.close()
        await asyncio.wait_for(task, 5)


async def test_two_shards_identify_and_serve(
    start_sharded: StartSharded, fake: FakeDiscord, fixed_index: FixedIndex
) -> None:
    bot = await start_sharded(settings(SHARD_COUNT="2"))
    await fake.wait_connected(identified=2)
    assert sorted(tuple(i["shard"]) for i in fake.gateway.identifies) == [(0, 2), (1, 2)]
    assert fake.gateway.connections == 2
    await fake.wait_until(lambda: sorted(bot.shards) == [0, 1])
    # An interaction arriving on a shard's connection is answered like any other.
    harness = Harness(fake, bot, fixed_index)
    callback = await harness.interact(slash("ask", {"question": "tokens"}, user_id=7))
    assert callback.json["type"] == 4
    assert fixed_index.calls[-1][0] == "tokens"


async def test_shard_ids_run_only_those_shards(
    start_sharded: StartSharded, fake: FakeDiscord
) -> None:
    bot = await start_sharded(settings(SHARD_COUNT="2", SHARD_IDS="1"))
    await fake.wait_connected()
    assert [i["shard"] for i in fake.gateway.identifies] == [[1, 2]]
    await fake.wait_until(lambda: list(bot.shards) == [1])
    assert fake.gateway.connections == 1
