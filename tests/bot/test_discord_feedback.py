"""👍 / 👎 under answers through the fake Discord, kept in a real SQLite file: votes survive a
restart, 100 users voting at once are all kept, no raw user id is ever stored, a locked
database is refused politely while answers go on, and opted-out servers log nothing."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import struct
from pathlib import Path
from typing import Any

import pytest
import yaml
from discord_harness import Harness, StartBot, buttons
from fake_discord import GUILD_ID, button_press, modal_submit, slash

from bot.cli import main
from bot.store import Store

VOTE_ID = re.compile(r"lecture-bot:vote:(\d+):(\d+):(up|down)")


async def ask(harness: Harness, question: str = "what are tokens") -> dict[str, Any]:
    """Ask, and return the message the bot answered with (as the fake keeps it)."""
    await harness.interact(slash("ask", {"question": question}, user_id=harness.new_user()))
    return harness.fake.messages[max(harness.fake.messages)]  # the one message it made


async def press(harness: Harness, message: dict[str, Any], emoji: str, user_id: int, **kw: Any):
    custom_id = buttons(message)[emoji]["custom_id"]
    return await harness.interact(button_press(custom_id, message, user_id=user_id, **kw))


def stored_votes(database: Path) -> list[tuple[int, int, str | None]]:
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT question_id, value, comment FROM votes ORDER BY voted_at"
        ).fetchall()


async def test_an_answer_has_vote_buttons_that_name_the_logged_question(
    start_bot: StartBot, tmp_path: Path
):
    harness = await start_bot(store=Store(tmp_path / "bot.sqlite3"))
    message = await ask(harness)
    ids = {emoji: buttons(message)[emoji]["custom_id"] for emoji in ("👍", "👎")}
    [logged] = Store(tmp_path / "bot.sqlite3").questions()
    assert logged.question == "what are tokens"
    assert logged.found and logged.guild_id == GUILD_ID
    assert 1 <= len(logged.hits) <= 3
    assert all(VOTE_ID.fullmatch(value) for value in ids.values())
    assert {VOTE_ID.fullmatch(value)[1] for value in ids.values()} == {str(logged.id)}


async def test_a_vote_survives_a_restart_and_reaches_the_organisers(
    start_bot: StartBot, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    database = tmp_path / "bot.sqlite3"
    first = await start_bot(store=Store(database))
    message = await ask(first)
    voter = first.new_user()
    thanked = await press(first, message, "👍", voter)
    assert thanked.data["flags"] == 64
    assert thanked.data["content"].startswith("Thanks! Your 👍 is noted")
    await first.bot.close()

    second = await start_bot(store=Store(database))
    await second.fake.wait_connected(identified=2)
    # The same user changes their mind on the message from before the restart.
    modal = await press(second, message, "👎", voter)
    assert modal.json["type"] == 9  # a modal: what were you looking for?
    [row] = modal.data["components"]
    [text_input] = row["components"]
    assert modal.data["title"] == "What were you looking for?"
    done = await second.interact(
        modal_submit(
            modal.data["custom_id"],
            {text_input["custom_id"]: "the part where  tokens are\ncounted"},
            user_id=voter,
        )
    )
    assert done.data["content"].startswith("Thanks — your 👎 is noted")
    [(question_id, value, comment)] = stored_votes(database)
    assert (value, comment) == (-1, "the part where tokens are counted")
    [logged] = Store(database).questions()
    assert (logged.id, logged.up, logged.down) == (question_id, 0, 1)

    # The organisers see it: in Discord, from the command line, and in the export.
    insights = await second.interact(slash("insights", user_id=second.new_user()))
    fields = {f["name"]: f["value"] for f in insights.data["embeds"][0]["fields"]}
    assert "“what are tokens”" in fields["Answers with the most 👎"]
    assert "the part where tokens are counted" in fields["Answers with the most 👎"]
    assert main(["insights", "--db", str(database), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["votes"] == {"up": 0, "down": 1}
    assert report["most_down_voted"][0]["comments"] == ["the part where tokens are counted"]
    export = tmp_path / "feedback.yaml"
    assert main(["feedback", "export", "--db", str(database), "--out", str(export)]) == 0
    [item] = yaml.safe_load(export.read_text())
    assert (item["q"], item["kind"], item["answers"]) == ("what are tokens", "down-voted", [])


async def test_korean_users_are_thanked_in_korean(start_bot: StartBot, tmp_path: Path):
    harness = await start_bot(store=Store(tmp_path / "bot.sqlite3"))
    message = await ask(harness)
    thanked = await press(harness, message, "👍", harness.new_user(), locale="ko")
    assert thanked.data["content"].startswith("고마워요!")
    modal = await press(harness, message, "👎", harness.new_user(), locale="ko")
    assert modal.data["title"] == "무엇을 찾고 있었나요?"


async def test_votes_from_a_hundred_users_at_once_are_all_stored(
    start_bot: StartBot, tmp_path: Path
):
    database = tmp_path / "bot.sqlite3"
    harness = await start_bot(store=Store(database))
    message = await ask(harness)
    voters = [harness.new_user() for _ in range(100)]
    callbacks = await asyncio.wait_for(
        asyncio.gather(*(press(harness, message, "👍", voter) for voter in voters)), 60
    )
    assert all(c.data["content"].startswith("Thanks!") for c in callbacks)
    votes = stored_votes(database)
    assert len(votes) == 100 and {value for _, value, _ in votes} == {1}
    with sqlite3.connect(database) as connection:
        hashes = {h for (h,) in connection.execute("SELECT user_hash FROM votes")}
    assert len(hashes) == 100


async def test_the_database_holds_no_raw_user_id(start_bot: StartBot, tmp_path: Path):
    database = tmp_path / "bot.sqlite3"
    harness = await start_bot(store=Store(database))
    asker = harness.new_user()
    await harness.interact(slash("ask", {"question": "what are tokens"}, user_id=asker))
    message = harness.fake.messages[max(harness.fake.messages)]
    voter = harness.new_user()
    await press(harness, message, "👎", voter)
    await harness.bot.close()
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("bot.sqlite3*"))
    assert b"what are tokens" in stored  # the file is readable as it is: the check means something
    for user in (asker, voter):
        for form in (str(user).encode(), struct.pack(">q", user), struct.pack("<q", user)):
            assert form not in stored


async def test_a_locked_database_refuses_votes_politely_and_answers_go_on(
    start_bot: StartBot, tmp_path: Path
):
    database = tmp_path / "bot.sqlite3"
    harness = await start_bot(store=Store(database))
    message = await ask(harness)
    harness.fake.interaction_deadline = 3.0  # as Discord: a response after 3 s is refused
    blocker = sqlite3.connect(database, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")  # another program holds the database
    try:
        refused = await press(harness, message, "👍", harness.new_user())
        assert refused.data["content"] == (
            "Votes cannot be saved right now; please try again later."
        )
        answer = await ask(harness, "how many tokens")
        assert answer["embeds"], "the answer still comes"
        assert "👍" not in buttons(answer)  # not logged, so nothing to vote on
    finally:
        blocker.rollback()
        blocker.close()
    accepted = await press(harness, message, "👍", harness.new_user())
    assert accepted.data["content"].startswith("Thanks!")
    assert harness.fake.late == []


async def test_a_server_that_opted_out_logs_nothing_and_shows_no_votes(
    start_bot: StartBot, tmp_path: Path
):
    database = tmp_path / "bot.sqlite3"
    store = Store(database)
    store.set_logging(GUILD_ID, False)
    harness = await start_bot(store=store)
    message = await ask(harness)
    assert message["embeds"] and "👍" not in buttons(message)
    assert Store(database).questions() == []


async def test_votes_on_a_later_page_are_about_that_page(start_bot: StartBot, tmp_path: Path):
    database = tmp_path / "bot.sqlite3"
    harness = await start_bot(store=Store(database))
    asker = harness.new_user()
    await harness.interact(slash("ask", {"question": "tokens"}, user_id=asker))
    message = harness.fake.messages[max(harness.fake.messages)]
    assert VOTE_ID.fullmatch(buttons(message)["👎"]["custom_id"])[2] == "0"
    more = buttons(message)["More results"]["custom_id"]
    page2 = await harness.interact(button_press(more, message, user_id=asker))
    down = buttons(page2.data)["👎"]["custom_id"]
    assert VOTE_ID.fullmatch(down)[2] == "1"
    edited = harness.fake.messages[max(harness.fake.messages)] | {"id": message["id"]}
    await harness.interact(button_press(down, edited, user_id=asker))
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT value, page FROM votes").fetchall() == [(-1, 1)]
