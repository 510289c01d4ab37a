"""Load and validate the lecture catalog (`chapters/<lecture>.yaml`).

Every schema error names the file and the key (`chapters[3].summary.ko`), so a typo in the
catalog is a one-line fix rather than a traceback.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from retrieval.errors import LectureDataError
from retrieval.lecture import Catalog, Chapter, GlossaryKind, SynonymGroup
from retrieval.moments import load_moments, moments_path
from retrieval.yaml_files import parse_yaml, read_yaml

# The catalogs and key moments we ship: the `chapters` package's data files, wherever the
# project is installed (a wheel, pipx, or this checkout).
CATALOG_DIR = Path(str(resources.files("chapters")))
DEFAULT_LECTURE = "deep-dive-llms"
GLOSSARY_KINDS = ("acronyms", "korean", "captions")
_KIND_NAMES: dict[str, GlossaryKind] = {
    "acronyms": "acronym",
    "korean": "korean",
    "captions": "caption",
}


LOCAL_CATALOG = "catalog.yaml"  # a lecture data directory's own catalog (the importer's)
WHOLE_TALK = {"number": 1, "title": "The whole talk", "title_ko": "강연 전체", "start": 0}


def default_catalog_path(lecture: str = DEFAULT_LECTURE) -> Path:
    """The catalog shipped in the package, `chapters/<lecture>.yaml`."""
    return CATALOG_DIR / f"{lecture}.yaml"


def load_catalog(path: Path | str | None = None) -> Catalog:
    """Read and validate a catalog file (default: `default_catalog_path()`) and its key
    moments. A file read once is not read again while it is unchanged (the catalog is
    immutable): one command asks for the same catalog several times."""
    path = Path(path) if path is not None else default_catalog_path()
    try:
        stat = path.stat()
        moments = path.with_name(f"{path.stem}.moments.yaml")
        moments_stat = moments.stat() if moments.is_file() else None
    except OSError:
        return _load_catalog(path)  # the reader says what is wrong with the file
    versions: tuple[int, ...] = (stat.st_mtime_ns, stat.st_size)
    if moments_stat is not None:
        versions += (moments_stat.st_mtime_ns, moments_stat.st_size)
    return _load_catalog_once(path.resolve(), versions)


@lru_cache(maxsize=32)
def _load_catalog_once(path: Path, versions: tuple[int, ...]) -> Catalog:
    return _load_catalog(path)


def _load_catalog(path: Path) -> Catalog:
    catalog = _CatalogReader(path).catalog(read_yaml(path, "catalog file"))
    moments = moments_path(path, catalog.lecture_id)
    if moments.is_file():
        catalog = replace(catalog, moments=load_moments(moments, catalog))
    return catalog


def parse_catalog(text: str, path: Path | None = None) -> Catalog:
    """A catalog from YAML text (no key moments), validated like a file."""
    return _CatalogReader(path or Path("catalog.yaml")).catalog(parse_yaml(text, "catalog", path))


class _CatalogReader:
    def __init__(self, path: Path):
        self.path = path

    def fail(self, key: str, problem: str) -> LectureDataError:
        return LectureDataError(f"catalog key '{key}': {problem}", self.path)

    def mapping(self, value: Any, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, "must be a mapping")
        return value

    def field(self, mapping: dict[str, Any], name: str, kind: type, key: str) -> Any:
        full_key = f"{key}.{name}" if key else name
        if name not in mapping:
            raise self.fail(full_key, "is missing")
        value = mapping[name]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise self.fail(full_key, f"must be a whole number, not {repr(value)[:40]}")
        if kind is str and (not isinstance(value, str) or not value.strip()):
            raise self.fail(full_key, "must be non-empty text")
        if kind is list and not isinstance(value, list):
            raise self.fail(full_key, "must be a list")
        return value.strip() if isinstance(value, str) else value

    def text_list(self, mapping: dict[str, Any], name: str, key: str) -> tuple[str, ...]:
        items = self.field(mapping, name, list, key)
        for position, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{key}.{name}[{position}]", "must be non-empty text")
        return tuple(item.strip() for item in items)

    def catalog(self, raw: Any) -> Catalog:
        top = self.mapping(raw, "(top level)")
        duration = self.field(top, "duration", int, "")
        # A talk without chapters of its own is one chapter: the whole talk.
        raw_chapters = top.get("chapters") or [WHOLE_TALK]
        if not isinstance(raw_chapters, list):
            raise self.fail("chapters", "must be a list")
        lecture_id = self.field(top, "lecture", str, "")
        video_id = self.field(top, "video_id", str, "")
        chapters = tuple(
            replace(chapter, lecture_id=lecture_id, video_id=video_id)
            for chapter in self.chapters(raw_chapters, duration)
        )
        return Catalog(
            lecture_id=lecture_id,
            video_id=video_id,
            title=self.field(top, "title", str, ""),
            title_ko=self.field(top, "title_ko", str, ""),
            author=self.field(top, "author", str, ""),
            duration=duration,
            chapters=chapters,
            glossary=self.glossary(top.get("glossary", {})),
        )

    def chapters(self, raw_chapters: list[Any], duration: int) -> tuple[Chapter, ...]:
        starts: list[int] = []
        for position, raw in enumerate(raw_chapters):
            key = f"chapters[{position}]"
            entry = self.mapping(raw, key)
            number = self.field(entry, "number", int, key)
            if number != position + 1:
                raise self.fail(f"{key}.number", f"expected {position + 1}, found {number}")
            start = self.field(entry, "start", int, key)
            if not 0 <= start < duration or (starts and start <= starts[-1]):
                raise self.fail(f"{key}.start", "starts must increase and lie within the video")
            starts.append(start)
        ends = [*starts[1:], duration]
        return tuple(
            self.chapter(self.mapping(raw, f"chapters[{i}]"), f"chapters[{i}]", starts[i], ends[i])
            for i, raw in enumerate(raw_chapters)
        )

    def chapter(self, entry: dict[str, Any], key: str, start: int, end: int) -> Chapter:
        """A chapter; its summary and key points are optional (a catalog the importer made
        has none), but when given they must be complete in both languages."""
        summary_en = summary_ko = ""
        points_en: tuple[str, ...] = ()
        points_ko: tuple[str, ...] = ()
        if "summary" in entry:
            summary = self.mapping(entry["summary"], f"{key}.summary")
            summary_en = self.field(summary, "en", str, f"{key}.summary")
            summary_ko = self.field(summary, "ko", str, f"{key}.summary")
        if "key_points" in entry:
            points = self.mapping(entry["key_points"], f"{key}.key_points")
            points_en = self.text_list(points, "en", f"{key}.key_points")
            points_ko = self.text_list(points, "ko", f"{key}.key_points")
        return Chapter(
            number=entry["number"],
            title=self.field(entry, "title", str, key),
            title_ko=self.field(entry, "title_ko", str, key),
            start=start,
            end=end,
            summary_en=summary_en,
            summary_ko=summary_ko,
            key_points_en=points_en,
            key_points_ko=points_ko,
        )

    def glossary(self, raw: Any) -> tuple[SynonymGroup, ...]:
        section = self.mapping(raw, "glossary")
        groups: list[SynonymGroup] = []
        for name, entries in section.items():
            if name not in GLOSSARY_KINDS:
                raise self.fail(f"glossary.{name}", f"unknown section; use {GLOSSARY_KINDS}")
            if not isinstance(entries, list):
                raise self.fail(f"glossary.{name}", "must be a list")
            for position, entry in enumerate(entries):
                key = f"glossary.{name}[{position}]"
                if (
                    not isinstance(entry, list)
                    or len(entry) < 2
                    or not all(isinstance(term, str) and term.strip() for term in entry)
                ):
                    raise self.fail(key, "must be a list of two or more non-empty terms")
                terms = tuple(str(term).strip() for term in entry)
                groups.append(SynonymGroup(kind=_KIND_NAMES[name], terms=terms))
        return tuple(groups)
