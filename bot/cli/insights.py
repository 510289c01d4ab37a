"""`lecture-bot insights`: what the study group asked, for its organisers (as /insights)."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bot.cli import EXIT_BAD_INPUT, EXIT_OK, say_error
from bot.cli.database import add_database_option, questions_since
from bot.cli.files import os_reason
from bot.insights import Insights, insights
from bot.messages import message as say
from bot.terminal import clean
from retrieval.catalog import CATALOG_DIR, load_catalog
from retrieval.errors import LectureBotError
from retrieval.lecture import Catalog
from retrieval.timecode import format_time

MAX_QUESTION_SHOWN = 100


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "insights",
        help="what students asked: topics, chapters, unanswered questions, 👎 answers",
        description="What the study group asked (from the bot's question log), as /insights.",
    )
    parser.add_argument("--server", type=int, metavar="ID", help="one server (default: all)")
    parser.add_argument(
        "--since", default="7d", metavar="SPAN", help="how far back: 7d (default), 24h, 2w, 30m"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument(
        "--chart", metavar="FILE.png", help="write questions per chapter as a chart"
    )
    parser.add_argument("--lang", choices=("en", "ko"), default="en", help="language of the text")
    add_database_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    since, logged = questions_since(args)
    report = insights(logged, shipped_catalog, since, args.server)
    if args.chart:
        from bot.insights_chart import questions_per_chapter_png

        several = len({item.lecture for item in report.per_chapter}) > 1
        chart = Path(args.chart)
        try:
            chart.write_bytes(questions_per_chapter_png(report.per_chapter, several))
        except OSError as error:
            reason = os_reason(error, chart, args.lang)
            say_error(say("cli_cannot_write", args.lang, path=chart, reason=reason))
            return EXIT_BAD_INPUT
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print(render(report, args.lang))
    return EXIT_OK


def shipped_catalog(lecture: str) -> Catalog | None:
    """A lecture's catalog as shipped (titles and links need nothing else)."""
    path = CATALOG_DIR / f"{lecture}.yaml"
    if not path.is_file():
        return None
    try:
        return load_catalog(path)
    except LectureBotError:
        return None


def render(report: Insights, lang: str) -> str:
    none = f"  {say('cli_insights_none', lang)}"
    server = (
        say("cli_insights_server", lang, id=report.guild_id)
        if report.guild_id
        else say("cli_insights_all", lang)
    )
    date = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(report.since))
    summary = say(
        "cli_insights_summary",
        lang,
        count=report.questions,
        unanswered=report.unanswered_count,
        up=report.votes_up,
        down=report.votes_down,
    )
    if report.median_latency_ms is not None:
        summary += " · " + say("cli_insights_latency", lang, ms=report.median_latency_ms)
    lines = [say("cli_insights_since", lang, date=date, server=server), f"  {summary}"]
    lines.append(say("cli_insights_topics", lang))
    lines += [
        f"  {item.count:>4}  {_label(item.label, item.label_ko, lang)}  {item.url}"
        for item in report.topics
    ] or [none]
    lines.append(say("cli_insights_chapters", lang))
    lines += [
        f"  {item.count:>4}  {item.lecture} {item.chapter}. "
        f"{_label(item.label, item.label_ko, lang)}  {item.url}"
        for item in report.chapters
    ] or [none]
    lines.append(say("cli_insights_unanswered", lang))
    lines += [f"  {_quoted(q.question)}" for q in report.unanswered] or [none]
    lines.append(say("cli_insights_disliked", lang))
    for question in report.disliked:
        shown = question.hits[0] if question.hits else None
        where = f"  → {format_time(shown.start)} {shown.url}" if shown else ""
        lines.append(f"  {question.down:>4}👎 {_quoted(question.question)}{where}")
        lines += [f"         · {_quoted(comment)}" for comment in question.comments[:3]]
    if not report.disliked:
        lines.append(none)
    return "\n".join(lines)


def _label(english: str, korean: str, lang: str) -> str:
    return clean(korean if lang == "ko" and korean else english)


def _quoted(text: str) -> str:
    text = clean(" ".join(text.split()))
    return f'"{text[:MAX_QUESTION_SHOWN]}{"…" if len(text) > MAX_QUESTION_SHOWN else ""}"'
