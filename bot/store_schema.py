"""The database's tables, and the migrations that made them, in order.

Each migration declares the tables it creates in its own `MetaData` (never today's
definitions: a migration must make the same schema years later), so SQLAlchemy writes the
right DDL for SQLite and PostgreSQL alike. `schema_version` records how many have run; a
database from before it existed (the plain-sqlite3 store: only `server_settings`) counts as
version 1. The tables as they are now, for queries, are below the migrations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlalchemy as sa


def _server_settings(connection: sa.Connection) -> None:
    """1: each server's default lecture (for /chapter and /chapters when none is named)."""
    sa.Table(
        "server_settings",
        sa.MetaData(),
        sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("default_lecture", sa.String(100), nullable=False),
        sa.Column("updated_at", sa.Double, nullable=False),
    ).create(connection)


def _questions_and_votes(connection: sa.Connection) -> None:
    """2: the question log, votes on answers, and each server's choice to log or not."""
    metadata = sa.MetaData()
    sa.Table(
        "server_privacy",
        metadata,
        sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("log_questions", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.Double, nullable=False),
    )
    sa.Table(
        "questions",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("asked_at", sa.Double, nullable=False, index=True),
        sa.Column("guild_id", sa.BigInteger, nullable=True, index=True),
        sa.Column("user_hash", sa.String(64), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("lecture", sa.String(100), nullable=True),  # the one asked about, if any
        sa.Column("chapter", sa.Integer, nullable=True),
        sa.Column("found", sa.Boolean, nullable=False),
        sa.Column("weak", sa.Boolean, nullable=False),
        sa.Column("latency_ms", sa.Double, nullable=False),
        sa.Column("hits", sa.JSON, nullable=False),  # the ranked hits shown
    )
    sa.Table(
        "votes",
        metadata,
        sa.Column(
            "question_id",
            sa.Integer,
            sa.ForeignKey("questions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("user_hash", sa.String(64), primary_key=True),
        sa.Column("value", sa.SmallInteger, nullable=False),  # +1 or -1
        sa.Column("page", sa.Integer, nullable=False),  # the page of hits the vote was on
        sa.Column("comment", sa.Text, nullable=True),  # "what were you looking for?"
        sa.Column("voted_at", sa.Double, nullable=False),
    )
    metadata.create_all(connection)


def _quiz_streaks(connection: sa.Connection) -> None:
    """3: each user's run of right /quiz answers in a row, and their best, per server."""
    sa.Table(
        "quiz_streaks",
        sa.MetaData(),
        sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("user_hash", sa.String(64), primary_key=True),
        sa.Column("streak", sa.Integer, nullable=False),
        sa.Column("best", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.Double, nullable=False),
    ).create(connection)


MIGRATIONS: Sequence[Callable[[sa.Connection], None]] = (
    _server_settings,
    _questions_and_votes,
    _quiz_streaks,
)

_now = sa.MetaData()
schema_version = sa.Table("schema_version", _now, sa.Column("version", sa.Integer, nullable=False))
server_settings = sa.Table(
    "server_settings",
    _now,
    sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("default_lecture", sa.String(100)),
    sa.Column("updated_at", sa.Double),
)
server_privacy = sa.Table(
    "server_privacy",
    _now,
    sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("log_questions", sa.Boolean),
    sa.Column("updated_at", sa.Double),
)
questions = sa.Table(
    "questions",
    _now,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("asked_at", sa.Double),
    sa.Column("guild_id", sa.BigInteger),
    sa.Column("user_hash", sa.String(64)),
    sa.Column("question", sa.Text),
    sa.Column("lang", sa.String(8)),
    sa.Column("lecture", sa.String(100)),
    sa.Column("chapter", sa.Integer),
    sa.Column("found", sa.Boolean),
    sa.Column("weak", sa.Boolean),
    sa.Column("latency_ms", sa.Double),
    sa.Column("hits", sa.JSON),
)
votes = sa.Table(
    "votes",
    _now,
    sa.Column("question_id", sa.Integer, sa.ForeignKey("questions.id"), primary_key=True),
    sa.Column("user_hash", sa.String(64), primary_key=True),
    sa.Column("value", sa.SmallInteger),
    sa.Column("page", sa.Integer),
    sa.Column("comment", sa.Text),
    sa.Column("voted_at", sa.Double),
)
quiz_streaks = sa.Table(
    "quiz_streaks",
    _now,
    sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("user_hash", sa.String(64), primary_key=True),
    sa.Column("streak", sa.Integer),
    sa.Column("best", sa.Integer),
    sa.Column("updated_at", sa.Double),
)
