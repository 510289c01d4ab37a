"""Read a lecture data directory in the seed format.

`DIR/chapters/NN-slug.md`: YAML front matter, a Korean overview (not transcript), then after
the `## 영어 원문 트랜스크립트` heading English paragraphs that each start with a `[m:ss]` or
`[h:mm:ss]` marker. Only marker paragraphs are transcript; headings and `**요약**` lines are
someone's summary and are never indexed as if they were said in the video.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import yaml

from retrieval.errors import LectureDataError
from retrieval.lecture import Catalog, Segment
from retrieval.sources.markers import MARKER, marker_seconds

TRANSCRIPT_HEADING = "## 영어 원문 트랜스크립트"
PARAGRAPH_SECONDS = 30
MAX_PARAGRAPH_CHARS = 5_000  # ten times a 30-second paragraph
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Paragraph:
    start: int
    text: str
    path: Path
    line: int


def chapter_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "chapters").glob("*.md"))


def read_segments(data_dir: Path, catalog: Catalog) -> tuple[Segment, ...]:
    """All transcript paragraphs of the directory as segments, chapters decided by the catalog."""
    files = chapter_files(data_dir)
    if not files:
        raise LectureDataError("no chapter files (chapters/*.md) in this directory", data_dir)
    paragraphs = [paragraph for path in files for paragraph in read_paragraphs(path)]
    if not paragraphs:
        raise LectureDataError("the chapter files hold no [m:ss] transcript paragraphs", data_dir)
    _check_order(paragraphs, catalog.duration)
    ends = [paragraph.start for paragraph in paragraphs[1:]]
    ends.append(min(paragraphs[-1].start + PARAGRAPH_SECONDS, catalog.duration))
    return tuple(
        Segment(
            start=paragraph.start,
            end=end,
            chapter=catalog.chapter_at(paragraph.start).number,
            text=paragraph.text,
        )
        for paragraph, end in zip(paragraphs, ends, strict=True)
    )


def read_paragraphs(path: Path) -> list[Paragraph]:
    """The marker paragraphs of one chapter file, after validating its front matter."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        bad_line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise LectureDataError("not UTF-8 text", path, bad_line) from None
    except OSError as error:
        raise LectureDataError(f"cannot read file ({error.strerror})", path) from None
    lines = text.splitlines()
    body_start = _front_matter_end(lines, path)
    transcript_start = _transcript_start(lines, body_start)
    paragraphs: list[Paragraph] = []
    for number, line in enumerate(lines[transcript_start:], start=transcript_start + 1):
        if match := MARKER.match(line.strip()):
            spoken = match.group(2).strip()
            if spoken:
                paragraphs.append(Paragraph(marker_seconds(match.group(1)), spoken, path, number))
        elif paragraphs and _continues_paragraph(line):
            last = paragraphs[-1]
            if len(last.text) < MAX_PARAGRAPH_CHARS:
                text = f"{last.text} {line.strip()}"
                paragraphs[-1] = Paragraph(last.start, text, path, last.line)
    return [_bounded(paragraph) for paragraph in paragraphs]


def _bounded(paragraph: Paragraph) -> Paragraph:
    """A paragraph cut to MAX_PARAGRAPH_CHARS (with a warning): 30 seconds of speech is about
    500 characters, so anything far longer is a broken or hostile file, and every later step
    (alignment with the captions, links, quotes) works over a paragraph at a time."""
    if len(paragraph.text) <= MAX_PARAGRAPH_CHARS:
        return paragraph
    log.warning(
        "%s:%d: a paragraph of %d characters was cut to %d",
        paragraph.path,
        paragraph.line,
        len(paragraph.text),
        MAX_PARAGRAPH_CHARS,
    )
    return Paragraph(
        paragraph.start, paragraph.text[:MAX_PARAGRAPH_CHARS], paragraph.path, paragraph.line
    )


def _front_matter_end(lines: list[str], path: Path) -> int:
    return read_front_matter(lines, path)[1]


def read_front_matter(lines: list[str], path: Path) -> tuple[dict, int]:
    """A file's YAML front matter and the index of the first line after it;
    LectureDataError (with the line) when it is missing or malformed."""
    if not lines or lines[0].strip() != "---":
        raise LectureDataError("missing YAML front matter (the file must start with ---)", path, 1)
    for number in range(1, len(lines)):
        if lines[number].strip() == "---":
            try:
                front = yaml.safe_load("\n".join(lines[1:number]))
            except yaml.YAMLError as error:
                mark = getattr(error, "problem_mark", None)
                line = mark.line + 2 if mark is not None else 1
                raise LectureDataError("front matter is not valid YAML", path, line) from None
            if not isinstance(front, dict):
                raise LectureDataError("front matter must be a YAML mapping", path, 2)
            return front, number + 1
    raise LectureDataError("front matter is never closed with ---", path, 1)


def _transcript_start(lines: list[str], body_start: int) -> int:
    """Index of the first line after the transcript heading; without one, the whole body."""
    for number in range(body_start, len(lines)):
        if lines[number].strip() == TRANSCRIPT_HEADING:
            return number + 1
    return body_start


def _continues_paragraph(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith(("#", "**", ">", "---", "-", "["))


def _check_order(paragraphs: list[Paragraph], duration: int) -> None:
    previous: Paragraph | None = None
    for paragraph in paragraphs:
        if paragraph.start >= duration:
            raise LectureDataError(
                f"marker at {paragraph.start} s is past the end of the video ({duration} s)",
                paragraph.path,
                paragraph.line,
            )
        if previous is not None and paragraph.start <= previous.start:
            raise LectureDataError(
                f"marker out of order: {paragraph.start} s comes after {previous.start} s"
                f" ({previous.path.name}:{previous.line})",
                paragraph.path,
                paragraph.line,
            )
        previous = paragraph
