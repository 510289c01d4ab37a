"""`lecture-bot ask`: answer a question (or, with `--json -`, one per stdin line)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.cli import (
    EXIT_BAD_INPUT,
    EXIT_NO_MATCH,
    EXIT_OK,
    add_data_option,
    language_of,
    say_error,
)
from bot.cli.files import os_reason, unwritable
from bot.cli.loading import add_lecture_option, catalog_from, index_from
from bot.messages import error_message
from bot.messages import message as say
from bot.render import render_answer
from bot.terminal import terminal_width
from bot.timeline import Timeline, answer_timeline, timeline_png, timeline_strip
from retrieval.course_index import CourseIndex
from retrieval.errors import QueryError
from retrieval.index import Index, check_query
from retrieval.lecture import Lang
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
    parser.add_argument(
        "--timeline",
        type=Path,
        metavar="FILE.png",
        help="also write a picture of where the topic comes up in the lecture (PNG)",
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
    lang = language_of(args)  # --lang, else the question's: every line below is in it
    # Bad input is refused before the index is built (about a second).
    count = len(catalog_from(args).chapters)  # the chapters of --lecture, else the default
    if args.chapter is not None and not 1 <= args.chapter <= count:
        say_error(say("cli_no_chapter", lang, text=args.chapter, count=count))
        return EXIT_BAD_INPUT
    if args.question == "-":
        if args.timeline is not None:
            say_error(say("cli_timeline_one_question", lang))
            return EXIT_BAD_INPUT
        if not args.json:
            say_error(say("cli_stdin_needs_json", lang))
            return EXIT_BAD_INPUT
        return _batch(index_from(args), args)
    try:
        check_query(args.question)
    except QueryError as error:
        say_error(error_message(error, lang))
        return EXIT_BAD_INPUT
    # A picture that cannot be written is refused before the index is built (about a second).
    if args.timeline is not None and (problem := unwritable(args.timeline, lang)):
        return _cannot_write(args.timeline, problem, lang)
    index = index_from(args)
    try:
        answer = index.answer(args.question, k=args.top, chapter=args.chapter, lecture=args.lecture)
    except QueryError as error:
        say_error(error_message(error, lang))
        return EXIT_BAD_INPUT
    except KeyError:
        ids = ", ".join(index.course.ids)
        lecture = repr(str(args.lecture)[:40])
        say_error(say("cli_lecture_not_in_course", lang, lecture=lecture, known=ids))
        return EXIT_BAD_INPUT
    wanted = not args.json or args.timeline is not None  # JSON alone has no strip
    timeline = answer_timeline(index, answer, shown=len(answer.hits)) if wanted else None
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        many = len(index.lectures) > 1
        color = sys.stdout.isatty()  # a pipe gets plain text, never an escape sequence
        width = terminal_width()
        text = render_answer(
            answer, index.catalog, color=color, lectures=many, lang=args.lang, width=width
        )
        if timeline is not None:  # where the topic comes up, under the moments
            text += "\n\n" + timeline_strip(timeline, width)
        print(text)
    if args.timeline is not None:
        written = _write_timeline(args.timeline, timeline, lang)
        if written != EXIT_OK:
            return written
    return EXIT_OK if answer.found else EXIT_NO_MATCH


def _write_timeline(path: Path, timeline: Timeline | None, lang: Lang) -> int:
    if timeline is None:
        say_error(say("cli_timeline_no_match", lang))
        return EXIT_OK
    try:
        path.write_bytes(timeline_png(timeline))
    except OSError as error:
        return _cannot_write(path, os_reason(error, path, lang), lang)
    return EXIT_OK


def _cannot_write(path: Path, reason: str, lang: Lang) -> int:
    say_error(say("cli_timeline_unwritable", lang, path=path, reason=reason))
    return EXIT_BAD_INPUT


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
