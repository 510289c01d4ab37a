"""`lecture-bot`: one module per sub-command, each with `register(subparsers)`.

A handler returns the process exit code: 0 success, 1 no match / check failed, 2 bad input.
Ctrl-C exits 130. SIGTERM (`kill`, `systemctl stop`) is handled like Ctrl-C: it interrupts the
command where it is, so the same clean-up runs (an import removes its unfinished directory and
keeps the previous data), prints one line on stderr and exits 143 (128 + SIGTERM, what a shell
reports for a process SIGTERM ended). `lecture-bot run` replaces both handlers with its own.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType

from bot.messages import Lang, error_message
from bot.messages import message as say
from bot.settings import Settings
from bot.terminal import clean
from retrieval.errors import LectureBotError
from retrieval.lecture_cache import use_cache_dir

EXIT_OK, EXIT_NO_MATCH, EXIT_BAD_INPUT = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 128 + signal.SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program happens to be, so it unwinds as after Ctrl-C."""


def _command_modules() -> list[ModuleType]:
    from bot.cli import ask, browse, check, evaluate, feedback, importer, insights, quiz, serve

    return [ask, browse, check, evaluate, feedback, importer, insights, quiz, serve]


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
    # From the first moment: a SIGTERM while the commands' modules are still importing must
    # stop the program as cleanly as one later (the bot exits 0 then, as systemd expects).
    words = list(sys.argv[1:] if argv is None else argv)
    serving = next((word for word in words if not word.startswith("-")), "") == "run"
    args: argparse.Namespace | None = None
    with _sigterm_like_ctrl_c():
        try:
            parser = build_parser()
            args = parser.parse_args(argv)
            # Every command: the same settings, read once, from the environment and .env.
            args.settings = Settings.from_env()
            use_cache_dir(args.settings.cache_dir)
            level = {0: logging.ERROR, 1: logging.WARNING}.get(args.verbose, logging.INFO)
            logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
            return int(args.handler(args))
        except LectureBotError as error:
            say_error(error_message(error, language_of(args)))
            return EXIT_BAD_INPUT
        except Terminated:
            if serving:
                return EXIT_OK  # a stopped service, not a failure
            say_error(say("cli_stopped", language_of(args)))
            return EXIT_TERMINATED
        except KeyboardInterrupt:
            return EXIT_INTERRUPTED
        except BrokenPipeError:
            return EXIT_OK


@contextmanager
def _sigterm_like_ctrl_c() -> Iterator[None]:
    """Raise Terminated on SIGTERM while the command runs (then put the old handler back)."""

    def on_sigterm(signum: int, frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second one must not cut the clean-up
        raise Terminated

    try:
        previous = signal.signal(signal.SIGTERM, on_sigterm)
    except ValueError:  # not the main thread (main() called from a thread): leave it
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def _configure_stdio() -> None:
    # Korean text and odd Unicode must print even where the locale is C/ASCII.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")


def language_of(args: argparse.Namespace | None) -> Lang:
    """The language of a command's messages: its `--lang`; else Korean for a question (or a
    time) written in Hangul; else English."""
    chosen = getattr(args, "lang", None)
    if chosen in ("en", "ko"):
        return chosen
    from retrieval.analysis import has_hangul  # only when there is something to say

    said = (getattr(args, name, None) for name in ("question", "time"))
    return "ko" if any(isinstance(text, str) and has_hangul(text) for text in said) else "en"


def say_error(line: str) -> None:
    """One line on stderr, after the program's name (control characters removed)."""
    print(f"lecture-bot: {clean(line)}", file=sys.stderr)


def add_data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        metavar="DIR",
        help="lecture data directory (default: LECTURE_DATA_DIR, else the user's data directory)",
    )
