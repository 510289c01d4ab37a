"""Replace a directory all at once: build it beside the target, then rename it into place.

An interrupted or failed build removes its staging directory and leaves the previous target
untouched. A non-empty target is only replaced when `may_replace(target)` says it is ours, so
`--out ~` can never wipe a home directory.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from retrieval.errors import LectureDataError


@contextlib.contextmanager
def replacing_directory(target: Path, may_replace: Callable[[Path], bool]) -> Iterator[Path]:
    """Yield an empty staging directory; on a clean exit it becomes `target`."""
    target = Path(target).expanduser().absolute()
    _check_target(target, may_replace)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.importing-", dir=target.parent))
        staging.chmod(0o755)
    except OSError as error:
        raise LectureDataError(f"cannot write here ({error.strerror})", target.parent) from None
    try:
        yield staging
        _swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _check_target(target: Path, may_replace: Callable[[Path], bool]) -> None:
    if target.exists() and not target.is_dir():
        raise LectureDataError("exists and is not a directory", target)
    if target.is_dir() and any(target.iterdir()) and not may_replace(target):
        raise LectureDataError(
            "exists and is not a lecture data directory made by `lecture-bot import`;"
            " choose a new or empty directory",
            target,
        )


def _swap_in(staging: Path, target: Path) -> None:
    if not target.exists():
        os.rename(staging, target)
        return
    retired = target.with_name(f".{target.name}.old-{secrets.token_hex(4)}")
    os.rename(target, retired)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(retired, target)
        raise
    shutil.rmtree(retired, ignore_errors=True)
