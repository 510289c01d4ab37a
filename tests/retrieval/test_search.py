"""Search on the real lecture: relevant hits, consistent fields, filters, and bad questions."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from retrieval.errors import LectureBotError, QueryError
from retrieval.evaluate import load_questions
from retrieval.index import Index, SearchConfig
from retrieval.results import Hit

SFT = re.compile(r"\bsft\b|supervised\s+fine[\s-]?tun", re.IGNORECASE)
SFT_CHAPTERS = {10, 16}  # Post-Training Data (Conversations); Supervised Finetuning to RL
POST_TRAINING = set(range(9, 25))  # from "Pretraining to Post-Training" on


def _passage_of(index: Index, hit: Hit):
    matches = [p for p in index.passages if p.text == hit.text and p.end == hit.end]
    assert len(matches) == 1, hit
    return matches[0]


def _query_terms(index: Index, query: str) -> set[str]:
    return {term.term for term in index.query_terms(query)}


def test_what_is_sft_finds_supervised_finetuning(real_index: Index) -> None:
    hits = real_index.search("what is SFT")
    assert len(hits) == 3
    for hit in hits:
        assert SFT.search(hit.text), hit.text
        assert hit.chapter in POST_TRAINING
    top5 = real_index.search("what is SFT", k=5)
    assert SFT_CHAPTERS & {hit.chapter for hit in top5}


def test_answer_for_sft_is_found(real_index: Index) -> None:
    answer = real_index.answer("what is SFT")
    assert answer.found
    assert answer.lang == "en"
    assert [hit.rank for hit in answer.hits] == [1, 2, 3]
    assert answer.to_json()["query"] == "what is SFT"


QUERIES = [
    "what is SFT",
    "tokenization",
    "why do models hallucinate",
    "reward model in RLHF",
    "how big is the FineWeb dataset",
    "AlphaGo move 37",
    "환각이 뭐야",
]


@pytest.mark.parametrize("query", QUERIES)
def test_hit_fields_are_consistent(real_index: Index, query: str) -> None:
    catalog = real_index.catalog
    lecture = real_index.lecture
    wanted = _query_terms(real_index, query)
    hits = real_index.search(query, k=5)
    assert hits, query
    for rank, hit in enumerate(hits, start=1):
        assert hit.rank == rank
        assert hit.url == f"https://www.youtube.com/watch?v=7xTGNNLPyMI&t={hit.start}s"
        assert hit.url == catalog.url(hit.start)
        passage = _passage_of(real_index, hit)
        assert passage.start <= hit.start < passage.end == hit.end
        chapter = catalog.chapter_at(hit.start)
        assert hit.chapter == chapter.number == passage.chapter
        assert hit.chapter_title == chapter.title
        assert isinstance(hit.start, int) and isinstance(hit.end, int)
        # The link lands in a moment that holds a matched word: in what we wrote about it,
        # what is said in it, or its translation.
        assert lecture.segment_at(hit.start) is not None
        said = set(real_index.analyzer.terms(passage.authored))
        said |= set(real_index.analyzer.terms(passage.text))
        said |= set(real_index.analyzer.terms(passage.text_ko))
        assert said & wanted, (query, hit.start)
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)


def _check_spans(index: Index, text: str, spans, wanted: set[str]) -> None:
    previous_end = -1
    for start, end in spans:
        assert previous_end < start < end <= len(text)
        previous_end = end
        assert set(index.analyzer.terms(text[start:end])) & wanted, text[start:end]
    # Every matched word of the text is inside a span.
    for token in index.analyzer.tokens(text):
        if token.term in wanted:
            assert any(s <= token.start and token.end <= e for s, e in spans), token


@pytest.mark.parametrize("query", QUERIES)
def test_spans_index_real_matched_words(real_index: Index, query: str) -> None:
    wanted = _query_terms(real_index, query)
    hits = real_index.search(query, k=5)
    for hit in hits:
        _check_spans(real_index, hit.text, hit.spans, wanted)
        _check_spans(real_index, hit.text_ko, hit.spans_ko, wanted)
    assert any(hit.spans or hit.spans_ko for hit in hits)


def test_spans_of_a_plain_word_cover_its_forms(real_index: Index) -> None:
    hits = real_index.search("tokenization", k=5)
    assert all(hit.spans for hit in hits)
    for hit in hits:
        for start, end in hit.spans:
            assert hit.text[start:end].casefold().startswith("token"), hit.text[start:end]


def test_korean_question_highlights_the_translation(real_index: Index) -> None:
    answer = real_index.answer("환각이 뭐야")
    assert answer.lang == "ko"
    assert answer.found
    assert any("환각" in hit.text_ko[s:e] for hit in answer.hits for s, e in hit.spans_ko)


@pytest.mark.parametrize(("query", "chapter"), [("reinforcement learning", 20), ("model", 20),
                                               ("tokens", 3), ("what is SFT", 16)])  # fmt: skip
def test_chapter_filter(real_index: Index, query: str, chapter: int) -> None:
    hits = real_index.search(query, k=10, chapter=chapter)
    assert hits
    assert {hit.chapter for hit in hits} == {chapter}
    bounds = real_index.catalog.chapter(chapter)
    assert all(bounds.start <= hit.start < bounds.end for hit in hits)


@pytest.mark.parametrize("chapter", [0, 25, -1])
def test_chapter_that_does_not_exist(real_index: Index, chapter: int) -> None:
    with pytest.raises(KeyError):
        real_index.search("tokens", chapter=chapter)
    with pytest.raises(KeyError):
        real_index.answer("tokens", chapter=chapter)


@pytest.mark.parametrize(
    "query", ["model", "tokenization", "what is SFT", "reinforcement learning"]
)
def test_results_are_at_least_a_minute_apart(real_index: Index, query: str) -> None:
    hits = real_index.search(query, k=10)
    assert len(hits) >= 3
    for a, b in itertools.combinations(hits, 2):
        assert abs(a.start - b.start) >= 60, (a.start, b.start)


@pytest.mark.parametrize("k", [1, 2, 3, 5, 10])
def test_k_is_respected(real_index: Index, k: int) -> None:
    hits = real_index.search("model", k=k)  # a word said all through the lecture
    assert len(hits) == k
    assert [hit.rank for hit in hits] == list(range(1, k + 1))
    assert len(real_index.answer("model", k=k).hits) == k


def test_more_results_extend_fewer(real_index: Index) -> None:
    three = real_index.search("hallucination", k=3)
    ten = real_index.search("hallucination", k=10)
    assert [h.start for h in ten[:3]] == [h.start for h in three]


BAD_QUERIES = {
    "empty": "",
    "whitespace": " \t\n  ",
    "only stopwords": "what is the",
    "more stopwords": "How would you do it, and why?",
    "emoji": "😀🎉🔥🤖",
    "zero-width": "\u200b\u200c\u200d\ufeff",
    "rtl marks": "\u200f\u202e\u202c\u200e",
    "punctuation": "?!... ---",
    "mixed invisible": "😀 \u200b what \u202e is \u200f the 🤖",
}


@pytest.mark.parametrize("query", BAD_QUERIES.values(), ids=BAD_QUERIES.keys())
def test_unsearchable_questions_raise_query_error(real_index: Index, query: str) -> None:
    for call in (real_index.search, real_index.answer, real_index.query_terms):
        with pytest.raises(QueryError) as caught:
            call(query)
        assert isinstance(caught.value, LectureBotError)
        assert "Traceback" not in str(caught.value)
        assert str(caught.value)


def test_a_10000_character_question_is_refused_with_its_length(real_index: Index) -> None:
    query = ("tokenization " * 800)[:10_000]
    with pytest.raises(QueryError) as caught:
        real_index.search(query)
    assert "10,000" in str(caught.value)
    with pytest.raises(QueryError):
        real_index.answer(query)


def test_a_long_but_reasonable_question_is_fine(real_index: Index) -> None:
    query = "why does the model make things up when it does not know the answer " * 5
    assert real_index.search(query)


@pytest.mark.parametrize(
    "query",
    ["tokeni\u200bzation", "token\u00adization", "\u200ftokenization\u200e",
     "ＴＯＫＥＮＩＺＡＴＩＯＮ", "  TOKENIZATION?!  "],
)  # fmt: skip
def test_invisible_characters_and_width_do_not_change_the_answer(
    real_index: Index, query: str
) -> None:
    expected = [(h.chapter, h.start) for h in real_index.search("tokenization")]
    assert [(h.chapter, h.start) for h in real_index.search(query)] == expected


def test_nonsense_is_not_found(real_index: Index) -> None:
    answer = real_index.answer("asdfgh")
    assert answer.found is False
    assert answer.hits == ()
    assert answer.to_json() == {"query": "asdfgh", "weak": False, "results": []}
    assert real_index.search("asdfgh") == []


def test_a_question_about_something_else_is_not_found(real_index: Index) -> None:
    assert not real_index.answer("qwertyuiop zxcvbnm").found


@pytest.mark.parametrize("link", ["segment", "word", "caption"])
def test_link_never_leaves_the_hits_chapter(real_lecture, link: str) -> None:
    """Paragraphs that start just before a chapter boundary (the [1:20:30] one; chapter 11
    starts at 1:20:32) must not link past it while the hit names the earlier chapter."""
    index = Index.build(real_lecture, SearchConfig(link=link))
    catalog = real_lecture.catalog
    for query in ["why do models hallucinate", "how big is the FineWeb dataset", "환각이 뭐야"]:
        for chapter in (None, 10, 20):
            for hit in index.search(query, k=10, chapter=chapter):
                assert catalog.chapter_at(hit.start).number == hit.chapter, (query, hit.start)


def test_an_idea_scores_as_its_best_spelling(real_index: Index) -> None:
    """A passage that says both "RL" and "reinforcement learning" mentions one idea, not two."""
    terms = real_index.query_terms("RL")
    assert len({term.concept for term in terms}) == 1
    spellings: dict[int, list] = {}
    for term in terms:
        spellings.setdefault(term.spelling, []).append(term)
    # rl; reinforc + learn; and "reinforc learn", the same two words as one phrase term
    assert sorted(len(way) for way in spellings.values()) == [1, 1, 2]
    assert "reinforc learn" in {term.term for term in terms}
    each = [real_index._scores(way) for way in spellings.values()]
    assert np.allclose(real_index._scores(terms), np.maximum.reduce(each))
    summed = Index(real_index.lecture, SearchConfig(best_spelling=False))
    assert np.allclose(summed._scores(terms), sum(each))


def test_a_glossary_spelling_weighs_no_more_than_the_students_own_word(
    real_index: Index, shared_dev_questions
) -> None:
    """A rarer spelling of an idea the student named in English (a full name for a first
    name, a long form for an acronym) counts at most as much as the student's word: weight ×
    IDF capped at the word's IDF. Without the cap, some of the dev questions' spellings weigh
    more; with it, none does."""
    uncapped = Index(real_index.lecture, SearchConfig(cap_spellings=False))
    over = {"capped": 0, "uncapped": 0}
    for question in load_questions(shared_dev_questions):
        for name, index in (("capped", real_index), ("uncapped", uncapped)):
            terms = index.query_terms(question.text)
            own: dict[int, float] = {}
            for term in terms:
                if term.own and term.term.isascii() and index._known(term.term):
                    own[term.concept] = max(own.get(term.concept, 0.0), index._idf(term.term))
            over[name] += sum(
                1
                for term in terms
                if not term.own
                and term.concept in own
                and index._known(term.term)
                and term.weight * index._idf(term.term) > own[term.concept] + 1e-9
            )
    assert over["capped"] == 0
    assert over["uncapped"] > 0  # the dev questions do meet such spellings


def test_a_spellings_stopwords_keep_their_share_of_its_weight(real_index: Index) -> None:
    """The captions spell RLHF "our hf": "hf" alone gets half that spelling's weight, not all."""
    weights = {term.term: term.weight for term in real_index.query_terms("RLHF")}
    assert weights["hf"] == pytest.approx(0.5)
    assert weights["rlf"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    "question",
    ["트랜스포머 설명해줘", "트랜스포머에 대해 설명해줄래?", "토큰화 개념 정리해 주세요"],
)
def test_a_korean_request_is_no_topic(real_index: Index, question: str) -> None:
    """ "설명해줘" asks for an explanation; it must not search the textbook's "exposition"
    (and leave the transformer passages looking off-topic)."""
    assert not {"exposit", "summari"} & _query_terms(real_index, question)
    assert real_index.answer(question).found


def test_a_korean_glossary_word_is_not_part_of_another(real_index: Index) -> None:
    """ "만점" (a perfect score) and "점수" (score) are not "점" (the dots of chapter 13)."""
    assert "dot" not in _query_terms(real_index, "보상 모델은 왜 만점을 줘?")
    assert "dot" not in _query_terms(real_index, "점수는 어떻게 매겨?")
    assert "dot" in _query_terms(real_index, "점을 세는 문제")


def test_a_korean_word_the_glossary_knows_weighs_as_one_spelling(real_index: Index) -> None:
    """ "인컨텍스트" is one idea: its four bigrams share one weight like a glossary spelling's
    terms, or "컨텍" and "텍스" outweigh "in context learning" on every "컨텍스트" passage."""
    terms = real_index.query_terms("인컨텍스트 러닝이 뭐야?")
    own = [t.weight for t in terms if t.term in {"인컨", "컨텍", "텍스", "스트"}]
    assert len(own) == 4
    assert sum(own) == pytest.approx(1.0)
    unknown = [t.weight for t in real_index.query_terms("쿼크 글루온")]
    assert unknown and all(weight == 1.0 for weight in unknown)


def test_each_korean_idea_gets_its_english_spellings(real_index: Index) -> None:
    """ "RLHF" expands to "reinforcement learning from human feedback"; "강화학습" in the same
    question is still its own idea with "reinforcement learning" as a full-weight spelling."""
    terms = real_index.query_terms("RLHF는 진짜 강화학습이야 아니야?")
    korean_idea = next(t.concept for t in terms if t.term == "강화")
    spelled = {t.term: t.weight for t in terms if t.concept == korean_idea}
    assert spelled.get("reinforc", 0) >= 0.5 and spelled.get("learn", 0) >= 0.5
    assert spelled.get("rl") == pytest.approx(1.0)
    assert any(t.term == "reinforc" and t.concept != korean_idea for t in terms)


@pytest.mark.parametrize(
    "template",
    [
        "explain {}",
        "please describe {}",
        "tell me about {}",
        "define {}",
        "give me an overview of {}",
    ],
)
def test_how_a_question_asks_does_not_change_its_answer(real_index: Index, template: str) -> None:
    """Request words say how to answer, not what about: never a refusal, the same moments."""
    for topic in ("tokenization", "the transformer", "RLHF", "hallucinations", "the reward model"):
        plain, asked = real_index.answer(topic), real_index.answer(template.format(topic))
        assert asked.found, template.format(topic)
        assert asked.hits[0].start == plain.hits[0].start, template.format(topic)


def test_the_translation_field_counts_at_its_weight(real_index: Index) -> None:
    """Korean terms score in the translation field at `korean_field_weight`; English terms
    are untouched by it."""
    terms = real_index.query_terms("환각이 뭐야")
    korean = [t for t in terms if re.search("[가-힣]", t.term)]
    english = [t for t in terms if t not in korean]
    assert korean and english
    full = Index(real_index.lecture, SearchConfig(korean_field_weight=1.0))
    weight = real_index.config.korean_field_weight
    assert 0 < weight < 1
    ours = real_index._field_scores(korean, real_index.scorer, real_index.scorer_ko)
    theirs = full._field_scores(korean, full.scorer, full.scorer_ko)
    english_part = real_index.scorer.scores([t.term for t in korean], [t.weight for t in korean])
    assert np.allclose(ours - english_part, weight * (theirs - english_part))
    assert (theirs - english_part).max() > 0
    for index in (real_index, full):
        assert np.allclose(
            index._field_scores(english, index.scorer, index.scorer_ko),
            real_index._field_scores(english, real_index.scorer, real_index.scorer_ko),
        )
