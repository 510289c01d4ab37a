"""A larger lecture made by repeating the real one under new chapter numbers and time offsets."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from retrieval.catalog import load_catalog
from retrieval.data import DATA_DIR_ENV, load_lecture
from retrieval.lecture import Catalog, Lecture, Segment

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
QUESTIONS = SHARED / "eval" / "questions.yaml"


def lecture_dir() -> Path:
    """`$LECTURE_DATA_DIR`, else ../shared/lecture/deep-dive-llms next to the repository."""
    env = os.environ.get(DATA_DIR_ENV, "").strip()
    return Path(env).expanduser() if env else SHARED / "lecture" / "deep-dive-llms"


def real_lecture() -> Lecture:
    return load_lecture(lecture_dir(), load_catalog())


def scaled_catalog(catalog: Catalog, times: int) -> Catalog:
    """`times` copies of the catalog's chapters, one after the other."""
    count = len(catalog.chapters)
    chapters = tuple(
        replace(
            chapter,
            number=copy * count + chapter.number,
            start=copy * catalog.duration + chapter.start,
            end=copy * catalog.duration + chapter.end,
        )
        for copy in range(times)
        for chapter in catalog.chapters
    )
    moments = tuple(
        replace(moment, t=copy * catalog.duration + moment.t, chapter=copy * count + moment.chapter)
        for copy in range(times)
        for moment in catalog.moments
    )
    return replace(catalog, duration=catalog.duration * times, chapters=chapters, moments=moments)


def scaled_lecture(lecture: Lecture, times: int) -> Lecture:
    """`times` copies of the lecture's segments; copy n starts n × duration later."""
    if times < 1:
        raise ValueError("times must be at least 1")
    if times == 1:
        return lecture
    catalog = lecture.catalog
    count, duration = len(catalog.chapters), catalog.duration
    segments = tuple(
        Segment(
            start=copy * duration + s.start,
            end=copy * duration + s.end,
            chapter=copy * count + s.chapter,
            text=s.text,
            text_ko=s.text_ko,
        )
        for copy in range(times)
        for s in lecture.segments
    )
    return Lecture(catalog=scaled_catalog(catalog, times), segments=segments)
