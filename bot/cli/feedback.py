"""`lecture-bot feedback export`: 👎 and unanswered questions as eval questions to complete."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from bot.cli import EXIT_BAD_INPUT, EXIT_OK, say_error
from bot.cli.database import add_database_option, questions_since
from bot.cli.files import os_reason
from bot.feedback_export import feedback_items, feedback_yaml
from bot.messages import message as say


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "feedback",
        help="export 👎 and unanswered questions as eval questions",
        description="Turn what students voted down or the lecture could not answer into eval data.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export",
        help="write them in the eval question format, answers left to fill in",
        description="Write 👎 and no-match questions in the eval question format (YAML).",
    )
    export.add_argument("--out", required=True, metavar="FILE.yaml", help="where to write them")
    export.add_argument("--since", default="90d", metavar="SPAN", help="how far back (90d)")
    export.add_argument("--server", type=int, metavar="ID", help="one server (default: all)")
    add_database_option(export)
    export.set_defaults(handler=run_export)


def run_export(args: argparse.Namespace) -> int:
    _, logged = questions_since(args)
    out = Path(args.out)
    try:
        _write_atomically(out, feedback_yaml(logged))
    except OSError as error:
        reason = os_reason(error, out, "en")
        say_error(say("cli_cannot_write", "en", path=out, reason=reason))
        return EXIT_BAD_INPUT
    count = len(feedback_items(logged))
    print(say("cli_feedback_wrote", "en", count=count, path=out), file=sys.stderr)
    return EXIT_OK


def _write_atomically(path: Path, text: str) -> None:
    """Whole or not at all: a temporary file beside `path`, renamed over it."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
