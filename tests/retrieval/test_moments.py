"""Key moments: loading and validation, and moments as the passages of search."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest
import yaml

from retrieval.catalog import load_catalog
from retrieval.data import load_lecture
from retrieval.errors import LectureDataError
from retrieval.index import Index

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

MOMENTS = [
    {
        "t": "0:00",
        "chapter": 1,
        "title": "Hydration as a share of the flour's weight",
        "title_ko": "수분율은 밀가루 무게 대비 물의 비율",
        "asks": ["what is hydration", "how much water per flour", "수분율이 뭐야?"],
    },
    {
        "t": "2:10",
        "chapter": 2,
        "title": "The windowpane test shows the gluten is developed",
        "title_ko": "글루텐이 충분한지 보는 창문 테스트",
        "asks": [
            "how do I know kneading is done",
            "windowpane test",
            "반죽 다 됐는지 어떻게 알아?",
        ],
    },
    {
        "t": "4:10",
        "chapter": 3,
        "title": "Let the loaf cool before slicing it",
        "title_ko": "자르기 전에 빵을 식혀야 하는 이유",
        "asks": ["when can I cut the bread", "why wait before slicing", "빵 언제 잘라?"],
    },
]


def write_lecture(tmp_path: Path, moments: object) -> Path:
    """The mini catalog with `moments` beside it; returns the catalog's path."""
    catalog = tmp_path / "mini-catalog.yaml"
    shutil.copy(FIXTURES / "mini-catalog.yaml", catalog)
    document = {"lecture": "mini-bread", "moments": moments}
    (tmp_path / "mini-bread.moments.yaml").write_text(
        yaml.safe_dump(document, allow_unicode=True), encoding="utf-8"
    )
    return catalog


def test_moments_load_beside_the_catalog(tmp_path: Path) -> None:
    catalog = load_catalog(write_lecture(tmp_path, MOMENTS))
    assert [m.t for m in catalog.moments] == [0, 130, 250]
    assert [m.chapter for m in catalog.moments] == [1, 2, 3]
    assert catalog.chapter_moments(2)[0].title.startswith("The windowpane test")
    assert catalog.moments[0].display_title("ko").startswith("수분율")


def test_a_catalog_without_moments_has_none() -> None:
    assert load_catalog(FIXTURES / "mini-catalog.yaml").moments == ()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"t": "9:99"}, "moments[1]: t:"),
        ({"t": "7:00"}, "past the end"),
        ({"t": "0:00", "chapter": 1}, "times must increase"),
        ({"chapter": 3}, "chapter 2 is playing"),
        ({"title": ""}, "title must be non-empty"),
        ({"title_ko": "English only"}, "title_ko must be written in Korean"),
        ({"asks": ["one", "two"]}, "3 to 5"),
        ({"asks": ["one", "two", "three"]}, "one question in Korean"),
        ({"question": "yes"}, "question must be true or false"),
    ],
)
def test_a_bad_moment_is_named_with_the_problem(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    moments = [dict(m) for m in MOMENTS]
    moments[1].update(change)
    with pytest.raises(LectureDataError) as error:
        load_catalog(write_lecture(tmp_path, moments))
    assert "mini-bread.moments.yaml" in str(error.value)
    assert "moments[1]" in str(error.value) and message in str(error.value)


def test_a_moments_file_for_another_lecture_is_refused(tmp_path: Path) -> None:
    catalog = write_lecture(tmp_path, MOMENTS)
    (tmp_path / "mini-bread.moments.yaml").write_text(
        "lecture: other\nmoments: []\n", encoding="utf-8"
    )
    with pytest.raises(LectureDataError, match="for lecture 'other'"):
        load_catalog(catalog)


def test_moments_are_the_passages_and_hits_name_them(tmp_path: Path) -> None:
    catalog = load_catalog(write_lecture(tmp_path, MOMENTS))
    index = Index(load_lecture(FIXTURES / "lecture-mini", catalog))
    assert [(p.start, p.end) for p in index.passages] == [(0, 130), (130, 250), (250, 400)]
    [hit] = index.search("windowpane test", k=1)
    assert (hit.start, hit.end, hit.chapter) == (130, 250, 2)
    assert hit.title == MOMENTS[1]["title"] and hit.title_ko == MOMENTS[1]["title_ko"]
    # The authored words find a moment the transcript words alone would not: a Korean ask.
    [korean] = index.search("반죽 다 됐는지 어떻게 알아", k=1)
    assert korean.start == 130


def test_a_question_links_to_where_the_next_moment_answers_it(tmp_path: Path) -> None:
    """A host's question (`question: true`) is found by its words, but its link lands where
    the answer (the next moment) starts, and the hit spans that answer."""
    moments = [dict(m) for m in MOMENTS]
    moments[0].update(question=True)
    catalog = load_catalog(write_lecture(tmp_path, moments))
    assert [m.question for m in catalog.moments] == [True, False, False]
    index = Index(load_lecture(FIXTURES / "lecture-mini", catalog))
    [hit] = index.search("how much water per flour", k=1)
    assert hit.title == MOMENTS[0]["title"]
    assert (hit.start, hit.end, hit.chapter) == (130, 250, 2)
    assert hit.text == index.passages[1].text  # the answer's words, where the link lands


def test_a_question_needs_a_moment_after_it(tmp_path: Path) -> None:
    moments = [dict(m) for m in MOMENTS]
    moments[2].update(question=True)
    with pytest.raises(LectureDataError, match=r"moments\[2\].*needs a moment after it"):
        load_catalog(write_lecture(tmp_path, moments))


def test_a_lecture_without_moments_keeps_its_windows() -> None:
    catalog = load_catalog(FIXTURES / "mini-catalog.yaml")
    index = Index(load_lecture(FIXTURES / "lecture-mini", catalog))
    assert not index.by_moments
    assert all(p.moment is None and p.authored == "" for p in index.passages)
    assert all(hit.title == "" for hit in index.search("flour water", k=3))


def test_the_real_moments_cover_the_lecture(real_index: Index) -> None:
    """About one moment every 30–45 s, from the first minute to the last, none far apart."""
    moments = real_index.catalog.moments
    duration = real_index.catalog.duration
    assert 300 <= len(moments) <= 450
    assert moments[0].t < 60 and duration - moments[-1].t < 120
    gaps = [b.t - a.t for a, b in itertools.pairwise(moments)]
    assert max(gaps) <= 90
    # Every chapter has moments, and each moment's chapter is the one playing at its time.
    assert {m.chapter for m in moments} == {c.number for c in real_index.catalog.chapters}


@pytest.mark.parametrize("path", sorted((FIXTURES.parents[1] / "chapters").glob("*.moments.yaml")))
def test_every_shipped_moments_file_is_valid(path: Path) -> None:
    """Each lecture's catalog and moments load: fields, times and chapters all check out."""
    lecture = path.name.removesuffix(".moments.yaml")
    catalog = load_catalog(path.with_name(f"{lecture}.yaml"))
    assert catalog.lecture_id == lecture
    assert len(catalog.moments) * 75 >= catalog.duration  # about one every 30-45 s
    assert all(moment.asks for moment in catalog.moments)
