"""Shared fixtures: where the real lecture lives, and the rule for when it is missing.

Tests that need the real lecture read `../shared/` beside the checkout. Locally they skip
with a clear reason when it is absent; under CI (`CI=true`) a missing `../shared` fails.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from retrieval.lecture_cache import use_cache_dir

REPO_ROOT = Path(__file__).resolve().parent.parent

# Every temporary directory the tests make (tempfile's, in this process) goes under one, removed
# when the run ends: hundreds of runs must not leave hundreds of directories in /tmp.
tempfile.tempdir = tempfile.mkdtemp(prefix="lecture-bot-tests-")
atexit.register(shutil.rmtree, tempfile.tempdir, ignore_errors=True)
# Derived lectures are cached between runs (retrieval/lecture_cache.py): tests, and the
# commands they start, use a cache of their own, never the user's.
os.environ["LECTURE_CACHE_DIR"] = tempfile.mkdtemp(prefix="cache-")
use_cache_dir(Path(os.environ["LECTURE_CACHE_DIR"]))  # for the library, called directly
SHARED = REPO_ROOT.parent / "shared"
SHARED_LECTURE = SHARED / "lecture" / "deep-dive-llms"
SHARED_QUESTIONS = SHARED / "eval" / "questions.yaml"
SHARED_DEV_QUESTIONS = SHARED / "eval" / "dev-questions.yaml"
SHARED_COURSE_QUESTIONS = SHARED / "eval" / "course" / "questions.yaml"


def require_shared(path: Path) -> Path:
    """`path` inside ../shared, or skip (fail under CI) with the reason."""
    if path.exists():
        return path
    reason = f"{path} is missing: the real lecture data lives in ../shared beside the checkout"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: this is a failure, not a skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_lecture_dir() -> Path:
    return require_shared(SHARED_LECTURE)


@pytest.fixture(scope="session")
def shared_questions() -> Path:
    return require_shared(SHARED_QUESTIONS)


@pytest.fixture(scope="session")
def shared_dev_questions() -> Path:
    return require_shared(SHARED_DEV_QUESTIONS)


@pytest.fixture(scope="session")
def shared_course_questions() -> Path:
    return require_shared(SHARED_COURSE_QUESTIONS)


@pytest.fixture(scope="session")
def real_lecture(shared_lecture_dir: Path):
    from retrieval.catalog import load_catalog
    from retrieval.data import load_lecture

    return load_lecture(shared_lecture_dir, load_catalog())


@pytest.fixture(scope="session")
def real_index(real_lecture):
    from retrieval.index import Index

    return Index.build(real_lecture)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow installs first: with the suite on two workers (pytest-xdist, one file each),
    the real pip installs (deploy guide, pipx) start at once on both cores, and the hundreds
    of quick tests fill in around them instead of waiting at the end."""
    slow = ("tests/deploy/", "tests/install/")
    items.sort(key=lambda item: not any(part in item.nodeid for part in slow))
