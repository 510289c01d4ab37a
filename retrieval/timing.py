"""Second-precise times inside a segment, from the caption cues kept beside the transcript.

A segment is a 30-second paragraph; the captions say when each word was spoken. `WordClock`
aligns a segment's words with the caption words spoken around it (difflib over normalised
words, so a transcript from another source still lines up) and answers "when is the word at
this character said?" and "what is being said at this second?".

The caption words are laid out by time on first use (about 20 ms for a 3.5-hour lecture);
each segment is aligned the first time it is asked about and cached, after which `time_of` is
a binary search.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property

from retrieval.lecture import Lecture, Segment
from retrieval.sources.alignment import normalise_word

WINDOW_MARGIN = 15.0  # seconds of captions looked at before and after a segment
MIN_MATCHED_SHARE = 0.3  # below this share of aligned words a segment keeps its own start
QUOTE_SECONDS = 6.0  # how much speech `quote_at` returns
QUOTE_FALLBACK_WORDS = 16
_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class _SegmentTimes:
    offsets: tuple[int, ...]  # character offset of each word of the segment text
    times: tuple[float, ...]  # when each of those words is spoken


class WordClock:
    """When words of the lecture's segments are spoken, from `lecture.cues`."""

    def __init__(self, lecture: Lecture):
        self.lecture = lecture
        self._cues = lecture.cues
        self._cache: dict[Segment, _SegmentTimes | None] = {}

    @cached_property
    def _cue_starts(self) -> list[float]:
        return [cue.start for cue in self._cues]

    @cached_property
    def _spoken(self) -> tuple[list[float], list[str]]:
        """Every caption word and when it is spoken, in order. Laid out on first use, so that
        building an index that may never place a link by captions does not pay for it."""
        times: list[float] = []
        words: list[str] = []
        latest = 0.0
        for cue in self._cues:
            parts = cue.text.split()
            if len(parts) == 1:  # word cue: exact time
                latest = max(latest, cue.start)
                times.append(latest)
                words.append(parts[0])
                continue
            span, length = max(0.0, cue.end - cue.start), max(1, len(cue.text))
            for match in _TOKEN.finditer(cue.text):  # line cue: spread over its time
                latest = max(latest, cue.start + span * match.start() / length)
                times.append(latest)
                words.append(match.group())
        return times, words

    @cached_property
    def has_timings(self) -> bool:
        """Whether any caption word is timed: some cue has a word (known without laying out
        every word, which a loaded index may never need)."""
        return any(cue.text and not cue.text.isspace() for cue in self._cues)

    def words_between(self, start: float, end: float) -> str:
        """The caption words spoken from `start` up to (not including) `end`."""
        return " ".join(self.timed_words(start, end)[1])

    def timed_words(self, start: float, end: float) -> tuple[list[float], list[str]]:
        """The caption words spoken from `start` up to `end`, and when each is spoken."""
        times, words = self._spoken
        lo, hi = bisect.bisect_left(times, start), bisect.bisect_left(times, end)
        return times[lo:hi], words[lo:hi]

    def align_all(self) -> None:
        """Align every segment now (about 85 ms for the real lecture) so that no search pays
        for it later."""
        if self.has_timings:
            for segment in self.lecture.segments:
                self._segment_times(segment)

    def time_of(self, segment: Segment, char_offset: int) -> int:
        """Whole seconds at which the word at `char_offset` of `segment.text` is spoken;
        `segment.start` when there are no captions or they do not match the segment."""
        timed = self._segment_times(segment)
        if timed is None:
            return segment.start
        position = max(0, bisect.bisect_right(timed.offsets, char_offset) - 1)
        return max(0, int(timed.times[position]))

    def quote_at(self, seconds: float) -> str:
        """What is being said from `seconds` on (about six seconds of speech)."""
        if self._cues:
            first = max(0, bisect.bisect_right(self._cue_starts, seconds) - 1)
            if self._cues[first].end <= seconds:
                first += 1
            last = bisect.bisect_left(self._cue_starts, seconds + QUOTE_SECONDS, lo=first)
            texts = [cue.text for cue in self._cues[first : max(last, first + 1)]]
            if texts:
                return " ".join(" ".join(texts).split())
        return self._segment_quote(seconds)

    def _segment_quote(self, seconds: float) -> str:
        segment = self.lecture.segment_at(seconds)
        if segment is None:
            return ""
        words = segment.text.split()
        share = (seconds - segment.start) / max(1, segment.end - segment.start)
        begin = min(max(0, int(share * len(words))), max(0, len(words) - QUOTE_FALLBACK_WORDS))
        return " ".join(words[begin : begin + QUOTE_FALLBACK_WORDS])

    def _segment_times(self, segment: Segment) -> _SegmentTimes | None:
        if segment not in self._cache:
            self._cache[segment] = self._align(segment) if self.has_timings else None
        return self._cache[segment]

    def _align(self, segment: Segment) -> _SegmentTimes | None:
        tokens = [(m.start(), normalise_word(m.group())) for m in _TOKEN.finditer(segment.text)]
        tokens = [(offset, norm) for offset, norm in tokens if norm]
        if not tokens:
            return None
        spoken_times, spoken_words = self._spoken
        lo = bisect.bisect_left(spoken_times, segment.start - WINDOW_MARGIN)
        hi = bisect.bisect_right(spoken_times, segment.end + WINDOW_MARGIN)
        caption_words = [normalise_word(word) for word in spoken_words[lo:hi]]
        matcher = SequenceMatcher(None, [norm for _, norm in tokens], caption_words, False)
        known: dict[int, float] = {}
        for block in matcher.get_matching_blocks():
            for k in range(block.size):
                known[block.a + k] = spoken_times[lo + block.b + k]
        if len(known) < MIN_MATCHED_SHARE * len(tokens):
            return None
        return _SegmentTimes(
            offsets=tuple(offset for offset, _ in tokens),
            times=tuple(_fill_gaps(known, len(tokens))),
        )


def _fill_gaps(known: dict[int, float], count: int) -> list[float]:
    """Times for every word: aligned words keep theirs, the others are interpolated between
    their aligned neighbours (or take the nearest one at the edges)."""
    anchors = sorted(known)
    times: list[float] = []
    for index in range(count):
        if index in known:
            times.append(known[index])
            continue
        after = bisect.bisect_left(anchors, index)
        before_index = anchors[after - 1] if after > 0 else None
        after_index = anchors[after] if after < len(anchors) else None
        if before_index is None:
            times.append(known[after_index])  # type: ignore[index]
        elif after_index is None:
            times.append(known[before_index])
        else:
            share = (index - before_index) / (after_index - before_index)
            start, end = known[before_index], known[after_index]
            times.append(start + (end - start) * share)
    return times
