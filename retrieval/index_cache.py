"""A built index kept between runs, beside the derived lectures of retrieval/lecture_cache.py.

Building an index analyses every passage's words and computes its BM25 tables: about 0.15 s
of CPU for the first lecture and 0.5 s for the course of three, at every start of every
command. What the build computes (`Index.state()`: the passages' caption words, every BM25
table, the glossary's analysed spellings, each passage's analysed words for highlights and
links, the spelling vocabulary) is saved as one file in the same cache directory, named by a
key over everything it was computed from: each lecture's own cache key (its transcript files
and the options), the whole of each catalog as read (chapters, glossary, key moments), the
search settings, the source of the retrieval package, and the versions of the libraries that
shape its terms and numbers. Any change gives a new key, and the index is built again and
saved; the file it replaces (the same lectures with the same settings) is removed.

The file is raw arrays behind a JSON header (the layout is described at `MAGIC`): loading it
is one read, a checksum, and a view per array, a few milliseconds. Nothing in it is executed
(no pickle; numbers and UTF-8 text only). It is written to a temporary file and renamed, so a
reader never sees half of one. A file that cannot be read, is damaged, or does not fit, and a
cache that cannot be written, are ignored with one log line: the cache only saves time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import struct
import sys
import unicodedata
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import Stemmer

from retrieval.course import Course
from retrieval.index import Index, SearchConfig
from retrieval.lecture import Catalog, Lecture
from retrieval.lecture_cache import cache_dir, keep

FORMAT = 1
log = logging.getLogger(__name__)


def cached_index(source: Lecture | Course, config: SearchConfig | None = None) -> Index:
    """The index of `source`: loaded when a persisted one of the same inputs exists, else
    built and saved. Lectures made in memory (no `version`) are always built."""
    course = source if isinstance(source, Course) else Course((source,))
    config = config if config is not None else SearchConfig()
    key = index_key(course, config)
    if key is None:
        return Index(course, config)
    # Named by what it indexes, then by the key: a new build of the same lectures with the same
    # settings (after an upgrade, a changed transcript) replaces the previous one's file.
    path = cache_dir() / f"index-{_sources_name(course, config)}-{key}.bin"
    saved = load(path, key)
    if saved is not None:
        try:
            return Index(course, config, saved=saved)
        except Exception as error:  # the file passed its checks but does not fit: rebuild
            log.warning("ignoring the index cache %s (%s: %s)", path, type(error).__name__, error)
    index = Index(course, config)
    save(path, key, index)
    return index


def index_key(course: Course, config: SearchConfig) -> str | None:
    """A digest of everything the index is built from (see the module docstring), or None
    when a lecture has no version to name it by."""
    if not all(lecture.version for lecture in course.lectures):
        return None
    digest = hashlib.sha256(f"{FORMAT}\n{_code_version()}\n{config!r}\n".encode())
    for lecture in course.lectures:
        digest.update(f"{lecture.version}\n{_catalog_digest(lecture.catalog)}\n".encode())
    return digest.hexdigest()[:32]


def _sources_name(course: Course, config: SearchConfig) -> str:
    """What an index is of: its lectures (id and data directory) and settings."""
    sources = [
        f"{lecture.catalog.lecture_id}|{lecture.source and lecture.source.resolve()}"
        for lecture in course.lectures
    ]
    return hashlib.sha256(f"{sources}\n{config!r}".encode()).hexdigest()[:12]


_catalog_digests: dict[int, tuple[Catalog, str]] = {}


def _catalog_digest(catalog: Catalog) -> str:
    """A digest of everything in `catalog`, computed once per catalog object (a course's
    indexes share their catalogs; the catalog is kept so that its id is not reused)."""
    known = _catalog_digests.get(id(catalog))
    if known is None or known[0] is not catalog:
        if len(_catalog_digests) > 64:
            _catalog_digests.clear()
        text = repr(catalog).encode("utf-8", errors="surrogatepass")
        known = _catalog_digests[id(catalog)] = (catalog, hashlib.sha256(text).hexdigest())
    return known[1]


@lru_cache(maxsize=1)
def _code_version() -> str:
    """A digest of the retrieval package's source, and of the versions of what else decides
    the index's terms and numbers: Python and its Unicode tables, numpy, the stemmer."""
    digest = hashlib.sha256(
        f"{sys.version}|{unicodedata.unidata_version}|{np.__version__}|{Stemmer.version()}\n".encode()
    )
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(path.name.encode() + b"\n" + path.read_bytes())
    return digest.hexdigest()[:16]


def load(path: Path, key: str) -> dict[str, Any] | None:
    """The state saved at `path` for `key`, or None (a missing, broken or foreign file)."""
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        log.warning("ignoring the index cache %s: %s", path, error)
        return None
    try:
        return _decode(raw, key)
    # A broken file fails in many ways (its size, header, checksum, an entry missing): any of
    # them only means that the index is built as if there were no file.
    except Exception as error:
        log.warning("ignoring the index cache %s (%s: %s)", path, type(error).__name__, error)
        return None


def save(path: Path, key: str, index: Index) -> None:
    """Write `index.state()` to `path` (atomically) and remove the files of earlier builds of
    the same name (`index-NAME-KEY.bin`); a failure is one debug line."""
    try:
        keep(path, lambda: _encode(key, index.state()))
    except (OSError, ValueError) as error:
        log.debug("could not save the index cache %s: %s", path, error)


# The file: MAGIC, the header's length (8 bytes, little-endian), the header (JSON: each
# array's dtype, shape and offset, the texts' names and counts, a CRC-32 of the data), then
# the arrays' bytes, each at a multiple of 8. Loading is one read and one view per array.
MAGIC = b"LBINDEX\n"
_HEAD = struct.Struct("<Q")
_SEPARATOR = "\x00"  # between the texts of a list: no index term or caption word has one
_KINDS = frozenset("biuf")  # numbers only: nothing in the file can be an object


def _encode(key: str, state: dict[str, Any]) -> bytes:
    arrays: dict[str, np.ndarray] = {}
    texts: dict[str, int] = {}
    for name, value in state.items():
        if isinstance(value, list):
            joined = _SEPARATOR.join(value)
            if joined.count(_SEPARATOR) != max(0, len(value) - 1):
                raise ValueError(f"a text of {name} holds the separator")
            texts[name] = len(value)
            value = np.frombuffer(joined.encode("utf-8", errors="surrogatepass"), np.uint8)
        arrays[name] = np.asarray(value)
    layout: dict[str, tuple[str, tuple[int, ...], int]] = {}
    chunks: list[bytes] = []
    offset = 0
    for name, array in arrays.items():
        layout[name] = (array.dtype.str, array.shape, offset)
        data = array.tobytes()
        padding = -len(data) % 8
        chunks.append(data + bytes(padding))
        offset += len(data) + padding
    body = b"".join(chunks)
    header = {"format": FORMAT, "key": key, "crc32": zlib.crc32(body)}
    header |= {"arrays": layout, "texts": texts}
    encoded = json.dumps(header).encode()
    encoded += b" " * (-(len(MAGIC) + _HEAD.size + len(encoded)) % 8)
    return MAGIC + _HEAD.pack(len(encoded)) + encoded + body


def _decode(raw: bytes, key: str) -> dict[str, Any]:
    if not raw.startswith(MAGIC):
        raise ValueError("not an index cache file")
    (length,) = _HEAD.unpack_from(raw, len(MAGIC))
    start = len(MAGIC) + _HEAD.size + length
    header = json.loads(raw[len(MAGIC) + _HEAD.size : start])
    if header["format"] != FORMAT or header["key"] != key:
        raise ValueError("written for another index")
    body = memoryview(raw)[start:]
    if zlib.crc32(body) != header["crc32"]:
        raise ValueError("the checksum does not match (a damaged or truncated file)")
    saved: dict[str, Any] = {}
    for name, (dtype, shape, offset) in header["arrays"].items():
        kind = np.dtype(dtype)
        if kind.kind not in _KINDS:
            raise ValueError(f"{name} is not numbers")
        count = math.prod(shape)
        saved[name] = np.frombuffer(body, kind, count, offset).reshape(tuple(shape))
    for name, count in header["texts"].items():
        text = saved[name].tobytes().decode("utf-8", errors="surrogatepass")
        saved[name] = text.split(_SEPARATOR) if count else []
        if len(saved[name]) != count:
            raise ValueError(f"{name} does not hold {count} texts")
    return saved
