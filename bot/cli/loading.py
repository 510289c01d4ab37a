"""Load the catalog, course and index the way every sub-command does."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from bot.messages import message
from retrieval.catalog import CATALOG_DIR, load_catalog
from retrieval.course import Course, catalog_for, prepare_course
from retrieval.course_index import CourseIndex, build_index
from retrieval.data import has_transcript, resolve_data_dir
from retrieval.errors import LectureBotError
from retrieval.index import Index
from retrieval.lecture import Catalog, Lecture

LECTURE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")


def add_lecture_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--lecture", metavar="ID", help=f"{what} (a lecture id; see `lecture-bot lectures`)"
    )


def data_dir_of(args: argparse.Namespace) -> str | Path | None:
    """`--data`, else the LECTURE_DATA_DIR setting."""
    return getattr(args, "data", None) or args.settings.data_dir


def catalog_path_of(args: argparse.Namespace) -> str | Path | None:
    """`--catalog`, else the LECTURE_CATALOG setting (None: the shipped catalogs)."""
    return getattr(args, "catalog", None) or args.settings.catalog


def catalog_from(args: argparse.Namespace) -> Catalog:
    """The catalog of `--catalog FILE` (or LECTURE_CATALOG), of `--lecture ID`, of the one
    lecture the data directory holds, or the default lecture's."""
    if path := catalog_path_of(args):
        return load_catalog(path)
    lecture = getattr(args, "lecture", None)
    root = resolve_data_dir(data_dir_of(args), load_catalog())
    if not lecture:
        own = catalog_for(root.name, root) if has_transcript(root) else None
        return own or load_catalog()
    if not LECTURE_ID.match(lecture):
        raise _lecture_error("cli_lecture_not_id", lecture, _known())
    found = catalog_for(lecture, root / lecture)
    if found is None:
        raise _lecture_error("cli_lecture_unknown", lecture, _known())
    return found


def _known() -> str:
    ids = sorted(p.stem for p in CATALOG_DIR.glob("*.yaml") if not p.stem.endswith(".moments"))
    return ", ".join(ids)


def _lecture_error(key: str, lecture: str, known: str) -> LectureBotError:
    """A wrong `--lecture`; `bot.cli.main` says it in the user's language by its key."""
    values = {"lecture": repr(lecture[:40]), "known": known}
    return LectureBotError(message(key, "en", **values), key=key, **values)


def course_from(args: argparse.Namespace) -> Course:
    """The course at `--data`/LECTURE_DATA_DIR; without either, the default lecture,
    imported from YouTube first on a first run."""
    path = catalog_path_of(args)
    catalog = load_catalog(path) if path else None
    return prepare_course(data_dir_of(args), catalog, announce=_announce)


def lecture_from(args: argparse.Namespace) -> Lecture:
    """The lecture `--lecture` names (the course's default without it)."""
    course = course_from(args)
    lecture = getattr(args, "lecture", None)
    if not lecture:
        return course.default
    try:
        return course.lecture(lecture)
    except KeyError:
        raise _lecture_error("cli_lecture_not_in_course", lecture, ", ".join(course.ids)) from None


def _announce(message: str) -> None:
    print(f"lecture-bot: {message}", file=sys.stderr, flush=True)


def index_from(args: argparse.Namespace) -> Index | CourseIndex:
    return build_index(course_from(args))
