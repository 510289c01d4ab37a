"""Hostile gateway frames (a lone surrogate, which orjson rejects; a malformed MESSAGE_CREATE
or READY; not JSON at all) cost one log line and the bot goes on serving; interaction tokens
never reach the log, not even at DEBUG."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from asyncio.subprocess import DEVNULL
from pathlib import Path

import pytest
from discord_harness import Harness
from fake_discord import OP_DISPATCH, FakeDiscord, guild_create, slash
from test_discord_runner import environment, start_cli

from bot.discord.config import InteractionTokenRedactor


def _frame(event: str, data: object, seq: int = 900) -> str:
    return json.dumps({"op": OP_DISPATCH, "t": event, "s": seq, "d": data})


def _hostile_frames(fake: FakeDiscord) -> dict[str, str]:
    ask = slash("ask", {"question": "\ud800 tokens"}, user_id=1_400_000_000_000_000_999)
    return {
        # json.dumps writes the lone surrogate as the escape \ud800, as a hostile server would.
        "surrogate in an event": _frame("MESSAGE_CREATE", {"content": "\ud800"}),
        "surrogate in an interaction": _frame("INTERACTION_CREATE", ask),
        "surrogate in a heartbeat ACK": json.dumps({"op": 11, "d": "\ud800"}),
        "malformed MESSAGE_CREATE": _frame("MESSAGE_CREATE", {"id": "1"}),
        "malformed READY, no session": _frame("READY", {"v": 10}),
        "malformed READY, no user": _frame(
            "READY", {"v": 10, "session_id": "s2", "resume_gateway_url": fake.gateway_url}
        ),
        "malformed GUILD_CREATE": _frame("GUILD_CREATE", {"name": "no id"}),
        "not JSON": '{"op": 0, "t": "MESSAGE_CREATE", "d": {',
    }


FRAMES = [
    "surrogate in an event",
    "surrogate in an interaction",
    "surrogate in a heartbeat ACK",
    "malformed MESSAGE_CREATE",
    "malformed READY, no session",
    "malformed READY, no user",
    "malformed GUILD_CREATE",
    "not JSON",
]


@pytest.mark.parametrize("name", FRAMES)
async def test_hostile_frame_is_one_line_and_the_bot_keeps_serving(
    harness: Harness, caplog: pytest.LogCaptureFixture, name: str
):
    caplog.set_level(logging.INFO)
    await harness.fake.dispatch("GUILD_CREATE", guild_create())
    await harness.fake.send_raw(_hostile_frames(harness.fake)[name])
    callback = await harness.interact(
        slash("ask", {"question": "tokens"}, user_id=harness.new_user())
    )
    assert callback.json["type"] == 4
    assert not harness.bot.is_closed()
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(problems) == 1, [r.getMessage() for r in problems]
    [record] = problems
    assert record.exc_info is None and "Traceback" not in caplog.text
    assert record.getMessage().startswith("dropped a ")


async def test_several_hostile_frames_in_a_row(harness: Harness, caplog):
    frames = _hostile_frames(harness.fake)
    for name in FRAMES:
        await harness.fake.send_raw(frames[name])
    for _ in range(3):
        callback = await harness.interact(
            slash("ask", {"question": "tokens"}, user_id=harness.new_user())
        )
        assert callback.json["type"] == 4
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(problems) == len(FRAMES)
    assert harness.fake.gateway.connections == 1  # the connection itself was never dropped


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        (
            "POST https://discord.com/api/v10/interactions/123/aW50ZXJhY3Rpb24.abc-_9/callback"
            "?with_response=true has returned 200",
            "POST https://discord.com/api/v10/interactions/123/[token]/callback"
            "?with_response=true has returned 200",
        ),
        (
            "PATCH https://discord.com/api/v10/webhooks/11/aW50ZXJh/messages/@original",
            "PATCH https://discord.com/api/v10/webhooks/11/[token]/messages/@original",
        ),
        (
            "WebSocket Event: {'t': 'INTERACTION_CREATE', 'd': {'id': '5', 'token': 'aW50'}}",
            "WebSocket Event: {'t': 'INTERACTION_CREATE', 'd': {'id': '5', 'token': '[token]'}}",
        ),
        ("nothing secret: /ask tokens", "nothing secret: /ask tokens"),
    ],
)
def test_interaction_token_redactor(text: str, redacted: str):
    record = logging.LogRecord("discord.http", logging.DEBUG, __file__, 1, "%s", (text,), None)
    assert InteractionTokenRedactor().filter(record)
    assert record.getMessage() == redacted


async def test_interaction_tokens_never_reach_the_debug_log(
    fake: FakeDiscord, tmp_path: Path, shared_lecture_dir: Path
):
    env = environment(fake, DISCORD_TOKEN=fake.token, LOG_LEVEL="DEBUG")
    process = await start_cli(
        "run", "--data", str(shared_lecture_dir), env=env, cwd=tmp_path, stdout=DEVNULL
    )
    try:
        await fake.wait_until(lambda: fake.gateway.identifies, timeout=30)
        await fake.wait_connected()
        await fake.dispatch("GUILD_CREATE", guild_create())
        payloads = [
            slash("ask", {"question": "what is tokenization"}, user_id=1_400_000_000_000_000_001),
            slash("ask", {"question": "tokens", "private": True}, user_id=1_400_000_000_000_000_2),
        ]
        for payload in payloads:
            await fake.dispatch("INTERACTION_CREATE", payload)
            await fake.wait_for_request("POST", f"/interactions/{payload['id']}/", timeout=10)
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), 20)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    text = err.decode()
    assert process.returncode == 0, text[-2000:]
    assert "/interactions/" in text and "[token]" in text  # DEBUG did log the requests...
    for payload in payloads:
        assert payload["token"] not in text  # ... without the tokens
    assert fake.token not in text
