"""The Discord renderer: `Answer`, `Chapter` and friends as embeds within Discord's limits.

Pure functions of retrieval data; no network, no client. Snippets are trimmed on a word
boundary with an ellipsis, matched words (`Hit.spans`) are bold, the rest is markdown-escaped,
and every time is a masked link `[h:mm:ss](url)`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import discord

from bot.discord.i18n import Lang, t
from retrieval.timecode import EXAMPLES, format_time

if TYPE_CHECKING:
    from bot.quiz import Quiz
    from retrieval.course import Course
    from retrieval.lecture import Catalog, Chapter, Moment
    from retrieval.results import Answer, Hit

TITLE_LIMIT, DESCRIPTION_LIMIT, FIELD_NAME_LIMIT, FIELD_LIMIT = 256, 4096, 256, 1024
FIELD_COUNT_LIMIT, FOOTER_LIMIT, TOTAL_LIMIT = 25, 2048, 6000
ELLIPSIS = "…"
PER_PAGE = 3
# Key moments of a chapter: the first few under its summary, the rest on pages of their own.
# A line is at most MOMENT_LINE characters, so the counts fit a field and a description.
MOMENTS_ON_CHAPTER_PAGE, MOMENTS_PER_PAGE, MOMENT_LINE = 5, 20, 200
# A hit's quote: the stretch around its best-matching words, short enough that a whole answer
# of three hits stays well under 1,500 characters; Korean users see the translation beside a
# shorter English one.
QUOTE, QUOTE_BESIDE_KOREAN, QUOTE_KO = 260, 170, 150
COLOUR = discord.Colour.blurple()

__all__ = [
    "EXAMPLES",
    "PER_PAGE",
    "answer_embed",
    "chapter_embed",
    "chapters_embed",
    "help_embed",
    "highlight",
    "limit_violations",
    "link_embed",
    "no_match_embed",
    "trim",
]


# Markdown Discord acts on: emphasis, spoilers, code, quotes, headings, lists, masked links.
# Each is shown literally when a backslash precedes it. One pass of str.translate: linear in
# the text, where discord.py's escape_markdown (a regex with nested alternatives) took seconds
# on a few thousand hostile "[" and "](" characters.
_ESCAPES = str.maketrans({char: "\\" + char for char in "\\*_~|`>#-[]"})


_URL = re.compile(r"https?://[^\s<>]+")


def escape(text: str) -> str:
    """`text` with every markdown character shown as itself; web addresses are left whole so
    they stay links."""
    if "://" not in text:
        return text.translate(_ESCAPES)
    pieces, position = [], 0
    for match in _URL.finditer(text):
        pieces += [text[position : match.start()].translate(_ESCAPES), match.group()]
        position = match.end()
    pieces.append(text[position:].translate(_ESCAPES))
    return "".join(pieces)


def one_line(text: str) -> str:
    return " ".join(text.split())


def trim(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters on a word boundary, with an ellipsis if cut."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def masked_link(seconds: float, url: str) -> str:
    return f"[{format_time(seconds)}]({url})"


def _merge(spans: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted((max(0, s), min(length, e)) for s, e in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _word_start(text: str, position: int) -> int:
    space = text.rfind(" ", 0, max(0, position))
    return space + 1


def _render(text: str, spans: list[tuple[int, int]], start: int, budget: int) -> str:
    end = len(text)
    if end - start > budget:
        cut = text.rfind(" ", start, start + budget)
        end = cut if cut > start + budget // 2 else start + budget
    pieces = [ELLIPSIS] if start > 0 else []
    position = start
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start >= span_end:
            continue
        pieces.append(escape(text[position:span_start]))
        pieces.append(f"**{escape(text[span_start:span_end])}**")
        position = span_end
    pieces.append(escape(text[position:end]))
    if end < len(text):
        pieces.append(ELLIPSIS)
    return "".join(pieces).strip()


def highlight(text: str, spans: Sequence[tuple[int, int]], limit: int) -> str:
    """A snippet of `text` of at most `limit` characters: matched spans bold, markdown escaped
    (only what is shown, after cutting), starting a little before the stretch of `limit`
    characters that holds the most matched words when the text is too long to show whole."""
    merged = _merge(spans, len(text))
    start = 0
    if len(text) > limit and merged:
        anchor = _densest(merged, limit * 2 // 3)
        if anchor > limit // 3:
            start = _word_start(text, anchor - limit // 6)
    budget = limit
    while budget > 0:
        rendered = _render(text, merged, start, budget)
        if len(rendered) <= limit:
            return rendered
        budget -= max(1, len(rendered) - limit)
    return ELLIPSIS


def _densest(spans: list[tuple[int, int]], reach: int) -> int:
    """Where the stretch of `reach` characters holding the most spans begins (the first such
    span's start); two pointers over the sorted spans, so linear."""
    best_start, best_count, last = spans[0][0], 0, 0
    for first, (start, _) in enumerate(spans):
        last = max(last, first)
        while last + 1 < len(spans) and spans[last + 1][0] < start + reach:
            last += 1
        if last - first + 1 > best_count:
            best_start, best_count = start, last - first + 1
    return best_start


def _chapter_title(catalog: Catalog, number: int, fallback: str, lang: Lang) -> str:
    try:
        return catalog.chapter(number).display_title(lang)
    except KeyError:
        return fallback


def _lecture_title(catalog: Catalog, lang: Lang) -> str:
    return catalog.title_ko if lang == "ko" and catalog.title_ko else catalog.title


def hit_field(
    hit: Hit, catalog: Catalog, lang: Lang, show_korean: bool, lecture: bool = False
) -> tuple[str, str]:
    """(name, value) of one hit's embed field; `lecture`: name the hit's lecture too (the
    course has several)."""
    if hit.chapter_title_ko or hit.lecture:
        title = hit.chapter_title_ko if lang == "ko" and hit.chapter_title_ko else hit.chapter_title
    else:
        title = _chapter_title(catalog, hit.chapter, hit.chapter_title, lang)
    moment = hit.title_ko if lang == "ko" and hit.title_ko else hit.title
    if moment:
        title = moment
    where = t("chapter_label", lang, number=hit.chapter)
    if lecture and hit.lecture_title:
        lecture_title = (
            hit.lecture_title_ko if lang == "ko" and hit.lecture_title_ko else hit.lecture_title
        )
        where = f"{trim(lecture_title, 60)} · {where}"
    name = trim(f"{hit.rank}. {where} · {title}", 256)
    korean = show_korean and bool(hit.text_ko)
    quote = highlight(hit.text, hit.spans, QUOTE_BESIDE_KOREAN if korean else QUOTE)
    value = f"{masked_link(hit.start, hit.url)} {quote}"
    if korean:
        value += f"\n> **{t('korean', lang)}:** {highlight(hit.text_ko, hit.spans_ko, QUOTE_KO)}"
    return name, trim(value, FIELD_LIMIT)


def page_count(answer: Answer, per_page: int = PER_PAGE) -> int:
    return max(1, math.ceil(len(answer.hits) / per_page))


def answer_embed(
    answer: Answer,
    catalog: Catalog,
    lang: Lang,
    page: int = 0,
    per_page: int = PER_PAGE,
    more: bool = False,
    lectures: bool = False,
) -> discord.Embed:
    """One page (`per_page` hits) of an answer; Korean text beside English for Korean queries.
    `more`: the answer holds only the first hits of more, so the footer gives no total."""
    hits = answer.hits[page * per_page : (page + 1) * per_page]
    embed = discord.Embed(
        title=trim(
            t("answer_title", lang, query=escape(trim(one_line(answer.query), 200))), TITLE_LIMIT
        ),
        colour=COLOUR,
    )
    if answer.weak:
        embed.description = t("weak_match", lang)
    show_korean = answer.lang == "ko" or lang == "ko"
    for hit in hits:
        name, value = hit_field(hit, catalog, lang, show_korean, lecture=lectures)
        embed.add_field(name=name, value=value, inline=False)
    first = page * per_page + 1
    footer = t(
        "results_footer_more" if more else "results_footer",
        lang,
        lecture=_answer_source(answer, catalog, lang)
        if lectures
        else _lecture_title(catalog, lang),
        first=first,
        last=first + len(hits) - 1,
        total=len(answer.hits),
    )
    embed.set_footer(text=trim(footer, FOOTER_LIMIT))
    return embed


def _answer_source(answer: Answer, catalog: Catalog, lang: Lang) -> str:
    """What an answer's hits come from: their lecture, or how many lectures."""
    titles = {
        (hit.lecture_title_ko if lang == "ko" and hit.lecture_title_ko else hit.lecture_title)
        for hit in answer.hits
    }
    if len(titles) == 1:
        return titles.pop() or _lecture_title(catalog, lang)
    return t("several_lectures", lang, count=len(titles))


def _chapter_line(chapter: Chapter, catalog: Catalog, lang: Lang) -> str:
    url = chapter.url if chapter.video_id else catalog.url(chapter.start)
    link = masked_link(chapter.start, url)
    return f"**{chapter.number}.** {link} {escape(chapter.display_title(lang))}"


def no_match_embed(answer: Answer, catalog: Catalog, lang: Lang) -> discord.Embed:
    """The honest reply when nothing matches, with the chapters closest to the question."""
    query = trim(one_line(answer.query), 200)
    lines = [escape(t("no_match", lang, query=query)), ""]
    if answer.suggestions:
        lines.append(f"**{t('suggestions', lang)}**")
        lines.extend(_chapter_line(chapter, catalog, lang) for chapter in answer.suggestions[:5])
    else:
        lines.append(t("no_suggestions", lang))
    embed = discord.Embed(
        title=t("no_match_title", lang),
        description=trim("\n".join(lines), DESCRIPTION_LIMIT),
        colour=discord.Colour.light_grey(),
    )
    embed.set_footer(text=trim(_lecture_title(catalog, lang), FOOTER_LIMIT))
    return embed


def _bullets(points: Sequence[str], limit: int) -> str:
    lines: list[str] = []
    used = 0
    for point in points:
        line = f"• {trim(escape(point), limit - 2)}"
        if used + len(line) + 1 > limit:
            if not lines:
                lines.append(trim(line, limit))
            elif used + 2 <= limit:
                lines.append(ELLIPSIS)
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(lines)


def chapter_embed(chapter: Chapter, catalog: Catalog, lang: Lang) -> discord.Embed:
    """A chapter: title (linking to its start), summary, key points, start and length."""
    url = catalog.url(chapter.start)
    title = f"{t('chapter_label', lang, number=chapter.number)} · {chapter.display_title(lang)}"
    embed = discord.Embed(
        title=trim(title, TITLE_LIMIT),
        url=url,
        description=trim(escape(chapter.summary(lang)), DESCRIPTION_LIMIT - 1000) or None,
        colour=COLOUR,
    )
    points = chapter.key_points(lang)
    if points:
        embed.add_field(
            name=t("key_points", lang), value=_bullets(points, FIELD_LIMIT), inline=False
        )
    embed.add_field(name=t("starts_at", lang), value=masked_link(chapter.start, url), inline=True)
    embed.add_field(name=t("duration", lang), value=format_time(chapter.duration), inline=True)
    moments = catalog.chapter_moments(chapter.number)
    if moments:
        lines = [moment_line(m, catalog, lang) for m in moments[:MOMENTS_ON_CHAPTER_PAGE]]
        if len(moments) > MOMENTS_ON_CHAPTER_PAGE:
            more = len(moments) - MOMENTS_ON_CHAPTER_PAGE
            lines.append(t("key_moments_more", lang, count=more))
        embed.add_field(
            name=t("key_moments", lang), value=trim("\n".join(lines), FIELD_LIMIT), inline=False
        )
    embed.set_footer(text=_chapter_footer(chapter, catalog, lang))
    return embed


def _chapter_footer(chapter: Chapter, catalog: Catalog, lang: Lang) -> str:
    footer = t(
        "chapter_footer",
        lang,
        lecture=_lecture_title(catalog, lang),
        number=chapter.number,
        count=len(catalog.chapters),
    )
    return trim(footer, FOOTER_LIMIT)


def moment_line(moment: Moment, catalog: Catalog, lang: Lang) -> str:
    """One key moment as a line: its time as a link, then its title."""
    link = masked_link(moment.t, catalog.url(moment.t))
    return trim(f"{link} {escape(moment.display_title(lang))}", MOMENT_LINE)


def moment_page_count(catalog: Catalog, number: int) -> int:
    """How many pages of key moments chapter `number` has after its own page."""
    rest = len(catalog.chapter_moments(number)) - MOMENTS_ON_CHAPTER_PAGE
    return max(0, math.ceil(rest / MOMENTS_PER_PAGE))


def chapter_moments_embed(
    chapter: Chapter, catalog: Catalog, lang: Lang, part: int
) -> discord.Embed:
    """Page `part` (1-based) of a chapter's key moments beyond those on the chapter's page."""
    first = MOMENTS_ON_CHAPTER_PAGE + (part - 1) * MOMENTS_PER_PAGE
    moments = catalog.chapter_moments(chapter.number)[first : first + MOMENTS_PER_PAGE]
    parts = moment_page_count(catalog, chapter.number)
    title = t(
        "key_moments_title",
        lang,
        number=chapter.number,
        title=chapter.display_title(lang),
        part=part,
        parts=parts,
    )
    embed = discord.Embed(
        title=trim(title, TITLE_LIMIT),
        url=catalog.url(chapter.start),
        description=trim("\n".join(moment_line(m, catalog, lang) for m in moments), 4096),
        colour=COLOUR,
    )
    embed.set_footer(text=_chapter_footer(chapter, catalog, lang))
    return embed


def transcript_embed(hits: Sequence[Hit], lang: Lang) -> discord.Embed:
    """The full passage of each hit: what is said from its link to its end, and its Korean."""
    embed = discord.Embed(title=t("transcript_title", lang), colour=COLOUR)
    for hit in hits:
        text = one_line(hit.text)
        if lang == "ko" and hit.text_ko:
            text = f"{trim(text, FIELD_LIMIT // 2)}\n> {one_line(hit.text_ko)}"
        name = f"{hit.rank}. {format_time(hit.start)}–{format_time(hit.end)}"
        embed.add_field(
            name=name, value=trim(escape(trim(text, FIELD_LIMIT)), FIELD_LIMIT), inline=False
        )
    return embed


def lectures_embed(course: Course, lang: Lang, default: str | None = None) -> discord.Embed:
    """Every lecture of the course: its title linking to the video, length and chapters."""
    embed = discord.Embed(
        title=t("lectures_title", lang, count=len(course.lectures)), colour=COLOUR
    )
    for lecture in course.lectures[:FIELD_COUNT_LIMIT]:
        catalog = lecture.catalog
        name = _lecture_title(catalog, lang)
        if catalog.lecture_id == default:
            name += f" ({t('server_default', lang)})"
        line = t(
            "lecture_line",
            lang,
            length=format_time(catalog.duration),
            chapters=len(catalog.chapters),
            moments=len(catalog.moments),
        )
        value = f"{escape(catalog.author)}\n{line}\n{catalog.video_url}\n`{catalog.lecture_id}`"
        embed.add_field(
            name=trim(escape(name), FIELD_NAME_LIMIT), value=trim(value, FIELD_LIMIT), inline=False
        )
    return embed


def chapters_embed(catalog: Catalog, lang: Lang) -> discord.Embed:
    """Every chapter with its start link: the description first, then fields, within limits."""
    lecture = _lecture_title(catalog, lang)
    title = trim(t("chapters_title", lang, lecture=lecture, count=len(catalog.chapters)), 256)
    embed = discord.Embed(title=title, url=catalog.video_url, colour=COLOUR)
    lines = [_chapter_line(chapter, catalog, lang) for chapter in catalog.chapters]
    budget = TOTAL_LIMIT - len(title) - 100  # room for the overflow note
    description: list[str] = []
    used = 0
    position = 0
    while position < len(lines) and used + len(lines[position]) + 1 <= DESCRIPTION_LIMIT:
        description.append(lines[position])
        used += len(lines[position]) + 1
        position += 1
    embed.description = "\n".join(description)
    budget -= len(embed.description)
    while position < len(lines) and len(embed.fields) < FIELD_COUNT_LIMIT:
        chunk: list[str] = []
        size = 0
        while position < len(lines) and size + len(lines[position]) + 1 <= FIELD_LIMIT:
            chunk.append(lines[position])
            size += len(lines[position]) + 1
            position += 1
        if not chunk or size + 1 > budget:
            break
        embed.add_field(name="\u200b", value="\n".join(chunk), inline=False)
        budget -= size + 1
    if position < len(lines):
        rest = t("more_chapters", lang, count=len(lines) - position)
        embed.set_footer(text=rest)
    return embed


def link_embed(seconds: int, catalog: Catalog, quote: str, lang: Lang) -> discord.Embed:
    """A moment: its deep link, its chapter and what is said there."""
    url = catalog.url(seconds)
    chapter = catalog.chapter_at(seconds)
    embed = discord.Embed(
        title=t("link_title", lang, time=format_time(seconds)),
        url=url,
        description=masked_link(seconds, url),
        colour=COLOUR,
    )
    chapter_value = (
        f"{_chapter_line(chapter, catalog, lang)} "
        f"({t('starts_at', lang)} {format_time(chapter.start)})"
    )
    embed.add_field(
        name=t("in_chapter", lang), value=trim(chapter_value, FIELD_LIMIT), inline=False
    )
    said = escape(trim(one_line(quote), 600)) if quote.strip() else t("nothing_said", lang)
    embed.add_field(name=t("said", lang), value=trim(said, FIELD_LIMIT), inline=False)
    embed.set_footer(text=trim(_lecture_title(catalog, lang), FOOTER_LIMIT))
    return embed


HELP_TOPICS = ("ask", "chapters", "link", "quiz", "privacy")


def help_embed(
    catalog: Catalog | None, lang: Lang, topic: str | None = None, retention_days: int = 90
) -> discord.Embed:
    """How to use the bot, in `lang`; one topic or all of them."""
    lecture = _lecture_title(catalog, lang) if catalog is not None else "the lecture"
    embed = discord.Embed(
        title=t("help_title", lang),
        description=t("help_intro", lang, lecture=lecture),
        colour=COLOUR,
    )
    names = {
        "ask": "/ask",
        "chapters": "/chapter · /chapters",
        "link": "/link",
        "quiz": "/quiz",
        "privacy": t("help_privacy_name", lang),
    }
    for name in [topic] if topic in HELP_TOPICS else HELP_TOPICS:
        text = t(f"help_{name}", lang, days=retention_days)
        embed.add_field(name=names[name], value=text, inline=False)
    return embed


def limit_violations(embed: discord.Embed) -> list[str]:
    """Every Discord embed limit that `embed` breaks (empty when it is valid)."""
    problems: list[str] = []
    if embed.title and len(embed.title) > TITLE_LIMIT:
        problems.append(f"title {len(embed.title)} > {TITLE_LIMIT}")
    if embed.description and len(embed.description) > DESCRIPTION_LIMIT:
        problems.append(f"description {len(embed.description)} > {DESCRIPTION_LIMIT}")
    if len(embed.fields) > FIELD_COUNT_LIMIT:
        problems.append(f"{len(embed.fields)} fields > {FIELD_COUNT_LIMIT}")
    for position, field in enumerate(embed.fields):
        if not field.name or len(field.name) > FIELD_NAME_LIMIT:
            problems.append(f"field {position} name length {len(field.name or '')}")
        if not field.value or len(field.value) > FIELD_LIMIT:
            problems.append(f"field {position} value length {len(field.value or '')}")
    if embed.footer.text and len(embed.footer.text) > FOOTER_LIMIT:
        problems.append(f"footer {len(embed.footer.text)} > {FOOTER_LIMIT}")
    if len(embed) > TOTAL_LIMIT:
        problems.append(f"total {len(embed)} > {TOTAL_LIMIT}")
    return problems


def quiz_embed(quiz: Quiz, lang: Lang, chapter: int | None = None) -> discord.Embed:
    """A quiz question (its three choices are the buttons under it); `chapter`: the one the
    user asked to practise."""
    question = escape(trim(one_line(quiz.question), 300))
    embed = discord.Embed(title=t("quiz_title", lang), description=f"> **{question}**")
    embed.colour = COLOUR
    lecture = _lecture_title(quiz.catalog, lang)
    if chapter is None:
        footer = t("quiz_footer", lang, lecture=lecture)
    else:
        footer = t("quiz_footer_chapter", lang, lecture=lecture, number=chapter)
    embed.set_footer(text=trim(footer, FOOTER_LIMIT))
    return embed


def quiz_reveal_embed(
    quiz: Quiz,
    lang: Lang,
    *,
    correct: bool,
    quote: str,
    streak: tuple[int, int] | None = None,
    chapter: int | None = None,
) -> discord.Embed:
    """The question answered: right or not, the right moment with its link and chapter, what
    is said there, and the user's (streak, best) when it is kept."""
    embed = quiz_embed(quiz, lang, chapter)
    embed.colour = discord.Colour.green() if correct else discord.Colour.red()
    verdict = t("quiz_right" if correct else "quiz_wrong", lang)
    if streak is not None:
        verdict += "\n" + t("quiz_streak", lang, streak=streak[0], best=streak[1])
    embed.description = f"{embed.description}\n\n{verdict}"
    moment = quiz.answer
    where = t("chapter_label", lang, number=moment.chapter)
    chapter_title = _chapter_title(quiz.catalog, moment.chapter, "", lang)
    value = (
        f"{masked_link(moment.t, quiz.url)} **{escape(moment.display_title(lang))}**\n"
        f"{escape(f'{where} · {chapter_title}' if chapter_title else where)}"
    )
    embed.add_field(name=t("quiz_answer", lang), value=trim(value, FIELD_LIMIT), inline=False)
    said = escape(trim(one_line(quote), QUOTE)) if quote.strip() else t("nothing_said", lang)
    embed.add_field(name=t("said", lang), value=trim(said, FIELD_LIMIT), inline=False)
    embed.set_footer(text=trim(_lecture_title(quiz.catalog, lang), FOOTER_LIMIT))
    return embed
