"""`lecture-bot run` (serve the Discord bot) and `lecture-bot sync` (publish its commands)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli import add_data_option


def register(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser(
        "run",
        help="serve the Discord bot (DISCORD_TOKEN from the environment or .env)",
        description="Log in with DISCORD_TOKEN and serve the slash commands until SIGTERM/Ctrl-C.",
    )
    run.add_argument(
        "--sync",
        action="store_true",
        help="publish the commands first: to DISCORD_GUILD_ID if set, else globally",
    )
    add_data_option(run)
    run.set_defaults(handler=_run)

    sync = subparsers.add_parser(
        "sync",
        help="publish the bot's slash commands to Discord and exit",
        description=(
            "Publish the command tree globally, or with --guild to one server (instant; use a "
            "development server while changing commands)."
        ),
    )
    sync.add_argument("--guild", type=int, metavar="ID", help="server (guild) id to sync to")
    sync.add_argument(
        "--clear",
        action="store_true",
        help="with --guild: remove the commands synced to that guild (keeps the global ones)",
    )
    add_data_option(sync)
    sync.set_defaults(handler=_sync)


def _data(args: argparse.Namespace) -> Path | None:
    return Path(args.data) if args.data else None


def _run(args: argparse.Namespace) -> int:
    from bot.discord.runner import run_bot

    return run_bot(args.settings, _data(args), args.sync)


def _sync(args: argparse.Namespace) -> int:
    from bot.discord.runner import sync_commands

    return sync_commands(args.settings, args.guild, clear=args.clear)
