"""A course: the lectures one bot serves, each with its catalog and transcript.

`LECTURE_DATA_DIR` (or `--data`) names either one lecture's data directory, as it always has,
or a folder of lecture folders (`../shared/lecture` as it is): each lecture folder whose name
has a catalog — shipped in `chapters/<name>.yaml`, or `catalog.yaml` inside the folder (what
the importer writes) — is a lecture of the course; its name is the lecture's id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from retrieval.catalog import CATALOG_DIR, LOCAL_CATALOG, load_catalog
from retrieval.data import (
    has_transcript,
    load_lecture,
    missing_transcript_help,
    resolve_data_dir,
)
from retrieval.errors import TranscriptNotFoundError
from retrieval.lecture import Catalog, Lecture
from retrieval.sources.first_run import prepare_lecture

DEFAULT_LECTURE_FIRST = "deep-dive-llms"  # the study group's first lecture leads the list
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Course:
    """One or more lectures; the first is the default where a lecture must be chosen."""

    lectures: tuple[Lecture, ...]

    def __post_init__(self) -> None:
        if not self.lectures:
            raise ValueError("a course needs at least one lecture")
        ids = [lecture.catalog.lecture_id for lecture in self.lectures]
        if len(set(ids)) != len(ids):
            raise ValueError(f"two lectures share an id: {ids}")

    @property
    def default(self) -> Lecture:
        return self.lectures[0]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(lecture.catalog.lecture_id for lecture in self.lectures)

    def lecture(self, lecture_id: str) -> Lecture:
        """The lecture with that id; KeyError when there is none."""
        for lecture in self.lectures:
            if lecture.catalog.lecture_id == lecture_id:
                return lecture
        raise KeyError(lecture_id)

    def catalog(self, lecture_id: str) -> Catalog:
        return self.lecture(lecture_id).catalog


def catalog_for(name: str, folder: Path) -> Catalog | None:
    """The catalog of the lecture folder `name`: its own `catalog.yaml`, else ours."""
    for path in (folder / LOCAL_CATALOG, CATALOG_DIR / f"{name}.yaml"):
        if path.is_file():
            return load_catalog(path)
    return None


def load_course(data_dir: Path | str | None = None, catalog: Catalog | None = None) -> Course:
    """The lectures at `data_dir` (default: the default lecture's directory). A lecture
    directory is a course of one, with `catalog` (default: its own or the default catalog);
    a folder of lecture folders is the whole course."""
    default = catalog if catalog is not None else load_catalog()
    directory = resolve_data_dir(data_dir, default)
    if has_transcript(directory):
        own = catalog if catalog is not None else catalog_for(directory.name, directory)
        return Course((load_lecture(directory, own or default),))
    if directory.is_dir():
        lectures = [
            lecture
            for folder in sorted(p for p in directory.iterdir() if p.is_dir())
            if (lecture := _course_lecture(folder)) is not None
        ]
        if lectures:
            lectures.sort(key=lambda item: item.catalog.lecture_id != DEFAULT_LECTURE_FIRST)
            return Course(tuple(lectures))
    raise TranscriptNotFoundError(missing_transcript_help(directory))


def prepare_course(
    data_dir: Path | str | None = None,
    catalog: Catalog | None = None,
    *,
    announce: Callable[[str], None] = print,
) -> Course:
    """The course at `data_dir` (--data or the LECTURE_DATA_DIR setting); without one, the
    default lecture, imported from YouTube into its default directory on a first run."""
    if data_dir:
        return load_course(data_dir, catalog)
    default = catalog if catalog is not None else load_catalog()
    return Course((prepare_lecture(None, default, announce=announce),))


def _course_lecture(folder: Path) -> Lecture | None:
    if not has_transcript(folder):
        return None
    catalog = catalog_for(folder.name, folder)
    if catalog is None:
        log.warning(
            "%s: no catalog for lecture %r (chapters/%s.yaml or %s): skipped",
            folder,
            folder.name,
            folder.name,
            LOCAL_CATALOG,
        )
        return None
    return load_lecture(folder, catalog)
