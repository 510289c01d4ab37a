"""Passages: short overlapping windows of consecutive segments within one chapter."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from retrieval.lecture import Segment


@dataclass(frozen=True, slots=True)
class Passage:
    """`window` segments joined; `offsets[i]` is where segment `first + i` begins in `text`."""

    first: int
    last: int
    start: int
    end: int
    chapter: int
    text: str
    offsets: tuple[int, ...]
    text_ko: str
    offsets_ko: tuple[int, ...]


def build_passages(segments: tuple[Segment, ...], window: int, stride: int) -> list[Passage]:
    """Windows of `window` segments every `stride` segments, never crossing a chapter border
    (so every passage has one chapter); a chapter shorter than the window is one passage."""
    if window < 1 or stride < 1:
        raise ValueError("window and stride must be at least 1")
    passages: list[Passage] = []
    indexed = list(enumerate(segments))
    for _, group in groupby(indexed, key=lambda pair: pair[1].chapter):
        members = list(group)
        last_start = max(0, len(members) - window)
        starts = list(range(0, last_start + 1, stride))
        if starts[-1] != last_start:
            starts.append(last_start)
        for offset in starts:
            passages.append(_join(members[offset : offset + window]))
    return passages


def _join(members: list[tuple[int, Segment]]) -> Passage:
    text, offsets = _concatenate([segment.text for _, segment in members])
    text_ko, offsets_ko = _concatenate([segment.text_ko for _, segment in members])
    first_index, first = members[0]
    last_index, last = members[-1]
    return Passage(
        first=first_index,
        last=last_index,
        start=first.start,
        end=last.end,
        chapter=first.chapter,
        text=text,
        offsets=offsets,
        text_ko=text_ko,
        offsets_ko=offsets_ko,
    )


def _concatenate(parts: list[str]) -> tuple[str, tuple[int, ...]]:
    offsets, position = [], 0
    for part in parts:
        offsets.append(position)
        position += len(part) + 1
    return " ".join(parts), tuple(offsets)
