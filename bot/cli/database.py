"""The database option of the commands that read the bot's database (insights, feedback)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from bot.messages import message
from retrieval.errors import LectureBotError

if TYPE_CHECKING:  # SQLAlchemy costs every command ~0.2 s to import: only these commands pay
    from bot.store import LoggedQuestion, Store


def add_database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="FILE|URL",
        help="the bot's database (default: LECTURE_BOT_DB, else the user's data directory)",
    )


def store_from(args: argparse.Namespace) -> Store:
    """The database the bot writes to (a StoreError, one line, when it cannot be opened)."""
    from bot.store import Store, default_database_path

    return Store(args.db or args.settings.database or default_database_path())


def questions_since(args: argparse.Namespace) -> tuple[float, list[LoggedQuestion]]:
    """The start of `--since` and the questions logged since then (of `--server`, if named).
    A span that is not one is a keyed error: `main` says it in the command's language."""
    from bot.insights import parse_since

    try:
        since = parse_since(args.since)
    except ValueError:
        text = repr(args.since[:30])
        said = message("cli_bad_since", "en", text=text)
        raise LectureBotError(said, key="cli_bad_since", text=text) from None
    store = store_from(args)
    try:
        return since, store.questions(since=since, guild_id=args.server)
    finally:
        store.close()
