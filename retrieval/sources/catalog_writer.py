"""Make a catalog for a lecture nobody has written one for: what an import can know.

The video id and title (given), the duration (the captions' end), and chapters from a chapter
list (`chapter_list.py`) or none (then the whole talk is one chapter). No summaries, key points
or key moments: those are written by people, later. The catalog is written as `catalog.yaml`
in the lecture's data directory, where the course loader finds it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import yaml

from retrieval.catalog import WHOLE_TALK
from retrieval.errors import LectureDataError
from retrieval.lecture import Cue
from retrieval.sources.chapter_list import ListedChapter
from retrieval.timecode import format_time


@dataclass(frozen=True, slots=True)
class NewLecture:
    """What the user told the importer about a lecture without a catalog."""

    lecture_id: str
    video_id: str
    title: str
    author: str = ""
    chapters: Sequence[ListedChapter] = ()

    def catalog_yaml(self, cues: Sequence[Cue]) -> str:
        """The catalog for these captions, as YAML; LectureDataError when a chapter starts
        after the captions end."""
        if not cues:
            raise LectureDataError("the captions hold no words to import")
        duration = max(1, math.ceil(max(cue.end for cue in cues)))
        late = [c for c in self.chapters if c.start >= duration]
        if late:
            raise LectureDataError(
                f"chapter {late[0].title[:40]!r} starts at {format_time(late[0].start)}, after "
                f"the captions end ({format_time(duration)})"
            )
        chapters = [
            {"number": n, "title": c.title, "title_ko": c.title, "start": c.start}
            for n, c in enumerate(self.chapters, 1)
        ] or [WHOLE_TALK]
        document = {
            "lecture": self.lecture_id,
            "video_id": self.video_id,
            "title": self.title,
            "title_ko": self.title,
            "author": self.author or "unknown",
            "duration": duration,
            "chapters": chapters,
        }
        header = (
            "# Made by `lecture-bot import` from what the captions and the command line say;\n"
            "# add Korean titles, summaries and key points by hand as the study group needs.\n"
        )
        return header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
