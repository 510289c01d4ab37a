"""`lecture-bot` end to end over the shared lecture, in-process through `main(argv)`.

Every command runs once in a module fixture, with its stdin, stdout and stderr redirected;
the tests then check what each one printed and returned. A few run as real subprocesses too
(`SMOKE`), to show the installed entry point behaves the same.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli import main
from retrieval.lecture import Lecture

LONG_QUESTION = ("tokenization " * 800)[:10_000]
ZERO_WIDTH_AND_RTL = "\u200b\u200c\u200d\u200f\u202e\u202c\ufeff"
EMOJI = "😀🎉🔥🤖"
BATCH = "what is SFT\n\ntokenization\n"
BAD_BATCH = [
    "",
    "   ",
    LONG_QUESTION,
    "what is the",
    EMOJI,
    ZERO_WIDTH_AND_RTL,
    f"{EMOJI} {ZERO_WIDTH_AND_RTL} why",
]

COMMANDS: dict[str, tuple[list[str], str | None]] = {
    # name: (arguments, stdin)
    "ask": (["ask", "what is SFT"], None),
    "ask-json": (["ask", "--json", "what is SFT"], None),
    "ask-batch": (["ask", "--json", "-"], BATCH),
    # --top applies to every line of a batch
    "ask-bad-batch": (
        ["ask", "--json", "--top", "5", "-"],
        "\n".join([*BAD_BATCH, "asdfgh", "model"]) + "\n",
    ),
    "ask-chapter": (["ask", "--json", "--chapter", "16", "reinforcement learning"], None),
    "chapters": (["chapters"], None),
    "chapter": (["chapter", "16"], None),
    "chapter-ko": (["chapter", "16", "--lang", "ko"], None),
    "link": (["link", "2:07:30"], None),
    "eval": (["eval", "{questions}", "--json"], None),
    # bad input: non-zero exit, a message on stderr, never a traceback
    "bad-empty": (["ask", ""], None),
    "bad-long": (["ask", LONG_QUESTION], None),
    "bad-stopwords": (["ask", "what is the"], None),
    "bad-emoji-invisible": (["ask", EMOJI + ZERO_WIDTH_AND_RTL], None),
    "bad-ask-chapter-0": (["ask", "--chapter", "0", "what is SFT"], None),
    "bad-ask-chapter-25": (["ask", "--chapter", "25", "what is SFT"], None),
    "bad-top-0": (["ask", "--top", "0", "what is SFT"], None),
    "bad-chapter-0": (["chapter", "0"], None),
    "bad-chapter-25": (["chapter", "25"], None),
    "bad-chapter-abc": (["chapter", "abc"], None),
    "bad-link-99:99": (["link", "99:99"], None),
    "bad-link--5": (["link", "--", "-5"], None),
    "bad-link-abc": (["link", "abc"], None),
    "bad-link-past-end": (["link", "3:40:00"], None),
    "bad-no-data": (["ask", "--data", "/nonexistent", "what is SFT"], None),
}


@dataclass(frozen=True)
class Run:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str


SMOKE = ("ask", "bad-long")  # also run as real subprocesses


def _in_process(args: list[str], stdin: str | None) -> Run:
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin or "")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(args)
            except SystemExit as exit_:  # argparse's usage errors
                code = int(exit_.code or 0)
    finally:
        sys.stdin = saved
    return Run(args, code, out.getvalue(), err.getvalue())


def _subprocess(args: list[str], env: dict[str, str]) -> Run:
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=env,
        timeout=120,
    )
    return Run(args, done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8"))


@pytest.fixture(scope="module")
def runs(shared_lecture_dir: Path, shared_questions: Path) -> dict[str, Run]:
    env = {**os.environ, "LECTURE_DATA_DIR": str(shared_lecture_dir)}
    saved = os.environ.get("LECTURE_DATA_DIR")
    os.environ["LECTURE_DATA_DIR"] = str(shared_lecture_dir)
    try:
        done = {}
        for name, (args, stdin) in COMMANDS.items():
            args = [str(shared_questions) if arg == "{questions}" else arg for arg in args]
            done[name] = _in_process(args, stdin)
    finally:
        if saved is None:
            del os.environ["LECTURE_DATA_DIR"]
        else:
            os.environ["LECTURE_DATA_DIR"] = saved
    for name in SMOKE:
        done[f"{name} (subprocess)"] = _subprocess(COMMANDS[name][0], env)
    return done


@pytest.mark.parametrize("name", SMOKE)
def test_the_entry_point_behaves_as_main_does(runs: dict[str, Run], name: str) -> None:
    inside, outside = runs[name], runs[f"{name} (subprocess)"]
    assert (outside.returncode, outside.stdout) == (inside.returncode, inside.stdout)
    assert "Traceback" not in outside.stderr


CLOCK = re.compile(r"\b\d:\d{2}:\d{2}\b")
LINK = re.compile(r"https://www\.youtube\.com/watch\?v=7xTGNNLPyMI&t=(\d+)s")
RESULT_KEYS = {
    "rank",
    "lecture",
    "lecture_title",
    "chapter",
    "chapter_title",
    "start",
    "end",
    "url",
    "title",
    "title_ko",
    "text",
}


def _ok(run: Run) -> None:
    assert run.returncode == 0, run
    assert "Traceback" not in run.stdout + run.stderr


def _check_answer(payload: dict, query: str, count: int | None = None) -> None:
    assert set(payload) == {"query", "weak", "results"}
    assert payload["query"] == query
    results = payload["results"]
    assert count is None or len(results) == count
    for rank, result in enumerate(results, start=1):
        assert set(result) == RESULT_KEYS
        assert result["rank"] == rank
        for key in ("start", "end", "chapter"):
            assert type(result[key]) is int, (key, result)
        assert 0 <= result["start"] < result["end"] <= 12665
        assert 1 <= result["chapter"] <= 24
        assert result["url"] == f"https://www.youtube.com/watch?v=7xTGNNLPyMI&t={result['start']}s"
        assert result["text"] and result["chapter_title"] and result["title"] and result["title_ko"]


# -- the happy paths -------------------------------------------------------------------------


def test_ask_prints_readable_results(runs: dict[str, Run]) -> None:
    run = runs["ask"]
    _ok(run)
    assert re.search(r"^1\. Chapter \d+: ", run.stdout, re.MULTILINE)
    assert re.search(r"^3\. Chapter \d+: ", run.stdout, re.MULTILINE)
    assert CLOCK.search(run.stdout)
    assert LINK.search(run.stdout)
    assert "**" in run.stdout  # matched words emphasised (no colour: stdout is not a terminal)
    assert re.search(r"\*\*(sft|supervised)", run.stdout, re.IGNORECASE)


def test_ask_json_prints_exactly_one_object(runs: dict[str, Run]) -> None:
    run = runs["ask-json"]
    _ok(run)
    lines = run.stdout.strip().splitlines()
    assert len(lines) == 1
    _check_answer(json.loads(lines[0]), "what is SFT", count=3)


def test_ask_json_batch_answers_each_line_in_order(runs: dict[str, Run]) -> None:
    run = runs["ask-batch"]
    _ok(run)
    lines = run.stdout.splitlines()
    assert len(lines) == 3
    payloads = [json.loads(line) for line in lines]
    assert [p["query"] for p in payloads] == ["what is SFT", "", "tokenization"]
    _check_answer(payloads[0], "what is SFT", count=3)
    _check_answer(payloads[2], "tokenization", count=3)
    assert payloads[1]["results"] == []
    assert payloads[1]["error"]  # the empty line is answered with a reason, not dropped


def test_ask_json_batch_survives_every_bad_line(runs: dict[str, Run]) -> None:
    run = runs["ask-bad-batch"]
    _ok(run)
    payloads = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(payloads) == len(BAD_BATCH) + 2
    for line, payload in zip(BAD_BATCH, payloads, strict=False):
        assert payload["query"] == line
        assert payload["results"] == []
        assert isinstance(payload["error"], str) and payload["error"], line[:20]
        assert "Traceback" not in payload["error"]
    assert "10,000" in payloads[2]["error"]
    nonsense, last = payloads[-2:]
    assert nonsense == {
        "query": "asdfgh",
        "weak": False,
        "results": [],
    }  # no match: not an error, no noise
    _check_answer(last, "model", count=5)  # the batch goes on after bad lines, --top 5 holds


def test_ask_chapter_searches_only_that_chapter(runs: dict[str, Run]) -> None:
    run = runs["ask-chapter"]
    _ok(run)
    payload = json.loads(run.stdout)
    _check_answer(payload, "reinforcement learning")
    assert payload["results"]
    assert {r["chapter"] for r in payload["results"]} == {16}
    assert all(7648 <= r["start"] < 8082 for r in payload["results"])  # 2:07:28 to 2:14:42


def test_chapters_lists_all_24(runs: dict[str, Run]) -> None:
    run = runs["chapters"]
    _ok(run)
    numbered = re.findall(r"^\s*(\d+)\.\s+(\d+:\d{2}(?::\d{2})?)\s+(.+)$", run.stdout, re.MULTILINE)
    assert [int(n) for n, _, _ in numbered] == list(range(1, 25))
    assert ("16", "2:07:28") in {(n, t) for n, t, _ in numbered}
    assert ("3", "7:47") in {(n, t) for n, t, _ in numbered}


def test_chapter_16(runs: dict[str, Run]) -> None:
    run = runs["chapter"]
    _ok(run)
    assert "Chapter 16" in run.stdout
    assert "Supervised Finetuning to Reinforcement Learning".casefold() in run.stdout.casefold()
    assert "2:07:28" in run.stdout and "2:14:42" in run.stdout
    assert "7:14" in run.stdout  # its duration
    assert "https://www.youtube.com/watch?v=7xTGNNLPyMI&t=7648s" in run.stdout
    assert re.search(r"^\s+- \S", run.stdout, re.MULTILINE)  # key points


def test_chapter_16_in_korean(runs: dict[str, Run]) -> None:
    run = runs["chapter-ko"]
    _ok(run)
    assert run.stdout.startswith("16장: ")
    assert len(re.findall(r"[\uac00-\ud7a3]", run.stdout)) > 50
    assert "t=7648s" in run.stdout


def test_link(runs: dict[str, Run], real_lecture: Lecture) -> None:
    run = runs["link"]
    _ok(run)
    assert "https://www.youtube.com/watch?v=7xTGNNLPyMI&t=7650s" in run.stdout
    assert "Chapter 16" in run.stdout
    assert "2:07:30" in run.stdout
    # What is said at that moment: words of the transcript around 2:07:30.
    quoted = run.stdout.split("t=7650s", 1)[1].strip(' \n"“”').casefold().split()
    assert len(quoted) >= 5
    nearby = " ".join(s.text for s in real_lecture.segments if 7650 - 30 <= s.start <= 7650 + 30)
    spoken = set(nearby.casefold().split())
    assert sum(word in spoken for word in quoted) >= 0.8 * len(quoted), quoted


def test_eval_json(runs: dict[str, Run]) -> None:
    run = runs["eval"]
    _ok(run)
    report = json.loads(run.stdout)
    assert set(report) == {"all", "en", "ko"}
    for row in report.values():
        assert {"hit@1", "hit@3", "hit@5", "mrr@10"} <= set(row)
        assert 0 <= row["hit@1"] <= row["hit@3"] <= row["hit@5"] <= 1
    assert report["en"]["hit@3"] >= 0.75


# -- bad input -------------------------------------------------------------------------------

BAD = {name: args for name, (args, _) in COMMANDS.items() if name.startswith("bad-")}
EXPECTED_MESSAGE = {
    "bad-empty": "type a question",
    "bad-long": "10,000",
    "bad-stopwords": "no searchable words",
    "bad-emoji-invisible": "no searchable words",
    "bad-ask-chapter-0": "no chapter 0",
    "bad-ask-chapter-25": "no chapter 25",
    "bad-top-0": "--top",
    "bad-chapter-0": "no chapter",
    "bad-chapter-25": "no chapter",
    "bad-chapter-abc": "no chapter",
    "bad-link-99:99": "not a time",
    "bad-link--5": "not a time",
    "bad-link-abc": "not a time",
    "bad-link-past-end": "past the end",
    "bad-no-data": "LECTURE_DATA_DIR",
}


@pytest.mark.parametrize("name", BAD)
def test_bad_input_fails_cleanly(runs: dict[str, Run], name: str) -> None:
    run = runs[name]
    assert run.returncode != 0, run
    assert "Traceback" not in run.stdout + run.stderr
    assert run.stdout.strip() == ""
    message = run.stderr.strip()
    assert message.startswith(("lecture-bot:", "usage:")), message
    assert EXPECTED_MESSAGE[name].casefold() in message.casefold(), message
    assert len(message) < 1500


def test_every_bad_command_has_an_expected_message() -> None:
    assert set(EXPECTED_MESSAGE) == set(BAD)


def test_bad_times_show_valid_examples(runs: dict[str, Run]) -> None:
    for name in ("bad-link-99:99", "bad-link--5", "bad-link-abc"):
        assert "2:07:30" in runs[name].stderr
    assert "3:31:05" in runs["bad-link-past-end"].stderr


def test_missing_data_says_how_to_get_a_transcript(runs: dict[str, Run]) -> None:
    message = runs["bad-no-data"].stderr
    assert "/nonexistent" in message
    assert "LECTURE_DATA_DIR" in message
    assert "--data" in message
    assert "import" in message or "export" in message
