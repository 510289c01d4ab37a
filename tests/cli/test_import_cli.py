"""`lecture-bot import ...` end to end, as a user runs it (a subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = REPO_ROOT / "tests" / "fixtures"
MINI_CATALOG = FIXTURES / "mini-catalog.yaml"
ROLLING = FIXTURES / "captions" / "bread-rolling.vtt"
SRT = FIXTURES / "captions" / "bread.srt"


def lecture_bot(
    *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    environment.pop("LECTURE_DATA_DIR", None)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *map(str, args)],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_one_line_error(result: subprocess.CompletedProcess, expected: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("lecture-bot:")]
    assert len(lines) == 1 and expected in lines[0], result.stderr


def test_import_vtt_writes_a_data_directory(tmp_path):
    out = tmp_path / "lecture"
    result = lecture_bot("import", "vtt", ROLLING, "--out", out, "--catalog", MINI_CATALOG)
    assert result.returncode == 0, result.stderr
    assert "Imported 26 words in 5 paragraphs and 3 chapters" in result.stdout
    assert f"--data {out}" in result.stdout
    assert sorted(p.name for p in (out / "chapters").iterdir()) == [
        "01-flour-and-water.md",
        "02-kneading-and-proofing.md",
        "03-baking-and-cooling.md",
    ]
    assert (out / "captions" / ROLLING.name).is_file()


def test_import_srt_quiet_prints_nothing(tmp_path):
    out = tmp_path / "lecture"
    result = lecture_bot("import", "srt", SRT, "--out", out, "--catalog", MINI_CATALOG, "--quiet")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert "[4:10] bake with steam" in (out / "chapters" / "03-baking-and-cooling.md").read_text(
        "utf-8"
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "caption file is empty"),
        (b"# notes\n", "not a caption file"),
        (
            b"1\n00:00:05,000 --> 00:00:06,000\nb\n\n2\n00:00:01,000 --> 00:00:02,000\na\n",
            "backwards",
        ),
    ],
)
def test_bad_caption_files_are_one_line_errors(tmp_path, content, expected):
    bad = tmp_path / "bad.srt"
    bad.write_bytes(content)
    out = tmp_path / "lecture"
    result = lecture_bot("import", "srt", bad, "--out", out, "--catalog", MINI_CATALOG)
    assert_one_line_error(result, expected)
    assert not out.exists()


def test_a_failed_import_keeps_the_previous_data(tmp_path):
    out = tmp_path / "lecture"
    assert (
        lecture_bot("import", "vtt", ROLLING, "--out", out, "--catalog", MINI_CATALOG).returncode
        == 0
    )
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    empty = tmp_path / "empty.vtt"
    empty.write_bytes(b"WEBVTT\n\n")
    result = lecture_bot("import", "vtt", empty, "--out", out, "--catalog", MINI_CATALOG)
    assert_one_line_error(result, "no caption cues")
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_refuses_to_overwrite_a_foreign_directory(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = lecture_bot("import", "vtt", ROLLING, "--out", tmp_path, "--catalog", MINI_CATALOG)
    assert_one_line_error(result, "not a lecture data directory")
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_youtube_without_network_is_one_line(tmp_path):
    # a proxy on a closed local port: the real library, the real requests, no internet needed
    proxy = {"HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}
    out = tmp_path / "lecture"
    result = lecture_bot("import", "youtube", "7xTGNNLPyMI", "--out", out, env=proxy)
    assert_one_line_error(result, "cannot reach YouTube")
    assert not out.exists()


def test_youtube_rejects_what_is_not_a_video(tmp_path):
    result = lecture_bot("import", "youtube", "https://vimeo.com/1", "--out", tmp_path / "x")
    assert_one_line_error(result, "not a YouTube video id or URL")


def test_imported_real_lecture_answers_questions(tmp_path, shared_lecture_dir):
    out = tmp_path / "deep-dive-llms"
    vtt = shared_lecture_dir / "captions" / "deep-dive-llms.en.vtt"
    imported = lecture_bot("import", "vtt", vtt, "--out", out, "--quiet")
    assert imported.returncode == 0, imported.stderr
    answer = lecture_bot("ask", "what is tokenization", "--data", out, "--top", "3")
    assert answer.returncode == 0, answer.stderr
    assert "Tokenization" in answer.stdout
    assert "youtube.com/watch?v=7xTGNNLPyMI&t=" in answer.stdout
