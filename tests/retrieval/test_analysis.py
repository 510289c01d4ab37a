"""The analyzer: what becomes a term, and that the fast `terms` path agrees with `tokens`."""

from __future__ import annotations

import pytest

from retrieval import analysis
from retrieval.analysis import Analyzer, has_hangul, normalize


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def test_normalize_folds_width_case_and_drops_invisible_characters() -> None:
    assert normalize("ＧＰＴ") == "gpt"
    assert normalize("Tokeni\u200bzation") == "tokenization"
    assert normalize("Straße") == "strasse"
    assert normalize("line\nbreak") == "line break"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Is 9.11 bigger than 9.9?", ["9.11", "bigger", "9.9"]),
        ("Llama 3.1 has 405 billion parameters", ["llama", "3.1", "405", "billion", "paramet"]),
        ("gpt-4o", ["gpt-4o", "gpt", "4o"]),
        ("the network's tokens", ["network", "token"]),
        ("1,000 tokens", ["1,000", "token"]),
    ],
)
def test_english_terms(analyzer: Analyzer, text: str, expected: list[str]) -> None:
    assert analyzer.terms(text) == expected


def test_korean_becomes_overlapping_bigrams(analyzer: Analyzer) -> None:
    assert analyzer.terms("환각은 GPT") == ["환각", "각은", "gpt"]
    assert analyzer.hangul_terms("환각은 GPT") == ["환각", "각은"]
    assert analyzer.terms("뭐") == ["뭐"]


def test_spans_point_at_the_words(analyzer: Analyzer) -> None:
    text = "What is RLHF, Transformers?"
    assert [(t.term, text[t.start : t.end]) for t in analyzer.tokens(text)] == [
        ("rlhf", "RLHF"),
        ("transform", "Transformers"),
    ]


def test_korean_mode_none_keeps_only_english() -> None:
    plain = Analyzer(korean="none")
    assert plain.terms("환각은 hallucination") == ["hallucin"]
    assert plain.hangul_terms("환각은 hallucination") == []


def test_fast_terms_equal_token_terms_on_the_real_lecture(analyzer: Analyzer, real_lecture) -> None:
    """`terms` and `hangul_terms` remember words; they must give exactly what `tokens` does."""
    fresh = Analyzer()
    texts = [s.text for s in real_lecture.segments] + [s.text_ko for s in real_lecture.segments]
    texts += ["Tokeni\u200bzation of ＧＰＴ-4o, 9.11 vs 9.9 — what's 환각이 뭐야?"]
    for text in texts:
        tokens = [t.term for t in fresh.tokens(text)]
        assert analyzer.terms(text) == tokens
        assert analyzer.hangul_terms(text) == [t for t in tokens if has_hangul(t)]


def test_the_word_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analysis, "_MEMO_LIMIT", 10)
    analyzer = Analyzer()
    words = [f"word{n}x" for n in range(25)]
    assert analyzer.terms(" ".join(words)) == words
    assert len(analyzer._word_terms) <= 10


def test_occurrences_are_the_tokens_of_those_terms(analyzer: Analyzer, real_lecture) -> None:
    wanted = {"token", "hallucin", "rlhf", "9.11", "환각", "missing-term"}
    for segment in real_lecture.segments[::7]:
        for text in (segment.text, segment.text_ko):
            expected = [t for t in analyzer.tokens(text) if t.term in wanted]
            found = analyzer.occurrences(text, wanted)
            assert sorted(found, key=lambda t: (t.start, t.end, t.term)) == sorted(
                expected, key=lambda t: (t.start, t.end, t.term)
            )
            assert [t.start for t in found] == sorted(t.start for t in found)


@pytest.mark.parametrize(
    ("noun", "verb"),
    [("categories", "categorize"), ("category", "categorized"), ("memories", "memorize")],
)
def test_a_noun_and_its_ize_verb_share_a_term(analyzer: Analyzer, noun: str, verb: str) -> None:
    assert analyzer.terms(noun) == analyzer.terms(verb) != []


def test_short_words_ending_in_i_keep_their_stem(analyzer: Analyzer) -> None:
    assert analyzer.terms("api wiki multi") == ["api", "wiki", "multi"]
