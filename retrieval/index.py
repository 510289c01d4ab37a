"""The searchable index: passages, one analyzer, BM25, and ranked, diverse, linked hits."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from retrieval.analysis import Analyzer, Token, has_hangul
from retrieval.corpus import EncodedCorpus
from retrieval.errors import QueryError
from retrieval.glossary import QueryExpander, QueryTerm
from retrieval.lecture import Chapter, Lecture
from retrieval.passages import Passage, build_passages
from retrieval.phrases import PhraseMatcher
from retrieval.results import Answer, Hit, Span
from retrieval.scoring import BM25Params, BM25Scorer
from retrieval.timing import WordClock

MAX_QUERY_CHARS = 1000
CLUSTER_CHARS = 240  # about 15 seconds of speech: the stretch a link should start


def check_query(query: str) -> str:
    """The question stripped, or QueryError when it is empty or too long to be a question."""
    text = query.strip()
    if not text:
        raise QueryError("Please type a question, for example: what is SFT?")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"That question is {len(text):,} characters long; please keep it under "
            f"{MAX_QUERY_CHARS:,} (a sentence or two works best)."
        )
    return text


@dataclass(frozen=True, slots=True)
class SearchConfig:
    """Every knob of the retriever; defaults are the measured best (docs/retrieval.md)."""

    window: int = 2
    stride: int = 1
    bm25: BM25Params = field(default_factory=lambda: BM25Params(variant="bm25plus"))
    glossary_weight: float = 1.0
    korean_translation: bool = True
    # The translation is second-hand wording: its matches count for less than the lecture's
    # own words (measured on our Korean questions; docs/retrieval.md).
    korean_field_weight: float = 0.7
    korean: str = "bigram"
    korean_stems: str = "rules"  # content words of a Korean question: "rules" or "kiwi"
    stem: bool = True
    stopwords: bool = True
    chapter_prior: float = 0.8
    min_gap: int = 60
    # No-match rule, calibrated on the public questions and eval/off_topic.yaml: a passage
    # answers when it mentions most of the question's ideas (IDF-weighted), or at least two
    # of them and a fair share.
    min_coverage: float = 0.5
    min_partial_coverage: float = 0.25
    lead_in: int = 2
    split_compounds: bool = True
    # Where a link lands inside the best-matching segment: "caption": the second its matched
    # words are spoken, from caption timings when the data has them (else the segment start);
    # "segment": the segment start; "word": interpolated by character position.
    link: str = "caption"
    # An idea scores as its best-matching spelling (the student's word, a glossary synonym or
    # a caption misspelling) instead of the sum of all of them.
    best_spelling: bool = True
    # The glossary's multi-word spellings ("make stuff up") are also indexed as one term each.
    phrases: bool = True


@dataclass(frozen=True, slots=True)
class _Scored:
    passage: int
    score: float
    link: int
    coverage: float
    concepts: int  # how many of the question's ideas the passage mentions


class Index:
    """Built once from a Lecture; `search` and `answer` are pure and thread-safe."""

    def __init__(self, lecture: Lecture, config: SearchConfig = SearchConfig()):
        self.lecture = lecture
        self.catalog = lecture.catalog
        self.config = config
        self.analyzer = Analyzer(stem=config.stem, stopwords=config.stopwords, korean=config.korean)
        self.expander = QueryExpander(
            self.catalog.glossary,
            self.analyzer,
            weight=config.glossary_weight,
            korean_stems=config.korean_stems,
            phrases=config.phrases,
        )
        self.phrases = PhraseMatcher(self.analyzer, self.expander.phrases)
        self.passages = build_passages(lecture.segments, config.window, config.stride)
        if not self.passages:
            raise ValueError("the lecture has no transcript segments to index")
        # Each segment is analysed once; passages are windows over the segments' term ids.
        segments = lecture.segments
        first = [p.first for p in self.passages]
        last = [p.last for p in self.passages]
        english = EncodedCorpus.encode(self.english_terms(s.text) for s in segments)
        self.scorer = BM25Scorer(english.windows(first, last), config.bm25)
        # Single segments, scored only to decide where in a passage its link should land.
        self.segment_scorer = BM25Scorer(english, config.bm25)
        # The Korean translation is its own field: its length must not change English scores.
        self.scorer_ko = self.segment_scorer_ko = None
        if config.korean_translation and lecture.has_korean:
            korean = EncodedCorpus.encode(self.analyzer.hangul_terms(s.text_ko) for s in segments)
            self.scorer_ko = BM25Scorer(korean.windows(first, last), config.bm25)
            self.segment_scorer_ko = BM25Scorer(korean, config.bm25)
        self._passage_chapters = np.fromiter(
            (p.chapter - 1 for p in self.passages), dtype=np.int32, count=len(self.passages)
        )
        self.clock = WordClock(lecture)  # aligns a segment the first time it is asked
        self._chapter_scorer = BM25Scorer(
            [self.analyzer.terms(_chapter_document(c)) for c in self.catalog.chapters],
            BM25Params(variant="bm25plus"),
        )
        self._unknown_idf = math.log(len(self.passages) + 1)

    @classmethod
    def build(cls, lecture: Lecture, config: SearchConfig = SearchConfig()) -> Index:
        return cls(lecture, config)

    def english_terms(self, text: str) -> list[str]:
        """The terms the English field indexes for `text`: its words, then its phrases."""
        return self.analyzer.terms(text) + self.phrases.terms(text)

    # -- queries -----------------------------------------------------------------------

    def query_terms(self, query: str) -> list[QueryTerm]:
        """The weighted terms a query searches for; QueryError when there are none."""
        text = check_query(query)
        terms = self.expander.expand(text)
        if self.config.split_compounds:
            terms = self._split_compounds(terms)
        if not terms:
            raise QueryError(
                "That question has no searchable words (only very common words, symbols or "
                "emoji). Try a few keywords, for example: tokenization, RLHF, hallucination."
            )
        return terms

    def _split_compounds(self, terms: list[QueryTerm]) -> list[QueryTerm]:
        """A word the lecture never says may be one it does: a plural the stemmer keeps
        ("llms" -> "llm") or two words ("dataset" -> "data set", "fineweb" -> "fine web";
        the captions split such words)."""
        vocabulary = self.scorer.idf
        present = {t.term for t in terms}
        out = list(terms)
        for term in terms:
            if term.term in vocabulary or not term.term.isalpha() or has_hangul(term.term):
                continue
            singular = term.term[:-1]
            if term.term.endswith("s") and singular in vocabulary:
                if singular not in present:
                    out.append(QueryTerm(singular, term.weight, term.concept, term.spelling))
                    present.add(singular)
                continue
            for cut in range(3, len(term.term) - 2):
                left, right = term.term[:cut], term.term[cut:]
                stems = [self.analyzer.terms(part) for part in (left, right)]
                parts = [s[0] for s in stems if len(s) == 1]
                if len(parts) == 2 and all(p in vocabulary for p in parts):
                    out += [
                        QueryTerm(p, term.weight, term.concept, term.spelling)
                        for p in parts
                        if p not in present
                    ]
                    present.update(parts)
                    break
        return out

    def search(self, query: str, k: int = 3, chapter: int | None = None) -> list[Hit]:
        """The `k` best moments for `query`, at least `min_gap` seconds apart."""
        if chapter is not None:
            self.catalog.chapter(chapter)  # KeyError for a chapter that does not exist
        terms = self.query_terms(query)
        return [
            self._hit(rank, scored, terms)
            for rank, scored in enumerate(self._rank(terms, k, chapter), start=1)
        ]

    def answer(self, query: str, k: int = 3, chapter: int | None = None) -> Answer:
        """Like `search`, but says so when nothing really matches: no hits, and the chapters
        closest to the question as suggestions."""
        if chapter is not None:
            self.catalog.chapter(chapter)
        terms = self.query_terms(query)
        lang = "ko" if has_hangul(query) else "en"
        ranked = self._rank(terms, k, chapter)
        if not ranked or not self._answers(ranked[0]):
            return Answer(query, (), self.suggest_chapters(terms), lang)
        hits = tuple(self._hit(rank, scored, terms) for rank, scored in enumerate(ranked, 1))
        return Answer(query, hits, (), lang)

    def suggest_chapters(self, terms: list[QueryTerm], limit: int = 3) -> tuple[Chapter, ...]:
        scores = self._chapter_scorer.scores([t.term for t in terms], [t.weight for t in terms])
        floor = self._chapter_scorer.scores([])[0] if len(scores) else 0.0
        order = [int(i) for i in np.argsort(-scores, kind="stable") if scores[i] > floor + 1e-9]
        return tuple(self.catalog.chapters[i] for i in order[:limit])

    # -- ranking -----------------------------------------------------------------------

    def _rank(self, terms: list[QueryTerm], k: int, chapter: int | None) -> list[_Scored]:
        scores = self._scores(terms)
        if self.config.chapter_prior:
            scores = scores + self._chapter_boost(terms, scores)
        mentions, concept_weights = self._mentions(terms)
        matched = mentions.any(axis=0)
        if chapter is not None:
            matched &= self._passage_chapters == chapter - 1
        order = _best_first(np.flatnonzero(matched), scores)
        segment_scores = self._scores(terms, self.segment_scorer, self.segment_scorer_ko)
        link_weights = {t.term: t.weight * self._idf(t.term) for t in terms}
        links: dict[int, int] = {}  # best segment -> link; neighbouring passages share segments
        chosen: list[_Scored] = []
        for position in order:
            best = self._best_segment(self.passages[position], segment_scores)
            if best not in links:
                links[best] = self._link_time(best, link_weights)
            link = links[best]
            if any(abs(link - other.link) < self.config.min_gap for other in chosen):
                continue
            coverage, concepts = _coverage(mentions[:, position], concept_weights)
            chosen.append(_Scored(int(position), float(scores[position]), link, coverage, concepts))
            if len(chosen) == k:
                break
        return chosen

    def _scores(
        self,
        terms: list[QueryTerm],
        scorer: BM25Scorer | None = None,
        scorer_ko: BM25Scorer | None = None,
    ) -> np.ndarray:
        """BM25 over the English and Korean fields (passages unless other scorers are given)."""
        if scorer is None:
            scorer, scorer_ko = self.scorer, self.scorer_ko
        if not self.config.best_spelling:
            return self._field_scores(terms, scorer, scorer_ko)
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
        total = self._field_scores(single, scorer, scorer_ko)
        for first, *others in several:
            best = self._field_scores(first, scorer, scorer_ko)
            for way in others:
                np.maximum(best, self._field_scores(way, scorer, scorer_ko), out=best)
            total += best
        return total

    def _field_scores(
        self, terms: list[QueryTerm], scorer: BM25Scorer, scorer_ko: BM25Scorer | None
    ) -> np.ndarray:
        """English-field plus Korean-field BM25 of `terms`, summed."""
        words, weights = [t.term for t in terms], [t.weight for t in terms]
        scores = scorer.scores(words, weights)
        korean = [i for i, word in enumerate(words) if has_hangul(word)]
        if scorer_ko is not None and korean:
            field_weight = self.config.korean_field_weight
            scores = scores + scorer_ko.scores(
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
            mentions[row, self._field(term.term).postings(term.term)] = True
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

    def _field(self, term: str) -> BM25Scorer:
        """The BM25 field a term lives in: Korean terms in the translation's."""
        return self.scorer_ko if has_hangul(term) and self.scorer_ko else self.scorer

    def _idf(self, term: str) -> float:
        idf = self._field(term).idf.get(term)
        return self._unknown_idf if idf is None else max(idf, 0.0)

    def _known(self, term: str) -> bool:
        return term in self._field(term).idf

    def _answers(self, best: _Scored) -> bool:
        config = self.config
        if best.coverage >= config.min_coverage:
            return True
        return best.concepts >= 2 and best.coverage >= config.min_partial_coverage

    # -- links and highlights ----------------------------------------------------------

    def _best_segment(self, passage: Passage, segment_scores: np.ndarray) -> int:
        """The segment of the window that matches the query best."""
        return passage.first + int(np.argmax(segment_scores[passage.first : passage.last + 1]))

    def _link_time(self, best: int, weights: dict[str, float]) -> int:
        """Where a link into segment `best` lands: its start, or where the densest stretch of
        matched English words starts."""
        segment = self.lecture.segments[best]
        use_captions = self.config.link == "caption" and self.clock.has_timings
        if self.config.link != "word" and not use_captions:
            return segment.start
        matched = self.analyzer.occurrences(segment.text, weights)
        if not matched:
            return segment.start
        start = _densest_start(matched, weights)
        if use_captions:  # the second the words are spoken, a short lead-in before
            # A link never leaves the paragraph that matched: letting it run the second or
            # two ahead that captions sometimes do measured worse.
            spoken = self.clock.time_of(segment, start) - self.config.lead_in
            return self._within_chapter(best, min(max(spoken, segment.start), segment.end - 1))
        return self._within_chapter(best, self._time_in_segment(best, start))

    def _within_chapter(self, segment_index: int, seconds: int) -> int:
        """A paragraph that starts just before a chapter boundary may say the matched words
        after it; the link stays in the chapter the hit reports (and a chapter filter asked for)."""
        segment = self.lecture.segments[segment_index]
        return min(seconds, self.catalog.chapter(segment.chapter).end - 1)

    def _time_in_segment(self, segment_index: int, char_offset: int) -> int:
        segment = self.lecture.segments[segment_index]
        share = char_offset / max(1, len(segment.text))
        estimate = segment.start + share * (segment.end - segment.start) - self.config.lead_in
        return max(segment.start, int(estimate))

    def _hit(self, rank: int, scored: _Scored, terms: list[QueryTerm]) -> Hit:
        passage = self.passages[scored.passage]
        wanted = {t.term for t in terms}
        # The link decides the chapter: a paragraph may straddle a chapter's true start.
        chapter = self.catalog.chapter_at(scored.link)
        return Hit(
            rank=rank,
            chapter=chapter.number,
            chapter_title=chapter.title,
            start=scored.link,
            end=passage.end,
            url=self.catalog.url(scored.link),
            text=passage.text,
            spans=_spans(self.analyzer.occurrences(passage.text, wanted)),
            score=scored.score,
            text_ko=passage.text_ko,
            spans_ko=_spans(self.analyzer.occurrences(passage.text_ko, wanted)),
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


def _coverage(mentioned: np.ndarray, weights: np.ndarray) -> tuple[float, int]:
    """Share of the query's ideas (by weight) that a passage mentions, and how many."""
    total = float(weights.sum())
    if total <= 0:
        return 0.0, 0
    found = mentioned & (weights > 0)
    return float(weights[found].sum()) / total, int(found.sum())


def _densest_start(tokens: list[Token], weights: dict[str, float]) -> int:
    """Start offset of the window of CLUSTER_CHARS holding the most distinct query weight."""
    best_start, best_weight = tokens[0].start, -1.0
    for i, first in enumerate(tokens):
        seen: set[str] = set()
        total = 0.0
        for token in tokens[i:]:
            if token.start - first.start > CLUSTER_CHARS:
                break
            if token.term not in seen:
                seen.add(token.term)
                total += weights[token.term]
        if total > best_weight + 1e-9:
            best_start, best_weight = first.start, total
    return best_start


def _spans(tokens: list[Token]) -> tuple[Span, ...]:
    """The character spans of `tokens` (in text order), touching ones merged."""
    spans: list[Span] = []
    for token in tokens:
        if spans and token.start <= spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], max(spans[-1][1], token.end))
        else:
            spans.append((token.start, token.end))
    return tuple(spans)


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
