"""Every setting of lecture-bot in one object, read once when a command starts.

`Settings.from_env` reads the process environment over `.env` in the working directory
(python-dotenv, already a dependency, parses it), validates every value (one clear line for a
bad one) and records where each came from; `main()` passes the object to every command, and
the commands pass what each part needs down to it (the data directory, the catalog, the cache
directory, the database, the heartbeat file). No other code reads the environment. A plain
frozen dataclass rather than pydantic-settings: the dozen values need a few lines of checks,
and importing pydantic-settings costs every command 0.14 s (measured) of its 0.6 s start-up budget
(docs/benchmarks.md). The development-only Discord endpoints are never taken from `.env` (a
`.env` in the working directory must not send the token elsewhere). `effective` says, for
`lecture-bot check`, what is in force and where it came from, the token masked.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval.errors import LectureBotError

#: Test/development hooks: point the client at a fake Discord (see tests/bot/fake_discord.py).
API_BASE_VAR = "LECTURE_BOT_DISCORD_API_BASE"
GATEWAY_VAR = "LECTURE_BOT_DISCORD_GATEWAY"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DEFAULT_HEARTBEAT = Path(".cache") / "heartbeat.json"
DEFAULT_RETENTION_DAYS = 90

#: Every setting, with what it is when nobody sets it.
SETTINGS: dict[str, str] = {
    "DISCORD_TOKEN": "(none: needed by run and sync)",
    "DISCORD_GUILD_ID": "(none)",
    "LECTURE_DATA_DIR": "lectures/<id> in the user's data directory",
    "LECTURE_CATALOG": "the catalog shipped with the package",
    "LECTURE_BOT_DB": "lecture-bot.sqlite3 in the user's data directory",
    "QUESTION_RETENTION_DAYS": str(DEFAULT_RETENTION_DAYS),
    "LECTURE_CACHE_DIR": "the user's cache directory",
    "HEARTBEAT_FILE": str(DEFAULT_HEARTBEAT),
    "LOG_LEVEL": "INFO",
    "SHARD_COUNT": "(none: one shard)",
    "SHARD_IDS": "(none: all shards)",
    API_BASE_VAR: "(none: Discord itself)",
    GATEWAY_VAR: "(none: Discord itself)",
    # Set by systemd for a Type=notify unit with WatchdogSec= (deploy/lecture-bot.service).
    "NOTIFY_SOCKET": "(none: not started by systemd as Type=notify)",
    "WATCHDOG_USEC": "(none: no watchdog)",
}
ENVIRONMENT_ONLY = frozenset({API_BASE_VAR, GATEWAY_VAR, "NOTIFY_SOCKET", "WATCHDOG_USEC"})
SECRET = frozenset({"DISCORD_TOKEN"})


class ConfigError(LectureBotError):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    shown: str  # the value, masked when secret
    source: str  # "environment", ".env" or "default"


@dataclass(frozen=True, slots=True)
class Settings:
    token: str = field(default="", repr=False)
    guild_id: int | None = None
    log_level: str = "INFO"
    data_dir: Path | None = None  # LECTURE_DATA_DIR
    catalog: Path | None = None  # LECTURE_CATALOG: a catalog file instead of the shipped one
    database: str | None = None  # LECTURE_BOT_DB: a SQLite file or a database URL
    retention_days: int = DEFAULT_RETENTION_DAYS  # QUESTION_RETENTION_DAYS
    cache_dir: Path | None = None  # LECTURE_CACHE_DIR (default: the user's cache directory)
    heartbeat_file: Path = DEFAULT_HEARTBEAT  # HEARTBEAT_FILE
    api_base: str | None = None
    gateway_url: str | None = None
    shard_count: int | None = None  # SHARD_COUNT: run an AutoShardedBot over that many shards
    shard_ids: tuple[int, ...] | None = None  # SHARD_IDS: this process's shards (default: all)
    notify_socket: str | None = None  # NOTIFY_SOCKET, from systemd
    watchdog_usec: int | None = None  # WATCHDOG_USEC, from systemd
    #: name -> (the value as set, where it came from), for `effective`.
    sources: Mapping[str, tuple[str, str]] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        masked = "***" if self.token else "(unset)"
        return (
            f"Settings(token={masked}, guild_id={self.guild_id}, log_level={self.log_level!r}, "
            f"data_dir={self.data_dir}, catalog={self.catalog}, "
            f"database={_without_password(self.database or '')!r}, "
            f"retention_days={self.retention_days}, cache_dir={self.cache_dir}, "
            f"heartbeat_file={self.heartbeat_file}, api_base={self.api_base}, "
            f"gateway_url={self.gateway_url}, shard_count={self.shard_count}, "
            f"shard_ids={self.shard_ids})"
        )

    __str__ = __repr__

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        dotenv_path: Path | str | None = None,
        *,
        require_token: bool = False,
    ) -> Settings:
        """Settings from `environ` (default `os.environ`) over `.env` (default `./.env`)."""
        path = Path(dotenv_path) if dotenv_path is not None else Path.cwd() / ".env"
        process = os.environ if environ is None else environ
        found: dict[str, tuple[str, str]] = {}
        if path.is_file():
            for name, value in read_dotenv(path).items():
                if name in SETTINGS and name not in ENVIRONMENT_ONLY and value.strip():
                    found[name] = (value.strip(), ".env")
        for name in SETTINGS:
            if value := process.get(name, "").strip():
                found[name] = (value, "environment")
        values = {name: value for name, (value, _) in found.items()}

        token = values.get("DISCORD_TOKEN", "")
        if require_token and not token:
            raise ConfigError(
                "DISCORD_TOKEN is not set: put DISCORD_TOKEN=<your bot token> in .env or the "
                "environment (see the README, 'Discord bot')."
            )
        if any(ch.isspace() for ch in token):
            raise ConfigError("DISCORD_TOKEN contains spaces; paste the bot token exactly.")
        return cls(
            token=token,
            guild_id=_guild_id(values.get("DISCORD_GUILD_ID", "")),
            log_level=_log_level(values.get("LOG_LEVEL", "")),
            data_dir=_path(values.get("LECTURE_DATA_DIR")),
            catalog=_path(values.get("LECTURE_CATALOG")),
            database=values.get("LECTURE_BOT_DB") or None,
            retention_days=_retention_days(values.get("QUESTION_RETENTION_DAYS", "")),
            cache_dir=_path(values.get("LECTURE_CACHE_DIR")),
            heartbeat_file=_path(values.get("HEARTBEAT_FILE")) or DEFAULT_HEARTBEAT,
            api_base=values.get(API_BASE_VAR) or None,
            gateway_url=values.get(GATEWAY_VAR) or None,
            notify_socket=values.get("NOTIFY_SOCKET") or None,
            watchdog_usec=_watchdog_usec(values.get("WATCHDOG_USEC", "")),
            sources=found,
            **_shards(values.get("SHARD_COUNT", ""), values.get("SHARD_IDS", "")),
        )

    def require_token(self) -> None:
        if not self.token:
            raise ConfigError(
                "DISCORD_TOKEN is not set: put DISCORD_TOKEN=<your bot token> in .env or the "
                "environment (see the README, 'Discord bot')."
            )

    def effective(self) -> list[Setting]:
        """Every setting in force, where it came from, secrets masked."""
        shown = []
        for name, default in SETTINGS.items():
            if name not in self.sources:
                shown.append(Setting(name, default, "default"))
                continue
            value, source = self.sources[name]
            text = _mask(value) if name in SECRET else _without_password(value)[:200]
            shown.append(Setting(name, text, source))
        return shown


def read_dotenv(path: Path) -> dict[str, str]:
    """The settings in a `.env` file; ConfigError (one line) when it cannot be read."""
    from dotenv import dotenv_values  # only where there is a .env: every command starts here

    try:
        return {k: v for k, v in dotenv_values(path).items() if v is not None}
    except UnicodeDecodeError:
        raise ConfigError(
            f"{path} is not UTF-8 text: save it as UTF-8 (KEY=value lines)."
        ) from None
    except OSError as error:
        raise ConfigError(f"cannot read {path} ({error.strerror}).") from None


def _path(raw: str | None) -> Path | None:
    return Path(raw).expanduser() if raw else None


def _retention_days(raw: str) -> int:
    raw = raw.strip()
    if not raw:
        return DEFAULT_RETENTION_DAYS
    if not raw.isdigit() or not 1 <= int(raw) <= 3650:
        raise ConfigError(
            f"QUESTION_RETENTION_DAYS must be a number of days from 1 to 3650, not {raw[:30]!r}."
        )
    return int(raw)


def _watchdog_usec(raw: str) -> int | None:
    """systemd's watchdog interval in microseconds; ignored when it is not a positive number
    (the watchdog is systemd's business: a bad value must not stop the bot)."""
    raw = raw.strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else None


def _guild_id(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ConfigError(f"DISCORD_GUILD_ID must be a numeric server id, not {raw[:30]!r}.")
    return int(raw)


def _shards(raw_count: str, raw_ids: str) -> dict[str, Any]:
    """`shard_count` and `shard_ids` from SHARD_COUNT ("4") and SHARD_IDS ("0,1"; needs a count)."""
    raw_count, raw_ids = raw_count.strip(), raw_ids.strip()
    if not raw_count:
        if raw_ids:
            raise ConfigError("SHARD_IDS needs SHARD_COUNT (the total number of shards).")
        return {}
    if not raw_count.isdigit() or int(raw_count) < 1:
        raise ConfigError(
            f"SHARD_COUNT must be a whole number of at least 1, not {raw_count[:20]!r}."
        )
    count = int(raw_count)
    if not raw_ids:
        return {"shard_count": count}
    parts = [part.strip() for part in raw_ids.split(",")]
    if not all(part.isdigit() for part in parts):
        raise ConfigError(
            f"SHARD_IDS must be comma-separated numbers like 0,1, not {raw_ids[:40]!r}."
        )
    ids = tuple(sorted({int(part) for part in parts}))
    if ids[-1] >= count:
        raise ConfigError(f"SHARD_IDS must lie between 0 and SHARD_COUNT-1 ({count - 1}).")
    return {"shard_count": count, "shard_ids": ids}


def _log_level(raw: str) -> str:
    level = raw.strip().upper() or "INFO"
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {raw[:20]!r}.")
    return level


def _mask(value: str) -> str:
    return f"set ({len(value)} characters, never shown)"


def _without_password(value: str) -> str:
    """A database URL's password masked (`postgresql://bot:***@host/db`)."""
    return re.sub(r"(://[^/@:]*:)[^/]*@", r"\1***@", value)
