"""Caption parsing: rolling auto-captions de-duplicated, word timings kept, bad input explained."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from retrieval.errors import LectureDataError
from retrieval.lecture import Cue
from retrieval.sources.captions import (
    MAX_CAPTION_BYTES,
    find_caption_file,
    load_caption_dir,
    load_cues,
    timed_words,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "captions"
ROLLING = FIXTURES / "bread-rolling.vtt"
SRT = FIXTURES / "bread.srt"
ROLLING_WORDS = (
    "welcome to the kitchen today we start with flour the hydration of a dough "
    "kneading builds gluten now we proof [Music] bake with steam & patience"
).split()


def words_of(cues: tuple[Cue, ...]) -> list[str]:
    return [word.text for word in timed_words(cues)]


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


# -- rolling YouTube auto-captions ----------------------------------------------------------


def test_rolling_captions_give_every_word_exactly_once_in_order():
    assert words_of(load_cues(ROLLING)) == ROLLING_WORDS


def test_tagged_lines_give_one_cue_per_word_with_its_own_start():
    cues = load_cues(ROLLING)
    by_word = {cue.text: cue for cue in cues}
    assert by_word["welcome"].start == pytest.approx(0.5)  # first word: the cue's start
    assert by_word["to"].start == pytest.approx(1.0)  # later words: their <..> tag
    assert by_word["hydration"].start == pytest.approx(29.0)
    assert by_word["proof"].start == pytest.approx(132.0)
    # a word ends where the next begins; a line's last word ends with its cue
    assert by_word["welcome"].end == pytest.approx(1.0)
    assert by_word["kitchen"].end == pytest.approx(3.0)


def test_untagged_new_line_in_a_tagged_file_is_one_line_cue():
    cues = load_cues(ROLLING)
    music = [cue for cue in cues if cue.text == "[Music]"]
    assert music == [Cue(260.0, 260.9, "[Music]")]


def test_cues_are_in_time_order():
    starts = [cue.start for cue in load_cues(ROLLING)]
    assert starts == sorted(starts)


def test_rolling_captions_without_tags_are_also_deduplicated(tmp_path):
    path = write(
        tmp_path,
        "rolling.srt",
        "1\n00:00:01,000 --> 00:00:03,000\nfirst line here\n\n"
        "2\n00:00:03,000 --> 00:00:05,000\nfirst line here\nsecond line now\n\n"
        "3\n00:00:05,000 --> 00:00:07,000\nsecond line now\nthird and last\n",
    )
    cues = load_cues(path)
    assert [cue.text for cue in cues] == ["first line here", "second line now", "third and last"]
    assert [cue.start for cue in cues] == [1.0, 3.0, 5.0]


# -- SRT and ordinary WebVTT ----------------------------------------------------------------


def test_srt_gives_one_cue_per_line_without_markup():
    cues = load_cues(SRT)
    assert [cue.text for cue in cues] == [
        "welcome to the kitchen",
        "today we start",
        "with flour & water",
        "kneading builds gluten",
        "bake with steam",
    ]
    assert cues[1].start == cues[2].start == 4.5
    assert cues[-1].end == 264.0


def test_line_cue_words_are_spread_over_the_cue_time():
    words = timed_words([Cue(10.0, 12.0, "ab cd")])
    assert [(w.text, w.start) for w in words] == [("ab", 10.0), ("cd", 11.2)]


def test_format_is_sniffed_from_the_content_not_the_suffix(tmp_path):
    path = write(tmp_path, "captions.txt", SRT.read_bytes())
    assert load_cues(path) == load_cues(SRT)


# -- encodings and line ends ----------------------------------------------------------------


def test_bom_and_crlf_give_the_same_cues(tmp_path):
    text = ROLLING.read_text(encoding="utf-8")
    crlf = write(tmp_path, "crlf.vtt", "\ufeff" + text.replace("\n", "\r\n"))
    assert load_cues(crlf) == load_cues(ROLLING)


def test_utf16_with_bom_is_read(tmp_path):
    path = write(tmp_path, "utf16.srt", SRT.read_text(encoding="utf-8").encode("utf-16"))
    assert load_cues(path) == load_cues(SRT)


def test_invalid_utf8_names_the_line(tmp_path):
    data = SRT.read_bytes().replace(b"bake with steam", b"bake \xff\xfe steam")
    path = write(tmp_path, "latin.srt", data)
    with pytest.raises(LectureDataError) as caught:
        load_cues(path)
    assert caught.value.path == path
    assert caught.value.line == data.splitlines().index(b"bake \xff\xfe steam") + 1 == 16
    assert "UTF-8" in str(caught.value)


# -- bad input: clear errors ----------------------------------------------------------------


@pytest.mark.parametrize("content", ["", "   \n\n  \r\n"])
def test_empty_file_is_a_clear_error(tmp_path, content):
    path = write(tmp_path, "empty.vtt", content)
    with pytest.raises(LectureDataError, match="empty") as caught:
        load_cues(path)
    assert (caught.value.path, caught.value.line) == (path, 1)


def test_a_markdown_file_is_not_a_caption_file(tmp_path):
    path = write(tmp_path, "notes.vtt", "# Notes\n\nSome text about bread.\n")
    with pytest.raises(LectureDataError, match="not a caption file"):
        load_cues(path)


def test_binary_data_is_not_a_caption_file(tmp_path):
    path = write(tmp_path, "image.vtt", b"GIF89a\x00\x01\x00\x01\x00\x80")
    with pytest.raises(LectureDataError, match="not a caption file"):
        load_cues(path)


def test_webvtt_timings_without_header_are_explained(tmp_path):
    path = write(tmp_path, "noheader.vtt", "\n00:00:01.000 --> 00:00:02.000\nhello\n")
    with pytest.raises(LectureDataError, match="first line is not 'WEBVTT'") as caught:
        load_cues(path)
    assert caught.value.line == 2


def test_header_only_has_no_cues(tmp_path):
    path = write(tmp_path, "header.vtt", "WEBVTT\nKind: captions\n\n")
    with pytest.raises(LectureDataError, match="no caption cues"):
        load_cues(path)


def test_truncated_last_cue_is_skipped_with_a_warning(tmp_path, caplog):
    text = ROLLING.read_text(encoding="utf-8")
    cut = text.index("00:04:20.900 -->") + len("00:04:20.900 --> 00:04:2")
    path = write(tmp_path, "cut.vtt", text[:cut])
    with caplog.at_level(logging.WARNING):
        cues = load_cues(path)
    assert words_of(cues) == ROLLING_WORDS[: ROLLING_WORDS.index("[Music]") + 1]
    assert "skipped 1 malformed" in caplog.text
    assert f"line {text[:cut].count(chr(10)) + 1}" in caplog.text


@pytest.mark.parametrize("fmt", ["srt", "vtt"])
@pytest.mark.parametrize(
    "timings", ["00:00:03,000 --> garbage", "00:00:03,000 --> 00:00:0", "00:00:03,000 -> 00:00:04"]
)
def test_cue_with_broken_timings_is_skipped_with_a_warning(tmp_path, caplog, fmt, timings):
    if fmt == "srt":
        text = (
            f"1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\n{timings}\nbroken\n\n"
            "3\n00:00:05,000 --> 00:00:06,000\nalso fine\n"
        )
    else:
        text = (
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nfine\n\n"
            f"{timings.replace(',', '.')}\nbroken\n\n00:00:05.000 --> 00:00:06.000\nalso fine\n"
        )
    path = write(tmp_path, f"bad.{fmt}", text)
    with caplog.at_level(logging.WARNING):
        cues = load_cues(path)
    assert [cue.text for cue in cues] == ["fine", "also fine"]
    assert "skipped" in caplog.text


def test_timestamps_going_backwards_name_the_cue(tmp_path):
    path = write(
        tmp_path,
        "backwards.srt",
        "1\n00:00:05,000 --> 00:00:06,000\nlater\n\n2\n00:00:01,000 --> 00:00:02,000\nearlier\n",
    )
    with pytest.raises(LectureDataError, match="backwards") as caught:
        load_cues(path)
    assert (caught.value.path, caught.value.line) == (path, 6)


def test_srt_seconds_over_59_read_as_later_times_then_go_backwards(tmp_path):
    # webvtt-py reads SRT's 00:00:63,000 as 1:03, so the next cue (0:05) goes backwards
    path = write(
        tmp_path,
        "sixty.srt",
        "1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\n00:00:63,000 --> 00:00:64,000\nodd\n\n"
        "3\n00:00:05,000 --> 00:00:06,000\nearlier\n",
    )
    with pytest.raises(LectureDataError, match="backwards") as caught:
        load_cues(path)
    assert caught.value.line == 10


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path):
    block = b"00:00:01.000 --> 00:00:02.000\nsome words\n\n"
    path = tmp_path / "huge.vtt"
    with path.open("wb") as handle:
        handle.write(b"WEBVTT\n\n")
        chunk = block * (1024 * 1024 // len(block))
        for _ in range(50):
            handle.write(chunk)
    assert path.stat().st_size > MAX_CAPTION_BYTES
    with pytest.raises(LectureDataError, match="MB limit") as caught:
        load_cues(path)
    assert caught.value.path == path


def test_missing_file_and_directory_are_clear_errors(tmp_path):
    with pytest.raises(LectureDataError, match="not found"):
        load_cues(tmp_path / "nothing.vtt")
    with pytest.raises(LectureDataError, match="directory"):
        load_cues(tmp_path)


# -- captions kept in a data directory ------------------------------------------------------


def test_caption_dir_prefers_english_and_tolerates_absence(tmp_path):
    assert find_caption_file(tmp_path) is None
    assert load_caption_dir(tmp_path) == ()
    folder = tmp_path / "captions"
    folder.mkdir()
    write(folder, "a.ko.vtt", ROLLING.read_bytes())
    write(folder, "b.en.srt", SRT.read_bytes())
    assert find_caption_file(tmp_path) == folder / "b.en.srt"
    assert load_caption_dir(tmp_path) == load_cues(SRT)


def test_broken_caption_file_in_a_data_dir_only_warns(tmp_path, caplog):
    folder = tmp_path / "captions"
    folder.mkdir()
    write(folder, "broken.vtt", "not captions at all\n")
    with caplog.at_level(logging.WARNING):
        assert load_caption_dir(tmp_path) == ()
    assert "ignoring the caption timings" in caplog.text
