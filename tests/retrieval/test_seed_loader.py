"""The seed-format loader: small invented fixtures, malformed input, and the real shared data."""

from __future__ import annotations

import itertools
import logging
import re
import shutil
from pathlib import Path

import pytest

from retrieval.catalog import load_catalog
from retrieval.data import DATA_DIR_ENV, default_data_dir, load_lecture, resolve_data_dir
from retrieval.errors import LectureDataError, TranscriptNotFoundError
from retrieval.lecture import Catalog, Lecture
from retrieval.sources.seed import read_paragraphs

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MINI_DIR = FIXTURES / "lecture-mini"
MINI_CATALOG = FIXTURES / "mini-catalog.yaml"
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture(scope="module")
def mini_catalog() -> Catalog:
    return load_catalog(MINI_CATALOG)


@pytest.fixture(scope="module")
def mini(mini_catalog: Catalog) -> Lecture:
    return load_lecture(MINI_DIR, mini_catalog)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the mini lecture, to break one file at a time."""
    target = tmp_path / "lecture"
    shutil.copytree(MINI_DIR, target)
    return target


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


# -- the mini fixture ------------------------------------------------------------------------


def test_mini_fixture_segments_and_times(mini: Lecture) -> None:
    starts = [segment.start for segment in mini.segments]
    assert starts == list(range(0, 361, 30))
    # A segment lasts until the next marker; the last one 30 s, capped by the video's end.
    for segment, following in zip(mini.segments, mini.segments[1:], strict=False):
        assert segment.end == following.start
    assert mini.segments[-1].end == 390
    assert mini.source == MINI_DIR


def test_mini_chapters_are_decided_by_time_not_by_file(mini: Lecture, mini_catalog) -> None:
    by_start = {segment.start: segment.chapter for segment in mini.segments}
    assert by_start[120] == 1  # [2:00], before chapter 2 starts at 130
    assert by_start[150] == 2
    # [4:30] sits in 02-kneading-and-proofing.md, but chapter 3 starts at 250 s.
    assert by_start[270] == 3
    for segment in mini.segments:
        assert segment.chapter == mini_catalog.chapter_at(segment.start).number


def test_continuation_lines_join_their_paragraph(mini: Lecture) -> None:
    segment = mini.segments[1]
    assert segment.text.startswith("the hydration of a dough")
    assert segment.text.endswith("gives a more open crumb")
    assert "\n" not in segment.text


def test_korean_overview_and_summaries_are_not_transcript(mini: Lecture) -> None:
    for segment in mini.segments:
        assert not HANGUL.search(segment.text), segment
        assert "요약" not in segment.text
        assert not segment.text.startswith(("#", "**", ">", "-"))
    everything = " ".join(segment.text for segment in mini.segments)
    assert "Flour and Water" not in everything  # the heading after the transcript heading
    assert "[" not in everything  # markers are stripped


def test_translation_with_gap_repeat_and_marker_past_the_end(mini: Lecture) -> None:
    korean = {segment.start: segment.text_ko for segment in mini.segments}
    assert set(start for start, text in korean.items() if text) == {
        0,
        30,
        90,
        120,
        150,
        210,
        300,
        360,
    }
    assert korean[60] == ""  # the gap
    # The repeated [2:00] marker: both parts, in file order.
    assert korean[120].index("섞고") < korean[120].index("쉬게")
    assert mini.has_korean
    # The paragraph at [7:00] (past the 400 s video) is skipped with a warning, not an error.
    assert all("영상 끝" not in text for text in korean.values())


def test_translation_defects_are_logged_not_raised(mini_catalog: Catalog, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="retrieval.sources.translation"):
        load_lecture(MINI_DIR, mini_catalog)
    assert any("420" in record.getMessage() for record in caplog.records)


def test_without_translation_segments_have_no_korean(data_copy: Path, mini_catalog) -> None:
    (data_copy / "translation-ko.md").unlink()
    lecture = load_lecture(data_copy, mini_catalog)
    assert len(lecture.segments) == 13
    assert not lecture.has_korean


def test_segment_at(mini: Lecture) -> None:
    assert mini.segment_at(0).start == 0
    assert mini.segment_at(29.9).start == 0
    assert mini.segment_at(30).start == 30
    assert mini.segment_at(389).start == 360
    assert mini.segment_at(390) is None
    assert mini.segment_at(-1) is None


# -- malformed input: one error naming the file and the line ----------------------------------


def _load_error(directory: Path, catalog: Catalog) -> LectureDataError:
    with pytest.raises(LectureDataError) as caught:
        load_lecture(directory, catalog)
    error = caught.value
    assert "Traceback" not in str(error)
    return error


def _assert_names(error: LectureDataError, path: Path, line: int) -> None:
    assert error.path == path
    assert error.line == line
    assert str(error).startswith(f"{path}:{line}: ")


def test_bad_front_matter_yaml(data_copy: Path, mini_catalog: Catalog) -> None:
    path = data_copy / "chapters" / "02-kneading-and-proofing.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("chapter: 2\n", "chapter: [2\n", 1), encoding="utf-8")
    error = _load_error(data_copy, mini_catalog)
    assert error.path == path
    assert error.line is not None and 2 <= error.line <= 6
    assert "front matter" in str(error)


def test_missing_front_matter(data_copy: Path, mini_catalog: Catalog) -> None:
    path = data_copy / "chapters" / "03-baking-and-cooling.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.split("---\n", 2)[2], encoding="utf-8")
    error = _load_error(data_copy, mini_catalog)
    _assert_names(error, path, 1)
    assert "front matter" in str(error)


def test_unclosed_front_matter(data_copy: Path, mini_catalog: Catalog) -> None:
    path = data_copy / "chapters" / "03-baking-and-cooling.md"
    path.write_text("---\ntitle: x\n\n[5:00] words\n", encoding="utf-8")
    error = _load_error(data_copy, mini_catalog)
    _assert_names(error, path, 1)


def test_front_matter_that_is_not_a_mapping(data_copy: Path, mini_catalog: Catalog) -> None:
    path = data_copy / "chapters" / "03-baking-and-cooling.md"
    path.write_text("---\n- a list\n---\n\n[5:00] words\n", encoding="utf-8")
    error = _load_error(data_copy, mini_catalog)
    assert error.path == path and error.line == 2


def test_markers_out_of_order_within_a_file(data_copy: Path, mini_catalog: Catalog) -> None:
    path = data_copy / "chapters" / "01-flour-and-water.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[1:30] weigh", "[0:45] weigh"), encoding="utf-8")
    error = _load_error(data_copy, mini_catalog)
    _assert_names(error, path, _line_of(path, "[0:45]"))
    assert "out of order" in str(error)


def test_repeated_marker_in_a_chapter_file(data_copy: Path, mini_catalog: Catalog) -> None:
    path = data_copy / "chapters" / "01-flour-and-water.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[1:30] weigh", "[1:00] weigh"), encoding="utf-8")
    error = _load_error(data_copy, mini_catalog)
    _assert_names(error, path, _line_of(path, "[1:00] weigh"))


def test_markers_out_of_order_across_files(data_copy: Path, mini_catalog: Catalog) -> None:
    path = data_copy / "chapters" / "03-baking-and-cooling.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[5:00] the crust", "[4:00] the crust"), encoding="utf-8")
    error = _load_error(data_copy, mini_catalog)
    _assert_names(error, path, _line_of(path, "[4:00]"))
    # It also says which earlier paragraph it collides with.
    assert "02-kneading-and-proofing.md" in str(error)


def test_marker_past_the_end_of_the_video(data_copy: Path, mini_catalog: Catalog) -> None:
    path = data_copy / "chapters" / "03-baking-and-cooling.md"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n[6:40] this paragraph starts exactly when the video ends\n")
    error = _load_error(data_copy, mini_catalog)
    _assert_names(error, path, _line_of(path, "[6:40]"))
    assert "past the end" in str(error)


def test_non_utf8_file(data_copy: Path, mini_catalog: Catalog) -> None:
    path = data_copy / "chapters" / "02-kneading-and-proofing.md"
    text = path.read_text(encoding="utf-8")
    line = _line_of_text(text, "[3:30]")
    data = text.encode("utf-8").replace(b"proofing is", "pro\u00f6fing is".encode("latin-1"))
    path.write_bytes(data)
    error = _load_error(data_copy, mini_catalog)
    _assert_names(error, path, line)
    assert "UTF-8" in str(error)


def _line_of_text(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_chapter_files_without_any_marker_paragraph(tmp_path: Path, mini_catalog) -> None:
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "01-empty.md").write_text("---\ntitle: x\n---\n\n# nothing\n")
    error = _load_error(tmp_path, mini_catalog)
    assert error.path == tmp_path
    assert "[m:ss]" in str(error)


@pytest.mark.parametrize("layout", ["empty", "empty-chapters", "missing"])
def test_no_transcript_says_how_to_get_one(tmp_path: Path, mini_catalog, layout: str) -> None:
    directory = tmp_path / "data"
    if layout != "missing":
        directory.mkdir()
    if layout == "empty-chapters":
        (directory / "chapters").mkdir()
        (directory / "notes.txt").write_text("not a transcript")
    with pytest.raises(TranscriptNotFoundError) as caught:
        load_lecture(directory, mini_catalog)
    message = str(caught.value)
    assert str(directory) in message
    assert DATA_DIR_ENV in message
    assert "--data" in message
    assert "chapters/NN-*.md" in message
    assert isinstance(caught.value, LectureDataError)


# -- where the data comes from ---------------------------------------------------------------


def test_explicit_dir_wins_over_the_environment(
    data_copy: Path, mini_catalog: Catalog, monkeypatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "elsewhere"))
    lecture = load_lecture(data_copy, mini_catalog)
    assert lecture.source == data_copy
    assert resolve_data_dir(str(data_copy), mini_catalog) == data_copy


def test_the_library_leaves_the_environment_to_the_settings(
    data_copy: Path, mini_catalog: Catalog, monkeypatch
) -> None:
    # LECTURE_DATA_DIR is read once, by bot.settings.Settings, and passed down as `data_dir`.
    monkeypatch.setenv(DATA_DIR_ENV, str(data_copy))
    assert resolve_data_dir(None, mini_catalog) == default_data_dir(mini_catalog)
    assert load_lecture(data_copy, mini_catalog).source == data_copy


def test_default_is_in_the_users_data_directory(
    mini_catalog: Catalog, monkeypatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # platformdirs honours it
    expected = tmp_path / "data" / "lecture-bot" / "lectures" / "mini-bread"
    assert default_data_dir(mini_catalog) == expected
    assert resolve_data_dir(None, mini_catalog) == expected
    monkeypatch.setenv(DATA_DIR_ENV, "   ")  # blank counts as unset
    assert resolve_data_dir(None, mini_catalog) == expected
    with pytest.raises(TranscriptNotFoundError) as caught:
        load_lecture(None, mini_catalog)
    assert str(expected) in str(caught.value)


# -- the real shared lecture -----------------------------------------------------------------

CLOCK = re.compile(r"^\[(\d{1,2}:\d{2}(?::\d{2})?)\]")


def _seconds(clock: str) -> int:
    total = 0
    for part in clock.split(":"):
        total = total * 60 + int(part)
    return total


def test_real_lecture_has_423_segments_from_0_00_to_3_31_00(real_lecture: Lecture) -> None:
    segments = real_lecture.segments
    assert len(segments) == 423
    assert segments[0].start == 0
    assert segments[-1].start == _seconds("3:31:00") == 12660
    assert segments[-1].end <= real_lecture.catalog.duration
    assert all(a.start < b.start for a, b in itertools.pairwise(segments))
    assert all(segment.text.strip() for segment in segments)


def test_real_segments_match_the_markers_of_the_files(
    real_lecture: Lecture, shared_lecture_dir: Path
) -> None:
    markers = []
    for path in sorted((shared_lecture_dir / "chapters").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        body = text.split("## 영어 원문 트랜스크립트", 1)[-1]
        markers += [_seconds(m.group(1)) for line in body.splitlines() if (m := CLOCK.match(line))]
    assert [segment.start for segment in real_lecture.segments] == markers


def test_every_real_segment_takes_its_chapter_from_the_catalog(real_lecture: Lecture) -> None:
    catalog = real_lecture.catalog
    for segment in real_lecture.segments:
        assert segment.chapter == catalog.chapter_at(segment.start).number, segment.start
    chapters = {segment.chapter for segment in real_lecture.segments}
    assert chapters == set(range(1, 25))


@pytest.mark.parametrize(
    ("clock", "chapter"),
    [("2:14:30", 16), ("2:15:00", 17), ("2:27:30", 17), ("2:28:00", 18), ("2:30:00", 18),
     ("2:42:00", 18), ("2:42:30", 19), ("2:45:00", 19), ("2:48:00", 19), ("2:48:30", 20),
     ("2:50:00", 20), ("3:09:30", 20), ("3:10:00", 21)],
)  # fmt: skip
def test_real_chapters_17_to_20_by_time(real_lecture: Lecture, clock: str, chapter: int) -> None:
    by_start = {segment.start: segment.chapter for segment in real_lecture.segments}
    assert by_start[_seconds(clock)] == chapter


def test_not_fooled_by_the_wrongly_split_shared_files(
    real_lecture: Lecture, shared_lecture_dir: Path
) -> None:
    """The shared files 17–20 split at the wrong times; the catalog decides, not the file."""
    by_start = {segment.start: segment.chapter for segment in real_lecture.segments}
    file_of: dict[int, int] = {}
    for path in sorted((shared_lecture_dir / "chapters").glob("*.md")):
        number = int(path.name[:2])
        for paragraph in read_paragraphs(path):
            file_of[paragraph.start] = number
    assert set(file_of) == set(by_start)
    moved = {start for start in by_start if by_start[start] != file_of[start]}
    assert moved, "every segment kept its file's chapter: the wrong split was not corrected"
    # [2:30:00] is written in file 17 but is said in chapter 18 (from 2:27:47) ...
    assert file_of[9000] == 17 and by_start[9000] == 18
    # ... [2:45:00] in file 18 belongs to chapter 19 (2:42:07), [2:50:00] in file 19 to 20.
    assert file_of[9900] == 18 and by_start[9900] == 19
    assert file_of[10200] == 19 and by_start[10200] == 20
    catalog = real_lecture.catalog
    for start in moved:
        assert by_start[start] == catalog.chapter_at(start).number
        assert 16 <= file_of[start] <= 20  # only the wrongly split files disagree


def test_real_korean_translation_attaches(real_lecture: Lecture) -> None:
    with_korean = [segment for segment in real_lecture.segments if segment.text_ko]
    assert len(with_korean) >= 350
    assert all(HANGUL.search(segment.text_ko) for segment in with_korean)


def test_real_segments_hold_no_korean_overview(real_lecture: Lecture) -> None:
    for segment in real_lecture.segments:
        assert not HANGUL.search(segment.text), segment.start
        assert "**" not in segment.text and "##" not in segment.text, segment.start
