"""Chapter lists: YouTube description lines and the study site's table of contents."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.errors import LectureDataError
from retrieval.sources.chapter_list import ListedChapter, parse_chapter_list, read_chapter_list


def test_description_lines() -> None:
    text = (
        "Chapters:\n0:00 Intro\n(1:00) - Pretraining data\n7:47 | Tokenization\n2:07:28 SFT to RL"
    )
    assert parse_chapter_list(text) == [
        ListedChapter(0, "Intro"),
        ListedChapter(60, "Pretraining data"),
        ListedChapter(467, "Tokenization"),
        ListedChapter(7648, "SFT to RL"),
    ]


def test_a_table_of_contents_wins_over_stray_times() -> None:
    text = "at 3:00 we start\n1. [Introduction](#intro) (0:00)\n2. [Later](#later) (64:34)\n"
    assert parse_chapter_list(text) == [
        ListedChapter(0, "Introduction"),
        ListedChapter(3874, "Later"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1:00 Intro\n2:00 Next\n", "must start at 0:00"),
        ("0:00 Intro\n2:00 Next\n1:00 Back\n", "must increase"),
        ("no times at all\n", "no chapters found"),
    ],
)
def test_bad_lists_are_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "chapters.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LectureDataError, match=message):
        read_chapter_list(path)
