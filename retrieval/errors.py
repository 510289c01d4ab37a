"""Errors the retriever raises for bad data or bad questions; each carries a user-facing message."""

from __future__ import annotations

from pathlib import Path


class LectureBotError(Exception):
    """Base class: `str(error)` is a complete, friendly sentence for the user (in English).

    An error a user can meet in Discord also names its message (`key`, with `values`), so a
    front end can say it in the user's language from its own message catalogue."""

    key: str = ""
    values: dict[str, object]

    def __init__(self, *args: object, key: str = "", **values: object):
        super().__init__(*args)
        self.key = key
        self.values = values


class LectureDataError(LectureBotError):
    """A data file (catalog, transcript, captions) is missing or malformed."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        super().__init__(self._describe())

    def _describe(self) -> str:
        if self.path is None:
            return self.message
        where = str(self.path) if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class TranscriptNotFoundError(LectureDataError):
    """No transcript at the configured location; the message says how to get one."""


class QueryError(LectureBotError, ValueError):
    """The question cannot be searched (empty, too long, no searchable words)."""


class TimecodeError(LectureBotError, ValueError):
    """A time such as `99:99` or `abc` that is not a valid moment of the lecture."""


class CaptionFetchError(LectureDataError):
    """Captions could not be fetched (YouTube refused, no network); the message is one line
    saying why and what to do instead."""
