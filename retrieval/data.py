"""Find the lecture data directory and load a Lecture from it.

Location, first that is set: an explicit `data_dir` (the `--data` option), the environment
variable `LECTURE_DATA_DIR`, else `chapters/<lecture>/` inside the repository (git-ignored).
"""

from __future__ import annotations

import os
from pathlib import Path

from retrieval.catalog import REPO_ROOT, load_catalog
from retrieval.errors import TranscriptNotFoundError
from retrieval.lecture import Catalog, Lecture
from retrieval.sources.captions import load_caption_dir
from retrieval.sources.seed import chapter_files, read_segments
from retrieval.sources.translation import TRANSLATION_FILE, attach_translation

DATA_DIR_ENV = "LECTURE_DATA_DIR"


def default_data_dir(catalog: Catalog) -> Path:
    return REPO_ROOT / "chapters" / catalog.lecture_id


def resolve_data_dir(data_dir: Path | str | None, catalog: Catalog) -> Path:
    if data_dir:
        return Path(data_dir).expanduser()
    if env_dir := os.environ.get(DATA_DIR_ENV, "").strip():
        return Path(env_dir).expanduser()
    return default_data_dir(catalog)


def has_transcript(data_dir: Path) -> bool:
    return bool(chapter_files(data_dir))


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
    segments = read_segments(directory, catalog)
    translation = directory / TRANSLATION_FILE
    if translation.is_file():
        segments = attach_translation(
            segments, translation, catalog.glossary, realign=realign_translation
        )
    cues = load_caption_dir(directory)  # DIR/captions/*.vtt|srt: word timings for links
    return Lecture(catalog=catalog, segments=segments, source=directory, cues=cues)


def missing_transcript_help(directory: Path) -> str:
    return (
        f"No lecture transcript found in {directory}. Point {DATA_DIR_ENV} (or --data) at a "
        "lecture data directory holding chapters/NN-*.md files, e.g. "
        f"`export {DATA_DIR_ENV}=../shared/lecture/deep-dive-llms`, or import one from a "
        "caption file with `lecture-bot import vtt FILE --out DIR`."
    )
