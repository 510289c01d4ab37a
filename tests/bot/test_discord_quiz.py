"""/quiz through the fake Discord over the real course: a question, three moments as buttons,
the reveal with its link and quote, streaks kept in the database (across a restart), Korean
for Korean users, and only the quiz taker may answer."""

from __future__ import annotations

import random
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from discord_harness import Harness, StartBot, buttons, callback_message_id, check_embeds
from fake_discord import button_press, slash

from bot.discord.i18n import t
from bot.quiz import LABEL_LIMIT, choice_label
from bot.store import Store
from retrieval.analysis import has_hangul
from retrieval.course import Course, load_course
from retrieval.course_index import CourseIndex
from retrieval.lecture import Lang, Moment

SUCCESS, DANGER, SECONDARY = 3, 4, 2
#: Words of our English texts that must never reach a Korean user.
ENGLISH = re.compile(
    r"\b(?:Which|moment|answers|pick|three|Right|Not quite|Streak|row|best|answer|What is said"
    r"|Chapter|chapter|Next question)\b"
)


@pytest.fixture(scope="module")
def course_index(shared_lecture_dir: Path) -> CourseIndex:
    return CourseIndex(load_course(shared_lecture_dir.parent))


async def quiz_bot(start_bot: StartBot, index: CourseIndex, store: Store | None) -> Harness:
    harness = await start_bot(load_index=lambda: index, store=store)
    harness.bot.get_cog("Quiz").rng = random.Random(2024)  # type: ignore[union-attr]
    return harness


@pytest.fixture
async def course_bot(start_bot: StartBot, course_index: CourseIndex, tmp_path: Path) -> Harness:
    return await quiz_bot(start_bot, course_index, Store(tmp_path / "bot.sqlite3"))


def question_of(data: dict[str, Any]) -> str:
    """The question a quiz message asks (its description's first line, unescaped)."""
    first = data["embeds"][0]["description"].splitlines()[0]
    assert first.startswith("> **") and first.endswith("**")
    return re.sub(r"\\(.)", r"\1", first[4:-2])


def choices(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in buttons(data).values() if re.search(r":choice-\d$", b["custom_id"])]


def right_moment(course: Course, data: dict[str, Any], lang: Lang) -> tuple[str, Moment]:
    """(lecture id, moment) of the choice offered that was written for the question."""
    question = question_of(data)
    labels = {button["label"] for button in choices(data)}
    [found] = [
        (lecture.catalog.lecture_id, moment)
        for lecture in course.lectures
        for moment in lecture.catalog.moments
        if question in moment.asks and choice_label(moment, lang) in labels
    ]
    return found


def press(data: dict[str, Any], label: str) -> str:
    return next(b["custom_id"] for b in choices(data) if b["label"] == label)


async def ask_quiz(harness: Harness, user: int, locale: str = "en-US", **options: Any):
    callback = await harness.interact(slash("quiz", options, user_id=user, locale=locale))
    message = harness.fake.messages[int(callback_message_id(harness, callback))]
    return callback.data, message


async def answer(
    harness: Harness, data: dict[str, Any], message: dict[str, Any], user: int, *, right: bool
) -> dict[str, Any]:
    """Press the right choice (or a wrong one) of a quiz; the edited message."""
    _, moment = right_moment(harness.bot.course, data, "en")
    correct = choice_label(moment, "en")
    label = correct if right else next(b["label"] for b in choices(data) if b["label"] != correct)
    edited = await harness.interact(button_press(press(data, label), message, user_id=user))
    assert edited.json["type"] == 7  # the quiz message, edited in place
    return edited.data


async def test_the_right_button_reveals_the_answer_and_counts_the_streak(course_bot: Harness):
    user = course_bot.new_user()
    data, message = await ask_quiz(course_bot, user)
    [embed] = check_embeds(data)
    assert embed["title"] == "Which moment answers this question?"
    assert embed["footer"]["text"].endswith(" · pick one of the three moments")
    offered = choices(data)
    assert len(offered) == 3 and len({b["label"] for b in offered}) == 3
    assert all(len(b["label"]) <= LABEL_LIMIT and not b.get("disabled") for b in offered)
    assert "Next question" not in buttons(data)
    lecture, moment = right_moment(course_bot.bot.course, data, "en")

    revealed = await answer(course_bot, data, message, user, right=True)
    [embed] = check_embeds(revealed)
    assert embed["description"].endswith("✅ Right!\nStreak: 1 in a row · best 1")
    fields = {field["name"]: field["value"] for field in embed["fields"]}
    url = course_bot.bot.course.catalog(lecture).url(moment.t)
    assert fields["The answer"].startswith("[")
    assert f"]({url}) **" in fields["The answer"]
    assert f"Chapter {moment.chapter} · " in fields["The answer"]
    quote = course_bot.bot.quote_at(moment.t, lecture)
    assert quote and fields["What is said"].replace("\\", "").startswith(quote[:40])
    after = {b["label"]: b for b in choices(revealed)}
    assert all(b["disabled"] for b in after.values())
    assert after[choice_label(moment, "en")]["style"] == SUCCESS
    assert sorted(b["style"] for b in after.values()) == [SECONDARY, SECONDARY, SUCCESS]

    # The next question comes as a new message; a right answer makes the streak 2.
    next_id = buttons(revealed)["Next question"]["custom_id"]
    pressed = button_press(next_id, course_bot.fake.messages[int(message["id"])], user_id=user)
    mark = course_bot.fake.mark()
    done = await course_bot.interact(pressed)
    assert done.json["type"] == 7 and buttons(done.data)["Next question"]["disabled"] is True
    followup = await course_bot.followup(pressed, after=mark)
    second = followup.json
    assert question_of(second) and len(choices(second)) == 3
    second_message = course_bot.fake.messages[int(callback_message_id(course_bot, followup))]
    revealed = await answer(course_bot, second, second_message, user, right=True)
    assert revealed["embeds"][0]["description"].endswith("Streak: 2 in a row · best 2")


async def test_a_wrong_answer_shows_the_right_one_and_ends_the_streak(course_bot: Harness):
    user = course_bot.new_user()
    data, message = await ask_quiz(course_bot, user)
    await answer(course_bot, data, message, user, right=True)
    data, message = await ask_quiz(course_bot, user)
    lecture, moment = right_moment(course_bot.bot.course, data, "en")
    revealed = await answer(course_bot, data, message, user, right=False)
    [embed] = check_embeds(revealed)
    assert embed["description"].endswith(
        "❌ Not quite: the right moment is below.\nStreak: 0 in a row · best 1"
    )
    url = course_bot.bot.course.catalog(lecture).url(moment.t)
    assert f"]({url}) **" in embed["fields"][0]["value"]
    styles = {b["label"]: b["style"] for b in choices(revealed)}
    assert styles[choice_label(moment, "en")] == SUCCESS
    assert sorted(styles.values()) == [SECONDARY, SUCCESS, DANGER]


async def test_the_streak_survives_a_restart(
    start_bot: StartBot, course_index: CourseIndex, tmp_path: Path
):
    database = tmp_path / "bot.sqlite3"
    first = await quiz_bot(start_bot, course_index, Store(database))
    user = first.new_user()
    for _ in range(2):
        data, message = await ask_quiz(first, user)
        await answer(first, data, message, user, right=True)
    await first.bot.close()

    second = await quiz_bot(start_bot, course_index, Store(database))
    await second.fake.wait_connected(identified=2)
    data, message = await ask_quiz(second, user)
    revealed = await answer(second, data, message, user, right=True)
    assert revealed["embeds"][0]["description"].endswith("Streak: 3 in a row · best 3")
    rows = sqlite3.connect(database).execute("SELECT user_hash FROM quiz_streaks").fetchall()
    assert rows and str(user) not in {row[0] for row in rows}  # users are kept only hashed


async def test_a_korean_user_gets_korean_only(course_bot: Harness):
    user = course_bot.new_user()
    data, message = await ask_quiz(course_bot, user, locale="ko")
    [embed] = check_embeds(data)
    assert embed["title"] == "어느 장면이 이 질문에 답할까요?"
    assert has_hangul(question_of(data))
    labels = [b["label"] for b in choices(data)]
    assert all(has_hangul(label) for label in labels)
    ours = [embed["title"], embed["footer"]["text"], *labels]
    assert not [text for text in ours if ENGLISH.search(text)]

    _, moment = right_moment(course_bot.bot.course, data, "ko")
    pressed = button_press(press(data, moment.title_ko), message, user_id=user, locale="ko")
    revealed = (await course_bot.interact(pressed)).data
    [embed] = check_embeds(revealed)
    assert embed["description"].endswith("✅ 정답이에요!\n연속 정답 1개 · 최고 기록 1개")
    answer_field, said = embed["fields"]
    assert (answer_field["name"], said["name"]) == ("정답", "이 순간의 내용")
    assert f"**{moment.title_ko}**" in answer_field["value"].replace("\\", "")
    assert f"{moment.chapter}장 · " in answer_field["value"]
    # Everything but the lecture's own words (the quote) is ours, and Korean.
    ours = [embed["title"], embed["description"], answer_field["value"], embed["footer"]["text"]]
    ours += [b["label"] for b in buttons(revealed).values()]
    assert not [text for text in ours if ENGLISH.search(text)]
    assert buttons(revealed)["다음 문제"]


async def test_only_the_quiz_taker_may_answer(course_bot: Harness):
    user = course_bot.new_user()
    data, message = await ask_quiz(course_bot, user)
    label = choices(data)[0]["label"]
    for locale, expected in (("en-US", t("quiz_not_yours", "en")), ("ko", "이 퀴즈는")):
        stranger = await course_bot.interact(
            button_press(press(data, label), message, user_id=course_bot.new_user(), locale=locale)
        )
        assert stranger.json["type"] == 4 and stranger.data["flags"] == 64
        assert stranger.data["content"].startswith(expected)
    revealed = await answer(course_bot, data, message, user, right=True)  # still unanswered
    assert "Streak: 1 in a row" in revealed["embeds"][0]["description"]


@pytest.mark.parametrize("chapter", [3, 16])
async def test_a_chapter_limits_the_quiz_to_its_moments(course_bot: Harness, chapter: int):
    catalog = course_bot.bot.course.catalog("deep-dive-llms")
    for _ in range(4):
        user = course_bot.new_user()
        data, _ = await ask_quiz(course_bot, user, chapter=chapter, private=True)
        assert data["flags"] == 64
        assert data["embeds"][0]["footer"]["text"].endswith(
            f" · chapter {chapter} · pick one of the three moments"
        )
        lecture, moment = right_moment(course_bot.bot.course, data, "en")
        assert (lecture, moment.chapter) == ("deep-dive-llms", chapter)
        ours = {choice_label(m, "en"): m for m in catalog.chapter_moments(chapter)}
        assert {b["label"] for b in choices(data)} <= set(ours)


async def test_bad_options_get_one_friendly_line(course_bot: Harness):
    user = course_bot.new_user()
    no_chapter = await course_bot.interact(
        slash("quiz", {"chapter": 30, "lecture": "deep-dive-llms"}, user_id=user)
    )
    assert no_chapter.data["flags"] == 64
    assert no_chapter.data["content"] == t("no_chapter", "en", number=30, count=24)
    no_lecture = await course_bot.interact(
        slash("quiz", {"lecture": "no-such-lecture"}, user_id=user, locale="ko")
    )
    assert no_lecture.data["content"] == t("no_lecture", "ko")


async def test_without_a_working_database_the_quiz_goes_on_without_a_streak(
    start_bot: StartBot, course_index: CourseIndex, tmp_path: Path, caplog
):
    database = tmp_path / "bot.sqlite3"
    harness = await quiz_bot(start_bot, course_index, Store(database))
    with sqlite3.connect(database) as connection:  # the table is gone: every write fails
        connection.execute("DROP TABLE quiz_streaks")
    user = harness.new_user()
    data, message = await ask_quiz(harness, user)
    revealed = await answer(harness, data, message, user, right=True)
    description = revealed["embeds"][0]["description"]
    assert description.endswith("✅ Right!") and "Streak" not in description
    assert "quiz streak not kept" in caplog.text


async def test_a_lecture_without_key_moments_says_so(harness: Harness):
    callback = await harness.interact(slash("quiz", user_id=harness.new_user(), locale="ko"))
    assert callback.data["flags"] == 64
    assert callback.data["content"] == t("quiz_no_moments", "ko")
