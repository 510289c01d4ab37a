"""What a study group asked, for its organisers: the week's questions, the most asked topics and
chapters, what the lectures could not answer, and the answers students voted down.

Computed from the question log (`Store.questions`) and the lectures' catalogs (chapter titles
and links), the same for `/insights` and `lecture-bot insights`.
"""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from retrieval.lecture import Catalog

if TYPE_CHECKING:  # the store (SQLAlchemy) is imported by the command that opens it
    from bot.store import LoggedQuestion, ShownHit

TOP = 5


@dataclass(frozen=True, slots=True)
class Counted:
    """A topic or chapter and how many questions' best answer was there."""

    label: str
    label_ko: str
    count: int
    url: str
    lecture: str
    chapter: int

    def to_json(self) -> dict[str, object]:
        return {
            "label": self.label,
            "label_ko": self.label_ko,
            "count": self.count,
            "url": self.url,
            "lecture": self.lecture,
            "chapter": self.chapter,
        }


@dataclass(frozen=True, slots=True)
class Insights:
    since: float
    guild_id: int | None
    questions: int
    unanswered_count: int
    median_latency_ms: float | None
    topics: tuple[Counted, ...]
    chapters: tuple[Counted, ...]  # most asked first, at most TOP
    per_chapter: tuple[Counted, ...]  # every chapter asked about, in lecture order (the chart)
    unanswered: tuple[LoggedQuestion, ...]
    disliked: tuple[LoggedQuestion, ...]
    votes_up: int
    votes_down: int

    def to_json(self) -> dict[str, object]:
        return {
            "since": _iso(self.since),
            "server": self.guild_id,
            "questions": self.questions,
            "unanswered": self.unanswered_count,
            "median_latency_ms": self.median_latency_ms,
            "votes": {"up": self.votes_up, "down": self.votes_down},
            "topics": [item.to_json() for item in self.topics],
            "chapters": [item.to_json() for item in self.per_chapter],
            "not_answered": [_question_json(q) for q in self.unanswered],
            "most_down_voted": [_question_json(q) for q in self.disliked],
        }


CatalogOf = Callable[[str], Catalog | None]  # a lecture id's catalog, if it is known


def insights(
    logged: Sequence[LoggedQuestion],
    catalog_of: CatalogOf,
    since: float,
    guild_id: int | None = None,
) -> Insights:
    answered = [q for q in logged if q.found and q.hits]
    topics = Counter((q.hits[0].lecture, q.hits[0].title or q.hits[0].url) for q in answered)
    chapters = Counter((q.hits[0].lecture, q.hits[0].chapter) for q in answered)
    first_link = {
        (q.hits[0].lecture, q.hits[0].title or q.hits[0].url): q.hits[0] for q in answered
    }
    per_chapter = tuple(
        _chapter(catalog_of(lecture), lecture, number, count)
        for (lecture, number), count in sorted(chapters.items())
    )
    latencies = [q.latency_ms for q in logged]
    return Insights(
        since=since,
        guild_id=guild_id,
        questions=len(logged),
        unanswered_count=sum(not q.found for q in logged),
        median_latency_ms=round(statistics.median(latencies), 1) if latencies else None,
        topics=tuple(
            _topic(catalog_of(key[0]), first_link[key], count)
            for key, count in topics.most_common(TOP)
        ),
        chapters=tuple(sorted(per_chapter, key=lambda c: -c.count)[:TOP]),
        per_chapter=per_chapter,
        unanswered=tuple(q for q in logged if not q.found)[:TOP],
        disliked=tuple(
            sorted((q for q in logged if q.down), key=lambda q: (-q.down, q.up, -q.asked_at))
        )[:TOP],
        votes_up=sum(q.up for q in logged),
        votes_down=sum(q.down for q in logged),
    )


def parse_since(text: str, now: float | None = None) -> float:
    """`7d`, `24h`, `30m`, `2w` (or a bare number of days) ago, as a Unix time."""
    match = re.fullmatch(r"\s*(\d{1,5})\s*([mhdw]?)\s*", text.lower())
    if match is None:
        raise ValueError(f"{text[:30]!r} is not a time span: use e.g. 7d, 24h, 2w or 30m")
    amount, unit = int(match[1]), match[2] or "d"
    seconds = amount * {"m": 60, "h": 3600, "d": 86_400, "w": 604_800}[unit]
    return (time.time() if now is None else now) - seconds


def _topic(catalog: Catalog | None, hit: ShownHit, count: int) -> Counted:
    moments = catalog.moments if catalog is not None else ()
    title_ko = next((m.title_ko for m in moments if m.title == hit.title), "")
    return Counted(hit.title or hit.url, title_ko, count, hit.url, hit.lecture, hit.chapter)


def _chapter(catalog: Catalog | None, lecture: str, number: int, count: int) -> Counted:
    if catalog is not None and 1 <= number <= len(catalog.chapters):
        chapter = catalog.chapter(number)
        return Counted(
            chapter.title, chapter.title_ko, count, catalog.url(chapter.start), lecture, number
        )
    return Counted(f"{lecture} {number}", "", count, "", lecture, number)


def _question_json(question: LoggedQuestion) -> dict[str, object]:
    return {
        "question": question.question,
        "lang": question.lang,
        "asked_at": _iso(question.asked_at),
        "lecture": question.lecture,
        "found": question.found,
        "up": question.up,
        "down": question.down,
        "comments": list(question.comments),
        "shown": [hit.to_json() for hit in question.hits],
    }


def _iso(timestamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))
