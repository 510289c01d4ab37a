"""Score the retriever on a question set, as ../shared/eval/README.md defines.

A result is a hit when the time its link jumps to, t, satisfies a − 30 <= t < a + 30 for an
answer marker a (the question's `answers` and the `also` paragraphs that "answer equally
well") and, for a question about a named `lecture:` of a course, the result is in that
lecture. An off-topic question (no answers) is a hit when nothing is returned: the honest
"not covered". hit@k: share of questions with a hit in the first k; MRR@10: mean of 1/rank
of the first hit within 10 (0 when none); a refused off-topic question counts as rank 1.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrieval.errors import LectureDataError, QueryError
from retrieval.sources.markers import marker_seconds
from retrieval.yaml_files import read_yaml

TOLERANCE = 30
CUTOFFS = (1, 3, 5)
MRR_DEPTH = 10


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text: str
    lang: str
    chapter: int | None
    answers: tuple[int, ...]
    lecture: str | None = None  # the course's lecture that answers it
    kind: str = ""

    @property
    def off_topic(self) -> bool:
        return not self.answers


# A result: the second its link jumps to, or (lecture id, second) for a course.
Result = int | tuple[str, int]


@dataclass(frozen=True, slots=True)
class Outcome:
    question: Question
    times: tuple[int, ...]
    first_hit: int | None  # 1-based rank of the first hit, None when no hit in MRR_DEPTH


def load_questions(path: Path | str) -> list[Question]:
    path = Path(path)
    raw = read_yaml(path, "question file")
    if not isinstance(raw, list):
        raise LectureDataError("question file must be a YAML list of questions", path)
    return [_question(entry, position, path) for position, entry in enumerate(raw)]


def _question(entry: Any, position: int, path: Path) -> Question:
    if not isinstance(entry, dict) or not isinstance(entry.get("q"), str) or not entry["q"]:
        raise LectureDataError(f"question [{position}] needs `q` (text) and `answers`", path)
    markers = [entry.get("answers"), entry.get("also", [])]
    if not all(isinstance(m, list) and all(isinstance(x, str | int) for x in m) for m in markers):
        raise LectureDataError(f"question [{position}]: answers and also must be lists", path)
    if not markers[0] and entry.get("kind") != "off-topic":
        raise LectureDataError(f"question [{position}] needs `answers`", path)
    try:
        answers = tuple(_seconds(marker) for marker in [*markers[0], *markers[1]])
    except ValueError:
        raise LectureDataError(f"question [{position}] has a malformed marker", path) from None
    lecture = entry.get("lecture")
    chapter = entry.get("chapter")
    return Question(
        id=str(entry.get("id", position))[:80],
        text=entry["q"],
        lang=str(entry.get("lang", "en"))[:8],
        chapter=chapter if isinstance(chapter, int) and not isinstance(chapter, bool) else None,
        answers=answers,
        lecture=str(lecture)[:200] if lecture is not None else None,
        kind=str(entry.get("kind", ""))[:40],
    )


def _seconds(marker: str | int) -> int:
    """Seconds of an answer time: `7:30`, `2:07:30`, `64:34` or whole seconds."""
    text = str(marker).strip()
    if len(text) > 12 or not re.fullmatch(r"\d+(?::\d{1,2}){0,2}", text):
        raise ValueError(text)
    return marker_seconds(text)


def is_hit(seconds: int, answers: Sequence[int]) -> bool:
    return any(answer - TOLERANCE <= seconds < answer + TOLERANCE for answer in answers)


def _result_hits(result: Result, question: Question) -> bool:
    if isinstance(result, tuple):
        lecture, seconds = result
        if question.lecture is not None and lecture != question.lecture:
            return False
        return is_hit(seconds, question.answers)
    return is_hit(result, question.answers)


def run(questions: Sequence[Question], search: Callable[[str], Sequence[Result]]) -> list[Outcome]:
    """`search(text)` returns the ranked results (best first): link times, or (lecture,
    time) pairs for a course; none when the question is refused as not covered."""
    outcomes = []
    for question in questions:
        try:
            results = tuple(search(question.text))[:MRR_DEPTH]
        except QueryError:
            results = ()
        times = tuple(r[1] if isinstance(r, tuple) else r for r in results)
        if question.off_topic:
            first = None if results else 1
        else:
            first = next(
                (rank for rank, r in enumerate(results, 1) if _result_hits(r, question)), None
            )
        outcomes.append(Outcome(question, times, first))
    return outcomes


def metrics(outcomes: Sequence[Outcome]) -> dict[str, float]:
    count = len(outcomes)
    if not count:
        return {"questions": 0}
    report: dict[str, float] = {"questions": count}
    for cutoff in CUTOFFS:
        hits = sum(1 for o in outcomes if o.first_hit is not None and o.first_hit <= cutoff)
        report[f"hit@{cutoff}"] = hits / count
    report[f"mrr@{MRR_DEPTH}"] = sum(1 / o.first_hit for o in outcomes if o.first_hit) / count
    return report


def report(outcomes: Sequence[Outcome]) -> dict[str, dict[str, float]]:
    """Metrics overall and per language; for a course also per lecture (and per lecture and
    language), with off-topic questions as their own row."""
    rows: dict[str, dict[str, float]] = {"all": metrics(outcomes)}
    answerable = [o for o in outcomes if not o.question.off_topic]
    for lang in sorted({o.question.lang for o in answerable}):
        rows[lang] = metrics([o for o in answerable if o.question.lang == lang])
    lectures = sorted({o.question.lecture for o in answerable if o.question.lecture})
    for lecture in lectures:
        mine = [o for o in answerable if o.question.lecture == lecture]
        rows[lecture] = metrics(mine)
        for lang in sorted({o.question.lang for o in mine}):
            rows[f"{lecture} {lang}"] = metrics([o for o in mine if o.question.lang == lang])
    if off_topic := [o for o in outcomes if o.question.off_topic]:
        rows["off-topic"] = metrics(off_topic)
    return rows
