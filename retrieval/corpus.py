"""Documents as flat arrays of term ids: compact to keep and cheap to regroup into passages."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np


class _Vocabulary(dict[str, int]):
    """Term -> id, numbering a term the first time it is looked up."""

    def __missing__(self, term: str) -> int:
        number = self[term] = len(self)
        return number


@dataclass(frozen=True, slots=True)
class EncodedCorpus:
    """Document d holds the terms `vocabulary[i]` for i in `terms[offsets[d]:offsets[d + 1]]`."""

    vocabulary: tuple[str, ...]
    terms: np.ndarray  # int32 term ids, all documents one after the other
    offsets: np.ndarray  # int64, one more than there are documents

    @classmethod
    def encode(cls, documents: Iterable[Sequence[str]]) -> EncodedCorpus:
        """Documents are read once, one at a time, so a caller can pass a generator and never
        hold every document's term list at once."""
        lengths = array("q")

        def all_terms() -> Iterator[str]:
            for document in documents:
                lengths.append(len(document))
                yield from document

        vocabulary = _Vocabulary()
        terms = np.fromiter(map(vocabulary.__getitem__, all_terms()), np.int32)
        return cls(tuple(vocabulary), terms, _offsets(np.frombuffer(lengths, np.int64)))

    @classmethod
    def concat(cls, parts: Sequence[EncodedCorpus]) -> EncodedCorpus:
        """The documents of `parts`, one corpus after the other, in one vocabulary."""
        if len(parts) == 1:
            return parts[0]
        vocabulary = _Vocabulary()
        pieces = []
        for part in parts:
            ids = np.fromiter(map(vocabulary.__getitem__, part.vocabulary), np.int32)
            pieces.append(ids[part.terms] if len(part.terms) else part.terms)
        terms = np.concatenate(pieces) if pieces else np.empty(0, dtype=np.int32)
        lengths = np.concatenate([part.lengths() for part in parts]) if parts else np.empty(0)
        return cls(tuple(vocabulary), terms, _offsets(lengths.astype(np.int64)))

    @property
    def size(self) -> int:
        return len(self.offsets) - 1

    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def document(self, number: int) -> list[str]:
        ids = self.terms[self.offsets[number] : self.offsets[number + 1]]
        return [self.vocabulary[i] for i in ids.tolist()]

    def windows(self, first: Sequence[int], last: Sequence[int]) -> EncodedCorpus:
        """A new corpus whose document i is documents first[i]..last[i] joined (passages made
        of consecutive segments), without building any per-document list."""
        starts = self.offsets[np.asarray(first, dtype=np.int64)]
        ends = self.offsets[np.asarray(last, dtype=np.int64) + 1]
        pieces = [self.terms[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
        terms = np.concatenate(pieces) if pieces else np.empty(0, dtype=np.int32)
        return EncodedCorpus(self.vocabulary, terms, _offsets(ends - starts))


def _offsets(lengths: np.ndarray) -> np.ndarray:
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets
