"""/insights and /privacy through the fake Discord, over a real SQLite file: what students asked,
voted and could not get answered reaches the organisers — and only them — and a server that
opts out is not logged (and can have its log deleted)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from discord_harness import Harness, StartBot, buttons, check_embeds
from fake_discord import STUDENT_PERMISSIONS, button_press, modal_submit, slash
from PIL import Image

from bot.cli import main
from bot.store import Store

UNANSWERABLE = "quantum chromodynamics lattice"


async def ask(harness: Harness, question: str) -> dict:
    await harness.interact(slash("ask", {"question": question}, user_id=harness.new_user()))
    return harness.fake.messages[max(harness.fake.messages)]


async def vote_down(harness: Harness, message: dict, comment: str) -> None:
    voter = harness.new_user()
    press = button_press(buttons(message)["👎"]["custom_id"], message, user_id=voter)
    modal = await harness.interact(press)
    [row] = modal.data["components"]
    field = row["components"][0]["custom_id"]
    await harness.interact(modal_submit(modal.data["custom_id"], {field: comment}, user_id=voter))


@pytest.fixture
async def organised(start_bot: StartBot, tmp_path: Path) -> Harness:
    """A bot whose log has two answered questions (one voted 👎) and one unanswerable."""
    harness = await start_bot(store=Store(tmp_path / "bot.sqlite3"))
    answered = await ask(harness, "what are tokens")
    await ask(harness, "how many tokens")
    await ask(harness, UNANSWERABLE)
    await vote_down(harness, answered, "wanted the tokenizer demo")
    return harness


async def test_insights_show_the_weeks_questions_to_an_organiser(organised: Harness):
    callback = await organised.interact(slash("insights", user_id=organised.new_user()))
    assert callback.data["flags"] == 64  # only the organiser sees it
    [embed] = check_embeds(callback.data)
    assert embed["title"] == "What students asked · last 7 days"
    assert embed["description"].startswith("**3** questions · **1** not answered · 👍 0 · 👎 1")
    fields = {field["name"]: field["value"] for field in embed["fields"]}
    assert UNANSWERABLE in fields["Not answered by the lectures"]
    disliked = fields["Answers with the most 👎"]
    assert disliked.startswith("**1**👎 “what are tokens” → [")
    assert "wanted the tokenizer demo" in disliked
    assert "https://www.youtube.com/watch?v=" in fields["Most asked chapters"]
    [chart] = callback.files
    assert embed["image"]["url"] == f"attachment://{chart.filename}"
    assert Image.open(io.BytesIO(chart.data)).format == "PNG"


async def test_insights_in_korean(organised: Harness):
    callback = await organised.interact(
        slash("insights", {"days": 30}, user_id=organised.new_user(), locale="ko")
    )
    [embed] = check_embeds(callback.data)
    assert embed["title"] == "학생들의 질문 · 최근 30일"
    assert embed["description"].startswith("질문 **3**개")


async def test_students_cannot_see_insights_or_change_privacy(organised: Harness):
    for command in ("insights", "privacy"):
        callback = await organised.interact(
            slash(command, user_id=organised.new_user(), permissions=STUDENT_PERMISSIONS)
        )
        assert callback.data["flags"] == 64
        assert callback.data["content"].startswith("Only members with the Manage Server")


async def test_privacy_off_stops_logging_and_forget_deletes_the_log(
    organised: Harness, tmp_path: Path
):
    status = await organised.interact(slash("privacy", user_id=organised.new_user()))
    assert status.data["content"].startswith("Questions asked in this server are logged")
    assert "kept 90 days" in status.data["content"]
    off = await organised.interact(
        slash("privacy", {"log_questions": False, "forget": True}, user_id=organised.new_user())
    )
    assert off.data["content"].startswith("Questions asked in this server are not logged")
    assert off.data["content"].endswith("Deleted 3 logged questions of this server.")
    message = await ask(organised, "what are tokens")
    assert message["embeds"] and "👍" not in buttons(message)
    assert Store(tmp_path / "bot.sqlite3").questions() == []


async def test_the_cli_reports_and_exports_what_discord_logged(
    organised: Harness, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    database = str(tmp_path / "bot.sqlite3")
    assert main(["insights", "--db", database, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["questions"], report["unanswered"], report["votes"]) == (
        3,
        1,
        {"up": 0, "down": 1},
    )
    [disliked] = report["most_down_voted"]
    assert disliked["question"] == "what are tokens"
    assert disliked["comments"] == ["wanted the tokenizer demo"]
    out = tmp_path / "feedback.yaml"
    assert main(["feedback", "export", "--db", database, "--out", str(out)]) == 0
    text = out.read_text()
    assert "q: what are tokens" in text and f"q: {UNANSWERABLE}" in text
    assert "how many tokens" not in text  # answered, and nobody voted it down
