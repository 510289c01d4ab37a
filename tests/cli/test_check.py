"""`lecture-bot check [--live]`: settings, catalog, data and index, and the heartbeat."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from bot.cli import main
from bot.discord.heartbeat import write_heartbeat
from bot.store import MIGRATIONS

TOKEN = "SECRET.t0ken-for-check.never-printed"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_lecture_dir: Path) -> Path:
    """A clean working directory (no .env) with a token, the real lecture and a heartbeat path."""
    for name in ("DISCORD_TOKEN", "DISCORD_GUILD_ID", "LOG_LEVEL", "LECTURE_CATALOG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setenv("LECTURE_DATA_DIR", str(shared_lecture_dir))
    monkeypatch.setenv("HEARTBEAT_FILE", str(tmp_path / "hb" / "heartbeat.json"))
    monkeypatch.setenv("LECTURE_BOT_DB", str(tmp_path / "db" / "bot.sqlite3"))
    return tmp_path


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    assert TOKEN not in out + err
    return code, out, err


def test_check_ok(env: Path, capsys) -> None:
    code, out, err = check(capsys)
    assert code == 0, err
    lines = [line for line in out.splitlines() if line.startswith("ok   ")]
    settings = [line for line in out.splitlines() if line.startswith("     ")]
    assert any(line.strip().startswith("LECTURE_BOT_DB = ") for line in settings)
    assert [line.split(":")[0] for line in lines] == [
        "ok   configuration",
        "ok   catalog",
        "ok   lecture data",
        "ok   index",
        "ok   database",
    ]
    assert "Deep Dive into LLMs like ChatGPT (24 chapters)" in lines[1]
    assert "deep-dive-llms: 423 segments, 414 key moments" in lines[2]
    assert lines[4].endswith(f"bot.sqlite3 (schema version {len(MIGRATIONS)})")
    assert err == ""


def test_check_warns_about_a_development_endpoint(env: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("LECTURE_BOT_DISCORD_API_BASE", "http://127.0.0.1:9/api/v10")
    code, out, _ = check(capsys)
    assert code == 0
    assert "warn development API base override is set" in out


def test_check_a_whole_course(env: Path, capsys, monkeypatch, shared_lecture_dir: Path) -> None:
    monkeypatch.setenv("LECTURE_DATA_DIR", str(shared_lecture_dir.parent))
    code, out, err = check(capsys)
    assert code == 0, err
    data = [line for line in out.splitlines() if line.startswith("ok   lecture data")]
    assert [line.split(": ")[1] for line in data] == [
        "deep-dive-llms",
        "ai-prompt-engineering-deep-dive",
        "lessons-millions-ai-code-reviews",
    ]


def test_token_from_dotenv_counts(env: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("DISCORD_TOKEN")
    (env / ".env").write_text(f"DISCORD_TOKEN={TOKEN}\n")
    code, out, _ = check(capsys)
    assert code == 0
    assert out.startswith("ok   configuration: DISCORD_TOKEN is set")


def test_missing_token_fails_with_reason(env: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("DISCORD_TOKEN")
    code, out, err = check(capsys)
    assert code == 1
    assert out == ""
    assert err.startswith("lecture-bot check: configuration: DISCORD_TOKEN is not set")


def test_missing_catalog_fails_with_reason(env: Path, capsys) -> None:
    code, out, err = check(capsys, "--catalog", str(env / "nowhere.yaml"))
    assert code == 1
    assert out.startswith("ok   configuration")
    assert "ok   catalog" not in out
    [line] = err.splitlines()
    assert line.startswith("lecture-bot check: catalog: ")
    assert "catalog file not found" in line and "nowhere.yaml" in line


def test_missing_data_fails_with_reason(env: Path, capsys) -> None:
    code, out, err = check(capsys, "--data", str(env / "empty"))
    assert code == 1
    assert "ok   catalog" in out and "lecture data" not in out
    [line] = err.splitlines()
    assert line.startswith("lecture-bot check: lecture data: No lecture transcript found in ")


def test_live_fails_without_heartbeat(env: Path, capsys) -> None:
    code, out, err = check(capsys, "--live")
    assert code == 1
    assert "ok   index" in out
    assert err.startswith("lecture-bot check: heartbeat: no heartbeat file at ")


def test_live_fails_on_stale_heartbeat(env: Path, capsys) -> None:
    written = time.time() - 300
    write_heartbeat(env / "hb" / "heartbeat.json", {"written": written, "guilds": 1})
    code, _, err = check(capsys, "--live")
    assert code == 1
    assert re.search(r"is stale \(written 30\d s ago, limit 90 s\); the bot is stopped", err)


def test_live_fails_on_garbage_heartbeat(env: Path, capsys) -> None:
    (env / "hb").mkdir()
    (env / "hb" / "heartbeat.json").write_text("{not json")
    code, _, err = check(capsys, "--live")
    assert code == 1
    assert "is unreadable" in err


def test_live_passes_on_fresh_heartbeat(env: Path, capsys) -> None:
    beat = {"written": time.time() - 5, "last_event": time.time() - 6, "latency": 0.042}
    write_heartbeat(env / "hb" / "heartbeat.json", {**beat, "guilds": 3})
    code, out, err = check(capsys, "--live")
    assert code == 0, err
    last = out.splitlines()[-1]
    assert last.startswith("ok   heartbeat: ")
    assert "gateway latency 42 ms, 3 guilds" in last
    assert json.loads((env / "hb" / "heartbeat.json").read_text())["guilds"] == 3


def test_live_reads_heartbeat_file_from_dotenv(env: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("HEARTBEAT_FILE")
    (env / ".env").write_text(f"HEARTBEAT_FILE={env / 'elsewhere.json'}\n")
    write_heartbeat(env / "elsewhere.json", {"written": time.time(), "guilds": 1})
    code, out, err = check(capsys, "--live")
    assert code == 0, err
    assert out.splitlines()[-1].startswith("ok   heartbeat: ")
