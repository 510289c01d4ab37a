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
import sys
import time
from pathlib import Path

from bot.cli import EXIT_NO_MATCH, EXIT_OK, add_data_option
from bot.discord.heartbeat import (
    STALE_AFTER,
    event_age,
    heartbeat_age,
    read_heartbeat,
)
from bot.messages import Lang
from bot.messages import message as say

LANG: Lang = "en"  # `check` has no --lang: it speaks to whoever runs the bot


class CheckFailed(Exception):
    """One check failed; the message says why."""


def _said(check: str, detail: object) -> str:
    """`check: detail`, the check named by its key in the catalogue."""
    return f"{say(check, LANG)}: {detail}"


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
    from bot.cli.loading import catalog_path_of, data_dir_of
    from bot.settings import ConfigError
    from bot.store import Store, default_database_path
    from retrieval.catalog import load_catalog
    from retrieval.course import load_course
    from retrieval.course_index import build_index
    from retrieval.errors import LectureBotError

    settings = args.settings
    try:
        settings.require_token()
    except ConfigError as error:
        raise CheckFailed(_said("cli_check_configuration", error)) from None
    guild = f", DISCORD_GUILD_ID {settings.guild_id}" if settings.guild_id else ""
    token = say("cli_check_token", LANG, guild=guild, level=settings.log_level)
    yield _said("cli_check_configuration", token)
    for setting in settings.effective():
        print(f"     {setting.name} = {setting.shown}  [{setting.source}]", flush=True)
    overrides = (
        ("cli_check_api_base", settings.api_base),
        ("cli_check_gateway", settings.gateway_url),
    )
    for name, value in overrides:
        if value:
            warning = say("cli_check_override", LANG, name=say(name, LANG), value=value[:80])
            print(f"warn {warning}", flush=True)

    try:
        catalog = load_catalog(catalog_path_of(args))
    except LectureBotError as error:
        raise CheckFailed(_said("cli_check_catalog", error)) from None
    found = say("cli_check_catalog_ok", LANG, title=catalog.title, count=len(catalog.chapters))
    yield _said("cli_check_catalog", found)

    try:
        own = catalog if catalog_path_of(args) else None
        course = load_course(data_dir_of(args) or None, own)
    except LectureBotError as error:
        raise CheckFailed(_said("cli_check_data", error)) from None
    for lecture in course.lectures:
        loaded = say(
            "cli_check_lecture_ok",
            LANG,
            lecture=lecture.catalog.lecture_id,
            segments=len(lecture.segments),
            moments=len(lecture.catalog.moments),
            source=lecture.source,
        )
        yield _said("cli_check_data", loaded)

    started = time.perf_counter()
    try:
        index = build_index(course)
    except (LectureBotError, ValueError) as error:
        raise CheckFailed(_said("cli_check_index", error)) from None
    elapsed = time.perf_counter() - started
    built = say("cli_check_index_ok", LANG, count=len(index.passages), seconds=elapsed)
    yield _said("cli_check_index", built)

    try:
        store = Store(settings.database or default_database_path())
    except LectureBotError as error:
        raise CheckFailed(_said("cli_check_database", error)) from None
    store.close()
    opened = say("cli_check_database_ok", LANG, where=store.where, version=store.schema_version)
    yield _said("cli_check_database", opened)

    if args.live:
        yield live_check(settings.heartbeat_file)


def live_check(path: Path, now: float | None = None) -> str:
    try:
        data = read_heartbeat(path)
    except ValueError as error:
        raise CheckFailed(_said("cli_check_heartbeat", error)) from None
    age = heartbeat_age(data, now)
    if age > STALE_AFTER:
        stale = say("cli_check_stale", LANG, path=path, age=age, limit=STALE_AFTER)
        raise CheckFailed(_said("cli_check_heartbeat", stale))
    # The file is rewritten every 30 s while the process runs, connected or not: whether the
    # bot still hears Discord is the time of its last gateway frame. Discord ACKs a heartbeat
    # every 41.25 s, so a connected bot's is at most about 70 s old when read.
    silent = event_age(data, now)
    if silent is not None and silent > STALE_AFTER:
        lost = say("cli_check_lost", LANG, silent=silent, limit=STALE_AFTER)
        raise CheckFailed(_said("cli_check_heartbeat", lost))
    started = data.get("started")
    if silent is None and isinstance(started, int | float):
        up = (time.time() if now is None else now) - started
        if up > STALE_AFTER:
            never = say("cli_check_never", LANG, up=up, limit=STALE_AFTER)
            raise CheckFailed(_said("cli_check_heartbeat", never))
    latency = data.get("latency")
    if isinstance(latency, int | float) and math.isfinite(latency):  # older files: Infinity
        shown = f"{latency * 1000:.0f} ms"
    else:
        shown = say("cli_check_latency_unknown", LANG)
    heard = say("cli_check_heard", LANG, silent=silent) if silent is not None else ""
    guilds = data.get("guilds", "?")
    alive = say("cli_check_alive", LANG, age=age, heard=heard, latency=shown, guilds=guilds)
    return _said("cli_check_heartbeat", alive)
