"""The heartbeat file: atomic JSON writes, and the real bot writing it against the fake."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from discord_fixtures import *  # noqa: F403  (pytest fixtures: fake, start_bot, ...)

from bot.discord.heartbeat import Heartbeat, read_heartbeat, write_heartbeat
from bot.settings import DEFAULT_HEARTBEAT, Settings


def test_path_from_the_settings(tmp_path: Path) -> None:
    absent = tmp_path / "absent.env"
    assert Settings.from_env({}, absent).heartbeat_file == DEFAULT_HEARTBEAT
    settings = Settings.from_env({"HEARTBEAT_FILE": " /var/lib/lb/hb.json "}, absent)
    assert settings.heartbeat_file == Path("/var/lib/lb/hb.json")


def test_write_is_valid_json_and_replaces_atomically(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "state" / "heartbeat.json"
    write_heartbeat(path, {"written": 1.0, "guilds": 1})
    first_inode = path.stat().st_ino
    replaced: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(src, dst):
        replaced.append((str(src), str(dst)))
        # The old file is intact until the new one is moved over it.
        assert json.loads(path.read_text()) == {"written": 1.0, "guilds": 1}
        assert json.loads(Path(src).read_text())["guilds"] == 2
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    write_heartbeat(path, {"written": 2.0, "guilds": 2})
    [(src, dst)] = replaced
    assert Path(src).parent == path.parent and dst == str(path)
    assert read_heartbeat(path) == {"written": 2.0, "guilds": 2}
    assert path.stat().st_ino != first_inode
    assert sorted(p.name for p in path.parent.iterdir()) == ["heartbeat.json"]


def test_failed_write_leaves_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "heartbeat.json"
    write_heartbeat(path, {"written": 1.0})
    with pytest.raises(TypeError):
        write_heartbeat(path, {"written": object()})
    assert read_heartbeat(path) == {"written": 1.0}
    assert [p.name for p in tmp_path.iterdir()] == ["heartbeat.json"]


def test_read_rejects_missing_and_malformed(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no heartbeat file"):
        read_heartbeat(tmp_path / "none.json")
    (tmp_path / "bad.json").write_text('{"guilds": 1}')
    with pytest.raises(ValueError, match="no 'written' time"):
        read_heartbeat(tmp_path / "bad.json")


class _StubBot:
    latency = float("nan")  # discord.py before the first heartbeat ACK
    guilds = ("a", "b")


def test_snapshot_before_any_event() -> None:
    beat = Heartbeat(_StubBot(), Path("unused.json"))
    snapshot = beat.snapshot()
    assert snapshot["last_event"] is None and snapshot["latency"] is None
    assert snapshot["guilds"] == 2 and snapshot["pid"] == os.getpid()
    beat.note_event()
    assert abs(beat.snapshot()["last_event"] - time.time()) < 60


async def test_loop_rewrites_the_file_until_stopped(tmp_path: Path) -> None:
    path = tmp_path / "heartbeat.json"
    beat = Heartbeat(_StubBot(), path, interval=0.01)
    beat.start()
    first = None
    for _ in range(500):
        await asyncio.sleep(0.01)
        if path.exists():
            first = first or read_heartbeat(path)["written"]
            if read_heartbeat(path)["written"] > first:
                break
    await beat.stop()
    assert first is not None and read_heartbeat(path)["written"] > first
    stopped_at = read_heartbeat(path)["written"]
    await asyncio.sleep(0.05)
    assert read_heartbeat(path)["written"] == stopped_at


async def test_running_bot_writes_heartbeat(
    start_bot: Callable[..., Awaitable[Any]], tmp_path: Path
) -> None:
    path = tmp_path / "heartbeat.json"
    started = time.time()
    harness = await start_bot(heartbeat_file=path)
    # The first beat is written as soon as the bot is set up.
    await harness.fake.wait_until(path.exists)
    assert started <= read_heartbeat(path)["written"] <= time.time()
    heartbeat = harness.bot.heartbeat
    assert heartbeat is not None
    await harness.fake.wait_until(lambda: heartbeat.last_event is not None)
    heartbeat.beat()  # what the 30-second loop does next
    data = read_heartbeat(path)
    assert started <= data["last_event"] <= data["written"] <= time.time()  # READY from the fake
    assert data["guilds"] == 0 and data["pid"] == os.getpid()
    await harness.bot.close()
    assert heartbeat._task is None
