"""`lecture-bot ask` shows where the topic lives: a one-line strip under the text answer (not
under --json), and `--timeline FILE.png` writes the picture; a file that cannot be written
is one line on stderr and exit 2. In-process through `main(argv)`, over the real lecture."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from PIL import Image

from bot.cli import main
from bot.terminal import display_width
from retrieval.timecode import format_time

QUESTION = "what is tokenization?"


@pytest.fixture(autouse=True)
def lecture(monkeypatch, shared_lecture_dir: Path) -> None:
    monkeypatch.setenv("LECTURE_DATA_DIR", str(shared_lecture_dir))


@pytest.mark.parametrize("width", [60, 80, 120])
def test_the_strip_is_the_last_line_and_fits(width: int, monkeypatch, capsys, real_lecture):
    monkeypatch.setenv("COLUMNS", str(width))
    assert main(["ask", QUESTION]) == 0
    out = capsys.readouterr().out
    lines = out.rstrip("\n").splitlines()
    strip = lines[-1]
    assert lines[-2] == ""  # apart from the last moment
    assert strip.startswith("0:00 ") and strip.endswith(
        " " + format_time(real_lecture.catalog.duration)
    )
    assert {"1", "2", "3"} <= set(strip)  # the three moments shown, numbered
    assert "|" in strip  # chapter starts
    assert display_width(strip) <= width
    assert all(display_width(line) <= width for line in lines)
    assert "\x1b" not in out


def test_no_strip_under_json(capsys):
    assert main(["ask", "--json", QUESTION]) == 0
    out = capsys.readouterr().out
    assert len(out.splitlines()) == 1
    assert json.loads(out)["results"]


def test_no_strip_when_nothing_matches(capsys):
    assert main(["ask", "how do I bake sourdough bread"]) == 1
    assert "0:00 " not in capsys.readouterr().out


def test_timeline_writes_a_png(tmp_path: Path, capsys):
    target = tmp_path / "where.png"
    assert main(["ask", "--timeline", str(target), QUESTION]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (800, 120)
    assert main(["ask", "--json", "--timeline", str(target), QUESTION]) == 0  # with JSON too
    assert json.loads(capsys.readouterr().out)["query"] == QUESTION


@pytest.mark.parametrize(
    ("where", "question", "words"),
    [
        ("missing/where.png", QUESTION, "cannot write the timeline picture"),
        (".", QUESTION, "it is a folder"),
        ("missing/where.png", "토큰화가 뭐야?", "저장할 수 없어요"),
    ],
)
def test_a_file_that_cannot_be_written_is_one_line_and_exit_2(
    tmp_path: Path, capsys, where: str, question: str, words: str
):
    target = tmp_path / where
    assert main(["ask", "--timeline", str(target), question]) == 2
    captured = capsys.readouterr()
    [line] = captured.err.splitlines()
    assert line.startswith("lecture-bot: ") and words in line
    assert "Traceback" not in captured.err
    assert captured.out == ""  # refused before answering
    assert not (tmp_path / "missing").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any folder")
def test_a_folder_without_write_permission_is_refused(tmp_path: Path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert main(["ask", "--timeline", str(locked / "where.png"), QUESTION]) == 2
    finally:
        locked.chmod(0o700)
    [line] = capsys.readouterr().err.splitlines()
    assert "cannot write the timeline picture" in line and "permission denied" in line


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_write_that_fails_late_is_one_line_and_exit_2(capsys):
    # /proc looks writable to root, but no file can be made there: the write itself fails.
    assert main(["ask", "--timeline", "/proc/where.png", QUESTION]) == 2
    captured = capsys.readouterr()
    [line] = captured.err.splitlines()
    assert line.startswith("lecture-bot: cannot write the timeline picture to /proc/where.png")
    assert "Traceback" not in captured.err


def test_no_picture_when_nothing_matches(tmp_path: Path, capsys):
    target = tmp_path / "where.png"
    assert main(["ask", "--timeline", str(target), "how do I bake sourdough bread"]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert "no timeline picture was written" in line
    assert not target.exists()


def test_timeline_needs_one_question(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("what is SFT\n"))
    assert main(["ask", "--json", "--timeline", str(tmp_path / "x.png"), "-"]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert "--timeline" in line
    assert not (tmp_path / "x.png").exists()
