"""Read a chapter list: a YouTube description's `0:00 Intro` lines, or the study site's
markdown table of contents (`1. [Introduction](#1-introduction) (0:00)`).

Times may be `m:ss` (minutes past 59 allowed, as the site writes `64:34`) or `h:mm:ss`. The
list must start at 0:00 and increase, as YouTube requires of a description's chapters.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import LectureDataError

MAX_LIST_BYTES = 256 * 1024
MAX_CHAPTERS = 200
_TIME = r"(\d{1,3}:\d{2}(?::\d{2})?)"
_DESCRIPTION_LINE = re.compile(rf"^\s*[(\[]?{_TIME}[)\]]?\s*[-–—:|]?\s+(\S.{{0,200}})$")
_TOC_LINE = re.compile(
    rf"^\s*\d{{1,3}}\.\s*\[([^\]]{{1,200}})\]\([^)]{{0,300}}\)\s*\({_TIME}\)\s*$"
)


@dataclass(frozen=True, slots=True)
class ListedChapter:
    start: int
    title: str


def read_chapter_list(path: Path) -> list[ListedChapter]:
    """The chapters a file lists, in order; LectureDataError naming the file otherwise."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_LIST_BYTES + 1)
    except OSError as error:
        raise LectureDataError(f"cannot read the chapter list ({error.strerror})", path) from None
    if len(data) > MAX_LIST_BYTES:
        raise LectureDataError("the chapter list is over 256 KB: is this the right file?", path)
    chapters = parse_chapter_list(data.decode("utf-8-sig", errors="replace"))
    if not chapters:
        raise LectureDataError(
            "no chapters found: expected lines like '0:00 Introduction' or a table of "
            "contents like '1. [Introduction](#introduction) (0:00)'",
            path,
        )
    if chapters[0].start != 0:
        raise LectureDataError("the first chapter must start at 0:00", path)
    for before, after in itertools.pairwise(chapters):
        if after.start <= before.start:
            raise LectureDataError(
                f"chapter times must increase ({after.title[:40]!r} does not)", path
            )
    if len(chapters) > MAX_CHAPTERS:
        raise LectureDataError(f"more than {MAX_CHAPTERS} chapters", path)
    return chapters


def parse_chapter_list(text: str) -> list[ListedChapter]:
    """Every chapter line of `text`: table-of-contents lines if it has any, else
    description lines."""
    lines = text.splitlines()
    toc = [m for line in lines if (m := _TOC_LINE.match(line))]
    if toc:
        return [ListedChapter(_seconds(m.group(2)), m.group(1).strip()) for m in toc]
    found = [m for line in lines if (m := _DESCRIPTION_LINE.match(line))]
    return [ListedChapter(_seconds(m.group(1)), m.group(2).strip()) for m in found]


def _seconds(text: str) -> int:
    seconds = 0
    for part in text.split(":"):
        seconds = seconds * 60 + int(part)
    return seconds
