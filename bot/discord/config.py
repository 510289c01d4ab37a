"""The Discord side of the settings: endpoint overrides for tests, and logging that never
shows a token (`TokenRedactor` scrubs the bot token, `InteractionTokenRedactor` the tokens of
interactions and webhooks). The settings themselves are `bot.settings.Settings`."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings


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
