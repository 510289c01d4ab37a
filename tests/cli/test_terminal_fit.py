"""The command line fits the terminal: no line wider than it (Korean counted two columns a
character), no escape sequence on a pipe, headers in the question's language."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.terminal import clean, display_width, wrap

COMMANDS = [
    ["ask", "what is supervised fine-tuning and why is it needed"],
    ["ask", "환각은 왜 생기는 거야?"],
    ["ask", "--top", "5", "how does reinforcement learning work"],
    ["chapter", "16"],
    ["chapter", "16", "--lang", "ko"],
    ["moments", "--chapter", "3", "--lang", "ko"],
    ["chapters", "--lang", "ko"],
    ["ask", "best pizza in Seoul, 서울 맛집"],
]


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: " ".join(args)[:40])
def test_no_line_is_wider_than_the_terminal(
    width: int, args: list[str], monkeypatch, capsys, shared_lecture_dir
) -> None:
    monkeypatch.setenv("LECTURE_DATA_DIR", str(shared_lecture_dir))
    monkeypatch.setenv("COLUMNS", str(width))
    assert main(args) in (0, 1)
    out = capsys.readouterr().out
    assert out.strip()
    too_wide = [line for line in out.splitlines() if display_width(line) > width]
    assert too_wide == []
    assert "\x1b" not in out  # not a terminal: plain text


def test_korean_questions_get_korean_headers(monkeypatch, capsys, shared_lecture_dir) -> None:
    monkeypatch.setenv("LECTURE_DATA_DIR", str(shared_lecture_dir))
    assert main(["ask", "토큰화가 뭐야?"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1. ") and "장: " in out.splitlines()[0]
    assert "Chapter" not in out
    assert main(["ask", "--lang", "en", "토큰화가 뭐야?"]) == 0
    assert "Chapter" in capsys.readouterr().out


def test_escape_sequences_in_a_question_never_reach_the_terminal(
    monkeypatch, capsys, shared_lecture_dir
) -> None:
    monkeypatch.setenv("LECTURE_DATA_DIR", str(shared_lecture_dir))
    main(["ask", "pizza \x1b[2J\x1b]0;owned\x07 in Seoul"])
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out + captured.err
    assert "\x07" not in captured.out + captured.err


def test_wrap_counts_korean_as_two_columns() -> None:
    lines = wrap("가나다라 마바사 아자차카 타파하", 10)
    assert lines == ["가나다라", "마바사", "아자차카", "타파하"]
    assert all(display_width(line) <= 10 for line in wrap("x" * 25, 10, "  "))
    assert clean("a\x1b[31mb\x9bc\x00d") == "abcd"
