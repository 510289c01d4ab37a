"""Telling systemd how the bot is doing (`Type=notify`, `WatchdogSec=`): ready once it is
connected, alive every half watchdog interval while its event loop runs, stopping when it
closes. A hung event loop stops the pings, and systemd restarts the bot.

The protocol is one datagram per message to the socket systemd names in `NOTIFY_SOCKET` (a
path, or an abstract name starting with "@"); nothing is sent when the bot was not started
that way. Written here rather than with a library: it is one `sendto`, and python-systemd
needs the C library and headers to install.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SystemdNotifier:
    """Sends state changes to `socket_path`; `watchdog_usec` is systemd's WATCHDOG_USEC."""

    socket_path: str
    watchdog_usec: int | None = None

    @classmethod
    def from_settings(
        cls, socket_path: str | None, watchdog_usec: int | None
    ) -> SystemdNotifier | None:
        return cls(socket_path, watchdog_usec) if socket_path else None

    def notify(self, state: str) -> None:
        address = self.socket_path
        if address.startswith("@"):
            address = "\0" + address[1:]
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
                sender.sendto(state.encode(), address)
        except OSError as error:
            log.warning("could not notify systemd (%s): %s", state.split("=")[0], error)

    def ready(self) -> None:
        self.notify("READY=1\nSTATUS=connected to Discord")

    def stopping(self) -> None:
        self.notify("STOPPING=1")

    async def keep_alive(self) -> None:
        """WATCHDOG=1 every half interval, for as long as the event loop turns."""
        if not self.watchdog_usec:
            return
        every = self.watchdog_usec / 2_000_000
        while True:
            self.notify("WATCHDOG=1")
            await asyncio.sleep(every)
