"""Read the study site's Korean translation (`site/kr/*.md`) as timed paragraphs.

The site translates a lecture chapter by chapter, one file each (or one file for a talk
without chapters), under a `## 전체 번역` heading. Its time markers (`[2:05]`, `[64:34]`:
minutes may run past 59) stand at each chapter's start and only a few places inside. Each
line of the translation (a paragraph, or one speaker's turn) gets an estimated time: between
two known markers, by its share of the characters in between. `place_translation` then moves
each line to the English paragraph it translates, by the names, terms and numbers the two
share, so the estimates only need to be roughly right.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from retrieval.errors import LectureDataError
from retrieval.lecture import Catalog, Segment

SITE_KOREAN_DIR = Path("site") / "kr"
_HEADING = "## 전체 번역"
_MARKER = re.compile(r"^\[(\d{1,3}):(\d{2})(?::(\d{2}))?\]\s*")
_TIMESTAMP = re.compile(r'^timestamp:\s*"?(\d{1,3}):(\d{2})(?::(\d{2}))?"?\s*$', re.MULTILINE)
_SPEAKER = re.compile(r"^[-*]\s+")
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_LINE_CHARS = 4000
CHUNK_CHARS = 160  # about 20-30 seconds of speech in Korean translation
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


def has_site_translation(data_dir: Path) -> bool:
    return bool(_files(data_dir))


def read_site_translation(
    data_dir: Path, catalog: Catalog, segments: Sequence[Segment] = ()
) -> list[tuple[int, str]]:
    """Every translated line of the site's Korean files, in lecture order, with its
    estimated second: by its share of the Korean between two known markers, matched to the
    same share of the English words spoken between them (`segments`; by time without)."""
    units: list[tuple[int | None, str]] = []
    for start, path in sorted(_files_with_starts(data_dir)):
        lines = _translation_lines(path)
        if not lines:
            continue
        first_known, _ = lines[0]
        if first_known is None:  # the file's own start stands for its first line
            lines[0] = (start, lines[0][1])
        units += lines
    return _interpolate(units, catalog.duration, _Pace(segments, catalog.duration))


def _files(data_dir: Path) -> list[Path]:
    directory = data_dir / SITE_KOREAN_DIR
    if not directory.is_dir():
        return []
    files = sorted(directory.glob("*.md"))
    chapters = [path for path in files if not path.name.startswith("_")]
    # `_index.md` repeats every chapter in one file: read it only when it is all there is.
    return chapters or files


def _files_with_starts(data_dir: Path) -> list[tuple[int, Path]]:
    """Each file with the second its part of the lecture starts (front matter, else its
    first marker, else 0)."""
    found = []
    for path in _files(data_dir):
        text = _read(path)
        match = _TIMESTAMP.search(text[:2000])
        if match is None:
            match = next(
                (m for line in text.splitlines() if (m := _MARKER.match(line.strip()))), None
            )
        found.append((_seconds(match) if match else 0, path))
    return found


def _read(path: Path) -> str:
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise LectureDataError(
            f"cannot read the Korean translation ({error.strerror})", path
        ) from None
    if len(data) > MAX_FILE_BYTES:
        raise LectureDataError("Korean translation file is over 2 MB", path)
    return data.decode("utf-8-sig", errors="replace")


def _translation_lines(path: Path) -> list[tuple[int | None, str]]:
    """The lines under the translation heading, each with its marker's second if it has one."""
    text = _read(path)
    if _HEADING not in text:
        return []
    body = text.split(_HEADING, 1)[1]
    lines: list[tuple[int | None, str]] = []
    for raw in body.splitlines():
        line = raw.strip()
        if line.startswith(("## ", "<!--")) or line == "---":
            if lines:
                break
            continue
        if not line:
            continue
        seconds = None
        if match := _MARKER.match(line):
            seconds, line = _seconds(match), line[match.end() :]
        line = _SPEAKER.sub("", line)[:MAX_LINE_CHARS]
        for chunk in _chunks(line):
            lines.append((seconds, chunk))
            seconds = None  # a marker belongs to the line's first chunk
    return lines


def _chunks(line: str) -> list[str]:
    """A long line as runs of whole sentences of about CHUNK_CHARS (one speaker can talk for
    minutes; each run is then placed at the English it translates on its own)."""
    chunks: list[str] = []
    for sentence in _SENTENCE_END.split(line):
        if chunks and len(chunks[-1]) + len(sentence) < CHUNK_CHARS:
            chunks[-1] += " " + sentence
        elif sentence:
            chunks.append(sentence)
    return chunks


def _seconds(match: re.Match[str]) -> int:
    first, second, third = match.groups()
    if third is None:  # m:ss, minutes may pass 59
        return int(first) * 60 + int(second)
    return int(first) * 3600 + int(second) * 60 + int(third)


class _Pace:
    """How many English words are spoken before each second (linear within a paragraph), and
    back: speech speed varies, so a share of the words is a better clock than a share of the
    time."""

    def __init__(self, segments: Sequence[Segment], duration: int):
        self.times = [0.0]
        self.words = [0.0]
        for segment in segments:
            if segment.start > self.times[-1]:
                self.times.append(float(segment.start))
                self.words.append(self.words[-1])
            self.times.append(float(max(segment.end, segment.start + 1)))
            self.words.append(self.words[-1] + len(segment.text.split()))
        if self.times[-1] < duration or len(self.times) == 1:
            self.times.append(float(max(duration, self.times[-1] + 1)))
            self.words.append(self.words[-1] + (0 if segments else duration))

    def words_at(self, second: float) -> float:
        return float(np.interp(second, self.times, self.words))

    def second_at(self, words: float) -> float:
        return float(np.interp(words, self.words, self.times))


def _interpolate(
    units: list[tuple[int | None, str]], duration: int, pace: _Pace
) -> list[tuple[int, str]]:
    """Seconds for the lines between known ones, by their share of the characters; the last
    stretch runs to the end of the video."""
    known = [i for i, (second, _) in enumerate(units) if second is not None]
    if not units:
        return []
    if not known or known[0] != 0:
        units[0] = (0, units[0][1])
        known.insert(0, 0)
    out: list[tuple[int, str]] = []
    bounds = [*known, len(units)]
    for left, right in itertools.pairwise(bounds):
        start = min(units[left][0] or 0, duration - 1)
        end = units[right][0] if right < len(units) else duration
        end = max(start, min(end or duration, duration))
        lengths = [len(text) for _, text in units[left:right]]
        total = max(1, sum(lengths))
        done = 0
        first, last = pace.words_at(start), pace.words_at(end)
        for (_, text), length in zip(units[left:right], lengths, strict=True):
            second = pace.second_at(first + (last - first) * done / total)
            out.append((min(int(second), duration - 1), text))
            done += length
    return out
