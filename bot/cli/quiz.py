"""`lecture-bot quiz`: practice in the terminal, the way /quiz does in Discord.

A question a student would ask and three key moments, numbered; type 1, 2 or 3 and see the
right one with its link and what is said there; another question follows until an empty line,
`q` or the end of input.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from typing import TextIO

from bot.cli import EXIT_BAD_INPUT, EXIT_NO_MATCH, EXIT_OK, add_data_option, say_error
from bot.cli.loading import add_lecture_option, catalog_from, course_from, lecture_from
from bot.messages import message as say
from bot.quiz import NoQuizError, Quiz, make_quiz
from bot.render import INDENT
from bot.terminal import clean, terminal_width, wrap
from retrieval.lecture import Catalog, Lang, Lecture
from retrieval.timecode import format_time
from retrieval.timing import WordClock

STOP = {"q", "quit", "exit"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "quiz",
        help="practice: pick the key moment that answers a question (1-3; q to stop)",
        description="Practice with the lecture's key moments: each question comes with three "
        "moments; type the number of the one that answers it. An empty line, q or the end of "
        "input stops.",
    )
    parser.add_argument("--chapter", metavar="N", help="only ask about chapter N (of --lecture)")
    add_lecture_option(parser, "only ask about this lecture (default: every lecture)")
    parser.add_argument(
        "--lang", choices=("en", "ko"), default="en", help="language of questions and titles"
    )
    parser.add_argument(
        "--seed", type=int, metavar="N", help="the same questions every time (e.g. for a group)"
    )
    add_data_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    lang: Lang = args.lang
    chapter = None
    if args.chapter is not None:  # refused before the lectures are loaded
        chapter = _chapter_number(args.chapter, catalog_from(args), lang)
        if chapter is None:
            return EXIT_BAD_INPUT
    lectures = (lecture_from(args),) if args.lecture else course_from(args).lectures
    catalogs = _scope(lectures, chapter)
    by_id = {lecture.catalog.lecture_id: lecture for lecture in lectures}
    rng = random.Random(args.seed)
    clocks: dict[str, WordClock] = {}
    asked = right = streak = 0
    while True:
        try:
            quiz = make_quiz(catalogs, rng, lang, chapter)
        except NoQuizError:
            say_error(say("quiz_no_moments", lang))
            return EXIT_NO_MATCH
        print(render_question(quiz, asked + 1))
        choice = read_choice(sys.stdin, lang)
        if choice is None:
            break
        asked += 1
        correct = choice == quiz.answer_index
        right += correct
        streak = streak + 1 if correct else 0
        lecture_id = quiz.catalog.lecture_id
        if lecture_id not in clocks:
            clocks[lecture_id] = WordClock(by_id[lecture_id])
        quote = clocks[lecture_id].quote_at(quiz.answer.t)
        print(render_reveal(quiz, correct, streak, quote))
    if asked:
        print(say("cli_quiz_score", lang, right=right, asked=asked))
    return EXIT_OK


def _scope(lectures: Sequence[Lecture], chapter: int | None) -> tuple[Catalog, ...]:
    """The lectures' catalogs; only the first's for a chapter (the one `--lecture` names, or
    the course's first, as `catalog_from` checked the chapter against)."""
    if chapter is not None:
        return (lectures[0].catalog,)
    return tuple(lecture.catalog for lecture in lectures)


def _chapter_number(text: str, catalog: Catalog, lang: Lang) -> int | None:
    count = len(catalog.chapters)
    number = int(text) if text.isdigit() and len(text) <= 6 else 0
    if 1 <= number <= count:
        return number
    say_error(say("cli_no_chapter", lang, text=repr(text[:20]), count=count))
    return None


def read_choice(stream: TextIO, lang: Lang) -> int | None:
    """The choice typed (0-2), or None for an empty line, q or the end of input; anything
    else asks again."""
    while True:
        print(say("cli_quiz_prompt", lang), end="", flush=True)
        line = stream.readline()
        if not stream.isatty():
            print()  # what was typed is not echoed: end the prompt's line
        text = line.strip().casefold()
        if not text or text in STOP:
            return None
        if text in {"1", "2", "3"}:
            return int(text) - 1
        print(say("cli_quiz_again", lang))


def render_question(quiz: Quiz, number: int, width: int | None = None) -> str:
    """The question and its numbered choices (whole titles), wrapped to the terminal."""
    width = width or terminal_width()
    text = say("cli_quiz_question", quiz.lang, number=number, question=clean(quiz.question))
    lines = ["", *wrap(text, width)]
    for position, label in enumerate(quiz.labels(limit=None), start=1):
        lines += wrap(label, width, indent=INDENT + "   ", first_indent=f"{INDENT}{position}. ")
    return "\n".join(lines)


def render_reveal(
    quiz: Quiz, correct: bool, streak: int, quote: str, width: int | None = None
) -> str:
    """Right or not, then the right moment: time and title, chapter, link, what is said."""
    width = width or terminal_width()
    lang, moment = quiz.lang, quiz.answer
    if correct:
        verdict = say("cli_quiz_right", lang, streak=streak)
    else:
        verdict = say("cli_quiz_wrong", lang, number=quiz.answer_index + 1)
    chapter = quiz.catalog.chapter(moment.chapter)
    where = f"{say('chapter_label', lang, number=chapter.number)}: {chapter.display_title(lang)}"
    lines = wrap(verdict, width)
    lines += wrap(
        f"{format_time(moment.t)}  {moment.display_title(lang)}",
        width,
        indent=INDENT,
        first_indent=INDENT,
    )
    lines += wrap(where, width, indent=INDENT, first_indent=INDENT)
    lines += wrap(quiz.url, width, indent=INDENT, first_indent=INDENT)
    if quote.strip():
        lines += wrap(f"“{clean(quote)}”", width, indent=INDENT, first_indent=INDENT)
    return "\n".join(lines)
