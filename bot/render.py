"""Terminal renderings of answers, chapters, moments and lectures (the CLI's view of them).

Every function takes the width to fit (`bot.terminal.terminal_width()` by default) and the
language of its headers; text from outside (questions, captions) is cleaned of control
characters before it is printed. Colour (bold matched words) only when asked for: the CLI asks
only when stdout is a terminal, so a pipe gets plain text.
"""

from __future__ import annotations

from bot.messages import message as say
from bot.terminal import clean, terminal_width, wrap
from retrieval import timecode
from retrieval.course import Course
from retrieval.lecture import Catalog, Chapter, Lang, Moment
from retrieval.results import Answer, Hit, Span

SNIPPET_CHARS = 320
BOLD, RESET = "\033[1m", "\033[0m"
INDENT = "   "


def snippet(
    text: str, spans: tuple[Span, ...], width: int = SNIPPET_CHARS
) -> tuple[str, list[Span]]:
    """A window of `text` around the first matched span, cut on word boundaries, with the
    spans shifted into it. Ellipses mark cut ends."""
    if len(text) <= width:
        return text, list(spans)
    anchor = spans[0][0] if spans else 0
    start = max(0, anchor - width // 4)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < anchor else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    shift = len(prefix) - start
    inside = [(s + shift, e + shift) for s, e in spans if s >= start and e <= end]
    return f"{prefix}{text[start:end]}{suffix}", inside


def emphasise(text: str, spans: list[Span], before: str, after: str) -> str:
    out, position = [], 0
    for start, end in spans:
        out += [text[position:start], before, text[start:end], after]
        position = end
    out.append(text[position:])
    return "".join(out)


def render_answer(
    answer: Answer,
    catalog: Catalog,
    *,
    color: bool = False,
    lectures: bool = False,
    lang: Lang | None = None,
    width: int | None = None,
) -> str:
    """An answer in `lang` (default: the question's language); `lectures`: the course has
    several, so each hit names its lecture."""
    lang = lang or ("ko" if answer.lang == "ko" else "en")
    width = width or terminal_width()
    if not answer.found:
        return render_no_match(answer, lang, width)
    blocks = [
        render_hit(hit, color=color, lang=lang, lecture=lectures, width=width)
        for hit in answer.hits
    ]
    if answer.weak:
        blocks.insert(0, "\n".join(wrap(say("weak_match", lang), width)))
    return "\n\n".join(blocks)


def render_hit(
    hit: Hit,
    *,
    color: bool = False,
    lang: Lang = "en",
    lecture: bool = False,
    width: int | None = None,
) -> str:
    width = width or terminal_width()
    korean = lang == "ko"
    before, after = (BOLD, RESET) if color else ("**", "**")
    chapter_title = hit.chapter_title_ko if korean and hit.chapter_title_ko else hit.chapter_title
    head = (
        f"{hit.rank}. {say('chapter_label', lang, number=hit.chapter)}: {chapter_title} — "
        f"{timecode.format_time(hit.start)}"
    )
    if lecture and hit.lecture_title:
        title = hit.lecture_title_ko if korean and hit.lecture_title_ko else hit.lecture_title
        head = f"{hit.rank}. {title} · {head.split('. ', 1)[1]}"
    lines = wrap(head, width, INDENT, first_indent="")
    moment = hit.title_ko if korean and hit.title_ko else hit.title
    if moment:
        lines += wrap(moment, width, INDENT)
    lines += wrap(hit.url, width, INDENT)
    text, spans = snippet(clean(hit.text), hit.spans)
    lines += wrap(emphasise(text, spans, before, after), width, INDENT)
    if korean and hit.text_ko:
        text_ko, spans_ko = snippet(clean(hit.text_ko), hit.spans_ko, width=SNIPPET_CHARS // 2)
        quoted = f"{say('korean', lang)}: {emphasise(text_ko, spans_ko, before, after)}"
        lines += wrap(quoted, width, INDENT)
    return "\n".join(lines)


def render_no_match(answer: Answer, lang: Lang = "en", width: int | None = None) -> str:
    width = width or terminal_width()
    query = _clip(clean(answer.query), 80)
    lines = wrap(say("not_covered", lang, query=query), width)
    if answer.suggestions:
        lines.append(say("closest", lang))
        lines += [line for c in answer.suggestions for line in _chapter_line(c, lang, width)]
    return "\n".join(lines)


def render_lectures(course: Course, lang: Lang = "en", width: int | None = None) -> str:
    """Every lecture of the course: id, title, author, length, chapters, link."""
    width = width or terminal_width()
    lines: list[str] = []
    for lecture in course.lectures:
        catalog = lecture.catalog
        title = catalog.title_ko if lang == "ko" and catalog.title_ko else catalog.title
        facts = say(
            "cli_lecture_line",
            lang,
            length=timecode.format_time(catalog.duration),
            chapters=len(catalog.chapters),
            moments=len(catalog.moments),
        )
        lines.append(catalog.lecture_id)
        lines += wrap(f"{title} — {catalog.author} ({facts})", width, "  ")
        lines += wrap(catalog.video_url, width, "  ")
    return "\n".join(lines)


def render_chapter_list(catalog: Catalog, lang: Lang = "en", width: int | None = None) -> str:
    width = width or terminal_width()
    title = catalog.title_ko if lang == "ko" and catalog.title_ko else catalog.title
    length = timecode.format_time(catalog.duration)
    lines = wrap(f"{title} — {catalog.author} ({length})", width)
    lines += [line for chapter in catalog.chapters for line in _chapter_line(chapter, lang, width)]
    return "\n".join(lines)


def render_chapter(
    chapter: Chapter, catalog: Catalog, lang: Lang = "en", width: int | None = None
) -> str:
    width = width or terminal_width()
    lines = wrap(
        f"{say('chapter_label', lang, number=chapter.number)}: {chapter.display_title(lang)}", width
    )
    lines.append(
        f"{timecode.format_time(chapter.start)} – {timecode.format_time(chapter.end)}"
        f"  ({say('cli_duration', lang)} {timecode.format_time(chapter.duration)})"
    )
    lines += wrap(catalog.url(chapter.start), width)
    if summary := chapter.summary(lang):
        lines += ["", *wrap(summary, width)]
    if points := chapter.key_points(lang):
        lines += ["", f"{say('key_points', lang)}:"]
        lines += [line for point in points for line in wrap(point, width, "    ", "  - ")]
    moments = catalog.chapter_moments(chapter.number)
    if moments:
        lines += ["", f"{say('key_moments', lang)}:"]
        lines += [render_moment(moment, catalog, lang, width) for moment in moments]
    return "\n".join(lines)


def render_moment(
    moment: Moment, catalog: Catalog, lang: Lang = "en", width: int | None = None
) -> str:
    """One key moment: its time and title, then its link."""
    width = width or terminal_width()
    start = timecode.format_time(moment.t)
    lines = wrap(moment.display_title(lang), width, " " * 12, first_indent=f"  {start:>8}  ")
    lines += wrap(catalog.url(moment.t), width, " " * 12)
    return "\n".join(lines)


def render_moments(
    catalog: Catalog, chapter: int | None, lang: Lang = "en", width: int | None = None
) -> str:
    """Every key moment (of one chapter, or all of them grouped by chapter)."""
    width = width or terminal_width()
    chapters = catalog.chapters if chapter is None else (catalog.chapter(chapter),)
    lines: list[str] = []
    for each in chapters:
        moments = catalog.chapter_moments(each.number)
        if not moments:
            continue
        if lines:
            lines.append("")
        lines += [line.strip() for line in _chapter_line(each, lang, width)[:1]]
        lines += _chapter_line(each, lang, width)[1:]
        lines += [render_moment(moment, catalog, lang, width) for moment in moments]
    return "\n".join(lines)


def _chapter_line(chapter: Chapter, lang: Lang, width: int) -> list[str]:
    start = timecode.format_time(chapter.start)
    lead = f"  {chapter.number:>2}. {start:>8}  "
    return wrap(chapter.display_title(lang), width, " " * len(lead), first_indent=lead)


def _clip(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
