"""Replace a data directory all at once, so that no failure and no kill can lose it.

The new directory is built in a staging directory beside the target, `.NAME.importing-XXXXXXXX`
(same filesystem, so renames are atomic), and then swapped in:

- On Linux, `renameat2(RENAME_EXCHANGE)` swaps staging and target in one system call: at every
  instant DIR is a whole directory, the old one or the new one. Afterwards the old data sits
  under the staging name and is deleted; a kill during that delete leaves only garbage.
- Where the exchange is unavailable (other systems, filesystems without it) two renames:
  DIR -> `.NAME.old-XXXXXXXX`, staging -> DIR. A kill between them leaves no DIR, but the
  previous data whole under the `.old` name: `recover(DIR)` renames it back and says so in one
  log line. Every import of DIR starts with `recover`; a reader may call it too.

Why not a symlink DIR -> versioned directory, replaced with `os.replace`? It is atomic too, but
DIR would change type: data directories made so far are real directories (and turning one into
a link is itself a two-step swap), `cp -r DIR` or `rm -r DIR` would copy or delete a link and not
the data, and a user's own `--out` symlink would be indistinguishable from ours. The exchange
keeps DIR a plain directory; the fallback keeps it recoverable.

Leftovers are recognised by name and lock, never by content: `.NAME.importing-*` is never live
data (a build in progress, or old data being deleted) and `.NAME.old-*` is always a whole
former DIR (it is renamed back to a staging name before it is deleted). A run holds a `flock`
on its staging directory (and on the retired DIR during the two-rename swap), so `recover`
only removes staging directories that are unlocked and older than the run asking. SIGINT and
SIGTERM arriving during the swap itself are held back until it is done.

`--out` shapes: a symlink to a directory is followed (the directory it points at is replaced,
the link stays as it is); missing parents are created (and removed again when the import
fails). A dangling symlink or a symlink loop, a path through a file, a name too long for the
hidden names beside it, the root, an existing file, or a non-empty directory that
`may_replace` does not recognise are each a one-line `LectureDataError`, as are write errors.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import logging
import os
import re
import secrets
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

from retrieval.errors import LectureDataError

try:
    import fcntl
except ImportError:  # Windows: no locks; leftovers are then told apart by age alone
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

STAGING_TAG, RETIRED_TAG = "importing", "old"
_TOKEN = r"[a-z0-9_]{8}"  # also matches what earlier versions left (tempfile.mkdtemp names)
_LONGEST_TAG = len(f"..{STAGING_TAG}-") + 8


@contextlib.contextmanager
def replacing_directory(target: Path, may_replace: Callable[[Path], bool]) -> Iterator[Path]:
    """Yield an empty staging directory; on a clean exit it becomes `target`.

    On any exception (including KeyboardInterrupt) the staging directory is removed and the
    previous `target` stays as it was. OSErrors while writing become a LectureDataError."""
    started = time.time()
    given = _absolute(target)
    _check_name(given, given.name)
    created = _make_parents(given.parent)
    try:
        target = _follow(given)
        recover(target, before=started)
        _check_target(target, may_replace)
        with _signals_held():
            staging, lock = _make_staging(target)
    except BaseException:
        _remove_empty(created)
        raise
    swapped = False
    try:
        try:
            yield staging
        except OSError as error:
            raise LectureDataError(f"cannot write the data ({_reason(error)})", target) from None
        try:
            with _signals_held():
                _swap_in(staging, target)  # afterwards `staging` holds the old data, or nothing
        except OSError as error:
            raise LectureDataError(f"cannot replace it ({_reason(error)})", target) from None
        swapped = True
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if lock is not None:
            os.close(lock)
        if not swapped:
            _remove_empty(created)


def validate_target(target: Path, may_replace: Callable[[Path], bool]) -> Path:
    """The directory `replacing_directory(target)` would replace, checked without writing
    anything: a LectureDataError now rather than after a long download."""
    given = _absolute(target)
    _check_name(given, given.name)
    existing = given.parent
    while not os.path.lexists(existing):
        existing = existing.parent
    _check_folder(existing)
    if existing != given.parent:
        return given
    resolved = _follow(given)
    _check_target(resolved, may_replace)
    return resolved


def recover(target: Path, *, before: float | None = None) -> None:
    """Put right what an interrupted swap or build left beside `target`, with one log line
    for each kind of repair:

    - no `target` (or an empty one) but a `.NAME.old-*` (killed between the two renames):
      rename it back;
    - `.NAME.old-*` beside a `target` (killed while deleting the old data): remove it;
    - `.NAME.importing-*` not locked by a live run and last changed before `before` (default:
      now): remove it.
    Never raises: what cannot be repaired now is left for the next time."""
    target = Path(target)
    before = time.time() if before is None else before
    name = re.escape(target.name)
    staging_name = re.compile(rf"\.{name}\.{STAGING_TAG}-{_TOKEN}")
    retired_name = re.compile(rf"\.{name}\.{RETIRED_TAG}-{_TOKEN}")
    try:
        entries = [
            entry for entry in os.scandir(target.parent) if entry.is_dir(follow_symlinks=False)
        ]
    except OSError:
        return
    retired = [Path(e.path) for e in entries if retired_name.fullmatch(e.name)]
    retired = [path for path in retired if not _in_use(path)]
    if retired and _missing_or_empty(target):
        newest = max(retired, key=_modified)
        try:
            os.rename(newest, target)  # also replaces an empty directory made meanwhile
        except OSError as error:
            log.warning("%s: cannot restore %s (%s)", target, newest.name, _reason(error))
            retired = []  # nothing that may be the only copy is deleted
        else:
            retired.remove(newest)
            log.warning(
                "%s was missing after an interrupted import: restored the previous data from %s",
                target,
                newest.name,
            )
    stale = [
        Path(e.path)
        for e in entries
        if staging_name.fullmatch(e.name) and _modified(Path(e.path)) < before
    ]
    stale = [path for path in stale if not _in_use(path)] + retired
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
    removed = [path.name for path in stale if not os.path.lexists(path)]
    if removed:
        log.warning(
            "%s: removed %d unfinished director%s left by an interrupted import: %s",
            target,
            len(removed),
            "y" if len(removed) == 1 else "ies",
            ", ".join(sorted(removed)),
        )


# -- checking --out -------------------------------------------------------------------------


def _absolute(target: Path | str) -> Path:
    """Absolute, with `.` and `..` applied to the text as a shell's `cd` does."""
    return Path(os.path.abspath(os.path.expanduser(os.fspath(target))))


def _check_name(target: Path, name: str) -> None:
    if target.parent == target or not name:
        raise LectureDataError(
            "is the root directory; choose a new or empty directory for the lecture data", target
        )
    limit = _name_max(target.parent)
    size = len(os.fsencode(name))
    if size > limit - _LONGEST_TAG:
        raise LectureDataError(
            f"the name is too long ({size} bytes; at most {limit - _LONGEST_TAG} fit here,"
            f" since the import writes beside it as .NAME.{STAGING_TAG}-XXXXXXXX)",
            target.parent / f"{name[:40]}...",
        )


def _name_max(directory: Path) -> int:
    while not os.path.isdir(directory) and directory.parent != directory:
        directory = directory.parent
    try:
        return int(os.pathconf(directory, "PC_NAME_MAX"))
    except (AttributeError, OSError, ValueError):
        return 255


def _make_parents(parent: Path) -> list[Path]:
    """Create the missing folders above the target; return them, outermost first."""
    missing: list[Path] = []
    existing = parent
    while not os.path.lexists(existing):
        missing.append(existing)
        existing = existing.parent
    _check_folder(existing)
    created: list[Path] = []
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except OSError as error:
            _remove_empty(created)
            raise LectureDataError(
                f"cannot create this folder ({_reason(error)})", folder
            ) from None
        created.append(folder)
    return created


def _check_folder(path: Path) -> None:
    """An existing path that should be a folder the data directory goes inside."""
    if os.path.isdir(path):
        return
    if os.path.islink(path):
        raise LectureDataError(
            f"is a symbolic link to {os.readlink(path)}, which is not a folder", path
        )
    raise LectureDataError("is a file, not a folder: the data directory cannot go inside it", path)


def _follow(given: Path) -> Path:
    """`given` with its symlinks followed: a link to a directory stands for that directory."""
    resolved = Path(os.path.realpath(given))
    if os.path.islink(resolved):
        raise LectureDataError("is a symbolic link loop", given)
    if os.path.islink(given) and not os.path.lexists(resolved):
        raise LectureDataError(
            f"is a symbolic link to {os.readlink(given)}, which does not exist; remove the"
            " link or create what it points to",
            given,
        )
    if os.path.islink(given) and not os.path.isdir(resolved):
        raise LectureDataError(
            f"is a symbolic link to {os.readlink(given)}, not a directory", given
        )
    if resolved != given:
        _check_name(resolved, resolved.name)
    return resolved


def _check_target(target: Path, may_replace: Callable[[Path], bool]) -> None:
    try:
        if not os.path.lexists(target):
            return
        if not target.is_dir():
            raise LectureDataError("exists and is not a directory", target)
        if any(target.iterdir()) and not may_replace(target):
            raise LectureDataError(
                "exists and is not a lecture data directory made by `lecture-bot import`;"
                " choose a new or empty directory",
                target,
            )
    except OSError as error:
        raise LectureDataError(f"cannot read it ({_reason(error)})", target) from None


# -- building and swapping ------------------------------------------------------------------


def _make_staging(target: Path) -> tuple[Path, int | None]:
    staging = _hidden(target, STAGING_TAG)
    try:
        staging.mkdir()
        staging.chmod(0o755)
    except OSError as error:
        raise LectureDataError(f"cannot write here ({_reason(error)})", target.parent) from None
    try:
        return staging, _lock(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_in(staging: Path, target: Path) -> None:
    """Put `staging` at `target`; what was at `target` ends up at `staging` (or nothing)."""
    if not os.path.lexists(target):
        os.rename(staging, target)
        return
    if _exchange(staging, target):
        return
    retired = _hidden(target, RETIRED_TAG)
    lock = None
    with contextlib.suppress(OSError):  # the lock moves with the directory: recover() spares it
        lock = _lock(target)
    try:
        os.rename(target, retired)
        try:
            os.rename(staging, target)
        except BaseException:
            os.rename(retired, target)
            raise
        os.rename(retired, staging)  # from here on it is garbage, by its name
    finally:
        if lock is not None:
            os.close(lock)


def _hidden(target: Path, tag: str) -> Path:
    return target.with_name(f".{target.name}.{tag}-{secrets.token_hex(4)}")


_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


@functools.cache
def _renameat2() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # only here: every CLI command imports this module

    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):  # glibc before 2.28
        return None
    function.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    function.restype = ctypes.c_int
    return function


def _exchange(first: Path, second: Path) -> bool:
    """Swap two directories in one step; False where the system or filesystem cannot."""
    function = _renameat2()
    if function is None:
        return False
    import ctypes

    first_name, second_name = os.fsencode(first), os.fsencode(second)
    if function(_AT_FDCWD, first_name, _AT_FDCWD, second_name, _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _lock(directory: Path) -> int | None:
    """An open descriptor holding an exclusive lock on `directory` (None without flock)."""
    if fcntl is None:
        return None
    descriptor = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(descriptor)
        raise
    return descriptor


def _in_use(directory: Path) -> bool:
    """True while a live run holds `directory`'s lock (or when that cannot be told)."""
    if fcntl is None:
        return False
    try:
        descriptor = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return True
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(descriptor)  # also releases the lock taken just now
    return False


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for a few system calls, then deliver them as usual."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[tuple[int, FrameType | None]] = []
    previous: dict[int, Any] = {}
    for held in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(held)
        if handler is not None:  # None: installed outside Python; leave it alone
            previous[held] = handler
            signal.signal(held, lambda got, frame: pending.append((got, frame)))
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for got, frame in pending:
            handler = previous[got]
            if callable(handler):
                handler(got, frame)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(got)


def _missing_or_empty(directory: Path) -> bool:
    try:
        return not os.path.lexists(directory) or (
            directory.is_dir() and not directory.is_symlink() and not any(directory.iterdir())
        )
    except OSError:
        return False


def _remove_empty(folders: list[Path]) -> None:
    for folder in reversed(folders):
        with contextlib.suppress(OSError):
            folder.rmdir()


def _modified(path: Path) -> float:
    try:
        return path.stat(follow_symlinks=False).st_mtime
    except OSError:
        return float("inf")


def _reason(error: OSError) -> str:
    return error.strerror or str(error)
