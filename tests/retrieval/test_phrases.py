"""Multi-word glossary spellings as single index terms."""

from __future__ import annotations

import re

import numpy as np
import pytest

from retrieval.analysis import Analyzer
from retrieval.index import Index
from retrieval.phrases import PhraseMatcher, phrase_term


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


@pytest.mark.parametrize(
    ("spelling", "term"),
    [
        ("make stuff up", "make stuff up"),  # stopwords are kept: they are the phrase
        ("Supervised Fine-Tuning", "supervis fine tune"),
        ("GPT 4", "gpt 4"),
        ("hallucination", ""),  # one word is an ordinary term
        ("지어내기", ""),
        ("", ""),
    ],
)
def test_phrase_term(analyzer: Analyzer, spelling: str, term: str) -> None:
    assert phrase_term(analyzer, spelling) == term


def test_phrases_are_found_in_any_form_and_only_together(analyzer: Analyzer) -> None:
    spellings = ["make stuff up", "supervised fine tuning", "token"]
    matcher = PhraseMatcher(analyzer, filter(None, (phrase_term(analyzer, s) for s in spellings)))
    text = "Models MAKE stuff up. Making stuff up again; after supervised fine-tuning it is rarer."
    assert matcher.terms(text) == ["make stuff up", "make stuff up", "supervis fine tune"]
    assert matcher.terms("they make up stuff, supervised learning and fine tuning") == []
    assert PhraseMatcher(analyzer, []).terms(text) == []


def test_a_glossary_phrase_is_its_own_full_weight_spelling(real_index: Index) -> None:
    """A Korean "환각" searches for "make stuff up" as one term, beside its word "make"."""
    terms = real_index.query_terms("환각은 왜 생겨?")
    phrase = [t for t in terms if t.term == "make stuff up"]
    assert len(phrase) == 1 and phrase[0].weight == pytest.approx(1.0)
    words = [t for t in terms if t.term == "make"]
    assert words and words[0].spelling != phrase[0].spelling
    assert words[0].concept == phrase[0].concept


def test_a_phrase_term_matches_exactly_the_passages_that_say_it(real_index: Index) -> None:
    """In the spoken field, the phrase term scores exactly where a moment's words say it."""
    said = re.compile(r"\bmak(e|es|ing)\s+stuff\s+up\b", re.IGNORECASE)
    scores = real_index.scorer.scores(["make stuff up"])
    floor = scores.min()
    expected = [bool(said.search(passage.text)) for passage in real_index.passages]
    assert 0 < sum(expected) < len(expected) // 10
    assert np.array_equal(scores > floor + 1e-9, np.array(expected))
    # "make" alone is said far more often than the phrase.
    assert len(real_index.scorer.postings("make")) > 3 * sum(expected)
