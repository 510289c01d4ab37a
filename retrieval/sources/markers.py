"""The `[m:ss]` / `[h:mm:ss]` paragraph markers shared by the seed files and the translation."""

from __future__ import annotations

import re

from retrieval.timecode import format_time

MARKER = re.compile(r"^\[(\d{1,2}:\d{2}(?::\d{2})?)\]\s*(.*)$")


def marker_seconds(marker: str) -> int:
    """Seconds of a marker body such as `2:07:30` or `7:30` (already matched by MARKER)."""
    seconds = 0
    for part in marker.split(":"):
        seconds = seconds * 60 + int(part)
    return seconds


def format_marker(seconds: int) -> str:
    """The marker text the seed files use: `[7:30]`, `[2:07:30]`."""
    return f"[{format_time(seconds)}]"
