"""What a search returns: ranked hits, and an answer that knows when nothing matched."""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.lecture import Chapter

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Hit:
    """One moment of the lecture that answers the question.

    `start` is where the link lands (the start of the best-matching words, in whole seconds);
    `end` is where the passage stops. `spans` are (start, end) character offsets of matched
    words in `text`; `text_ko`/`spans_ko` are the Korean translation of the same moment, when
    the data has one. `title`/`title_ko` name the key moment the hit is, when the lecture
    has key moments.
    """

    rank: int
    chapter: int
    chapter_title: str
    start: int
    end: int
    url: str
    text: str
    spans: tuple[Span, ...]
    score: float
    text_ko: str = ""
    spans_ko: tuple[Span, ...] = ()
    title: str = ""  # the key moment's title, when the lecture has key moments
    title_ko: str = ""
    lecture: str = ""  # the lecture's id, and its title
    lecture_title: str = ""
    lecture_title_ko: str = ""
    chapter_title_ko: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "rank": self.rank,
            "lecture": self.lecture,
            "lecture_title": self.lecture_title,
            "chapter": self.chapter,
            "chapter_title": self.chapter_title,
            "start": self.start,
            "end": self.end,
            "url": self.url,
            "title": self.title,
            "title_ko": self.title_ko,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class Answer:
    """Hits for a query, or — when nothing in the lecture really matches — no hits and the
    chapters closest to the question as suggestions. `weak` hits match only part of the
    question: they are shown, with the suggestions, and said to be a weak match."""

    query: str
    hits: tuple[Hit, ...]
    suggestions: tuple[Chapter, ...] = ()
    lang: str = "en"
    weak: bool = False

    @property
    def found(self) -> bool:
        return bool(self.hits)

    def to_json(self) -> dict[str, object]:
        return {
            "query": self.query,
            "weak": self.weak,
            "results": [hit.to_json() for hit in self.hits],
        }
