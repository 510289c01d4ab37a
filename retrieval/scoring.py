"""BM25 scoring with rank-bm25's statistics and formulas, computed from postings.

rank-bm25's `BM25Okapi`, `BM25L` and `BM25Plus` are the reference: the same corpus
statistics and IDF formulas (one function each below), and each (term, document) weight
precomputed once. A query then only touches the documents that contain its terms
instead of scanning every document for every term as `get_scores` does. Scores are identical
to rank-bm25's `get_scores` (tests/retrieval/test_scoring.py pins them with np.allclose).

Formulas (Trotman et al., "Improvements to BM25 and Language Models Examined", 2014, as
implemented by rank-bm25 0.2.2):
- Okapi:  idf · tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl)); negative IDF floored to ε·mean IDF
- BM25L:  idf · tf·(k1+1)·(c+δ) / (k1+c+δ), c = tf / (1 − b + b·dl/avgdl)
- BM25+:  idf · (δ + tf·(k1+1) / (k1·(1 − b + b·dl/avgdl) + tf)), δ·idf also for tf = 0
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Self

import numpy as np

from retrieval.choices import choice
from retrieval.corpus import EncodedCorpus

if TYPE_CHECKING:  # rank-bm25 is the reference of the tests and benchmarks, not of a search
    import rank_bm25


class BM25Variant(StrEnum):
    """Which of rank-bm25's models the scores follow (formulas in the module docstring)."""

    OKAPI = "okapi"
    BM25L = "bm25l"
    BM25PLUS = "bm25plus"


@dataclass(frozen=True, slots=True)
class BM25Params:
    variant: BM25Variant = BM25Variant.OKAPI  # its string ("bm25plus") is accepted too
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25  # Okapi's IDF floor
    delta: float = 0.5  # BM25L / BM25+ lower bound

    def __post_init__(self) -> None:
        """ValueError for an unknown variant."""
        object.__setattr__(self, "variant", choice(BM25Variant, self.variant, "BM25Params.variant"))


def reference_model(corpus: Sequence[Sequence[str]], params: BM25Params) -> rank_bm25.BM25:
    """The rank-bm25 model our scorer reproduces."""
    import rank_bm25

    docs = [list(doc) for doc in corpus]
    if params.variant is BM25Variant.OKAPI:
        return rank_bm25.BM25Okapi(docs, k1=params.k1, b=params.b, epsilon=params.epsilon)
    model = rank_bm25.BM25L if params.variant is BM25Variant.BM25L else rank_bm25.BM25Plus
    return model(docs, k1=params.k1, b=params.b, delta=params.delta)


def okapi_idf(document_frequency: dict[str, int], size: int, epsilon: float) -> dict[str, float]:
    """Okapi: log(N − df + 0.5) − log(df + 0.5), a negative IDF (a term in over half the
    documents) floored to ε × the mean IDF (rank-bm25 0.2.2, `BM25Okapi._calc_idf`)."""
    idf = {
        term: math.log(size - frequency + 0.5) - math.log(frequency + 0.5)
        for term, frequency in document_frequency.items()
    }
    if idf:
        floor = epsilon * (sum(idf.values()) / len(idf))
        idf = {term: value if value >= 0 else floor for term, value in idf.items()}
    return idf


def bm25l_idf(document_frequency: dict[str, int], size: int) -> dict[str, float]:
    """BM25L: log(N + 1) − log(df + 0.5) (rank-bm25 0.2.2, `BM25L._calc_idf`)."""
    return {
        term: math.log(size + 1) - math.log(frequency + 0.5)
        for term, frequency in document_frequency.items()
    }


def bm25plus_idf(document_frequency: dict[str, int], size: int) -> dict[str, float]:
    """BM25+: log((N + 1) / df) (rank-bm25 0.2.2, `BM25Plus._calc_idf`)."""
    return {
        term: math.log((size + 1) / frequency) for term, frequency in document_frequency.items()
    }


def idf_table(
    document_frequency: dict[str, int], size: int, params: BM25Params
) -> dict[str, float]:
    """The IDF of every term for the variant of `params` (tests pin it to rank-bm25's)."""
    if params.variant is BM25Variant.OKAPI:
        return okapi_idf(document_frequency, size, params.epsilon)
    if params.variant is BM25Variant.BM25L:
        return bm25l_idf(document_frequency, size)
    return bm25plus_idf(document_frequency, size)


class _PostingsTable:
    """Per-term postings (documents in order) with a precomputed weight each, plus a constant
    per term that every document gets (BM25+'s δ·idf): what a query's scores are summed from.
    Subclasses fill `size`, `_slot`, `_bounds`, `_docs`, `_weights` and `_constant`."""

    size: int
    _slot: dict[str, int]
    _bounds: list[int]
    _docs: np.ndarray
    _weights: np.ndarray
    _constant: np.ndarray

    def state(self) -> dict[str, Any]:
        """The table as a list of terms and arrays, for `restore` (a persisted index)."""
        return {
            "terms": list(self._slot),
            "slots": np.fromiter(self._slot.values(), dtype=np.int64, count=len(self._slot)),
            "bounds": np.array(self._bounds, dtype=np.int64),
            "docs": self._docs,
            "weights": self._weights,
            "constant": self._constant,
            "size": np.array(self.size, dtype=np.int64),
        }

    @classmethod
    def _restored(cls, state: Mapping[str, Any]) -> Self:
        """The table `state()` described, as it was (no statistic is computed again)."""
        table = cls.__new__(cls)
        table.size = int(state["size"])
        table._slot = dict(zip(state["terms"], state["slots"].tolist(), strict=True))
        table._bounds = state["bounds"].tolist()
        table._docs = state["docs"]
        table._weights = state["weights"]
        table._constant = state["constant"]
        if len(table._docs) != len(table._weights) or table._bounds[-1] != len(table._docs):
            raise ValueError("postings of different lengths")
        return table

    def postings(self, term: str) -> np.ndarray:
        """The documents that contain `term`, in order."""
        slot = self._slot.get(term)
        if slot is None:
            return np.empty(0, dtype=np.int32)
        return self._docs[self._bounds[slot] : self._bounds[slot + 1]]

    def scores(self, terms: Sequence[str], weights: Sequence[float] | None = None) -> np.ndarray:
        """The score of every document; `weights` scale each query term (default 1)."""
        total = np.zeros(self.size, dtype=np.float64)
        constant = 0.0
        for position, term in enumerate(terms):
            slot = self._slot.get(term)
            if slot is None:
                continue
            weight = 1.0 if weights is None else weights[position]
            start, end = self._bounds[slot], self._bounds[slot + 1]
            total[self._docs[start:end]] += weight * self._weights[start:end]
            constant += weight * self._constant[slot]
        if constant:
            total += constant
        return total


class BM25Scorer(_PostingsTable):
    """Term-at-a-time BM25 over precomputed (term, document) weights."""

    def __init__(
        self, corpus: Sequence[Sequence[str]] | EncodedCorpus, params: BM25Params = BM25Params()
    ):
        encoded = corpus if isinstance(corpus, EncodedCorpus) else EncodedCorpus.encode(corpus)
        if encoded.size == 0:
            raise ValueError("cannot score an empty corpus")
        self.params = params
        self.size = size = encoded.size
        lengths = encoded.lengths()
        vocabulary = encoded.vocabulary
        terms, docs, tf = _postings(encoded)
        frequency = np.bincount(terms, minlength=len(vocabulary))
        present = np.flatnonzero(frequency).tolist()
        self.idf: dict[str, float] = idf_table(
            {vocabulary[n]: int(frequency[n]) for n in present}, size, params
        )
        idf = np.zeros(len(vocabulary), dtype=np.float64)
        idf[present] = [self.idf[vocabulary[n]] for n in present]
        doc_len = lengths.astype(np.float64)
        norm = 1 - params.b + params.b * doc_len / doc_len.mean()
        self._weights = _weights(params, idf[terms], tf.astype(np.float64), norm[docs])
        self._docs = docs.astype(np.int32)
        self._bounds = np.searchsorted(terms, np.arange(len(vocabulary) + 1)).tolist()
        self._slot = {vocabulary[n]: n for n in present}
        # BM25+ gives every document δ·idf of each query term, whatever its tf.
        self._constant = np.zeros(len(vocabulary), dtype=np.float64)
        if params.variant is BM25Variant.BM25PLUS:
            self._constant[present] = params.delta * idf[present]

    def document_frequency(self, term: str) -> int:
        return len(self.postings(term))

    def state(self) -> dict[str, Any]:
        terms = list(self._slot)
        return super().state() | {"idf": np.array([self.idf[t] for t in terms], dtype=np.float64)}

    @classmethod
    def restore(cls, state: Mapping[str, Any], params: BM25Params) -> BM25Scorer:
        """The scorer `state()` described, built with `params`."""
        scorer = cls._restored(state)
        scorer.params = params
        scorer.idf = dict(zip(state["terms"], state["idf"].tolist(), strict=True))
        return scorer


def _postings(corpus: EncodedCorpus) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (term, document) pair once with its tf, grouped by term and documents in order
    within a term: one sort of term·size + document keys. The keys are 32-bit whenever they
    fit, which halves the memory of this, the biggest step of a build."""
    size, vocabulary_size = corpus.size, len(corpus.vocabulary)
    key_type = np.int32 if vocabulary_size * size < 2**31 else np.int64
    keys: np.ndarray = corpus.terms.astype(key_type)
    np.multiply(keys, size, out=keys)
    np.add(keys, np.repeat(np.arange(size, dtype=key_type), corpus.lengths()), out=keys)
    keys, tf = np.unique(keys, return_counts=True)
    terms, docs = np.divmod(keys, size)
    return terms, docs, tf


def _weights(params: BM25Params, idf: np.ndarray, tf: np.ndarray, norm: np.ndarray) -> np.ndarray:
    """Each posting's BM25 weight, computed in place in the `tf` and `norm` arrays (at 100×
    the lecture, the temporaries of the plain formula were the peak of a build's memory)."""
    k1, delta = params.k1, params.delta
    if params.variant is BM25Variant.BM25L:  # idf · tf·(k1+1)·(c+δ) / (k1+c+δ), c = tf / norm
        np.divide(tf, norm, out=norm)
        norm += delta
        tf *= norm
        norm += k1
    else:  # Okapi and BM25+: idf · tf·(k1+1) / (tf + k1·norm); BM25+'s δ·idf, which every
        # document gets, is added at query time
        norm *= k1
        norm += tf
    tf *= k1 + 1
    tf /= norm
    tf *= idf
    return tf


class WeightedFields(_PostingsTable):
    """Several BM25 fields of the same documents scored as one: Σ weight × field score.

    Each field keeps its own statistics (IDF, length normalisation); their postings are merged
    once, weighted, so a query term costs one lookup instead of one per field. Scores equal
    the weighted sum of the fields' own `scores` (tests/retrieval/test_scoring.py)."""

    def __init__(self, fields: Sequence[tuple[BM25Scorer, float]]):
        if not fields or len({scorer.size for scorer, _ in fields}) != 1:
            raise ValueError("fields must be one or more scorers of the same documents")
        self.size = size = fields[0][0].size
        vocabulary = sorted(set().union(*(scorer._slot for scorer, _ in fields)))
        self._slot = {term: number for number, term in enumerate(vocabulary)}
        self._constant = np.zeros(len(vocabulary), dtype=np.float64)
        keys: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for scorer, weight in fields:
            combined = np.zeros(len(scorer._bounds) - 1, dtype=np.int64)
            present = list(scorer._slot.items())
            combined[[slot for _, slot in present]] = [self._slot[term] for term, _ in present]
            per_posting = np.repeat(combined, np.diff(scorer._bounds))
            keys.append(per_posting * size + scorer._docs)
            weights.append(weight * scorer._weights)
            np.add.at(self._constant, combined, weight * scorer._constant)
        unique, inverse = np.unique(np.concatenate(keys), return_inverse=True)
        self._weights = np.bincount(inverse, weights=np.concatenate(weights))
        terms, docs = np.divmod(unique, size)
        self._docs = docs.astype(np.int32)
        self._bounds = np.searchsorted(terms, np.arange(len(vocabulary) + 1)).tolist()

    @classmethod
    def restore(cls, state: Mapping[str, Any]) -> WeightedFields:
        """The merged fields `state()` described."""
        return cls._restored(state)
