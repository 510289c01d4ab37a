"""Text for a terminal: its width, display width of Korean, wrapping, and nothing that could
drive the terminal (escape sequences in captions or questions are dropped).

Hangul and other East Asian wide characters take two columns; combining marks none. Lines are
wrapped at spaces by display width, so an 80-column pane gets lines of at most 80 columns in
English and Korean alike; a single word wider than the line (a long URL in a narrow pane) is
cut.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from functools import lru_cache

MIN_WIDTH, MAX_WIDTH, DEFAULT_WIDTH = 40, 160, 80
# C0 controls (but tab and newline), DEL, C1 controls, and a whole ESC/CSI sequence.
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b.?|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_width() -> int:
    """The terminal's columns (`COLUMNS` when set; 80 for a pipe), within sane bounds."""
    columns = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    return max(MIN_WIDTH, min(MAX_WIDTH, columns))


def clean(text: str) -> str:
    """`text` without control characters or escape sequences (newlines and tabs kept)."""
    return _CONTROL.sub("", text) if not text.isprintable() else text


@lru_cache(maxsize=8192)
def char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(char_width(char) for char in text)


def wrap(text: str, width: int, indent: str = "", first_indent: str | None = None) -> list[str]:
    """`text` (one paragraph) as lines of at most `width` columns, each starting with
    `indent` (the first with `first_indent` when given)."""
    lead = indent if first_indent is None else first_indent
    lines: list[str] = []
    line, used = lead, display_width(lead)
    room = max(1, width - display_width(indent))
    for word in text.split():
        size = display_width(word)
        if used > display_width(lead if not lines else indent) and used + 1 + size > width:
            lines.append(line)
            line, used = indent, display_width(indent)
        if size > room:  # a word wider than the line: cut it
            for piece in _pieces(word, room):
                if used > display_width(indent):
                    lines.append(line)
                    line, used = indent, display_width(indent)
                line += piece
                used += display_width(piece)
            continue
        if used > display_width(lead if not lines else indent):
            line += " "
            used += 1
        line += word
        used += size
    lines.append(line)
    return [line.rstrip() for line in lines]


def _pieces(word: str, room: int) -> list[str]:
    pieces, piece, used = [], "", 0
    for char in word:
        size = char_width(char)
        if used + size > room and piece:
            pieces.append(piece)
            piece, used = "", 0
        piece += char
        used += size
    pieces.append(piece)
    return pieces
