"""Every command honours `.env` the same way, the environment first; check says what is in
force and where it came from, never the token."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bot.cli import main

TOKEN = "MTAx.secret-token-value.abcdefghijklmnopqrstuvwxyz"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in (
        "LECTURE_DATA_DIR",
        "LECTURE_CATALOG",
        "DISCORD_TOKEN",
        "LECTURE_BOT_DB",
        "HEARTBEAT_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    "args",
    [
        ["ask", "--json", "what is a jailbreak"],
        ["link", "--json", "https://youtu.be/T9aRN5JkmL8?t=3300"],
        ["lectures", "--json"],
    ],
)
def test_dotenv_is_honoured_by_every_command(workdir, capsys, shared_lecture_dir, args) -> None:
    (workdir / ".env").write_text(f"LECTURE_DATA_DIR={shared_lecture_dir.parent}\n", "utf-8")
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert "ai-prompt-engineering-deep-dive" in json.dumps(out)  # the whole course was loaded
    assert "LECTURE_DATA_DIR" not in os.environ  # main() leaves no trace in the process


def test_the_environment_wins_over_dotenv(workdir, capsys, shared_lecture_dir, monkeypatch):
    (workdir / ".env").write_text(f"LECTURE_DATA_DIR={shared_lecture_dir.parent}\n", "utf-8")
    monkeypatch.setenv("LECTURE_DATA_DIR", str(shared_lecture_dir))
    assert main(["lectures", "--json"]) == 0
    assert [item["lecture"] for item in json.loads(capsys.readouterr().out)] == ["deep-dive-llms"]


def test_check_shows_each_setting_and_its_source(workdir, capsys, shared_lecture_dir) -> None:
    (workdir / ".env").write_text(
        f"DISCORD_TOKEN={TOKEN}\nLECTURE_DATA_DIR={shared_lecture_dir}\n"
        f"LECTURE_BOT_DB={workdir / 'bot.sqlite3'}\n",
        "utf-8",
    )
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert f"LECTURE_DATA_DIR = {shared_lecture_dir}  [.env]" in out
    assert "LOG_LEVEL = INFO  [default]" in out
    assert "DISCORD_TOKEN = set (" in out
    assert TOKEN not in out and TOKEN[-6:] not in out


def test_catalog_cache_and_database_come_from_dotenv_too(workdir, capsys, monkeypatch) -> None:
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    cache = workdir / "my-cache"
    monkeypatch.delenv("LECTURE_CACHE_DIR")  # (the tests' own; restored after)
    (workdir / ".env").write_text(
        f"LECTURE_CATALOG={fixtures / 'mini-catalog.yaml'}\n"
        f"LECTURE_DATA_DIR={fixtures / 'lecture-mini'}\n"
        f"LECTURE_CACHE_DIR={cache}\n",
        "utf-8",
    )
    assert main(["chapters"]) == 0
    assert "Flour and Water" in capsys.readouterr().out
    assert main(["ask", "--json", "flour and water"]) == 0
    assert any(cache.glob("index-*.bin"))  # the index was kept where .env said
    database = workdir / "feedback.sqlite3"
    (workdir / ".env").write_text(f"LECTURE_BOT_DB={database}\n", "utf-8")
    assert main(["insights", "--json"]) == 0
    assert database.is_file()


def test_the_env_example_lists_every_setting() -> None:
    from bot.settings import ENVIRONMENT_ONLY, SETTINGS

    example = (Path(__file__).resolve().parents[2] / ".env.example").read_text("utf-8")
    listed = {line.split("=", 1)[0] for line in example.splitlines() if "=" in line}
    assert set(SETTINGS) - ENVIRONMENT_ONLY <= listed
    assert not ENVIRONMENT_ONLY & listed  # never suggested for .env: they are refused there
