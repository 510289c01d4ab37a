"""Parse and format lecture times and build deep links.

A time may be written `2:07:30`, `7:47`, `7650`, `2h7m30s`, in Korean (`1시간 2분 3초`,
`2시간7분`, `83분`), or as a pasted YouTube link to the moment (`watch?v=ID&t=7650s`,
`youtu.be/ID?t=2h7m30s`); a link to another video is refused.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from retrieval.errors import TimecodeError

_CLOCK = re.compile(r"^(?:(\d{1,3}):)?(\d{1,3}):(\d{2})$")
_UNITS = re.compile(r"^(?:(\d{1,6})h)?(?:(\d{1,6})m)?(?:(\d{1,7})s)?$")
_KOREAN = re.compile(r"^(?:(\d{1,6})시간)?(?:(\d{1,6})분)?(?:(\d{1,7})초)?$")
_VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
MAX_TIME_CHARS = 200  # a pasted link with its tracking parameters fits
EXAMPLES = "2:07:30, 7:47, 7650, 2h7m30s, 1시간 2분 3초 or a YouTube link"


def parse(text: str, *, duration: int | None = None, video_id: str | None = None) -> int:
    """Seconds for a time in any of the module's forms.

    Raises TimecodeError (with examples) for anything else, for negative times, for a link to
    a video other than `video_id` (when given) and, when `duration` is given, for times at or
    past the end of the video.
    """
    if len(text) > MAX_TIME_CHARS:
        raise _not_a_time(text.strip()[:40] + "…")
    stripped = text.strip()
    if "youtu" in stripped.lower():
        seconds = _from_link(stripped, video_id)
    else:
        seconds = _parse_clean(stripped.lower().replace(" ", ""))
    if seconds is None:
        raise _not_a_time(stripped[:40])
    if duration is not None and seconds >= duration:
        time, length = format_time(seconds), format_time(duration)
        raise TimecodeError(
            f"{time} is past the end of the lecture (it is {length} long).",
            key="time_past_end",
            time=time,
            length=length,
        )
    return seconds


def _not_a_time(text: str) -> TimecodeError:
    return TimecodeError(
        f"'{text}' is not a time. Try {EXAMPLES}.", key="time_not_a_time", text=text
    )


def linked_video(text: str) -> str | None:
    """The video id of a pasted YouTube link, or None when `text` is not one."""
    if len(text) > MAX_TIME_CHARS or "youtu" not in text.lower():
        return None
    found = _link_parts(text.strip())
    return found[0] if found else None


def _link_parts(text: str) -> tuple[str, str] | None:
    """(video id, the `t` it starts at, "0" without one) of a YouTube link."""
    link = text if "://" in text else f"https://{text}"
    try:
        parts = urlsplit(link)
    except ValueError:
        return None
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    query = parse_qs(parts.query)
    if host == "youtu.be":
        linked = parts.path.strip("/").split("/")[0]
    elif host == "youtube.com" or host.endswith(".youtube.com"):
        linked = (query.get("v") or [""])[0]
        if not linked and parts.path.startswith(("/live/", "/shorts/", "/embed/")):
            linked = parts.path.split("/")[2]
    else:
        return None
    if not _VIDEO_ID.match(linked):
        return None
    fragment = parse_qs(parts.fragment)
    return linked, (query.get("t") or query.get("start") or fragment.get("t") or ["0"])[0]


def _from_link(text: str, video_id: str | None) -> int | None:
    """The `t` of a YouTube link (0 without one); TimecodeError for another video's link."""
    found = _link_parts(text)
    if found is None:
        return None
    linked, stamp = found
    if video_id is not None and linked != video_id:
        raise TimecodeError(
            f"That link is to another video ({linked}), not this lecture's ({video_id}).",
            key="time_other_video",
            linked=linked,
            video=video_id,
        )
    return _parse_clean(stamp.lower())


def _parse_clean(cleaned: str) -> int | None:
    if cleaned.isascii() and cleaned.isdigit():
        return int(cleaned) if len(cleaned) <= 9 else None
    if cleaned and (match := _KOREAN.match(cleaned)):
        hours, minutes, secs = (int(g) if g else 0 for g in match.groups())
        return hours * 3600 + minutes * 60 + secs
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
