"""The CLI speaks the user's language: `--lang`, else the question's (Hangul -> Korean), else
English, in its errors on stderr as in its headers, and never half of each. In-process through
`main(argv)`, over the real lecture."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main

HANGUL = re.compile(r"[\uac00-\ud7a3]")
LONG_KOREAN = "토큰화가 뭐야 " * 200  # 1,600 characters


@pytest.fixture(autouse=True)
def lecture(monkeypatch, shared_lecture_dir: Path) -> None:
    monkeypatch.setenv("LECTURE_DATA_DIR", str(shared_lecture_dir))


def _error_line(capsys, argv: list[str], code: int = 2) -> str:
    assert main(argv) == code
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith("lecture-bot: ")
    return line.removeprefix("lecture-bot: ")


def _english_words(text: str) -> list[str]:
    """Latin words of two letters or more, leaving out quoted input, options, paths, ids
    (lecture ids, video ids) and acronyms."""
    names = (
        r"'[^']*'|--[a-z-]+|/\S+|[A-Za-z0-9]*\d[A-Za-z0-9]*|[a-z]+(?:-[a-z]+)+"
        r"|(?<![A-Za-z])[A-Z]{2,}(?![A-Za-z])"
    )
    text = re.sub(names, " ", text)
    return re.findall(r"[A-Za-z]{2,}", text)


@pytest.mark.parametrize(
    ("argv", "korean"),
    [
        (["ask", "--chapter", "99", "토큰화가 뭐야"], "99장은 없어요. 1부터 24까지 골라 주세요."),
        (
            ["ask", LONG_KOREAN],
            "질문은 1,000자까지 할 수 있어요 (지금 1,599자). 더 짧게 물어봐 주세요.",
        ),
        (["ask", "--lang", "ko", "   "], "질문을 입력해 주세요. 예: SFT가 뭐야?"),
        (["ask", "--lang", "ko", "-"], "표준 입력에서 질문을 읽으려면 --json 이 필요해요."),
        (["chapter", "30", "--lang", "ko"], "'30'장은 없어요. 1부터 24까지 골라 주세요."),
        (
            ["moments", "--chapter", "x", "--lang", "ko"],
            "'x'장은 없어요. 1부터 24까지 골라 주세요.",
        ),
        (["link", "5시간"], "5:00:00은(는) 강의가 끝난 뒤예요 (강의 길이 3:31:05)."),
        (
            ["insights", "--since", "3y", "--lang", "ko"],
            "--since: '3y'은(는) 기간으로 읽을 수 없어요. 예: 7d, 24h, 2w, 30m",
        ),
    ],
)
def test_a_korean_users_errors_are_wholly_korean(capsys, argv: list[str], korean: str) -> None:
    line = _error_line(capsys, argv)
    assert line == korean
    assert not _english_words(line)


@pytest.mark.parametrize(
    "argv",
    [
        ["ask", "--lecture", "nope", "토큰화가 뭐야"],
        ["link", "--lang", "ko", "99:99"],
        ["link", "https://youtu.be/dQw4w9WgXcQ?t=30", "--lang", "ko"],
        ["ask", "--timeline", "/nonexistent/where.png", "토큰화가 뭐야"],
        ["ask", "뭐야?"],
    ],
)
def test_errors_from_everywhere_follow_the_question(capsys, argv: list[str]) -> None:
    line = _error_line(capsys, argv)
    assert HANGUL.search(line), line
    assert not _english_words(line), line


@pytest.mark.parametrize(
    ("argv", "english"),
    [
        (["ask", "--chapter", "99", "what is tokenization"], "There is no chapter 99;"),
        (["ask", "x" * 1600], "Questions can be at most 1,000 characters (yours has 1,600)."),
        (["ask", "   "], "Please type a question"),
        (["ask", "--lang", "en", "--chapter", "99", "토큰화가 뭐야"], "There is no chapter 99;"),
        (["link", "5:00:00"], "5:00:00 is past the end of the lecture"),
        (["ask", "--lecture", "nope", "what is SFT"], "there is no lecture 'nope';"),
    ],
)
def test_an_english_users_errors_are_english(capsys, argv: list[str], english: str) -> None:
    line = _error_line(capsys, argv)
    assert line.startswith(english)
    assert not HANGUL.search(line.replace("1시간 2분 3초", ""))


def test_a_korean_link_is_answered_in_korean(capsys) -> None:
    assert main(["link", "1시간 2분"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("1:02:00 — 10장: ") and HANGUL.search(first.split("10장: ")[1])
    assert main(["link", "1:02:00"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("1:02:00 — Chapter 10: ")


def test_a_korean_question_gets_korean_headers(capsys) -> None:
    assert main(["ask", "--top", "1", "토큰화가 뭐야"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert re.match(r"1\. \d+장: ", first), first
    assert main(["ask", "--top", "1", "--lang", "en", "토큰화가 뭐야"]) == 0
    assert re.match(r"1\. Chapter \d+: ", capsys.readouterr().out), "--lang wins"
