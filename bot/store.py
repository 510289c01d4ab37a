"""The bot's durable state: server settings, the question log and votes on answers.

SQLAlchemy Core, not an ORM and not hand-written SQL: the same queries and migrations run on
the default SQLite file (WAL mode: readers go on while a write commits) and on a server
database named by URL (`LECTURE_BOT_DB=postgresql+psycopg://...`, with the `postgres` extra)
for a hosted bot. Every write is one transaction. Every call is synchronous and short; the bot
calls them in a thread (`asyncio.to_thread`). Any database failure (locked, corrupt, full,
gone) is a `StoreError` with a one-line message, so callers can refuse politely and go on.

Users are kept only as a keyed one-way hash of their id (`user_hash`): the key lives in a file
beside the database (never in it), so the database alone cannot be matched back to accounts.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from platformdirs import user_data_path

from bot import store_schema as schema
from retrieval.errors import LectureBotError

DATABASE_FILE = "lecture-bot.sqlite3"
KEY_FILE = "lecture-bot.user-key"
MIGRATIONS = schema.MIGRATIONS
MAX_COMMENT = 300


class StoreError(LectureBotError):
    """The database cannot be opened or written (a locked, corrupt or full file)."""


def default_database_path() -> Path:
    """`lecture-bot.sqlite3` in the user's data directory (e.g. ~/.local/share/lecture-bot)."""
    return user_data_path("lecture-bot", appauthor=False) / DATABASE_FILE


@dataclass(frozen=True, slots=True)
class ShownHit:
    """One hit of an answer as the user saw it (no passage text: the lecture has it)."""

    lecture: str
    chapter: int
    start: int
    title: str
    url: str

    def to_json(self) -> dict[str, Any]:
        return {
            "lecture": self.lecture,
            "chapter": self.chapter,
            "start": self.start,
            "title": self.title,
            "url": self.url,
        }


@dataclass(frozen=True, slots=True)
class QuestionLog:
    """A question as it is logged: who (hashed), where, what was asked and what was shown."""

    guild_id: int
    user_hash: str
    question: str
    lang: str
    lecture: str | None
    chapter: int | None
    found: bool
    weak: bool
    latency_ms: float
    hits: tuple[ShownHit, ...]


@dataclass(frozen=True, slots=True)
class LoggedQuestion(QuestionLog):
    """A logged question read back: its id and time, and the votes on its answer."""

    id: int
    asked_at: float
    up: int = 0
    down: int = 0
    comments: tuple[str, ...] = field(default_factory=tuple)


class Store:
    """The database at `location`: a file path (SQLite) or a SQLAlchemy URL."""

    def __init__(self, location: Path | str, *, key_file: Path | None = None):
        url = _url(location)
        self.url = url
        self._lock = threading.Lock()  # SQLite writes one at a time anyway; no busy retries
        try:
            if url.get_backend_name() == "sqlite" and url.database:
                Path(url.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine = _engine(url)
            with self.engine.begin() as connection:
                self._migrate(connection)
            self._key = _user_key(key_file or _key_file_for(url))
        except (OSError, sa.exc.SQLAlchemyError) as error:
            raise StoreError(f"cannot open the database {_shown(url)}: {_brief(error)}") from None
        except ImportError as error:  # a server database without its driver
            raise StoreError(
                f"cannot open the database {_shown(url)}: its driver is missing ({error.name}); "
                "install it, e.g. pip install 'lecture-bot[postgres]'"
            ) from None

    @property
    def path(self) -> Path | None:
        """The SQLite file, when the database is one."""
        if self.url.get_backend_name() == "sqlite" and self.url.database:
            return Path(self.url.database)
        return None

    @property
    def where(self) -> str:
        """The database for people to read: its file, or its URL without the password."""
        return _shown(self.url)

    # -- schema --------------------------------------------------------------------------

    def _migrate(self, connection: sa.Connection) -> None:
        version = _schema_version(connection)
        if not sa.inspect(connection).has_table("schema_version"):
            schema.schema_version.create(connection)
            connection.execute(schema.schema_version.insert().values(version=version))
        for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
            migration(connection)
            connection.execute(schema.schema_version.update().values(version=number))

    @property
    def schema_version(self) -> int:
        with self._connection() as connection:
            return _schema_version(connection)

    @contextmanager
    def _connection(self, write: bool = False) -> Iterator[sa.Connection]:
        """A connection in one transaction (committed on success); failures as StoreError."""
        try:
            with self._lock, self.engine.begin() as connection:
                yield connection
        except sa.exc.SQLAlchemyError as error:
            verb = "write" if write else "read"
            raise StoreError(f"cannot {verb} the database: {_brief(error)}") from None

    def user_hash(self, user_id: int) -> str:
        """A one-way, keyed hash of a Discord user id: the same user, the same hash."""
        return hmac.new(self._key, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]

    # -- server settings -----------------------------------------------------------------

    def default_lecture(self, guild_id: int) -> str | None:
        """The lecture a server's admins chose as its default, if any."""
        table = schema.server_settings
        with self._connection() as connection:
            value = connection.scalar(
                sa.select(table.c.default_lecture).where(table.c.guild_id == guild_id)
            )
        return None if value is None else str(value)

    def set_default_lecture(self, guild_id: int, lecture: str) -> None:
        self._upsert(
            schema.server_settings, guild_id, default_lecture=lecture, updated_at=time.time()
        )

    def logs_questions(self, guild_id: int) -> bool:
        """Whether the server's questions are logged (yes, unless its admins said no)."""
        table = schema.server_privacy
        with self._connection() as connection:
            value = connection.scalar(
                sa.select(table.c.log_questions).where(table.c.guild_id == guild_id)
            )
        return True if value is None else bool(value)

    def set_logging(self, guild_id: int, enabled: bool, *, forget: bool = False) -> int:
        """Log the server's questions or not; with `forget`, delete what is logged of it (and
        the votes on those answers) in the same transaction. Returns how many were deleted."""
        with self._connection(write=True) as connection:
            self._upsert_in(
                connection,
                schema.server_privacy,
                guild_id,
                log_questions=enabled,
                updated_at=time.time(),
            )
            if not forget:
                return 0
            return _delete_questions(connection, schema.questions.c.guild_id == guild_id)

    def _upsert(self, table: sa.Table, guild_id: int, **values: Any) -> None:
        with self._connection(write=True) as connection:
            self._upsert_in(connection, table, guild_id, **values)

    @staticmethod
    def _upsert_in(connection: sa.Connection, table: sa.Table, guild_id: int, **values: Any):
        changed = connection.execute(
            table.update().where(table.c.guild_id == guild_id).values(**values)
        )
        if changed.rowcount == 0:
            connection.execute(table.insert().values(guild_id=guild_id, **values))

    # -- the question log and votes --------------------------------------------------------

    def log_question(self, entry: QuestionLog, at: float | None = None) -> int | None:
        """Log a question; its id (what votes refer to), or None when the server opted out."""
        privacy = schema.server_privacy
        with self._connection(write=True) as connection:
            opted_out = connection.scalar(
                sa.select(privacy.c.log_questions).where(privacy.c.guild_id == entry.guild_id)
            )
            if opted_out is not None and not opted_out:
                return None
            result = connection.execute(
                schema.questions.insert().values(
                    asked_at=time.time() if at is None else at,
                    guild_id=entry.guild_id,
                    user_hash=entry.user_hash,
                    question=entry.question,
                    lang=entry.lang,
                    lecture=entry.lecture,
                    chapter=entry.chapter,
                    found=entry.found,
                    weak=entry.weak,
                    latency_ms=entry.latency_ms,
                    hits=[hit.to_json() for hit in entry.hits],
                )
            )
            key = result.inserted_primary_key
            return None if key is None else int(key[0])

    def vote(self, question_id: int, user_hash: str, value: int, page: int = 0) -> bool:
        """A user's 👍 (+1) or 👎 (-1) on an answer: one per user, a new vote replaces the old
        (keeping any comment). False when the question is no longer logged."""
        if value not in (1, -1):
            raise ValueError(f"a vote is +1 or -1, not {value!r}")
        table = schema.votes
        with self._connection(write=True) as connection:
            if not _question_exists(connection, question_id):
                return False
            where = (table.c.question_id == question_id) & (table.c.user_hash == user_hash)
            changed = connection.execute(
                table.update().where(where).values(value=value, page=page, voted_at=time.time())
            )
            if changed.rowcount == 0:
                connection.execute(
                    table.insert().values(
                        question_id=question_id,
                        user_hash=user_hash,
                        value=value,
                        page=page,
                        voted_at=time.time(),
                    )
                )
        return True

    def comment(self, question_id: int, user_hash: str, text: str) -> bool:
        """What a user who voted 👎 says they were looking for. False without their vote."""
        text = " ".join(text.split())[:MAX_COMMENT]
        table = schema.votes
        where = (table.c.question_id == question_id) & (table.c.user_hash == user_hash)
        with self._connection(write=True) as connection:
            changed = connection.execute(table.update().where(where).values(comment=text or None))
        return changed.rowcount > 0

    def purge(self, older_than_days: float, now: float | None = None) -> int:
        """Delete questions (and their votes) asked more than `older_than_days` ago."""
        cutoff = (time.time() if now is None else now) - older_than_days * 86_400
        with self._connection(write=True) as connection:
            return _delete_questions(connection, schema.questions.c.asked_at < cutoff)

    def questions(
        self, *, since: float = 0.0, guild_id: int | None = None, limit: int = 100_000
    ) -> list[LoggedQuestion]:
        """Logged questions since `since` (newest first), with the votes on their answers."""
        q, v = schema.questions, schema.votes
        query = sa.select(q).where(q.c.asked_at >= since).order_by(q.c.asked_at.desc())
        if guild_id is not None:
            query = query.where(q.c.guild_id == guild_id)
        with self._connection() as connection:
            rows = connection.execute(query.limit(limit)).mappings().all()
            ids = [row["id"] for row in rows]
            tallies: dict[int, list[Any]] = {i: [0, 0, []] for i in ids}
            for start in range(0, len(ids), 500):  # bounded IN lists
                chunk = ids[start : start + 500]
                for vote in connection.execute(
                    sa.select(v.c.question_id, v.c.value, v.c.comment).where(
                        v.c.question_id.in_(chunk)
                    )
                ):
                    tally = tallies[vote.question_id]
                    tally[0 if vote.value > 0 else 1] += 1
                    if vote.comment:
                        tally[2].append(vote.comment)
        return [_logged(row, *tallies[row["id"]]) for row in rows]

    # -- quiz streaks ---------------------------------------------------------------------

    def record_quiz_answer(self, guild_id: int, user_hash: str, correct: bool) -> tuple[int, int]:
        """Count a /quiz answer of a user in a server: a right one adds to their streak, a
        wrong one ends it. Returns (streak, best) after it."""
        table = schema.quiz_streaks
        where = (table.c.guild_id == guild_id) & (table.c.user_hash == user_hash)
        with self._connection(write=True) as connection:
            row = connection.execute(sa.select(table.c.streak, table.c.best).where(where)).first()
            streak = (row.streak + 1 if row is not None else 1) if correct else 0
            best = max(streak, row.best if row is not None else 0)
            values = {"streak": streak, "best": best, "updated_at": time.time()}
            if row is None:
                connection.execute(
                    table.insert().values(guild_id=guild_id, user_hash=user_hash, **values)
                )
            else:
                connection.execute(table.update().where(where).values(**values))
        return streak, best

    def close(self) -> None:
        self.engine.dispose()


def _url(location: Path | str) -> sa.URL:
    text = str(location)
    if "://" in text:
        return sa.make_url(text)
    return sa.URL.create("sqlite", database=str(Path(text).expanduser()))


def _engine(url: sa.URL) -> sa.Engine:
    if url.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    engine = sa.create_engine(url, connect_args={"timeout": 5, "check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL syncs at checkpoints, not at every commit: a commit survives the
        # bot being killed (tests/bot/test_discord_crash_votes.py), only a power cut may lose
        # the last moments; a question's log entry costs ~0.1 ms instead of an fsync.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def _schema_version(connection: sa.Connection) -> int:
    inspector = sa.inspect(connection)
    if inspector.has_table("schema_version"):
        return int(connection.scalar(sa.select(schema.schema_version.c.version)) or 0)
    # The store before SQLAlchemy kept only server_settings (its migration 1).
    return 1 if inspector.has_table("server_settings") else 0


def _question_exists(connection: sa.Connection, question_id: int) -> bool:
    q = schema.questions
    return connection.scalar(sa.select(q.c.id).where(q.c.id == question_id)) is not None


def _delete_questions(connection: sa.Connection, condition: sa.ColumnElement[bool]) -> int:
    q, v = schema.questions, schema.votes
    doomed = sa.select(q.c.id).where(condition).scalar_subquery()
    connection.execute(v.delete().where(v.c.question_id.in_(doomed)))
    return int(connection.execute(q.delete().where(condition)).rowcount)


def _logged(row: Any, up: int, down: int, comments: Sequence[str]) -> LoggedQuestion:
    return LoggedQuestion(
        id=int(row["id"]),
        asked_at=float(row["asked_at"]),
        guild_id=row["guild_id"],
        user_hash=str(row["user_hash"]),
        question=str(row["question"]),
        lang=str(row["lang"]),
        lecture=row["lecture"],
        chapter=row["chapter"],
        found=bool(row["found"]),
        weak=bool(row["weak"]),
        latency_ms=float(row["latency_ms"]),
        hits=tuple(ShownHit(**hit) for hit in row["hits"] or ()),
        up=up,
        down=down,
        comments=tuple(comments),
    )


def _key_file_for(url: sa.URL) -> Path:
    if url.get_backend_name() == "sqlite" and url.database:
        return Path(url.database).with_name(KEY_FILE)
    return user_data_path("lecture-bot", appauthor=False) / KEY_FILE


def _user_key(path: Path) -> bytes:
    """The key of `user_hash`, made once (readable by the bot's user alone) and kept."""
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        pass
    except ValueError:
        raise OSError(f"{path} is not a key this bot wrote") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    # Written whole to a private temporary file, then linked into place: another process
    # starting at the same moment either wins (and both use its key) or finds none.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(key.hex())
            file.flush()
            os.fsync(file.fileno())
        os.link(temporary, path)
    except FileExistsError:
        return bytes.fromhex(path.read_text().strip())
    finally:
        os.unlink(temporary)
    return key


def _shown(url: sa.URL) -> str:
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return url.render_as_string(hide_password=True)


def _brief(error: BaseException) -> str:
    """The driver's own words (e.g. "database is locked"), not SQLAlchemy's three lines."""
    original = getattr(error, "orig", None)
    text = str(original if original is not None else error)
    return text.splitlines()[0] if text else type(error).__name__
