"""Passages, the unit of search: the lecture's key moments where it has them, else short
overlapping windows of consecutive segments within one chapter."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from itertools import groupby

from retrieval.lecture import Lecture, Moment, Segment
from retrieval.timing import WordClock


@dataclass(frozen=True, slots=True)
class Passage:
    """Segments `first`..`last` of the lecture, or the span of a key moment (`moment`, from
    its `t` to the next moment's, `spoken` being the caption words of that span). The joined
    text of a window is made when asked for: at 100× the lecture, keeping every window's text
    doubled the transcript's memory."""

    first: int
    last: int
    segments: tuple[Segment, ...]
    moment: Moment | None = None
    moment_end: int = 0
    spoken: str = ""
    lecture: int = 0  # which lecture of the course (first/last count the course's segments)

    @property
    def start(self) -> int:
        return self.moment.t if self.moment else self.segments[0].start

    @property
    def end(self) -> int:
        return self.moment_end if self.moment else self.segments[-1].end

    @property
    def chapter(self) -> int:
        return self.moment.chapter if self.moment else self.segments[0].chapter

    @property
    def text(self) -> str:
        if self.spoken:
            return self.spoken
        return " ".join(segment.text for segment in self.segments)

    @property
    def text_ko(self) -> str:
        return " ".join(segment.text_ko for segment in self.segments if segment.text_ko)

    @property
    def authored(self) -> str:
        """What we wrote about the moment (title and ways to ask, both languages)."""
        if self.moment is None:
            return ""
        return " ".join([self.moment.title, self.moment.title_ko, *self.moment.asks])


def build_passages(
    segments: tuple[Segment, ...], window: int, stride: int, lecture: int = 0, offset: int = 0
) -> list[Passage]:
    """Windows of `window` segments every `stride` segments, never crossing a chapter border
    (so every passage has one chapter); a chapter shorter than the window is one passage.
    `offset` is the number of the course's segments before this lecture's."""
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
        for start in starts:
            low, high = first + start, first + min(count, start + window) - 1
            passages.append(
                Passage(low + offset, high + offset, segments[low : high + 1], lecture=lecture)
            )
        first += count
    return passages


def build_moment_passages(
    lecture: Lecture, clock: WordClock, number: int = 0, offset: int = 0
) -> list[Passage]:
    """One passage per key moment, spanning to the next moment (the last to the video's end):
    the segments it overlaps (for the Korean translation and, without captions, the words)
    and, when the lecture has captions, exactly the words spoken in the span. `number` is the
    lecture's place in the course, `offset` the number of the course's segments before it."""
    moments = lecture.catalog.moments
    segments = lecture.segments
    starts = [segment.start for segment in segments]
    ends = [*(moment.t for moment in moments[1:]), lecture.catalog.duration]
    passages: list[Passage] = []
    for moment, end in zip(moments, ends, strict=True):
        first = max(0, bisect.bisect_right(starts, moment.t) - 1)
        last = max(first, bisect.bisect_left(starts, end) - 1)
        spoken = clock.words_between(moment.t, end) if clock.has_timings else ""
        passages.append(
            Passage(
                first + offset,
                last + offset,
                segments[first : last + 1],
                moment,
                end,
                spoken,
                number,
            )
        )
    return passages
