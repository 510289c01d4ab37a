"""The command line over a whole course (`--data ../shared/lecture`), run in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main


@pytest.fixture
def course_dir(shared_lecture_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LECTURE_DATA_DIR", str(shared_lecture_dir.parent))
    return shared_lecture_dir.parent


def test_ask_one_lecture_of_the_course(course_dir: Path, capsys: pytest.CaptureFixture[str]):
    code = main(
        [
            "ask",
            "--json",
            "--lecture",
            "lessons-millions-ai-code-reviews",
            "what bugs can AI reviewers catch",
        ]
    )
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["results"]
    for result in payload["results"]:
        assert result["lecture"] == "lessons-millions-ai-code-reviews"
        assert result["lecture_title"] == "Lessons from millions of AI code reviews"
        assert result["url"].startswith("https://www.youtube.com/watch?v=TswQeKftnaw&t=")


def test_ask_the_course_names_each_hits_lecture(course_dir, capsys):
    assert main(["ask", "how do I jailbreak a model with role play"]) == 0
    out = capsys.readouterr().out
    assert "AI Prompt Engineering: A Deep Dive · Chapter" in out
    assert "T9aRN5JkmL8" in out


def test_lectures_lists_the_course(course_dir, capsys):
    assert main(["lectures", "--json"]) == 0
    lectures = json.loads(capsys.readouterr().out)
    assert [item["lecture"] for item in lectures] == [
        "deep-dive-llms",
        "ai-prompt-engineering-deep-dive",
        "lessons-millions-ai-code-reviews",
    ]
    assert [item["duration"] for item in lectures] == [12665, 4602, 621]
    assert main(["lectures", "--lang", "ko"]) == 0
    korean = capsys.readouterr().out
    for item in lectures:
        assert item["title_ko"] in korean


def test_chapters_of_another_lecture(course_dir, capsys):
    assert main(["chapters", "--lecture", "ai-prompt-engineering-deep-dive"]) == 0
    out = capsys.readouterr().out
    assert "Jailbreaking" in out and "Tokenization" not in out


@pytest.mark.parametrize(
    "args",
    [
        ["ask", "--lecture", "nope", "what is SFT"],
        ["ask", "--lecture", "../../etc", "what is SFT"],
        ["chapters", "--lecture", "x" * 5000],
    ],
)
def test_an_unknown_lecture_is_one_line(course_dir, capsys, args):
    assert main(args) == 2
    captured = capsys.readouterr()
    [line] = captured.err.splitlines()
    assert "lecture" in line and "deep-dive-llms" in line and len(line) < 300


def test_eval_reports_per_lecture(course_dir, shared_course_questions, capsys):
    assert main(["eval", str(shared_course_questions), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    for row in (
        "ai-prompt-engineering-deep-dive en",
        "ai-prompt-engineering-deep-dive ko",
        "lessons-millions-ai-code-reviews",
        "off-topic",
    ):
        assert row in report
    assert report["off-topic"]["hit@1"] == 1.0
