"""Where a hit's link lands: the second of the lecture a question is sent to.

A key moment links to its own start, unless the question's words are spoken well into it.
A window of paragraphs links into its best-matching paragraph: at the second its matched
words are spoken (caption timings), at the paragraph's start, or at a time estimated from
the words' place in the text, as `LinkTiming` says.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum

import numpy as np

from retrieval.analysis import Analyzer, Token, has_hangul
from retrieval.glossary import QueryTerm
from retrieval.lecture import Lecture
from retrieval.passage_terms import SpokenTerms
from retrieval.passages import Passage
from retrieval.timing import WordClock

CLUSTER_CHARS = 240  # about 15 seconds of speech: the stretch a link should start
CLUSTER_SECONDS = 15.0


class LinkTiming(StrEnum):
    """Where a link lands inside the best-matching paragraph of a window."""

    CAPTION = "caption"  # the second its matched words are spoken (else the paragraph start)
    SEGMENT = "segment"  # the paragraph's start
    WORD = "word"  # interpolated by the matched words' character position


class LinkPlacer:
    """The link of every passage for a question, from the lectures' paragraphs and caption
    timings and each key moment's spoken terms."""

    def __init__(
        self,
        lectures: Sequence[Lecture],
        clocks: Sequence[WordClock],
        passages: Sequence[Passage],
        analyzer: Analyzer,
        spoken_terms: SpokenTerms,
        *,
        timing: LinkTiming,
        lead_in: int,
        late_link: int,
    ):
        """`lead_in`: seconds a link starts before the matched words. `late_link`: a key
        moment's link moves to where the question's words are spoken when that is at least
        this many seconds after the moment starts (0: always the moment's start)."""
        self.lectures = lectures
        self.clocks = clocks
        self.passages = passages
        self.analyzer = analyzer
        self.spoken_terms = spoken_terms
        self.timing = timing
        self.lead_in = lead_in
        self.late_link = late_link
        # The course's paragraphs, one lecture after the other (passages number them so).
        self.segments = tuple(s for lecture in lectures for s in lecture.segments)
        self._segment_lectures = np.repeat(
            np.arange(len(lectures)), [len(lecture.segments) for lecture in lectures]
        )

    def links(
        self,
        terms: list[QueryTerm],
        idf: Callable[[str], float],
        segment_scores: np.ndarray | None,
    ) -> Callable[[int], int]:
        """The second each passage (by position) links to for a question of `terms`, whose
        words weigh by `idf`. `segment_scores`: the question's score in every paragraph, to
        find a window's best one (None when the index has no windows)."""
        moment_link = self._moment_links(terms, idf)
        if segment_scores is None:
            return moment_link
        window_link = self._window_links(terms, idf, segment_scores)

        def link(position: int) -> int:
            if self.passages[position].moment is not None:
                return moment_link(position)
            return window_link(position)

        return link

    def warm(self) -> None:
        """Do now what the first questions would otherwise pay for: every moment's spoken
        terms, and the caption alignment of every lecture searched by windows."""
        windowed: set[int] = set()
        for position, passage in enumerate(self.passages):
            if passage.moment is None:
                windowed.add(passage.lecture)
            elif self.clocks[passage.lecture].has_timings:
                self.spoken_terms.times(position)
        for number in sorted(windowed):
            self.clocks[number].align_all()

    def _moment_links(
        self, terms: list[QueryTerm], idf: Callable[[str], float]
    ) -> Callable[[int], int]:
        """A key moment's link is its own second, where the explanation starts (a question's:
        where its answer starts); unless the question's words are spoken well into the
        moment, then the link goes there."""
        late = self.late_link
        if not late:
            return lambda position: _moment_start(self.passages[position])
        weights = {t.term: t.weight * idf(t.term) for t in terms if not has_hangul(t.term)}

        def link(position: int) -> int:
            passage = self.passages[position]
            question = passage.moment is not None and passage.moment.question
            if question or not self.clocks[passage.lecture].has_timings:
                return _moment_start(passage)
            spoken = _densest_time(self.spoken_terms.times(position), weights)
            if spoken is None or spoken - passage.start < late:
                return passage.start
            return int(spoken) - self.lead_in

        return link

    def _window_links(
        self, terms: list[QueryTerm], idf: Callable[[str], float], segment_scores: np.ndarray
    ) -> Callable[[int], int]:
        """Where the link of each window passage lands: in its best-matching segment, at the
        second the matched words are spoken (neighbouring windows share segments, so each
        segment's link is computed once)."""
        link_weights = {t.term: t.weight * idf(t.term) for t in terms}
        links: dict[int, int] = {}

        def link(position: int) -> int:
            best = _best_segment(self.passages[position], segment_scores)
            if best not in links:
                links[best] = self._link_time(best, link_weights)
            return links[best]

        return link

    def _link_time(self, best: int, weights: dict[str, float]) -> int:
        """Where a link into segment `best` lands: its start, or where the densest stretch of
        matched English words starts."""
        segment = self.segments[best]
        clock = self.clocks[int(self._segment_lectures[best])]
        use_captions = self.timing is LinkTiming.CAPTION and clock.has_timings
        if self.timing is not LinkTiming.WORD and not use_captions:
            return segment.start
        matched = self.analyzer.occurrences(segment.text, weights)
        if not matched:
            return segment.start
        start = _densest_start(matched, weights)
        if use_captions:  # the second the words are spoken, a short lead-in before
            # A link never leaves the paragraph that matched: letting it run the second or
            # two ahead that captions sometimes do measured worse.
            spoken = clock.time_of(segment, start) - self.lead_in
            return self._within_chapter(best, min(max(spoken, segment.start), segment.end - 1))
        return self._within_chapter(best, self._time_in_segment(best, start))

    def _within_chapter(self, segment_index: int, seconds: int) -> int:
        """A paragraph that starts just before a chapter boundary may say the matched words
        after it; the link stays in the chapter the hit reports (and a chapter filter asked for)."""
        segment = self.segments[segment_index]
        catalog = self.lectures[int(self._segment_lectures[segment_index])].catalog
        return min(seconds, catalog.chapter(segment.chapter).end - 1)

    def _time_in_segment(self, segment_index: int, char_offset: int) -> int:
        segment = self.segments[segment_index]
        share = char_offset / max(1, len(segment.text))
        estimate = segment.start + share * (segment.end - segment.start) - self.lead_in
        return max(segment.start, int(estimate))


def _moment_start(passage: Passage) -> int:
    """Where a key moment's link lands before any look at its words: its own second, or, for
    a question (a host's), where the next moment starts answering it."""
    if passage.moment is not None and passage.moment.question:
        return passage.end
    return passage.start


def _best_segment(passage: Passage, segment_scores: np.ndarray) -> int:
    """The segment of the window that matches the query best."""
    return passage.first + int(np.argmax(segment_scores[passage.first : passage.last + 1]))


def _densest_start(tokens: list[Token], weights: dict[str, float]) -> int:
    """Start offset of the window of CLUSTER_CHARS holding the most distinct query weight."""
    best_start, best_weight = tokens[0].start, -1.0
    for i, first in enumerate(tokens):
        seen: set[str] = set()
        total = 0.0
        for token in tokens[i:]:
            if token.start - first.start > CLUSTER_CHARS:
                break
            if token.term not in seen:
                seen.add(token.term)
                total += weights[token.term]
        if total > best_weight + 1e-9:
            best_start, best_weight = first.start, total
    return best_start


def _densest_time(term_times: dict[str, list[float]], weights: dict[str, float]) -> float | None:
    """When the CLUSTER_SECONDS of speech holding the most distinct query weight starts (the
    earliest such stretch), or None when no word matches."""
    matched = sorted(
        (time, term) for term in weights.keys() & term_times.keys() for time in term_times[term]
    )
    best_time, best_weight = None, 0.0
    for i, (first, _) in enumerate(matched):
        seen: set[str] = set()
        total = 0.0
        for time, term in matched[i:]:
            if time - first > CLUSTER_SECONDS:
                break
            if term not in seen:
                seen.add(term)
                total += weights[term]
        if total > best_weight + 1e-9:
            best_time, best_weight = first, total
    return best_time
