"""`lecture-bot import vtt|srt FILE` and `import youtube VIDEO`: build a lecture data directory.

The directory is written atomically (see `retrieval.sources.atomic_dir`); point the other
commands at it with `--data DIR` or `LECTURE_DATA_DIR=DIR`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from bot.cli import EXIT_OK
from retrieval.catalog import DEFAULT_LECTURE, default_catalog_path, load_catalog
from retrieval.lecture import Catalog
from retrieval.sources.captions import load_cues
from retrieval.sources.seed_writer import (
    CaptionCopy,
    ImportSource,
    ImportSummary,
    write_lecture_dir,
)
from retrieval.sources.youtube import import_youtube

Step = Callable[[str, int | None, int | None], None]  # description, done, total


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import",
        help="build lecture data from a caption file or a YouTube video",
        description="Build a lecture data directory (chapters/NN-*.md, captions/) from WebVTT "
        "or SRT captions, or from a YouTube video's captions.",
    )
    sources = parser.add_subparsers(dest="source", metavar="SOURCE", required=True)
    for kind in ("vtt", "srt"):
        file_parser = sources.add_parser(kind, help=f"import a {kind.upper()} caption file")
        file_parser.add_argument("file", type=Path, help=f"the .{kind} file")
        _add_common(file_parser)
        file_parser.set_defaults(handler=run_file)
    youtube = sources.add_parser("youtube", help="fetch a video's captions from YouTube")
    youtube.add_argument("video", metavar="VIDEO_ID_OR_URL", help="e.g. 7xTGNNLPyMI or its URL")
    youtube.add_argument("--lang", default="en", help="caption language to fetch (default: en)")
    youtube.add_argument(
        "--translate",
        choices=["ko"],
        help="also fetch YouTube's machine translation into translation-ko.md",
    )
    _add_common(youtube)
    youtube.set_defaults(handler=run_youtube)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="data directory")
    parser.add_argument(
        "--lecture",
        default=DEFAULT_LECTURE,
        help=f"use the catalog chapters/<LECTURE>.yaml (default: {DEFAULT_LECTURE})",
    )
    parser.add_argument("--catalog", metavar="FILE", help="catalog YAML (overrides --lecture)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary")


def _catalog(args: argparse.Namespace) -> Catalog:
    return load_catalog(args.catalog or default_catalog_path(args.lecture))


def run_file(args: argparse.Namespace) -> int:
    catalog = _catalog(args)
    with progress_steps(args.quiet) as step:
        step(f"Reading {args.file.name}", None, None)
        cues = load_cues(args.file)
        step("Writing chapters", 0, None)
        source = ImportSource("caption_file", catalog.video_url, f"captions file {args.file.name}")
        copy = CaptionCopy(args.file.name, args.file.read_bytes())
        summary = write_lecture_dir(
            args.out,
            catalog,
            cues,
            source=source,
            captions=copy,
            progress=lambda done, total: step("Writing chapters", done, total),
        )
    _report(args, summary, args.file.name)
    return EXIT_OK


def run_youtube(args: argparse.Namespace) -> int:
    catalog = _catalog(args)
    with progress_steps(args.quiet) as step:
        step(f"Fetching captions of {args.video} from YouTube", None, None)
        summary = import_youtube(
            args.video,
            args.out,
            catalog,
            lang=args.lang,
            translate=args.translate,
            on_fetched=lambda _: step("Writing chapters", 0, None),
            progress=lambda done, total: step("Writing chapters", done, total),
        )
    _report(args, summary, f"YouTube video {args.video}")
    return EXIT_OK


def _report(args: argparse.Namespace, summary: ImportSummary, origin: str) -> None:
    if args.quiet:
        return
    korean = f", {summary.korean_paragraphs} Korean paragraphs" if summary.korean_paragraphs else ""
    print(
        f"Imported {summary.words:,} words in {summary.paragraphs} paragraphs and "
        f"{summary.chapters} chapters{korean} from {origin} into {summary.directory}"
    )
    print(f"Use it with --data {summary.directory} or LECTURE_DATA_DIR={summary.directory}")


@contextmanager
def progress_steps(quiet: bool) -> Iterator[Step]:
    """A rich progress bar on stderr (nothing when quiet or not a terminal)."""
    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield lambda description, done, total: None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("Starting", total=None)

        def step(description: str, done: int | None, total: int | None) -> None:
            progress.update(task, description=description, completed=done or 0, total=total)

        yield step
