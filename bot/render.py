"""Terminal renderings of answers, chapters and moments (the CLI's view of an Answer)."""

from __future__ import annotations

import textwrap

from retrieval import timecode
from retrieval.course import Course
from retrieval.lecture import Catalog, Chapter, Lang, Moment
from retrieval.results import Answer, Hit, Span

SNIPPET_CHARS = 320
BOLD, RESET = "\033[1m", "\033[0m"


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


WEAK_MATCH = (
    "Only a partial match: these moments cover some of your question's words.",
    "일부만 일치해요: 질문의 단어 중 일부만 다루는 장면이에요.",
)


def render_answer(
    answer: Answer, catalog: Catalog, *, color: bool = False, lectures: bool = False
) -> str:
    """An answer; `lectures`: the course has several, so each hit names its lecture."""
    if not answer.found:
        return render_no_match(answer)
    korean = answer.lang == "ko"
    blocks = [render_hit(hit, color=color, korean=korean, lecture=lectures) for hit in answer.hits]
    if answer.weak:
        blocks.insert(0, WEAK_MATCH[answer.lang == "ko"])
    return "\n\n".join(blocks)


def render_hit(
    hit: Hit, *, color: bool = False, korean: bool = False, lecture: bool = False
) -> str:
    before, after = (BOLD, RESET) if color else ("**", "**")
    start = timecode.format_time(hit.start)
    head = f"{hit.rank}. Chapter {hit.chapter}: {hit.chapter_title} — {start}"
    if lecture and hit.lecture_title:
        title = hit.lecture_title_ko if korean and hit.lecture_title_ko else hit.lecture_title
        head = f"{hit.rank}. {title} · Chapter {hit.chapter}: {hit.chapter_title} — {start}"
    title = hit.title_ko if korean and hit.title_ko else hit.title
    if title:
        head += f"\n   {title}"
    head += f"\n   {hit.url}"
    text, spans = snippet(hit.text, hit.spans)
    lines = [head, _indent(emphasise(text, spans, before, after))]
    if korean and hit.text_ko:
        text_ko, spans_ko = snippet(hit.text_ko, hit.spans_ko, width=SNIPPET_CHARS // 2)
        lines.append(_indent("한국어: " + emphasise(text_ko, spans_ko, before, after)))
    return "\n".join(lines)


def render_no_match(answer: Answer) -> str:
    lines = [f"Not covered in this lecture: nothing matches “{_clip(answer.query, 80)}”."]
    if answer.suggestions:
        lines.append("The closest chapters:")
        lines += [_chapter_line(chapter) for chapter in answer.suggestions]
    return "\n".join(lines)


def render_lectures(course: Course, lang: Lang = "en") -> str:
    """Every lecture of the course: id, title, author, length, chapters, link."""
    blocks = []
    for lecture in course.lectures:
        catalog = lecture.catalog
        title = catalog.title_ko if lang == "ko" and catalog.title_ko else catalog.title
        length = timecode.format_time(catalog.duration)
        blocks.append(
            f"{catalog.lecture_id}\n  {title} — {catalog.author} ({length}, "
            f"{len(catalog.chapters)} chapters, {len(catalog.moments)} key moments)\n"
            f"  {catalog.video_url}"
        )
    return "\n".join(blocks)


def render_chapter_list(catalog: Catalog, lang: Lang = "en") -> str:
    lines = [f"{catalog.title} — {catalog.author} ({timecode.format_time(catalog.duration)})"]
    lines += [_chapter_line(chapter, lang) for chapter in catalog.chapters]
    return "\n".join(lines)


def render_chapter(chapter: Chapter, catalog: Catalog, lang: Lang = "en") -> str:
    label = "핵심 포인트" if lang == "ko" else "Key points"
    duration = "길이" if lang == "ko" else "Duration"
    lines = [
        f"Chapter {chapter.number}: {chapter.display_title(lang)}",
        f"{timecode.format_time(chapter.start)} – {timecode.format_time(chapter.end)}"
        f"  ({duration} {timecode.format_time(chapter.duration)})",
        catalog.url(chapter.start),
        "",
        _wrap(chapter.summary(lang)),
        "",
        f"{label}:",
        *(f"  - {point}" for point in chapter.key_points(lang)),
    ]
    moments = catalog.chapter_moments(chapter.number)
    if moments:
        lines += ["", f"{'핵심 장면' if lang == 'ko' else 'Key moments'}:"]
        lines += [render_moment(moment, catalog, lang) for moment in moments]
    return "\n".join(lines)


def render_moment(moment: Moment, catalog: Catalog, lang: Lang = "en") -> str:
    """One key moment: its time, its title and its link."""
    start = timecode.format_time(moment.t)
    return f"  {start:>8}  {moment.display_title(lang)}\n            {catalog.url(moment.t)}"


def render_moments(catalog: Catalog, chapter: int | None, lang: Lang = "en") -> str:
    """Every key moment (of one chapter, or all of them grouped by chapter)."""
    chapters = catalog.chapters if chapter is None else (catalog.chapter(chapter),)
    lines: list[str] = []
    for each in chapters:
        moments = catalog.chapter_moments(each.number)
        if not moments:
            continue
        if lines:
            lines.append("")
        lines.append(_chapter_line(each, lang).strip())
        lines += [render_moment(moment, catalog, lang) for moment in moments]
    return "\n".join(lines)


def _chapter_line(chapter: Chapter, lang: Lang = "en") -> str:
    start = timecode.format_time(chapter.start)
    return f"  {chapter.number:>2}. {start:>8}  {chapter.display_title(lang)}"


def _indent(text: str) -> str:
    return textwrap.indent(_wrap(text, 96), "   ")


def _wrap(text: str, width: int = 100) -> str:
    return textwrap.fill(text, width=width, break_long_words=False, break_on_hyphens=False)


def _clip(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
