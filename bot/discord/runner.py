"""Start the bot (`run_bot`) or publish its commands (`sync_commands`).

`async with bot:` + `asyncio.run`, like discord.py's `examples/advanced_startup.py`. Problems a
user can fix (no token, a rejected token, no transcript, a gateway close no reconnect can fix)
are reported as one line on stderr, never a traceback, with exit status 2: the systemd unit
does not restart on it (RestartPreventExitStatus=2). Any other disconnect is reconnected.

SIGTERM and SIGINT stop the bot cleanly with exit status 0 at any moment from `run_bot`'s first
line: while discord.py is imported and the index built (start-up is abandoned), or while it
serves (interactions being answered finish first, see `LectureBot.close`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

# Only light modules at import: discord.py and aiohttp take about half a second to import, and
# a SIGTERM in that time must already find our handler (`run_bot`).
from bot.discord.config import apply_endpoint_overrides, configure_logging
from bot.messages import message
from bot.settings import ConfigError, Settings
from bot.store import Store, StoreError, default_database_path
from retrieval.errors import LectureBotError

if TYPE_CHECKING:
    from bot.discord.client import LectureBot

log = logging.getLogger(__name__)
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)

#: Concurrent HTTP connections to one host. discord.py's default is no limit: a burst of 1,000
#: questions then opens 1,000 connections (TLS handshakes, with the real Discord) where a few
#: dozen kept-alive ones carry the same requests; bench/bot.py --burst measured about a fifth
#: less CPU for the bot with this limit.
HTTP_CONNECTIONS_PER_HOST = 100

_TOKEN_HELP = (
    "Copy the token again from the Developer Portal (your application -> Bot -> Reset Token) "
    "into .env."
)
#: Gateway close codes that no reconnect can fix (discord.py raises ConnectionClosed for them,
#: PrivilegedIntentsRequired for 4014): what to tell whoever runs the bot.
FATAL_CLOSES: dict[int, str] = {
    4004: "Discord rejected DISCORD_TOKEN (gateway close code 4004: authentication failed; the "
    f"token is invalid or was reset). {_TOKEN_HELP}",
    4010: "Discord refused the shard settings: invalid shard (close code 4010). Check that "
    "every SHARD_IDS entry is below SHARD_COUNT.",
    4011: "Discord says this bot needs sharding (close code 4011): it is in too many servers "
    "for one gateway connection. Set SHARD_COUNT (see the README).",
    4012: "Discord refused the gateway API version (close code 4012: invalid API version). "
    "Upgrade discord.py.",
    4013: "Discord refused the gateway intents (close code 4013: invalid intents). Upgrade "
    "discord.py and lecture-bot.",
    4014: "Discord refused the requested gateway intents (close code 4014: disallowed "
    "intents). This bot needs no privileged intents: check the code asks for none, or enable "
    "them in the Developer Portal (Bot -> Privileged Gateway Intents).",
}


def load_index(data_dir: Path | None, catalog: Path | None = None):
    """The retriever for the course (or lecture) at `data_dir` (CPU work: called in a
    thread); `catalog` is a catalog file to use instead of the shipped one."""
    from retrieval.catalog import load_catalog
    from retrieval.course import prepare_course
    from retrieval.course_index import build_index

    own = load_catalog(catalog) if catalog is not None else None
    return build_index(prepare_course(data_dir, own, announce=log.info))


def _fail(message: str) -> None:
    print(f"lecture-bot: {message}", file=sys.stderr, flush=True)


def _ready(settings: Settings) -> bool:
    """Whether the bot can log in with `settings` (else one line); logging set up."""
    try:
        settings.require_token()
    except ConfigError as error:
        _fail(str(error))
        return False
    configure_logging(settings)
    apply_endpoint_overrides(settings)
    return True


class _Stopped(KeyboardInterrupt):
    """A stop signal came before the event loop took the signals over. A KeyboardInterrupt, so
    that it crosses asyncio's task machinery and `except Exception` in library code the way
    Ctrl-C does."""


def _stop_now(signum: int, frame: object) -> None:
    raise _Stopped(signal.Signals(signum).name)


def _guarded(coro_factory: Callable[[], object]) -> int:
    """Run a coroutine, turning the errors a user can fix into one line and an exit code."""
    import aiohttp
    import discord

    try:
        return asyncio.run(coro_factory())  # type: ignore[arg-type]
    except discord.LoginFailure:
        _fail(f"Discord rejected DISCORD_TOKEN (invalid or reset). {_TOKEN_HELP}")
    except discord.PrivilegedIntentsRequired:
        _fail(FATAL_CLOSES[4014])
    except discord.ConnectionClosed as closed:
        if closed.code not in FATAL_CLOSES:
            _fail(f"Discord closed the gateway connection (close code {closed.code}).")
            return EXIT_FAILED
        _fail(FATAL_CLOSES[closed.code])
    except LectureBotError as error:
        _fail(str(error))
    except (discord.HTTPException, discord.GatewayNotFound, aiohttp.ClientError, OSError) as error:
        _fail(f"cannot reach Discord: {error}")
        return EXIT_FAILED
    except _Stopped as stopped:
        log.info("%s received: shutting down", stopped)
        return EXIT_OK
    except KeyboardInterrupt:
        return EXIT_OK
    return EXIT_BAD_INPUT


def _install_signal_handlers(stop: Callable[[str], None]) -> None:
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
            loop.add_signal_handler(sig, stop, sig.name)


async def _sync(bot: LectureBot, guild_id: int | None, *, clear: bool = False) -> int:
    """Publish the command tree: to one guild (instant; a copy of the global commands) or
    globally (may take a while to reach every client)."""
    import discord

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
    if guild_id is None:
        print(message("cli_synced_globally", "en", count=len(commands)), flush=True)
    else:
        print(message("cli_synced_guild", "en", count=len(commands), guild=guild_id), flush=True)
    return len(commands)


async def _serve(settings: Settings, data_dir: Path | None, sync: bool) -> int:
    main = asyncio.current_task()
    assert main is not None
    bot: LectureBot | None = None
    connecting: asyncio.Task[None] | None = None
    stopped: list[str] = []
    closing: set[asyncio.Task[None]] = set()

    async def close(bot: LectureBot) -> None:
        await bot.close()  # lets the answers being sent finish first
        # connect() notices the close when it next looks, which, between two reconnect
        # attempts, can be after a back-off of minutes: nothing is left for it to do.
        if connecting is not None:
            connecting.cancel()

    def stop(name: str) -> None:
        log.info("%s received: shutting down", name)
        stopped.append(name)
        if connecting is not None and bot is not None:
            task = asyncio.create_task(close(bot))
            closing.add(task)
            task.add_done_callback(closing.discard)
        else:
            main.cancel()  # still starting (the index may be loading): abandon start-up

    _install_signal_handlers(stop)  # from here on the loop handles SIGTERM, not `_stop_now`
    import aiohttp

    from bot.discord.sharding import make_bot
    from bot.discord.systemd import SystemdNotifier

    store: Store | None = None
    try:
        store = await open_store(settings)
        bot = make_bot(
            settings,
            load_index=functools.partial(
                load_index, data_dir or settings.data_dir, settings.catalog
            ),
            heartbeat_file=settings.heartbeat_file,
            store=store,
            retention_days=settings.retention_days,
            notifier=SystemdNotifier.from_settings(settings.notify_socket, settings.watchdog_usec),
            connector=aiohttp.TCPConnector(limit=0, limit_per_host=HTTP_CONNECTIONS_PER_HOST),
        )
        async with bot:
            await bot.login(settings.token)  # runs setup_hook: the index is built here, once
            if sync and not bot.is_closed():
                await _sync(bot, settings.guild_id)
            if not bot.is_closed():
                connecting = asyncio.create_task(bot.connect(reconnect=True))
                await connecting
    except asyncio.CancelledError:  # start-up abandoned, or connect() stopped after close()
        if not stopped:
            raise
        main.uncancel()
        if connecting is None:
            log.info("stopped while starting")
    finally:
        if store is not None:
            store.close()
    log.info("bot closed")
    return EXIT_OK


async def open_store(settings: Settings) -> Store | None:
    """The bot's database; None (one log line) when it cannot be opened: the bot answers all
    the same, and refuses votes and settings politely."""
    try:
        return await asyncio.to_thread(Store, settings.database or default_database_path())
    except StoreError as error:
        log.error(
            "%s; answering without it (no votes, question log, quiz streaks or server settings)",
            error,
        )
        return None


def run_bot(settings: Settings, data_dir: Path | None, sync: bool) -> int:
    """Serve until SIGTERM/SIGINT; with `sync`, publish the commands first (to
    DISCORD_GUILD_ID if set, else globally). Returns the exit code."""
    # A stop signal before the event loop runs (while discord.py is imported, say) raises
    # `_Stopped` wherever Python is; without this, SIGTERM would kill the process by the
    # signal, which systemd records as a failure.
    previous = {sig: signal.signal(sig, _stop_now) for sig in STOP_SIGNALS}
    try:
        if not _ready(settings):
            return EXIT_BAD_INPUT
        log.info("starting (pid %d)", os.getpid())
        return _guarded(lambda: _serve(settings, data_dir, sync))
    except _Stopped as stopped:
        log.info("%s received: shutting down", stopped)
        return EXIT_OK
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


async def _sync_only(settings: Settings, guild_id: int | None, clear: bool) -> int:
    from bot.discord.client import LectureBot

    bot = LectureBot(load_index=None, settings=settings)
    async with bot:
        await bot.login(settings.token)
        await _sync(bot, guild_id, clear=clear)
    return EXIT_OK


def sync_commands(settings: Settings, guild_id: int | None, clear: bool = False) -> int:
    """Publish the command tree (to `guild_id`, or globally) and exit. The commands do not
    depend on the lecture data."""
    if not _ready(settings):
        return EXIT_BAD_INPUT
    if clear and guild_id is None:
        _fail("--clear needs --guild ID (it removes the copies synced to that guild).")
        return EXIT_BAD_INPUT
    return _guarded(lambda: _sync_only(settings, guild_id, clear))
