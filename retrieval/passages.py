"""Passages: short overlapping windows of consecutive segments within one chapter."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from retrieval.lecture import Segment


@dataclass(frozen=True, slots=True)
class Passage:
    """Segments `first`..`last` of the lecture. The joined text is made when asked for: at
    100× the lecture, keeping every window's text doubled the transcript's memory."""

    first: int
    last: int
    segments: tuple[Segment, ...]

    @property
    def start(self) -> int:
        return self.segments[0].start

    @property
    def end(self) -> int:
        return self.segments[-1].end

    @property
    def chapter(self) -> int:
        return self.segments[0].chapter

    @property
    def text(self) -> str:
        return " ".join(segment.text for segment in self.segments)

    @property
    def text_ko(self) -> str:
        return " ".join(segment.text_ko for segment in self.segments if segment.text_ko)


def build_passages(segments: tuple[Segment, ...], window: int, stride: int) -> list[Passage]:
    """Windows of `window` segments every `stride` segments, never crossing a chapter border
    (so every passage has one chapter); a chapter shorter than the window is one passage."""
    if window < 1 or stride < 1:
        raise ValueError("window and stride must be at least 1")
    passages: list[Passage] = []
    first = 0
    for _, group in groupby(segments, key=lambda segment: segment.chapter):
        count = len(list(group))
        last_start = max(0, count - window)
        starts = list(range(0, last_start + 1, stride))
        if starts[-1] != last_start:
            starts.append(last_start)
        for offset in starts:
            low, high = first + offset, first + min(count, offset + window) - 1
            passages.append(Passage(low, high, segments[low : high + 1]))
        first += count
    return passages
