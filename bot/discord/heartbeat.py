"""A small JSON file the running bot rewrites every 30 s, so `lecture-bot check --live` (or a
monitor) can tell a live bot from a hung or stopped one.

Contents: `written` (Unix time of this write), `started` (when the bot started), `last_event`
(Unix time of the last frame received from Discord's gateway: an event or a heartbeat ACK, which
comes every 41.25 s on a healthy connection; null before the first), `latency` (gateway
heartbeat latency in seconds, or null), `guilds`, `pid`. Strict JSON (no NaN or Infinity), so
any reader can parse it. Written atomically: a temporary file in the same directory, then
`os.replace`.

A process that still writes the file but has lost Discord shows as a fresh `written` with an
old `last_event`: `lecture-bot check --live` fails on either.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    # Only the writer runs on the bot's event loop (which has asyncio loaded already): `check`
    # reads heartbeats without paying for importing it.
    import asyncio

log = logging.getLogger(__name__)

INTERVAL = 30.0
STALE_AFTER = 90.0


def write_heartbeat(path: Path, data: Mapping[str, Any]) -> None:
    """Replace `path` with `data` as JSON; readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(dict(data), handle, allow_nan=False)  # NaN/Infinity are not JSON
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


def _finite(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def event_age(data: Mapping[str, Any], now: float | None = None) -> float | None:
    """Seconds since the bot last heard from Discord, when the heartbeat says."""
    last = _finite(data.get("last_event"))
    return None if last is None else (time.time() if now is None else now) - last


def _last_gateway_receive(bot: Any) -> float | None:
    """Unix time of the last frame the bot's gateway connections received, or None when none
    is connected. Every frame (event or heartbeat ACK) ticks discord.py's keep-alive handler
    (`_keep_alive._last_recv`, a perf_counter time); discord.py has no public accessor, so it
    is read defensively. With shards, the stalest connected shard counts."""
    sockets = [getattr(bot, "ws", None)]
    shards = getattr(bot, "shards", None)
    if isinstance(shards, Mapping):
        sockets += [getattr(getattr(info, "_parent", None), "ws", None) for info in shards.values()]
    received: list[float] = [
        value
        for ws in sockets
        if ws
        and isinstance(
            value := getattr(getattr(ws, "_keep_alive", None), "_last_recv", None), float
        )
    ]
    if not received:
        return None
    return time.time() - (time.perf_counter() - min(received))


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
        self.started = time.time()
        self._noted: float | None = None
        self._received: float | None = None
        self._task: asyncio.Task[None] | None = None

    def note_event(self) -> None:
        """Count now as hearing from Discord (the gateway's frames are counted by themselves)."""
        self._noted = time.time()

    @property
    def last_event(self) -> float | None:
        """Unix time the bot last heard from Discord, or None before it ever did. While no
        connection is up, the time of the last frame stays as it was, and so grows old."""
        received = _last_gateway_receive(self.bot)
        if received is not None:
            self._received = received
        times = [value for value in (self._noted, self._received) if value is not None]
        return max(times) if times else None

    def snapshot(self) -> dict[str, Any]:
        latency = _finite(self.bot.latency)  # inf before the first heartbeat ACK, nan unconnected
        return {
            "written": time.time(),
            "started": self.started,
            "last_event": self.last_event,
            "latency": None if latency is None else round(latency, 4),
            "guilds": len(self.bot.guilds),
            "pid": os.getpid(),
        }

    def beat(self) -> None:
        try:
            write_heartbeat(self.path, self.snapshot())
        except OSError as error:
            log.warning("cannot write the heartbeat file %s: %s", self.path, error)

    async def _run(self) -> None:
        import asyncio

        while True:
            await asyncio.to_thread(self.beat)
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        import asyncio

        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="lecture-bot heartbeat")

    async def stop(self) -> None:
        import asyncio

        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
