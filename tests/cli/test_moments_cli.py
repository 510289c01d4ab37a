"""`lecture-bot moments` and the key moments of `lecture-bot chapter`, run in-process."""

from __future__ import annotations

import re

import pytest

from bot.cli import main
from retrieval.catalog import load_catalog

LINE = re.compile(r"^\s+(\d+:\d{2}(?::\d{2})?)\s{2}(\S.*)$")


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wide enough that every title fits on its line (wrapping is tested elsewhere)."""
    monkeypatch.setenv("COLUMNS", "160")


def test_moments_of_one_chapter(capsys: pytest.CaptureFixture[str]) -> None:
    catalog = load_catalog()
    assert main(["moments", "--chapter", "3"]) == 0
    out = capsys.readouterr().out
    moments = catalog.chapter_moments(3)
    assert out.splitlines()[0].strip().startswith("3.")
    titles = [m.group(2) for line in out.splitlines() if (m := LINE.match(line))]
    assert titles == [moment.title for moment in moments]
    for moment in moments:
        assert f"https://www.youtube.com/watch?v=7xTGNNLPyMI&t={moment.t}s" in out


def test_every_moment_in_korean(capsys: pytest.CaptureFixture[str]) -> None:
    catalog = load_catalog()
    assert main(["moments", "--lang", "ko"]) == 0
    out = capsys.readouterr().out
    titles = [m.group(2) for line in out.splitlines() if (m := LINE.match(line))]
    assert titles == [moment.title_ko for moment in catalog.moments]


def test_a_chapter_lists_its_moments(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chapter", "16"]) == 0
    out = capsys.readouterr().out
    assert "Key moments:" in out
    first = load_catalog().chapter_moments(16)[0]
    assert first.title in out


@pytest.mark.parametrize("chapter", ["0", "25", "abc", "9" * 5000])
def test_a_chapter_that_does_not_exist_is_one_line(
    capsys: pytest.CaptureFixture[str], chapter: str
) -> None:
    assert main(["moments", "--chapter", chapter]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert "pick a number from 1 to 24" in line and len(line) < 120
