"""Load the catalog, lecture and index the way every sub-command does."""

from __future__ import annotations

import argparse

from retrieval.catalog import load_catalog
from retrieval.data import load_lecture
from retrieval.index import Index
from retrieval.lecture import Catalog, Lecture


def catalog_from(args: argparse.Namespace) -> Catalog:
    return load_catalog(getattr(args, "catalog", None))


def lecture_from(args: argparse.Namespace) -> Lecture:
    return load_lecture(getattr(args, "data", None), catalog_from(args))


def index_from(args: argparse.Namespace) -> Index:
    return Index.build(lecture_from(args))
