"""Read a Korean translation keyed by the same `[m:ss]` markers (`translation-ko.md`).

Community data with defects: paragraphs may be missing, repeated, out of order, drift away
from the English they translate, or carry markers past the video's end. Each paragraph is
placed at the English paragraph it translates (`translation_alignment`); defects are logged
and never stop loading.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from retrieval.errors import LectureDataError
from retrieval.lecture import Segment, SynonymGroup
from retrieval.sources.markers import MARKER, marker_seconds
from retrieval.sources.seed import MAX_PARAGRAPH_CHARS, read_front_matter
from retrieval.sources.translation_alignment import Anchors, place_paragraphs
from retrieval.timecode import format_time

TRANSLATION_FILE = "translation-ko.md"
log = logging.getLogger(__name__)


# Front matter flag of translations whose markers come from the English captions' own
# timings (our YouTube import writes it): exact, so they are not realigned.
EXACT_MARKERS = "exactMarkers"


def read_translated_paragraphs(path: Path) -> list[tuple[int, str]]:
    """The translation's `(marker second, text)` paragraphs, in file order."""
    return _paragraphs(_lines(path))


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise LectureDataError("translation is not UTF-8 text", path) from None


def _has_exact_markers(lines: list[str], path: Path) -> bool:
    """Whether the front matter says `exactMarkers: true`; no or broken front matter: no
    (a community translation needs none)."""
    try:
        front, _ = read_front_matter(lines, path)
    except LectureDataError:
        return False
    return front.get(EXACT_MARKERS) is True


def _paragraphs(lines: list[str]) -> list[tuple[int, str]]:
    """Each marked line's (second, text), the text cut to MAX_PARAGRAPH_CHARS."""
    return [
        (marker_seconds(match.group(1)), match.group(2).strip()[:MAX_PARAGRAPH_CHARS])
        for line in lines
        if (match := MARKER.match(line.strip())) and match.group(2).strip()
    ]


def attach_translation(
    segments: tuple[Segment, ...],
    path: Path,
    glossary: Sequence[SynonymGroup] = (),
    *,
    realign: bool = True,
) -> tuple[Segment, ...]:
    """Segments with `text_ko` filled from the translation: each paragraph goes to the
    segment it translates (by its marker alone when `realign` is off or the file says its
    markers are exact); several paragraphs at one segment are joined in file order."""
    lines = _lines(path)
    realign = realign and not _has_exact_markers(lines, path)
    return place_translation(segments, _paragraphs(lines), glossary, realign=realign, source=path)


def place_translation(
    segments: tuple[Segment, ...],
    paragraphs: list[tuple[int, str]],
    glossary: Sequence[SynonymGroup] = (),
    *,
    realign: bool = True,
    source: Path,
) -> tuple[Segment, ...]:
    """Segments with `text_ko` from `(marker second, text)` paragraphs in file order: each at
    the segment it translates (by what the two share), or at its marker without `realign`."""
    starts = [segment.start for segment in segments]
    markers = [_holding(second, starts, segments) for second, _ in paragraphs]
    if realign:
        placed = place_paragraphs(paragraphs, segments, Anchors(glossary))
    else:
        placed = tuple(markers)
    _report(source, paragraphs, markers, placed, segments)
    korean: dict[int, list[str]] = {}
    for (_, text), at in zip(paragraphs, placed, strict=True):
        if at is not None:
            korean.setdefault(at, []).append(text)
    return tuple(
        replace(segment, text_ko=" ".join(korean[i])) if i in korean else segment
        for i, segment in enumerate(segments)
    )


def _holding(second: int, starts: list[int], segments: Sequence[Segment]) -> int | None:
    """The index of the segment being spoken at `second`, None past the last one."""
    position = bisect.bisect_right(starts, second) - 1
    if position < 0 or second >= segments[-1].end:
        return None
    return position


def _report(
    path: Path,
    paragraphs: list[tuple[int, str]],
    markers: list[int | None],
    placed: Sequence[int | None],
    segments: tuple[Segment, ...],
) -> None:
    dropped = [second for (second, _), at in zip(paragraphs, placed, strict=True) if at is None]
    if dropped:
        log.warning(
            "%s: %d Korean paragraph(s) match no English paragraph (the first is marked %d s,"
            " %s); they are skipped",
            path,
            len(dropped),
            dropped[0],
            format_time(dropped[0]),
        )
    moved = [
        (second, segments[at].start)
        for (second, _), marker, at in zip(paragraphs, markers, placed, strict=True)
        if at is not None and at != marker
    ]
    if moved:
        shift = max(abs(second - start) for second, start in moved)
        log.warning(
            "%s: %d Korean paragraph(s) were placed away from their marker, by what they share"
            " with the English (the furthest by %s)",
            path,
            len(moved),
            format_time(shift),
        )
    missing = len(segments) - len({at for at in placed if at is not None})
    if missing:
        log.info("%s: %d paragraph(s) have no Korean translation", path, missing)
