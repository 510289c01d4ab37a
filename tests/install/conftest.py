"""The install tests' shared fixture: a copy of the project to build and install from."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project: setuptools writes build/ and *.egg-info beside the sources."""
    copy = tmp_path_factory.mktemp("install") / "source"
    shutil.copytree(
        REPO,
        copy,
        ignore=shutil.ignore_patterns(
            ".git", ".venv*", "build", "*.egg-info", ".cache", "__pycache__", "tests"
        ),
    )
    return copy
