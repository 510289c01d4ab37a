"""Search a course of several lectures: each lecture ranked on its own, the lectures weighed
on one scale.

Two measured facts shape it (docs/retrieval.md). One BM25 index over every lecture puts all
moments on one scale, but its shared statistics reorder each lecture's own moments: the first
lecture's dev-set English hit@1 fell 0.839 → 0.821 and its Korean 0.825 → 0.750 beside the
other two lectures. Separate indexes keep each lecture's ranking exactly, but their scores
are not comparable: raw merging answered course questions from the wrong lecture (English
hit@1 0.82 → 0.65). So each lecture keeps its own index for the order of its moments, and
the shared index only says how strongly each lecture answers: a lecture's moments count at
their share of their lecture's best score, times that lecture's best score in the shared
index as a share of the best lecture's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from retrieval.course import Course
from retrieval.errors import QueryError
from retrieval.index import Index, SearchConfig, check_query
from retrieval.index_cache import cached_index
from retrieval.passages import Passage
from retrieval.results import Answer, Hit


@dataclass(frozen=True, slots=True)
class _Candidate:
    weight: float
    part: int
    hit: Hit


class CourseIndex:
    """The `Index` interface over a course of several lectures."""

    def __init__(self, course: Course, config: SearchConfig | None = None):
        config = config if config is not None else SearchConfig()
        self.course = course
        self.lectures = course.lectures
        self.lecture = course.default
        self.catalog = self.lecture.catalog
        self.config = config
        # Each index is loaded from the cache when it was built before (retrieval/index_cache.py).
        self.parts = tuple(cached_index(lecture, config) for lecture in course.lectures)
        self.shared = cached_index(course, config)
        self.clock = self.parts[0].clock

    @property
    def passages(self) -> list[Passage]:
        return self.shared.passages

    def warm(self) -> None:
        for part in self.parts:
            part.warm()

    def search(
        self, query: str, k: int = 3, chapter: int | None = None, lecture: str | None = None
    ) -> list[Hit]:
        """The `k` best moments of the course (of `lecture` when named; a chapter is the
        named lecture's, else the first one's)."""
        if lecture is not None or chapter is not None:
            return self._part(lecture).search(query, k, chapter)
        text = check_query(query)
        terms = self.shared.query_terms(text)  # the QueryError every index would raise
        return list(self._merge(text, k, self._lecture_weights(self.shared.ranking_scores(terms))))

    def answer(
        self, query: str, k: int = 3, chapter: int | None = None, lecture: str | None = None
    ) -> Answer:
        """Like `search`, but "not covered" when the course does not really answer. That is
        decided in the shared index, where every lecture counts on one scale: asked lecture by
        lecture, three lectures gave an off-topic question three chances to be taken. One
        ranking of the shared index gives both the verdict and the lectures' weights."""
        if lecture is not None or chapter is not None:
            return self._part(lecture).answer(query, k, chapter)
        text = check_query(query)
        terms = self.shared.query_terms(text)
        scores = self.shared.ranking_scores(terms)
        verdict = self.shared.verdict(terms, scores)
        return self.shared.answer_of(
            query, terms, verdict, lambda: self._merge(text, k, self._lecture_weights(scores))
        )

    def matches(self, query: str, lecture: str | None = None) -> list[tuple[int, float]]:
        """`Index.matches` in the lecture's own index (the one that orders its moments in an
        answer); without `lecture`, in the lecture of the course answer's first hit."""
        if lecture is None:
            first = self.search(query, 1)
            if not first:
                return []
            lecture = first[0].lecture
        return self._part(lecture).matches(query)

    def _merge(self, text: str, k: int, weights: list[float]) -> tuple[Hit, ...]:
        """Every lecture's hits in one ranking: each at its share of its lecture's best
        score, times the lecture's weight."""
        candidates = []
        for number, part in enumerate(self.parts):
            try:
                hits = part.search(text, k)
            except QueryError:  # none of the question's words is searchable in this lecture
                continue
            candidates += [
                _Candidate(weights[number] * hit.score / max(hits[0].score, 1e-9), number, hit)
                for hit in hits
            ]
        candidates.sort(key=lambda candidate: -candidate.weight)
        return tuple(replace(c.hit, rank=rank) for rank, c in enumerate(candidates[:k], 1))

    def _part(self, lecture: str | None) -> Index:
        number = self.shared.lecture_number(lecture)
        return self.parts[0 if number is None else number]

    def _lecture_weights(self, scores: np.ndarray) -> list[float]:
        """Each lecture's best score in the shared index (`scores`, its ranking of the
        question), as a share of the best lecture's."""
        lectures = self.shared.passage_lectures
        best = [
            float(scores[lectures == number].max()) if (lectures == number).any() else 0.0
            for number in range(len(self.parts))
        ]
        top = max(best)
        return [b / top if top > 0 else 1.0 for b in best]


def build_index(course: Course, config: SearchConfig | None = None) -> Index | CourseIndex:
    """One lecture's `Index`, or a `CourseIndex` over several."""
    config = config if config is not None else SearchConfig()
    if len(course.lectures) == 1:
        return cached_index(course, config)
    return CourseIndex(course, config)
