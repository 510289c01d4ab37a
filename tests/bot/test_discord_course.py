"""The bot over the whole course (../shared/lecture, the real retriever) through the fake
Discord: the lecture option and its autocomplete, /lectures, and a server's default lecture
kept in the database across a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from discord_harness import Harness, StartBot, check_embeds
from fake_discord import GUILD_ID, STUDENT_PERMISSIONS, autocomplete, slash, subcommand

from bot.store import Store
from retrieval.course import load_course
from retrieval.course_index import CourseIndex

PROMPTING = "ai-prompt-engineering-deep-dive"


@pytest.fixture(scope="module")
def course_index(shared_lecture_dir: Path) -> CourseIndex:
    return CourseIndex(load_course(shared_lecture_dir.parent))


@pytest.fixture
async def course_bot(start_bot: StartBot, course_index: CourseIndex, tmp_path: Path) -> Harness:
    return await start_bot(load_index=lambda: course_index, store=Store(tmp_path / "bot.sqlite3"))


async def test_ask_one_lecture_names_it_in_every_hit(course_bot: Harness):
    data = await course_bot.reply_data(
        slash(
            "ask",
            {"question": "what is a jailbreak", "lecture": PROMPTING},
            user_id=course_bot.new_user(),
        )
    )
    [embed] = check_embeds(data)
    assert embed["fields"]
    for field in embed["fields"]:
        assert field["name"].split(". ", 1)[1].startswith("AI Prompt Engineering: A Deep Dive · ")
        assert "https://www.youtube.com/watch?v=T9aRN5JkmL8&t=" in field["value"]
    assert embed["footer"]["text"].startswith("AI Prompt Engineering: A Deep Dive · ")


async def test_ask_the_course_answers_from_the_lecture_that_covers_it(course_bot: Harness):
    data = await course_bot.reply_data(
        slash(
            "ask",
            {"question": "what bugs can AI code reviewers catch"},
            user_id=course_bot.new_user(),
        )
    )
    [embed] = check_embeds(data)
    assert (
        embed["fields"][0]["name"]
        .split(". ", 1)[1]
        .startswith("Lessons from millions of AI code reviews · ")
    )


async def test_a_forged_lecture_gets_a_friendly_refusal(course_bot: Harness):
    callback = await course_bot.interact(
        slash(
            "ask",
            {"question": "what is SFT", "lecture": "../../etc/passwd"},
            user_id=course_bot.new_user(),
        )
    )
    assert callback.data["flags"] == 64
    assert callback.data["content"].startswith("That lecture is not part of this course")


@pytest.mark.parametrize(
    ("typed", "locale", "expected"),
    [
        ("prompt", "en-US", [("AI Prompt Engineering: A Deep Dive", PROMPTING)]),
        (
            "코드 리뷰",
            "ko",
            [("수백만 건의 AI 코드 리뷰로 알게 된 것들", "lessons-millions-ai-code-reviews")],
        ),
    ],
)
async def test_lecture_autocomplete_in_the_users_language(
    course_bot: Harness, typed, locale, expected
):
    callback = await course_bot.interact(
        autocomplete(
            "ask",
            "lecture",
            typed,
            {"question": "x"},
            focused_type=3,
            user_id=course_bot.new_user(),
            locale=locale,
        )
    )
    assert [(c["name"], c["value"]) for c in callback.data["choices"]] == expected
    everything = await course_bot.interact(
        autocomplete("ask", "lecture", "", focused_type=3, user_id=course_bot.new_user())
    )
    assert len(everything.data["choices"]) == 3


async def test_lectures_lists_the_course_with_lengths_and_links(course_bot: Harness):
    data = await course_bot.reply_data(slash("lectures", user_id=course_bot.new_user()))
    [embed] = check_embeds(data)
    assert embed["title"] == "The course: 3 lectures"
    values = [field["value"] for field in embed["fields"]]
    assert "3:31:05 · 24 chapters" in values[0] and "7xTGNNLPyMI" in values[0]
    assert "1:16:42 · 11 chapters" in values[1] and "T9aRN5JkmL8" in values[1]
    assert "10:21 · 1 chapters" in values[2] and "TswQeKftnaw" in values[2]


async def test_chapter_without_a_default_asks_which_lecture(course_bot: Harness):
    callback = await course_bot.interact(
        slash("chapter", {"number": 2}, user_id=course_bot.new_user())
    )
    assert callback.data["flags"] == 64
    assert "pick one with the `lecture` option" in callback.data["content"]
    named = await course_bot.reply_data(
        slash("chapter", {"number": 9, "lecture": PROMPTING}, user_id=course_bot.new_user())
    )
    assert check_embeds(named)[0]["title"] == "Chapter 9 · Jailbreaking"


async def test_only_a_server_manager_sets_the_default(course_bot: Harness):
    refused = await course_bot.interact(
        subcommand(
            "lecture",
            "default",
            {"lecture": PROMPTING},
            user_id=course_bot.new_user(),
            permissions=STUDENT_PERMISSIONS,
        )
    )
    assert refused.data["flags"] == 64
    assert "Manage Server" in refused.data["content"]
    assert course_bot.bot.store is not None
    assert course_bot.bot.store.default_lecture(GUILD_ID) is None


async def test_the_default_lecture_survives_a_restart(
    start_bot: StartBot, course_index: CourseIndex, tmp_path: Path
):
    database = tmp_path / "bot.sqlite3"
    first = await start_bot(load_index=lambda: course_index, store=Store(database))
    done = await first.interact(
        subcommand("lecture", "default", {"lecture": PROMPTING}, user_id=first.new_user())
    )
    assert (
        done.data["content"]
        == "This server's default lecture is now: AI Prompt Engineering: A Deep Dive"
    )
    await first.bot.close()

    second = await start_bot(load_index=lambda: course_index, store=Store(database))
    await second.fake.wait_connected(identified=2)
    data = await second.reply_data(slash("chapter", {"number": 9}, user_id=second.new_user()))
    assert check_embeds(data)[0]["title"] == "Chapter 9 · Jailbreaking"
    listed = await second.reply_data(slash("lectures", user_id=second.new_user()))
    names = [field["name"] for field in check_embeds(listed)[0]["fields"]]
    assert names[1] == "AI Prompt Engineering: A Deep Dive (this server's default)"
