"""What each passage's words are, analysed once for all questions: where its terms stand in
its text and translation (to highlight a hit) and when its caption terms are spoken (to place
a key moment's link).

A passage is analysed the first time a question needs it, and kept. A persisted index
(retrieval/index_cache.py) brings every passage's tables along instead, so that a first
question costs what a repeated one does.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from retrieval.analysis import Analyzer
from retrieval.passages import Passage
from retrieval.results import Span
from retrieval.timing import WordClock


class Highlights:
    """The character spans of a question's terms in a passage's text or Korean translation."""

    def __init__(self, analyzer: Analyzer, passages: Sequence[Passage], saved: Mapping[str, Any]):
        self._analyzer = analyzer
        self._passages = passages
        # Table 2·p is passage p's text, 2·p + 1 its translation: rows of (term, start, end).
        self._tables: dict[int, np.ndarray] = {}
        self._ids: dict[str, int] = {}  # term -> its number in the tables
        self._lock = threading.Lock()  # two threads may analyse passages at once
        if saved:
            self._ids = {term: number for number, term in enumerate(saved["terms"])}
            rows, offsets = saved["rows"], saved["offsets"].tolist()
            if len(offsets) != 2 * len(passages) + 1 or offsets[-1] != len(rows):
                raise ValueError("the saved highlights are not these passages'")
            for number in range(2 * len(passages)):
                self._tables[number] = rows[offsets[number] : offsets[number + 1]]

    def spans(self, position: int, korean: bool, terms: Iterable[str]) -> tuple[Span, ...]:
        """Where `terms` are in passage `position`'s text (its translation when `korean`):
        their character spans in text order, touching ones merged."""
        table = self._table(2 * position + korean)
        wanted = [self._ids[term] for term in set(terms) if term in self._ids]
        if not wanted or not len(table):
            return ()
        # A lookup by term number (np.isin sorts, and imports numpy.ma on its first call).
        is_wanted = np.zeros(len(self._ids), dtype=bool)
        is_wanted[wanted] = True
        found = table[is_wanted[table[:, 0]]]
        found = found[np.argsort(found[:, 1], kind="stable")]
        return merge_spans(zip(found[:, 1].tolist(), found[:, 2].tolist(), strict=True))

    def state(self) -> dict[str, Any]:
        """Every passage's tables, for a persisted index."""
        tables = [self._table(number) for number in range(2 * len(self._passages))]
        return {
            "terms": list(self._ids),
            "rows": np.concatenate([np.empty((0, 3), dtype=np.int32), *tables]),
            "offsets": np.cumsum([0, *map(len, tables)], dtype=np.int64),
        }

    def _table(self, number: int) -> np.ndarray:
        table = self._tables.get(number)
        if table is None:
            passage = self._passages[number // 2]
            tokens = self._analyzer.tokens(passage.text_ko if number % 2 else passage.text)
            with self._lock:
                ids = [self._ids.setdefault(token.term, len(self._ids)) for token in tokens]
            rows = [(term, token.start, token.end) for term, token in zip(ids, tokens, strict=True)]
            table = self._tables[number] = np.array(rows, dtype=np.int32).reshape(-1, 3)
        return table


class SpokenTerms:
    """When each term of a key moment's caption words is spoken."""

    def __init__(
        self,
        analyzer: Analyzer,
        passages: Sequence[Passage],
        clocks: Sequence[WordClock],
        saved: Mapping[str, Any],
    ):
        self._analyzer = analyzer
        self._passages = passages
        self._clocks = clocks
        self._tables: dict[int, dict[str, list[float]]] = {}
        self._saved = saved or None
        if saved:
            self._words = list(saved["terms"])
            self._offsets = saved["offsets"].tolist()
            if len(self._offsets) != len(passages) + 1 or self._offsets[-1] != len(saved["times"]):
                raise ValueError("the saved spoken terms are not these passages'")

    def times(self, position: int) -> dict[str, list[float]]:
        """Term -> the seconds it is spoken at, in moment `position` (of a lecture with
        caption timings)."""
        table = self._tables.get(position)
        if table is None:
            table = self._analyse(position) if self._saved is None else self._load(position)
            self._tables[position] = table
        return table

    def state(self) -> dict[str, Any]:
        """Every key moment's table, for a persisted index."""
        words: dict[str, int] = {}
        terms: list[int] = []
        times: list[float] = []
        offsets = [0]
        for position in range(len(self._passages)):
            for term, seconds in self.times(position).items():
                terms += [words.setdefault(term, len(words))] * len(seconds)
                times += seconds
            offsets.append(len(terms))
        return {
            "terms": list(words),
            "term_ids": np.array(terms, dtype=np.int32),
            "times": np.array(times, dtype=np.float64),
            "offsets": np.array(offsets, dtype=np.int64),
        }

    def _analyse(self, position: int) -> dict[str, list[float]]:
        passage = self._passages[position]
        clock = self._clocks[passage.lecture]
        table: dict[str, list[float]] = {}
        if passage.moment is None or not clock.has_timings:
            return table
        for time, word in zip(*clock.timed_words(passage.start, passage.end), strict=True):
            for term in self._analyzer.terms(word):
                table.setdefault(term, []).append(time)
        return table

    def _load(self, position: int) -> dict[str, list[float]]:
        assert self._saved is not None
        start, end = self._offsets[position], self._offsets[position + 1]
        table: dict[str, list[float]] = {}
        terms = self._saved["term_ids"][start:end].tolist()
        times = self._saved["times"][start:end].tolist()
        for term, time in zip(terms, times, strict=True):
            table.setdefault(self._words[term], []).append(time)
        return table


def merge_spans(spans: Iterable[tuple[int, int]]) -> tuple[Span, ...]:
    """`spans` (in order of their starts) with touching ones merged."""
    merged: list[Span] = []
    for start, end in spans:
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)
