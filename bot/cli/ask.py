"""`lecture-bot ask`: answer a question (or, with `--json -`, one per stdin line)."""

from __future__ import annotations

import argparse
import json
import sys

from bot.cli import EXIT_BAD_INPUT, EXIT_NO_MATCH, EXIT_OK, add_data_option
from bot.cli.loading import add_lecture_option, catalog_from, index_from
from bot.render import render_answer
from bot.terminal import clean
from retrieval.course_index import CourseIndex
from retrieval.errors import QueryError
from retrieval.index import Index, check_query
from retrieval.results import Answer

MAX_TOP = 10


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ask",
        help="answer a question with the moments of the lecture",
        description="Answer a question with the best matching moments of the lecture.",
    )
    parser.add_argument("question", help="the question, or - to read one question per line")
    parser.add_argument("--top", type=_top, default=3, metavar="N", help="results (1-10)")
    parser.add_argument(
        "--chapter", type=int, metavar="N", help="search only chapter N (of --lecture)"
    )
    add_lecture_option(parser, "search only this lecture (default: every lecture)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument(
        "--lang", choices=("en", "ko"), help="language of the answer (default: the question's)"
    )
    add_data_option(parser)
    parser.set_defaults(handler=run)


def _top(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--top needs a number from 1 to {MAX_TOP}") from None
    if not 1 <= number <= MAX_TOP:
        raise argparse.ArgumentTypeError(f"--top needs a number from 1 to {MAX_TOP}")
    return number


def run(args: argparse.Namespace) -> int:
    # Bad input is refused before the index is built (about a second).
    count = len(catalog_from(args).chapters)  # the chapters of --lecture, else the default
    if args.chapter is not None and not 1 <= args.chapter <= count:
        print(
            f"lecture-bot: there is no chapter {args.chapter}; pick 1 to {count}.", file=sys.stderr
        )
        return EXIT_BAD_INPUT
    if args.question == "-":
        if not args.json:
            print("lecture-bot: reading questions from stdin needs --json", file=sys.stderr)
            return EXIT_BAD_INPUT
        return _batch(index_from(args), args)
    try:
        check_query(args.question)
    except QueryError as error:
        print(f"lecture-bot: {clean(str(error))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    index = index_from(args)
    try:
        answer = index.answer(args.question, k=args.top, chapter=args.chapter, lecture=args.lecture)
    except QueryError as error:
        print(f"lecture-bot: {clean(str(error))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyError:
        ids = ", ".join(index.course.ids)
        print(
            f"lecture-bot: there is no such lecture here; this course has: {ids}", file=sys.stderr
        )
        return EXIT_BAD_INPUT
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        many = len(index.lectures) > 1
        color = sys.stdout.isatty()  # a pipe gets plain text, never an escape sequence
        print(render_answer(answer, index.catalog, color=color, lectures=many, lang=args.lang))
    return EXIT_OK if answer.found else EXIT_NO_MATCH


def _batch(index: Index | CourseIndex, args: argparse.Namespace) -> int:
    """One JSON object per input line, in order; a bad line gets an `error` instead of
    stopping the batch."""
    for line in sys.stdin:
        question = line.rstrip("\n")
        try:
            answer = index.answer(question, k=args.top, chapter=args.chapter, lecture=args.lecture)
            payload: dict[str, object] = answer.to_json()
        except (QueryError, KeyError) as error:
            payload = Answer(question, ()).to_json() | {"error": str(error)}
        print(json.dumps(payload, ensure_ascii=False), flush=True)
    return EXIT_OK
