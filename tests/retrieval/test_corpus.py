"""EncodedCorpus: term ids that decode to the documents, and windows equal to joined lists."""

from __future__ import annotations

import numpy as np

from retrieval.corpus import EncodedCorpus

DOCS = [["a", "b", "a"], [], ["c"], ["b", "d", "d", "e"], ["a"]]


def test_encode_round_trips() -> None:
    corpus = EncodedCorpus.encode(DOCS)
    assert corpus.size == len(DOCS)
    assert [corpus.document(n) for n in range(corpus.size)] == DOCS
    assert list(corpus.lengths()) == [3, 0, 1, 4, 1]
    assert sorted(corpus.vocabulary) == ["a", "b", "c", "d", "e"]
    assert corpus.terms.dtype == np.int32


def test_windows_join_consecutive_documents() -> None:
    corpus = EncodedCorpus.encode(DOCS)
    first, last = [0, 1, 2, 3, 4, 0], [1, 2, 3, 4, 4, 4]
    windows = corpus.windows(first, last)
    expected = [
        [term for document in DOCS[low : high + 1] for term in document]
        for low, high in zip(first, last, strict=True)
    ]
    assert [windows.document(n) for n in range(windows.size)] == expected
    assert windows.vocabulary == corpus.vocabulary


def test_empty_corpus() -> None:
    corpus = EncodedCorpus.encode([])
    assert corpus.size == 0
    assert len(corpus.terms) == 0
