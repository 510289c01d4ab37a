"""Load the catalog, lecture and index the way every sub-command does."""

from __future__ import annotations

import argparse
import sys

from retrieval.catalog import load_catalog
from retrieval.index import Index
from retrieval.lecture import Catalog, Lecture
from retrieval.sources.first_run import prepare_lecture


def catalog_from(args: argparse.Namespace) -> Catalog:
    return load_catalog(getattr(args, "catalog", None))


def lecture_from(args: argparse.Namespace) -> Lecture:
    """The lecture, imported from YouTube first when the default directory is empty."""
    return prepare_lecture(getattr(args, "data", None), catalog_from(args), announce=_announce)


def _announce(message: str) -> None:
    print(f"lecture-bot: {message}", file=sys.stderr, flush=True)


def index_from(args: argparse.Namespace) -> Index:
    return Index.build(lecture_from(args))
