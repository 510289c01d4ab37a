"""The glossary's multi-word spellings, indexed as one term each.

"make stuff up" is how the lecture says "hallucinate", but word by word it is only "make"
("stuff" and "up" are stopwords), which the lecture says everywhere. As one phrase term it
has its own IDF: rare, hence strong evidence, and found only where the words stand together.
A phrase term is its words joined by spaces, which no word term ever contains.
"""

from __future__ import annotations

from collections.abc import Iterable

from retrieval.analysis import Analyzer, has_hangul


def phrase_term(analyzer: Analyzer, spelling: str) -> str:
    """The term a multi-word English spelling is indexed as; "" for one word or Korean."""
    if has_hangul(spelling):
        return ""
    words = analyzer.phrase_words(spelling)
    return " ".join(words) if len(words) > 1 else ""


class PhraseMatcher:
    """Finds phrase terms (as `phrase_term` makes them) in a text."""

    def __init__(self, analyzer: Analyzer, phrases: Iterable[str]):
        self.analyzer = analyzer
        self._by_first_word: dict[str, set[tuple[str, ...]]] = {}
        for phrase in phrases:
            words = tuple(phrase.split(" "))
            self._by_first_word.setdefault(words[0], set()).add(words)

    def terms(self, text: str) -> list[str]:
        """The phrase terms said in `text`, once per time they are said."""
        if not self._by_first_word:
            return []
        words = self.analyzer.phrase_words(text)
        by_first_word = self._by_first_word
        found = []
        for position in [i for i, word in enumerate(words) if word in by_first_word]:
            for phrase in by_first_word[words[position]]:
                if tuple(words[position : position + len(phrase)]) == phrase:
                    found.append(" ".join(phrase))
        return found
