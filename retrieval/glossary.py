"""Query-time glossary expansion.

A student types "SFT", "RLHF", "ChatGPT" or "강화학습"; the lecture says "supervised fine
tuning", "arlef", "Chachi PT", "reinforcement learning". When a query contains any term of a
synonym group, the other terms are added as extra query terms with their own weight, so each
keeps its own IDF and the student's own word still counts.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from retrieval import korean
from retrieval.analysis import (
    HANGUL_WORD,
    Analyzer,
    Token,
    has_hangul,
    korean_content_spans,
    normalize,
)
from retrieval.lecture import SynonymGroup
from retrieval.phrases import phrase_term


@dataclass(frozen=True, slots=True)
class QueryTerm:
    """One weighted query term; `concept` groups the terms that stand for the same idea and
    `spelling` the terms of one way of writing it ("reinforc" and "learn" of "reinforcement
    learning"; the bigrams of one Korean word)."""

    term: str
    weight: float
    concept: int
    spelling: int
    own: bool = False  # the student's own word (else a glossary spelling of one)


@dataclass(frozen=True, slots=True)
class _Group:
    korean: bool  # a Korean <-> English group: only expands questions written in Korean
    members: tuple[_Member, ...]


@dataclass(frozen=True, slots=True)
class _Member:
    terms: tuple[str, ...]
    hangul_key: str  # the member without spaces when it contains Hangul, else ""
    share: int  # how many parts split the spelling's weight: its terms, or its words if more
    phrase: str  # a multi-word English spelling as one term (retrieval/phrases.py), else ""


class KoreanStems(StrEnum):
    """How a Korean question's content words are found."""

    RULES = "rules"  # particles and endings stripped (retrieval/korean.py)
    KIWI = "kiwi"  # Kiwi's morpheme analysis


class QueryExpander:
    def __init__(
        self,
        groups: tuple[SynonymGroup, ...],
        analyzer: Analyzer,
        weight: float = 1.0,
        korean_stems: str = KoreanStems.RULES,
        phrases: bool = False,
        saved: Mapping[str, Any] | None = None,
    ):
        """`korean_stems`: how a Korean question's content words are found: "rules" (strip
        particles and endings, retrieval/korean.py) or "kiwi" (morpheme analysis). `saved`:
        what `state()` gave for the same groups and settings (a persisted index)."""
        self.analyzer = analyzer
        self.weight = weight
        self._content_spans = (
            korean_content_spans if korean_stems == KoreanStems.KIWI else korean.content_spans
        )
        self._groups = _restore_groups(saved) if saved else _analyse(groups, analyzer, phrases)
        self.phrases = frozenset(m.phrase for g in self._groups for m in g.members if m.phrase)
        # Which groups a query may match, by the first term of each English member and the
        # first character of each Korean one.
        self._longest = max((len(m.terms) for g in self._groups for m in g.members), default=1)
        self._by_first_term: dict[str, list[int]] = {}
        self._by_first_syllable: dict[str, list[int]] = {}
        for position, candidate in enumerate(self._groups):
            for member in candidate.members:
                if member.hangul_key:
                    first = member.hangul_key[0]
                    self._by_first_syllable.setdefault(first, []).append(position)
                else:
                    self._by_first_term.setdefault(member.terms[0], []).append(position)

    def state(self) -> dict[str, Any]:
        """The analysed groups as lists of texts and arrays, for `saved`."""
        members = [(number, m) for number, g in enumerate(self._groups) for m in g.members]
        return {
            "korean": np.array([group.korean for group in self._groups], dtype=bool),
            "group": np.array([number for number, _ in members], dtype=np.int64),
            "share": np.array([member.share for _, member in members], dtype=np.int64),
            "hangul_key": [member.hangul_key for _, member in members],
            "phrase": [member.phrase for _, member in members],
            "term_counts": np.array([len(member.terms) for _, member in members], np.int64),
            "terms": [term for _, member in members for term in member.terms],
        }

    def _candidates(self, query_terms: list[str], compact_query: str) -> list[_Group]:
        """The groups a member of which may be in the query, found by the member's first
        term or (Korean members) first character."""
        positions = {p for term in query_terms for p in self._by_first_term.get(term, ())}
        for character in set(compact_query):
            positions.update(self._by_first_syllable.get(character, ()))
        return [self._groups[p] for p in sorted(positions)]

    def expand(self, query: str) -> list[QueryTerm]:
        """Query terms (in order, first occurrence kept once) plus glossary expansions."""
        normalized = normalize(query)
        tokens = _without_korean_endings(
            self.analyzer.tokens(query), self._content_spans(normalized)
        )
        concept_of: dict[str, int] = {}
        for token in tokens:
            if token.term not in concept_of:
                concept_of[token.term] = len(concept_of)
        _merge_hangul_words(normalized, tokens, concept_of)
        # Each of the student's words is its own spelling; a Korean word's bigrams are one.
        terms = [
            QueryTerm(term, 1.0, concept, concept, own=True) for term, concept in concept_of.items()
        ]
        if self.weight <= 0:
            return terms
        compact = _Compact.of(normalized)
        korean_query = has_hangul(compact.text)
        query_terms = [token.term for token in tokens]
        phrases = _phrases(query_terms, self._longest)
        next_concept = next_spelling = max(concept_of.values(), default=-1) + 1
        students = set(concept_of)
        for group in self._candidates(query_terms, compact.text):
            if group.korean and not korean_query:
                continue
            members = group.members
            matched = [m for m in members if _matches(m, compact, phrases)]
            if not matched:
                continue
            concept = next_concept
            next_concept += 1
            absorbed = {concept_of[t] for m in matched for t in m.terms if t in concept_of}
            terms = [
                QueryTerm(t.term, _shared(t, terms), concept, t.spelling, own=True)
                if t.concept in absorbed
                else t
                for t in terms
            ]
            # A term another idea's glossary spelling added may spell this one too ("강화학습"
            # is "reinforcement learning" even when "RLHF" already expanded to it).
            present = set(students)
            for member in members:
                # The words of a multi-word spelling share one weight: "our hf" must not
                # search for every "our" and "hf" as strongly as "rlhf" itself. Its stopwords
                # keep their share: "make stuff up" is not "make".
                weight = self.weight / member.share
                for term in member.terms:
                    if term not in present:
                        present.add(term)
                        terms.append(QueryTerm(term, weight, concept, next_spelling))
                next_spelling += 1
                if member.phrase and member.phrase not in present:
                    present.add(member.phrase)
                    terms.append(QueryTerm(member.phrase, self.weight, concept, next_spelling))
                    next_spelling += 1
        return terms


def _analyse(groups: Sequence[SynonymGroup], analyzer: Analyzer, phrases: bool) -> list[_Group]:
    """The groups with their spellings analysed; a group left with one spelling expands
    nothing and is dropped."""
    analysed = []
    for group in groups:
        members = []
        for term in group.terms:
            key = normalize(term).replace(" ", "") if has_hangul(term) else ""
            terms = tuple(analyzer.terms(term))
            if terms:
                share = max(len(terms), len(term.split()))
                phrase = phrase_term(analyzer, term) if phrases else ""
                members.append(_Member(terms, key, share, phrase))
        if len(members) > 1:
            analysed.append(_Group(group.kind == "korean", tuple(members)))
    return analysed


def _restore_groups(saved: Mapping[str, Any]) -> list[_Group]:
    """The groups `QueryExpander.state()` described."""
    terms = iter(saved["terms"])
    members: list[list[_Member]] = [[] for _ in saved["korean"]]
    for group, share, key, phrase, count in zip(
        saved["group"].tolist(),
        saved["share"].tolist(),
        saved["hangul_key"],
        saved["phrase"],
        saved["term_counts"].tolist(),
        strict=True,
    ):
        member_terms = tuple(itertools.islice(terms, count))
        if len(member_terms) != count:
            raise ValueError("the saved glossary has fewer terms than its members")
        members[group].append(_Member(member_terms, key, share, phrase))
    return [
        _Group(korean, tuple(group))
        for korean, group in zip(saved["korean"].tolist(), members, strict=True)
    ]


def _shared(term: QueryTerm, terms: list[QueryTerm]) -> float:
    """The weight of a student's word once the glossary knows it: a Korean word's bigrams
    then share one weight like any glossary spelling's terms, so "인컨텍스트" does not search
    "컨텍" and "텍스" (any "컨텍스트", "텍스트") as strongly as the idea itself."""
    if not has_hangul(term.term):
        return term.weight
    bigrams = sum(1 for t in terms if t.spelling == term.spelling and has_hangul(t.term))
    return 1.0 / bigrams


def _without_korean_endings(
    tokens: tuple[Token, ...], spans: list[tuple[int, int]]
) -> tuple[Token, ...]:
    """Korean bigrams of a question that start inside a content word; bigrams of particles
    and verb endings ("뭐야", "거야", "필요해" -> "요해") would match any passage."""
    if not any(has_hangul(token.term) for token in tokens):
        return tokens
    return tuple(t for t in tokens if not has_hangul(t.term) or _inside(t, spans))


def _inside(token: Token, spans: list[tuple[int, int]]) -> bool:
    first, last = token.start, token.end - 1
    return any(s <= first < e for s, e in spans) and any(s <= last < e for s, e in spans)


def _phrases(terms: list[str], longest: int) -> set[tuple[str, ...]]:
    """Every run of up to `longest` consecutive query terms."""
    return {
        tuple(terms[i : i + width])
        for width in range(1, longest + 1)
        for i in range(len(terms) - width + 1)
    }


@dataclass(frozen=True, slots=True)
class _Compact:
    """A query without spaces, and the words a Korean spelling may start at: not inside a
    word ("만점" is not "점") and not at a question word ("설명해줘" asks, it is no topic)."""

    text: str
    words: dict[int, str]  # start in `text` -> the word there

    @classmethod
    def of(cls, normalized: str) -> _Compact:
        words: dict[int, str] = {}
        for match in _WORD_RUN.finditer(normalized):
            word = match.group()
            if not korean.is_question_word(word):
                words[match.start() - normalized.count(" ", 0, match.start())] = word
        return cls(normalized.replace(" ", ""), words)

    def contains(self, key: str) -> bool:
        at = self.text.find(key)
        while at >= 0:
            word = self.words.get(at)
            # One syllable is a topic only as a whole word: "점을", not "점수".
            if word is not None and (len(key) > 1 or korean.inflects(key, word)):
                return True
            at = self.text.find(key, at + 1)
        return False


_WORD_RUN = re.compile(r"[\uac00-\ud7a3]+|[^\W_\uac00-\ud7a3]+")


def _matches(member: _Member, compact: _Compact, phrases: set[tuple[str, ...]]) -> bool:
    if member.hangul_key:
        return compact.contains(member.hangul_key)
    return member.terms in phrases


def _merge_hangul_words(
    normalized: str, tokens: Sequence[Token], concept_of: dict[str, int]
) -> None:
    """Bigrams of one Korean word stand for one idea: give them the same concept."""
    for start, end in (match.span() for match in HANGUL_WORD.finditer(normalized)):
        inside = [t.term for t in tokens if start <= t.start and t.end <= end]
        if len(inside) > 1:
            first = concept_of[inside[0]]
            for term in inside[1:]:
                concept_of[term] = first
