"""The store on a real PostgreSQL server (pgserver runs one from a pip wheel, on a Unix socket
in a temporary directory): the same migrations, queries and transactions as on SQLite, so a
hosted bot can point LECTURE_BOT_DB at a server database."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.store import MIGRATIONS, QuestionLog, ShownHit, Store

pgserver = pytest.importorskip("pgserver", reason="pgserver (the test extra) runs PostgreSQL")


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    # Short: the server's socket path must fit a Unix socket address (108 bytes).
    directory = Path(tempfile.mkdtemp(prefix="pg-", dir="/tmp"))
    server = pgserver.get_server(directory, cleanup_mode="stop")
    try:
        yield f"postgresql+psycopg://postgres@/postgres?host={directory}"
    finally:
        server.cleanup()
        shutil.rmtree(directory, ignore_errors=True)


def entry(store: Store, question: str, guild_id: int = 7) -> QuestionLog:
    return QuestionLog(
        guild_id=guild_id,
        user_hash=store.user_hash(1),
        question=question,
        lang="ko",
        lecture=None,
        chapter=None,
        found=True,
        weak=False,
        latency_ms=4.5,
        hits=(ShownHit("deep-dive-llms", 9, 5000, "SFT 설명", "https://youtu.be/x?t=5000"),),
    )


def test_everything_the_bot_keeps_works_on_postgresql(database_url: str, tmp_path: Path):
    store = Store(database_url, key_file=tmp_path / "user-key")
    assert store.engine.dialect.name == "postgresql"
    assert store.schema_version == len(MIGRATIONS)
    assert "postgres@" in store.where
    store.set_default_lecture(1_100_000_000_000_000_003, "deep-dive-llms")
    store.set_default_lecture(1_100_000_000_000_000_003, "ai-prompt-engineering-deep-dive")
    asked = store.log_question(entry(store, "SFT가 뭐야?"), at=1_800_000_000.0)
    old = store.log_question(entry(store, "old"), at=1_800_000_000.0 - 100 * 86_400)
    assert asked is not None and old is not None
    assert store.vote(asked, "alice", -1) and store.vote(asked, "alice", 1, page=1)
    assert store.vote(asked, "bob", -1) and store.comment(asked, "bob", "원하던 건 데이터")
    assert store.record_quiz_answer(7, "alice", True) == (1, 1)
    assert store.record_quiz_answer(7, "alice", False) == (0, 1)
    assert store.purge(90, now=1_800_000_000.0) == 1
    store.set_logging(8, False)
    assert store.log_question(entry(store, "not logged", guild_id=8)) is None
    store.close()

    again = Store(database_url, key_file=tmp_path / "user-key")  # migrations do not run twice
    assert again.schema_version == len(MIGRATIONS)
    assert again.default_lecture(1_100_000_000_000_000_003) == "ai-prompt-engineering-deep-dive"
    [logged] = again.questions()
    assert (logged.question, logged.up, logged.down) == ("SFT가 뭐야?", 1, 1)
    assert logged.comments == ("원하던 건 데이터",)
    assert logged.hits[0].title == "SFT 설명"
    with again.engine.connect() as connection:
        tables = set(sa.inspect(connection).get_table_names())
    assert {"questions", "votes", "server_settings", "quiz_streaks"} <= tables
    again.close()
