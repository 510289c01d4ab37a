"""The derived-lecture cache: a second load reads it, any change of input derives again, and
a broken cache file is ignored."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from retrieval import lecture_cache
from retrieval.catalog import load_catalog
from retrieval.data import load_lecture

COURSE = Path(__file__).resolve().parents[1] / "fixtures" / "course"


@pytest.fixture
def lecture_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(lecture_cache, "_configured_dir", tmp_path / "cache")
    target = tmp_path / "mini-bread"
    shutil.copytree(COURSE / "mini-bread", target)
    return target


def _load(directory: Path):
    return load_lecture(directory, load_catalog(COURSE / "mini-bread.yaml"))


def _cache_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache").glob("lecture-*.npz"))


def test_the_second_load_is_the_same_lecture_from_the_cache(
    lecture_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    first = _load(lecture_dir)
    [cached] = _cache_files(tmp_path)
    calls: list[object] = []
    monkeypatch.setattr(lecture_cache, "save", lambda *args: calls.append(args))
    second = _load(lecture_dir)
    assert calls == []  # read, not derived and saved again
    assert second.segments == first.segments and second.cues == first.cues
    # The cached cues are made one by one when asked for, and are the same cues.
    assert isinstance(second.cues, lecture_cache.StoredCues)
    assert list(second.cues) == list(first.cues) and len(second.cues) == len(first.cues)
    assert second.cues[-1] == first.cues[-1] and second.cues[2:5] == tuple(first.cues[2:5])
    with pytest.raises(IndexError):
        second.cues[len(first.cues)]
    assert any(segment.text_ko for segment in second.segments)
    assert cached.stat().st_size > 0


def test_a_changed_input_derives_the_lecture_again(lecture_dir: Path, tmp_path: Path):
    _load(lecture_dir)
    korean = next((lecture_dir / "site" / "kr").glob("*.md"))
    korean.write_text(korean.read_text(encoding="utf-8") + "\n추가된 문장입니다.\n", "utf-8")
    os.utime(korean, ns=(1, 1))  # a different modification time whatever the clock says
    _load(lecture_dir)
    assert len(_cache_files(tmp_path)) == 2


def test_a_broken_cache_file_is_ignored(lecture_dir: Path, tmp_path: Path):
    first = _load(lecture_dir)
    [cached] = _cache_files(tmp_path)
    cached.write_bytes(b"not an npz file")
    again = _load(lecture_dir)
    assert again.segments == first.segments


def test_a_truncated_cache_file_is_ignored(lecture_dir: Path, tmp_path: Path):
    first = _load(lecture_dir)
    [cached] = _cache_files(tmp_path)
    cached.write_bytes(cached.read_bytes()[: cached.stat().st_size // 2])  # zip directory lost
    again = _load(lecture_dir)
    assert again.segments == first.segments and again.cues == first.cues


def test_an_unwritable_cache_only_costs_time(lecture_dir: Path, monkeypatch, tmp_path: Path):
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the cache directory should be", encoding="utf-8")
    monkeypatch.setattr(lecture_cache, "_configured_dir", blocker / "cache")
    assert _load(lecture_dir).segments
