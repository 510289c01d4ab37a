"""`lecture-bot quiz` in-process, answers fed on stdin: the verdict printed matches the key
moment each question was written for, the reveal has its link, and the output fits."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.terminal import display_width
from retrieval.analysis import has_hangul
from retrieval.catalog import load_catalog

QUESTION = re.compile(r"^(?:Question|문제) (\d+): (.*)$")
CHOICE = re.compile(r"^\s+([123])\. (.*)$")


def run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    answers: str,
    width: int = 200,
) -> tuple[int, str, str]:
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setattr("sys.stdin", io.StringIO(answers))
    code = main(["quiz", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def rounds(out: str) -> list[tuple[str, list[str], list[str]]]:
    """(question, the three choices, the lines after them) of each question printed."""
    found: list[tuple[str, list[str], list[str]]] = []
    for line in out.splitlines():
        if match := QUESTION.match(line):
            found.append((match.group(2), [], []))
        elif found and len(found[-1][1]) < 3 and (match := CHOICE.match(line)):
            found[-1][1].append(match.group(2))
        elif found:
            found[-1][2].append(line)
    return found


@pytest.fixture
def data(shared_lecture_dir: Path) -> list[str]:
    return ["--data", str(shared_lecture_dir), "--seed", "11"]


def test_answers_are_judged_against_the_moment_asked_for(monkeypatch, capsys, data) -> None:
    catalog = load_catalog()
    code, out, err = run(monkeypatch, capsys, data, "1\n2\n3\n2\n")
    assert (code, err) == (0, "")
    played = rounds(out)
    assert len(played) == 5  # four answered, the fifth asked when the input ended
    streak = right = wrong = 0
    for (question, titles, after), typed in zip(played, [1, 2, 3, 2], strict=False):
        [moment] = [m for m in catalog.moments if question in m.asks and m.title in titles]
        position = titles.index(moment.title) + 1
        revealed = "\n".join(after)
        if typed == position:
            right, streak = right + 1, streak + 1
            assert f"Right! {streak} in a row." in revealed
        else:
            wrong, streak = wrong + 1, 0
            assert f"Not quite: the answer is {position}." in revealed
        assert f"https://www.youtube.com/watch?v=7xTGNNLPyMI&t={moment.t}s" in revealed
        assert f"Chapter {moment.chapter}: {catalog.chapter(moment.chapter).title}" in revealed
        assert "“" in revealed  # what is said there
    assert right and wrong  # the seed gives both verdicts
    assert out.rstrip().endswith(f"{right} of 4 right.")


def test_the_same_seed_asks_the_same_questions(monkeypatch, capsys, data) -> None:
    first = rounds(run(monkeypatch, capsys, data, "1\n1\n")[1])
    again = rounds(run(monkeypatch, capsys, data, "1\n1\n")[1])
    assert [q for q, _, _ in first] == [q for q, _, _ in again]


def test_a_chapter_in_korean(monkeypatch, capsys, data) -> None:
    catalog = load_catalog()
    code, out, _ = run(
        monkeypatch, capsys, [*data, "--chapter", "8", "--lang", "ko"], "2\n1\n3\nq\n1\n"
    )
    assert code == 0
    played = rounds(out)
    assert len(played) == 4  # q stops before the fifth answer is read
    for question, titles, _ in played:
        assert has_hangul(question) and all(has_hangul(title) for title in titles)
        [moment] = [m for m in catalog.moments if question in m.asks and m.title_ko in titles]
        assert moment.chapter == 8
    assert re.search(r"3문제 중 \d문제를 맞혔어요\.$", out.rstrip())
    ours = re.sub(r"“.*?”", "", out, flags=re.S)  # all but the lecture's own words
    assert not re.search(r"\b(?:Question|Right|Not quite|Chapter|answer|right|Type)\b", ours)


def test_anything_else_asks_again_and_an_empty_line_stops(monkeypatch, capsys, data) -> None:
    code, out, _ = run(monkeypatch, capsys, data, "5\nabc\n\n1\n")
    assert code == 0
    assert out.count("Type 1, 2 or 3 (or q to stop).") == 2
    assert len(rounds(out)) == 1 and "of 1 right" not in out  # nothing was answered


@pytest.mark.parametrize("width", [60, 80, 120])
def test_no_line_is_wider_than_the_terminal(monkeypatch, capsys, data, width: int) -> None:
    for lang in ("en", "ko"):
        _, out, _ = run(monkeypatch, capsys, [*data, "--lang", lang], "1\n2\n3\n", width)
        assert [line for line in out.splitlines() if display_width(line) > width] == []
        assert "\x1b" not in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--chapter", "30"], "There is no chapter '30'; pick a number from 1 to 24."),
        (["--chapter", "x", "--lang", "ko"], "'x'장은 없어요. 1부터 24까지 골라 주세요."),
    ],
)
def test_a_bad_chapter_is_one_line(monkeypatch, capsys, data, args, expected) -> None:
    code, out, err = run(monkeypatch, capsys, [*data, *args], "1\n")
    assert (code, out) == (2, "")
    assert err.splitlines() == [f"lecture-bot: {expected}"]
