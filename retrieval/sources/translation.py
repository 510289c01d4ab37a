"""Read a Korean translation keyed by the same `[m:ss]` markers (`translation-ko.md`).

Community data with defects: paragraphs may be missing, repeated, out of order, or carry
markers past the video's end. Those are tolerated with one warning; they never stop loading.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from retrieval.errors import LectureDataError
from retrieval.lecture import Segment
from retrieval.sources.markers import MARKER, marker_seconds

TRANSLATION_FILE = "translation-ko.md"
log = logging.getLogger(__name__)


def read_translation(path: Path) -> dict[int, str]:
    """Korean text by marker second; repeated markers are joined in file order."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise LectureDataError("translation is not UTF-8 text", path) from None
    by_start: dict[int, list[str]] = {}
    for line in lines:
        if (match := MARKER.match(line.strip())) and match.group(2).strip():
            by_start.setdefault(marker_seconds(match.group(1)), []).append(match.group(2).strip())
    return {start: " ".join(parts) for start, parts in by_start.items()}


def attach_translation(segments: tuple[Segment, ...], path: Path) -> tuple[Segment, ...]:
    """Segments with `text_ko` filled from the translation where it has their marker."""
    korean = read_translation(path)
    starts = {segment.start for segment in segments}
    unmatched = sorted(start for start in korean if start not in starts)
    if unmatched:
        log.warning(
            "%s: %d Korean paragraph(s) have no English paragraph at their marker (first at"
            " %d s); they are skipped",
            path,
            len(unmatched),
            unmatched[0],
        )
    missing = sum(1 for segment in segments if segment.start not in korean)
    if missing:
        log.info("%s: %d paragraph(s) have no Korean translation", path, missing)
    return tuple(
        replace(segment, text_ko=korean[segment.start]) if segment.start in korean else segment
        for segment in segments
    )
