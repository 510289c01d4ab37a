"""Align two word sequences that say nearly the same thing (two transcripts of one video).

`normalise_word` makes spellings comparable (NFKC, case-folded, letters and digits only, so
"One-dimensional" == "onedimensional" and "I've" == "ive"). `align` returns the matched index
pairs of a monotone alignment: anchors are 4-word phrases that occur exactly once in each
sequence (patience diff, kept in order by a longest increasing subsequence); the stretches
between anchors are matched with difflib's SequenceMatcher. Linear-ish on two 40k-word
transcripts, where a single SequenceMatcher over the whole would take minutes.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher

ANCHOR_WORDS = 4
_NOT_WORD = re.compile(r"[\W_]+")


def normalise_word(word: str) -> str:
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", word).casefold())


def normalise_words(text: str) -> list[str]:
    """The normalised words of a text; words that are only punctuation are dropped."""
    return [norm for word in text.split() if (norm := normalise_word(word))]


def align(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int]]:
    """Matched (index in a, index in b) pairs, increasing in both."""
    pairs: list[tuple[int, int]] = []
    a_pos = b_pos = 0
    for i, j in _anchors(a, b):
        if i < a_pos or j < b_pos:
            continue
        pairs.extend(_match_gap(a, b, a_pos, i, b_pos, j))
        pairs.extend((i + k, j + k) for k in range(ANCHOR_WORDS))
        a_pos, b_pos = i + ANCHOR_WORDS, j + ANCHOR_WORDS
    pairs.extend(_match_gap(a, b, a_pos, len(a), b_pos, len(b)))
    return pairs


def _anchors(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int]]:
    """Unique-in-both n-gram positions, reduced to their longest increasing run."""
    a_grams = _unique_grams(a)
    b_grams = _unique_grams(b)
    candidates = sorted((i, b_grams[gram]) for gram, i in a_grams.items() if gram in b_grams)
    return _longest_increasing(candidates)


def _unique_grams(words: Sequence[str]) -> dict[tuple[str, ...], int]:
    grams = [tuple(words[i : i + ANCHOR_WORDS]) for i in range(len(words) - ANCHOR_WORDS + 1)]
    counts = Counter(grams)
    return {gram: i for i, gram in enumerate(grams) if counts[gram] == 1}


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of `pairs` (sorted by first) whose seconds increase."""
    tails: list[int] = []  # smallest second-value ending a run of each length
    tail_index: list[int] = []
    previous: list[int] = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        length = bisect.bisect_left(tails, j)
        if length == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[length] = j
            tail_index[length] = index
        previous[index] = tail_index[length - 1] if length else -1
    run: list[tuple[int, int]] = []
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        run.append(pairs[index])
        index = previous[index]
    return run[::-1]


def _match_gap(
    a: Sequence[str], b: Sequence[str], a_lo: int, a_hi: int, b_lo: int, b_hi: int
) -> list[tuple[int, int]]:
    if a_lo >= a_hi or b_lo >= b_hi:
        return []
    matcher = SequenceMatcher(None, a[a_lo:a_hi], b[b_lo:b_hi], autojunk=False)
    return [
        (a_lo + block.a + k, b_lo + block.b + k)
        for block in matcher.get_matching_blocks()
        for k in range(block.size)
    ]
