"""The real discord.py client, driven through the fake Discord: every command, option,
autocomplete, button and the message menu, asserting the exact payloads sent back."""

from __future__ import annotations

import asyncio
import logging
import re
import threading

import pytest
from discord_harness import Harness, StartBot, buttons, callback_message_id, check_embeds
from fake_discord import (
    APP_ID,
    GUILD_ID,
    autocomplete,
    button_press,
    message_command,
    slash,
    user_message,
)

from bot.discord.i18n import t

LINK = "https://www.youtube.com/watch?v=7xTGNNLPyMI&t={}s"
NO_PINGS = {"parse": []}
PRIVILEGED = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content


# -- connection -------------------------------------------------------------------------------


async def test_identifies_without_privileged_intents_and_never_syncs(start_bot: StartBot):
    harness = await start_bot(guild_ready_timeout=0.05)
    identify = harness.fake.gateway.identifies[0]
    assert identify["token"] == harness.fake.token
    assert identify["intents"] & PRIVILEGED == 0
    await harness.bot.wait_until_ready()
    assert not [r for r in harness.fake.requests if r.method == "PUT"]  # no sync on start/ready


# -- /ask -------------------------------------------------------------------------------------


async def test_ask_replies_publicly_with_three_passages_and_more_results(harness: Harness):
    user = harness.new_user()
    callback = await harness.interact(slash("ask", {"question": "what are tokens"}, user_id=user))
    assert callback.json["type"] == 4
    data = callback.data
    assert data["allowed_mentions"] == NO_PINGS
    assert not data.get("flags")  # public by default
    [embed] = check_embeds(data)
    assert embed["title"] == 'Answers to "what are tokens"'
    assert [f["name"] for f in embed["fields"]] == [
        "1. Chapter 3 · Tokenization",
        "2. Chapter 3 · Tokenization",
        "3. Chapter 3 · Tokenization",
    ]
    first = embed["fields"][0]["value"]
    assert first.startswith(f"[8:00]({LINK.format(480)}) At 480 seconds we cut text")
    assert "into **tokens**, and the **tokens** form" in first
    assert embed["footer"]["text"] == "Deep Dive into LLMs like ChatGPT · results 1–3, more below"
    # One hit beyond the first page proves there is a second; the rest waits for the button.
    assert harness.index.calls[-1] == ("what are tokens", 4, None)
    controls = buttons(data)
    assert set(controls) == {"Previous", "More results", "Show transcript"}  # no Share here
    assert controls["Previous"]["disabled"] is True
    assert controls["More results"].get("disabled", False) is False


async def test_more_results_pages_and_refuses_other_users(harness: Harness):
    user = harness.new_user()
    callback = await harness.interact(slash("ask", {"question": "tokens"}, user_id=user))
    message = callback.json and harness.fake.messages[int(callback_message_id(harness, callback))]
    more = buttons(callback.data)["More results"]["custom_id"]

    stranger = await harness.interact(button_press(more, message, user_id=harness.new_user()))
    assert stranger.json["type"] == 4
    assert stranger.data["flags"] == 64
    assert stranger.data["content"] == t("not_yours", "en")

    assert harness.index.calls[-1] == ("tokens", 4, None)
    page2 = await harness.interact(button_press(more, message, user_id=user))
    assert harness.index.calls[-1] == ("tokens", 9, None)  # the whole answer, once
    assert page2.json["type"] == 7  # edits the answer in place
    [embed] = check_embeds(page2.data)
    assert [f["name"][:2] for f in embed["fields"]] == ["4.", "5.", "6."]
    assert embed["footer"]["text"].endswith("results 4–6 of 9")
    assert buttons(page2.data)["Previous"].get("disabled", False) is False

    page3 = await harness.interact(button_press(more, message, user_id=user))
    assert [f["name"][:2] for f in page3.data["embeds"][0]["fields"]] == ["7.", "8.", "9."]
    assert buttons(page3.data)["More results"]["disabled"] is True

    previous = buttons(page3.data)["Previous"]["custom_id"]
    back = await harness.interact(button_press(previous, message, user_id=user))
    assert back.data["embeds"][0]["fields"][0]["name"].startswith("4. ")
    assert harness.index.calls[-1] == ("tokens", 9, None)


async def test_private_answer_is_ephemeral_and_share_posts_it_publicly(harness: Harness):
    user = harness.new_user()
    payload = slash("ask", {"question": "tokens", "chapter": 3, "private": True}, user_id=user)
    callback = await harness.interact(payload)
    assert callback.data["flags"] == 64
    assert harness.index.calls[-1] == ("tokens", 4, 3)
    share = buttons(callback.data)["Share"]
    message = harness.fake.messages[int(callback_message_id(harness, callback))]

    mark = harness.fake.mark()
    shared = await harness.interact(button_press(share["custom_id"], message, user_id=user))
    assert shared.json["type"] == 4
    assert not shared.data.get("flags")  # public
    assert shared.data["content"] == f"Shared by <@{user}>"
    assert shared.data["allowed_mentions"] == NO_PINGS
    assert shared.data["embeds"] == callback.data["embeds"]
    assert "components" not in shared.data or shared.data["components"] == []
    edit = await harness.fake.wait_for_request(
        "PATCH", f"/webhooks/{APP_ID}/{payload['token']}/messages/", after=mark
    )
    assert buttons(edit.json)["Share"]["disabled"] is True


async def test_no_match_is_honest_and_suggests_chapters(harness: Harness):
    callback = await harness.interact(
        slash("ask", {"question": "sourdough bread baking"}, user_id=harness.new_user())
    )
    [embed] = check_embeds(callback.data)
    assert embed["title"] == "No good match"
    assert 'really answers "sourdough bread baking"' in embed["description"]
    assert f"**3.** [7:47]({LINK.format(467)}) Tokenization" in embed["description"]
    assert "components" not in callback.data or callback.data["components"] == []


async def test_korean_user_gets_korean_labels_and_korean_text(harness: Harness):
    callback = await harness.interact(
        slash("ask", {"question": "토큰으로"}, user_id=harness.new_user(), locale="ko")
    )
    [embed] = check_embeds(callback.data)
    assert embed["title"] == '"토큰으로"에 대한 답'
    field = embed["fields"][0]
    assert field["name"] == "1. 3장 · 토큰화"
    assert "> **한국어:** 480초에 텍스트를 **토큰으로** 자릅니다." in field["value"]
    assert "we cut text into" in field["value"]  # the English passage stays beside it
    assert embed["footer"]["text"].startswith("LLM 심층 탐구 · 결과 1–3")
    assert set(buttons(callback.data)) == {"이전", "결과 더 보기", "자막 전체 보기"}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("   ", "Please type a question, for example: what is SFT?"),
        (
            "x" * 5000,
            "Questions can be at most 300 characters (yours has 5,000). Try a shorter one.",
        ),
    ],
)
async def test_empty_and_huge_questions_get_a_clear_ephemeral_reply(
    harness: Harness, question: str, expected: str
):
    callback = await harness.interact(
        slash("ask", {"question": question}, user_id=harness.new_user())
    )
    assert callback.data["flags"] == 64
    assert callback.data["content"] == expected
    assert callback.data["allowed_mentions"] == NO_PINGS


async def test_everyone_in_a_question_never_pings(harness: Harness):
    callback = await harness.interact(
        slash("ask", {"question": "@everyone <@&123> tokens"}, user_id=harness.new_user())
    )
    assert callback.data["allowed_mentions"] == NO_PINGS
    assert "@everyone" in callback.data["embeds"][0]["title"]


async def test_second_question_within_cooldown_is_refused_kindly(harness: Harness):
    user = harness.new_user()
    first = await harness.interact(slash("ask", {"question": "tokens"}, user_id=user))
    assert first.json["type"] == 4 and not first.data.get("flags")
    second = await harness.interact(slash("ask", {"question": "tokens again"}, user_id=user))
    assert second.data["flags"] == 64
    assert second.data["content"].startswith("Easy there: one question every 3 seconds.")
    other = await harness.interact(slash("ask", {"question": "tokens"}, user_id=harness.new_user()))
    assert not other.data.get("flags")  # the cooldown is per user


async def test_slow_search_defers_then_follows_up(start_bot: StartBot):
    harness = await start_bot(defer_after=0.05)
    harness.index.gate = threading.Event()
    payload = slash("ask", {"question": "tokens", "private": True}, user_id=harness.new_user())
    deferred = await harness.interact(payload)
    assert deferred.json == {"type": 5, "data": {"flags": 64}}
    assert harness.index.started.is_set()  # the search runs in a thread meanwhile
    harness.index.gate.set()
    followup = await harness.followup(payload)
    assert followup.query.get("wait") in ("1", "true")
    assert followup.json["flags"] == 64
    assert followup.json["allowed_mentions"] == NO_PINGS
    assert followup.json["embeds"][0]["fields"][0]["name"] == "1. Chapter 3 · Tokenization"
    assert "Share" in buttons(followup.json)


async def test_buttons_are_disabled_when_the_view_times_out(start_bot: StartBot):
    harness = await start_bot(view_timeout=0.2)
    payload = slash("ask", {"question": "tokens"}, user_id=harness.new_user())
    await harness.interact(payload)
    edit = await harness.fake.wait_for_request(
        "PATCH", f"/webhooks/{APP_ID}/{payload['token']}/messages/@original"
    )
    assert edit.json["allowed_mentions"] == NO_PINGS
    assert all(button["disabled"] for button in buttons(edit.json).values())


async def test_questions_are_not_logged_at_info(harness: Harness, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO)
    await harness.interact(
        slash("ask", {"question": "secretive tokens"}, user_id=harness.new_user())
    )
    assert "question from user" in caplog.text
    assert "secretive" not in caplog.text
    assert harness.fake.token not in caplog.text


# -- the message menu -------------------------------------------------------------------------


async def test_ask_the_lecture_menu_answers_the_message_text(harness: Harness):
    target = user_message("Can someone explain tokens? @everyone")
    callback = await harness.interact(
        message_command("Ask the lecture", target, user_id=harness.new_user())
    )
    [embed] = check_embeds(callback.data)
    assert embed["title"] == 'Answers to "Can someone explain tokens? @everyone"'
    assert callback.data["allowed_mentions"] == NO_PINGS


async def test_ask_the_lecture_trims_long_messages_and_refuses_empty_ones(harness: Harness):
    long_text = "tokens " * 800
    callback = await harness.interact(
        message_command("Ask the lecture", user_message(long_text), user_id=harness.new_user())
    )
    check_embeds(callback.data)
    asked = harness.index.calls[-1][0]
    assert len(asked) <= 300 and asked.endswith("…")
    empty = await harness.interact(
        message_command("Ask the lecture", user_message(""), user_id=harness.new_user())
    )
    assert empty.data == {
        "content": "That message has no text to ask about.",
        "flags": 64,
        "allowed_mentions": NO_PINGS,
    } or (empty.data["content"].startswith("That message") and empty.data["flags"] == 64)


# -- /chapter, /chapters ----------------------------------------------------------------------


async def test_chapter_shows_summary_key_points_and_browses(harness: Harness):
    user = harness.new_user()
    callback = await harness.interact(slash("chapter", {"number": 3}, user_id=user))
    [embed] = check_embeds(callback.data)
    assert embed["title"] == "Chapter 3 · Tokenization"
    assert embed["url"] == LINK.format(467)
    assert embed["description"].startswith("What chapter 3 (Tokenization) explains")
    assert embed["fields"] == [
        {
            "name": "Key points",
            "value": "• First point of Tokenization\n• Second point of Tokenization",
            "inline": False,
        },
        {"name": "Starts at", "value": f"[7:47]({LINK.format(467)})", "inline": True},
        {"name": "Length", "value": "6:40", "inline": True},
    ]
    assert embed["footer"]["text"] == "Deep Dive into LLMs like ChatGPT · chapter 3 of 4"
    message = harness.fake.messages[int(callback_message_id(harness, callback))]
    nxt = buttons(callback.data)["Next"]["custom_id"]
    page = await harness.interact(button_press(nxt, message, user_id=user))
    assert page.data["embeds"][0]["title"] == "Chapter 4 · Neural Network I/O"
    assert buttons(page.data)["Next"]["disabled"] is True


async def test_chapter_in_korean_and_out_of_range(harness: Harness):
    ko = await harness.interact(
        slash("chapter", {"number": 1}, user_id=harness.new_user(), locale="ko")
    )
    [embed] = ko.data["embeds"]
    assert embed["title"] == "1장 · 소개"
    assert [f["name"] for f in embed["fields"]] == ["핵심 내용", "시작", "길이"]
    assert buttons(ko.data)["이전"]["disabled"] is True
    bad = await harness.interact(slash("chapter", {"number": 24}, user_id=harness.new_user()))
    assert bad.data["flags"] == 64
    assert bad.data["content"] == "There is no chapter 24; pick one from 1 to 4."


@pytest.mark.parametrize(
    ("typed", "locale", "expected"),
    [
        ("tok", "en-US", [{"name": "3. Tokenization", "value": 3}]),
        ("4", "en-US", [{"name": "4. Neural Network I/O", "value": 4}]),
        ("토큰", "ko", [{"name": "3. 토큰화", "value": 3}]),
        ("", "en-US", None),
    ],
)
async def test_chapter_autocomplete(harness: Harness, typed: str, locale: str, expected):
    callback = await harness.interact(
        autocomplete("chapter", "number", typed, user_id=harness.new_user(), locale=locale)
    )
    assert callback.json["type"] == 8
    choices = callback.json["data"]["choices"]
    if expected is None:
        assert [c["value"] for c in choices] == [1, 2, 3, 4]
    else:
        assert choices == expected


async def test_ask_chapter_option_autocompletes_too(harness: Harness):
    payload = autocomplete(
        "ask", "chapter", "neural", {"question": "x"}, user_id=harness.new_user()
    )
    callback = await harness.interact(payload)
    assert callback.json["data"]["choices"] == [{"name": "4. Neural Network I/O", "value": 4}]


async def test_chapters_lists_every_chapter_with_links(harness: Harness):
    callback = await harness.interact(slash("chapters", user_id=harness.new_user()))
    [embed] = check_embeds(callback.data)
    assert embed["title"] == "Deep Dive into LLMs like ChatGPT: 4 chapters"
    assert embed["description"].splitlines() == [
        f"**1.** [0:00]({LINK.format(0)}) Introduction",
        f"**2.** [1:00]({LINK.format(60)}) Pretraining Data (Internet)",
        f"**3.** [7:47]({LINK.format(467)}) Tokenization",
        f"**4.** [14:27]({LINK.format(867)}) Neural Network I/O",
    ]


# -- /link ------------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["8:05", "485", "8m5s", " 0:08:05 "])
async def test_link_accepts_every_time_format(harness: Harness, written: str):
    callback = await harness.interact(slash("link", {"time": written}, user_id=harness.new_user()))
    [embed] = check_embeds(callback.data)
    assert embed["title"] == "The lecture at 8:05"
    assert embed["url"] == LINK.format(485)
    assert embed["description"] == f"[8:05]({LINK.format(485)})"
    assert embed["fields"][0]["value"].startswith(f"**3.** [7:47]({LINK.format(467)}) Tokenization")
    assert embed["fields"][1] == {
        "name": "What is said",
        "value": "At 480 seconds we cut text into tokens, and the tokens form a sequence.",
        "inline": False,
    }


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("99:99", "'99:99' is not a time."),
        ("abc", "'abc' is not a time."),
        ("3:00:00", "past the end"),
    ],
)
async def test_link_bad_time_is_a_clear_ephemeral_error_with_examples(
    harness: Harness, written: str, reason: str
):
    callback = await harness.interact(slash("link", {"time": written}, user_id=harness.new_user()))
    assert callback.data["flags"] == 64
    assert reason in callback.data["content"]
    if "not a time" in reason:
        assert "Try 2:07:30, 7:47, 7650, 2h7m30s" in callback.data["content"]
    assert callback.data["content"].count("2:07:30") <= 1  # examples said once


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("soon", "'soon'은(는) 시간으로 읽을 수 없어요."),
        ("3:00:00", "3:00:00은(는) 강의가 끝난 뒤예요"),
        ("https://youtu.be/T9aRN5JkmL8?t=30", "다른 영상(T9aRN5JkmL8)의 링크예요."),
    ],
)
async def test_link_bad_time_in_korean_has_no_english(harness: Harness, written, expected):
    callback = await harness.interact(
        slash("link", {"time": written}, user_id=harness.new_user(), locale="ko")
    )
    content = callback.data["content"]
    assert content.startswith(expected)
    assert not re.search(r"\b(?:is|not|the|lecture|Try)\b", content)  # no English sentence


# -- /help ------------------------------------------------------------------------------------


async def test_help_in_english_and_korean(harness: Harness):
    en = await harness.interact(slash("help", user_id=harness.new_user()))
    assert en.data["flags"] == 64
    [embed] = check_embeds(en.data)
    assert embed["title"] == "How to use the lecture bot"
    assert [f["name"] for f in embed["fields"]] == [
        "/ask",
        "/chapter · /chapters",
        "/link",
        "/quiz",
        "👍 / 👎 and your privacy",
    ]
    privacy = embed["fields"][-1]["value"]
    assert "kept 90 days" in privacy and "/privacy" in privacy
    ko = await harness.interact(
        slash("help", {"topic": "link"}, user_id=harness.new_user(), locale="ko")
    )
    [embed] = ko.data["embeds"]
    assert embed["title"] == "강의 봇 사용법"
    assert embed["description"].startswith('"LLM 심층 탐구"에 대해 물어보면')
    assert [f["name"] for f in embed["fields"]] == ["/link"]


# -- robustness -------------------------------------------------------------------------------


async def test_unknown_command_and_stray_button_do_not_crash_the_bot(harness: Harness):
    stale = await harness.interact(slash("retired-command", user_id=harness.new_user()))
    assert stale.data["flags"] == 64
    assert "out of date" in stale.data["content"]
    mark = harness.fake.mark()
    await harness.fake.dispatch(
        "INTERACTION_CREATE",
        button_press("no-such-button", user_message("old"), user_id=harness.new_user()),
    )
    ok = await harness.interact(slash("ask", {"question": "tokens"}, user_id=harness.new_user()))
    assert ok.json["type"] == 4
    assert not [r for r in harness.fake.requests[mark:] if "no-such" in str(r.body)]


async def test_malformed_interaction_payload_is_dropped_not_fatal(harness: Harness, caplog):
    await harness.fake.dispatch("INTERACTION_CREATE", {"id": "1", "type": 2})  # no token, no data
    callback = await harness.interact(
        slash("ask", {"question": "tokens"}, user_id=harness.new_user())
    )
    assert callback.json["type"] == 4
    assert "dropped a malformed interaction" in caplog.text


async def test_menu_shares_the_question_cooldown_with_ask(harness: Harness):
    user = harness.new_user()
    await harness.interact(slash("ask", {"question": "tokens"}, user_id=user))
    menu = await harness.interact(
        message_command("Ask the lecture", user_message("tokens?"), user_id=user, locale="ko")
    )
    assert menu.data["flags"] == 64
    assert menu.data["content"].startswith("잠시만요: 질문은 3초에 한 번")


async def test_bot_keeps_answering_after_the_gateway_drops(harness: Harness):
    before = harness.fake.gateway.connections
    await harness.fake.drop_connection()
    await harness.fake.wait_connected(resumed=1)
    resume = harness.fake.gateway.resumes[0]
    assert resume["session_id"] == harness.fake.session_id
    assert resume["token"] == harness.fake.token
    assert resume["seq"] >= 1
    assert harness.fake.gateway.connections == before + 1
    assert len(harness.fake.gateway.identifies) == 1  # resumed, not re-identified
    callback = await harness.interact(
        slash("ask", {"question": "tokens"}, user_id=harness.new_user())
    )
    assert callback.json["type"] == 4


async def test_rate_limited_callback_is_retried(harness: Harness):
    harness.fake.rate_limit_next["*"] = 0.05
    payload = slash("chapters", user_id=harness.new_user())
    callback = await harness.interact(payload)
    attempts = [r for r in harness.fake.requests if r.path == callback.path]
    assert [r.status for r in attempts] == [429, 200]
    assert attempts[0].body == attempts[1].body


async def test_guild_sync_publishes_localised_commands(harness: Harness):
    from bot.discord.runner import _sync

    count = await _sync(harness.bot, GUILD_ID)
    put = await harness.fake.wait_for_request("PUT", f"/guilds/{GUILD_ID}/commands")
    assert put.path == f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"
    assert count == len(put.body) == 11
    by_name = {command["name"]: command for command in put.body}
    assert by_name["Ask the lecture"]["type"] == 3
    assert by_name["Ask the lecture"]["name_localizations"] == {"ko": "강의에 질문하기"}
    ask = by_name["ask"]
    assert ask["description_localizations"] == {
        "ko": "강의에 질문하고 답이 나오는 순간을 찾아보세요."
    }
    question = next(o for o in ask["options"] if o["name"] == "question")
    assert question["max_length"] == 300 and question["required"] is True
    assert question["description_localizations"] == {"ko": "질문 (영어 또는 한국어)"}
    chapter = next(o for o in ask["options"] if o["name"] == "chapter")
    assert (chapter["min_value"], chapter["max_value"], chapter["autocomplete"]) == (1, 99, True)
    lecture = by_name["lecture"]
    assert lecture["default_member_permissions"] == 32  # Manage Server
    assert [option["name"] for option in lecture["options"]] == ["default"]
    topic = by_name["help"]["options"][0]
    assert topic["choices"][0]["name_localizations"] == {"ko": "질문하기"}
    quiz = by_name["quiz"]
    assert quiz["description_localizations"] == {
        "ko": "연습: 질문에 답하는 강의 장면을 골라 보세요."
    }
    assert [option["name"] for option in quiz["options"]] == ["chapter", "lecture", "private"]
    slash_commands = [command for command in put.body if command["type"] == 1]
    assert all(not command.get("name_localizations") for command in slash_commands)


async def test_global_sync_only_on_demand(harness: Harness):
    from bot.discord.runner import _sync

    await asyncio.wait_for(_sync(harness.bot, None), 5)
    put = await harness.fake.wait_for_request("PUT", f"/applications/{APP_ID}/commands")
    assert {c["name"] for c in put.body} == {
        "ask",
        "chapter",
        "chapters",
        "lecture",
        "lectures",
        "link",
        "quiz",
        "insights",
        "privacy",
        "help",
        "Ask the lecture",
    }


async def test_show_transcript_gives_anyone_the_full_passages_privately(harness: Harness):
    owner = harness.new_user()
    callback = await harness.interact(slash("ask", {"question": "tokens"}, user_id=owner))
    message = harness.fake.messages[int(callback_message_id(harness, callback))]
    transcript = buttons(callback.data)["Show transcript"]["custom_id"]
    for user, locale in ((owner, "en-US"), (harness.new_user(), "ko")):  # not only the asker
        shown = await harness.interact(
            button_press(transcript, message, user_id=user, locale=locale)
        )
        assert shown.data["flags"] == 64  # only for whoever pressed
        [embed] = shown.data["embeds"]
        assert len(embed["fields"]) == 3
        first = harness.index.answer("tokens", 9).hits[0]
        assert first.text.split()[0] in embed["fields"][0]["value"]
        if locale == "ko":
            assert embed["title"] == "이 장면들에서 하는 말"


async def test_a_data_problem_is_told_in_the_users_language(start_bot, fixed_index):
    from retrieval.errors import LectureDataError

    class BrokenIndex(type(fixed_index)):  # type: ignore[misc]
        def answer(self, *args, **kwargs):
            raise LectureDataError("the captions of chapter 3 cannot be read")

    harness = await start_bot(load_index=lambda: BrokenIndex(fixed_index.lecture))
    english = await harness.interact(
        slash("ask", {"question": "tokens"}, user_id=harness.new_user())
    )
    assert english.data["content"] == "the captions of chapter 3 cannot be read"
    korean = await harness.interact(
        slash("ask", {"question": "tokens"}, user_id=harness.new_user(), locale="ko")
    )
    assert korean.data["content"].startswith("강의 데이터에 봇이 스스로 고칠 수 없는 문제가")
