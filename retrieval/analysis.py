"""One text analyzer for passages and questions alike.

English: Unicode NFKC, case folding, invisible characters dropped, numbers and version strings
kept whole ("9.11", "3.1", "gpt-4o" — plus the parts of a hyphenated word), stopwords removed,
Snowball stemming (PyStemmer). Korean: overlapping Hangul character bigrams, which need no
dictionary, no model load and measure better than morphemes here (docs/retrieval.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from itertools import chain
from typing import TypeVar

import Stemmer

from retrieval.stopwords import ENGLISH_STOPWORDS

_NUMBER = r"\d+(?:[.,]\d+)+"  # 9.11, 3.1, 1,000
_HANGUL_RUN = r"[\uac00-\ud7a3]+"
_WORD = r"[^\W_\uac00-\ud7a3]+(?:[-'’][^\W_\uac00-\ud7a3]+)*"
_TOKEN = re.compile(rf"(?P<number>{_NUMBER})|(?P<hangul>{_HANGUL_RUN})|(?P<word>{_WORD})")
_SURFACE = re.compile(rf"{_NUMBER}|{_HANGUL_RUN}|{_WORD}")  # the same words, no groups
_PHRASE_WORD = re.compile(rf"{_NUMBER}|[^\W_\uac00-\ud7a3]+")
V = TypeVar("V")
_MEMO_LIMIT = 200_000  # distinct words remembered; questions can bring endless new ones
_INVISIBLE_CATEGORIES = {"Cf", "Cc", "Cs", "Co", "Cn"}


class KoreanTerms(StrEnum):
    """How Korean text becomes index terms."""

    BIGRAM = "bigram"  # overlapping Hangul character pairs
    MORPHEME = "morpheme"  # Kiwi's content morphemes
    BOTH = "both"
    NONE = "none"  # Korean is not indexed


KOREAN_MODES = tuple(KoreanTerms)
# Kiwi tags that carry meaning: nouns, numerals, verb/adjective stems, roots, foreign words.
_CONTENT_TAGS = ("NNG", "NNP", "NR", "VV", "VA", "XR", "SH")


@dataclass(frozen=True, slots=True)
class Token:
    """An index term and the character span of the text it came from."""

    term: str
    start: int
    end: int


def normalize(text: str) -> str:
    """NFKC, case-folded, with format/control characters (zero-width, bidi marks) removed."""
    if text.isascii():
        lowered = text.lower()
        return lowered if lowered.isprintable() else lowered.translate(_ASCII_CONTROLS)
    folded = unicodedata.normalize("NFKC", text).casefold()
    if folded.isprintable():  # nothing invisible in it: skip the table (most texts)
        return folded
    return folded.translate(_invisible_table())


# Control characters (newlines, tabs) separate words.
_ASCII_CONTROLS = {code: " " for code in [*range(32), 127]}


@lru_cache(maxsize=1)
def _invisible_table() -> dict[int, str | None]:
    """Format characters (zero-width space/joiners, bidi marks, soft hyphen, tags) vanish, so
    "tokeni\u200bzation" stays one word; other invisible characters separate words. Built on
    the first non-ASCII text (about 30 ms), not at import."""
    table: dict[int, str | None] = {}
    for code in [*range(0x10000), *range(0xE0000, 0xE0080)]:
        category = unicodedata.category(chr(code))
        if category == "Cf":
            table[code] = None
        elif category in _INVISIBLE_CATEGORIES and code != 0x20:
            table[code] = " "
    return table


class Analyzer:
    """Turns text into index terms; the same instance serves documents and queries."""

    def __init__(self, *, stem: bool = True, stopwords: bool = True, korean: str = "bigram"):
        if korean not in KOREAN_MODES:
            raise ValueError(f"unknown Korean analysis {korean!r}")
        self.stem = stem
        self.stopwords = ENGLISH_STOPWORDS if stopwords else frozenset()
        self.korean = korean
        self._cached_tokens = lru_cache(maxsize=4096)(self._tokens)
        self._cached_occurrences = lru_cache(maxsize=4096)(self._occurrences)
        self._word_terms = _WordTerms(self._surface_terms)
        self._phrase_word = _WordMemo(self._phrase_word_of)

    def terms(self, text: str) -> list[str]:
        """The index terms of `text`, as `tokens` gives them but without their spans: each
        distinct word is analysed once and remembered, which makes indexing several times
        faster."""
        if self.korean in ("morpheme", "both"):  # morphemes need the whole sentence
            return [token.term for token in self.tokens(text)]
        return self._word_terms.of(_SURFACE.findall(normalize(text)))

    def hangul_terms(self, text: str) -> list[str]:
        """Only the Korean terms of `text` (a translation's English words left out)."""
        if self.korean in ("morpheme", "both"):
            return [t.term for t in self.tokens(text) if has_hangul(t.term)]
        return self._word_terms.of(HANGUL_WORD.findall(normalize(text)))

    def phrase_words(self, text: str) -> list[str]:
        """The English words of `text` for matching phrases: stemmed like terms, but with
        their stopwords kept and hyphenated words split ("make stuff up", "fine-tuning")."""
        return list(map(self._phrase_word.__getitem__, _PHRASE_WORD.findall(normalize(text))))

    def _phrase_word_of(self, word: str) -> str:
        return word if word.isdigit() or not self.stem else _stem(word)

    def _surface_terms(self, surface: str) -> tuple[str, ...]:
        if self.korean == "bigram" and "\uac00" <= surface[0] <= "\ud7a3":  # a Hangul run
            return _bigram_terms(surface)
        return tuple(token.term for token in self._tokens(surface))

    def tokens(self, text: str) -> tuple[Token, ...]:
        """Terms with the span of `text` they came from (for highlighting matched words).

        The last few thousand texts are remembered: search analyses the same passages again
        to place links and highlight words."""
        return self._cached_tokens(text)

    def occurrences(self, text: str, terms: Iterable[str]) -> list[Token]:
        """The tokens of `text` whose term is one of `terms`, in text order. Remembered per
        text like `tokens`, as a term -> tokens table, so a query's few terms are looked up
        instead of every token of the text being checked."""
        table = self._cached_occurrences(text)
        found = [token for term in set(terms) for token in table.get(term, ())]
        found.sort(key=_token_start)
        return found

    def _occurrences(self, text: str) -> dict[str, tuple[Token, ...]]:
        table: dict[str, list[Token]] = {}
        for token in self.tokens(text):
            table.setdefault(token.term, []).append(token)
        return {term: tuple(tokens) for term, tokens in table.items()}

    def _tokens(self, text: str) -> tuple[Token, ...]:
        """Analyse `text` (see `tokens`).

        Spans index the original `text` as long as normalisation keeps its length, which NFKC
        does for the transcript; otherwise they index the normalised text.
        """
        normalized = normalize(text)
        out: list[Token] = []
        has_hangul = False
        for match in _TOKEN.finditer(normalized):
            kind = match.lastgroup
            surface = match.group()
            start, end = match.span()
            if kind == "number":
                out.append(Token(surface, start, end))
            elif kind == "hangul":
                has_hangul = True
                if self.korean in ("bigram", "both"):
                    out.extend(_bigrams(surface, start))
            else:
                out.extend(self._english(surface, start, end))
        if has_hangul and self.korean in ("morpheme", "both"):
            out.extend(_morphemes(normalized))
            out.sort(key=lambda token: token.start)
        return tuple(out)

    def _english(self, word: str, start: int, end: int) -> list[Token]:
        if "-" not in word and "'" not in word and "’" not in word:
            term = self._english_term(word)
            return [Token(term, start, end)] if term else []
        word = word.replace("’", "'")
        if word in self.stopwords:  # "don't", "it's"
            return []
        # "gpt-4o" is kept whole and as its parts; "model's" is its parts ("model", "s").
        out = [Token(word, start, end)] if "-" in word else []
        offset = start
        for part in re.split(r"[-']", word):
            term = self._english_term(part)
            if term:
                out.append(Token(term, offset, offset + len(part)))
            offset += len(part) + 1
        return out

    def _english_term(self, word: str) -> str:
        if not word or word in self.stopwords:
            return ""
        if word.isdigit() or not self.stem:
            return word
        return _stem(word)


def _token_start(token: Token) -> int:
    return token.start


class _WordMemo(dict[str, V]):
    """Word -> what `analyse` makes of it, computed the first time the word is seen."""

    def __init__(self, analyse: Callable[[str], V]):
        super().__init__()
        self._analyse = analyse

    def __missing__(self, surface: str) -> V:
        if len(self) >= _MEMO_LIMIT:
            self.clear()
        value = self[surface] = self._analyse(surface)
        return value


class _WordTerms(_WordMemo[tuple[str, ...]]):
    """Word -> its terms."""

    def of(self, surfaces: list[str]) -> list[str]:
        return list(chain.from_iterable(map(self.__getitem__, surfaces)))


def _bigram_terms(run: str) -> tuple[str, ...]:
    """A Hangul run's overlapping two-syllable terms; a single syllable is its own term."""
    if len(run) == 1:
        return (run,)
    return tuple(run[i : i + 2] for i in range(len(run) - 1))


def _bigrams(run: str, start: int) -> list[Token]:
    return [
        Token(term, start + i, start + i + len(term)) for i, term in enumerate(_bigram_terms(run))
    ]


def korean_content_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the Korean content words (nouns, verb and adjective stems, roots)
    of already-normalised `text`: what is left when particles and endings ("가", "는",
    "뭐야", "-해?") are dropped. Questions use it to search only the words that carry meaning."""
    return [
        (token.start, token.start + token.len)
        for token in _kiwi().tokenize(text)
        if token.tag.startswith(_CONTENT_TAGS) and _HANGUL.search(token.form)
    ]


def _morphemes(text: str) -> list[Token]:
    """Korean content morphemes (Kiwi), marked with a leading "~" so they never collide
    with a bigram of the same two syllables."""
    return [
        Token("~" + token.form, token.start, token.start + token.len)
        for token in _kiwi().tokenize(text)
        if token.tag.startswith(_CONTENT_TAGS) and _HANGUL.search(token.form)
    ]


_HANGUL = re.compile(r"[\uac00-\ud7a3]")
HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]+")


def has_hangul(text: str) -> bool:
    return _HANGUL.search(text) is not None


@lru_cache(maxsize=1)
def _kiwi():  # loading the model takes ~1 s and 300 MB: only for the optional Kiwi modes
    try:
        from kiwipiepy import Kiwi
    except ImportError:
        raise RuntimeError(
            "Kiwi morphemes need the optional extra: pip install 'lecture-bot[kiwi]'"
        ) from None
    return Kiwi(load_typo_dict=False, load_multi_dict=False)


_STEMMER = Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    stem = _STEMMER.stemWord(word)
    # Snowball keeps a noun's y (as i) and strips a verb's -ize: "categories" and "categorize"
    # stem apart (categori / categor), as do memory / memorize.
    return stem[:-1] if len(stem) >= 6 and stem.endswith("ri") else stem
