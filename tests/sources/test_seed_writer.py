"""Writing a lecture data directory: seed format the loader reads, true chapter starts, atomic."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from retrieval.catalog import load_catalog
from retrieval.data import load_lecture
from retrieval.errors import LectureDataError
from retrieval.lecture import Catalog, Cue
from retrieval.sources.captions import load_cues
from retrieval.sources.seed_writer import (
    IMPORT_FILE,
    CaptionCopy,
    ImportSource,
    paragraph_marker,
    write_lecture_dir,
)
from retrieval.sources.translation import TRANSLATION_FILE

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ROLLING = FIXTURES / "captions" / "bread-rolling.vtt"
SOURCE = ImportSource("caption_file", "https://www.youtube.com/watch?v=MINIVIDEO01", "test")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    # three chapters starting at 0, 130 (not a multiple of 30) and 250; 400 s long
    return load_catalog(FIXTURES / "mini-catalog.yaml")


def write(out: Path, catalog: Catalog, cues=None, **options):
    cues = load_cues(ROLLING) if cues is None else cues
    copy = CaptionCopy(ROLLING.name, ROLLING.read_bytes())
    return write_lecture_dir(out, catalog, cues, source=SOURCE, captions=copy, **options)


def snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def test_marker_is_the_30_second_stretch_or_the_chapter_start(catalog):
    assert paragraph_marker(29.9, catalog) == 0
    assert paragraph_marker(30.0, catalog) == 30
    assert paragraph_marker(129.5, catalog) == 120  # chapter 1 until 130
    assert paragraph_marker(130.2, catalog) == 130  # chapter 2's first paragraph
    assert paragraph_marker(151.0, catalog) == 150
    assert paragraph_marker(9999.0, catalog) == 390  # past the end: the last paragraph


def test_written_directory_round_trips_through_the_loader(tmp_path, catalog):
    out = tmp_path / "lecture"
    summary = write(out, catalog)
    lecture = load_lecture(out, catalog)
    spans = [(s.start, s.end, s.chapter, s.text) for s in lecture.segments]
    assert spans == [
        (0, 30, 1, "welcome to the kitchen today we start with flour the hydration"),
        (30, 120, 1, "of a dough"),
        (120, 130, 1, "kneading builds gluten"),
        (130, 250, 2, "now we proof"),
        (250, 280, 3, "[Music] bake with steam & patience"),
    ]
    assert all(s.chapter == catalog.chapter_at(s.start).number for s in lecture.segments)
    assert lecture.cues == load_cues(ROLLING)  # the kept captions come back for timings
    assert (summary.words, summary.paragraphs, summary.chapters) == (26, 5, 3)


def test_chapter_files_match_the_seed_format(tmp_path, catalog):
    out = tmp_path / "lecture"
    write(out, catalog)
    names = sorted(path.name for path in (out / "chapters").iterdir())
    assert names == [
        "01-flour-and-water.md",
        "02-kneading-and-proofing.md",
        "03-baking-and-cooling.md",
    ]
    text = (out / "chapters" / "02-kneading-and-proofing.md").read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---")[1])
    assert front == {
        "title": "2. Kneading and Proofing",
        "titleKr": "2. 반죽과 발효",
        "source_url": SOURCE.source_url,
        "source_type": "caption_file",
        "author": "A. Baker",
        "parent": "mini-bread",
        "chapter": 2,
        "totalChapters": 3,
    }
    assert "## 영어 원문 트랜스크립트\n" in text
    assert "\n[2:10] now we proof\n" in text
    assert (out / "captions" / ROLLING.name).read_bytes() == ROLLING.read_bytes()
    assert (out / IMPORT_FILE).is_file()


def test_korean_translation_uses_the_same_markers(tmp_path, catalog):
    out = tmp_path / "lecture"
    korean = [Cue(1.0, 4.0, "주방에 오신 것을 환영합니다"), Cue(131.0, 133.0, "이제 발효합니다")]
    summary = write(out, catalog, korean=korean)
    assert summary.korean_paragraphs == 2
    assert "[2:10] 이제 발효합니다" in (out / TRANSLATION_FILE).read_text(encoding="utf-8")
    lecture = load_lecture(out, catalog)
    assert [s.text_ko for s in lecture.segments][:4] == [
        "주방에 오신 것을 환영합니다",
        "",
        "",
        "이제 발효합니다",
    ]


def test_no_words_is_an_error_and_writes_nothing(tmp_path, catalog):
    with pytest.raises(LectureDataError, match="no words"):
        write(tmp_path / "lecture", catalog, cues=())
    assert list(tmp_path.iterdir()) == []


# -- atomic replacement ---------------------------------------------------------------------


class Interrupted(Exception):
    pass


@pytest.mark.parametrize("failure", [Interrupted, KeyboardInterrupt])
def test_a_failure_mid_write_leaves_the_previous_import_untouched(tmp_path, catalog, failure):
    out = tmp_path / "lecture"
    write(out, catalog, cues=(Cue(1.0, 2.0, "old words"),))
    before = snapshot(out)

    def fail_after_first_chapter(done: int, total: int) -> None:
        if done == 1:
            raise failure()

    with pytest.raises(failure):
        write(out, catalog, progress=fail_after_first_chapter)
    assert snapshot(out) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["lecture"]  # no staging left


def test_a_new_import_replaces_the_previous_one_completely(tmp_path, catalog):
    out = tmp_path / "lecture"
    write(out, catalog, cues=(Cue(300.0, 301.0, "stale"),))
    write(out, catalog)
    assert not (out / "chapters" / "03-baking-and-cooling.md").read_text("utf-8").count("stale")
    assert len(list((out / "chapters").iterdir())) == 3
    assert sorted(path.name for path in tmp_path.iterdir()) == ["lecture"]


def test_progress_reports_every_step(tmp_path, catalog):
    seen: list[tuple[int, int]] = []
    write(tmp_path / "lecture", catalog, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (5, 5)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_refuses_to_replace_a_directory_it_did_not_write(tmp_path, catalog):
    precious = tmp_path / "home"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work", encoding="utf-8")
    with pytest.raises(LectureDataError, match="not a lecture data directory"):
        write(precious, catalog)
    assert snapshot(precious) == {"thesis.tex": b"years of work"}


def test_an_empty_existing_directory_is_filled(tmp_path, catalog):
    out = tmp_path / "empty"
    out.mkdir()
    write(out, catalog)
    assert (out / IMPORT_FILE).is_file()


def test_a_file_in_the_way_is_a_clear_error(tmp_path, catalog):
    out = tmp_path / "file"
    out.write_text("x", encoding="utf-8")
    with pytest.raises(LectureDataError, match="not a directory"):
        write(out, catalog)
