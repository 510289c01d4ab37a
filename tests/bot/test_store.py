"""The SQLite store: migrations once, settings kept, a bad file one clear error."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.store import MIGRATIONS, QuestionLog, ShownHit, Store, StoreError


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


def _entry(store: Store, question: str = "what is SFT", guild_id: int = 7) -> QuestionLog:
    return QuestionLog(
        guild_id=guild_id,
        user_hash=store.user_hash(1),
        question=question,
        lang="en",
        lecture=None,
        chapter=None,
        found=True,
        weak=False,
        latency_ms=3.0,
        hits=(ShownHit("deep-dive-llms", 9, 5000, "SFT", "https://youtu.be/x?t=5000"),),
    )


def test_a_database_of_the_first_store_is_migrated_keeping_its_settings(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    with sqlite3.connect(path) as old:  # what the plain-sqlite3 store of the last release made
        old.execute(
            "CREATE TABLE server_settings (guild_id INTEGER PRIMARY KEY, "
            "default_lecture TEXT NOT NULL, updated_at REAL NOT NULL)"
        )
        old.execute("INSERT INTO server_settings VALUES (5, 'deep-dive-llms', 1.0)")
        old.execute("PRAGMA user_version = 1")
    store = Store(path)
    assert store.schema_version == len(MIGRATIONS)
    assert store.default_lecture(5) == "deep-dive-llms"
    assert store.log_question(_entry(store)) is not None


def test_user_hashes_are_stable_keyed_and_not_the_id(tmp_path: Path) -> None:
    first = Store(tmp_path / "a" / "bot.sqlite3")
    again = Store(tmp_path / "a" / "bot.sqlite3")
    other = Store(tmp_path / "b" / "bot.sqlite3")
    user = 1_100_000_000_000_000_123
    assert first.user_hash(user) == again.user_hash(user)  # the key is kept beside the file
    assert first.user_hash(user) != other.user_hash(user)  # and is not the same everywhere
    assert str(user) not in first.user_hash(user)
    key = tmp_path / "a" / "lecture-bot.user-key"
    assert key.stat().st_mode & 0o777 == 0o600


def test_votes_are_one_per_user_and_changeable(tmp_path: Path) -> None:
    store = Store(tmp_path / "bot.sqlite3")
    question = store.log_question(_entry(store))
    assert question is not None
    assert store.vote(question, "alice", 1)
    assert store.vote(question, "alice", -1, page=1)  # changed, not added
    assert store.comment(question, "alice", "  the  data\nmix ")
    assert store.vote(question, "bob", 1)
    assert not store.comment(question, "carol", "never voted")
    [logged] = store.questions()
    assert (logged.up, logged.down, logged.comments) == (1, 1, ("the data mix",))
    assert not store.vote(question + 1, "alice", 1)  # no such question


def test_retention_deletes_old_questions_and_their_votes(tmp_path: Path) -> None:
    store = Store(tmp_path / "bot.sqlite3")
    now = 1_800_000_000.0
    old = store.log_question(_entry(store, "old"), at=now - 91 * 86_400)
    new = store.log_question(_entry(store, "new"), at=now - 89 * 86_400)
    assert old is not None and new is not None
    store.vote(old, "alice", -1)
    store.vote(new, "alice", -1)
    assert store.purge(90, now=now) == 1
    assert [q.question for q in store.questions()] == ["new"]
    with sqlite3.connect(store.path) as connection:  # type: ignore[arg-type]
        assert connection.execute("SELECT question_id FROM votes").fetchall() == [(new,)]


def test_an_opted_out_server_is_not_logged(tmp_path: Path) -> None:
    store = Store(tmp_path / "bot.sqlite3")
    assert store.logs_questions(7)
    store.log_question(_entry(store, guild_id=7))
    assert store.set_logging(7, False, forget=True) == 1
    assert not store.logs_questions(7)
    assert store.log_question(_entry(store, guild_id=7)) is None
    assert store.log_question(_entry(store, guild_id=8)) is not None


def test_a_full_disk_is_one_clear_error_and_keeps_what_was_written(tmp_path: Path) -> None:
    store = Store(tmp_path / "bot.sqlite3")
    kept = store.log_question(_entry(store, "kept"))

    # SQLite's own limit on the file's size stands in for a full disk: the same error code.
    @sa.event.listens_for(store.engine, "connect")
    def _tiny(connection, record) -> None:  # type: ignore[no-untyped-def]
        connection.execute("PRAGMA max_page_count = 8")

    store.engine.dispose()
    with pytest.raises(StoreError, match="database or disk is full"):
        for number in range(200):
            store.log_question(_entry(store, "x" * 300 + str(number)))
    again = Store(tmp_path / "bot.sqlite3")
    questions = again.questions()
    assert kept in [q.id for q in questions]
    assert all(q.question == "kept" or q.question.startswith("x") for q in questions)


def test_a_postgres_url_is_taken_as_a_url_and_its_password_never_shown() -> None:
    with pytest.raises(StoreError) as error:
        Store("postgresql+psycopg://bot:hunter2@127.0.0.1:1/lectures")
    assert "hunter2" not in str(error.value)
    assert "postgresql+psycopg://bot:***@127.0.0.1:1/lectures" in str(error.value)


def test_a_url_whose_driver_is_missing_says_how_to_install_it() -> None:
    with pytest.raises(StoreError, match="its driver is missing"):
        Store("mysql+mysqldb://bot:secret@127.0.0.1/lectures")
