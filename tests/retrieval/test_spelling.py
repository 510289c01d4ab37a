"""Typos in questions are searched as the lecture's closest word."""

from __future__ import annotations

from retrieval.index import Index
from retrieval.spelling import SpellingCorrector

TEXT = "tokenization splits text into tokens; hallucination is when models make things up"


def test_unknown_words_are_corrected_and_known_ones_kept() -> None:
    corrector = SpellingCorrector([TEXT])
    never_known = lambda word: False  # noqa: E731 - only the corrector's own words count
    assert corrector.correct("what is tokenizaton", never_known) == "what is tokenization"
    assert corrector.correct("hallucinaton?", never_known) == "hallucination?"
    # Too far from any word, too short, or not English: left alone.
    assert corrector.correct("what is photosynthesis", never_known) == "what is photosynthesis"
    assert corrector.correct("tokn", never_known) == "tokn"
    assert corrector.correct("환각이 뭐야", never_known) == "환각이 뭐야"


def test_a_word_the_index_knows_is_never_changed() -> None:
    corrector = SpellingCorrector([TEXT])
    assert corrector.correct("tokenizers", lambda word: word == "tokenizers") == "tokenizers"


def test_a_typo_finds_what_the_right_spelling_finds(real_index: Index) -> None:
    right = [hit.start for hit in real_index.search("what is a hallucination", k=3)]
    assert [hit.start for hit in real_index.search("what is a hallucinaton", k=3)] == right
    assert real_index.answer("whats a halucination").found
