"""Replacing a data directory: no crash, kill or signal at any step loses it (atomic_dir)."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from retrieval.catalog import load_catalog
from retrieval.data import load_lecture
from retrieval.errors import LectureDataError
from retrieval.lecture import Catalog, Cue
from retrieval.sources import atomic_dir
from retrieval.sources.atomic_dir import recover, replacing_directory, validate_target
from retrieval.sources.captions import load_cues
from retrieval.sources.seed_writer import (
    CaptionCopy,
    ImportSource,
    is_imported_dir,
    write_lecture_dir,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = REPO_ROOT / "tests" / "fixtures"
ROLLING = FIXTURES / "captions" / "bread-rolling.vtt"
SOURCE = ImportSource("caption_file", "https://www.youtube.com/watch?v=MINIVIDEO01", "test")
OLD_WORDS = (Cue(1.0, 2.0, "old words"),)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(FIXTURES / "mini-catalog.yaml")


def write(out: Path, catalog: Catalog, cues=None):
    cues = load_cues(ROLLING) if cues is None else cues
    copy = CaptionCopy(ROLLING.name, ROLLING.read_bytes())
    return write_lecture_dir(out, catalog, cues, source=SOURCE, captions=copy)


def snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and path.name != "import.json"  # it holds the import's time
    }


def beside(out: Path) -> list[str]:
    return sorted(path.name for path in out.parent.iterdir())


@pytest.fixture
def old_and_new(tmp_path: Path, catalog: Catalog) -> tuple[Path, dict, dict]:
    """DIR holding an old import, and the snapshots of the old and of the next import."""
    probe = tmp_path / "probe" / "lecture"
    probe.parent.mkdir()
    write(probe, catalog)
    new = snapshot(probe)
    out = tmp_path / "data" / "lecture"
    out.parent.mkdir()
    write(out, catalog, cues=OLD_WORDS)
    return out, snapshot(out), new


def mark(directory: Path) -> bool:
    return (directory / "mark").is_file()


# -- the swap -------------------------------------------------------------------------------


def test_the_swap_is_one_exchange_and_leaves_nothing_beside(old_and_new, catalog, monkeypatch):
    out, _, new = old_and_new
    exchanges: list[tuple[Path, Path]] = []
    real = atomic_dir._exchange

    def spy(first: Path, second: Path) -> bool:
        exchanges.append((first, second))
        return real(first, second)

    monkeypatch.setattr(atomic_dir, "_exchange", spy)
    write(out, catalog)
    assert snapshot(out) == new
    assert beside(out) == ["lecture"]
    if atomic_dir._renameat2() is not None:
        assert len(exchanges) == 1 and exchanges[0][1] == out


def test_without_the_exchange_two_renames_replace_it(old_and_new, catalog, monkeypatch):
    out, _, new = old_and_new
    monkeypatch.setattr(atomic_dir, "_exchange", lambda first, second: False)
    write(out, catalog)
    assert snapshot(out) == new
    assert beside(out) == ["lecture"]


def test_a_failing_second_rename_puts_the_old_directory_back(old_and_new, catalog, monkeypatch):
    out, old, _ = old_and_new
    monkeypatch.setattr(atomic_dir, "_exchange", lambda first, second: False)
    real = os.rename
    calls: list[str] = []

    def rename(source, destination):
        calls.append(Path(destination).name)
        if len(calls) == 2:  # DIR -> .DIR.old-* went through; staging -> DIR fails
            raise OSError(28, "No space left on device")
        real(source, destination)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(LectureDataError, match="cannot replace it"):
        write(out, catalog)
    assert calls[0].startswith(".lecture.old-")
    assert snapshot(out) == old
    assert beside(out) == ["lecture"]
    load_lecture(out, catalog)


def test_signals_wait_until_the_swap_is_done(monkeypatch):
    seen: list[str] = []

    def on_term(signum, frame):
        seen.append("handled")
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        with pytest.raises(KeyboardInterrupt), atomic_dir._signals_held():
            signal.raise_signal(signal.SIGTERM)
            time.sleep(0.01)
            seen.append("swapped")
        assert seen == ["swapped", "handled"]
        assert signal.getsignal(signal.SIGTERM) is on_term
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_parents_it_created_go_again_when_the_build_fails(tmp_path):
    out = tmp_path / "new" / "deeper" / "lecture"
    with pytest.raises(RuntimeError), replacing_directory(out, mark) as staging:
        (staging / "half").write_text("x", encoding="utf-8")
        raise RuntimeError("crash")
    assert list(tmp_path.iterdir()) == []


def test_a_write_error_is_one_line(tmp_path):
    out = tmp_path / "lecture"
    failure = r"lecture: cannot write the data \(Disk quota"
    with pytest.raises(LectureDataError, match=failure), replacing_directory(out, mark):
        raise OSError(122, "Disk quota exceeded")
    assert list(tmp_path.iterdir()) == []


# -- a kill at any step: SIGKILL in a real process ------------------------------------------

KILLED_IMPORT = """
import os, signal, sys
from pathlib import Path
from retrieval.catalog import load_catalog
from retrieval.sources import atomic_dir
from retrieval.sources.captions import load_cues
from retrieval.sources.seed_writer import CaptionCopy, ImportSource, write_lecture_dir

moment, out, fixtures = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
kill = lambda *_: os.kill(os.getpid(), signal.SIGKILL)
real_rename, real_exchange = os.rename, atomic_dir._exchange

def rename(source, destination):
    real_rename(source, destination)
    tag = Path(destination).name.split(".")[-1]
    if moment == "between-the-renames" and tag.startswith("old-"):
        kill()
    if moment == "deleting-the-old-data" and Path(source).name.startswith(".lecture.old-"):
        kill()

if moment == "after-the-exchange":
    atomic_dir._exchange = lambda a, b: real_exchange(a, b) and kill()
elif moment != "while-writing":
    atomic_dir._exchange = lambda a, b: False
os.rename = rename
rolling = fixtures / "captions" / "bread-rolling.vtt"
write_lecture_dir(
    out,
    load_catalog(fixtures / "mini-catalog.yaml"),
    load_cues(rolling),
    source=ImportSource("caption_file", "https://www.youtube.com/watch?v=MINIVIDEO01", "test"),
    captions=CaptionCopy(rolling.name, rolling.read_bytes()),
    progress=lambda done, total: moment == "while-writing" and done == 2 and kill(),
)
"""


@pytest.mark.parametrize(
    ("moment", "survivor", "readable_before_recovery"),
    [
        ("while-writing", "old", True),
        ("after-the-exchange", "new", True),
        ("between-the-renames", "old", False),  # only without the exchange: recover() fixes it
        ("deleting-the-old-data", "new", True),
    ],
)
def test_a_kill_at_any_moment_loses_nothing(
    old_and_new, catalog, caplog, moment, survivor, readable_before_recovery
):
    if moment == "after-the-exchange" and atomic_dir._renameat2() is None:
        pytest.skip("no renameat2 here")
    out, old, new = old_and_new
    process = subprocess.run(
        [sys.executable, "-c", KILLED_IMPORT, moment, str(out), str(FIXTURES)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode == -signal.SIGKILL, process.stderr
    expected = old if survivor == "old" else new
    assert len(beside(out)) == 2  # the data (or its .old) and one leftover
    if readable_before_recovery:
        assert snapshot(out) == expected
        load_lecture(out, catalog)
    else:
        assert not out.exists()
    with caplog.at_level(logging.WARNING, logger=atomic_dir.log.name):
        recover(out)
    assert snapshot(out) == expected
    load_lecture(out, catalog)
    assert beside(out) == ["lecture"]
    said = [record.getMessage() for record in caplog.records]
    if not readable_before_recovery:  # one line for the restored data, one for the new build
        assert "missing after an interrupted import: restored the previous data" in said.pop(0)
    assert len(said) == 1
    assert "removed 1 unfinished directory left by an interrupted import" in said[0]
    write(out, catalog)  # and the next import goes through
    assert snapshot(out) == new


# -- recover(): what is ours, and what is not yet stale -------------------------------------


def test_recover_removes_only_our_stale_leftovers_and_says_so_once(tmp_path, caplog):
    out = tmp_path / "lecture"
    out.mkdir()
    (out / "import.json").write_text("{}", encoding="utf-8")  # the swap finished
    ours = [tmp_path / ".lecture.importing-ab12cd34", tmp_path / ".lecture.old-0011aabb"]
    others = [
        tmp_path / ".lecture2.importing-ab12cd34",  # another target's
        tmp_path / ".lecture.importing-notes",  # not our name pattern
        tmp_path / ".lecture.importing-ab12cd34x",
    ]
    for path in ours + others:
        path.mkdir()
        (path / "file").write_text("x", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger=atomic_dir.log.name):
        recover(out, before=time.time() + 1)
    assert [path.exists() for path in ours] == [False, False]
    assert all(path.exists() for path in others)
    assert len(caplog.records) == 1
    assert "removed 2 unfinished directories" in caplog.records[0].getMessage()


def test_recover_spares_a_live_or_newer_build(tmp_path, caplog):
    out = tmp_path / "lecture"
    live = tmp_path / ".lecture.importing-11111111"
    newer = tmp_path / ".lecture.importing-22222222"
    live.mkdir()
    newer.mkdir()
    lock = atomic_dir._lock(live)
    try:
        with caplog.at_level(logging.WARNING, logger=atomic_dir.log.name):
            recover(out, before=newer.stat().st_mtime)  # `newer` started with this run
        assert live.exists() and newer.exists()
        assert caplog.records == []
    finally:
        if lock is not None:
            os.close(lock)
    recover(out, before=time.time() + 1)
    assert not live.exists() and not newer.exists()


def test_an_import_removes_the_stale_staging_of_a_killed_one(old_and_new, catalog, caplog):
    out, _, new = old_and_new
    stale = out.parent / ".lecture.importing-deadbeef"
    (stale / "chapters").mkdir(parents=True)
    os.utime(stale, (time.time() - 60, time.time() - 60))
    with caplog.at_level(logging.WARNING, logger=atomic_dir.log.name):
        write(out, catalog)
    assert beside(out) == ["lecture"]
    assert snapshot(out) == new
    assert len(caplog.records) == 1 and ".lecture.importing-deadbeef" in caplog.text


# -- --out shapes ---------------------------------------------------------------------------


def test_a_symlink_to_a_directory_is_followed(old_and_new, catalog):
    out, _, new = old_and_new
    link = out.parent.parent / "link"
    link.symlink_to(out)
    assert validate_target(link, is_imported_dir) == out
    write(link, catalog)
    assert link.is_symlink() and snapshot(out) == new
    assert beside(out) == ["lecture"]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda tmp: tmp / "dangling", "which does not exist"),
        (lambda tmp: tmp / "loop", "symbolic link loop"),
        (lambda tmp: tmp / "file" / "sub", "is a file, not a folder"),
        (lambda tmp: tmp / "file", "exists and is not a directory"),
        (lambda tmp: tmp / "to-file", "not a directory"),
        (lambda tmp: tmp / ("x" * 256), "the name is too long (256 bytes"),
        (lambda tmp: tmp / ("x" * 240), "at most 235 fit here"),
        (lambda tmp: Path("/"), "is the root directory"),
        (lambda tmp: tmp / "foreign", "not a lecture data directory"),
    ],
)
def test_bad_targets_are_one_clear_error(tmp_path, make, expected):
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    (tmp_path / "to-file").symlink_to(tmp_path / "file")
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "notes.txt").write_text("mine", encoding="utf-8")
    before = sorted(tmp_path.iterdir())
    target = make(tmp_path)
    with pytest.raises(LectureDataError, match=re.escape(expected)):
        validate_target(target, mark)
    with (
        pytest.raises(LectureDataError, match=re.escape(expected)),
        replacing_directory(target, mark),
    ):
        pytest.fail("must not start")
    assert sorted(tmp_path.iterdir()) == before


def test_recover_restores_over_an_empty_directory_made_meanwhile(old_and_new, catalog):
    out, old, _ = old_and_new
    out.rename(out.parent / ".lecture.old-0123abcd")
    out.mkdir()  # someone saw DIR gone and made it again
    recover(out)
    assert snapshot(out) == old
    assert beside(out) == ["lecture"]


def test_recover_never_deletes_the_only_copy(old_and_new, monkeypatch, caplog):
    out, old, _ = old_and_new
    hidden = out.parent / ".lecture.old-0123abcd"
    out.rename(hidden)

    def refuse(source, destination):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "rename", refuse)
    with caplog.at_level(logging.WARNING, logger=atomic_dir.log.name):
        recover(out)
    assert "cannot restore .lecture.old-0123abcd (Permission denied)" in caplog.text
    assert snapshot(hidden) == old
