"""The SQLite store: migrations once, settings kept, a bad file one clear error."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.store import MIGRATIONS, Store, StoreError


def test_settings_are_kept_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "bot.sqlite3"
    store = Store(path)
    assert store.schema_version == len(MIGRATIONS)
    assert store.default_lecture(1) is None
    store.set_default_lecture(1, "deep-dive-llms")
    store.set_default_lecture(1, "ai-prompt-engineering-deep-dive")  # changed, not added
    store.set_default_lecture(2, "deep-dive-llms")
    store.close()
    again = Store(path)  # migrations do not run twice
    assert again.schema_version == len(MIGRATIONS)
    assert again.default_lecture(1) == "ai-prompt-engineering-deep-dive"
    assert again.default_lecture(2) == "deep-dive-llms"
    rows = sqlite3.connect(path).execute("SELECT COUNT(*) FROM server_settings").fetchone()
    assert rows == (2,)
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_file_that_is_not_a_database_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot open the database"):
        Store(path)


def test_a_directory_in_the_way_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "bot.sqlite3").mkdir()
    with pytest.raises(StoreError, match="cannot open the database"):
        Store(tmp_path / "bot.sqlite3")
