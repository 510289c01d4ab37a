"""Quiz questions (bot/quiz.py) on the real catalogs, and quiz streaks in the store."""

from __future__ import annotations

import dataclasses
import itertools
import random
import sqlite3
from pathlib import Path

import pytest

from bot.quiz import LABEL_LIMIT, MIN_GAP, NoQuizError, choice_label, make_quiz, neighbours
from bot.store import MIGRATIONS, Store
from retrieval.analysis import has_hangul
from retrieval.catalog import default_catalog_path, load_catalog
from retrieval.lecture import Catalog, Moment

LECTURES = ["deep-dive-llms", "ai-prompt-engineering-deep-dive", "lessons-millions-ai-code-reviews"]
#: What "near in time" means for a neighbour from another chapter.
NEAR = 10 * 60


def catalog_of(lecture: str) -> Catalog:
    return load_catalog(default_catalog_path(lecture))


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("lecture", LECTURES)
def test_three_distinct_plausible_choices_with_the_right_one(lecture: str, lang) -> None:
    catalog = catalog_of(lecture)
    rng = random.Random(17)
    answers = set()
    for _ in range(300):
        quiz = make_quiz(catalog, rng, lang)
        answers.add(quiz.answer)
        assert len(set(quiz.choices)) == 3
        assert quiz.choices[quiz.answer_index] == quiz.answer
        assert quiz.question in quiz.answer.asks
        assert not any(
            choice.question for choice in quiz.choices
        )  # a host's question answers nothing
        assert has_hangul(quiz.question) == (lang == "ko")
        labels = quiz.labels()
        assert len(set(labels)) == 3  # never the same title twice
        assert all(1 <= len(label) <= LABEL_LIMIT for label in labels)
        assert all(has_hangul(label) for label in labels) == (lang == "ko")
        for other in quiz.choices:
            if other == quiz.answer:
                continue
            assert quiz.question not in other.asks  # not another answer to the same question
            assert other.chapter == quiz.answer.chapter or abs(other.t - quiz.answer.t) <= NEAR
        times = sorted(choice.t for choice in quiz.choices)
        assert min(b - a for a, b in itertools.pairwise(times)) >= MIN_GAP
    assert len(answers) > len(catalog.moments) / 3  # questions from all over the lecture


def test_neighbours_are_mostly_of_the_same_chapter() -> None:
    catalog = catalog_of("deep-dive-llms")
    rng = random.Random(3)
    quizzes = [make_quiz(catalog, rng) for _ in range(500)]
    same = [
        other.chapter == quiz.answer.chapter
        for quiz in quizzes
        for other in quiz.choices
        if other != quiz.answer
    ]
    assert len(same) == 1000 and sum(same) / len(same) > 0.9


@pytest.mark.parametrize("chapter", [1, 3, 9, 15, 24])
def test_a_chapter_limits_the_question_to_its_moments(chapter: int) -> None:
    catalog = catalog_of("deep-dive-llms")
    rng = random.Random(chapter)
    for _ in range(50):
        quiz = make_quiz(catalog, rng, "ko", chapter=chapter)
        assert quiz.answer.chapter == chapter
        assert quiz.catalog is catalog


def test_a_course_asks_about_every_lecture() -> None:
    catalogs = [catalog_of(lecture) for lecture in LECTURES]
    rng = random.Random(5)
    asked = {make_quiz(catalogs, rng).catalog.lecture_id for _ in range(200)}
    assert asked == set(LECTURES)


def test_a_seed_gives_the_same_quiz() -> None:
    catalog = catalog_of("deep-dive-llms")
    first = [make_quiz(catalog, random.Random(seed)) for seed in range(20)]
    again = [make_quiz(catalog, random.Random(seed)) for seed in range(20)]
    assert first == again
    assert len({quiz.question for quiz in first}) > 15


def test_nothing_to_ask_is_one_error() -> None:
    catalog = dataclasses.replace(catalog_of("deep-dive-llms"), moments=())
    with pytest.raises(NoQuizError) as raised:
        make_quiz(catalog, random.Random(1))
    assert raised.value.key == "quiz_no_moments"


def test_a_moment_written_for_the_same_question_is_never_offered() -> None:
    asked = "what does the tokenizer do"
    moments = (
        Moment(500, 3, "Cutting text into tokens", "텍스트를 토큰으로 자르기", (asked, "토큰?")),
        Moment(600, 3, "Tokens as numbers", "숫자로서의 토큰", (asked, "토큰 번호?")),
        Moment(700, 3, "Byte pair encoding", "바이트 페어 인코딩", ("what is BPE", "BPE?")),
        Moment(800, 3, "Vocabulary size", "어휘 크기", ("how many tokens", "어휘?")),
    )
    catalog = dataclasses.replace(catalog_of("deep-dive-llms"), moments=moments)
    for seed in range(20):
        chosen = neighbours(catalog, moments[0], asked, random.Random(seed))
        assert set(chosen) == {moments[2], moments[3]}


def test_labels_fit_a_button_and_keep_korean_whole() -> None:
    catalog = catalog_of("deep-dive-llms")
    longest = max(catalog.moments, key=lambda moment: len(moment.title))
    label = choice_label(longest, "en")
    assert len(longest.title) > LABEL_LIMIT >= len(label)
    assert label.endswith("…") and longest.title.startswith(label[:-1])
    assert choice_label(longest, "ko") == longest.title_ko
    assert choice_label(longest, "en", limit=None) == longest.title


# -- streaks in the store ----------------------------------------------------------------------


def test_a_streak_grows_ends_and_keeps_the_best(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = Store(path)
    alice, bob = store.user_hash(1), store.user_hash(2)
    assert [store.record_quiz_answer(10, alice, ok) for ok in (True, True, True)] == [
        (1, 1),
        (2, 2),
        (3, 3),
    ]
    assert store.record_quiz_answer(10, alice, False) == (0, 3)
    assert store.record_quiz_answer(10, alice, True) == (1, 3)
    assert store.record_quiz_answer(20, alice, True) == (1, 1)  # another server, its own streak
    assert store.record_quiz_answer(10, bob, False) == (0, 0)
    store.close()
    again = Store(path)
    assert again.record_quiz_answer(10, alice, True) == (2, 3)
    rows = sqlite3.connect(path).execute("SELECT guild_id, user_hash FROM quiz_streaks").fetchall()
    assert len(rows) == 3
    assert all(len(user) == 32 and user not in ("1", "2") for _, user in rows)  # hashes only


def test_an_older_database_gets_the_quiz_table(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    Store(path).close()
    with sqlite3.connect(path) as connection:  # as a store from before quizzes left it
        connection.execute("DROP TABLE quiz_streaks")
        connection.execute("UPDATE schema_version SET version = 2")
    store = Store(path)
    assert store.schema_version == len(MIGRATIONS) >= 3
    assert store.record_quiz_answer(1, store.user_hash(7), True) == (1, 1)
