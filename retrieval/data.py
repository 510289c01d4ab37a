"""Find the lecture data directory and load a Lecture from it.

Location, first that is set: an explicit `data_dir` (the `--data` option), the environment
variable `LECTURE_DATA_DIR`, else `lectures/<lecture>/` in the user's data directory
(`~/.local/share/lecture-bot` on Linux): nothing is ever written into the installation.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from platformdirs import user_data_path

from retrieval import lecture_cache
from retrieval.catalog import load_catalog
from retrieval.errors import LectureDataError, TranscriptNotFoundError
from retrieval.lecture import Catalog, Cue, Lecture, Segment
from retrieval.sources.captions import find_caption_file, load_caption_dir, timed_words
from retrieval.sources.seed import chapter_files, read_segments
from retrieval.sources.seed_writer import build_paragraphs
from retrieval.sources.site_translation import (
    SITE_KOREAN_DIR,
    has_site_translation,
    read_site_translation,
)
from retrieval.sources.translation import TRANSLATION_FILE, attach_translation, place_translation

DATA_DIR_ENV = "LECTURE_DATA_DIR"


def default_data_dir(catalog: Catalog) -> Path:
    return user_data_path("lecture-bot", appauthor=False) / "lectures" / catalog.lecture_id


def resolve_data_dir(data_dir: Path | str | None, catalog: Catalog) -> Path:
    """`data_dir` (from --data or the LECTURE_DATA_DIR setting), else the default."""
    if data_dir:
        return Path(data_dir).expanduser()
    return default_data_dir(catalog)


def has_transcript(data_dir: Path) -> bool:
    """Seed-format chapter files, or a caption file to make the paragraphs from."""
    return bool(chapter_files(data_dir)) or find_caption_file(data_dir) is not None


def load_lecture(
    data_dir: Path | str | None = None,
    catalog: Catalog | None = None,
    *,
    realign_translation: bool = True,
) -> Lecture:
    """The catalog plus the transcript (and Korean translation, when present) at `data_dir`.
    `realign_translation=False` places translated paragraphs by their markers alone."""
    catalog = catalog if catalog is not None else load_catalog()
    directory = resolve_data_dir(data_dir, catalog)
    if not directory.is_dir() or not has_transcript(directory):
        raise TranscriptNotFoundError(missing_transcript_help(directory))
    key = lecture_cache.cache_key(
        _inputs(directory), catalog, f"realign_translation={realign_translation}"
    )
    cached = lecture_cache.load(key)
    cues: Sequence[Cue]
    if cached is not None:
        segments, cues, notes = cached
    else:
        with _notes() as notes:
            segments, cues = _derive(directory, catalog, realign_translation)
        lecture_cache.save(key, segments, cues, notes)
    for name, level, message in notes:  # what the data's defects are, cached or not (-v)
        logging.getLogger(name).log(level, "%s", message)
    return Lecture(catalog=catalog, segments=segments, source=directory, cues=cues, version=key)


def _derive(
    directory: Path, catalog: Catalog, realign_translation: bool
) -> tuple[tuple[Segment, ...], tuple[Cue, ...]]:
    """Segments (with their Korean) and caption cues from the files of `directory`."""
    cues = load_caption_dir(directory)  # DIR/captions/*.vtt|srt: word timings for links
    if chapter_files(directory):
        segments = read_segments(directory, catalog)
    else:
        if not cues:
            raise LectureDataError("the caption file has no usable cues", directory)
        segments = segments_from_cues(cues, catalog)
    translation = directory / TRANSLATION_FILE
    if translation.is_file():
        segments = attach_translation(
            segments, translation, catalog.glossary, realign=realign_translation
        )
    elif has_site_translation(directory):
        segments = place_translation(
            segments,
            read_site_translation(directory, catalog, segments),
            catalog.glossary,
            # Placed where the word pace puts it: realigning by shared names and terms
            # measured worse on this sparse, condensed translation (docs/retrieval.md).
            realign=False,
            source=directory / SITE_KOREAN_DIR,
        )
    return segments, cues


@contextmanager
def _notes() -> Iterator[list[lecture_cache.Note]]:
    """What the source readers log about the data while deriving (defects of a translation,
    unusable captions), collected rather than printed, so that a cached load can say it too."""
    notes: list[lecture_cache.Note] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            notes.append((record.name, record.levelno, record.getMessage()))

    logger = logging.getLogger("retrieval.sources")
    handler = Collect(logging.INFO)
    saved = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield notes
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


def _inputs(directory: Path) -> list[Path]:
    """Every file `_derive` reads."""
    files = [*chapter_files(directory)]
    if (caption := find_caption_file(directory)) is not None:
        files.append(caption)
    if (directory / TRANSLATION_FILE).is_file():
        files.append(directory / TRANSLATION_FILE)
    files += sorted((directory / SITE_KOREAN_DIR).glob("*.md"))
    return files


def segments_from_cues(cues: tuple[Cue, ...], catalog: Catalog) -> tuple[Segment, ...]:
    """30-second paragraphs of the caption words, split at the catalog's chapter starts
    (as the importer writes them)."""
    paragraphs = build_paragraphs(timed_words(cues), catalog)
    ends = [paragraph.start for paragraph in paragraphs[1:]] + [catalog.duration]
    return tuple(
        Segment(start=p.start, end=max(p.start + 1, end), chapter=p.chapter, text=p.text)
        for p, end in zip(paragraphs, ends, strict=True)
    )


def missing_transcript_help(directory: Path) -> str:
    return (
        f"No lecture transcript found in {directory}. Point {DATA_DIR_ENV} (or --data) at a "
        "lecture data directory holding chapters/NN-*.md files, e.g. "
        f"`export {DATA_DIR_ENV}=../shared/lecture/deep-dive-llms`, or import one from a "
        "caption file with `lecture-bot import vtt FILE --out DIR`."
    )
