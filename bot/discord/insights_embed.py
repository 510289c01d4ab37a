"""The /insights embed: the week's questions for a server's organisers, each item linked."""

from __future__ import annotations

import time
from collections.abc import Iterable

import discord

from bot.discord.embeds import COLOUR, escape, masked_link, one_line, trim
from bot.discord.i18n import Lang, t
from bot.insights import Counted, Insights
from bot.store import LoggedQuestion

CHART_FILE = "questions-per-chapter.png"
SHOWN_QUESTION = 90
FIELD = 1024


def insights_embed(report: Insights, lang: Lang, days: int, chart: bool) -> discord.Embed:
    summary = t(
        "insights_summary",
        lang,
        count=report.questions,
        unanswered=report.unanswered_count,
        up=report.votes_up,
        down=report.votes_down,
    )
    embed = discord.Embed(
        title=t("insights_title", lang, days=days), description=summary, colour=COLOUR
    )
    none = t("insights_none", lang)
    embed.add_field(
        name=t("insights_topics", lang),
        value=_lines(_counted(item, lang) for item in report.topics) or none,
        inline=False,
    )
    embed.add_field(
        name=t("insights_chapters", lang),
        value=_lines(_counted(item, lang, chapter=True) for item in report.chapters) or none,
        inline=False,
    )
    embed.add_field(
        name=t("insights_unanswered", lang),
        value=_lines(_asked(question) for question in report.unanswered) or none,
        inline=False,
    )
    embed.add_field(
        name=t("insights_disliked", lang),
        value=_lines(_disliked(question) for question in report.disliked) or none,
        inline=False,
    )
    if chart:
        embed.set_image(url=f"attachment://{CHART_FILE}")
    embed.set_footer(text=t("insights_footer", lang, since=_date(report.since)))
    return embed


def _counted(item: Counted, lang: Lang, chapter: bool = False) -> str:
    label = item.label_ko if lang == "ko" and item.label_ko else item.label
    prefix = f"{item.chapter}. " if chapter else ""
    text = escape(trim(one_line(prefix + label), 70))
    return f"**{item.count}** · [{text}]({item.url})" if item.url else f"**{item.count}** · {text}"


def _asked(question: LoggedQuestion) -> str:
    text = escape(trim(one_line(question.question), SHOWN_QUESTION))
    return f"“{text}” · {_date(question.asked_at)}"


def _disliked(question: LoggedQuestion) -> str:
    line = f"**{question.down}**👎 “{escape(trim(one_line(question.question), SHOWN_QUESTION))}”"
    if question.hits:
        line += f" → {masked_link(question.hits[0].start, question.hits[0].url)}"
    if question.comments:
        line += f"\n  › {escape(trim(one_line(question.comments[0]), SHOWN_QUESTION))}"
    return line


def _lines(lines: Iterable[str]) -> str:
    """As many whole lines as fit in a field."""
    kept: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) + 1 > FIELD:
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept)


def _date(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(timestamp))
