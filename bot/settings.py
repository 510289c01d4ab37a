"""Where the settings come from, for every command alike: the environment, else `.env` in the
working directory, else the default.

The lecture-bot reads a handful of variables (below). Before any command runs, `apply_dotenv`
reads `.env` once and puts the variables it sets, and the environment does not, into the
environment of this process, so every part (the CLI's commands, the bot, the lecture loader)
sees the same settings, from the same place. The development-only Discord endpoints are
never taken from `.env` (a `.env` in the working directory must not send the token
elsewhere). `effective_settings` says, for `lecture-bot check`, what is in force and where it
came from, the token masked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.discord.config import API_BASE_VAR, GATEWAY_VAR, ConfigError, read_dotenv

#: Every setting, with what it is when nobody sets it.
SETTINGS: dict[str, str] = {
    "DISCORD_TOKEN": "(none: needed by run and sync)",
    "DISCORD_GUILD_ID": "(none)",
    "LECTURE_DATA_DIR": "lectures/<id> in the user's data directory",
    "LECTURE_CATALOG": "the catalog shipped with the package",
    "LECTURE_BOT_DB": "lecture-bot.sqlite3 in the user's data directory",
    "LECTURE_CACHE_DIR": "the user's cache directory",
    "HEARTBEAT_FILE": ".cache/heartbeat.json",
    "LOG_LEVEL": "INFO",
    "SHARD_COUNT": "(none: one shard)",
    "SHARD_IDS": "(none: all shards)",
    API_BASE_VAR: "(none: Discord itself)",
    GATEWAY_VAR: "(none: Discord itself)",
}
ENVIRONMENT_ONLY = frozenset({API_BASE_VAR, GATEWAY_VAR})
SECRET = frozenset({"DISCORD_TOKEN"})


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    shown: str  # the value, masked when secret
    source: str  # "environment", ".env" or "default"


_from_dotenv: set[str] = set()


@contextmanager
def dotenv_applied(path: Path | None = None) -> Iterator[None]:
    """While a command runs, `.env`'s settings are in this process's environment where it has
    none of its own (and gone again after, so `main()` called in-process leaves no trace). A
    `.env` that cannot be read is left to the command that needs it to report."""
    path = path or Path.cwd() / ".env"
    values: dict[str, str] = {}
    if path.is_file():
        try:
            values = read_dotenv(path)
        except ConfigError:  # the commands that read .env themselves say so (run, check)
            values = {}
    added = [
        name
        for name in values
        if name in SETTINGS and name not in ENVIRONMENT_ONLY and name not in os.environ
    ]
    for name in added:
        os.environ[name] = values[name]
        _from_dotenv.add(name)
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)
            _from_dotenv.discard(name)


def effective_settings() -> list[Setting]:
    """Every setting in force, where it came from, secrets masked."""
    found = []
    for name, default in SETTINGS.items():
        value = os.environ.get(name, "").strip()
        if not value:
            found.append(Setting(name, default, "default"))
            continue
        shown = _mask(value) if name in SECRET else value[:200]
        found.append(Setting(name, shown, ".env" if name in _from_dotenv else "environment"))
    return found


def _mask(value: str) -> str:
    return f"set ({len(value)} characters, never shown)"
