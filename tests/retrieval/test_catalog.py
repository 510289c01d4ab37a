"""The lecture catalog: the repository's real file, chapter lookup by time, schema errors."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from retrieval.catalog import load_catalog
from retrieval.errors import LectureDataError
from retrieval.lecture import Catalog

# DESIGN.md, "Facts about the first lecture": the video's own chapters.
CHAPTERS = [
    (1, "Introduction", "0:00"),
    (2, "Pretraining Data (Internet)", "1:00"),
    (3, "Tokenization", "7:47"),
    (4, "Neural Network I/O", "14:27"),
    (5, "Neural Network Internals", "20:11"),
    (6, "Inference", "26:01"),
    (7, "GPT-2: Training and Inference", "31:09"),
    (8, "Llama 3.1 Base Model Inference", "42:52"),
    (9, "Pretraining to Post-Training", "59:23"),
    (10, "Post-Training Data (Conversations)", "1:01:06"),
    (11, "Hallucinations, Tool Use, Knowledge/Working Memory", "1:20:32"),
    (12, "Knowledge of Self", "1:41:46"),
    (13, "Models Need Tokens to Think", "1:46:56"),
    (14, "Tokenization Revisited: Models Struggle with Spelling", "2:01:11"),
    (15, "Jagged Intelligence", "2:04:53"),
    (16, "Supervised Finetuning to Reinforcement Learning", "2:07:28"),
    (17, "Reinforcement Learning", "2:14:42"),
    (18, "DeepSeek-R1", "2:27:47"),
    (19, "AlphaGo", "2:42:07"),
    (20, "Reinforcement Learning from Human Feedback (RLHF)", "2:48:26"),
    (21, "Preview of Things to Come", "3:09:39"),
    (22, "Keeping Track of LLMs", "3:15:15"),
    (23, "Where to Find LLMs", "3:18:34"),
    (24, "Grand Summary", "3:21:46"),
]
DURATION = 3 * 3600 + 31 * 60 + 5  # 3:31:05
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def seconds(clock: str) -> int:
    total = 0
    for part in clock.split(":"):
        total = total * 60 + int(part)
    return total


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


# -- the repository's catalog ---------------------------------------------------------------


def test_real_catalog_describes_the_video(catalog: Catalog) -> None:
    assert catalog.video_id == "7xTGNNLPyMI"
    assert catalog.lecture_id == "deep-dive-llms"
    assert catalog.title == "Deep Dive into LLMs like ChatGPT"
    assert catalog.author == "Andrej Karpathy"
    assert catalog.duration == DURATION
    assert catalog.video_url == "https://www.youtube.com/watch?v=7xTGNNLPyMI"


def test_real_catalog_has_the_24_chapters_of_the_video(catalog: Catalog) -> None:
    assert len(catalog.chapters) == 24
    assert [c.number for c in catalog.chapters] == list(range(1, 25))
    assert [c.start for c in catalog.chapters] == [seconds(start) for _, _, start in CHAPTERS]
    assert [c.title.casefold() for c in catalog.chapters] == [t.casefold() for _, t, _ in CHAPTERS]


def test_chapter_ends_are_the_next_starts_and_the_last_ends_with_the_video(
    catalog: Catalog,
) -> None:
    for chapter, following in zip(catalog.chapters, catalog.chapters[1:], strict=False):
        assert chapter.end == following.start
        assert chapter.duration > 0
    assert catalog.chapters[-1].end == DURATION


def test_real_catalog_has_our_own_bilingual_summaries(catalog: Catalog) -> None:
    for chapter in catalog.chapters:
        where = f"chapter {chapter.number}"
        assert chapter.title_ko, where  # may be a name ("DeepSeek-R1")
        assert chapter.summary_en and not HANGUL.search(chapter.summary_en), where
        assert HANGUL.search(chapter.summary_ko), where
        assert 3 <= len(chapter.key_points_en) <= 5, where
        assert 3 <= len(chapter.key_points_ko) <= 5, where
        assert all(HANGUL.search(point) for point in chapter.key_points_ko), where
    assert sum(bool(HANGUL.search(chapter.title_ko)) for chapter in catalog.chapters) >= 20


@pytest.mark.parametrize(
    ("at", "number"),
    [(0, 1), (59, 1), (60, 2), (7647, 15), (7648, 16), (7650, 16), (9000, 18), (9900, 19),
     (10200, 20), (12664, 24)],
)  # fmt: skip
def test_chapter_at_boundaries(catalog: Catalog, at: int, number: int) -> None:
    assert catalog.chapter_at(at).number == number


def test_chapter_at_changes_exactly_at_every_start(catalog: Catalog) -> None:
    for number, _, start in CHAPTERS:
        assert catalog.chapter_at(seconds(start)).number == number
        assert catalog.chapter_at(seconds(start) + 0.5).number == number
        if number > 1:
            assert catalog.chapter_at(seconds(start) - 1).number == number - 1
            assert catalog.chapter_at(seconds(start) - 0.001).number == number - 1


def test_chapter_lookup_by_number(catalog: Catalog) -> None:
    assert catalog.chapter(16).start == seconds("2:07:28")
    for bad in (0, 25, -1):
        with pytest.raises(KeyError):
            catalog.chapter(bad)


def test_url_is_the_deep_link(catalog: Catalog) -> None:
    assert catalog.url(7650) == "https://www.youtube.com/watch?v=7xTGNNLPyMI&t=7650s"


def _groups(catalog: Catalog, kind: str) -> list[set[str]]:
    return [
        {term.casefold() for term in group.terms}
        for group in catalog.glossary
        if group.kind == kind
    ]


def test_real_glossary_has_the_three_kinds(catalog: Catalog) -> None:
    assert {group.kind for group in catalog.glossary} == {"acronym", "korean", "caption"}
    assert all(len(group.terms) >= 2 for group in catalog.glossary)


def test_real_glossary_covers_the_terms_students_type(catalog: Catalog) -> None:
    acronyms = set().union(*_groups(catalog, "acronym"))
    for acronym in ("sft", "rl", "rlhf", "bpe", "pii", "llm", "gpt", "gpu"):
        assert acronym in acronyms, acronym
    korean = _groups(catalog, "korean")
    for hangul, english in [
        ("강화학습", "reinforcement learning"),
        ("토큰화", "tokenization"),
        ("환각", "hallucination"),
    ]:
        assert any(hangul in group and english in group for group in korean), hangul
    captions = _groups(catalog, "caption")
    assert any({"chatgpt", "chachi pt", "chbt"} <= group for group in captions)
    assert any({"rlhf", "arlef", "rhf"} <= group for group in captions)


# -- schema errors on small files -------------------------------------------------------------


def _chapter(number: int, start: int) -> dict[str, Any]:
    return {
        "number": number,
        "title": f"Part {number}",
        "title_ko": f"부분 {number}",
        "start": start,
        "summary": {"en": "An invented summary.", "ko": "지어낸 요약입니다."},
        "key_points": {"en": ["one point"], "ko": ["한 가지"]},
    }


VALID: dict[str, Any] = {
    "lecture": "tiny",
    "video_id": "TINY0000000",
    "title": "A Tiny Lecture",
    "title_ko": "작은 강의",
    "author": "Nobody",
    "duration": 300,
    "chapters": [_chapter(1, 0), _chapter(2, 100), _chapter(3, 200)],
    "glossary": {
        "acronyms": [["ABC", "always be calm"]],
        "korean": [["침착", "calm"]],
        "captions": [["calm", "kalm"]],
    },
}


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _error(path: Path) -> str:
    with pytest.raises(LectureDataError) as caught:
        load_catalog(path)
    assert caught.value.path == path
    message = str(caught.value)
    assert str(path) in message
    assert "Traceback" not in message
    return message


def test_a_valid_small_catalog_loads(tmp_path: Path) -> None:
    catalog = load_catalog(_write(tmp_path, VALID))
    assert [c.start for c in catalog.chapters] == [0, 100, 200]
    assert [c.end for c in catalog.chapters] == [100, 200, 300]
    assert catalog.chapter_at(99).number == 1
    assert catalog.chapter_at(100).number == 2
    kinds = sorted(group.kind for group in catalog.glossary)
    assert kinds == ["acronym", "caption", "korean"]


def _mutated(change) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda d: d["chapters"][1]["summary"].pop("ko"), "chapters[1].summary.ko"),
        (lambda d: d["chapters"][1]["summary"].update(ko="  "), "chapters[1].summary.ko"),
        (lambda d: d["chapters"][2].update(start=50), "chapters[2].start"),
        (lambda d: d["chapters"][2].update(start=300), "chapters[2].start"),
        (lambda d: d["chapters"][2].update(start="3:20"), "chapters[2].start"),
        (lambda d: d["chapters"][0].update(start=True), "chapters[0].start"),
        (lambda d: d["chapters"][1].update(number=3), "chapters[1].number"),
        (lambda d: d["chapters"][0].pop("title_ko"), "chapters[0].title_ko"),
        (lambda d: d["chapters"][0]["key_points"].update(en=["ok", ""]),
         "chapters[0].key_points.en[1]"),
        (lambda d: d["chapters"][0]["key_points"].update(ko="한 줄"), "chapters[0].key_points.ko"),
        (lambda d: d["chapters"][0].update(summary="just text"), "chapters[0].summary"),
        (lambda d: d["chapters"].__setitem__(1, "not a mapping"), "chapters[1]"),
        (lambda d: d["glossary"]["korean"].__setitem__(0, ["침착"]), "glossary.korean[0]"),
        (lambda d: d["glossary"]["acronyms"].append(["ABC", 7]), "glossary.acronyms[1]"),
        (lambda d: d["glossary"].update(slang=[["a", "b"]]), "glossary.slang"),
        (lambda d: d["glossary"].update(captions="calm=kalm"), "glossary.captions"),
        (lambda d: d.pop("video_id"), "video_id"),
        (lambda d: d.update(duration="3:31:05"), "duration"),
        (lambda d: d.update(chapters="none"), "chapters"),
    ],
)  # fmt: skip
def test_schema_errors_name_the_file_and_the_key(tmp_path: Path, change, key: str) -> None:
    message = _error(_write(tmp_path, _mutated(change)))
    assert f"'{key}'" in message


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    message = _error(_write(tmp_path, ["just", "a", "list"]))
    assert "mapping" in message


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("lecture: tiny\nvideo_id: X\ntitle: [unclosed\nauthor: a\n", encoding="utf-8")
    with pytest.raises(LectureDataError) as caught:
        load_catalog(path)
    assert caught.value.path == path
    assert caught.value.line is not None and 3 <= caught.value.line <= 5
    assert f"{path}:{caught.value.line}" in str(caught.value)
    assert "YAML" in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    message = _error(path)
    assert "not found" in message


def test_non_utf8_catalog(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: caf\u00e9\n".encode("latin-1"))
    message = _error(path)
    assert "UTF-8" in message


@pytest.mark.parametrize("chapters", [None, []])
def test_a_talk_without_chapters_is_one_chapter(tmp_path: Path, chapters) -> None:
    data = copy.deepcopy(VALID)
    if chapters is None:
        data.pop("chapters")
    else:
        data["chapters"] = chapters
    path = tmp_path / "talk.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    [whole] = load_catalog(path).chapters
    assert (whole.number, whole.title, whole.title_ko) == (1, "The whole talk", "강연 전체")
    assert (whole.start, whole.end) == (0, data["duration"])
    assert whole.summary_en == "" and whole.key_points_en == ()
