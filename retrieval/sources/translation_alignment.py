"""Place each paragraph of a translation at the English paragraph it translates.

A community translation keyed by the transcript's `[m:ss]` markers is right for most of a
lecture, but its markers can drift: the real one falls behind the English from about 2:20 on,
by 19 minutes at the end, and its last markers lie past the video's end. So the markers are
treated as evidence, not as truth. Each translated paragraph is compared with the English
paragraphs near its marker by what the two languages share: the names, numbers and
Latin-script terms a translation keeps ("GPT-4o", "9.11", "DeepSeek"), and the ideas the
glossary names in both languages ("환각" / "hallucination"). A monotone alignment (dynamic
programming in file order) then picks one English paragraph for each translated one, paying
for every change of its offset from the markers: where the evidence is weak, markers stand.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from retrieval.analysis import HANGUL_WORD, Analyzer, has_hangul, normalize
from retrieval.lecture import Segment, SynonymGroup

# Offsets (in English paragraphs) a translated paragraph may move from its marker.
MAX_SHIFT = 60
# What one step of drift costs, as a share of what sharing an anchor no other English
# paragraph has is worth: an offset changes on the evidence of more than one such anchor.
SHIFT_COST = 0.66
# Anchors in more than this share of English paragraphs ("model", "token") tell no place apart.
MAX_ANCHOR_SHARE = 0.1
_IMPOSSIBLE = -1e18


class Anchors:
    """What an English paragraph and a translated one can share: Latin-script terms and
    numbers, and the glossary's ideas (a group's index stands for the idea)."""

    def __init__(self, glossary: Sequence[SynonymGroup], analyzer: Analyzer | None = None):
        self.analyzer = analyzer or Analyzer()
        self._english: dict[tuple[str, ...], set[str]] = {}
        self._korean: dict[str, set[str]] = {}
        for position, group in enumerate(glossary):
            idea = f"#{position}"
            for term in group.terms:
                if has_hangul(term):
                    key = normalize(term).replace(" ", "")
                    if len(key) > 1:  # one syllable is a part of too many words
                        self._korean.setdefault(key, set()).add(idea)
                elif terms := tuple(self.analyzer.terms(term)):
                    self._english.setdefault(terms, set()).add(idea)
        self._first_terms = {terms[0] for terms in self._english}
        self._longest_english = max(map(len, self._english), default=0)
        self._korean_lengths: dict[str, set[int]] = {}  # first two syllables -> key lengths
        for key in self._korean:
            self._korean_lengths.setdefault(key[:2], set()).add(len(key))

    def english(self, text: str) -> set[str]:
        terms = self.analyzer.terms(text)
        found = set(terms)
        for start, term in enumerate(terms):
            if term in self._first_terms:
                for end in range(start + 1, min(start + self._longest_english, len(terms)) + 1):
                    found.update(self._english.get(tuple(terms[start:end]), ()))
        return found

    def translated(self, text: str) -> set[str]:
        """Anchors of a translated paragraph: its Latin-script words and the glossary ideas
        its words start with ("환각을" holds "환각")."""
        found = self.english(HANGUL_WORD.sub(" ", text))
        words = normalize(text).split()
        compact = "".join(words)
        at = 0
        for word in words:
            for length in self._korean_lengths.get(compact[at : at + 2], ()):
                found.update(self._korean.get(compact[at : at + length], ()))
            at += len(word)
        return found


def place_paragraphs(
    paragraphs: Sequence[tuple[int, str]],
    segments: Sequence[Segment],
    anchors: Anchors,
    *,
    max_shift: int = MAX_SHIFT,
    shift_cost: float = SHIFT_COST,
) -> tuple[int | None, ...]:
    """For each `(marker second, text)` paragraph, in file order, the index of the segment it
    translates, or None when it lies past the lecture's end."""
    if not paragraphs or not segments:
        return tuple(None for _ in paragraphs)
    starts = [segment.start for segment in segments]
    past_end = len(segments)  # one extra position: after the lecture's last paragraph
    markers = np.array([_position(second, starts, segments[-1].end) for second, _ in paragraphs])
    similarity = _similarity(
        [anchors.translated(text) for _, text in paragraphs],
        [anchors.english(segment.text) for segment in segments],
    )
    offsets = np.arange(-max_shift, max_shift + 1)
    step_cost = shift_cost * math.log(len(segments))  # the IDF of an anchor found once
    drift_cost = step_cost * np.abs(offsets[:, None] - offsets[None, :])
    back = np.zeros((len(paragraphs), len(offsets)), dtype=np.int64)
    score = np.zeros(len(offsets))
    for i, marker in enumerate(markers):
        at = marker + offsets
        gain = np.full(len(offsets), _IMPOSSIBLE)
        inside = at >= 0
        gain[inside] = similarity[i, np.minimum(at[inside], past_end)]
        if i == 0:
            score = gain - step_cost * np.abs(offsets)
            continue
        # From offset o' at the previous marker to o here: the paragraph may not go back.
        step = marker - markers[i - 1]
        backwards = offsets[None, :] > offsets[:, None] + step
        candidates = np.where(backwards, _IMPOSSIBLE, score[None, :] - drift_cost)
        back[i] = candidates.argmax(axis=1)
        score = candidates[np.arange(len(offsets)), back[i]] + gain
    chosen = [0] * len(paragraphs)
    state = int(score.argmax())
    for i in range(len(paragraphs) - 1, -1, -1):
        chosen[i] = int(markers[i] + offsets[state])
        state = int(back[i][state])
    return tuple(None if at >= past_end else at for at in chosen)


def _position(second: int, starts: list[int], end: int) -> int:
    """The index of the paragraph holding `second`; past the end, where it would be at the
    same pace (one paragraph a 30 s)."""
    if second >= end:
        return len(starts) + (second - end) // 30
    return max(0, bisect.bisect_right(starts, second) - 1)


def _similarity(translated: list[set[str]], english: list[set[str]]) -> np.ndarray:
    """Shared anchors' IDF for every (translated, English) pair; one extra English column,
    past the end, shares nothing."""
    count = len(english)
    frequency = Counter(anchor for found in english for anchor in found)
    postings: dict[str, list[int]] = {}
    for position, found in enumerate(english):
        for anchor in found:
            if frequency[anchor] <= max(1, MAX_ANCHOR_SHARE * count):
                postings.setdefault(anchor, []).append(position)
    similarity = np.zeros((len(translated), count + 1))
    for row, found in enumerate(translated):
        for anchor in found:
            if columns := postings.get(anchor):
                similarity[row, columns] += math.log(count / frequency[anchor])
    return similarity
