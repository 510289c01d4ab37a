"""`lecture-bot`: one module per sub-command, each with `register(subparsers)`.

A handler returns the process exit code: 0 success, 1 no match / check failed, 2 bad input.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from types import ModuleType

from retrieval.errors import LectureBotError

EXIT_OK, EXIT_NO_MATCH, EXIT_BAD_INPUT = 0, 1, 2


def _command_modules() -> list[ModuleType]:
    from bot.cli import ask, browse, check, evaluate, importer, serve

    return [ask, browse, check, evaluate, importer, serve]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lecture-bot",
        description="Ask questions about a video lecture and get the moments that answer them.",
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="show warnings (-v) or progress (-vv)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in _command_modules():
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _configure_stdio()
    parser = build_parser()
    args = parser.parse_args(argv)
    level = {0: logging.ERROR, 1: logging.WARNING}.get(args.verbose, logging.INFO)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.handler(args))
    except LectureBotError as error:
        print(f"lecture-bot: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _configure_stdio() -> None:
    # Korean text and odd Unicode must print even where the locale is C/ASCII.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")


def add_data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        metavar="DIR",
        help="lecture data directory (default: $LECTURE_DATA_DIR, else chapters/<lecture>/)",
    )
