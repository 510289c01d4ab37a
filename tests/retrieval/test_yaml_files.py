"""Hostile YAML files fail at once with one line naming the file, never hang or crash."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from retrieval import lecture_cache, yaml_files
from retrieval.errors import LectureDataError
from retrieval.yaml_files import MAX_YAML_BYTES, read_yaml

BOMB = "\n".join(
    ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    + [
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]"
        for i in range(8)
    ]
)


def test_a_plain_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("lecture: x\nitems: [1, 2]\n", encoding="utf-8")
    assert read_yaml(path, "catalog") == {"lecture": "x", "items": [1, 2]}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (BOMB, "anchors or aliases"),
        ("[" * 5000 + "]" * 5000, "nested too deeply|not valid YAML"),
        ("a: [1, 2\nb: }", "not valid YAML"),
        (b"\xff\xfe\x00bad", "not UTF-8"),
    ],
)
def test_hostile_content_is_one_clear_error(tmp_path: Path, content: str | bytes, message: str):
    path = tmp_path / "bad.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(LectureDataError, match=message) as error:
        read_yaml(path, "catalog file")
    assert time.perf_counter() - started < 5  # milliseconds expected; seconds would be a hang
    assert str(path) in str(error.value) and "\n" not in str(error.value)


def test_a_huge_or_endless_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    with pytest.raises(LectureDataError, match="over 4 MB"):
        read_yaml(Path("/dev/zero"), "catalog file")
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (MAX_YAML_BYTES + 1))
    with pytest.raises(LectureDataError, match="over 4 MB"):
        read_yaml(big, "catalog file")


def test_a_directory_or_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(LectureDataError, match="is a directory"):
        read_yaml(tmp_path, "catalog file")
    with pytest.raises(LectureDataError, match="not found"):
        read_yaml(tmp_path / "missing.yaml", "catalog file")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(lecture_cache, "_configured_dir", tmp_path / "cache")
    return tmp_path / "cache"


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(yaml_files, "parse_yaml", refuse)


def test_the_same_bytes_are_parsed_once(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text("lecture: x\ntitle_ko: 한국어\nitems: [1, 2.5, true, null]\n", "utf-8")
    first = read_yaml(path, "catalog")
    assert len(list(cache.glob("yaml-*.json"))) == 1
    _no_parsing(monkeypatch)
    assert read_yaml(path, "catalog") == first


def test_a_changed_file_is_parsed_again(tmp_path: Path, cache: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text("lecture: x\n", encoding="utf-8")
    assert read_yaml(path, "catalog") == {"lecture": "x"}
    path.write_text("lecture: y\n", encoding="utf-8")
    assert read_yaml(path, "catalog") == {"lecture": "y"}
    assert len(list(cache.glob("yaml-*.json"))) == 1  # the earlier version's is gone


def test_what_json_cannot_hold_is_never_kept(tmp_path: Path, cache: Path) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text("1: one\nwhen: 2024-05-01\n", encoding="utf-8")
    first = read_yaml(path, "catalog")
    assert list(cache.glob("yaml-*.json")) == []
    assert read_yaml(path, "catalog") == first and 1 in first  # an integer key stays one


def test_a_broken_cache_file_is_parsed_again(tmp_path: Path, cache: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text("lecture: x\n", encoding="utf-8")
    read_yaml(path, "catalog")
    [kept] = cache.glob("yaml-*.json")
    kept.write_bytes(b'{"lecture": ')  # cut short
    assert read_yaml(path, "catalog") == {"lecture": "x"}
