"""The benchmark's scaled lecture, and BM25Scorer's parity with rank-bm25 at 10× the lecture."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # bench/ is not an installed package
from bench.scaled import scaled_lecture
from retrieval.analysis import Analyzer
from retrieval.evaluate import load_questions
from retrieval.index import SearchConfig
from retrieval.lecture import Lecture
from retrieval.passages import build_passages
from retrieval.scoring import BM25Params, BM25Scorer, reference_model


def test_scaled_lecture_repeats_segments_under_new_times_and_chapters(real_lecture: Lecture):
    scaled = scaled_lecture(real_lecture, 3)
    catalog, original = scaled.catalog, real_lecture.catalog
    count, duration = len(original.chapters), original.duration
    assert len(scaled.segments) == 3 * len(real_lecture.segments)
    assert len(catalog.chapters) == 3 * count and catalog.duration == 3 * duration
    assert [c.number for c in catalog.chapters] == list(range(1, 3 * count + 1))
    third = catalog.chapter(2 * count + 5)
    assert (third.title, third.start) == (original.chapter(5).title, 2 * duration + 20 * 60 + 11)
    for position, segment in enumerate(real_lecture.segments):
        copy = scaled.segments[2 * len(real_lecture.segments) + position]
        assert (copy.text, copy.text_ko) == (segment.text, segment.text_ko)
        assert copy.start == segment.start + 2 * duration
        assert copy.chapter == segment.chapter + 2 * count
        assert catalog.chapter_at(copy.start).number == copy.chapter
    assert scaled_lecture(real_lecture, 1) is real_lecture
    with pytest.raises(ValueError):
        scaled_lecture(real_lecture, 0)


@pytest.mark.parametrize("variant", ["okapi", "bm25plus"])
def test_scorer_matches_rank_bm25_at_ten_times_the_lecture(
    real_lecture: Lecture, shared_questions: Path, variant: str
) -> None:
    config = SearchConfig()
    analyzer = Analyzer(stem=config.stem, stopwords=config.stopwords, korean=config.korean)
    passages = build_passages(scaled_lecture(real_lecture, 10).segments, config.window, 1)
    corpus = [analyzer.terms(p.text) for p in passages]
    assert len(corpus) >= 3900
    params = BM25Params(variant=variant)
    scorer, model = BM25Scorer(corpus, params), reference_model(corpus, params)
    ranked = 0
    for question in load_questions(shared_questions):
        terms = analyzer.terms(question.text)
        expected = model.get_scores(terms)
        ranked += bool(np.ptp(expected) > 0)
        assert np.allclose(scorer.scores(terms), expected), question.text
    assert ranked >= 20  # not a comparison of two arrays of zeros
