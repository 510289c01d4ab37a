"""A lecture's parsed transcript kept between runs: what `load_lecture` derives from files.

Parsing a 3.5-hour lecture's 2 MB of rolling captions and placing its Korean translation cost
about 0.6 s of CPU at every start of every command. The result (segments with their Korean,
and the caption cues) is saved as one `.npz` file in the user's cache directory
(`$LECTURE_CACHE_DIR`, else `~/.cache/lecture-bot`), named by a key over everything it was
derived from: each input file's name, size and modification time, what of the catalog the
derivation reads (chapter starts, duration, glossary), the options, and the source code of the
modules that do the deriving. Any change gives a new key and the lecture is derived again. A
cache file that cannot be read or written is ignored (one debug line): it only saves time.
Texts are stored as one UTF-8 blob with offsets (no pickle: nothing in the file is executed).
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import operator
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, cast, overload

import numpy as np
from platformdirs import user_cache_path

from retrieval.lecture import Catalog, Cue, Segment

FORMAT = 1
_SEPARATOR = "\x00"
log = logging.getLogger(__name__)


_configured_dir: Path | None = None


def use_cache_dir(directory: Path | None) -> None:
    """Keep every cache in `directory` from now on (None: the user's cache directory). The
    program sets it once at start, from its settings (LECTURE_CACHE_DIR)."""
    global _configured_dir
    _configured_dir = directory


def cache_dir() -> Path:
    """Where every cache of the project lives: derived lectures (here), built indexes
    (retrieval/index_cache.py) and parsed YAML files (retrieval/yaml_files.py)."""
    return _configured_dir or user_cache_path("lecture-bot", appauthor=False)


def keep(path: Path, content: Callable[[], bytes]) -> None:
    """Write the cache file `path` (named `NAME-KEY.ext`) whole or not at all — a temporary
    file, renamed over it — then delete the files of the same NAME with another key, so the
    cache does not grow with every change. `content` is called once the temporary file is
    open: an unwritable cache costs nothing to compute. OSError when it cannot be written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
        try:
            handle.write(content())
        except BaseException:
            os.unlink(handle.name)
            raise
    os.replace(handle.name, path)
    name = path.name.rsplit("-", 1)[0]
    for earlier in path.parent.glob(f"{name}-*{path.suffix}"):
        if earlier != path:
            earlier.unlink(missing_ok=True)


def cache_key(inputs: Iterable[Path], catalog: Catalog, options: str) -> str:
    """A digest of everything the derivation reads (see the module docstring)."""
    digest = hashlib.sha256(f"{FORMAT}\n{options}\n{_code_version()}\n".encode())
    for path in sorted(inputs):
        stat = path.stat()
        digest.update(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    digest.update(repr((catalog.duration, [c.start for c in catalog.chapters])).encode())
    digest.update(repr(catalog.glossary).encode())
    return digest.hexdigest()[:32]


@lru_cache(maxsize=1)
def _code_version() -> str:
    """A digest of the source of the modules that turn files into a lecture."""
    here = Path(__file__).resolve().parent
    files = [here / "data.py", here / "lecture.py", *sorted((here / "sources").glob("*.py"))]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


Note = tuple[str, int, str]  # logger name, level, message: what deriving said about the data


def load(key: str) -> tuple[tuple[Segment, ...], StoredCues, list[Note]] | None:
    path = cache_dir() / f"lecture-{key}.npz"
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            texts = _texts(data["segment_text"], data["segment_text_offsets"])
            korean = _texts(data["segment_ko"], data["segment_ko_offsets"])
            segments = tuple(
                Segment(int(start), int(end), int(chapter), text, text_ko)
                for start, end, chapter, text, text_ko in zip(
                    data["segment_start"].tolist(),
                    data["segment_end"].tolist(),
                    data["segment_chapter"].tolist(),
                    texts,
                    korean,
                    strict=True,
                )
            )
            cues = StoredCues(
                data["cue_start"],
                data["cue_end"],
                data["cue_text"].tobytes(),
                data["cue_text_offsets"].tolist(),
            )
            notes = [
                (name, int(level), message)
                for name, level, message in (
                    note.split("\t", 2) for note in _texts(data["notes"], data["notes_offsets"])
                )
            ]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
        # BadZipFile: a truncated file (its zip directory is at the end)
        log.debug("ignoring the lecture cache %s: %s", path, error)
        return None
    return segments, cues, notes


def save(
    key: str, segments: Sequence[Segment], cues: Sequence[Cue], notes: Sequence[Note] = ()
) -> None:
    directory = cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {
            "segment_start": np.array([s.start for s in segments], dtype=np.int64),
            "segment_end": np.array([s.end for s in segments], dtype=np.int64),
            "segment_chapter": np.array([s.chapter for s in segments], dtype=np.int32),
            "cue_start": np.array([c.start for c in cues], dtype=np.float64),
            "cue_end": np.array([c.end for c in cues], dtype=np.float64),
        }
        for name, texts in (
            ("segment_text", [s.text for s in segments]),
            ("segment_ko", [s.text_ko for s in segments]),
            ("cue_text", [c.text for c in cues]),
            ("notes", [f"{name}\t{level}\t{message}" for name, level, message in notes]),
        ):
            arrays[name], arrays[f"{name}_offsets"] = _blob(texts)
        with tempfile.NamedTemporaryFile(dir=directory, suffix=".npz", delete=False) as handle:
            np.savez(handle, **cast("dict[str, Any]", arrays))  # numpy types **kwds oddly
        os.replace(handle.name, directory / f"lecture-{key}.npz")
    except OSError as error:
        log.debug("could not save the lecture cache in %s: %s", directory, error)


class StoredCues(Sequence[Cue]):
    """A cached lecture's caption cues, each made into a `Cue` when it is asked for: a command
    that answers from a cached index looks at none of them, and making all 41,000 of the first
    lecture's was a third of its cached load. Equal to the tuple of the same cues."""

    def __init__(self, starts: np.ndarray, ends: np.ndarray, texts: bytes, offsets: list[int]):
        if not len(starts) == len(ends) == len(offsets) - 1:
            raise ValueError("cue arrays of different lengths")
        self._starts, self._ends, self._texts, self._offsets = starts, ends, texts, offsets

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, index: int) -> Cue: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Cue, ...]: ...

    def __getitem__(self, index: int | slice) -> Cue | tuple[Cue, ...]:
        if isinstance(index, slice):
            return tuple(map(self._cue, range(len(self))[index]))
        return self._cue(range(len(self))[index])  # IndexError, negative indices

    def __iter__(self) -> Iterator[Cue]:
        if not len(self):
            return
        yield self._cue(0)  # often all a caller needs ("are there timings?")
        starts, ends = self._starts.tolist(), self._ends.tolist()  # the rest, in bulk
        texts, offsets = self._texts, self._offsets
        for position in range(1, len(starts)):
            text = texts[offsets[position] : offsets[position + 1]]
            yield Cue(starts[position], ends[position], text.decode("utf-8", "surrogatepass"))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(map(operator.eq, self, other))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"StoredCues({len(self)} cues)"

    def _cue(self, position: int) -> Cue:
        start, end = self._offsets[position], self._offsets[position + 1]
        text = self._texts[start:end].decode("utf-8", errors="surrogatepass")
        return Cue(float(self._starts[position]), float(self._ends[position]), text)


def _blob(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    encoded = [text.encode("utf-8", errors="surrogatepass") for text in texts]
    lengths = np.array([len(piece) for piece in encoded], dtype=np.int64)
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


def _texts(blob: np.ndarray, offsets: np.ndarray) -> list[str]:
    data = blob.tobytes()
    bounds = offsets.tolist()
    return [
        data[start:end].decode("utf-8", errors="surrogatepass")
        for start, end in itertools.pairwise(bounds)
    ]
