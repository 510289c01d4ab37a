"""Read WebVTT and SRT caption files into de-duplicated, timed cues.

Granularity (what `load_cues` returns): one `Cue` per spoken *word* where the file carries
word-timing tags (YouTube's automatic captions: `hi<00:00:00.880><c> everyone</c>`), and one
`Cue` per caption *line* elsewhere (ordinary SRT/WebVTT). Either way each spoken word appears
exactly once, in spoken order.

YouTube's automatic captions "roll": every line is shown twice, first with its word tags and
then again, untagged, as the top line of the next cue; between the two sits a 10 ms "flash"
cue repeating the line alone. A cue's leading untagged lines that repeat the lines emitted just
before are that context and are skipped.

Bad input never ends in a traceback: an empty file, a file that is not captions, undecodable
text, timestamps going backwards or a file over `MAX_CAPTION_BYTES` raise `LectureDataError`
with the file and line; malformed or truncated cues are skipped with one logged warning.
"""

from __future__ import annotations

import html
import io
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from retrieval.errors import LectureDataError
from retrieval.lecture import Cue

if TYPE_CHECKING:  # parsing imports webvtt; a lecture loaded from the cache never does
    import webvtt

CaptionFormat = Literal["vtt", "srt"]
CAPTION_SUFFIXES: tuple[str, ...] = (".vtt", ".srt")
# A 3.5-hour lecture's rolling auto-captions are 2 MB; 32 MB is a week of speech.
MAX_CAPTION_BYTES = 32 * 1024 * 1024
# A caption line is a few seconds of speech (under 100 characters): a longer one is cut here,
# so no later step (alignment, links, quotes) ever works over an unbounded line.
MAX_CUE_LINE_CHARS = 2_000
_CONTEXT_LINES = 3  # how many recently emitted lines a rolling cue may repeat

_TIMING_LINE = re.compile(
    r"^\s*((?:\d+:)?\d{1,2}:\d{1,2}[.,]\d{1,3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{1,2}[.,]\d{1,3})"
)
_TIMESTAMP = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{1,2})[.,](\d{1,3})")
_WORD_TAG = re.compile(r"<((?:\d+:)?\d{2}:\d{2}\.\d{3})>")
_STRAY_TIMING = re.compile(r"^(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}\s*-")
# `[^<>]`, not `[^>]`: each `<` is looked at once, so a line of 100,000 `<` strips in linear
# time instead of scanning to the line's end from every one of them.
_ANY_TAG = re.compile(r"<[^<>]*>")
# A speaker turn at the start of a caption line: "- " in manual captions, ">> " in YouTube's.
_SPEAKER_TURN = re.compile(r"^\s*(?:-|>>)\s+")
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TimedWord:
    """One word of the captions and the second it starts being spoken."""

    start: float
    text: str


def load_cues(path: Path) -> tuple[Cue, ...]:
    """The de-duplicated cues of a WebVTT or SRT file (format sniffed from its content)."""
    path = Path(path)
    text = read_caption_text(path)
    return parse_captions(text, caption_format(text, path), path)


def read_caption_text(path: Path) -> str:
    """The file's text: size-checked, BOM removed (UTF-8/UTF-16), decoding errors with a line."""
    try:
        if path.exists() and not path.is_dir() and not path.is_file():
            raise LectureDataError("not a regular file", path)
        size = path.stat().st_size
        if size > MAX_CAPTION_BYTES:
            raise LectureDataError(
                f"caption file is {size / 2**20:.1f} MB, over the {MAX_CAPTION_BYTES // 2**20} MB"
                " limit (a 3.5-hour lecture's captions are about 2 MB): is this the right file?",
                path,
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise LectureDataError("caption file not found", path) from None
    except IsADirectoryError:
        raise LectureDataError("is a directory, not a caption file", path) from None
    except OSError as error:
        raise LectureDataError(f"cannot read caption file ({error.strerror})", path) from None
    utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff")
    if not utf16 and b"\x00" in data[:4096]:
        raise LectureDataError("not a caption file (binary data)", path, 1)
    try:
        text = data.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise LectureDataError(f"not {'UTF-16' if utf16 else 'UTF-8'} text", path, line) from None
    if not text.strip():
        raise LectureDataError("caption file is empty", path, 1)
    return text


def caption_format(text: str, path: Path) -> CaptionFormat:
    """`vtt` for a `WEBVTT` header, `srt` for SubRip cues; LectureDataError for anything else."""
    first = text.lstrip("\ufeff \t\r\n").split("\n", 1)[0].strip()
    if first.startswith("WEBVTT"):
        return "vtt"
    for number, line in enumerate(text.splitlines()[:20], start=1):
        match = _TIMING_LINE.match(line)
        if match and "," in match.group(1):
            return "srt"
        if match:
            raise LectureDataError(
                "looks like WebVTT but the first line is not 'WEBVTT'", path, number
            )
    raise LectureDataError(
        "not a caption file: expected a 'WEBVTT' header or numbered SRT cues"
        " ('00:00:01,000 --> 00:00:02,000')",
        path,
        1,
    )


def parse_captions(text: str, fmt: CaptionFormat, path: Path) -> tuple[Cue, ...]:
    """Cues of caption text already read; `path` is only used in messages."""
    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    try:
        captions = webvtt.from_buffer(io.StringIO(text), format=fmt).captions
    except (MalformedFileError, MalformedCaptionError) as error:
        raise LectureDataError(f"malformed {fmt.upper()} file ({error})", path) from None
    timing_lines = _timing_lines(text)
    lines = _caption_lines(captions, timing_lines, path)
    if not captions:
        raise LectureDataError(
            "no caption cues in the file", path, timing_lines[0][0] if timing_lines else 1
        )
    return tuple(_Deduplicator(path).run(captions, lines))


def _timing_lines(text: str) -> list[tuple[int, str]]:
    """(line number, start text normalised to `.`) of every line that looks like cue timings."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if "-->" in line or _STRAY_TIMING.match(line.strip()):
            match = _TIMING_LINE.match(line)
            found.append((number, match.group(1).replace(",", ".") if match else ""))
    return found


def _caption_lines(
    captions: Sequence[webvtt.Caption], timing_lines: list[tuple[int, str]], path: Path
) -> list[int]:
    """The file line of each parsed caption; warns once about cues the parser skipped."""
    result: list[int] = []
    skipped: list[int] = []
    position = 0
    for caption in captions:
        start_ms = caption.start_time.in_milliseconds()
        while position < len(timing_lines) and _ms(timing_lines[position][1]) != start_ms:
            skipped.append(timing_lines[position][0])
            position += 1
        result.append(timing_lines[position][0] if position < len(timing_lines) else 0)
        position += 1
    skipped.extend(number for number, _ in timing_lines[position:])
    if skipped:
        log.warning(
            "%s: skipped %d malformed, truncated or empty cue(s), first at line %d",
            path,
            len(skipped),
            skipped[0],
        )
    return result


def _ms(timestamp: str) -> int | None:
    """Milliseconds of `[h:]mm:ss.mmm` (or `,mmm`), None when it is not a time. Like the SRT
    parser, 00:00:63 counts as 63 s; WebVTT drops such cues, which then show as skipped."""
    match = _TIMESTAMP.fullmatch(timestamp)
    if not match:
        return None
    hours, minutes, seconds, fraction = match.groups()
    total = (int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)
    return total * 1000 + int(fraction.ljust(3, "0"))


class _Deduplicator:
    """Turns parsed captions into cues, dropping the rolling repeats and flash cues."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.recent: list[str] = []
        self.cues: list[Cue] = []
        self.cut_long_lines = False

    def run(self, captions: Sequence[webvtt.Caption], lines: Sequence[int]) -> list[Cue]:
        previous_start = -1.0
        for caption, line in zip(captions, lines, strict=True):
            start = caption.start_time.in_milliseconds() / 1000
            end = caption.end_time.in_milliseconds() / 1000
            if start < previous_start:
                raise LectureDataError(
                    f"timestamps go backwards: this cue starts at {caption.start}, before the"
                    " cue above it",
                    self.path,
                    line or None,
                )
            previous_start = start
            self._add(caption.lines, start, max(start, end), line)
        return self.cues

    def _add(self, raw_lines: Sequence[str], start: float, end: float, line: int) -> None:
        entries = [(raw, _plain(raw)) for raw in map(self._bounded, raw_lines)]
        entries = [(raw, plain) for raw, plain in entries if plain]
        if any(_STRAY_TIMING.match(plain) for _, plain in entries):
            entries = self._drop_stray_cue(entries, line)
        skip = self._context_length(entries)
        for raw, plain in entries[skip:]:
            if _WORD_TAG.search(raw):
                self.cues.extend(_word_cues(raw, start, end))
            else:
                self.cues.append(Cue(start, end, plain))
            self.recent = [*self.recent, plain][-_CONTEXT_LINES:]

    def _bounded(self, raw: str) -> str:
        """`raw` cut to MAX_CUE_LINE_CHARS on a space (one warning per file)."""
        if len(raw) <= MAX_CUE_LINE_CHARS:
            return raw
        if not self.cut_long_lines:
            log.warning(
                "%s: a caption line of %d characters was cut to %d (hostile or broken file?)",
                self.path,
                len(raw),
                MAX_CUE_LINE_CHARS,
            )
            self.cut_long_lines = True
        cut = raw[:MAX_CUE_LINE_CHARS]
        space = cut.rfind(" ")
        return cut[:space] if space > MAX_CUE_LINE_CHARS // 2 else cut

    def _drop_stray_cue(self, entries: list[tuple[str, str]], line: int) -> list[tuple[str, str]]:
        """A cue whose timing line is broken (`00:00:03,000 -> ...`) lands in the text of the
        cue before it; drop that timing line and the cue number just above it."""
        log.warning(
            "%s: skipped a cue with broken timings inside the cue at line %d", self.path, line
        )
        kept: list[tuple[str, str]] = []
        for raw, plain in entries:
            if _STRAY_TIMING.match(plain):
                if kept and kept[-1][1].isdigit():
                    kept.pop()
                break
            kept.append((raw, plain))
        return kept

    def _context_length(self, entries: list[tuple[str, str]]) -> int:
        """How many leading untagged lines repeat the lines emitted just before."""
        for length in range(min(len(entries), len(self.recent)), 0, -1):
            head = entries[:length]
            if any(_WORD_TAG.search(raw) for raw, _ in head):
                continue
            if [plain for _, plain in head] == self.recent[-length:]:
                return length
        return 0


def _plain(raw: str) -> str:
    """A cue line without tags, HTML entities or a leading speaker-turn dash, whitespace
    collapsed."""
    if "<" in raw:
        raw = _ANY_TAG.sub("", raw)
    if "&" in raw:
        raw = html.unescape(raw)
    return " ".join(_SPEAKER_TURN.sub("", raw).split())


def _word_cues(raw: str, start: float, end: float) -> list[Cue]:
    """One cue per word of a line with `<00:00:01.880>` word-timing tags."""
    pieces = _WORD_TAG.split(raw)  # text, time, text, time, text...
    timed: list[tuple[float, str]] = []
    moment = start
    for index, piece in enumerate(pieces):
        if index % 2:
            tagged = _ms(piece)
            if tagged is not None:
                moment = min(max(moment, tagged / 1000), end)  # never backwards, never past end
            continue
        for word in _plain(piece).split():
            timed.append((moment, word))
    ends = [later for later, _ in timed[1:]] + [end]
    return [Cue(at, max(at, until), word) for (at, word), until in zip(timed, ends, strict=True)]


def timed_words(cues: Iterable[Cue]) -> list[TimedWord]:
    """Every word of the cues with its start: exact for word cues, spread over a line's time
    by character position for line cues."""
    words: list[TimedWord] = []
    for cue in cues:
        parts = cue.text.split()
        if len(parts) == 1:
            words.append(TimedWord(cue.start, parts[0]))
            continue
        span = max(0.0, cue.end - cue.start)
        length = max(1, len(cue.text))
        offset = 0
        for part in parts:
            offset = cue.text.index(part, offset)
            words.append(TimedWord(cue.start + span * offset / length, part))
            offset += len(part)
    return words


def find_caption_file(data_dir: Path) -> Path | None:
    """The caption file kept in `DIR/captions/` (English `.en.` first), or None."""
    folder = Path(data_dir) / "captions"
    if not folder.is_dir():
        return None
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in CAPTION_SUFFIXES)
    english = [p for p in files if ".en." in p.name.lower()]
    chosen = english or files
    return chosen[0] if chosen else None


def load_caption_dir(data_dir: Path) -> tuple[Cue, ...]:
    """Cues of the data directory's caption file; () with a warning when absent or unusable,
    since captions only sharpen links and must never stop the lecture from loading."""
    path = find_caption_file(data_dir)
    if path is None:
        return ()
    try:
        return load_cues(path)
    except LectureDataError as error:
        log.warning("ignoring the caption timings: %s", error)
        return ()
