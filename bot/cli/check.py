"""`lecture-bot check [--live]`: is this installation ready to serve, without touching Discord?

Checks, in order: the settings (.env / environment; the token's presence only, never its
value), the catalog, the lecture data, and that the index builds. `--live` also requires a
fresh heartbeat from the running bot (written every 30 s; stale after 90 s) that heard from
Discord within the same 90 s. Prints one line
per check; exits 1 with the reason on the first failure.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

from bot.cli import EXIT_NO_MATCH, EXIT_OK, add_data_option
from bot.discord.heartbeat import (
    STALE_AFTER,
    event_age,
    heartbeat_age,
    heartbeat_path,
    read_heartbeat,
)


class CheckFailed(Exception):
    """One check failed; the message says why."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check",
        help="verify settings, catalog, data and index without connecting to Discord",
        description=(
            "Verify DISCORD_TOKEN is set, the catalog and lecture data load and the index "
            "builds. With --live, also require a fresh heartbeat from the running bot."
        ),
    )
    parser.add_argument(
        "--live",
        action="store_true",
        help=(
            f"also fail when the bot's heartbeat is missing or older than {STALE_AFTER:.0f} s, "
            "or the bot has not heard from Discord for that long"
        ),
    )
    parser.add_argument("--catalog", metavar="FILE", help="catalog YAML (default: chapters/)")
    add_data_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        for line in checks(args):
            print(f"ok   {line}", flush=True)
    except CheckFailed as failure:
        print(f"lecture-bot check: {failure}", file=sys.stderr)
        return EXIT_NO_MATCH
    return EXIT_OK


def checks(args: argparse.Namespace):
    """Yield a line per passed check; raise CheckFailed at the first failure."""
    from bot.discord.config import ConfigError, Settings, read_dotenv
    from bot.settings import effective_settings
    from bot.store import Store, default_database_path
    from retrieval.catalog import load_catalog
    from retrieval.course import load_course
    from retrieval.course_index import build_index
    from retrieval.errors import LectureBotError

    try:
        settings = Settings.from_env(require_token=True)
    except ConfigError as error:
        raise CheckFailed(f"configuration: {error}") from None
    guild = f", DISCORD_GUILD_ID {settings.guild_id}" if settings.guild_id else ""
    yield f"configuration: DISCORD_TOKEN is set{guild}, LOG_LEVEL {settings.log_level}"
    for setting in effective_settings():
        print(f"     {setting.name} = {setting.shown}  [{setting.source}]", flush=True)
    for name, value in (("API base", settings.api_base), ("gateway", settings.gateway_url)):
        if value:
            print(
                f"warn development {name} override is set ({value[:80]}): the bot will not "
                "talk to Discord; unset it in production",
                flush=True,
            )

    try:
        catalog = load_catalog(args.catalog)
    except LectureBotError as error:
        raise CheckFailed(f"catalog: {error}") from None
    yield f"catalog: {catalog.title} ({len(catalog.chapters)} chapters)"

    try:
        course = load_course(args.data or settings.data_dir, catalog if args.catalog else None)
    except LectureBotError as error:
        raise CheckFailed(f"lecture data: {error}") from None
    for lecture in course.lectures:
        yield (
            f"lecture data: {lecture.catalog.lecture_id}: {len(lecture.segments)} segments, "
            f"{len(lecture.catalog.moments)} key moments, from {lecture.source}"
        )

    started = time.perf_counter()
    try:
        index = build_index(course)
    except (LectureBotError, ValueError) as error:
        raise CheckFailed(f"index: {error}") from None
    elapsed = time.perf_counter() - started
    yield f"index: {len(index.passages)} passages built in {elapsed:.2f} s"

    database = settings.database or default_database_path()
    try:
        Store(database).close()
    except LectureBotError as error:
        raise CheckFailed(f"database: {error}") from None
    yield f"database: {database}"

    if args.live:
        # HEARTBEAT_FILE may sit in .env beside DISCORD_TOKEN (the bot gets it from there too
        # when systemd's EnvironmentFile= reads that .env).
        try:
            dotenv = read_dotenv(Path.cwd() / ".env")
        except ConfigError as error:
            raise CheckFailed(f"configuration: {error}") from None
        yield live_check(heartbeat_path({**dotenv, **os.environ}))


def live_check(path: Path, now: float | None = None) -> str:
    try:
        data = read_heartbeat(path)
    except ValueError as error:
        raise CheckFailed(f"heartbeat: {error}") from None
    age = heartbeat_age(data, now)
    if age > STALE_AFTER:
        raise CheckFailed(
            f"heartbeat: {path} is stale (written {age:.0f} s ago, limit {STALE_AFTER:.0f} s); "
            "the bot is stopped or hung"
        )
    # The file is rewritten every 30 s while the process runs, connected or not: whether the
    # bot still hears Discord is the time of its last gateway frame. Discord ACKs a heartbeat
    # every 41.25 s, so a connected bot's is at most about 70 s old when read.
    silent = event_age(data, now)
    if silent is not None and silent > STALE_AFTER:
        raise CheckFailed(
            f"heartbeat: the bot last heard from Discord {silent:.0f} s ago (limit "
            f"{STALE_AFTER:.0f} s); it has lost its gateway connection"
        )
    started = data.get("started")
    if silent is None and isinstance(started, int | float):
        up = (time.time() if now is None else now) - started
        if up > STALE_AFTER:
            raise CheckFailed(
                f"heartbeat: the bot has not heard from Discord since it started {up:.0f} s "
                f"ago (limit {STALE_AFTER:.0f} s); it cannot connect"
            )
    latency = data.get("latency")
    if isinstance(latency, int | float) and math.isfinite(latency):  # older files: Infinity
        shown = f"{latency * 1000:.0f} ms"
    else:
        shown = "unknown"
    heard = f", last Discord event {silent:.0f} s ago" if silent is not None else ""
    return (
        f"heartbeat: {age:.0f} s old{heard}, gateway latency {shown}, "
        f"{data.get('guilds', '?')} guilds"
    )
