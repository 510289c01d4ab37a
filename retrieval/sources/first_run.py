"""First run: when the default data directory has no transcript, fetch the catalog's video
from YouTube into it; when that fails, say what to do instead."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from retrieval.catalog import load_catalog
from retrieval.data import (
    DATA_DIR_ENV,
    default_data_dir,
    has_transcript,
    load_lecture,
    missing_transcript_help,
    resolve_data_dir,
)
from retrieval.errors import CaptionFetchError, TranscriptNotFoundError
from retrieval.lecture import Catalog, Lecture

if TYPE_CHECKING:
    from retrieval.sources.youtube import TranscriptFetcher


def ensure_transcript(
    data_dir: Path,
    catalog: Catalog,
    *,
    fetcher: TranscriptFetcher | None = None,
    announce: Callable[[str], None] = print,
    auto_import: bool | None = None,
) -> Path:
    """`data_dir`, after importing the catalog's video into it when it has no transcript.

    Only the default data directory is filled automatically (`auto_import` overrides): a
    directory the user named explicitly and that is empty is more likely a typo than a wish
    to download. Raises TranscriptNotFoundError with the alternatives when it cannot help.
    """
    data_dir = Path(data_dir).expanduser()
    if data_dir.is_dir() and has_transcript(data_dir):
        return data_dir
    if auto_import is None:
        auto_import = data_dir.absolute() == default_data_dir(catalog).absolute()
    if not auto_import:
        raise TranscriptNotFoundError(missing_transcript_help(data_dir))
    announce(
        f"No transcript in {data_dir} yet: downloading the captions of '{catalog.title}'"
        f" ({catalog.video_url}) and YouTube's Korean translation..."
    )
    # Imported here: the YouTube client and requests cost ~0.1 s, and only a first run needs them.
    from retrieval.sources.youtube import import_youtube

    try:
        summary = import_youtube(
            catalog.video_id, data_dir, catalog, translate="ko", fetcher=fetcher
        )
    except CaptionFetchError as error:
        raise TranscriptNotFoundError(
            f"No transcript in {data_dir}, and downloading it failed ({error}). Instead, point"
            f" {DATA_DIR_ENV} (or --data) at a lecture data directory, e.g. `export"
            f" {DATA_DIR_ENV}=../shared/lecture/deep-dive-llms`, or import a caption file:"
            f" `lecture-bot import vtt FILE --out {data_dir}`."
        ) from None
    korean = " with the Korean translation" if summary.korean_paragraphs else ""
    announce(f"Saved {summary.words:,} words in {summary.chapters} chapters{korean} to {data_dir}.")
    return data_dir


def prepare_lecture(
    data_dir: Path | str | None = None,
    catalog: Catalog | None = None,
    *,
    announce: Callable[[str], None] = print,
) -> Lecture:
    """Load the lecture as `load_lecture` does, importing it first on a first run."""
    catalog = catalog if catalog is not None else load_catalog()
    directory = ensure_transcript(resolve_data_dir(data_dir, catalog), catalog, announce=announce)
    return load_lecture(directory, catalog)
