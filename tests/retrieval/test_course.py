"""A course: every lecture of ../shared/lecture served together, each answer in its lecture."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from retrieval import evaluate
from retrieval.course import Course, load_course
from retrieval.course_index import CourseIndex, build_index
from retrieval.errors import TranscriptNotFoundError
from retrieval.index import Index

VIDEOS = {
    "deep-dive-llms": "7xTGNNLPyMI",
    "ai-prompt-engineering-deep-dive": "T9aRN5JkmL8",
    "lessons-millions-ai-code-reviews": "TswQeKftnaw",
}


@pytest.fixture(scope="module")
def course(shared_lecture_dir: Path) -> Course:
    return load_course(shared_lecture_dir.parent)


@pytest.fixture(scope="module")
def course_index(course: Course) -> CourseIndex:
    index = build_index(course)
    assert isinstance(index, CourseIndex)
    return index


def test_a_folder_of_lecture_folders_is_the_whole_course(course: Course) -> None:
    assert course.ids == tuple(VIDEOS)  # the first lecture leads; the rest by name
    for lecture in course.lectures:
        assert lecture.catalog.video_id == VIDEOS[lecture.catalog.lecture_id]
        assert lecture.segments and lecture.cues
        assert lecture.has_korean  # the study site's translation, or translation-ko.md
    assert [len(lecture.catalog.chapters) for lecture in course.lectures] == [24, 11, 1]


def test_one_lecture_directory_is_still_a_course_of_one(shared_lecture_dir: Path) -> None:
    course = load_course(shared_lecture_dir)
    assert course.ids == ("deep-dive-llms",)
    assert isinstance(build_index(course), Index)


def test_a_folder_without_lectures_says_how_to_get_one(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    with pytest.raises(TranscriptNotFoundError, match="No lecture transcript"):
        load_course(tmp_path)


def test_a_lecture_folder_without_a_catalog_is_skipped(tmp_path: Path) -> None:
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "course" / "mini-bread"
    shutil.copytree(fixture, tmp_path / "mini-bread")
    shutil.copytree(fixture, tmp_path / "unknown-talk")
    shutil.copy(fixture.parent / "mini-bread.yaml", tmp_path / "mini-bread" / "catalog.yaml")
    assert load_course(tmp_path).ids == ("mini-bread",)


def test_each_hit_names_its_lecture_and_links_into_its_video(course_index: CourseIndex) -> None:
    hits = course_index.search("what is a jailbreak", k=5)
    assert hits[0].lecture == "ai-prompt-engineering-deep-dive"
    for rank, hit in enumerate(hits, 1):
        assert hit.rank == rank
        assert hit.url == f"https://www.youtube.com/watch?v={VIDEOS[hit.lecture]}&t={hit.start}s"
        assert hit.lecture_title == course_index.course.catalog(hit.lecture).title


def test_a_lecture_can_be_chosen(course_index: CourseIndex) -> None:
    hits = course_index.search(
        "what bugs can AI reviewers catch", lecture="lessons-millions-ai-code-reviews"
    )
    assert hits and {hit.lecture for hit in hits} == {"lessons-millions-ai-code-reviews"}
    chapter = course_index.search("tokenization", chapter=3, lecture="deep-dive-llms")
    assert {(hit.lecture, hit.chapter) for hit in chapter} == {("deep-dive-llms", 3)}
    with pytest.raises(KeyError):
        course_index.search("tokenization", lecture="no-such-lecture")
    with pytest.raises(KeyError):
        course_index.search("tokenization", chapter=12, lecture="ai-prompt-engineering-deep-dive")


def test_the_first_lectures_ranking_is_its_own_beside_the_others(
    course_index: CourseIndex, real_index: Index, shared_dev_questions: Path
) -> None:
    """Each lecture keeps its own statistics: a question answered from the first lecture
    gets the same moments, in the same order, as from that lecture alone."""
    same = total = 0
    for question in evaluate.load_questions(shared_dev_questions):
        alone = [(h.start, h.title) for h in real_index.search(question.text, k=3)]
        mine = [
            (h.start, h.title)
            for h in course_index.search(question.text, k=10)
            if h.lecture == "deep-dive-llms"
        ][:3]
        same += alone == mine
        total += 1
    assert same == total


def test_off_topic_is_refused_for_the_whole_course(course_index: CourseIndex) -> None:
    for question in ("best pizza in Seoul", "how do I renew my passport", "내일 날씨 어때?"):
        assert not course_index.answer(question).found


def test_course_questions_meet_their_targets(
    course_index: CourseIndex, shared_course_questions: Path
) -> None:
    questions = evaluate.load_questions(shared_course_questions)
    outcomes = evaluate.run(
        questions, lambda q: [(h.lecture, h.start) for h in course_index.answer(q, k=10).hits]
    )
    report = evaluate.report(outcomes)
    print(report)
    assert report["off-topic"]["hit@1"] == 1.0  # every off-topic question refused
    assert report["ai-prompt-engineering-deep-dive"]["hit@3"] >= 0.85
    assert report["all"]["hit@3"] >= 0.85
    which = [o for o in outcomes if o.question.kind == "which-lecture"]
    assert which and all(o.first_hit is not None and o.first_hit <= 3 for o in which)


OWN_QUESTIONS = Path(__file__).resolve().parents[2] / "eval" / "course_own"


@pytest.mark.parametrize("path", sorted(OWN_QUESTIONS.glob("*.yaml")), ids=lambda p: p.stem)
def test_our_own_course_questions_stay_answered(course_index: CourseIndex, path: Path) -> None:
    """Our own questions on each lecture (eval/course_own/, docs/retrieval.md): English and
    Korean hit@3 no more than a question or two below what docs/retrieval.md reports."""
    questions = evaluate.load_questions(path)
    assert {q.lecture for q in questions} == {path.stem}
    outcomes = evaluate.run(
        questions, lambda q: [(h.lecture, h.start) for h in course_index.answer(q, k=10).hits]
    )
    report = evaluate.report(outcomes)
    print(path.stem, report)
    assert report["en"]["hit@3"] >= 0.8
    assert report["ko"]["hit@3"] >= 0.8
