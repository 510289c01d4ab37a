"""Timecodes: parse/format round trips, the accepted and rejected forms, deep links."""

from __future__ import annotations

import pytest

from retrieval import timecode
from retrieval.errors import LectureBotError, TimecodeError

VIDEO = "7xTGNNLPyMI"
DURATION = 12665  # 3:31:05, the lecture's length


@pytest.mark.parametrize("seconds", [0, 1, 59, 60, 61, 599, 600, 3599, 3600, 3601, 7650, 12664])
def test_format_then_parse_is_identity_at_the_edges(seconds: int) -> None:
    assert timecode.parse(timecode.format_time(seconds)) == seconds


def test_format_then_parse_is_identity_for_every_second_of_the_lecture() -> None:
    for seconds in range(DURATION):
        text = timecode.format_time(seconds)
        assert timecode.parse(text, duration=DURATION) == seconds, text
        # Plain seconds and the unit form round-trip too.
        assert timecode.parse(str(seconds)) == seconds
        hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
        assert timecode.parse(f"{hours}h{minutes}m{secs}s") == seconds


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0:00"),
        (59, "0:59"),
        (60, "1:00"),
        (467, "7:47"),
        (3599, "59:59"),
        (3600, "1:00:00"),
        (7650, "2:07:30"),
        (12664, "3:31:04"),
    ],
)
def test_format_time_uses_m_ss_below_an_hour_and_h_mm_ss_above(seconds: int, text: str) -> None:
    assert timecode.format_time(seconds) == text


def test_format_time_floors_fractions() -> None:
    assert timecode.format_time(59.99) == "0:59"
    assert timecode.format_time(7650.7) == "2:07:30"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("2:07:30", 7650),
        ("7:47", 467),
        ("7650", 7650),
        ("2h7m30s", 7650),
        ("2h", 7200),
        ("45s", 45),
        ("7m", 420),
        ("1h30s", 3630),
        ("0:00", 0),
        ("0", 0),
        ("  2:07:30  ", 7650),
        ("2H7M30S", 7650),
        ("2h 7m 30s", 7650),
        ("59:59", 3599),
    ],
)
def test_accepted_forms(text: str, seconds: int) -> None:
    assert timecode.parse(text) == seconds


@pytest.mark.parametrize(
    "text",
    ["99:99", "-5", "abc", "1:60", "1:2:3:4", "", "   ", "1:60:00", "0:60", "2:07:3", "h", "5x",
     "1.5", "٣", "2:07:30s", "-1:00", "s"],
)  # fmt: skip
def test_rejected_forms_raise_a_timecode_error_with_examples(text: str) -> None:
    with pytest.raises(TimecodeError) as caught:
        timecode.parse(text)
    message = str(caught.value)
    assert "2:07:30" in message  # tells the user what a valid time looks like
    assert isinstance(caught.value, LectureBotError)  # the CLI turns these into exit 2


def test_past_the_end_of_the_video_is_rejected() -> None:
    with pytest.raises(TimecodeError) as caught:
        timecode.parse("3:40:00", duration=DURATION)
    assert "3:40:00" in str(caught.value)
    assert "3:31:05" in str(caught.value)  # says how long the lecture is


def test_the_last_second_is_inside_and_the_duration_itself_is_past_the_end() -> None:
    assert timecode.parse("3:31:04", duration=DURATION) == 12664
    assert timecode.parse("12664", duration=DURATION) == 12664
    with pytest.raises(TimecodeError):
        timecode.parse("3:31:05", duration=DURATION)
    with pytest.raises(TimecodeError):
        timecode.parse(str(DURATION), duration=DURATION)


def test_a_very_long_input_is_clipped_in_the_message() -> None:
    with pytest.raises(TimecodeError) as caught:
        timecode.parse("x" * 10_000)
    assert len(str(caught.value)) < 200


def test_deep_link_uses_integer_seconds() -> None:
    assert timecode.deep_link(VIDEO, 7650) == "https://www.youtube.com/watch?v=7xTGNNLPyMI&t=7650s"


@pytest.mark.parametrize(
    ("seconds", "t"),
    [(7650.0, 7650), (7650.2, 7650), (7650.999, 7650), (0, 0), (0.4, 0), (-5, 0), (-0.5, 0),
     (-3600.7, 0), (12664, 12664)],
)  # fmt: skip
def test_deep_link_floors_floats_and_clamps_negatives(seconds: float, t: int) -> None:
    url = timecode.deep_link(VIDEO, seconds)
    assert url == f"https://www.youtube.com/watch?v={VIDEO}&t={t}s"


def test_deep_link_of_a_parsed_time() -> None:
    url = timecode.deep_link(VIDEO, timecode.parse("2:07:30"))
    assert url == "https://www.youtube.com/watch?v=7xTGNNLPyMI&t=7650s"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1시간 2분 3초", 3723),
        ("2시간7분", 7620),
        ("83분", 4980),
        ("45초", 45),
        ("1:02:03", 3723),
        ("3723", 3723),
        ("1h2m3s", 3723),
        (f"https://www.youtube.com/watch?v={VIDEO}&t=7650s", 7650),
        (f"https://www.youtube.com/watch?v={VIDEO}&t=7650", 7650),
        (f"youtube.com/watch?feature=share&v={VIDEO}&t=2h7m30s", 7650),
        (f"https://youtu.be/{VIDEO}?t=7650", 7650),
        (f"https://youtu.be/{VIDEO}?si=abc&t=1h2m3s", 3723),
        (f"https://m.youtube.com/watch?v={VIDEO}#t=90", 90),
        (f"https://youtu.be/{VIDEO}", 0),
    ],
)
def test_korean_times_and_pasted_links(text: str, seconds: int) -> None:
    assert timecode.parse(text, duration=DURATION, video_id=VIDEO) == seconds


def test_a_link_to_another_video_is_refused_clearly() -> None:
    with pytest.raises(TimecodeError, match="another video \\(T9aRN5JkmL8\\)"):
        timecode.parse("https://youtu.be/T9aRN5JkmL8?t=30", video_id=VIDEO)
    assert timecode.linked_video("https://youtu.be/T9aRN5JkmL8?t=30") == "T9aRN5JkmL8"
    assert timecode.linked_video("2:07:30") is None


@pytest.mark.parametrize(
    "text",
    ["시간", "분", "2시간 분", "https://evil.example/watch?v=7xTGNNLPyMI&t=3", "youtu.be/short",
     "9" * 12, f"https://youtu.be/{VIDEO}?t=abc"],
)  # fmt: skip
def test_more_rejected_forms(text: str) -> None:
    with pytest.raises(TimecodeError):
        timecode.parse(text, video_id=VIDEO)
