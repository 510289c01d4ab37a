"""The bot's durable state in one SQLite file: what each Discord server chose.

Plain `sqlite3` (the standard library; a handful of small tables need no ORM) with versioned
migrations: `PRAGMA user_version` records which have run, and each runs once, in a
transaction, in order. WAL mode lets readers go on while a write commits. Every call is
synchronous and short; the bot calls them in a thread (`asyncio.to_thread`).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from platformdirs import user_data_path

from retrieval.errors import LectureBotError

DATABASE_FILE = "lecture-bot.sqlite3"
MIGRATIONS: Sequence[str] = (
    # 1: each server's default lecture (for /chapter, /chapters when none is named)
    """
    CREATE TABLE server_settings (
        guild_id INTEGER PRIMARY KEY,
        default_lecture TEXT NOT NULL,
        updated_at REAL NOT NULL
    )
    """,
)


class StoreError(LectureBotError):
    """The database cannot be opened or written (a locked, corrupt or full file)."""


def default_database_path() -> Path:
    """`lecture-bot.sqlite3` in the user's data directory (e.g. ~/.local/share/lecture-bot)."""
    return user_data_path("lecture-bot", appauthor=False) / DATABASE_FILE


class Store:
    """Server settings, kept in the SQLite file at `path`."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=5)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._migrate()
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"cannot open the database {self.path}: {error}") from None

    def _migrate(self) -> None:
        (version,) = self._db.execute("PRAGMA user_version").fetchone()
        for number, statement in enumerate(MIGRATIONS[version:], start=version + 1):
            with self._db:  # one transaction: the migration and its version, or neither
                self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number}")

    @property
    def schema_version(self) -> int:
        with self._lock:
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def default_lecture(self, guild_id: int) -> str | None:
        """The lecture a server's admins chose as its default, if any."""
        with self._lock:
            try:
                row = self._db.execute(
                    "SELECT default_lecture FROM server_settings WHERE guild_id = ?", (guild_id,)
                ).fetchone()
            except sqlite3.Error as error:
                raise StoreError(f"cannot read the database: {error}") from None
        return None if row is None else str(row[0])

    def set_default_lecture(self, guild_id: int, lecture: str) -> None:
        with self._lock:
            try:
                with self._db:
                    self._db.execute(
                        "INSERT INTO server_settings (guild_id, default_lecture, updated_at) "
                        "VALUES (?, ?, ?) ON CONFLICT(guild_id) DO UPDATE SET "
                        "default_lecture = excluded.default_lecture, "
                        "updated_at = excluded.updated_at",
                        (guild_id, lecture, time.time()),
                    )
            except sqlite3.Error as error:
                raise StoreError(f"cannot write the database: {error}") from None

    def close(self) -> None:
        with self._lock:
            self._db.close()
