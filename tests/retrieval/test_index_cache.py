"""The persisted index: a loaded index answers exactly as a freshly built one, any change of
input gives a new key, and a damaged or unwritable cache only costs a rebuild."""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from retrieval import index_cache, lecture_cache
from retrieval.catalog import CATALOG_DIR, load_catalog
from retrieval.course import Course, load_course
from retrieval.course_index import CourseIndex, build_index
from retrieval.data import load_lecture
from retrieval.evaluate import load_questions
from retrieval.index import Index, SearchConfig
from retrieval.lecture import Lecture
from tests.conftest import SHARED, require_shared

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "course"
# Beyond the question sets: a typo the corrector fixes, a chapter filter, a question the
# lecture does not answer, and Korean without a glossary entry.
EXTRA = ["what is hallucinaton", "tokenizaton and byte pair encoding", "how do I bake bread"]


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(lecture_cache, "_configured_dir", tmp_path / "cache")
    return tmp_path / "cache"


def _index_files(cache: Path) -> list[Path]:
    return sorted(cache.glob("index-*.bin"))


def _key(path: Path) -> str:
    return path.stem.rsplit("-", 1)[1]  # index-NAME-KEY.bin


def _must_not_build(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Index) -> None:
        raise AssertionError("the index was built, not loaded")

    monkeypatch.setattr(Index, "_build_fields", refuse)


def _answers(index: Index | CourseIndex, questions: list[str]) -> list[object]:
    """Everything a user sees of each question's answer and hits: moments, starts, links,
    highlighted spans (English and Korean), scores, suggestions."""
    found: list[object] = []
    for question in questions:
        found.append(index.answer(question, k=5).to_json())
        found.append([(h.start, h.spans, h.spans_ko, h.score) for h in index.search(question, 5)])
    return found


def test_a_loaded_index_answers_every_question_as_a_fresh_one(
    real_lecture: Lecture,
    shared_questions: Path,
    shared_dev_questions: Path,
    cache: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    questions = [
        q.text for f in (shared_questions, shared_dev_questions) for q in load_questions(f)
    ]
    questions += EXTRA
    fresh_index = Index(real_lecture)
    fresh = _answers(fresh_index, questions)
    in_chapter = fresh_index.answer("what is SFT", k=3, chapter=16).to_json()
    index_cache.cached_index(real_lecture)  # built, then saved
    assert len(_index_files(cache)) == 1
    _must_not_build(monkeypatch)
    loaded = index_cache.cached_index(real_lecture)
    assert _answers(loaded, questions) == fresh
    assert loaded.answer("what is SFT", k=3, chapter=16).to_json() == in_chapter


def test_a_loaded_course_answers_every_question_as_a_fresh_one(
    shared_course_questions: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
):
    course = load_course(require_shared(SHARED / "lecture"))
    in_memory = Course(tuple(replace(lecture, version="") for lecture in course.lectures))
    questions = [q.text for q in load_questions(shared_course_questions)] + EXTRA
    fresh = _answers(build_index(in_memory), questions)
    assert _index_files(cache) == []  # lectures made in memory are never cached
    build_index(course)
    assert len(_index_files(cache)) == len(course.lectures) + 1  # each lecture's, and the course's
    _must_not_build(monkeypatch)
    assert _answers(build_index(course), questions) == fresh


@pytest.fixture
def mini(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the small lecture's data directory, and of the real catalog and moments (the
    index key must follow the moments file)."""
    data = tmp_path / "mini-bread"
    shutil.copytree(FIXTURES / "mini-bread", data)
    catalogs = tmp_path / "catalogs"
    catalogs.mkdir()
    for name in ("deep-dive-llms.yaml", "deep-dive-llms.moments.yaml"):
        shutil.copy(CATALOG_DIR / name, catalogs / name)
    return data, catalogs / "deep-dive-llms.yaml"


def _mini_lecture(data: Path) -> Lecture:
    return load_lecture(data, load_catalog(FIXTURES / "mini-bread.yaml"))


def test_every_input_is_in_the_key(mini: tuple[Path, Path]):
    data, catalog_path = mini
    lecture = _mini_lecture(data)
    key = index_cache.index_key(Course((lecture,)), SearchConfig())
    assert key is not None
    assert index_cache.index_key(Course((_mini_lecture(data),)), SearchConfig()) == key
    # The transcript: a caption file changed (a new modification time).
    caption = next((data / "captions").glob("*.vtt"))
    os.utime(caption, ns=(1, 1))
    retouched = _mini_lecture(data)
    assert index_cache.index_key(Course((retouched,)), SearchConfig()) != key
    # The search settings.
    assert index_cache.index_key(Course((lecture,)), SearchConfig(chapter_prior=0.4)) != key
    # The catalog and its key moments, as the index reads them.
    catalog = load_catalog(catalog_path)
    real = Course((replace(lecture, catalog=catalog),))
    real_key = index_cache.index_key(real, SearchConfig())
    moments = catalog_path.with_name("deep-dive-llms.moments.yaml")
    text = moments.read_text(encoding="utf-8")
    title = catalog.moments[0].title
    moments.write_text(text.replace(title, title + " (edited)", 1), encoding="utf-8")
    edited = Course((replace(lecture, catalog=load_catalog(catalog_path)),))
    assert index_cache.index_key(edited, SearchConfig()) not in (real_key, None)
    # A lecture made in memory has nothing to be keyed by: never cached.
    assert index_cache.index_key(Course((replace(lecture, version=""),)), SearchConfig()) is None


def _damage_truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _damage_flipped(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-100] ^= 0xFF  # inside the arrays, past the header
    path.write_bytes(bytes(data))


def _damage_garbage(path: Path) -> None:
    path.write_bytes(b"not an index file at all")


def _damage_empty(path: Path) -> None:
    path.write_bytes(b"")


@pytest.mark.parametrize(
    "damage", [_damage_truncated, _damage_flipped, _damage_garbage, _damage_empty]
)
def test_a_damaged_cache_file_is_rebuilt(
    damage, mini: tuple[Path, Path], cache: Path, caplog: pytest.LogCaptureFixture
):
    lecture = _mini_lecture(mini[0])
    questions = ["what is the windowpane test", "why cool bread before slicing", "오븐 온도"]
    expected = _answers(index_cache.cached_index(lecture), questions)
    [saved] = _index_files(cache)
    damage(saved)
    with caplog.at_level(logging.WARNING, logger="retrieval.index_cache"):
        rebuilt = index_cache.cached_index(lecture)
    assert _answers(rebuilt, questions) == expected
    assert len([r for r in caplog.records if "index cache" in r.getMessage()]) == 1
    # Saved again, whole: the next start loads it.
    assert index_cache.load(saved, _key(saved)) is not None


def test_a_new_build_replaces_the_file_of_the_last(mini: tuple[Path, Path], cache: Path):
    index_cache.cached_index(_mini_lecture(mini[0]))
    [first] = _index_files(cache)
    os.utime(next((mini[0] / "captions").glob("*.vtt")), ns=(1, 1))  # a changed transcript
    lecture = _mini_lecture(mini[0])
    index_cache.cached_index(lecture)
    [second] = _index_files(cache)
    assert second != first
    assert _key(second) == index_cache.index_key(Course((lecture,)), SearchConfig())


def test_an_unwritable_cache_only_costs_time(
    mini: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the cache directory should be", encoding="utf-8")
    monkeypatch.setattr(lecture_cache, "_configured_dir", blocker / "cache")
    index = index_cache.cached_index(_mini_lecture(mini[0]))
    assert index.answer("what is the windowpane test").found


def test_the_file_holds_only_numbers_and_text(mini: tuple[Path, Path], cache: Path):
    index_cache.cached_index(_mini_lecture(mini[0]))
    [saved] = _index_files(cache)
    raw = saved.read_bytes()
    assert raw.startswith(index_cache.MAGIC)
    length = int.from_bytes(raw[len(index_cache.MAGIC) : len(index_cache.MAGIC) + 8], "little")
    header = json.loads(raw[len(index_cache.MAGIC) + 8 : len(index_cache.MAGIC) + 8 + length])
    kinds = {np.dtype(dtype).kind for dtype, _, _ in header["arrays"].values()}
    assert kinds <= set("biuf")  # no object array: nothing to unpickle
    assert set(header["texts"]) <= set(header["arrays"])


def test_a_file_that_asks_for_objects_is_refused(
    mini: tuple[Path, Path], cache: Path, caplog: pytest.LogCaptureFixture
):
    lecture = _mini_lecture(mini[0])
    index_cache.cached_index(lecture)
    [saved] = _index_files(cache)
    key = _key(saved)
    raw = saved.read_bytes()
    start = len(index_cache.MAGIC) + 8
    length = int.from_bytes(raw[len(index_cache.MAGIC) : start], "little")
    header = json.loads(raw[start : start + length])
    name = next(iter(header["arrays"]))
    header["arrays"][name][0] = "|O"  # an object array would be unpickled by np.load
    encoded = json.dumps(header).encode()
    encoded += b" " * (-(start + len(encoded)) % 8)
    forged = index_cache.MAGIC + len(encoded).to_bytes(8, "little") + encoded
    saved.write_bytes(forged + raw[start + length :])
    with caplog.at_level(logging.WARNING, logger="retrieval.index_cache"):
        assert index_cache.load(saved, key) is None
    assert "not numbers" in caplog.text
