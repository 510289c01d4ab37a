"""`lecture-bot import vtt|srt FILE` and `import youtube VIDEO`: build a lecture data directory.

The directory is written atomically (see `retrieval.sources.atomic_dir`); point the other
commands at it with `--data DIR` or `LECTURE_DATA_DIR=DIR`. `--out` is checked before any
reading or downloading; a symlink to a directory stands for that directory. What an interrupted
import left beside DIR is repaired first, with a warning line even without `-v`.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.cli import EXIT_OK
from bot.cli.loading import LECTURE_ID as _LECTURE_ID
from bot.messages import message as say
from retrieval.catalog import (
    DEFAULT_LECTURE,
    LOCAL_CATALOG,
    default_catalog_path,
    load_catalog,
    parse_catalog,
)
from retrieval.errors import LectureBotError
from retrieval.lecture import Catalog
from retrieval.sources import atomic_dir
from retrieval.sources.captions import load_cues
from retrieval.sources.catalog_writer import NewLecture
from retrieval.sources.chapter_list import read_chapter_list
from retrieval.sources.seed_writer import (
    CaptionCopy,
    ImportSource,
    ImportSummary,
    is_imported_dir,
    write_lecture_dir,
)

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
        file_parser.add_argument(
            "--video",
            metavar="VIDEO_ID_OR_URL",
            help="the YouTube video the captions belong to (needed for a new lecture's links)",
        )
        _add_common(file_parser)
        file_parser.set_defaults(handler=run_file)
    youtube = sources.add_parser("youtube", help="fetch a video's captions from YouTube")
    youtube.add_argument("video", metavar="VIDEO_ID_OR_URL", help="e.g. 7xTGNNLPyMI or its URL")
    youtube.add_argument(
        "--lang",
        dest="caption_lang",  # not the language of our messages (`bot.cli.language_of`)
        default="en",
        help="caption language to fetch (default: en)",
    )
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
        help=f"the lecture's id: its catalog chapters/<LECTURE>.yaml, or a new lecture whose "
        f"catalog the import makes (default: {DEFAULT_LECTURE})",
    )
    parser.add_argument("--catalog", metavar="FILE", help="catalog YAML (overrides --lecture)")
    parser.add_argument("--title", help="a new lecture's title (default: its id)")
    parser.add_argument("--author", help="a new lecture's speaker or channel")
    parser.add_argument(
        "--chapters",
        type=Path,
        metavar="FILE",
        help="a new lecture's chapters: '0:00 Intro' lines (as in a YouTube description) or "
        "the study site's table of contents (site/eng/_index.md); default: none",
    )
    parser.add_argument(
        "--site",
        type=Path,
        metavar="DIR",
        help="the study site's folder for this lecture: its kr/*.md become the Korean translation",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary")


def _catalog(args: argparse.Namespace) -> Catalog | None:
    """The catalog to import with, or None when the import makes one (`_new_lecture`)."""
    if args.catalog:
        return load_catalog(args.catalog)
    if not _LECTURE_ID.match(args.lecture):
        raise _said("cli_import_bad_id", lecture=repr(args.lecture[:40]))
    path = default_catalog_path(args.lecture)
    if path.is_file() and args.chapters is None and args.title is None:
        return load_catalog(path)
    return None


def _said(key: str, **values: object) -> LectureBotError:
    """A mistake in the command's options, in English (the import has no `--lang`)."""
    return LectureBotError(say(key, "en", **values), key=key, **values)


def _new_lecture(args: argparse.Namespace, video: str | None) -> NewLecture:
    if video is None:
        raise _said("cli_import_needs_video", lecture=repr(args.lecture))
    from retrieval.sources.youtube import video_id_from

    chapters = read_chapter_list(args.chapters) if args.chapters is not None else ()
    return NewLecture(
        lecture_id=args.lecture,
        video_id=video_id_from(video),
        title=(args.title or args.lecture)[:200],
        author=(args.author or "")[:200],
        chapters=chapters,
    )


def _site_files(args: argparse.Namespace) -> dict[str, bytes]:
    """The site's Korean files to keep beside the captions (`site/kr/*.md`)."""
    if args.site is None:
        return {}
    folder = args.site / "kr" if (args.site / "kr").is_dir() else args.site
    files = sorted(folder.glob("*.md"))
    if not files:
        raise _said("cli_import_no_site_files", path=args.site)
    return {f"site/kr/{path.name}": path.read_bytes() for path in files[:200]}


def _check_out(args: argparse.Namespace) -> None:
    """Refuse a bad --out now, not after reading or downloading, and repair what an
    interrupted import left beside it (saying so even without -v)."""
    target = atomic_dir.validate_target(args.out, is_imported_dir)
    repairs = atomic_dir.log
    repairs.setLevel(min(repairs.getEffectiveLevel(), logging.WARNING))
    atomic_dir.recover(target)


def run_file(args: argparse.Namespace) -> int:
    _check_out(args)
    catalog = _catalog(args)
    new = _new_lecture(args, args.video) if catalog is None else None
    extra = _site_files(args)
    with progress_steps(args.quiet) as step:
        step(say("cli_import_reading", "en", file=args.file.name), None, None)
        cues = load_cues(args.file)
        if new is not None:
            text = new.catalog_yaml(cues)
            extra[LOCAL_CATALOG] = text.encode("utf-8")
            catalog = parse_catalog(text)
        assert catalog is not None
        step(say("cli_import_writing", "en"), 0, None)
        source = ImportSource("caption_file", catalog.video_url, f"captions file {args.file.name}")
        copy = CaptionCopy(args.file.name, args.file.read_bytes())
        summary = write_lecture_dir(
            args.out,
            catalog,
            cues,
            source=source,
            captions=copy,
            progress=lambda done, total: step(say("cli_import_writing", "en"), done, total),
            extra=extra,
        )
    _report(args, summary, say("cli_origin_file", "en", file=args.file.name))
    return EXIT_OK


def run_youtube(args: argparse.Namespace) -> int:
    _check_out(args)
    catalog = _catalog(args)
    new = _new_lecture(args, args.video) if catalog is None else None
    with progress_steps(args.quiet) as step:
        step(say("cli_import_fetching", "en", video=args.video), None, None)
        from retrieval.sources.youtube import import_youtube

        summary = import_youtube(
            args.video,
            args.out,
            catalog,
            lang=args.caption_lang,
            translate=args.translate,
            on_fetched=lambda _: step(say("cli_import_writing", "en"), 0, None),
            progress=lambda done, total: step(say("cli_import_writing", "en"), done, total),
            new_lecture=new,
            extra=_site_files(args),
        )
    _report(args, summary, say("cli_origin_youtube", "en", video=args.video))
    return EXIT_OK


def _report(args: argparse.Namespace, summary: ImportSummary, origin: str) -> None:
    if args.quiet:
        return
    paragraphs = summary.korean_paragraphs
    korean = say("cli_imported_korean", "en", count=paragraphs) if paragraphs else ""
    imported = say(
        "cli_imported",
        "en",
        words=summary.words,
        paragraphs=summary.paragraphs,
        chapters=summary.chapters,
        korean=korean,
        origin=origin,
        directory=summary.directory,
    )
    print(imported)
    print(say("cli_import_use", "en", directory=summary.directory))


@contextmanager
def progress_steps(quiet: bool) -> Iterator[Step]:
    """A rich progress bar on stderr (nothing when quiet or not a terminal). rich is imported
    here: every command registers its options, only an import draws a bar."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield lambda description, done, total: None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(say("cli_import_starting", "en"), total=None)

        def step(description: str, done: int | None, total: int | None) -> None:
            progress.update(task, description=description, completed=done or 0, total=total)

        yield step
