"""Start the bot (`run_bot`) or publish its commands (`sync_commands`).

`async with bot:` + `asyncio.run`, like discord.py's `examples/advanced_startup.py`; SIGTERM and
SIGINT close the bot cleanly. Problems a user can fix (no token, a rejected token, no
transcript) are reported as one line on stderr, never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
import sys
from pathlib import Path

import aiohttp
import discord

from bot.discord.client import LectureBot
from bot.discord.config import (
    ConfigError,
    Settings,
    apply_endpoint_overrides,
    configure_logging,
)
from bot.discord.heartbeat import heartbeat_path
from bot.discord.sharding import make_bot
from bot.store import Store, default_database_path
from retrieval.errors import LectureBotError

log = logging.getLogger(__name__)
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def load_index(data_dir: Path | None):
    """The retriever for the course (or lecture) at `data_dir` (CPU work: called in a
    thread)."""
    from retrieval.course import prepare_course
    from retrieval.course_index import build_index

    return build_index(prepare_course(data_dir, announce=log.info))


def _fail(message: str) -> None:
    print(f"lecture-bot: {message}", file=sys.stderr, flush=True)


def _settings() -> Settings | None:
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        _fail(str(error))
        return None
    configure_logging(settings)
    apply_endpoint_overrides(settings)
    return settings


def _guarded(coro_factory) -> int:
    """Run a coroutine, turning the errors a user can fix into one line and an exit code."""
    try:
        return asyncio.run(coro_factory())
    except discord.LoginFailure:
        _fail(
            "Discord rejected DISCORD_TOKEN (invalid or reset). Copy the token again from the "
            "Developer Portal (your application -> Bot -> Reset Token) into .env."
        )
    except discord.PrivilegedIntentsRequired:
        _fail("Discord refused the requested intents; this bot needs no privileged intents.")
    except LectureBotError as error:
        _fail(str(error))
    except (discord.HTTPException, discord.GatewayNotFound, aiohttp.ClientError, OSError) as error:
        _fail(f"cannot reach Discord: {error}")
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_OK
    return EXIT_BAD_INPUT


def _install_signal_handlers(bot: LectureBot) -> None:
    loop = asyncio.get_running_loop()
    closing: set[asyncio.Task[None]] = set()

    def stop(name: str) -> None:
        log.info("%s received: shutting down", name)
        task = loop.create_task(bot.close())
        closing.add(task)
        task.add_done_callback(closing.discard)

    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
            loop.add_signal_handler(sig, stop, sig.name)


async def _sync(bot: LectureBot, guild_id: int | None, *, clear: bool = False) -> int:
    """Publish the command tree: to one guild (instant; a copy of the global commands) or
    globally (may take a while to reach every client)."""
    if guild_id is None:
        commands = await bot.tree.sync()
        where = "globally (clients may take a while to see changes)"
    else:
        guild = discord.Object(id=guild_id)
        if clear:
            bot.tree.clear_commands(guild=guild)
        else:
            bot.tree.copy_global_to(guild=guild)
        commands = await bot.tree.sync(guild=guild)
        where = f"to guild {guild_id}"
    log.info("synced %d commands %s", len(commands), where)
    print(f"Synced {len(commands)} commands {where}.", flush=True)
    return len(commands)


async def _serve(settings: Settings, data_dir: Path | None, sync: bool) -> int:
    store = await asyncio.to_thread(Store, settings.database or default_database_path())
    bot = make_bot(
        settings,
        load_index=functools.partial(load_index, data_dir or settings.data_dir),
        heartbeat_file=heartbeat_path(),
        store=store,
    )
    _install_signal_handlers(bot)
    async with bot:
        await bot.login(settings.token)  # runs setup_hook: the index is built here, once
        if sync and not bot.is_closed():
            await _sync(bot, settings.guild_id)
        if not bot.is_closed():
            await bot.connect(reconnect=True)
    store.close()
    log.info("bot closed")
    return EXIT_OK


def run_bot(data_dir: Path | None, sync: bool) -> int:
    """Serve until SIGTERM/SIGINT; with `sync`, publish the commands first (to
    DISCORD_GUILD_ID if set, else globally). Returns the exit code."""
    settings = _settings()
    if settings is None:
        return EXIT_BAD_INPUT
    return _guarded(lambda: _serve(settings, data_dir, sync))


async def _sync_only(settings: Settings, guild_id: int | None, clear: bool) -> int:
    bot = LectureBot(load_index=None, settings=settings)
    async with bot:
        await bot.login(settings.token)
        await _sync(bot, guild_id, clear=clear)
    return EXIT_OK


def sync_commands(data_dir: Path | None, guild_id: int | None, clear: bool = False) -> int:
    """Publish the command tree (to `guild_id`, or globally) and exit. The commands do not
    depend on the lecture data, so `data_dir` is accepted for symmetry and not read."""
    del data_dir
    settings = _settings()
    if settings is None:
        return EXIT_BAD_INPUT
    if clear and guild_id is None:
        _fail("--clear needs --guild ID (it removes the copies synced to that guild).")
        return EXIT_BAD_INPUT
    return _guarded(lambda: _sync_only(settings, guild_id, clear))
