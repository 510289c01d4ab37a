"""Discord's 3-second deadline, counted from when Discord created the interaction: answers run
off the event loop from the first one, an interaction that already waited is deferred before
any work, a late one costs one log line (no traceback), and a burst of distinct users is
answered in time (a smaller copy of `python -m bench.bot --burst 1000`)."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import time
from pathlib import Path

import pytest
from discord_harness import Harness, StartBot
from fake_discord import slash

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # bench/ is not an installed package


def _callbacks(harness: Harness, payload: dict) -> list[int]:
    """The types of the callbacks the bot has sent for `payload` so far."""
    path = f"/interactions/{payload['id']}/"
    return [r.json.get("type") for r in harness.fake.requests if r.path.startswith(path)]


async def test_first_answer_runs_off_the_event_loop(harness: Harness):
    """Even the first question, however slow, leaves the loop free for everyone else."""
    harness.index.gate = threading.Event()  # the first answer blocks until released
    slow = slash("ask", {"question": "tokens"}, user_id=harness.new_user())
    mark = harness.fake.mark()
    await harness.fake.dispatch("INTERACTION_CREATE", slow)
    await asyncio.to_thread(harness.index.started.wait, 5)
    # While that answer is being computed, another user's command is served.
    quick = await harness.interact(slash("help", user_id=harness.new_user()))
    assert quick.json["type"] == 4
    assert _callbacks(harness, slow) == []
    harness.index.gate.set()
    answered = await harness.fake.wait_for_request(
        "POST", f"/interactions/{slow['id']}/", after=mark
    )
    assert answered.json["type"] == 4  # quick enough: no deferral needed


async def test_an_interaction_that_already_waited_is_deferred_before_work(harness: Harness):
    # Discord created it 2.5 s ago (a backlog, a slow network): only 0.5 s of its 3 s remain.
    payload = slash(
        "ask", {"question": "tokens"}, user_id=harness.new_user(), created=time.time() - 2.5
    )
    seen_when_work_started: list[list[int]] = []
    answer = harness.index.answer

    def observed(*args, **kwargs):
        seen_when_work_started.append(_callbacks(harness, payload))
        return answer(*args, **kwargs)

    harness.index.answer = observed
    deferred = await harness.interact(payload)
    assert deferred.json == {"type": 5}
    followup = await harness.followup(payload)
    assert followup.json["embeds"][0]["fields"][0]["name"] == "1. Chapter 3 · Tokenization"
    assert seen_when_work_started == [[5]]  # deferred first, then answered


async def test_a_fresh_interaction_is_answered_without_deferring(harness: Harness):
    payload = slash("ask", {"question": "tokens"}, user_id=harness.new_user())
    assert (await harness.interact(payload)).json["type"] == 4


async def test_late_interaction_is_one_log_line_without_traceback(
    harness: Harness, caplog: pytest.LogCaptureFixture
):
    harness.fake.interaction_deadline = 3.0  # as Discord: later callbacks are refused (10062)
    late = slash(
        "ask", {"question": "tokens"}, user_id=harness.new_user(), created=time.time() - 3.5
    )
    mark = harness.fake.mark()
    await harness.fake.dispatch("INTERACTION_CREATE", late)
    await harness.fake.wait_until(lambda: harness.fake.late)
    # The bot goes on serving, and said nothing more to Discord about the dead interaction.
    ok = await harness.interact(slash("ask", {"question": "tokens"}, user_id=harness.new_user()))
    assert ok.json["type"] == 4
    assert [r.path for r in harness.fake.requests[mark:] if late["token"] in r.path] == [
        f"/interactions/{late['id']}/{late['token']}/callback"
    ]
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(problems) == 1, [r.getMessage() for r in problems]
    [record] = problems
    assert record.exc_info is None and "Traceback" not in caplog.text
    assert "Discord dropped the interaction before the reply" in record.getMessage()


async def test_defer_clock_starts_when_discord_created_the_interaction(start_bot: StartBot):
    # 1.9 s old on arrival with a 2 s defer point: a 0.3 s answer must be deferred, although
    # it takes far less than 2 s itself.
    harness = await start_bot()
    harness.index.delay = 0.3
    payload = slash(
        "ask", {"question": "tokens"}, user_id=harness.new_user(), created=time.time() - 1.9
    )
    deferred = await harness.interact(payload)
    assert deferred.json == {"type": 5}
    followup = await harness.followup(payload)
    assert followup.json["embeds"]


async def test_burst_of_200_users_is_answered_in_time(shared_lecture_dir: Path, tmp_path: Path):
    """200 distinct users at once against `lecture-bot run` over the real lecture: none misses
    the 3 s deadline (the fake refuses late callbacks as Discord does), and no traceback."""
    from bench.burst import burst

    result = await burst(200, timeout=60, log_path=tmp_path / "bot.log")
    assert result["missed_3s"] == 0, result
    assert result["tracebacks_logged"] == 0, result
    assert result["errors_logged"] == 0, result
