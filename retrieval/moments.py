"""Load and validate a lecture's key moments (`chapters/<lecture>.moments.yaml`).

A key moment marks where the lecture starts explaining, showing or concluding something: the
second it starts, a title in English and Korean, and the ways a student would ask for it, all
written by this project; `question: true` marks a question posed there (a host's) that the next
moment answers. Every error names the file and the entry (`moments[12] (1:02:35)`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from retrieval.analysis import has_hangul
from retrieval.errors import LectureDataError, TimecodeError
from retrieval.lecture import Catalog, Moment
from retrieval.timecode import format_time, parse
from retrieval.yaml_files import read_yaml

MIN_ASKS, MAX_ASKS = 3, 5


def moments_path(catalog_path: Path, lecture_id: str) -> Path:
    """Where a catalog's moments live: `<lecture>.moments.yaml` beside the catalog."""
    return catalog_path.with_name(f"{lecture_id}.moments.yaml")


def load_moments(path: Path, catalog: Catalog) -> tuple[Moment, ...]:
    """The moments in `path`, checked against `catalog` (times inside the video and
    increasing, chapter consistent with time, every field present)."""
    raw = read_yaml(path, "moments file")
    if not isinstance(raw, dict) or not isinstance(raw.get("moments"), list):
        raise LectureDataError("moments file must be a mapping with a `moments:` list", path)
    if raw.get("lecture") != catalog.lecture_id:
        raise LectureDataError(
            f"moments file is for lecture {str(raw.get('lecture'))[:60]!r}, "
            f"not {catalog.lecture_id!r}",
            path,
        )
    moments: list[Moment] = []
    for position, entry in enumerate(raw["moments"]):
        moment = _moment(entry, position, path, catalog)
        if moments and moment.t <= moments[-1].t:
            raise _fail(path, position, moment.t, "times must increase from one moment to the next")
        moments.append(moment)
    if moments and moments[-1].question:
        raise _fail(
            path, len(moments) - 1, moments[-1].t, "a question needs a moment after it that answers"
        )
    return tuple(moments)


def _fail(path: Path, position: int, seconds: int | None, problem: str) -> LectureDataError:
    where = f"moments[{position}]" + (f" ({format_time(seconds)})" if seconds is not None else "")
    return LectureDataError(f"{where}: {problem}", path)


def _moment(entry: Any, position: int, path: Path, catalog: Catalog) -> Moment:
    if not isinstance(entry, dict):
        raise _fail(path, position, None, "must be a mapping (t, chapter, title, title_ko, asks)")
    try:
        seconds = parse(str(entry.get("t", "")), duration=catalog.duration)
    except TimecodeError as error:
        raise _fail(path, position, None, f"t: {error}") from None

    def fail(problem: str) -> LectureDataError:
        return _fail(path, position, seconds, problem)

    chapter = entry.get("chapter")
    expected = catalog.chapter_at(seconds).number
    if chapter != expected:
        raise fail(f"chapter is {repr(chapter)[:20]}, but chapter {expected} is playing then")
    texts = {}
    for name in ("title", "title_ko"):
        value = entry.get(name)
        if not isinstance(value, str) or not value.strip():
            raise fail(f"{name} must be non-empty text")
        texts[name] = value.strip()
    if not has_hangul(texts["title_ko"]):
        raise fail("title_ko must be written in Korean")
    asks = entry.get("asks")
    if (
        not isinstance(asks, list)
        or not MIN_ASKS <= len(asks) <= MAX_ASKS
        or not all(isinstance(ask, str) and ask.strip() for ask in asks)
    ):
        raise fail(f"asks must be a list of {MIN_ASKS} to {MAX_ASKS} questions")
    if not any(has_hangul(ask) for ask in asks):
        raise fail("asks must include at least one question in Korean")
    question = entry.get("question", False)
    if not isinstance(question, bool):
        raise fail("question must be true or false")
    return Moment(
        t=seconds,
        chapter=expected,
        title=texts["title"],
        title_ko=texts["title_ko"],
        asks=tuple(ask.strip() for ask in asks),
        question=question,
    )
