"""Typo correction for questions: "hallucinaton" is searched as "hallucination".

Only an English word the lecture never uses is corrected, to the word the lecture uses that is
fewest edits away (one edit for words of 5–7 letters, two from 8), the more frequent one on a
tie. rapidfuzz computes the edit distances in C: a question's unknown words are checked
against the lecture's ~10,000 distinct words in well under a millisecond each.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any

from retrieval.analysis import normalize

_WORD = re.compile(r"[a-z]{5,}")
MIN_LENGTH = 5
CANDIDATES = 5


def max_edits(word: str) -> int:
    return 1 if len(word) < 8 else 2


def has_unknown_word(question: str, is_known: Callable[[str], bool]) -> bool:
    """Whether `question` has an English word long enough to correct that is not known."""
    return any(not is_known(word) for word in _WORD.findall(normalize(question)))


class SpellingCorrector:
    """Corrects the unknown English words of a question against the words of `texts`."""

    def __init__(self, texts: Iterable[str]):
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(_WORD.findall(normalize(text)))
        self._counts = counts
        self._words = list(counts)

    def warm(self) -> None:
        """Load the edit-distance library now rather than at the first unknown word."""
        _matcher()

    @classmethod
    def from_counts(cls, words: Sequence[str], counts: Sequence[int]) -> SpellingCorrector:
        """The corrector whose `words` and `counts` were these (a persisted index)."""
        corrector = cls(())
        corrector._counts = Counter(dict(zip(words, counts, strict=True)))
        corrector._words = list(words)
        return corrector

    @property
    def counts(self) -> tuple[list[str], list[int]]:
        """The lecture's words, in the order ties are broken, and how often each is used."""
        return self._words, [self._counts[word] for word in self._words]

    def correct(self, question: str, is_known: Callable[[str], bool]) -> str:
        """`question` with each unknown word (by `is_known`) replaced by its correction."""
        normalized = normalize(question)

        def replace(match: re.Match[str]) -> str:
            word = match.group()
            if word in self._counts or is_known(word):
                return word
            return self.suggest(word) or word

        return _WORD.sub(replace, normalized)

    def suggest(self, word: str) -> str | None:
        """The lecture's word closest to `word`, or None when none is close enough."""
        extract, distance = _matcher()
        found = extract(
            word,
            self._words,
            scorer=distance,
            score_cutoff=max_edits(word),
            limit=CANDIDATES,
        )
        if not found:
            return None
        best = min(found, key=lambda match: (match[1], -self._counts[match[0]]))
        return best[0]


@lru_cache(maxsize=1)
def _matcher() -> tuple[Any, Any]:
    """rapidfuzz's `process.extract` and Levenshtein distance, imported on first use: only a
    question with an unknown word needs them."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    return process.extract, Levenshtein.distance
