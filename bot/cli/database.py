"""The database option of the commands that read the bot's database (insights, feedback)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # SQLAlchemy costs every command ~0.2 s to import: only these commands pay
    from bot.store import Store


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
