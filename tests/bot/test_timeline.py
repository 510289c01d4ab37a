"""The timeline of an answer (bot/timeline.py) on the real lecture: the picture's chapter ticks,
numbered hits and match marks where they belong, and the terminal strip within its width."""

from __future__ import annotations

import io
import itertools
import time
from dataclasses import replace

import pytest
from PIL import Image

from bot.terminal import display_width
from bot.timeline import (
    BACKGROUND,
    BADGE_RADIUS,
    BADGE_Y,
    BAR_BOTTOM,
    BAR_TOP,
    BLOCKS,
    CHAPTER,
    HIT,
    MARK_WIDTH,
    TICK,
    TICK_BOTTOM,
    Timeline,
    answer_timeline,
    badge_centres,
    mark_height,
    strip_block,
    strip_column,
    timeline_png,
    timeline_strip,
    x_at,
)
from retrieval.timecode import format_time

QUESTIONS = [
    "what is tokenization?",
    "how does reinforcement learning from human feedback work",
    "환각을 줄이는 방법이 뭐야?",
]
BELOW_BAR = (BAR_BOTTOM + TICK_BOTTOM) // 2  # only chapter ticks are drawn on this row
ON_BAR = (BAR_TOP + BAR_BOTTOM) // 2


@pytest.fixture(scope="module", params=QUESTIONS)
def answered(request, real_index):
    answer = real_index.answer(request.param, k=3)
    assert answer.found
    timeline = answer_timeline(real_index, answer, shown=3)
    assert timeline is not None
    return answer, timeline


def picture(timeline: Timeline) -> Image.Image:
    return Image.open(io.BytesIO(timeline_png(timeline))).convert("RGB")


def test_the_timeline_is_of_the_answer_and_its_lecture(answered, real_index, real_lecture):
    answer, timeline = answered
    catalog = real_lecture.catalog
    assert timeline.duration == catalog.duration
    assert timeline.chapter_starts == tuple(chapter.start for chapter in catalog.chapters)
    assert timeline.hits == tuple((hit.rank, hit.start) for hit in answer.hits)
    assert list(timeline.matches) == real_index.matches(answer.query)
    moments = {moment.t for moment in catalog.moments}
    assert {second for second, _ in timeline.matches} <= moments  # matches are key moments
    assert max(strength for _, strength in timeline.matches) == 1.0
    assert all(0 < strength <= 1 for _, strength in timeline.matches)


def test_matches_do_not_change_the_answer(real_index):
    question = QUESTIONS[0]
    before = real_index.answer(question, k=5)
    real_index.matches(question)
    assert real_index.answer(question, k=5) == before


def test_chapter_ticks_are_at_the_chapter_starts(answered, real_lecture):
    _, timeline = answered
    image = picture(timeline)
    ticks = {x_at(chapter.start, timeline.duration) for chapter in real_lecture.catalog.chapters}
    assert len(ticks) == len(real_lecture.catalog.chapters)  # 24 chapters, 24 distinct columns
    row = [image.getpixel((x, BELOW_BAR)) for x in range(image.width)]
    assert {x for x, colour in enumerate(row) if colour == TICK} == ticks
    assert all(colour == BACKGROUND for x, colour in enumerate(row) if x not in ticks)
    # The first chapter starts at 0:00, the left end of the bar; 2:07:28 is 60.4 % along it.
    assert x_at(0, timeline.duration) == 16
    assert x_at(7648, timeline.duration) == 16 + round(7648 / timeline.duration * 767)


def test_hits_are_numbered_where_their_links_land(answered):
    answer, timeline = answered
    image = picture(timeline)
    xs = [x_at(hit.start, timeline.duration) for hit in answer.hits]
    for x in xs:
        assert image.getpixel((x, ON_BAR)) == HIT  # the hit's line across the bar
    in_time = sorted(range(len(xs)), key=lambda i: (answer.hits[i].start, i))
    centres = badge_centres([xs[i] for i in in_time])
    badges = []
    for centre in centres:
        assert image.getpixel((centre, BADGE_Y - BADGE_RADIUS + 2)) == HIT  # the circle
        box = (centre - 5, BADGE_Y - 6, centre + 5, BADGE_Y + 6)
        inside = image.crop(box)
        pixels = [
            inside.getpixel((x, y)) for x in range(inside.width) for y in range(inside.height)
        ]
        dark = [pixel for pixel in pixels if sum(pixel) < sum(HIT) / 2]
        assert len(dark) >= 8  # a digit is written in it (dark, antialiased)
        badges.append(inside.tobytes())
    assert len(set(badges)) == len(badges)  # and the digits differ
    # Badges keep the hits' order in time, never overlap, and stay in the picture.
    assert centres == sorted(centres)
    assert all(b - a >= 2 * BADGE_RADIUS for a, b in itertools.pairwise(centres))
    assert all(BADGE_RADIUS <= c <= image.width - BADGE_RADIUS for c in centres)


def test_a_hit_number_is_the_one_of_its_rank():
    # Two pictures that differ only in the rank of one hit differ only in its badge.
    one = Timeline(1000, (0, 500), ((100, 1.0),), ((1, 100),))
    two = replace(one, hits=((2, 100),))
    first, second = picture(one), picture(two)
    centre = badge_centres([x_at(100, 1000)])[0]
    changed = {
        (x, y)
        for x in range(first.width)
        for y in range(first.height)
        if first.getpixel((x, y)) != second.getpixel((x, y))
    }
    assert changed
    assert all(abs(x - centre) <= BADGE_RADIUS and y <= 2 * BADGE_Y for x, y in changed)


def visible_height(image: Image.Image, x: int) -> int:
    """How far above the bar column `x` is painted (the match marks)."""
    height = 0
    while image.getpixel((x, BAR_TOP - 1 - height)) != BACKGROUND:
        height += 1
    return height


def test_stronger_matches_are_drawn_stronger(answered):
    answer, timeline = answered
    image = picture(timeline)
    column_strength: dict[int, float] = {}
    for second, strength in timeline.matches:
        x = x_at(second, timeline.duration)
        column_strength[x] = max(strength, column_strength.get(x, 0.0))
    hits = {x_at(hit.start, timeline.duration) for hit in answer.hits}
    ticks = {x_at(start, timeline.duration) for start in timeline.chapter_starts}
    reach = MARK_WIDTH // 2
    clear = {  # columns whose own mark is the strongest around, away from hits' lines
        x: strength  # and from chapter ticks (drawn over the marks' foot)
        for x, strength in column_strength.items()
        if all(column_strength.get(x + d, 0.0) <= strength for d in range(-reach, reach + 1))
        and all(abs(x - hit) > 2 * BADGE_RADIUS for hit in hits)
        and x not in ticks
    }
    assert len(clear) >= 10
    for x, strength in clear.items():
        assert visible_height(image, x) == mark_height(strength)
    by_strength = sorted(clear, key=lambda x: clear[x])
    weakest, strongest = by_strength[0], by_strength[-1]
    assert clear[weakest] < clear[strongest]
    assert visible_height(image, weakest) < visible_height(image, strongest)
    # Stronger is also more opaque: brighter blue at the foot of the mark.
    assert sum(image.getpixel((strongest, BAR_TOP - 1))) > sum(
        image.getpixel((weakest, BAR_TOP - 1))
    )


def test_the_picture_is_the_same_every_time(answered):
    _, timeline = answered
    assert timeline_png(timeline) == timeline_png(timeline)


@pytest.mark.parametrize("width", [60, 80, 120])
def test_the_strip_fits_the_width(answered, width: int):
    answer, timeline = answered
    strip = timeline_strip(timeline, width)
    assert "\n" not in strip
    assert "\x1b" not in strip  # never an escape sequence, terminal or pipe
    assert strip.isprintable()
    assert display_width(strip) <= width
    start, cells, end = strip.split(" ")
    assert (start, end) == ("0:00", format_time(timeline.duration))
    assert len(cells) == width - len(start) - len(end) - 2
    # Each hit's digit is in its own cell or as near as its neighbours allow, in time order.
    digits = {cell: column for column, cell in enumerate(cells) if cell.isdigit()}
    assert sorted(digits) == [str(hit.rank) for hit in answer.hits]
    for hit in answer.hits:
        wanted = strip_column(hit.start, timeline.duration, len(cells))
        assert abs(digits[str(hit.rank)] - wanted) < len(answer.hits)
    in_time = sorted(answer.hits, key=lambda hit: (hit.start, hit.rank))
    assert [digits[str(hit.rank)] for hit in in_time] == sorted(digits.values())


def test_the_strip_marks_chapters_and_strength():
    timeline = Timeline(
        duration=1000,
        chapter_starts=(0, 250, 500, 750),
        matches=((100, 0.3), (300, 1.0), (600, 0.7), (760, 0.2)),
        hits=((1, 300),),
    )
    start, cells, end = timeline_strip(timeline, 60).split(" ")
    assert (start, end) == ("0:00", "16:40")
    assert len(cells) == 60 - len(start) - len(end) - 2
    at = {second: strip_column(second, 1000, len(cells)) for second in (0, 100, 250, 300, 500)}
    assert cells[at[0]] == cells[at[250]] == cells[at[500]] == CHAPTER
    assert cells[at[300]] == "1"  # the hit, over its match
    assert cells[at[100]] == strip_block(0.3) == BLOCKS[0]
    assert cells[strip_column(600, 1000, len(cells))] == strip_block(0.7)
    # A weak match does not hide a chapter start; a strong one would.
    assert cells[strip_column(750, 1000, len(cells))] == CHAPTER
    assert strip_block(0.2) < strip_block(0.5) < strip_block(0.8) <= strip_block(1.0)
    assert "·" in cells and cells.count("1") == 1


def test_a_course_timeline_leaves_out_other_lectures_hits(real_lecture, real_index):
    answer = real_index.answer(QUESTIONS[0], k=3)
    elsewhere = replace(answer.hits[1], lecture="another-lecture")
    timeline = Timeline.of(real_lecture.catalog, [(60, 1.0)], [answer.hits[0], elsewhere])
    assert timeline.hits == ((1, answer.hits[0].start),)


def test_no_match_has_no_timeline(real_index):
    answer = real_index.answer("how do I bake sourdough bread", k=3)
    assert not answer.found
    assert answer_timeline(real_index, answer, shown=3) is None


def test_a_huge_lecture_still_draws_quickly():
    # Pathological guard only (the real number is in docs/benchmarks.md): 100 × the lecture's
    # moments and ten hits are drawn one mark per pixel column.
    matches = tuple((second * 3, (second % 97) / 96) for second in range(41_400))
    hits = tuple((rank, rank * 12_000) for rank in range(1, 11))
    timeline = Timeline(124_200, tuple(range(0, 124_200, 5_000)), matches, hits)
    started = time.perf_counter()
    png = timeline_png(timeline)
    assert time.perf_counter() - started < 2.0
    assert Image.open(io.BytesIO(png)).size == (800, 120)
    assert display_width(timeline_strip(timeline, 80)) <= 80


def test_a_course_answer_is_drawn_on_its_first_hits_lecture(shared_lecture_dir):
    from retrieval.course import load_course
    from retrieval.course_index import CourseIndex, build_index

    course = load_course(shared_lecture_dir.parent)
    index = build_index(course)
    assert isinstance(index, CourseIndex)
    question = "what is a jailbreak"
    answer = index.answer(question, k=5)
    first = answer.hits[0].lecture
    assert first != course.default.catalog.lecture_id  # not simply the default lecture's
    timeline = answer_timeline(index, answer, shown=5)
    assert timeline is not None
    catalog = course.catalog(first)
    assert timeline.duration == catalog.duration
    assert timeline.chapter_starts == tuple(chapter.start for chapter in catalog.chapters)
    assert list(timeline.matches) == index.matches(question) == index.matches(question, first)
    assert {second for second, _ in timeline.matches} <= {m.t for m in catalog.moments}
    assert timeline.hits == tuple((h.rank, h.start) for h in answer.hits if h.lecture == first)
