"""Whether the lecture really answers a question: how much of the question's ideas the best
passage mentions, the no-match rule on that share, and the chapters closest to the question
to suggest when the answer is weak or missing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

import numpy as np

from retrieval.glossary import QueryTerm
from retrieval.lecture import Chapter
from retrieval.scoring import BM25Scorer


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of a question's ideas a passage mentions: their share by weight, and how many."""

    share: float
    ideas: int


def coverage(mentioned: np.ndarray, weights: np.ndarray) -> Coverage:
    """The coverage of a passage that mentions the ideas `mentioned` (one flag per idea) of a
    question whose ideas weigh `weights`."""
    total = float(weights.sum())
    if total <= 0:
        return Coverage(0.0, 0)
    found = mentioned & (weights > 0)
    return Coverage(float(weights[found].sum()) / total, int(found.sum()))


class Verdict(Enum):
    ANSWERS = "answers"
    WEAK = "weak"  # shown, but said to match only part of the question
    NOT_COVERED = "not covered"  # no hits; the closest chapters are suggested


@dataclass(frozen=True, slots=True)
class NoMatchRule:
    """A passage answers when it mentions at least `min_single_coverage` of the question's
    ideas (by weight), or at least two of them and `min_partial_coverage`. An answer under
    `min_coverage`, or of one idea under `min_single_coverage`, is weak."""

    min_coverage: float
    min_single_coverage: float
    min_partial_coverage: float

    def verdict(self, best: Coverage | None) -> Verdict:
        """The verdict on the coverage of the best passage (None: no passage matched)."""
        if best is None or not self._answers(best):
            return Verdict.NOT_COVERED
        if best.share < self.min_coverage or (
            best.ideas < 2 and best.share < self.min_single_coverage
        ):
            return Verdict.WEAK
        return Verdict.ANSWERS

    def _answers(self, best: Coverage) -> bool:
        if best.share >= self.min_single_coverage:
            return True
        return best.ideas >= 2 and best.share >= self.min_partial_coverage


class ChapterSuggestions:
    """The chapters whose summaries are closest to a question, from BM25 over each chapter's
    title, summary and key points (`scorer`, one document per chapter of `chapters`)."""

    def __init__(self, chapters: Sequence[Chapter], scorer: BM25Scorer):
        self.chapters = chapters
        self.scorer = scorer

    def closest(
        self, terms: list[QueryTerm], limit: int = 3, lecture_id: str | None = None
    ) -> tuple[Chapter, ...]:
        """Up to `limit` chapters (of lecture `lecture_id` when given), best first, that
        match the question better than a chapter without any of its words does."""
        scores = self.scorer.scores([t.term for t in terms], [t.weight for t in terms])
        floor = self.scorer.scores([])[0] if len(scores) else 0.0
        order = [int(i) for i in np.argsort(-scores, kind="stable") if scores[i] > floor + 1e-9]
        chapters = [self.chapters[i] for i in order]
        if lecture_id is not None:
            chapters = [c for c in chapters if c.lecture_id == lecture_id]
        return tuple(chapters[:limit])
