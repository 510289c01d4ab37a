"""The retriever's settings: string knobs are enums, given as a string or a member, and an
unknown value is refused by the knob's name; the no-match rule on a passage's coverage."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from retrieval.analysis import KoreanTerms
from retrieval.course import Course
from retrieval.glossary import KoreanStems
from retrieval.index_cache import index_key
from retrieval.lecture import Lecture
from retrieval.links import LinkTiming
from retrieval.scoring import BM25Params, BM25Variant
from retrieval.search_config import SearchConfig
from retrieval.verdict import Coverage, NoMatchRule, Verdict, coverage


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: SearchConfig(link="captions"),
            "SearchConfig.link must be one of 'caption', 'segment', 'word', not 'captions'",
        ),
        (
            lambda: SearchConfig(korean="bigrams"),
            "SearchConfig.korean must be one of 'bigram', 'morpheme', 'both', 'none', "
            "not 'bigrams'",
        ),
        (
            lambda: SearchConfig(korean_stems=None),
            "SearchConfig.korean_stems must be one of 'rules', 'kiwi', not None",
        ),
        (
            lambda: replace(SearchConfig(), link=KoreanStems.KIWI),
            "SearchConfig.link must be one of 'caption', 'segment', 'word', not "
            "<KoreanStems.KIWI: 'kiwi'>",
        ),
        (
            lambda: BM25Params(variant="bm25+"),
            "BM25Params.variant must be one of 'okapi', 'bm25l', 'bm25plus', not 'bm25+'",
        ),
        (
            lambda: SearchConfig(bm25=BM25Params(variant=3)),
            "BM25Params.variant must be one of 'okapi', 'bm25l', 'bm25plus', not 3",
        ),
    ],
)
def test_an_unknown_value_is_refused_naming_the_knob_and_its_values(make, message: str) -> None:
    with pytest.raises(ValueError) as refused:
        make()
    assert str(refused.value) == message


def test_a_knobs_string_becomes_its_enum() -> None:
    config = SearchConfig(link="word", korean="morpheme", korean_stems="kiwi")
    assert config.link is LinkTiming.WORD and config.link == "word"
    assert config.korean is KoreanTerms.MORPHEME
    assert config.korean_stems is KoreanStems.KIWI
    assert replace(config, link="segment").link is LinkTiming.SEGMENT
    assert BM25Params(variant="bm25l").variant is BM25Variant.BM25L
    assert SearchConfig().bm25.variant is BM25Variant.BM25PLUS
    assert config == SearchConfig(
        link=LinkTiming.WORD, korean=KoreanTerms.MORPHEME, korean_stems=KoreanStems.KIWI
    )


def test_a_config_of_strings_keys_the_index_cache_as_one_of_enums(real_lecture: Lecture) -> None:
    course = Course((real_lecture,))
    strings = SearchConfig(link="word", korean_stems="kiwi", bm25=BM25Params(variant="okapi"))
    enums = SearchConfig(
        link=LinkTiming.WORD,
        korean_stems=KoreanStems.KIWI,
        bm25=BM25Params(variant=BM25Variant.OKAPI),
    )
    key = index_key(course, strings)
    assert key is not None and key == index_key(course, enums)
    assert key != index_key(course, SearchConfig())


def test_the_no_match_rule_on_the_best_passages_coverage() -> None:
    config = SearchConfig()
    rule = NoMatchRule(config.min_coverage, config.min_single_coverage, config.min_partial_coverage)
    assert rule.verdict(None) is Verdict.NOT_COVERED  # nothing matched at all
    assert rule.verdict(Coverage(1.0, 3)) is Verdict.ANSWERS
    assert rule.verdict(Coverage(0.5, 2)) is Verdict.ANSWERS
    # One idea of several is an answer only when it carries most of the question's weight.
    assert rule.verdict(Coverage(0.8, 1)) is Verdict.ANSWERS
    assert rule.verdict(Coverage(0.7, 1)) is Verdict.NOT_COVERED
    # Two ideas and a fair share: shown, but said to be a weak match.
    assert rule.verdict(Coverage(0.3, 2)) is Verdict.WEAK
    assert rule.verdict(Coverage(0.2, 2)) is Verdict.NOT_COVERED


def test_coverage_is_the_share_of_the_ideas_weight_a_passage_mentions() -> None:
    weights = np.array([3.0, 1.0, 0.0])
    assert coverage(np.array([True, False, True]), weights) == Coverage(0.75, 1)
    assert coverage(np.array([True, True, False]), weights) == Coverage(1.0, 2)
    assert coverage(np.array([False, False, False]), weights) == Coverage(0.0, 0)
    assert coverage(np.array([True]), np.array([0.0])) == Coverage(0.0, 0)
