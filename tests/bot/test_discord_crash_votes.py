"""The bot killed (SIGKILL) in the middle of a stream of votes: every vote it had acknowledged is
in the database after a restart, the file is intact, and voting goes on."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from asyncio.subprocess import DEVNULL
from pathlib import Path

from discord_harness import buttons
from fake_discord import FakeDiscord, button_press, slash
from test_discord_runner import environment, start_cli

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = REPO_ROOT / "tests" / "fixtures"
VOTERS = 80


async def start(
    fake: FakeDiscord, database: Path, cwd: Path, **extra: str
) -> asyncio.subprocess.Process:
    """`lecture-bot run` over the small bread lecture, once it has identified to the fake."""
    env = environment(
        fake,
        DISCORD_TOKEN=fake.token,
        LOG_LEVEL="WARNING",
        LECTURE_BOT_DB=str(database),
        LECTURE_CATALOG=str(FIXTURES / "mini-catalog.yaml"),
        **extra,
    )
    identified = len(fake.gateway.identifies)
    process = await start_cli(
        "run", "--data", str(FIXTURES / "lecture-mini"), env=env, cwd=cwd, stdout=DEVNULL
    )
    await fake.wait_until(lambda: len(fake.gateway.identifies) > identified, timeout=30)
    return process


def acknowledged(fake: FakeDiscord, payloads: list[dict]) -> set[int]:
    """The voters whose press the bot answered with its thanks (sent after the commit)."""
    thanked = {
        request.path.split("/")[2]
        for request in fake.requests
        if request.path.endswith("/callback")
        and request.status == 200
        and str(request.json.get("data", {}).get("content", "")).startswith("Thanks!")
    }
    return {int(p["member"]["user"]["id"]) for p in payloads if p["id"] in thanked}


async def test_every_acknowledged_vote_survives_a_kill(fake: FakeDiscord, tmp_path: Path):
    database = tmp_path / "bot.sqlite3"
    process = await start(fake, database, tmp_path)
    try:
        mark = fake.mark()
        await fake.dispatch(
            "INTERACTION_CREATE", slash("ask", {"question": "flour and water"}, user_id=1)
        )
        await fake.wait_for_request("POST", "/callback", after=mark, timeout=20)
        message = fake.messages[max(fake.messages)]
        vote = buttons(message)["👍"]["custom_id"]
        payloads = [
            button_press(vote, message, user_id=1_300_000_000_000_000_000 + n)
            for n in range(VOTERS)
        ]
        for payload in payloads:
            await fake.dispatch("INTERACTION_CREATE", payload)
        await fake.wait_until(lambda: len(acknowledged(fake, payloads)) >= VOTERS // 4, 20)
        process.send_signal(signal.SIGKILL)  # mid-stream: no chance to finish anything
        await process.wait()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    thanked = acknowledged(fake, payloads)
    assert VOTERS // 4 <= len(thanked) < VOTERS, "the kill did not land mid-stream"

    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = connection.execute("SELECT COUNT(*) FROM votes").fetchone()[0]
    assert stored >= len(thanked)  # committed before the thanks, so never fewer

    again = await start(fake, database, tmp_path)
    try:
        late = button_press(vote, message, user_id=1_300_000_000_000_000_999)
        mark = fake.mark()
        await fake.dispatch("INTERACTION_CREATE", late)
        answered = await fake.wait_for_request("POST", f"/interactions/{late['id']}/", after=mark)
        assert answered.json["data"]["content"].startswith("Thanks!")
    finally:
        again.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(again.communicate(), 10)
    assert again.returncode == 0, err.decode()[-2000:]
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT COUNT(*) FROM votes").fetchone()[0] == stored + 1


async def test_a_corrupt_database_is_one_line_and_the_bot_answers_without_it(
    fake: FakeDiscord, tmp_path: Path
):
    database = tmp_path / "bot.sqlite3"
    database.write_bytes(b"this is not a database, " * 400)
    process = await start(fake, database, tmp_path)
    try:
        mark = fake.mark()
        ask = slash("ask", {"question": "flour and water"}, user_id=1)
        await fake.dispatch("INTERACTION_CREATE", ask)
        answered = await fake.wait_for_request("POST", f"/interactions/{ask['id']}/", after=mark)
        message = answered.json.get("data") or {}
        assert message.get("embeds"), "the question is answered"
        assert "👍" not in str(message.get("components", ""))  # nothing to vote on: no log
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), 10)
    lines = [line for line in err.decode().splitlines() if "database" in line]
    assert len(lines) == 1, lines
    assert "cannot open the database" in lines[0] and "answering without it" in lines[0]
    assert "Traceback" not in err.decode()
    assert database.read_bytes() == b"this is not a database, " * 400  # left as it was
