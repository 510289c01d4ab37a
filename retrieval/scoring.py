"""BM25 scoring with rank-bm25's statistics and formulas, computed from postings.

rank-bm25 computes the corpus statistics and IDF (its `BM25Okapi`, `BM25L` and `BM25Plus`
classes); we keep its IDF table and per-document term frequencies, and precompute each
(term, document) weight once. A query then only touches the documents that contain its terms
instead of scanning every document for every term as `get_scores` does. Scores are identical
to rank-bm25's `get_scores` (tests/retrieval/test_scoring.py pins them with np.allclose).

Formulas (Trotman et al., "Improvements to BM25 and Language Models Examined", 2014, as
implemented by rank-bm25 0.2.2):
- Okapi:  idf · tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl)); negative IDF floored to ε·mean IDF
- BM25L:  idf · tf·(k1+1)·(c+δ) / (k1+c+δ), c = tf / (1 − b + b·dl/avgdl)
- BM25+:  idf · (δ + tf·(k1+1) / (k1·(1 − b + b·dl/avgdl) + tf)), δ·idf also for tf = 0
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import rank_bm25

Variant = Literal["okapi", "bm25l", "bm25plus"]


@dataclass(frozen=True, slots=True)
class BM25Params:
    variant: Variant = "okapi"
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25  # Okapi's IDF floor
    delta: float = 0.5  # BM25L / BM25+ lower bound


def reference_model(corpus: Sequence[Sequence[str]], params: BM25Params) -> rank_bm25.BM25:
    """The rank-bm25 model our scorer reproduces."""
    docs = [list(doc) for doc in corpus]
    if params.variant == "okapi":
        return rank_bm25.BM25Okapi(docs, k1=params.k1, b=params.b, epsilon=params.epsilon)
    return _model_class(params)(docs, k1=params.k1, b=params.b, delta=params.delta)


def _model_class(params: BM25Params) -> type[rank_bm25.BM25]:
    classes = {
        "okapi": rank_bm25.BM25Okapi,
        "bm25l": rank_bm25.BM25L,
        "bm25plus": rank_bm25.BM25Plus,
    }
    if params.variant not in classes:
        raise ValueError(f"unknown BM25 variant {params.variant!r}")
    return classes[params.variant]


def reference_idf(document_frequency: dict[str, int], size: int, params: BM25Params) -> dict:
    """rank-bm25's own IDF table (its `_calc_idf`, with Okapi's ε floor) for these counts,
    without building its per-document dictionaries: at 100× the lecture those dominated the
    memory of an index build."""
    model = _model_class(params).__new__(_model_class(params))
    model.corpus_size, model.idf = size, {}
    model.k1, model.b, model.epsilon, model.delta = (
        params.k1,
        params.b,
        params.epsilon,
        params.delta,
    )
    model._calc_idf(document_frequency)
    return model.idf


class BM25Scorer:
    """Term-at-a-time BM25 over precomputed (term, document) weights."""

    def __init__(self, corpus: Sequence[Sequence[str]], params: BM25Params = BM25Params()):
        if not corpus:
            raise ValueError("cannot score an empty corpus")
        self.params = params
        self.size = len(corpus)
        # Every (document, term, tf) posting in compact flat arrays, in corpus order.
        vocabulary: dict[str, int] = {}
        docs, terms, tfs = array("i"), array("i"), array("d")
        doc_len = np.fromiter((len(doc) for doc in corpus), np.float64, self.size)
        for number, doc in enumerate(corpus):
            for term, tf in Counter(doc).items():
                docs.append(number)
                terms.append(vocabulary.setdefault(term, len(vocabulary)))
                tfs.append(tf)
        frequency = np.bincount(np.frombuffer(terms, np.int32), minlength=len(vocabulary))
        self.idf: dict[str, float] = reference_idf(
            {term: int(frequency[n]) for term, n in vocabulary.items()}, self.size, params
        )
        norm = 1 - params.b + params.b * doc_len / doc_len.mean()
        docs = np.frombuffer(docs, np.int32)
        terms = np.frombuffer(terms, np.int32)
        tfs = np.frombuffer(tfs, np.float64)
        # Grouped by term in one sort, so the weights come in one vectorised pass.
        order = np.argsort(terms, kind="stable")  # stable: documents stay in order per term
        docs, terms, tfs = docs[order], terms[order], tfs[order]
        idf = np.fromiter((self.idf[t] for t in vocabulary), np.float64, len(vocabulary))[terms]
        weights = self._weight(idf, tfs, norm[docs])
        bounds = np.searchsorted(terms, np.arange(len(vocabulary) + 1))
        self._docs: dict[str, np.ndarray] = {}
        self._weights: dict[str, np.ndarray] = {}
        for term, number in vocabulary.items():
            start, end = bounds[number], bounds[number + 1]
            self._docs[term] = docs[start:end]
            self._weights[term] = weights[start:end]

    def _weight(self, idf: np.ndarray, tf: np.ndarray, norm: np.ndarray) -> np.ndarray:
        p = self.params
        if p.variant == "okapi":
            return idf * tf * (p.k1 + 1) / (tf + p.k1 * norm)
        if p.variant == "bm25l":
            ctd = tf / norm
            return idf * tf * (p.k1 + 1) * (ctd + p.delta) / (p.k1 + ctd + p.delta)
        # BM25+ adds δ·idf to every document; documents with the term get the rest here.
        return idf * (tf * (p.k1 + 1)) / (p.k1 * norm + tf)

    def document_frequency(self, term: str) -> int:
        docs = self._docs.get(term)
        return 0 if docs is None else len(docs)

    def postings(self, term: str) -> np.ndarray:
        return self._docs.get(term, np.empty(0, dtype=np.int32))

    def scores(self, terms: Sequence[str], weights: Sequence[float] | None = None) -> np.ndarray:
        """BM25 score of every document; `weights` scale each query term (default 1)."""
        total = np.zeros(self.size, dtype=np.float64)
        constant = 0.0
        for position, term in enumerate(terms):
            weight = 1.0 if weights is None else weights[position]
            docs = self._docs.get(term)
            if docs is None:
                continue
            total[docs] += weight * self._weights[term]
            if self.params.variant == "bm25plus":
                constant += weight * self.params.delta * self.idf[term]
        if constant:
            total += constant
        return total
