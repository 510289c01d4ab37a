"""Read the project's YAML files (catalogs, moments, question sets) safely and fast.

These files may come from someone else: a file is read only up to `MAX_YAML_BYTES` (so
`/dev/zero` or a huge file fails at once), anchors and aliases are refused (a 1 KB "billion
laughs" file would otherwise expand to gigabytes in whatever walks it), and nesting too deep to
be a real document is a data error rather than a RecursionError. libyaml's C parser is used
when PyYAML has it: the catalog parses several times faster than with the pure-Python one.

Even so, parsing the first lecture's catalog and key moments cost about 30 ms at every start
of every command. A file's parsed document is therefore kept as JSON in the cache directory
(retrieval/lecture_cache.py's), named by the file and a digest of its bytes, this module and
PyYAML's version: the next read of the same bytes is a JSON parse (about 1 ms), and a changed
file replaces its earlier JSON. Only a document that JSON gives back exactly is kept (no
dates, no non-text keys), and a cache file that cannot be read or written is ignored: it only
saves time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from retrieval.errors import LectureDataError
from retrieval.lecture_cache import cache_dir, keep

MAX_YAML_BYTES = 4 * 1024 * 1024
# Where an anchor (`&a`) or alias (`*a`) could start: after a line start, a space or a flow
# indicator. Only text that has one pays for the event-by-event check (our catalogs have none;
# "Q&A" and "5 * 3" do not match).
_MAYBE_ANCHOR = re.compile(r"(?:^|[\s\[\{,:-])[&*][^\s\[\]\{\},]", re.MULTILINE)
_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
log = logging.getLogger(__name__)


def read_yaml(path: Path | str, what: str) -> Any:
    """The parsed document at `path`; LectureDataError naming `what` and the file otherwise."""
    path = Path(path)
    try:
        if path.is_dir():
            raise LectureDataError(f"{what} is a directory, not a file", path)
        with path.open("rb") as stream:
            data = stream.read(MAX_YAML_BYTES + 1)
    except FileNotFoundError:
        raise LectureDataError(f"{what} not found", path) from None
    except OSError as error:
        raise LectureDataError(f"{what} cannot be read ({error.strerror})", path) from None
    if len(data) > MAX_YAML_BYTES:
        raise LectureDataError(f"{what} is over {MAX_YAML_BYTES // 2**20} MB", path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LectureDataError(f"{what} is not UTF-8 text", path) from None
    # Named by the file, then by its bytes: the JSON of an earlier version of the file is
    # removed when this one is kept.
    cached = cache_dir() / f"yaml-{_digest(str(path.resolve()).encode())}-{_digest(data)}.json"
    try:
        return json.loads(cached.read_bytes())
    except (OSError, ValueError):  # not parsed before (or a broken cache file): parse
        pass
    document = parse_yaml(text, what, path)
    _keep(cached, document)
    return document


@lru_cache(maxsize=1)
def _version() -> bytes:
    here = Path(__file__).read_bytes()
    return hashlib.sha256(here + yaml.__version__.encode()).digest()


def _digest(data: bytes) -> str:
    return hashlib.sha256(_version() + data).hexdigest()[:24]


def _keep(path: Path, document: Any) -> None:
    """Save `document` as JSON at `path` when JSON gives it back exactly."""
    try:
        encoded = json.dumps(document, ensure_ascii=False, allow_nan=False)
        if json.loads(encoded) != document:  # e.g. integer keys, which JSON makes text
            return
        keep(path, lambda: encoded.encode("utf-8"))
    except (TypeError, ValueError, OSError) as error:  # TypeError: a date, bytes
        log.debug("not keeping the parsed YAML in %s: %s", path, error)


def parse_yaml(text: str, what: str, path: Path | None = None) -> Any:
    """Parse `text` as one YAML document without anchors or aliases."""
    try:
        if _MAYBE_ANCHOR.search(text):
            for event in yaml.parse(text, Loader=_Loader):
                if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                    raise LectureDataError(f"{what} uses YAML anchors or aliases", path)
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or "malformed"
        raise LectureDataError(f"{what} is not valid YAML ({problem})", path, line) from None
    except RecursionError:
        raise LectureDataError(f"{what} is nested too deeply", path) from None
    except (ValueError, OverflowError):  # e.g. an integer of thousands of digits
        raise LectureDataError(f"{what} holds a value too large to read", path) from None
