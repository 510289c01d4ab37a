"""Parse and format lecture times (`h:mm:ss`, `m:ss`, `7650`, `2h7m30s`) and build deep links."""

from __future__ import annotations

import re

from retrieval.errors import TimecodeError

_CLOCK = re.compile(r"^(?:(\d{1,3}):)?(\d{1,3}):(\d{2})$")
_UNITS = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
EXAMPLES = "2:07:30, 7:47, 7650 or 2h7m30s"


def parse(text: str, *, duration: int | None = None) -> int:
    """Seconds for a time written as `h:mm:ss`, `m:ss`, plain seconds or `2h7m30s`.

    Raises TimecodeError (with examples) for anything else, for negative times and,
    when `duration` is given, for times at or past the end of the video.
    """
    cleaned = text.strip().lower().replace(" ", "")
    seconds = _parse_clean(cleaned)
    if seconds is None:
        raise TimecodeError(f"'{text.strip()[:40]}' is not a time. Try {EXAMPLES}.")
    if duration is not None and seconds >= duration:
        raise TimecodeError(
            f"{format_time(seconds)} is past the end of the lecture "
            f"(it is {format_time(duration)} long)."
        )
    return seconds


def _parse_clean(cleaned: str) -> int | None:
    if cleaned.isascii() and cleaned.isdigit():
        return int(cleaned)
    if match := _CLOCK.match(cleaned):
        hours, minutes, secs = (int(g) if g else 0 for g in match.groups())
        if secs >= 60 or (match.group(1) and minutes >= 60):
            return None
        return hours * 3600 + minutes * 60 + secs
    if cleaned and (match := _UNITS.match(cleaned)):
        hours, minutes, secs = (int(g) if g else 0 for g in match.groups())
        return hours * 3600 + minutes * 60 + secs
    return None


def format_time(seconds: float) -> str:
    """`h:mm:ss` for an hour or more, `m:ss` below (the style of YouTube and the chapter files)."""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def deep_link(video_id: str, seconds: float) -> str:
    """A YouTube link that starts playing at `seconds` (integer seconds, as YouTube expects)."""
    return f"https://www.youtube.com/watch?v={video_id}&t={max(0, int(seconds))}s"
