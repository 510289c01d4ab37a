"""`lecture-bot chapters`, `chapter N`, `moments` and `link TIME`: browse the lecture without
searching."""

from __future__ import annotations

import argparse
import json

from bot.cli import EXIT_BAD_INPUT, EXIT_NO_MATCH, EXIT_OK, add_data_option, language_of, say_error
from bot.cli.loading import add_lecture_option, catalog_from, course_from, lecture_from
from bot.messages import Lang
from bot.messages import message as say
from bot.render import render_chapter, render_chapter_list, render_lectures, render_moments
from retrieval import timecode
from retrieval.lecture import Catalog, Lecture
from retrieval.timing import WordClock


def register(subparsers: argparse._SubParsersAction) -> None:
    lectures = subparsers.add_parser(
        "lectures", help="the lectures of the course: id, title, length, chapters, link"
    )
    lectures.add_argument("--lang", choices=("en", "ko"), default="en", help="title language")
    lectures.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_data_option(lectures)
    lectures.set_defaults(handler=list_lectures)

    chapters = subparsers.add_parser("chapters", help="list every chapter with its start")
    chapters.add_argument("--lang", choices=("en", "ko"), default="en", help="title language")
    add_lecture_option(chapters, "this lecture's chapters (default: the first lecture's)")
    add_data_option(chapters)
    chapters.set_defaults(handler=list_chapters)

    chapter = subparsers.add_parser(
        "chapter", help="one chapter: title, summary, key points, start link, duration"
    )
    chapter.add_argument("number", help="chapter number")
    chapter.add_argument("--lang", choices=("en", "ko"), default="en", help="summary language")
    add_lecture_option(chapter, "a chapter of this lecture (default: the first lecture)")
    add_data_option(chapter)
    chapter.set_defaults(handler=show_chapter)

    moments = subparsers.add_parser(
        "moments", help="the lecture's key moments (of one chapter with --chapter N)"
    )
    moments.add_argument("--chapter", metavar="N", help="only this chapter's key moments")
    moments.add_argument("--lang", choices=("en", "ko"), default="en", help="title language")
    add_lecture_option(moments, "this lecture's key moments (default: the first lecture's)")
    add_data_option(moments)
    moments.set_defaults(handler=list_moments)

    link = subparsers.add_parser(
        "link", help="deep link, chapter and what is said at a moment (2:07:30, 1시간 2분, a link)"
    )
    link.add_argument(
        "time",
        help="a moment of the lecture: 2:07:30, 7650, 2h7m30s, 1시간 2분 3초, 83분 or a pasted "
        "YouTube link (its lecture is found in the course)",
    )
    link.add_argument("--json", action="store_true", help="print JSON instead of text")
    link.add_argument(
        "--lang",
        choices=("en", "ko"),
        help="language of the chapter and messages (default: Korean for a time written in Korean)",
    )
    add_lecture_option(link, "a moment of this lecture (default: the first lecture)")
    add_data_option(link)
    link.set_defaults(handler=show_link)


def list_lectures(args: argparse.Namespace) -> int:
    course = course_from(args)
    if args.json:
        payload = [
            {
                "lecture": lecture.catalog.lecture_id,
                "title": lecture.catalog.title,
                "title_ko": lecture.catalog.title_ko,
                "author": lecture.catalog.author,
                "duration": lecture.catalog.duration,
                "chapters": len(lecture.catalog.chapters),
                "moments": len(lecture.catalog.moments),
                "url": lecture.catalog.video_url,
            }
            for lecture in course.lectures
        ]
        print(json.dumps(payload, ensure_ascii=False))
        return EXIT_OK
    print(render_lectures(course, args.lang))
    return EXIT_OK


def list_chapters(args: argparse.Namespace) -> int:
    print(render_chapter_list(catalog_from(args), args.lang))
    return EXIT_OK


def show_chapter(args: argparse.Namespace) -> int:
    catalog = catalog_from(args)
    chapter = _chapter_number(args.number, catalog, args.lang)
    if chapter is None:
        return EXIT_BAD_INPUT
    print(render_chapter(catalog.chapter(chapter), catalog, args.lang))
    return EXIT_OK


def list_moments(args: argparse.Namespace) -> int:
    catalog = catalog_from(args)
    chapter = None if args.chapter is None else _chapter_number(args.chapter, catalog, args.lang)
    if args.chapter is not None and chapter is None:
        return EXIT_BAD_INPUT
    text = render_moments(catalog, chapter, args.lang)
    if not text:
        say_error(say("cli_no_moments", args.lang))
        return EXIT_NO_MATCH
    print(text)
    return EXIT_OK


def _linked_lecture(args: argparse.Namespace) -> Lecture:
    """The lecture `--lecture` names; else the lecture of the course a pasted YouTube link
    points into; else the default lecture."""
    if getattr(args, "lecture", None) or not (video := timecode.linked_video(args.time)):
        return lecture_from(args)
    course = course_from(args)
    for lecture in course.lectures:
        if lecture.catalog.video_id == video:
            return lecture
    return course.default  # parsing the link then says it is another video


def _chapter_number(text: str, catalog: Catalog, lang: Lang) -> int | None:
    """The chapter number `text` names, or None after saying which numbers exist."""
    count = len(catalog.chapters)
    try:
        number = int(text) if len(text) <= 6 else 0
        catalog.chapter(number)
    except (ValueError, KeyError):
        say_error(say("cli_no_chapter", lang, text=repr(text[:20]), count=count))
        return None
    return number


def show_link(args: argparse.Namespace) -> int:
    # Bad input is refused before the lecture is loaded.
    timecode.parse(args.time)
    lecture = _linked_lecture(args)
    catalog = lecture.catalog
    # TimecodeError (exit 2) past the end, or for a link to a video not of this lecture.
    seconds = timecode.parse(args.time, duration=catalog.duration, video_id=catalog.video_id)
    chapter = catalog.chapter_at(seconds)
    url = catalog.url(seconds)
    said = WordClock(lecture).quote_at(seconds)
    if args.json:
        payload = {
            "lecture": catalog.lecture_id,
            "time": seconds,
            "url": url,
            "chapter": chapter.number,
            "chapter_title": chapter.title,
            "text": said,
        }
        print(json.dumps(payload, ensure_ascii=False))
        return EXIT_OK
    lang = language_of(args)
    where = f"{say('chapter_label', lang, number=chapter.number)}: {chapter.display_title(lang)}"
    print(f"{timecode.format_time(seconds)} — {where}")
    print(url)
    if said:
        print(f"“{said}”")
    return EXIT_OK
