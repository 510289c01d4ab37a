"""A lecture folder with only captions (and the study site's Korean files) loads as a lecture:
paragraphs made from the captions, the Korean placed by word pace."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from retrieval.catalog import load_catalog
from retrieval.data import load_lecture
from retrieval.sources.captions import parse_captions

COURSE = Path(__file__).resolve().parents[1] / "fixtures" / "course"


@pytest.fixture(scope="module")
def lecture():
    return load_lecture(COURSE / "mini-bread", load_catalog(COURSE / "mini-bread.yaml"))


def test_paragraphs_come_from_the_captions_split_at_chapter_starts(lecture) -> None:
    starts = [segment.start for segment in lecture.segments]
    assert starts[:3] == [0, 30, 60]
    assert 130 in starts and 250 in starts  # chapters 2 and 3 start their own paragraphs
    for segment in lecture.segments:
        assert segment.chapter == lecture.catalog.chapter_at(segment.start).number
        assert segment.start < segment.end <= lecture.catalog.duration
    words = " ".join(segment.text for segment in lecture.segments)
    assert "windowpane test" in words and "Enjoy your bread." in words
    assert "- " not in words  # speaker-turn dashes are not words


def test_the_site_korean_lands_near_what_it_translates(lecture) -> None:
    def korean_at(word: str) -> int:
        return next(s.start for s in lecture.segments if word in s.text_ko)

    assert 0 <= korean_at("수분율은") < 60  # "Hydration is the water weight", said at ~37 s
    assert 130 <= korean_at("창문 테스트") < 210  # the windowpane test, said at ~165 s
    assert korean_at("발효는") == 180  # its own [3:00] marker
    assert 300 <= korean_at("속이 빈 소리") < 360  # the hollow sound, said at ~312 s
    assert sum(bool(s.text_ko) for s in lecture.segments) >= 10


def test_a_hostile_tag_line_is_stripped_in_linear_time() -> None:
    hostile = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n" + "<" * 100_000 + "x\n"
    started = time.perf_counter()
    cues = parse_captions(hostile, "vtt", Path("hostile.vtt"))
    assert time.perf_counter() - started < 2  # milliseconds expected; it took 17 s once
    assert all(len(cue.text) <= 100_001 for cue in cues)
