"""WordClock: second-precise times and quotes from caption cues, with honest fallbacks."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from retrieval.catalog import load_catalog
from retrieval.data import load_lecture
from retrieval.lecture import Cue, Lecture
from retrieval.sources.captions import load_cues
from retrieval.sources.seed_writer import CaptionCopy, ImportSource, write_lecture_dir
from retrieval.timing import WordClock

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ROLLING = FIXTURES / "captions" / "bread-rolling.vtt"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(FIXTURES / "mini-catalog.yaml")


@pytest.fixture(scope="module")
def imported(tmp_path_factory, catalog) -> Lecture:
    out = tmp_path_factory.mktemp("timing") / "lecture"
    source = ImportSource("caption_file", "https://example.invalid", "test")
    copy = CaptionCopy(ROLLING.name, ROLLING.read_bytes())
    write_lecture_dir(out, catalog, load_cues(ROLLING), source=source, captions=copy)
    return load_lecture(out, catalog)


def offset(lecture: Lecture, word: str) -> tuple:
    for segment in lecture.segments:
        if (position := segment.text.find(word)) >= 0:
            return segment, position
    raise AssertionError(word)


@pytest.mark.parametrize(
    ("word", "second"),
    [
        ("welcome", 0),
        ("today", 3),
        ("hydration", 29),
        ("dough", 31),
        ("proof", 132),
        ("patience", 262),
    ],
)
def test_time_of_is_when_the_word_is_spoken(imported, word, second):
    segment, position = offset(imported, word)
    clock = WordClock(imported)
    assert clock.time_of(segment, position) == second
    assert clock.time_of(segment, position + 2) == second  # inside the word: same word


def test_time_of_differs_from_the_paragraph_start(imported):
    segment, position = offset(imported, "hydration")
    assert segment.start == 0
    assert WordClock(imported).time_of(segment, position) == 29


def test_without_captions_time_of_is_the_segment_start():
    catalog = load_catalog(FIXTURES / "mini-catalog.yaml")
    lecture = load_lecture(FIXTURES / "lecture-mini", catalog)
    assert lecture.cues == ()
    clock = WordClock(lecture)
    assert not clock.has_timings
    for segment in lecture.segments:
        assert clock.time_of(segment, len(segment.text) // 2) == segment.start


def test_captions_that_do_not_match_the_text_are_not_trusted(imported):
    other = (Cue(1.0, 20.0, "completely unrelated talk about quantum chromodynamics"),)
    clock = WordClock(replace(imported, cues=other))
    segment, position = offset(imported, "hydration")
    assert clock.time_of(segment, position) == segment.start


def test_a_transcript_from_another_source_still_aligns(imported):
    # the segment says it slightly differently from the captions
    segment, _ = offset(imported, "kneading")
    reworded = replace(segment, text="uh kneading really builds the gluten")
    clock = WordClock(imported)
    assert clock.time_of(reworded, reworded.text.index("gluten")) == 129
    assert clock.time_of(reworded, reworded.text.index("really")) in (127, 128)


def test_quote_at_is_what_is_said_from_that_second(imported):
    clock = WordClock(imported)
    assert clock.quote_at(29) == "hydration of a dough"
    assert clock.quote_at(260) == "[Music] bake with steam & patience"


def test_quote_at_without_captions_falls_back_to_the_segment_text():
    catalog = load_catalog(FIXTURES / "mini-catalog.yaml")
    lecture = load_lecture(FIXTURES / "lecture-mini", catalog)
    clock = WordClock(lecture)
    segment = lecture.segments[0]
    quote = clock.quote_at(segment.start)
    assert quote and segment.text.startswith(quote)
    assert clock.quote_at(catalog.duration + 100) == ""


# -- the real lecture: the shared text came from another transcript than the .vtt ----------


@pytest.fixture(scope="module")
def real_lecture_with_cues(shared_lecture_dir):
    lecture = load_lecture(shared_lecture_dir, load_catalog())
    assert lecture.cues, "the shared lecture keeps its captions in captions/"
    return lecture


def test_real_lecture_words_land_on_their_caption_second(real_lecture_with_cues, record_property):
    lecture = real_lecture_with_cues
    started = time.perf_counter()
    clock = WordClock(lecture)
    built = time.perf_counter() - started
    segment = lecture.segment_at(480)
    assert segment is not None and segment.text.startswith("a one-dimensional sequence")
    assert clock.time_of(segment, segment.text.index("a finite set")) == 483
    record_property("wordclock_build_seconds", round(built, 4))
    print(f"\nWordClock built in {built * 1000:.1f} ms for {len(lecture.cues)} cues")
    assert built < 0.5


def test_real_lecture_times_are_ordered_and_near_their_paragraph(real_lecture_with_cues):
    clock = WordClock(real_lecture_with_cues)
    for segment in real_lecture_with_cues.segments:
        times = [clock.time_of(segment, position) for position in range(0, len(segment.text), 40)]
        assert times == sorted(times), segment.start
        assert segment.start - 15 <= times[0] and times[-1] <= segment.end + 15, segment.start


def test_real_lecture_quote(real_lecture_with_cues):
    quote = WordClock(real_lecture_with_cues).quote_at(483)
    assert quote.startswith("and they want a finite set of symbols")
