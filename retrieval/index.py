"""The searchable index: passages, one analyzer, BM25 fields, and ranked, diverse hits.

An index is built from the lectures (or restored from what `state()` saved) and ranks their
passages for a question. Where each hit's link lands is retrieval/links.py's job; whether the
best hit really answers, retrieval/verdict.py's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import groupby
from typing import Any

import numpy as np

from retrieval.analysis import Analyzer, has_hangul
from retrieval.corpus import EncodedCorpus
from retrieval.course import Course
from retrieval.errors import QueryError
from retrieval.glossary import QueryExpander, QueryTerm
from retrieval.lecture import Catalog, Chapter, Lecture, SynonymGroup
from retrieval.links import LinkPlacer
from retrieval.passage_terms import Highlights, SpokenTerms
from retrieval.passages import Passage, build_moment_passages, build_passages
from retrieval.phrases import PhraseMatcher
from retrieval.results import Answer, Hit
from retrieval.scoring import BM25Params, BM25Scorer, BM25Variant, WeightedFields
from retrieval.search_config import DEFAULT_CONFIG, SearchConfig
from retrieval.spelling import SpellingCorrector, has_unknown_word
from retrieval.timing import WordClock
from retrieval.verdict import ChapterSuggestions, Coverage, NoMatchRule, Verdict, coverage

__all__ = ["MAX_QUERY_CHARS", "Index", "SearchConfig", "check_query"]

MAX_QUERY_CHARS = 1000


def check_query(query: str) -> str:
    """The question stripped, or QueryError when it is empty or too long to be a question."""
    text = query.strip()
    if not text:
        raise QueryError("Please type a question, for example: what is SFT?", key="query_empty")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"That question is {len(text):,} characters long; please keep it under "
            f"{MAX_QUERY_CHARS:,} (a sentence or two works best).",
            key="too_long",
            limit=MAX_QUERY_CHARS,
            length=len(text),
        )
    return text


@dataclass(frozen=True, slots=True)
class _Scored:
    passage: int
    score: float
    link: int
    coverage: Coverage  # of the question's ideas


class Index:
    """Built once from a Lecture or a Course; `search` and `answer` are pure and thread-safe.

    One index over every lecture of a course: the BM25 statistics are shared, so a moment of
    one lecture and a moment of another are scored on the same scale and ranked together."""

    def __init__(
        self,
        source: Lecture | Course,
        config: SearchConfig = DEFAULT_CONFIG,
        saved: Mapping[str, Any] | None = None,
    ):
        """`saved`: what `state()` of an index of the same source and config gave (a persisted
        index, retrieval/index_cache.py): its passages and tables are taken, not built again."""
        self.course = source if isinstance(source, Course) else Course((source,))
        self.lectures = self.course.lectures
        self.lecture = self.course.default  # where a lecture must be chosen and none was
        self.catalog = self.lecture.catalog
        self.config = config
        self.analyzer = Analyzer(stem=config.stem, stopwords=config.stopwords, korean=config.korean)
        self.glossary = _merged_glossary(lecture.catalog for lecture in self.lectures)
        self.expander = QueryExpander(
            self.glossary,
            self.analyzer,
            weight=config.glossary_weight,
            korean_stems=config.korean_stems,
            phrases=config.phrases,
            saved=_part(saved, "glossary"),
        )
        self.phrases = PhraseMatcher(self.analyzer, self.expander.phrases)
        # Each lecture's clock aligns a segment the first time it is asked.
        self.clocks = tuple(WordClock(lecture) for lecture in self.lectures)
        self.clock = self.clocks[0]
        self.segments = tuple(s for lecture in self.lectures for s in lecture.segments)
        self.passages = self._course_passages() if saved is None else self._saved_passages(saved)
        if not self.passages:
            raise ValueError("the lecture has no transcript segments to index")
        self.by_moments = any(p.moment for p in self.passages)
        if saved is None:
            self._build_fields()
        else:
            self._restore_fields(saved)
        # Each passage's words for highlights and moment links, analysed on first use.
        self.highlights = Highlights(self.analyzer, self.passages, _part(saved, "highlights"))
        self.spoken_terms = SpokenTerms(
            self.analyzer, self.passages, self.clocks, _part(saved, "spoken_terms")
        )
        self.links = LinkPlacer(
            self.lectures,
            self.clocks,
            self.passages,
            self.analyzer,
            self.spoken_terms,
            timing=config.link,
            lead_in=config.lead_in,
            late_link=config.late_link,
        )
        # Chapters of every lecture, one after the other: a passage's is found by number.
        self.chapters = tuple(c for lecture in self.lectures for c in lecture.catalog.chapters)
        chapter_offsets = np.cumsum([0] + [len(lec.catalog.chapters) for lec in self.lectures])
        self._passage_chapters = np.fromiter(
            (chapter_offsets[p.lecture] + p.chapter - 1 for p in self.passages),
            dtype=np.int32,
            count=len(self.passages),
        )
        self._passage_lectures = np.fromiter(
            (p.lecture for p in self.passages), dtype=np.int32, count=len(self.passages)
        )
        self._chapter_offsets = chapter_offsets
        chapter_params = BM25Params(variant=BM25Variant.BM25PLUS)
        if saved is None:
            self._chapter_scorer = BM25Scorer(
                [self.analyzer.terms(_chapter_document(c)) for c in self.chapters], chapter_params
            )
        else:
            self._chapter_scorer = BM25Scorer.restore(_part(saved, "chapters"), chapter_params)
        self.chapter_suggestions = ChapterSuggestions(self.chapters, self._chapter_scorer)
        self.no_match = NoMatchRule(
            config.min_coverage, config.min_single_coverage, config.min_partial_coverage
        )
        self._unknown_idf = math.log(len(self.passages) + 1)
        self._saved_spelling = None if saved is None else _part(saved, "spelling")

    def _build_fields(self) -> None:
        """Analyse the passages' words and build every BM25 field."""
        config = self.config
        first = [p.first for p in self.passages]
        last = [p.last for p in self.passages]
        # A moment with captions has its own words; windows (and moments without captions)
        # are runs of their segments' term ids, each segment analysed once.
        english = None
        if any(not self._own_words(p) for p in self.passages):
            english = EncodedCorpus.encode(self.english_terms(s.text) for s in self.segments)
        parts: list[EncodedCorpus] = []
        for own, group in groupby(
            range(len(self.passages)), key=lambda i: self._own_words(self.passages[i])
        ):
            numbers = list(group)
            if own:
                parts.append(
                    EncodedCorpus.encode(self.english_terms(self.passages[i].text) for i in numbers)
                )
            else:
                assert english is not None
                parts.append(
                    english.windows([first[i] for i in numbers], [last[i] for i in numbers])
                )
        self.scorer = BM25Scorer(EncodedCorpus.concat(parts), config.bm25)
        # Single segments, scored only to decide where in a window its link should land.
        self.segment_scorer: BM25Scorer | None = None
        if english is not None and any(p.moment is None for p in self.passages):
            self.segment_scorer = BM25Scorer(english, config.bm25)
        # The English-side fields a query scores against, summed with their weights.
        self.authored: BM25Scorer | None = None
        self.english: BM25Scorer | WeightedFields = self.scorer
        if self.by_moments:
            self.authored = BM25Scorer(
                [self.english_terms(p.authored) for p in self.passages], config.bm25
            )
            self.english = WeightedFields(
                [(self.scorer, config.spoken_weight), (self.authored, config.authored_weight)]
            )
        # The Korean translation is its own field: its length must not change English scores.
        self.scorer_ko = self.segment_scorer_ko = None
        if config.korean_translation and any(lecture.has_korean for lecture in self.lectures):
            korean = EncodedCorpus.encode(
                self.analyzer.hangul_terms(s.text_ko) for s in self.segments
            )
            self.scorer_ko = BM25Scorer(korean.windows(first, last), config.bm25)
            if self.segment_scorer is not None:
                self.segment_scorer_ko = BM25Scorer(korean, config.bm25)

    def _restore_fields(self, saved: Mapping[str, Any]) -> None:
        """The BM25 fields `state()` saved."""
        for name in _FIELDS:
            part = _part(saved, name)
            setattr(self, name, BM25Scorer.restore(part, self.config.bm25) if part else None)
        self.english = self.scorer
        if self.by_moments:
            self.english = WeightedFields.restore(_part(saved, "english"))

    def state(self) -> dict[str, Any]:
        """Everything building the index computed, as arrays and lists of texts, for
        `Index(source, config, saved=...)`: the passages' caption words, every BM25 table,
        each passage's analysed words (highlights, moment links) and the spelling
        vocabulary. Analyses now whatever questions have not needed yet."""
        passages = self.passages
        moments = [{m: n for n, m in enumerate(lec.catalog.moments)} for lec in self.lectures]
        state: dict[str, Any] = {
            "passages.first": np.array([p.first for p in passages], dtype=np.int64),
            "passages.last": np.array([p.last for p in passages], dtype=np.int64),
            "passages.lecture": np.array([p.lecture for p in passages], dtype=np.int64),
            "passages.moment": np.array(
                [-1 if p.moment is None else moments[p.lecture][p.moment] for p in passages],
                dtype=np.int64,
            ),
            "passages.moment_end": np.array([p.moment_end for p in passages], dtype=np.int64),
            "passages.spoken": [p.spoken for p in passages],
        }
        tables: dict[str, Any] = {name: getattr(self, name) for name in _FIELDS}
        tables |= {"chapters": self._chapter_scorer, "glossary": self.expander}
        tables |= {"highlights": self.highlights, "spoken_terms": self.spoken_terms}
        if self.english is not self.scorer:
            tables["english"] = self.english
        for name, table in tables.items():
            if table is not None:
                state |= {f"{name}.{key}": value for key, value in table.state().items()}
        words, counts = self.spelling.counts
        state |= {"spelling.words": words, "spelling.counts": np.array(counts, dtype=np.int64)}
        return state

    def _saved_passages(self, saved: Mapping[str, Any]) -> list[Passage]:
        """The passages `state()` saved, made again from their numbers and caption words."""
        columns = [
            saved[f"passages.{name}"].tolist()
            for name in ("first", "last", "lecture", "moment", "moment_end")
        ]
        passages = []
        for first, last, lecture, moment, end, spoken in zip(
            *columns, saved["passages.spoken"], strict=True
        ):
            catalog = self.lectures[lecture].catalog
            passages.append(
                Passage(
                    first,
                    last,
                    self.segments[first : last + 1],
                    None if moment < 0 else catalog.moments[moment],
                    end,
                    spoken,
                    lecture,
                )
            )
        return passages

    def _course_passages(self) -> list[Passage]:
        """Every lecture's passages: its key moments where it has them, else windows."""
        passages: list[Passage] = []
        offset = 0
        for number, (lecture, clock) in enumerate(zip(self.lectures, self.clocks, strict=True)):
            if self.config.moments and lecture.catalog.moments and lecture.segments:
                passages += build_moment_passages(lecture, clock, number, offset)
            else:
                passages += build_passages(
                    lecture.segments, self.config.window, self.config.stride, number, offset
                )
            offset += len(lecture.segments)
        return passages

    def _own_words(self, passage: Passage) -> bool:
        """Whether a passage is indexed by its own words (a moment's caption words)."""
        return passage.moment is not None and self.clocks[passage.lecture].has_timings

    def lecture_number(self, lecture: str | None) -> int | None:
        """The place of lecture `lecture` in the course (None for none); KeyError if unknown."""
        if lecture is None:
            return None
        return self.course.ids.index(lecture) if lecture in self.course.ids else _unknown(lecture)

    @cached_property
    def spelling(self) -> SpellingCorrector:
        """The lecture's words for correcting typos, gathered the first time a question asks."""
        if self._saved_spelling:
            words, counts = self._saved_spelling["words"], self._saved_spelling["counts"]
            return SpellingCorrector.from_counts(words, counts.tolist())
        return SpellingCorrector(
            [
                *(segment.text for segment in self.segments),
                *(passage.authored for passage in self.passages if passage.moment),
                *(term for group in self.glossary for term in group.terms),
            ]
        )

    @classmethod
    def build(cls, source: Lecture | Course, config: SearchConfig = DEFAULT_CONFIG) -> Index:
        return cls(source, config)

    def english_terms(self, text: str) -> list[str]:
        """The terms the English field indexes for `text`: its words, then its phrases."""
        return self.analyzer.terms(text) + self.phrases.terms(text)

    # -- queries -----------------------------------------------------------------------

    def query_terms(self, query: str) -> list[QueryTerm]:
        """The weighted terms a query searches for; QueryError when there are none."""
        text = check_query(query)
        if self.config.correct_spelling and has_unknown_word(text, self._known_word):
            text = self.spelling.correct(text, self._known_word)
        terms = self.expander.expand(text)
        if not terms:
            raise QueryError(
                "That question has no searchable words (only very common words, symbols or "
                "emoji). Try a few keywords, for example: tokenization, RLHF, hallucination.",
                key="query_no_words",
            )
        return self._capped(terms) if self.config.cap_spellings else terms

    def _capped(self, terms: list[QueryTerm]) -> list[QueryTerm]:
        """`terms` with each glossary spelling weighing at most as much as the student's own
        English word for its idea: scaled by the word's IDF over the spelling's when the
        spelling is rarer in the lecture. The expansion is there to find the idea however the
        lecture says it, not to pull the question to the rarest way of saying it. Korean words
        set no cap: their IDF is of Hangul bigrams, not comparable with an English term's."""
        own_idf: dict[int, float] = {}
        for term in terms:
            if term.own and not has_hangul(term.term) and self._known(term.term):
                own_idf[term.concept] = max(own_idf.get(term.concept, 0.0), self._idf(term.term))
        capped = []
        for term in terms:
            cap = own_idf.get(term.concept)
            idf = self._idf(term.term) if cap is not None and not term.own else 0.0
            if cap is not None and idf > cap and self._known(term.term):
                term = replace(term, weight=term.weight * cap / idf)
            capped.append(term)
        return capped

    def search(
        self, query: str, k: int = 3, chapter: int | None = None, lecture: str | None = None
    ) -> list[Hit]:
        """The `k` best moments for `query`, at least `min_gap` seconds apart, in the whole
        course or in `lecture` (and its chapter `chapter`; the default lecture's when no
        lecture is named). KeyError for a lecture or chapter that does not exist."""
        where = self._where(chapter, lecture)
        terms = self.query_terms(query)
        return [
            self._hit(rank, scored, terms)
            for rank, scored in enumerate(self._rank(terms, k, *where), start=1)
        ]

    def answer(
        self, query: str, k: int = 3, chapter: int | None = None, lecture: str | None = None
    ) -> Answer:
        """Like `search`, but says so when nothing really matches: no hits, and the chapters
        closest to the question as suggestions."""
        where = self._where(chapter, lecture)
        terms = self.query_terms(query)
        ranked = self._rank(terms, k, *where)
        verdict = self.no_match.verdict(ranked[0].coverage if ranked else None)
        return self.answer_of(
            query,
            terms,
            verdict,
            lambda: tuple(self._hit(rank, scored, terms) for rank, scored in enumerate(ranked, 1)),
            where[0],
        )

    def answer_of(
        self,
        query: str,
        terms: list[QueryTerm],
        verdict: Verdict,
        hits: Callable[[], tuple[Hit, ...]],
        lecture: int | None = None,
    ) -> Answer:
        """The answer to `query` given its verdict: no hits and the closest chapters (of
        lecture number `lecture`) when not covered; else `hits()`, with those chapters too
        when the match is weak."""
        lang = "ko" if has_hangul(query) else "en"
        if verdict is Verdict.NOT_COVERED:
            return Answer(query, (), self.suggest_chapters(terms, lecture=lecture), lang)
        weak = verdict is Verdict.WEAK
        suggestions = self.suggest_chapters(terms, lecture=lecture) if weak else ()
        return Answer(query, hits(), suggestions, lang, weak)

    def verdict(self, terms: list[QueryTerm], scores: np.ndarray) -> Verdict:
        """The no-match verdict on the best passage of the whole index, given the query's
        `ranking_scores`: what `answer` decides on its first hit, without ranking again."""
        mentions, weights = self._mentions(terms)
        candidates = np.flatnonzero(mentions.any(axis=0))
        if not len(candidates):
            return self.no_match.verdict(None)
        best = next(_best_first(candidates, scores))
        return self.no_match.verdict(coverage(mentions[:, best], weights))

    def matches(self, query: str, lecture: str | None = None) -> list[tuple[int, float]]:
        """Where the question's topic lives in one lecture: every moment (passage) that
        mentions any of its ideas, as (start second, strength) in time order; strength is the
        moment's ranking score as a share of the lecture's best, in (0, 1]. The lecture is
        `lecture`, else the best-matching moment's (the answer's first hit's). Ranking is
        untouched. QueryError as `answer`; KeyError for an unknown lecture."""
        number = self.lecture_number(lecture)
        terms = self.query_terms(query)
        scores = self.ranking_scores(terms)
        matched = self._mentions(terms)[0].any(axis=0)
        if number is None:
            candidates = np.flatnonzero(matched)
            if not len(candidates):
                return []
            # The first of the best, as `_rank` takes it.
            number = int(self._passage_lectures[candidates[np.argmax(scores[candidates])]])
        positions = np.flatnonzero(matched & (self._passage_lectures == number))
        top = float(scores[positions].max()) if len(positions) else 0.0
        if top <= 0:
            return []
        strengths = scores[positions] / top
        keep = strengths > 0
        starts, strengths = self._passage_starts[positions[keep]], strengths[keep]
        order = np.lexsort((strengths, starts))  # by time (then strength), as tuples sort
        return list(zip(starts[order].tolist(), strengths[order].tolist(), strict=True))

    @cached_property
    def _passage_starts(self) -> np.ndarray:
        """Every passage's start second (for `matches`, made the first time it is asked)."""
        return np.fromiter(
            (p.start for p in self.passages), dtype=np.int64, count=len(self.passages)
        )

    def _where(self, chapter: int | None, lecture: str | None) -> tuple[int | None, int | None]:
        """(lecture number, global chapter index) to search in; KeyError for unknown ones."""
        number = self.lecture_number(lecture)
        if chapter is None:
            return number, None
        home = 0 if number is None else number
        self.lectures[home].catalog.chapter(chapter)  # KeyError for a chapter that is not
        return home, int(self._chapter_offsets[home]) + chapter - 1

    def suggest_chapters(
        self, terms: list[QueryTerm], limit: int = 3, lecture: int | None = None
    ) -> tuple[Chapter, ...]:
        """The chapters closest to a question (of lecture number `lecture` when given)."""
        lecture_id = None if lecture is None else self.lectures[lecture].catalog.lecture_id
        return self.chapter_suggestions.closest(terms, limit, lecture_id)

    # -- ranking -----------------------------------------------------------------------

    def _rank(
        self, terms: list[QueryTerm], k: int, lecture: int | None = None, chapter: int | None = None
    ) -> list[_Scored]:
        """The `k` best passages (in `lecture`, in global chapter index `chapter`)."""
        scores = self.ranking_scores(terms)
        mentions, concept_weights = self._mentions(terms)
        matched = mentions.any(axis=0)
        if lecture is not None:
            matched &= self._passage_lectures == lecture
        if chapter is not None:
            matched &= self._passage_chapters == chapter
        order = _best_first(np.flatnonzero(matched), scores)
        segment_scores = None
        if self.segment_scorer is not None:  # windows link into their best-matching segment
            segment_scores = self._scores(terms, self.segment_scorer, self.segment_scorer_ko)
        link_of = self.links.links(terms, self._idf, segment_scores)
        chosen: list[_Scored] = []
        for position in order:
            passage = self.passages[position]
            link = link_of(position)
            if any(
                abs(link - other.link) < self.config.min_gap
                and self.passages[other.passage].lecture == passage.lecture
                for other in chosen
            ):
                continue
            chosen.append(
                _Scored(
                    int(position),
                    float(scores[position]),
                    link,
                    coverage(mentions[:, position], concept_weights),
                )
            )
            if len(chosen) == k:
                break
        return chosen

    def ranking_scores(self, terms: list[QueryTerm]) -> np.ndarray:
        """Every passage's score for the query: its fields' BM25 plus the chapter prior."""
        scores = self._scores(terms)
        if self.config.chapter_prior:
            scores = scores + self._chapter_boost(terms, scores)
        return scores

    @property
    def passage_lectures(self) -> np.ndarray:
        """The lecture number of every passage."""
        return self._passage_lectures

    def warm(self) -> None:
        """Do now what the first questions would otherwise pay for: every moment's spoken
        terms, or (without moments) every paragraph's caption alignment, and the spelling
        vocabulary."""
        self.links.warm()
        if self.config.correct_spelling:
            self.spelling.warm()

    def _scores(
        self,
        terms: list[QueryTerm],
        english: BM25Scorer | WeightedFields | None = None,
        korean: BM25Scorer | None = None,
    ) -> np.ndarray:
        """BM25 over the passages' fields (or over other scorers when given)."""
        if english is None:
            english, korean = self.english, self.scorer_ko
        fields = (english, korean)
        if not self.config.best_spelling:
            return self._field_scores(terms, *fields)
        # Summing every spelling of an idea ranks first the passage that says it most ways
        # ("RL" and "reinforcement learning", three caption misspellings of "RLHF"), and lets
        # an idea with many glossary spellings outweigh the rest of the question.
        spellings: dict[int, dict[int, list[QueryTerm]]] = {}
        # A word the lecture never uses scores 0 everywhere: such spellings can never be an
        # idea's best, so they are not scored at all (many glossary spellings of a Korean
        # question are like that).
        for term in filter(lambda term: self._known(term.term), terms):
            spellings.setdefault(term.concept, {}).setdefault(term.spelling, []).append(term)
        single: list[QueryTerm] = []  # ideas written one way score together, in one pass
        several: list[list[list[QueryTerm]]] = []
        for ways in spellings.values():
            if len(ways) == 1:
                single += next(iter(ways.values()))
            else:
                several.append(list(ways.values()))
        total = self._field_scores(single, *fields)
        for first, *others in several:
            best = self._field_scores(first, *fields)
            for way in others:
                np.maximum(best, self._field_scores(way, *fields), out=best)
            total += best
        return total

    def _field_scores(
        self,
        terms: list[QueryTerm],
        english: BM25Scorer | WeightedFields,
        korean_field: BM25Scorer | None,
    ) -> np.ndarray:
        """BM25 of `terms` in the English-side fields (the spoken words and, for key moments,
        the authored ones, weighted) plus the Korean translation field."""
        words, weights = [t.term for t in terms], [t.weight for t in terms]
        scores = english.scores(words, weights)
        korean = [i for i, word in enumerate(words) if has_hangul(word)]
        if korean_field is not None and korean:
            field_weight = self.config.korean_field_weight
            scores = scores + korean_field.scores(
                [words[i] for i in korean], [weights[i] * field_weight for i in korean]
            )
        return scores

    def _mentions(self, terms: list[QueryTerm]) -> tuple[np.ndarray, np.ndarray]:
        """Which passages mention each of the query's ideas (a row per idea), and how much
        each idea weighs: as much as its most specific form, the student's own word (an
        unknown one weighs the most) or a glossary form the lecture actually uses."""
        rows = {concept: row for row, concept in enumerate(dict.fromkeys(t.concept for t in terms))}
        mentions = np.zeros((len(rows), len(self.passages)), dtype=bool)
        weights = np.zeros(len(rows), dtype=np.float64)
        for term in terms:
            row = rows[term.concept]
            for scorer in self._fields_of(term.term):
                mentions[row, scorer.postings(term.term)] = True
            if term.weight == 1.0 or self._known(term.term):
                weights[row] = max(weights[row], self._idf(term.term))
        return mentions, weights

    def _chapter_boost(self, terms: list[QueryTerm], scores: np.ndarray) -> np.ndarray:
        chapter_scores = self._chapter_scorer.scores(
            [t.term for t in terms], [t.weight for t in terms]
        )
        top = chapter_scores.max()
        if top <= 0:
            return np.zeros_like(scores)
        by_chapter = chapter_scores / top
        return self.config.chapter_prior * scores.max() * by_chapter[self._passage_chapters]

    def _fields_of(self, term: str) -> list[BM25Scorer | WeightedFields]:
        """Where a term can occur in a passage: the English-side fields (for key moments,
        the spoken and the authored words) and, for a Korean term, the translation."""
        if has_hangul(term) and self.scorer_ko is not None:
            return [self.english, self.scorer_ko]
        return [self.english]

    def _idf(self, term: str) -> float:
        fields = (self.scorer, self.authored, self.scorer_ko)
        idfs = [field.idf[term] for field in fields if field is not None and term in field.idf]
        return max(0.0, *idfs) if idfs else self._unknown_idf

    def _known_word(self, word: str) -> bool:
        """Whether every term of an English word is in the index (stopwords count as known)."""
        return all(self._known(term) for term in self.analyzer.terms(word))

    def _known(self, term: str) -> bool:
        fields = (self.scorer, self.authored, self.scorer_ko)
        return any(field is not None and term in field.idf for field in fields)

    def _hit(self, rank: int, scored: _Scored, terms: list[QueryTerm]) -> Hit:
        passage = self.passages[scored.passage]
        # A host's question shows the answer its link lands on: the next moment's words.
        shown = scored.passage + 1 if passage.moment and passage.moment.question else scored.passage
        wanted = {t.term for t in terms}
        catalog = self.lectures[passage.lecture].catalog
        # The link decides the chapter: a paragraph may straddle a chapter's true start.
        chapter = catalog.chapter_at(scored.link)
        return Hit(
            rank=rank,
            chapter=chapter.number,
            chapter_title=chapter.title,
            start=scored.link,
            end=self.passages[shown].end,
            url=catalog.url(scored.link),
            text=self.passages[shown].text,
            spans=self.highlights.spans(shown, False, wanted),
            score=scored.score,
            text_ko=self.passages[shown].text_ko,
            spans_ko=self.highlights.spans(shown, True, wanted),
            title=passage.moment.title if passage.moment else "",
            title_ko=passage.moment.title_ko if passage.moment else "",
            lecture=catalog.lecture_id,
            lecture_title=catalog.title,
            lecture_title_ko=catalog.title_ko,
            chapter_title_ko=chapter.title_ko,
        )


def _best_first(candidates: np.ndarray, scores: np.ndarray, head: int = 64) -> Iterator[int]:
    """Candidates by descending score, ties to the earlier passage. Only the best `head` are
    sorted unless diversity skips past them: at 100× the lecture, sorting every candidate
    dominated a query."""
    if len(candidates) > head:
        cut = np.argpartition(-scores[candidates], head - 1)[:head]
        top = candidates[cut]
        top = top[np.lexsort((top, -scores[top]))]
        yield from top.tolist()
        rest = np.setdiff1d(candidates, top, assume_unique=True)
        candidates = rest
    yield from candidates[np.lexsort((candidates, -scores[candidates]))].tolist()


# The BM25 fields an index may have (None when it does not), by attribute name.
_FIELDS = ("scorer", "segment_scorer", "authored", "scorer_ko", "segment_scorer_ko")


def _part(saved: Mapping[str, Any] | None, name: str) -> dict[str, Any]:
    """The entries of `saved` named `name.*`, without the prefix ({} when there are none)."""
    if saved is None:
        return {}
    prefix = name + "."
    return {key[len(prefix) :]: value for key, value in saved.items() if key.startswith(prefix)}


def _unknown(lecture: str) -> int:
    raise KeyError(lecture)


def _merged_glossary(catalogs: Iterable[Catalog]) -> tuple[SynonymGroup, ...]:
    """Every lecture's glossary groups, each once."""
    return tuple(dict.fromkeys(group for catalog in catalogs for group in catalog.glossary))


def _chapter_document(chapter: Chapter) -> str:
    return " ".join(
        [
            chapter.title,
            chapter.title_ko,
            chapter.summary_en,
            chapter.summary_ko,
            *chapter.key_points_en,
            *chapter.key_points_ko,
        ]
    )
