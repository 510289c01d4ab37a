"""👍 / 👎 under answers, kept in the database, and a "what were you looking for?" box after 👎.

The buttons are `DynamicItem`s: their custom id carries the logged question and the page
(`lecture-bot:vote:<question>:<page>:<up|down>`), so a press is understood from the id alone —
also on a message sent before the bot restarted, and after the answer's other buttons expired.
Anyone who sees the answer may vote; each user has one vote per answer, and a new one replaces
it. Users are stored only as `Store.user_hash`. When the database cannot be written the vote
is refused politely and nothing else changes.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot.discord.i18n import Lang, lang_of, t
from bot.discord.views import NO_MENTIONS
from bot.store import MAX_COMMENT, StoreError

if TYPE_CHECKING:
    from bot.discord.client import LectureBot
    from bot.store import Store

log = logging.getLogger(__name__)
VOTE_ROW = 1  # under the answer's own buttons (row 0)
#: Discord wants the first response to a press within 3 s; a locked database (its busy timeout
#: is 5 s) must not make the voter wait for "This interaction failed".
VOTE_WAIT = 2.0


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"lecture-bot:vote:(?P<question>[0-9]{1,18}):(?P<page>[0-9]{1,2}):(?P<way>up|down)",
):
    def __init__(self, question_id: int, page: int, up: bool):
        self.question_id, self.page, self.up = question_id, page, up
        super().__init__(
            discord.ui.Button(
                emoji="👍" if up else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=vote_id(question_id, page, up),
                row=VOTE_ROW,
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> VoteButton:
        return cls(int(match["question"]), int(match["page"]), match["way"] == "up")

    def turn_to(self, page: int) -> None:
        """Votes from now on are about `page` of the answer."""
        self.page = page
        self.item.custom_id = vote_id(self.question_id, page, self.up)

    async def callback(self, interaction: discord.Interaction) -> None:
        lang = lang_of(interaction.locale)
        bot: LectureBot = interaction.client  # type: ignore[assignment]
        store = bot.store
        if store is None:
            await _say(interaction, t("vote_unavailable", lang))
            return
        voter = store.user_hash(interaction.user.id)
        value = 1 if self.up else -1
        try:
            kept = await asyncio.wait_for(
                asyncio.to_thread(store.vote, self.question_id, voter, value, self.page), VOTE_WAIT
            )
        except (StoreError, TimeoutError) as error:
            log.warning("vote not saved: %s", error or "the database took too long")
            await _say(interaction, t("vote_unavailable", lang))
            return
        if not kept:  # the question left the log (retention, or the server's opt-out)
            await _say(interaction, t("vote_gone", lang))
        elif self.up:
            await _say(interaction, t("vote_up_thanks", lang))
        else:
            await interaction.response.send_modal(LookingFor(store, self.question_id, voter, lang))


def vote_id(question_id: int, page: int, up: bool) -> str:
    return f"lecture-bot:vote:{question_id}:{page}:{'up' if up else 'down'}"


def vote_buttons(question_id: int, page: int = 0) -> list[VoteButton]:
    return [VoteButton(question_id, page, up=True), VoteButton(question_id, page, up=False)]


class LookingFor(discord.ui.Modal):
    """After 👎: what the student was looking for (optional, one short paragraph)."""

    def __init__(self, store: Store, question_id: int, voter: str, lang: Lang):
        super().__init__(
            title=t("looking_for_title", lang),
            custom_id=f"lecture-bot:looking-for:{question_id}",
            timeout=600,
        )
        self.store, self.question_id, self.voter, self.lang = store, question_id, voter, lang
        self.text: discord.ui.TextInput[LookingFor] = discord.ui.TextInput(
            label=t("looking_for_label", lang),
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=MAX_COMMENT,
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        text = str(self.text.value or "")
        if text.strip():
            try:
                await asyncio.to_thread(self.store.comment, self.question_id, self.voter, text)
            except StoreError as error:
                log.warning("comment not saved: %s", error)
                await _say(interaction, t("vote_unavailable", self.lang))
                return
        await _say(interaction, t("vote_down_thanks", self.lang))


async def _say(interaction: discord.Interaction, text: str) -> None:
    await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
