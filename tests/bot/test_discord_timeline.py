"""/ask answers carry a picture of where the topic lives: a PNG attached to the reply, shown as
the embed's image, kept when paging and re-attached when a private answer is shared. Through
the fake Discord, over the fixed retriever and over the real lecture."""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest
from discord_harness import (
    Harness,
    StartBot,
    buttons,
    callback_message_id,
    check_embeds,
    embed_characters,
)
from fake_discord import Request, button_press, slash
from PIL import Image

from bot.timeline import HEIGHT, WIDTH

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
IMAGE = "attachment://timeline.png"


async def reply_request(harness: Harness, payload: dict[str, Any]) -> Request:
    """The request that carried the bot's answer: its callback, or the followup after a
    deferral."""
    mark = harness.fake.mark()
    callback = await harness.interact(payload)
    if callback.json["type"] != 5:
        return callback
    return await harness.followup(payload, after=mark)


def answer_data(request: Request) -> dict[str, Any]:
    return request.data if request.json.get("type") else request.json


def check_timeline(request: Request) -> bytes:
    """The one timeline.png a message carries, checked: a real PNG of about 800 × 120 that
    the embed shows as its image."""
    [upload] = request.files
    assert upload.field == "files[0]"
    assert upload.filename == "timeline.png"
    assert upload.data.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(upload.data)) as image:
        assert image.format == "PNG"
        assert image.size == (WIDTH, HEIGHT) == (800, 120)
    data = answer_data(request)
    assert data["attachments"] == [{"id": 0, "filename": "timeline.png"}]
    [embed] = check_embeds(data)
    assert embed["image"]["url"] == IMAGE
    return upload.data


async def test_answer_attaches_the_timeline_and_shows_it(harness: Harness):
    request = await reply_request(harness, slash("ask", {"question": "tokens"}, user_id=1))
    check_timeline(request)
    # The fake made the attachment Discord would: the message the bot gets back has it.
    message = harness.fake.messages[int(callback_message_id(harness, request))]
    [attachment] = message["attachments"]
    assert attachment["filename"] == "timeline.png"
    assert attachment["size"] == len(request.files[0].data)


async def test_a_deferred_answer_carries_the_picture_in_its_followup(start_bot: StartBot):
    harness = await start_bot(defer_after=0.05)
    harness.index.gate = threading.Event()
    payload = slash("ask", {"question": "tokens"}, user_id=harness.new_user())
    deferred = await harness.interact(payload)
    assert deferred.json["type"] == 5
    harness.index.gate.set()
    followup = await harness.followup(payload)
    check_timeline(followup)


async def test_no_match_has_no_picture(harness: Harness):
    request = await reply_request(
        harness, slash("ask", {"question": "sourdough bread baking"}, user_id=harness.new_user())
    )
    [embed] = check_embeds(answer_data(request))
    assert embed["title"] == "No good match"
    assert request.files == []
    assert "image" not in embed
    assert "attachments" not in answer_data(request)


async def test_where_the_bot_may_not_attach_files_the_answer_comes_without_its_picture(
    harness: Harness,
):
    import discord

    allowed = discord.Permissions.all()
    allowed.attach_files = False
    payload = slash("ask", {"question": "what are tokens"}, user_id=harness.new_user())
    payload["app_permissions"] = str(allowed.value)
    request = await reply_request(harness, payload)
    [embed] = check_embeds(answer_data(request))
    assert embed["fields"]  # answered
    assert request.files == [] and "image" not in embed


async def test_paging_keeps_the_picture(harness: Harness):
    user = harness.new_user()
    callback = await harness.interact(slash("ask", {"question": "tokens"}, user_id=user))
    check_timeline(callback)
    message = harness.fake.messages[int(callback_message_id(harness, callback))]
    more = buttons(callback.data)["More results"]["custom_id"]
    page2 = await harness.interact(button_press(more, message, user_id=user))
    assert page2.json["type"] == 7
    [embed] = check_embeds(page2.data)
    assert embed["fields"][0]["name"].startswith("4. ")
    # The edit names no attachments, so Discord keeps the one the message has, which the
    # embed still shows: the picture stays where it was.
    assert "attachments" not in page2.data
    assert page2.files == []
    assert embed["image"]["url"] == IMAGE


async def test_sharing_a_private_answer_posts_its_own_copy_of_the_picture(harness: Harness):
    user = harness.new_user()
    payload = slash("ask", {"question": "tokens", "private": True}, user_id=user)
    callback = await harness.interact(payload)
    assert callback.data["flags"] == 64
    picture = check_timeline(callback)
    message = harness.fake.messages[int(callback_message_id(harness, callback))]
    share = buttons(callback.data)["Share"]["custom_id"]
    shared = await harness.interact(button_press(share, message, user_id=user))
    assert not shared.data.get("flags")  # public
    assert check_timeline(shared) == picture


async def test_the_menu_answer_has_the_picture_too(harness: Harness):
    from fake_discord import message_command, user_message

    target = user_message("how are tokens made")
    request = await reply_request(
        harness, message_command("Ask the lecture", target, user_id=harness.new_user())
    )
    check_timeline(request)


@pytest.fixture
async def real(start_bot: StartBot, real_index):
    return await start_bot(load_index=lambda: real_index)


@pytest.mark.parametrize(
    ("question", "locale"),
    [
        ("what is supervised fine-tuning and why do we need it", "en-US"),
        ("환각을 줄이는 방법이 뭐야?", "ko"),
    ],
)
async def test_real_answer_has_the_picture_and_stays_short(
    real: Harness, real_index, question: str, locale: str
):
    request = await reply_request(
        real, slash("ask", {"question": question}, user_id=real.new_user(), locale=locale)
    )
    check_timeline(request)
    [embed] = check_embeds(answer_data(request))
    assert len(embed["fields"]) == 3
    assert embed_characters(embed) < 1500
