"""`lecture-bot import ...` end to end, as a user runs it (a subprocess)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli import main

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


# -- interrupted imports and --out shapes ----------------------------------------------------


def slow_lecture(tmp_path: Path, chapters: int = 10_000) -> tuple[Path, Path]:
    """A catalog of many 30-second chapters and captions with words in each: writing the
    chapter files keeps the staging directory around for a second or more."""
    lines = [
        "lecture: slow-talk",
        "video_id: SLOWVIDEO01",
        "title: A long talk",
        "title_ko: 긴 강연",
        "author: T",
        f"duration: {chapters * 30}",
        "chapters:",
    ]
    for number in range(1, chapters + 1):
        lines.append(
            f"  - {{number: {number}, title: Part {number}, title_ko: 부분 {number},"
            f" start: {(number - 1) * 30}}}"
        )
    catalog = tmp_path / "slow-catalog.yaml"
    catalog.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def stamp(seconds: int) -> str:
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}.000"

    cues = [
        f"{stamp(start + 1)} --> {stamp(start + 5)}\nwords spoken in part {start // 30}\n"
        for start in range(0, chapters * 30, 30)
    ]
    captions = tmp_path / "slow.vtt"
    captions.write_text("WEBVTT\n\n" + "\n".join(cues), encoding="utf-8")
    return captions, catalog


def snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes() for p in directory.rglob("*") if p.is_file()
    }


def test_sigterm_mid_import_is_like_ctrl_c(tmp_path):
    out = tmp_path / "lecture"
    first = lecture_bot("import", "vtt", ROLLING, "--out", out, "--catalog", MINI_CATALOG)
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    captions, catalog = slow_lecture(tmp_path)
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    environment.pop("LECTURE_DATA_DIR", None)
    command = ["import", "vtt", captions, "--out", out, "--catalog", catalog, "--quiet"]
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *map(str, command)],
        cwd=REPO_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not any(tmp_path.glob(".lecture.importing-*/chapters/*.md")):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.01)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 143, stderr
    assert "Traceback" not in stderr
    assert stderr.splitlines() == ["lecture-bot: stopped by SIGTERM"]
    assert stdout == ""
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_the_next_import_repairs_what_a_killed_one_left_and_says_so(tmp_path):
    out = tmp_path / "lecture"
    assert (
        lecture_bot("import", "srt", SRT, "--out", out, "--catalog", MINI_CATALOG).returncode == 0
    )
    # what a kill between the two renames of the fallback swap leaves: no DIR, the old data
    # hidden as .DIR.old-*, the finished build still in its staging directory
    out.rename(tmp_path / ".lecture.old-0123abcd")
    (tmp_path / ".lecture.importing-a1b2c3d4" / "chapters").mkdir(parents=True)
    result = lecture_bot("import", "vtt", ROLLING, "--out", out, "--catalog", MINI_CATALOG)
    assert result.returncode == 0, result.stderr
    warnings = result.stderr.splitlines()
    assert len(warnings) == 2 and "Traceback" not in result.stderr
    assert "restored the previous data from .lecture.old-0123abcd" in warnings[0]
    assert "removed 1 unfinished directory" in warnings[1]
    assert ".lecture.importing-a1b2c3d4" in warnings[1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lecture"]
    assert (out / "captions" / ROLLING.name).is_file()


def test_a_failed_import_still_restores_the_hidden_data(tmp_path):
    out = tmp_path / "lecture"
    assert (
        lecture_bot("import", "srt", SRT, "--out", out, "--catalog", MINI_CATALOG).returncode == 0
    )
    before = snapshot(out)
    out.rename(tmp_path / ".lecture.old-0123abcd")
    empty = tmp_path / "empty.vtt"
    empty.write_bytes(b"WEBVTT\n\n")
    result = lecture_bot("import", "vtt", empty, "--out", out, "--catalog", MINI_CATALOG)
    assert_one_line_error(result, "no caption cues")
    assert "restored the previous data" in result.stderr
    assert snapshot(out) == before


def test_out_may_be_a_symlink_to_a_data_directory(tmp_path):
    real = tmp_path / "disk" / "lecture"
    real.parent.mkdir()
    assert (
        lecture_bot("import", "srt", SRT, "--out", real, "--catalog", MINI_CATALOG).returncode == 0
    )
    link = tmp_path / "lecture"
    link.symlink_to(real)
    result = lecture_bot("import", "vtt", ROLLING, "--out", link, "--catalog", MINI_CATALOG)
    assert result.returncode == 0, result.stderr
    assert f"--data {link}" in result.stdout
    assert link.is_symlink() and (real / "captions" / ROLLING.name).is_file()
    assert sorted(p.name for p in real.parent.iterdir()) == ["lecture"]


def test_out_may_name_new_folders(tmp_path):
    out = tmp_path / "course" / "talks" / "lecture"
    result = lecture_bot("import", "vtt", ROLLING, "--out", out, "--catalog", MINI_CATALOG)
    assert result.returncode == 0, result.stderr
    assert (out / "chapters").is_dir()


def bad_out_shapes(tmp: Path) -> dict[str, tuple[Path, str]]:
    (tmp / "dangling").symlink_to(tmp / "nowhere")
    (tmp / "loop").symlink_to(tmp / "loop")
    (tmp / "file").write_text("x", encoding="utf-8")
    (tmp / "to-file").symlink_to(tmp / "file")
    (tmp / "foreign").mkdir()
    (tmp / "foreign" / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp / "locked").mkdir(mode=0o555)
    return {
        "dangling symlink": (tmp / "dangling", "is a symbolic link to"),
        "symlink loop": (tmp / "loop", "is a symbolic link loop"),
        "through a file": (tmp / "file" / "sub", "is a file, not a folder"),
        "under a dangling symlink": (tmp / "dangling" / "sub", "which is not a folder"),
        "a file": (tmp / "file", "exists and is not a directory"),
        "symlink to a file": (tmp / "to-file", "not a directory"),
        "name over 255 bytes": (tmp / ("n" * 256), "the name is too long"),
        "name too long for the staging name": (tmp / ("한" * 80), "at most 235 fit here"),
        "root": (Path("/"), "is the root directory"),
        "foreign directory": (tmp / "foreign", "not a lecture data directory"),
        "non-writable parent": (tmp / "locked" / "lecture", "cannot write here"),
    }


SHAPES = [
    "dangling symlink",
    "symlink loop",
    "through a file",
    "under a dangling symlink",
    "a file",
    "symlink to a file",
    "name over 255 bytes",
    "name too long for the staging name",
    "root",
    "foreign directory",
    "non-writable parent",
]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("source", ["vtt", "youtube"])
def test_every_bad_out_is_one_line_and_exit_2(tmp_path, capsys, shape, source):
    if shape == "non-writable parent" and os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    out, expected = bad_out_shapes(tmp_path)[shape]
    before = sorted(tmp_path.rglob("*"))
    given = [str(ROLLING), "--catalog", str(MINI_CATALOG)] if source == "vtt" else ["7xTGNNLPyMI"]
    # in-process: anything but a LectureBotError would escape main() and fail the test; the
    # YouTube import must refuse before it goes to the network
    code = main(["import", source, *given, "--out", str(out), "--quiet"])
    captured = capsys.readouterr()
    assert code == 2
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("lecture-bot: ") and expected in lines[0]
    assert sorted(tmp_path.rglob("*")) == before
