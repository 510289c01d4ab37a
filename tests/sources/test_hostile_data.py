"""Hostile data: every text from outside is bounded and handled in linear time, and a bad file
is one clear line. The time bounds are generous for a slow machine; the cases took seconds
to minutes before they were bounded."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from bot.settings import ConfigError, Settings
from retrieval.catalog import load_catalog
from retrieval.data import load_lecture
from retrieval.errors import LectureDataError
from retrieval.index import Index
from retrieval.sources.captions import MAX_CUE_LINE_CHARS, parse_captions
from retrieval.sources.seed import MAX_PARAGRAPH_CHARS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HUGE_CUE = "WEBVTT\n\n00:00:01.000 --> 00:00:09.000\n" + "tokens " * 150_000 + "\n"


def test_a_one_megabyte_cue_is_cut_quickly(caplog: pytest.LogCaptureFixture) -> None:
    started = time.perf_counter()
    cues = parse_captions(HUGE_CUE, "vtt", Path("huge.vtt"))
    assert time.perf_counter() - started < 5
    assert all(len(cue.text) <= MAX_CUE_LINE_CHARS for cue in cues)
    assert "was cut" in caplog.text


def test_a_huge_paragraph_is_cut_and_questions_stay_fast(tmp_path: Path) -> None:
    data = tmp_path / "lecture"
    shutil.copytree(FIXTURES / "lecture-mini", data)
    chapter = next((data / "chapters").glob("01-*.md"))
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text + "[2:05] " + "flour water " * 100_000 + "\n", encoding="utf-8")
    (data / "captions").mkdir()
    (data / "captions" / "huge.vtt").write_text(HUGE_CUE, encoding="utf-8")
    started = time.perf_counter()
    lecture = load_lecture(data, load_catalog(FIXTURES / "mini-catalog.yaml"))
    assert max(len(segment.text) for segment in lecture.segments) <= MAX_PARAGRAPH_CHARS
    index = Index(lecture)
    for question in ("flour and water", "tokens", "why knead the dough"):
        index.answer(question)
    assert time.perf_counter() - started < 10


def test_a_non_utf8_dotenv_is_one_line(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_bytes(b"DISCORD_TOKEN=\xff\xfe\x00abc\n")
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(environ={}, dotenv_path=dotenv)
    assert "is not UTF-8" in str(caught.value) and "\n" not in str(caught.value)


def test_an_error_never_echoes_kilobytes_of_input(tmp_path: Path) -> None:
    catalog = (FIXTURES / "mini-catalog.yaml").read_text(encoding="utf-8")
    path = tmp_path / "catalog.yaml"
    path.write_text(catalog.replace("duration: 400", "duration: " + "9" * 5_000), "utf-8")
    with pytest.raises(LectureDataError) as caught:
        load_catalog(path)
    assert len(str(caught.value)) < 300
