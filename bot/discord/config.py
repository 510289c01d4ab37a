"""Settings for the Discord bot, read from the environment and `.env` (python-dotenv).

The token is a secret: it is kept out of `repr`, and `TokenRedactor` scrubs it from any log
record that might echo it.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

from retrieval.errors import LectureBotError

#: Test/development hooks: point the client at a fake Discord (see tests/bot/fake_discord.py).
API_BASE_VAR = "LECTURE_BOT_DISCORD_API_BASE"
GATEWAY_VAR = "LECTURE_BOT_DISCORD_GATEWAY"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(LectureBotError):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True, slots=True)
class Settings:
    token: str = field(repr=False)
    guild_id: int | None = None
    log_level: str = "INFO"
    data_dir: Path | None = None
    api_base: str | None = None
    gateway_url: str | None = None
    shard_count: int | None = None  # SHARD_COUNT: run an AutoShardedBot over that many shards
    shard_ids: tuple[int, ...] | None = None  # SHARD_IDS: this process's shards (default: all)
    database: Path | None = None  # LECTURE_BOT_DB (default: the user's data directory)

    def __repr__(self) -> str:
        masked = "***" if self.token else "(unset)"
        return (
            f"Settings(token={masked}, guild_id={self.guild_id}, log_level={self.log_level!r}, "
            f"data_dir={self.data_dir}, api_base={self.api_base}, gateway_url={self.gateway_url}, "
            f"shard_count={self.shard_count}, shard_ids={self.shard_ids}, "
            f"database={self.database})"
        )

    __str__ = __repr__

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        dotenv_path: Path | str | None = None,
        *,
        require_token: bool = True,
    ) -> Settings:
        """Settings from `environ` (default `os.environ`) over `.env` (default `./.env`)."""
        path = Path(dotenv_path) if dotenv_path is not None else Path.cwd() / ".env"
        values: dict[str, str] = {}
        if path.is_file():
            values.update(read_dotenv(path))
        process = os.environ if environ is None else environ
        values.update(process)

        token = values.get("DISCORD_TOKEN", "").strip()
        if require_token and not token:
            raise ConfigError(
                "DISCORD_TOKEN is not set: put DISCORD_TOKEN=<your bot token> in .env or the "
                "environment (see the README, 'Discord bot')."
            )
        if token and any(ch.isspace() for ch in token):
            raise ConfigError("DISCORD_TOKEN contains spaces; paste the bot token exactly.")
        return cls(
            token=token,
            guild_id=_guild_id(values.get("DISCORD_GUILD_ID", "")),
            log_level=_log_level(values.get("LOG_LEVEL", "")),
            data_dir=Path(values["LECTURE_DATA_DIR"]) if values.get("LECTURE_DATA_DIR") else None,
            # Development-only endpoints come from the process environment alone: a `.env`
            # in the working directory must never send the token to another server.
            api_base=process.get(API_BASE_VAR) or None,
            gateway_url=process.get(GATEWAY_VAR) or None,
            database=Path(values["LECTURE_BOT_DB"]) if values.get("LECTURE_BOT_DB") else None,
            **_shards(values.get("SHARD_COUNT", ""), values.get("SHARD_IDS", "")),
        )


def read_dotenv(path: Path) -> dict[str, str]:
    """The settings in a `.env` file; ConfigError (one line) when it cannot be read."""
    try:
        return {k: v for k, v in dotenv_values(path).items() if v is not None}
    except UnicodeDecodeError:
        raise ConfigError(
            f"{path} is not UTF-8 text: save it as UTF-8 (KEY=value lines)."
        ) from None
    except OSError as error:
        raise ConfigError(f"cannot read {path} ({error.strerror}).") from None


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


def apply_endpoint_overrides(settings: Settings) -> None:
    """Point discord.py at another API/gateway (tests and local development only).

    discord.py builds every REST URL from `discord.http.Route.BASE`; a non-sharded client opens
    the gateway at `DiscordWebSocket.DEFAULT_GATEWAY` (it does not ask `GET /gateway/bot`) and
    resumes at READY's `resume_gateway_url`.
    """
    if settings.api_base:
        import discord.http

        discord.http.Route.BASE = settings.api_base.rstrip("/")
    if settings.gateway_url:
        import yarl
        from discord.gateway import DiscordWebSocket

        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


class TokenRedactor(logging.Filter):
    """Replaces the token in any log message with `[token]`; attach it to handlers."""

    def __init__(self, token: str):
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.token:
            return True
        message = record.getMessage()
        if self.token in message:
            record.msg = message.replace(self.token, "[token]")
            record.args = None
        if record.exc_text and self.token in record.exc_text:
            record.exc_text = record.exc_text.replace(self.token, "[token]")
        return True


class InteractionTokenRedactor(logging.Filter):
    """Replaces interaction and webhook tokens with `[token]`; attach it to handlers.

    Each interaction carries its own token, valid 15 minutes, with which anyone can reply as
    the bot. discord.py writes them at DEBUG: request URLs (`/interactions/{id}/{token}/...`,
    `/webhooks/{app}/{token}/...`) and whole gateway events (`'token': '...'`)."""

    PATTERN = re.compile(
        r"(/(?:interactions|webhooks)/\d+/)[^/?#\s'\"]+"
        r"|((?:'token'|\"token\")\s*:\s*['\"])[^'\"]+"
    )

    @classmethod
    def redact(cls, text: str) -> str:
        if "token" not in text and "/interactions/" not in text and "/webhooks/" not in text:
            return text
        return cls.PATTERN.sub(lambda m: (m.group(1) or m.group(2)) + "[token]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:  # an error's text may hold a URL
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


def configure_logging(settings: Settings) -> logging.Handler:
    """Log to stderr at `settings.log_level`, scrubbing the bot token and interaction tokens;
    returns the handler."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-8s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")
    )
    handler.addFilter(TokenRedactor(settings.token))
    handler.addFilter(InteractionTokenRedactor())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    return handler
