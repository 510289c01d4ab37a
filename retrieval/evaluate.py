"""Score the retriever on a question set, as ../shared/eval/README.md defines.

A result is a hit when the time its link jumps to, t, satisfies a − 30 <= t < a + 30 for an
answer marker a (the question's `answers` and the `also` paragraphs that "answer equally
well"). hit@k: share of questions with a hit in the first k; MRR@10: mean of 1/rank of the
first hit within 10 (0 when none).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from retrieval.errors import LectureDataError, QueryError
from retrieval.sources.markers import marker_seconds

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


@dataclass(frozen=True, slots=True)
class Outcome:
    question: Question
    times: tuple[int, ...]
    first_hit: int | None  # 1-based rank of the first hit, None when no hit in MRR_DEPTH


def load_questions(path: Path | str) -> list[Question]:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LectureDataError("question file not found", path) from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise LectureDataError(f"question file is not valid YAML ({error})", path) from None
    if not isinstance(raw, list):
        raise LectureDataError("question file must be a YAML list of questions", path)
    return [_question(entry, position, path) for position, entry in enumerate(raw)]


def _question(entry: Any, position: int, path: Path) -> Question:
    if not isinstance(entry, dict) or not entry.get("q") or not entry.get("answers"):
        raise LectureDataError(f"question [{position}] needs `q` and `answers`", path)
    try:
        answers = tuple(
            marker_seconds(str(marker)) for marker in [*entry["answers"], *entry.get("also", [])]
        )
    except ValueError:
        raise LectureDataError(f"question [{position}] has a malformed marker", path) from None
    return Question(
        id=str(entry.get("id", position)),
        text=str(entry["q"]),
        lang=str(entry.get("lang", "en")),
        chapter=entry.get("chapter"),
        answers=answers,
    )


def is_hit(seconds: int, answers: Sequence[int]) -> bool:
    return any(answer - TOLERANCE <= seconds < answer + TOLERANCE for answer in answers)


def run(questions: Sequence[Question], search: Callable[[str], Sequence[int]]) -> list[Outcome]:
    """`search(text)` returns the link times of the ranked results (best first)."""
    outcomes = []
    for question in questions:
        try:
            times = tuple(search(question.text))[:MRR_DEPTH]
        except QueryError:
            times = ()
        first = next((rank for rank, t in enumerate(times, 1) if is_hit(t, question.answers)), None)
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
    """Metrics overall and per language."""
    by_lang: dict[str, dict[str, float]] = {"all": metrics(outcomes)}
    for lang in sorted({o.question.lang for o in outcomes}):
        by_lang[lang] = metrics([o for o in outcomes if o.question.lang == lang])
    return by_lang
