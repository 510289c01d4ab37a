"""Load the catalog, course and index the way every sub-command does."""

from __future__ import annotations

import argparse
import re
import sys

from retrieval.catalog import CATALOG_DIR, load_catalog
from retrieval.course import Course, catalog_for, prepare_course
from retrieval.course_index import CourseIndex, build_index
from retrieval.data import has_transcript, resolve_data_dir
from retrieval.errors import LectureDataError
from retrieval.index import Index
from retrieval.lecture import Catalog, Lecture

LECTURE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")


def add_lecture_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--lecture", metavar="ID", help=f"{what} (a lecture id; see `lecture-bot lectures`)"
    )


def catalog_from(args: argparse.Namespace) -> Catalog:
    """The catalog of `--catalog FILE`, of `--lecture ID`, of the one lecture the data
    directory holds, or the default lecture's."""
    if path := getattr(args, "catalog", None):
        return load_catalog(path)
    lecture = getattr(args, "lecture", None)
    root = resolve_data_dir(getattr(args, "data", None), load_catalog())
    if not lecture:
        own = catalog_for(root.name, root) if has_transcript(root) else None
        return own or load_catalog()
    if not LECTURE_ID.match(lecture):
        raise LectureDataError(f"{lecture[:40]!r} is not a lecture id; {_known()}")
    found = catalog_for(lecture, root / lecture)
    if found is None:
        raise LectureDataError(f"there is no lecture {lecture!r}; {_known()}")
    return found


def _known() -> str:
    ids = sorted(p.stem for p in CATALOG_DIR.glob("*.yaml") if not p.stem.endswith(".moments"))
    return "known lectures: " + ", ".join(ids)


def course_from(args: argparse.Namespace) -> Course:
    """The course at `--data`/`$LECTURE_DATA_DIR`; without either, the default lecture,
    imported from YouTube first on a first run."""
    catalog = load_catalog(args.catalog) if getattr(args, "catalog", None) else None
    return prepare_course(getattr(args, "data", None), catalog, announce=_announce)


def lecture_from(args: argparse.Namespace) -> Lecture:
    """The lecture `--lecture` names (the course's default without it)."""
    course = course_from(args)
    lecture = getattr(args, "lecture", None)
    if not lecture:
        return course.default
    try:
        return course.lecture(lecture)
    except KeyError:
        ids = ", ".join(course.ids)
        raise LectureDataError(
            f"there is no lecture {lecture[:40]!r}; this course has: {ids}"
        ) from None


def _announce(message: str) -> None:
    print(f"lecture-bot: {message}", file=sys.stderr, flush=True)


def index_from(args: argparse.Namespace) -> Index | CourseIndex:
    return build_index(course_from(args))
