"""The plain data shapes every other part shares: catalog, chapters, segments, the lecture."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from retrieval import timecode

Lang = Literal["en", "ko"]
LANGS: tuple[Lang, ...] = ("en", "ko")
GlossaryKind = Literal["acronym", "korean", "caption"]


@dataclass(frozen=True, slots=True)
class Chapter:
    """One chapter of the catalog; `end` is the next chapter's start (or the video's end)."""

    number: int
    title: str
    title_ko: str
    start: int
    end: int
    summary_en: str
    summary_ko: str
    key_points_en: tuple[str, ...]
    key_points_ko: tuple[str, ...]
    lecture_id: str = ""  # the lecture it belongs to, and that lecture's video
    video_id: str = ""

    @property
    def duration(self) -> int:
        return self.end - self.start

    @property
    def url(self) -> str:
        """A link to where the chapter starts."""
        return timecode.deep_link(self.video_id, self.start)

    def display_title(self, lang: Lang = "en") -> str:
        return self.title_ko if lang == "ko" else self.title

    def summary(self, lang: Lang = "en") -> str:
        return self.summary_ko if lang == "ko" else self.summary_en

    def key_points(self, lang: Lang = "en") -> tuple[str, ...]:
        return self.key_points_ko if lang == "ko" else self.key_points_en


@dataclass(frozen=True, slots=True)
class SynonymGroup:
    """Words that mean the same thing to a student: an acronym and its expansion, a Korean term
    and its English one, or a name and the ways the auto-captions misspell it."""

    kind: GlossaryKind
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Moment:
    """A key moment: where the lecture starts explaining something (`t`, seconds), what it
    explains (English and Korean) and the ways a student would ask for it. Written by us."""

    t: int
    chapter: int
    title: str
    title_ko: str
    asks: tuple[str, ...]
    # A question posed here (a host's, in a conversation) that the next moment answers: a
    # link to it lands where the answer starts.
    question: bool = False

    def display_title(self, lang: Lang = "en") -> str:
        return self.title_ko if lang == "ko" else self.title


@dataclass(frozen=True, slots=True)
class Catalog:
    """The lecture's facts and our own summaries, loaded from `chapters/<lecture>.yaml`."""

    lecture_id: str
    video_id: str
    title: str
    title_ko: str
    author: str
    duration: int
    chapters: tuple[Chapter, ...]
    glossary: tuple[SynonymGroup, ...] = ()
    moments: tuple[Moment, ...] = ()

    def chapter_moments(self, number: int) -> tuple[Moment, ...]:
        """The key moments of chapter `number`, in time order (none when not written)."""
        return tuple(moment for moment in self.moments if moment.chapter == number)

    def chapter(self, number: int) -> Chapter:
        """The chapter with that number; KeyError when there is none."""
        if 1 <= number <= len(self.chapters):
            return self.chapters[number - 1]
        raise KeyError(number)

    def chapter_at(self, seconds: float) -> Chapter:
        """The chapter playing at `seconds`, decided by the catalog's start times alone."""
        position = bisect.bisect_right(self.chapters, seconds, key=_start) - 1
        return self.chapters[max(0, position)]

    def url(self, seconds: float) -> str:
        return timecode.deep_link(self.video_id, seconds)

    @property
    def video_url(self) -> str:
        return f"https://www.youtube.com/watch?v={self.video_id}"


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of the transcript with its time: a 30-second paragraph of the seed files."""

    start: int
    end: int
    chapter: int
    text: str
    text_ko: str = ""


@dataclass(frozen=True, slots=True)
class Cue:
    """A caption cue: words spoken from `start` to `end` (seconds, sub-second precision)."""

    start: float
    end: float
    text: str


@dataclass(frozen=True, slots=True)
class Lecture:
    """A catalog plus the timed transcript it describes."""

    catalog: Catalog
    segments: tuple[Segment, ...]
    source: Path | None = None
    # A tuple, or the cues of a cached lecture, each made when asked for (lecture_cache).
    cues: Sequence[Cue] = field(default=())
    # A digest of the files and options the transcript was derived from (the key of
    # retrieval/lecture_cache.py); "" for a lecture made in memory.
    version: str = ""

    def segment_at(self, seconds: float) -> Segment | None:
        """The segment being spoken at `seconds`, or None past the transcript's end."""
        position = bisect.bisect_right(self.segments, seconds, key=_start) - 1
        if position < 0:
            return None
        segment = self.segments[position]
        return segment if seconds < segment.end else None

    @property
    def has_korean(self) -> bool:
        return any(segment.text_ko for segment in self.segments)


def _start(item: Chapter | Segment) -> float:
    return item.start
