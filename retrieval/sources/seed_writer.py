"""Write timed caption words as a lecture data directory in the seed format the loader reads.

Layout of DIR:
- `chapters/NN-slug.md`: YAML front matter (title, titleKr, source_url, source_type, author,
  parent, chapter, totalChapters), a heading, `## 영어 원문 트랜스크립트`, then one English
  paragraph per line, each starting with its `[m:ss]` / `[h:mm:ss]` marker.
- `captions/<file>`: the caption file itself, so search can place links by word timings.
- `translation-ko.md`: Korean paragraphs under the same markers (YouTube imports with
  `--translate ko`).
- `import.json`: where the data came from; it also marks DIR as ours to replace next time.

Paragraphs: a word spoken at t seconds belongs to the paragraph marked floor(t/30)*30, and to
the chapter the catalog says is playing at t. Chapters start at their true times, which are
rarely multiples of 30 s: the 30-second stretch holding a chapter start is split in two and
the new chapter's first paragraph is marked with the chapter's own start (e.g. `[7:47]`), so
every marker lies in its own chapter. Words after the video's end join the last paragraph.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import LectureDataError
from retrieval.lecture import Catalog, Chapter, Cue
from retrieval.sources.atomic_dir import replacing_directory
from retrieval.sources.captions import TimedWord, timed_words
from retrieval.sources.markers import format_marker
from retrieval.sources.seed import PARAGRAPH_SECONDS, TRANSCRIPT_HEADING
from retrieval.sources.translation import TRANSLATION_FILE

IMPORT_FILE = "import.json"
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class ImportSource:
    """Where the captions came from, as recorded in the front matter and `import.json`."""

    source_type: str  # "caption_file" or "youtube_transcript"
    source_url: str
    description: str


@dataclass(frozen=True, slots=True)
class CaptionCopy:
    """A caption file to keep in `DIR/captions/`."""

    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class SeedParagraph:
    start: int
    chapter: int
    text: str


@dataclass(frozen=True, slots=True)
class ImportSummary:
    directory: Path
    words: int
    paragraphs: int
    chapters: int
    korean_paragraphs: int
    spoken_until: float


def paragraph_marker(seconds: float, catalog: Catalog) -> int:
    """The marker (seconds) of the paragraph a word spoken at `seconds` belongs to."""
    last = max(0, (catalog.duration - 1) // PARAGRAPH_SECONDS * PARAGRAPH_SECONDS)
    moment = min(max(0.0, seconds), catalog.duration - 1)
    bucket = min(int(moment // PARAGRAPH_SECONDS) * PARAGRAPH_SECONDS, last)
    return max(bucket, catalog.chapter_at(moment).start)


def build_paragraphs(words: Sequence[TimedWord], catalog: Catalog) -> list[SeedParagraph]:
    """Words grouped into marker paragraphs, in spoken order."""
    grouped: dict[int, list[str]] = {}
    latest = 0.0
    for word in words:
        latest = max(latest, word.start)  # a line cue's spread may overshoot the next cue
        grouped.setdefault(paragraph_marker(latest, catalog), []).append(word.text)
    return [
        SeedParagraph(start, catalog.chapter_at(start).number, " ".join(texts))
        for start, texts in sorted(grouped.items())
    ]


def write_lecture_dir(
    out: Path,
    catalog: Catalog,
    cues: Sequence[Cue],
    *,
    source: ImportSource,
    captions: CaptionCopy | None = None,
    korean: Sequence[Cue] = (),
    progress: Progress | None = None,
    extra: Mapping[str, bytes] | None = None,
) -> ImportSummary:
    """Write DIR atomically (see the module docstring); the previous DIR survives any failure.
    `extra` adds files (relative path -> content): a made `catalog.yaml`, the site's Korean."""
    words = timed_words(cues)
    if not words:
        raise LectureDataError("the captions hold no words to import", out)
    paragraphs = build_paragraphs(words, catalog)
    by_chapter: dict[int, list[SeedParagraph]] = {}
    for paragraph in paragraphs:
        by_chapter.setdefault(paragraph.chapter, []).append(paragraph)
    translation = _korean_paragraphs(korean, catalog)
    total = len(by_chapter) + 2
    with replacing_directory(out, may_replace=is_imported_dir) as staging:
        chapters_dir = staging / "chapters"
        chapters_dir.mkdir()
        for done, (number, chapter_paragraphs) in enumerate(sorted(by_chapter.items()), 1):
            chapter = catalog.chapter(number)
            path = chapters_dir / chapter_file_name(chapter, len(catalog.chapters))
            path.write_text(render_chapter(catalog, chapter, chapter_paragraphs, source), "utf-8")
            if progress:
                progress(done, total)
        if captions is not None:
            (staging / "captions").mkdir()
            (staging / "captions" / _safe_name(captions.name)).write_bytes(captions.data)
        if translation:
            (staging / TRANSLATION_FILE).write_text(
                render_translation(catalog, translation, source), "utf-8"
            )
        for relative, data in (extra or {}).items():
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if progress:
            progress(total - 1, total)
        summary = ImportSummary(
            directory=Path(out).expanduser().absolute(),
            words=len(words),
            paragraphs=len(paragraphs),
            chapters=len(by_chapter),
            korean_paragraphs=len(translation),
            spoken_until=max(cue.end for cue in cues),
        )
        (staging / IMPORT_FILE).write_text(_import_record(catalog, source, summary), "utf-8")
        if progress:
            progress(total, total)
    return summary


def is_imported_dir(directory: Path) -> bool:
    """True for a directory an earlier import wrote (safe to replace)."""
    return (directory / IMPORT_FILE).is_file()


def chapter_file_name(chapter: Chapter, total: int) -> str:
    width = max(2, len(str(total)))
    slug = re.sub(r"[^a-z0-9]+", "-", chapter.title.lower()).strip("-")[:48].rstrip("-")
    return f"{chapter.number:0{width}d}-{slug or 'chapter'}.md"


def render_chapter(
    catalog: Catalog, chapter: Chapter, paragraphs: Sequence[SeedParagraph], source: ImportSource
) -> str:
    title = _numbered(chapter.number, chapter.title)
    title_ko = _numbered(chapter.number, chapter.title_ko)
    total = len(catalog.chapters)
    front = {
        "title": title,
        "titleKr": title_ko,
        "source_url": source.source_url,
        "source_type": source.source_type,
        "author": catalog.author,
        "parent": catalog.lecture_id,
        "chapter": chapter.number,
        "totalChapters": total,
    }
    lines = [
        "---",
        *(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in front.items()),
    ]
    lines += [
        "---",
        "",
        f"# {title_ko}",
        "",
        f'> 원본 강의: "{catalog.title}" by {catalog.author}',
        f"> 챕터 {chapter.number}/{total} · {source.description}",
        "",
        TRANSCRIPT_HEADING,
        "",
        f"## {title}",
        "",
    ]
    for paragraph in paragraphs:
        lines += [f"{format_marker(paragraph.start)} {paragraph.text}", ""]
    return "\n".join(lines)


def render_translation(catalog: Catalog, korean: dict[int, str], source: ImportSource) -> str:
    lines = [
        "---",
        f"title: {json.dumps(catalog.title_ko, ensure_ascii=False)}",
        f"originalTitle: {json.dumps(catalog.title, ensure_ascii=False)}",
        f"sourceUrl: {json.dumps(source.source_url)}",
        'translatedBy: "YouTube machine translation"',
        # Written from the same caption timings as the English: the loader need not realign.
        "exactMarkers: true",
        f"totalChapters: {len(catalog.chapters)}",
        "---",
        f"# {catalog.title_ko}",
        "",
    ]
    for start, text in sorted(korean.items()):
        lines += [f"{format_marker(start)} {text}", ""]
    return "\n".join(lines)


def _korean_paragraphs(cues: Sequence[Cue], catalog: Catalog) -> dict[int, str]:
    """Korean lines grouped under the marker of the English paragraph they start in."""
    grouped: dict[int, list[str]] = {}
    for cue in cues:
        text = " ".join(cue.text.split())
        if text:
            grouped.setdefault(paragraph_marker(cue.start, catalog), []).append(text)
    return {start: " ".join(parts) for start, parts in grouped.items()}


def _numbered(number: int, title: str) -> str:
    return title if title.startswith(f"{number}.") else f"{number}. {title}"


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^\w.\-]+", "_", Path(name).name).strip("._")
    return cleaned or "captions.vtt"


def _import_record(catalog: Catalog, source: ImportSource, summary: ImportSummary) -> str:
    record = {
        "lecture": catalog.lecture_id,
        "video_id": catalog.video_id,
        "source_type": source.source_type,
        "source_url": source.source_url,
        "source": source.description,
        "imported_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "words": summary.words,
        "paragraphs": summary.paragraphs,
        "chapters": summary.chapters,
        "korean_paragraphs": summary.korean_paragraphs,
    }
    return json.dumps(record, ensure_ascii=False, indent=2) + "\n"
