"""A small JSON file the running bot rewrites every 30 s, so `lecture-bot check --live` (or a
monitor) can tell a live bot from a hung or stopped one.

Contents: `written` (Unix time of this write), `last_event` (Unix time of the last gateway
event, or null), `latency` (gateway heartbeat latency in seconds, or null), `guilds`, `pid`.
Written atomically: a temporary file in the same directory, then `os.replace`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import os
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)

HEARTBEAT_ENV = "HEARTBEAT_FILE"
DEFAULT_HEARTBEAT = Path(".cache") / "heartbeat.json"
INTERVAL = 30.0
STALE_AFTER = 90.0


def heartbeat_path(environ: Mapping[str, str] | None = None) -> Path:
    """`$HEARTBEAT_FILE`, else `.cache/heartbeat.json` under the working directory."""
    raw = (os.environ if environ is None else environ).get(HEARTBEAT_ENV, "").strip()
    return Path(raw).expanduser() if raw else DEFAULT_HEARTBEAT


def write_heartbeat(path: Path, data: Mapping[str, Any]) -> None:
    """Replace `path` with `data` as JSON; readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(dict(data), handle)
            handle.write("\n")
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def read_heartbeat(path: Path) -> dict[str, Any]:
    """The heartbeat's data; ValueError with the reason when it is missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"no heartbeat file at {path} (is the bot running?)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"heartbeat file {path} is unreadable ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("written"), int | float):
        raise ValueError(f"heartbeat file {path} has no 'written' time")
    return data


def heartbeat_age(data: Mapping[str, Any], now: float | None = None) -> float:
    """Seconds since the heartbeat was written."""
    return (time.time() if now is None else now) - float(data["written"])


class _Bot(Protocol):
    @property
    def latency(self) -> float: ...

    @property
    def guilds(self) -> Any: ...


class Heartbeat:
    """Notes gateway events (`note_event`) and writes the file every `interval` seconds."""

    def __init__(self, bot: _Bot, path: Path, interval: float = INTERVAL):
        self.bot = bot
        self.path = path
        self.interval = interval
        self.last_event: float | None = None
        self._task: asyncio.Task[None] | None = None

    def note_event(self) -> None:
        self.last_event = time.time()

    def snapshot(self) -> dict[str, Any]:
        latency = self.bot.latency
        return {
            "written": time.time(),
            "last_event": self.last_event,
            "latency": None if latency is None or math.isnan(latency) else round(latency, 4),
            "guilds": len(self.bot.guilds),
            "pid": os.getpid(),
        }

    def beat(self) -> None:
        try:
            write_heartbeat(self.path, self.snapshot())
        except OSError as error:
            log.warning("cannot write the heartbeat file %s: %s", self.path, error)

    async def _run(self) -> None:
        while True:
            await asyncio.to_thread(self.beat)
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="lecture-bot heartbeat")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
