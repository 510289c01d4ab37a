"""`lecture-bot check --live` judges the bot by when it last heard from Discord, not only by
when its heartbeat file was rewritten; and the file is strict JSON."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from discord_harness import StartBot

from bot.cli import main
from bot.cli.check import CheckFailed, live_check
from bot.discord.heartbeat import Heartbeat, read_heartbeat, write_heartbeat


def _strict(text: str) -> dict:
    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def _bot(latency: float = 0.05, last_receive_ago: float | None = None) -> SimpleNamespace:
    """A stand-in for the bot: its latency, guilds and (optionally) a gateway socket whose
    keep-alive handler last received a frame `last_receive_ago` seconds ago."""
    ws = None
    if last_receive_ago is not None:
        keep_alive = SimpleNamespace(_last_recv=time.perf_counter() - last_receive_ago)
        ws = SimpleNamespace(_keep_alive=keep_alive)
    return SimpleNamespace(latency=latency, guilds=(), ws=ws)


def test_bot_that_lost_discord_106_s_ago_is_not_live(tmp_path: Path):
    path = tmp_path / "heartbeat.json"
    beat = Heartbeat(_bot(last_receive_ago=106), path)
    beat.beat()  # the file itself is fresh: the process still runs its 30-second loop
    with pytest.raises(CheckFailed, match=r"last heard from Discord 10[67] s ago \(limit 90 s\)"):
        live_check(path)


def test_lost_connection_keeps_the_last_time_it_heard(tmp_path: Path):
    path = tmp_path / "heartbeat.json"
    bot = _bot(last_receive_ago=5)
    beat = Heartbeat(bot, path)
    heard = beat.last_event
    assert heard is not None and abs(heard - (time.time() - 5)) < 1
    bot.ws = None  # disconnected: no keep-alive any more
    assert beat.last_event == heard
    for later in (60, 120):  # the file is still rewritten every 30 s meanwhile
        beat.beat()
        data = read_heartbeat(path)
        assert data["last_event"] == heard
        write_heartbeat(path, {**data, "written": heard + later - 5})
        if later < 90:
            assert live_check(path, now=heard + later).startswith("heartbeat: ")
        else:
            with pytest.raises(CheckFailed, match="last heard from Discord 120 s ago"):
                live_check(path, now=heard + later)


def test_quiet_but_connected_bot_is_live(tmp_path: Path):
    path = tmp_path / "heartbeat.json"
    Heartbeat(_bot(last_receive_ago=40), path).beat()  # a heartbeat ACK 40 s ago
    line = live_check(path)
    assert line.startswith("heartbeat: 0 s old, last Discord event 40 s ago, gateway latency 50 ms")


def test_bot_that_never_connected_is_not_live_after_the_limit(tmp_path: Path):
    path = tmp_path / "heartbeat.json"
    beat = Heartbeat(_bot(latency=math.nan), path)
    beat.beat()
    data = read_heartbeat(path)
    assert data["last_event"] is None
    assert live_check(path).startswith("heartbeat: ")  # just started: still connecting
    write_heartbeat(path, {**data, "written": beat.started + 195})  # rewritten all along
    with pytest.raises(CheckFailed, match="has not heard from Discord since it started 200 s"):
        live_check(path, now=beat.started + 200)


def test_check_live_command_fails_on_a_silent_bot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, shared_lecture_dir: Path
):
    for name in ("DISCORD_GUILD_ID", "LOG_LEVEL", "LECTURE_CATALOG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", "check.t0ken")
    monkeypatch.setenv("LECTURE_DATA_DIR", str(shared_lecture_dir))
    monkeypatch.setenv("HEARTBEAT_FILE", str(tmp_path / "heartbeat.json"))
    monkeypatch.setenv("LECTURE_BOT_DB", str(tmp_path / "bot.sqlite3"))
    now = time.time()
    beat = {"written": now - 10, "last_event": now - 106, "latency": 0.04, "guilds": 1}
    write_heartbeat(tmp_path / "heartbeat.json", beat)
    assert main(["check", "--live"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("lecture-bot check: heartbeat: the bot last heard from Discord 10")
    assert "it has lost its gateway connection" in err


@pytest.mark.parametrize("latency", [math.inf, math.nan, -math.inf])
def test_heartbeat_file_is_strict_json_without_a_latency(tmp_path: Path, latency: float):
    # discord.py's latency is inf before the first heartbeat ACK and nan without a socket.
    path = tmp_path / "heartbeat.json"
    Heartbeat(_bot(latency=latency), path).beat()
    data = _strict(path.read_text())
    assert data["latency"] is None
    assert set(data) == {"written", "started", "last_event", "latency", "guilds", "pid"}


def test_write_refuses_what_json_cannot_hold(tmp_path: Path):
    path = tmp_path / "heartbeat.json"
    write_heartbeat(path, {"written": 1.0})
    with pytest.raises(ValueError):
        write_heartbeat(path, {"written": 2.0, "latency": math.inf})
    assert _strict(path.read_text()) == {"written": 1.0}
    assert [p.name for p in tmp_path.iterdir()] == ["heartbeat.json"]


async def test_running_bot_counts_heartbeat_acks_as_hearing_discord(
    start_bot: StartBot, tmp_path: Path
):
    harness = await start_bot(heartbeat_file=tmp_path / "heartbeat.json")
    heartbeat = harness.bot.heartbeat
    assert heartbeat is not None
    await harness.fake.wait_until(lambda: heartbeat.last_event is not None)
    before = heartbeat.last_event
    await harness.fake.wait_until(lambda: time.time() > before + 0.05)
    sent = time.time()
    # No event at all, only a heartbeat ACK: a quiet server's connection looks like this.
    await harness.fake.send_raw('{"op": 11, "d": null, "s": null, "t": null}')
    await harness.fake.wait_until(lambda: heartbeat.last_event > before)
    assert sent - 0.01 <= heartbeat.last_event <= time.time()
    heartbeat.beat()
    data = _strict((tmp_path / "heartbeat.json").read_text())
    assert data["last_event"] == pytest.approx(heartbeat.last_event, abs=0.5)
