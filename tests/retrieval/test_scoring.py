"""Parity: our postings-based BM25 scores equal rank-bm25's `get_scores`, for every variant."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rank_bm25

from retrieval.evaluate import load_questions
from retrieval.index import Index
from retrieval.scoring import BM25Params, BM25Scorer, WeightedFields, reference_model

VARIANTS = ["okapi", "bm25l", "bm25plus"]

# Six tiny documents: "model" is in more than half of them, so Okapi's IDF floor kicks in.
SMALL = [
    "the model reads tokens and predicts the next token".split(),
    "a model is trained on internet text".split(),
    "reinforcement learning rewards the model for correct answers".split(),
    "tokens tokens tokens everywhere".split(),
    "human feedback trains a reward model".split(),
    "the sun is hot".split(),
]
SMALL_QUERIES = [
    ["model"],
    ["tokens"],
    ["tokens", "tokens"],  # repeated terms count twice, as in rank-bm25
    ["reward", "model", "human"],
    ["unknown-word"],
    ["unknown-word", "sun"],
    [],
    ["the", "the", "sun", "model", "model", "model"],
]


def _reference(model: rank_bm25.BM25, terms: list[str], weights: list[float] | None) -> np.ndarray:
    if weights is None:
        return np.asarray(model.get_scores(terms), dtype=np.float64)
    # rank-bm25 scores are a sum over query terms: weight each term's own scores.
    total = np.zeros(model.corpus_size, dtype=np.float64)
    for term, weight in zip(terms, weights, strict=True):
        total += weight * np.asarray(model.get_scores([term]), dtype=np.float64)
    return total


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("query", SMALL_QUERIES, ids=lambda q: "+".join(q) or "empty")
def test_small_corpus_parity(variant: str, query: list[str]) -> None:
    params = BM25Params(variant=variant)
    scorer = BM25Scorer(SMALL, params)
    model = reference_model(SMALL, params)
    assert np.allclose(scorer.scores(query), _reference(model, query, None))
    weights = [0.5 + i for i in range(len(query))]
    assert np.allclose(scorer.scores(query, weights), _reference(model, query, weights))


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize(
    ("k1", "b", "epsilon", "delta"), [(1.2, 0.75, 0.25, 0.5), (0.9, 0.4, 0.1, 1.0)]
)
def test_small_corpus_parity_with_other_parameters(variant, k1, b, epsilon, delta) -> None:
    params = BM25Params(variant=variant, k1=k1, b=b, epsilon=epsilon, delta=delta)
    scorer = BM25Scorer(SMALL, params)
    model = reference_model(SMALL, params)
    for query in SMALL_QUERIES:
        assert np.allclose(scorer.scores(query), _reference(model, query, None)), query


def test_reference_model_is_the_rank_bm25_class() -> None:
    assert isinstance(reference_model(SMALL, BM25Params("okapi")), rank_bm25.BM25Okapi)
    assert isinstance(reference_model(SMALL, BM25Params("bm25l")), rank_bm25.BM25L)
    assert isinstance(reference_model(SMALL, BM25Params("bm25plus")), rank_bm25.BM25Plus)
    with pytest.raises(ValueError, match=r"BM25Params\.variant must be one of"):
        BM25Params("tfidf")  # type: ignore[arg-type]  # refused before a model is made


def test_okapi_idf_floor_is_visible_in_the_small_corpus() -> None:
    """The case the parity must cover: a term in over half the documents gets ε·mean IDF."""
    model = reference_model(SMALL, BM25Params("okapi"))
    raw_idf = np.log((6 - 4 + 0.5) / (4 + 0.5))  # "model" is in 4 of 6 documents
    assert raw_idf < 0
    assert model.idf["model"] == pytest.approx(0.25 * model.average_idf)


def test_document_frequency_and_postings() -> None:
    scorer = BM25Scorer(SMALL)
    assert scorer.document_frequency("model") == 4
    assert scorer.document_frequency("unknown-word") == 0
    assert list(scorer.postings("tokens")) == [0, 3]
    assert list(scorer.postings("unknown-word")) == []


def test_empty_corpus_is_refused() -> None:
    with pytest.raises(ValueError):
        BM25Scorer([])


# -- the real passages and eval-like queries -------------------------------------------------


@pytest.fixture(scope="module")
def real_corpora(real_index: Index) -> dict[str, list[list[str]]]:
    """The real passages' English terms, and their Korean translation's terms."""
    analyzer = real_index.analyzer
    return {
        "en": [analyzer.terms(passage.text) for passage in real_index.passages],
        "ko": [analyzer.terms(passage.text_ko) for passage in real_index.passages],
    }


@pytest.fixture(scope="module")
def real_queries(real_index: Index, shared_questions: Path) -> list[tuple[list[str], list[float]]]:
    """Eval questions (and a few more) as the index expands them: weighted glossary terms."""
    queries = []
    texts = [question.text for question in load_questions(shared_questions)]
    texts += ["what is SFT", "RLHF reward model", "token token token", "환각이 뭐야"]
    for text in texts:
        terms = real_index.query_terms(text)
        queries.append(([t.term for t in terms], [t.weight for t in terms]))
    return queries


@pytest.mark.parametrize("field", ["en", "ko"])
@pytest.mark.parametrize("variant", VARIANTS)
def test_real_passages_parity(variant: str, field: str, real_corpora, real_queries) -> None:
    corpus = real_corpora[field]
    assert sum(1 for doc in corpus if doc) >= 300  # the translation has gaps
    params = BM25Params(variant=variant)
    scorer = BM25Scorer(corpus, params)
    model = reference_model(corpus, params)
    assert len(real_queries) >= 30
    matching = 0
    for terms, weights in real_queries:
        expected = _reference(model, terms, None)
        matching += bool(np.ptp(expected) > 0)  # the query ranks some passages above others
        assert np.allclose(scorer.scores(terms), expected), terms
        assert np.allclose(scorer.scores(terms, weights), _reference(model, terms, weights)), terms
        repeated = terms + terms[:1]
        assert np.allclose(scorer.scores(repeated), _reference(model, repeated, None)), terms
    assert matching >= 5  # the comparison is not between two arrays of zeros


def test_weighted_fields_score_as_the_weighted_sum_of_their_fields() -> None:
    spoken = [["token", "text", "split"], ["model", "token"], ["reward", "model"], ["sft"], []]
    authored = [["tokenization"], ["model", "output"], ["rlhf", "reward"], ["sft", "sft"], ["x"]]
    fields = [
        (BM25Scorer(spoken, BM25Params(variant="bm25plus")), 0.5),
        (BM25Scorer(authored, BM25Params(variant="bm25plus")), 1.0),
    ]
    combined = WeightedFields(fields)
    for query, weights in [
        (["token", "model"], [1.0, 0.5]),
        (["sft", "rlhf", "unknown"], None),
        (["x"], [2.0]),
        ([], None),
    ]:
        expected = sum(w * scorer.scores(query, weights) for scorer, w in fields)
        assert np.allclose(combined.scores(query, weights), expected)
    assert combined.postings("model").tolist() == [1, 2]
    assert combined.postings("reward").tolist() == [2]
    assert combined.postings("unknown").tolist() == []
    with pytest.raises(ValueError):
        WeightedFields([(fields[0][0], 1.0), (BM25Scorer([["a"]]), 1.0)])
