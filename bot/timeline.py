"""Where a question's topic lives in the lecture, at a glance: the lecture as a bar with its
chapters, every moment that matches the question marked by how strongly it matches, and the
answer's hits numbered where their links land.

`timeline_png` draws it as a small picture (for Discord), `timeline_strip` as one line of text
(for a terminal). Both are pure functions of a `Timeline`; `answer_timeline` gathers one from
the retriever for an answer.
"""

from __future__ import annotations

import functools
import io
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from retrieval.timecode import format_time

if TYPE_CHECKING:
    from PIL import Image, ImageDraw, ImageFont

    from retrieval.course import Course
    from retrieval.lecture import Catalog
    from retrieval.results import Answer, Hit

WIDTH, HEIGHT = 800, 120
MARGIN = 16  # the bar runs from MARGIN to WIDTH - MARGIN
BADGE_Y, BADGE_RADIUS = 14, 10  # the numbered circles of the hits, along the top
BADGE_GAP = 2 * BADGE_RADIUS + 2
BAR_TOP, BAR_BOTTOM = 82, 94
MARK_HEIGHT = 50  # the strongest match rises this far above the bar
MARK_WIDTH = 3
TICK_TOP, TICK_BOTTOM = 78, 98
LABEL_Y = 101

BACKGROUND = (30, 31, 34)
BAR, BAR_ALTERNATE = (60, 62, 69), (92, 96, 107)  # chapters alternate in shade
TICK = (200, 203, 208)
MARK = (88, 101, 242)
HIT = (254, 231, 92)
LABEL = (150, 156, 165)

#: The strip's cells: nothing matches, a chapter starts, and match strength weakest first.
EMPTY, CHAPTER = "·", "|"
BLOCKS = "▁▂▃▅▇"
STRONG_BLOCKS = frozenset(BLOCKS[2:])
LABEL_STEPS = (300, 600, 900, 1800, 3600, 7200, 10800, 21600)  # seconds between time labels


@dataclass(frozen=True, slots=True)
class Timeline:
    """What the picture shows: a lecture `duration` seconds long, its chapters' starts, the
    matching moments as (second, strength 0..1), and the hits as (rank, second)."""

    duration: int
    chapter_starts: tuple[int, ...]
    matches: tuple[tuple[int, float], ...]
    hits: tuple[tuple[int, int], ...]

    @classmethod
    def of(
        cls, catalog: Catalog, matches: Iterable[tuple[int, float]], hits: Iterable[Hit]
    ) -> Timeline:
        """The timeline of `catalog`'s lecture; hits of other lectures (of a course) are left
        out, as they are not on this bar."""
        own = tuple(
            (hit.rank, hit.start)
            for hit in hits
            if not hit.lecture or hit.lecture == catalog.lecture_id
        )
        return cls(
            duration=max(1, catalog.duration),
            chapter_starts=tuple(chapter.start for chapter in catalog.chapters),
            matches=tuple(matches),
            hits=own,
        )


class MatchFinder(Protocol):
    """What `answer_timeline` needs from the retriever (`Index` and `CourseIndex` have it)."""

    @property
    def course(self) -> Course: ...

    def matches(self, query: str, lecture: str | None = None) -> list[tuple[int, float]]: ...


def answer_timeline(index: MatchFinder, answer: Answer, shown: int) -> Timeline | None:
    """The timeline of an answer's first `shown` hits, in the lecture of its first hit (None
    when nothing matched)."""
    if not answer.found:
        return None
    first = answer.hits[0]
    lecture = first.lecture if first.lecture in index.course.ids else None
    catalog = index.course.catalog(lecture) if lecture else index.course.default.catalog
    matches = index.matches(answer.query, lecture)
    return Timeline.of(catalog, matches, answer.hits[:shown])


def _match_arrays(matches: Sequence[tuple[int, float]]) -> tuple[np.ndarray, np.ndarray]:
    """The matches' seconds and strengths (clipped to 0..1) as arrays."""
    # Flattened first: building an array from 30,000 pairs directly takes three times longer.
    flat = itertools.chain.from_iterable(matches)
    table = np.fromiter(flat, dtype=np.float64, count=2 * len(matches)).reshape(-1, 2)
    return table[:, 0], np.clip(table[:, 1], 0.0, 1.0)


def _strongest(columns: np.ndarray, strengths: np.ndarray, size: int) -> np.ndarray:
    """The strongest strength in each of `size` columns (0 where there is none)."""
    strongest = np.zeros(size, dtype=np.float64)
    np.maximum.at(strongest, columns, strengths)
    return strongest


# -- the picture -----------------------------------------------------------------------------


def x_at(seconds: float, duration: int, width: int = WIDTH) -> int:
    """The pixel column of second `seconds` on the bar of a picture `width` pixels wide."""
    span = width - 2 * MARGIN - 1
    share = min(1.0, max(0.0, seconds / max(1, duration)))
    return MARGIN + round(share * span)


def mark_height(strength: float) -> int:
    """How tall a match of `strength` is drawn: by its square, so that the few moments that
    really answer stand out from the many that mention one of the question's words."""
    return max(3, round(MARK_HEIGHT * strength * strength))


def timeline_png(timeline: Timeline, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """The timeline as a PNG of `width` × `height` pixels (the layout is made for 800 × 120;
    a narrower picture squeezes the bar, a different height only crops or pads)."""
    # Pillow is imported by the picture alone: the terminal's strip (every `lecture-bot ask`)
    # does without its ~12 ms import.
    from PIL import ImageDraw

    image = _lecture_bar(timeline.duration, timeline.chapter_starts, width, height).copy()
    draw = ImageDraw.Draw(image)
    _draw_marks(draw, timeline, width)
    _draw_hits(draw, timeline, width)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)  # 5 KB instead of 4, in half the time
    return out.getvalue()


@functools.lru_cache(maxsize=16)
def _lecture_bar(
    duration: int, chapter_starts: tuple[int, ...], width: int, height: int
) -> Image.Image:
    """What a lecture's pictures share, drawn once per lecture: the bar with its chapters and
    the times under it (matches and hits are drawn on a copy; none of them reaches the time
    labels, so the picture is the same as drawn in one go)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    _draw_bar(draw, duration, chapter_starts, width)
    _draw_labels(draw, duration, width)
    return image


def _draw_marks(draw: ImageDraw.ImageDraw, timeline: Timeline, width: int) -> None:
    """A mark for each pixel column with matches, for the strongest one there (a long
    lecture has tens of thousands of moments, the bar 768 columns): its height and opacity
    by its strength, weakest drawn first so that stronger neighbours overlap them."""
    seconds, strengths = _match_arrays(timeline.matches)
    span = width - 2 * MARGIN - 1
    shares = np.clip(seconds / max(1, timeline.duration), 0.0, 1.0)
    strongest = _strongest(MARGIN + np.rint(shares * span).astype(np.int64), strengths, width)
    columns = np.flatnonzero(strongest > 0)
    columns = columns[np.argsort(strongest[columns], kind="stable")]  # weakest first
    found = strongest[columns]
    heights = np.maximum(3, np.rint(MARK_HEIGHT * found * found)).astype(np.int64)  # mark_height
    background, mark = np.asarray(BACKGROUND, dtype=np.float64), np.asarray(MARK, np.float64)
    colours = np.rint(background + (mark - background) * (0.35 + 0.65 * found)[:, None])
    half = MARK_WIDTH // 2
    for x, height, (red, green, blue) in zip(
        columns.tolist(), heights.tolist(), colours.astype(np.int64).tolist(), strict=True
    ):
        draw.rectangle((x - half, BAR_TOP - height, x + half, BAR_TOP - 1), fill=(red, green, blue))


def _draw_bar(
    draw: ImageDraw.ImageDraw, duration: int, chapter_starts: Sequence[int], width: int
) -> None:
    left, right = x_at(0, duration, width), x_at(duration, duration, width)
    draw.rectangle((left, BAR_TOP, right, BAR_BOTTOM), fill=BAR)
    starts = sorted(set(chapter_starts))
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else duration
        if number % 2:
            shade = (x_at(start, duration, width), BAR_TOP, x_at(end, duration, width), BAR_BOTTOM)
            draw.rectangle(shade, fill=BAR_ALTERNATE)
    for start in starts:
        x = x_at(start, duration, width)
        draw.line((x, TICK_TOP, x, TICK_BOTTOM), fill=TICK, width=1)


def badge_centres(xs: Sequence[int], width: int = WIDTH) -> list[int]:
    """Where the numbered circles of hits at columns `xs` go: each above its hit, moved
    sideways just enough that no two overlap and none leaves the picture (same order)."""
    low, high = MARGIN + BADGE_RADIUS - 6, width - MARGIN - BADGE_RADIUS + 6
    return spread(xs, BADGE_GAP, low, high)


def spread(positions: Sequence[int], gap: int, low: int, high: int) -> list[int]:
    """`positions` moved as little as this simple sweep manages so that any two are at least
    `gap` apart, within [low, high] when they fit, keeping their left-to-right order (ties by
    input order); returned in input order."""
    order = sorted(range(len(positions)), key=lambda i: (positions[i], i))
    placed = [min(max(positions[i], low), high) for i in order]
    for i in range(1, len(placed)):
        placed[i] = max(placed[i], placed[i - 1] + gap)
    if placed:
        placed[-1] = min(placed[-1], high)
    for i in range(len(placed) - 2, -1, -1):
        placed[i] = min(placed[i], placed[i + 1] - gap)
    result = [0] * len(positions)
    for position, i in enumerate(order):
        result[i] = placed[position]
    return result


def _draw_hits(draw: ImageDraw.ImageDraw, timeline: Timeline, width: int) -> None:
    font = _font(13)
    hits = _in_time_order(timeline.hits)
    xs = [x_at(second, timeline.duration, width) for _, second in hits]
    centres = badge_centres(xs, width)
    for x, centre in zip(xs, centres, strict=True):
        draw.line((centre, BADGE_Y + BADGE_RADIUS, x, BAR_TOP - 1), fill=HIT, width=1)
        draw.line((x, BAR_TOP, x, BAR_BOTTOM), fill=HIT, width=MARK_WIDTH)
    for (rank, _), centre in zip(hits, centres, strict=True):
        box = (
            centre - BADGE_RADIUS,
            BADGE_Y - BADGE_RADIUS,
            centre + BADGE_RADIUS,
            BADGE_Y + BADGE_RADIUS,
        )
        draw.ellipse(box, fill=HIT)
        _centred_text(draw, (centre, BADGE_Y), str(rank), font, BACKGROUND)


def _in_time_order(hits: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Hits by time (then rank): hits that share a column are spread apart in time order."""
    return sorted(hits, key=lambda hit: (hit[1], hit[0]))


def _draw_labels(draw: ImageDraw.ImageDraw, duration: int, width: int) -> None:
    """Times under the bar: the start, the end, and round times between (at most six)."""
    font = _font(11)
    step = next(
        (s for s in LABEL_STEPS if duration / s <= 6), math.ceil(duration / 6 / 3600) * 3600
    )
    last_right = -1
    end_label = format_time(duration)
    end_left = x_at(duration, duration, width) - _text_width(draw, end_label, font)
    for second in range(0, duration, step):
        text = format_time(second)
        size = _text_width(draw, text, font)
        x = x_at(second, duration, width)
        left = max(MARGIN, x - size // 2) if second else MARGIN
        if left <= last_right + 8 or left + size >= end_left - 8:
            continue
        draw.text((left, LABEL_Y), text, font=font, fill=LABEL)
        last_right = left + size
    draw.text((end_left, LABEL_Y), end_label, font=font, fill=LABEL)


@functools.lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's own font (nothing to download): its scalable one when Pillow has FreeType,
    else its small bitmap one."""
    from PIL import ImageFont, features

    if features.check("freetype2"):
        return ImageFont.load_default(size=size)
    return ImageFont.load_default()


def _text_width(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont
) -> int:
    left, _, right, _ = draw.textbbox((0, 0), text, font=font)
    return int(right - left)


def _centred_text(
    draw: ImageDraw.ImageDraw,
    centre: tuple[int, int],
    text: str,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    fill: tuple[int, int, int],
) -> None:
    # By the ink's box, which works for the bitmap font too (it has no anchors).
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x = centre[0] - (left + right) / 2
    y = centre[1] - (top + bottom) / 2
    draw.text((x, y), text, font=font, fill=fill)


# -- the text strip --------------------------------------------------------------------------


def strip_column(seconds: float, duration: int, cells: int) -> int:
    """The cell of second `seconds` in a strip of `cells` cells."""
    share = min(1.0, max(0.0, seconds / max(1, duration)))
    return min(cells - 1, int(share * cells))


def strip_block(strength: float) -> str:
    """The block character of a match of `strength` (by its square, as the picture's height)."""
    level = min(len(BLOCKS) - 1, int(strength * strength * len(BLOCKS)))
    return BLOCKS[max(0, level)]


def timeline_strip(timeline: Timeline, width: int) -> str:
    """The timeline as one line of at most `width` columns: the start and end times around
    a strip where a digit is a hit (`+` for ranks above 9), a block (▁ to ▇) the strongest
    match in that stretch of the lecture and `|` a chapter start (shown over the two weakest
    blocks, under the stronger ones). Plain text: no escape sequences."""
    duration = timeline.duration
    start, end = format_time(0), format_time(duration)
    cells = width - len(start) - len(end) - 2
    if cells < 10:  # too narrow for the times: the strip alone
        start = end = ""
        cells = max(1, width)
    strip = [EMPTY] * cells
    seconds, strengths = _match_arrays(timeline.matches)
    shares = np.clip(seconds / max(1, duration), 0.0, 1.0)
    columns = np.minimum(cells - 1, (shares * cells).astype(np.int64))
    strongest = _strongest(columns, strengths, cells)
    for column in np.flatnonzero(strongest > 0).tolist():
        strip[column] = strip_block(float(strongest[column]))
    for second in timeline.chapter_starts:
        column = strip_column(second, duration, cells)
        if strip[column] not in STRONG_BLOCKS:
            strip[column] = CHAPTER
    hits = _in_time_order(timeline.hits)
    places = spread([strip_column(second, duration, cells) for _, second in hits], 1, 0, cells - 1)
    for (rank, _), column in zip(hits, places, strict=True):
        if 0 <= column < cells:  # more hits than cells: the rest have no room
            strip[column] = str(rank) if rank < 10 else "+"
    line = "".join(strip)
    return f"{start} {line} {end}" if start else line
