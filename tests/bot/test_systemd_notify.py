"""`lecture-bot run` under systemd's Type=notify with a watchdog: READY=1 once connected,
WATCHDOG=1 while the event loop turns, STOPPING=1 on SIGTERM — to a real datagram socket, as
systemd listens."""

from __future__ import annotations

import asyncio
import signal
import socket
import time
from pathlib import Path

import pytest
from fake_discord import FakeDiscord
from test_discord_crash_votes import start

from bot.discord.systemd import SystemdNotifier


def received(listener: socket.socket) -> list[str]:
    messages = []
    while True:
        try:
            messages.append(listener.recv(4096).decode())
        except BlockingIOError:
            return messages


@pytest.mark.parametrize("shards", [{}, {"SHARD_COUNT": "2"}], ids=["one shard", "two shards"])
async def test_the_bot_tells_systemd_it_is_ready_alive_and_stopping(
    fake: FakeDiscord, tmp_path: Path, shards: dict[str, str]
):
    """READY=1 once, when connected (a sharded bot: when all its shards are), then
    WATCHDOG=1 while it runs and STOPPING=1 last."""
    # An abstract socket name, as systemd often uses (a path under pytest's tmp_path can be
    # longer than the 108 bytes a Unix socket address allows).
    name = f"lecture-bot-notify-{time.monotonic_ns()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind("\0" + name)
        listener.setblocking(False)
        process = await start(
            fake,
            tmp_path / "bot.sqlite3",
            tmp_path,
            NOTIFY_SOCKET="@" + name,
            WATCHDOG_USEC="400000",  # pings every 0.2 s
            **shards,
        )
        messages: list[str] = []
        try:
            deadline = time.monotonic() + 25  # a second shard waits 5 s to identify
            while not any(m.startswith("READY=1") for m in messages):
                assert time.monotonic() < deadline, f"no READY=1: {messages[-5:]}"
                await asyncio.sleep(0.1)
                messages += received(listener)
            # Ready only once every shard has identified (and had its READY).
            assert len(fake.gateway.identifies) == int(shards.get("SHARD_COUNT", 1))
            await asyncio.sleep(0.7)
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 10)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        messages += received(listener)
    assert process.returncode == 0
    assert messages[-1] == "STOPPING=1"
    ready = [i for i, m in enumerate(messages) if m.startswith("READY=1")]
    assert len(ready) == 1, messages
    after_ready = messages[ready[0] :]
    assert after_ready.count("WATCHDOG=1") >= 3  # still alive, every 0.2 s, once connected


def test_an_abstract_socket_name_and_no_socket(tmp_path: Path) -> None:
    name = f"lecture-bot-test-{time.monotonic_ns()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind("\0" + name)
        notifier = SystemdNotifier.from_settings("@" + name, None)
        assert notifier is not None
        notifier.stopping()
        assert listener.recv(100) == b"STOPPING=1"
    assert SystemdNotifier.from_settings(None, 1000) is None
