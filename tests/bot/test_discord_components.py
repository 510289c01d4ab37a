"""Buttons the bot no longer knows (an expired view, a message from before a restart, any
unknown custom_id) get an ephemeral "expired" note in the user's language, never silence."""

from __future__ import annotations

import pytest
from discord_harness import Harness, StartBot, buttons, callback_message_id
from fake_discord import APP_ID, button_press, slash, user_message

from bot.discord.i18n import t


async def _press(harness: Harness, custom_id: str, message: dict, **kwargs) -> dict:
    """Press a button and return the bot's callback (the body of its POST)."""
    callback = await harness.interact(
        button_press(
            custom_id, message, user_id=kwargs.pop("user_id", harness.new_user()), **kwargs
        )
    )
    return callback.json


@pytest.mark.parametrize(
    ("locale", "lang"), [("en-US", "en"), ("en-GB", "en"), ("ko", "ko")], ids=["en", "en-GB", "ko"]
)
async def test_unknown_button_says_the_answer_expired(harness: Harness, locale: str, lang: str):
    reply = await _press(harness, "no-such-button", user_message("an old answer"), locale=locale)
    assert reply["type"] == 4
    assert reply["data"]["flags"] == 64  # ephemeral: only the presser sees it
    assert reply["data"]["content"] == t("expired", lang)
    assert reply["data"]["allowed_mentions"] == {"parse": []}


def test_expired_text_in_both_languages():
    assert t("expired", "en") == "This answer has expired — ask again with /ask."
    assert "/ask" in t("expired", "ko") and t("expired", "ko") != t("expired", "en")


async def test_button_from_before_a_restart_says_expired(harness: Harness):
    # Our own id scheme, but another process's tag: the view died with that process.
    reply = await _press(harness, "lecture-bot:0badcafe:7:next", user_message("old answer"))
    assert reply["data"]["content"] == t("expired", "en")


async def test_button_of_a_timed_out_view_says_expired(start_bot: StartBot):
    harness = await start_bot(view_timeout=0.2)
    user = harness.new_user()
    payload = slash("ask", {"question": "tokens"}, user_id=user)
    callback = await harness.interact(payload)
    more = buttons(callback.data)["More results"]
    # The view timed out: its buttons were disabled in the message and it left the store.
    await harness.fake.wait_for_request(
        "PATCH", f"/webhooks/{APP_ID}/{payload['token']}/messages/@original"
    )
    message = harness.fake.messages[int(callback_message_id(harness, callback))]
    reply = await _press(harness, more["custom_id"], message, user_id=user, locale="ko")
    assert reply["type"] == 4 and reply["data"]["flags"] == 64
    assert reply["data"]["content"] == t("expired", "ko")


async def test_live_buttons_still_work_and_are_not_called_expired(harness: Harness):
    user = harness.new_user()
    callback = await harness.interact(slash("ask", {"question": "tokens"}, user_id=user))
    more = buttons(callback.data)["More results"]
    message = harness.fake.messages[int(callback_message_id(harness, callback))]
    reply = await _press(harness, more["custom_id"], message, user_id=user)
    assert reply["type"] == 7  # the page turned (UPDATE_MESSAGE)
    assert t("expired", "en") not in str(reply)
    # Someone else's press is refused as before, not called expired.
    other = await _press(harness, more["custom_id"], message)
    assert other["data"]["content"] == t("not_yours", "en")
