"""Buttons: a paginator whose data source (`PageSource.format_page`) is apart from its controls.

Only the person who asked may press (others get an ephemeral refusal in `interaction_check`);
buttons are disabled at the edges and when the view times out.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import logging
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import discord

from bot.discord import embeds
from bot.discord.i18n import Lang, lang_of, t

if TYPE_CHECKING:
    from retrieval.lecture import Catalog
    from retrieval.results import Answer

log = logging.getLogger(__name__)
NO_MENTIONS = discord.AllowedMentions.none()
TIMELINE_FILE = "timeline.png"  # the answer's picture (bot/timeline.py), as attached


def timeline_file(png: bytes) -> discord.File:
    """The timeline picture as an attachment (a new one for each message: a sent File is
    consumed)."""
    return discord.File(io.BytesIO(png), filename=TIMELINE_FILE)


class PageSource(Protocol):
    """What a paginator shows: a number of pages and how to draw one."""

    def page_count(self) -> int: ...

    def format_page(self, page: int, lang: Lang) -> discord.Embed: ...


class AnswerPages:
    """An answer's hits, `per_page` at a time.

    With `more`, `answer` may hold just the first page and one hit beyond (proof that there is
    a second page): `more()` fetches the whole answer the first time a later page is shown.
    Most students never press "More results", and ranking three moments instead of nine is
    the larger part of answering a question."""

    def __init__(
        self,
        answer: Answer,
        catalog: Catalog,
        per_page: int = embeds.PER_PAGE,
        more: Callable[[], Answer] | None = None,
        lectures: bool = False,
        timeline: bytes | None = None,
    ):
        self.answer, self.catalog, self.per_page = answer, catalog, per_page
        self.lectures = lectures  # the course has several: each hit names its lecture
        self._more = more if len(answer.hits) > per_page else None
        # The picture of where the first page's hits are: every page shows it (an edited
        # message keeps its attachment), so the answer does not jump when paged.
        self.timeline = timeline

    def attachments(self) -> list[discord.File]:
        """The files a message of these pages must carry for its embed's image."""
        return [timeline_file(self.timeline)] if self.timeline else []

    def page_count(self) -> int:
        return embeds.page_count(self.answer, self.per_page)

    def transcript_page(self, page: int, lang: Lang) -> discord.Embed:
        """The full passages of a page's hits (the answer shows a quote of each)."""
        hits = self.answer.hits[page * self.per_page : (page + 1) * self.per_page]
        return embeds.transcript_embed(hits, lang)

    async def prepare(self, page: int) -> None:
        """Fetch the whole answer, off the event loop, the first time a later page is shown."""
        if page > 0 and self._more is not None:
            self.answer, self._more = await asyncio.to_thread(self._more), None

    def format_page(self, page: int, lang: Lang) -> discord.Embed:
        if page > 0 and self._more is not None:
            self.answer, self._more = self._more(), None
        embed = embeds.answer_embed(
            self.answer,
            self.catalog,
            lang,
            page,
            self.per_page,
            more=self._more is not None,
            lectures=self.lectures,
        )
        if self.timeline:
            embed.set_image(url=f"attachment://{TIMELINE_FILE}")
        return embed


class ChapterPages:
    """The catalog's chapters in order: each chapter's page (summary, key points, its first
    key moments), then pages of the rest of its key moments."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.pages = [
            (chapter.number, part)
            for chapter in catalog.chapters
            for part in range(1 + embeds.moment_page_count(catalog, chapter.number))
        ]

    def first_page_of(self, number: int) -> int:
        return self.pages.index((number, 0))

    def page_count(self) -> int:
        return len(self.pages)

    def format_page(self, page: int, lang: Lang) -> discord.Embed:
        number, part = self.pages[page]
        chapter = self.catalog.chapter(number)
        if part == 0:
            return embeds.chapter_embed(chapter, self.catalog, lang)
        return embeds.chapter_moments_embed(chapter, self.catalog, lang, part)


async def reply(
    interaction: discord.Interaction, *, ephemeral: bool = False, **kwargs: Any
) -> discord.InteractionMessage | discord.WebhookMessage | None:
    """Send a message for `interaction`: the response if none was sent yet, else a followup.

    Returns the message when Discord reports it (to edit it later), never pinging anyone.
    """
    kwargs["allowed_mentions"] = NO_MENTIONS
    kwargs = {key: value for key, value in kwargs.items() if value is not None}
    if interaction.response.is_done():
        return await interaction.followup.send(ephemeral=ephemeral, wait=True, **kwargs)
    callback = await interaction.response.send_message(ephemeral=ephemeral, **kwargs)
    resource = callback.resource if callback is not None else None
    return resource if isinstance(resource, discord.InteractionMessage) else None


async def answer_expired(interaction: discord.Interaction) -> None:
    """Answer a button nobody knows any more (its view timed out, its message is from before a
    restart, or the id was never ours): an ephemeral note in the presser's language to ask
    again, rather than Discord's "This interaction failed"."""
    try:
        await interaction.response.send_message(
            t("expired", lang_of(interaction.locale)),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
    except discord.HTTPException as error:
        log.warning("could not answer an expired button: %s", error)


# Buttons declare a name as their custom_id and each view makes it unique: left without one,
# discord.py draws every button's id from os.urandom, a measurable cost per answer.
_PROCESS_TAG = secrets.token_hex(4)
_view_numbers = itertools.count()


class OwnedView(discord.ui.View):
    """A view only its owner may use; disables its buttons on timeout."""

    def __init__(self, *, owner_id: int, lang: Lang, timeout: float | None = 180.0):
        super().__init__(timeout=timeout)
        number = next(_view_numbers)
        for item in self.children:
            if isinstance(item, discord.ui.Button) and item.custom_id is not None:
                item.custom_id = f"lecture-bot:{_PROCESS_TAG}:{number}:{item.custom_id}"
        self.owner_id = owner_id
        self.lang = lang
        self.message: discord.InteractionMessage | discord.WebhookMessage | None = None

    #: Buttons anyone may press (what they show is private to whoever presses).
    open_to_all: frozenset[str] = frozenset()
    #: The message (its key in the catalogue) that refuses anyone else.
    refusal: str = "not_yours"

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        data: dict[str, Any] = dict(interaction.data or {})
        custom_id = str(data.get("custom_id", ""))
        if interaction.user.id == self.owner_id or custom_id.split(":")[-1] in self.open_to_all:
            return True
        await interaction.response.send_message(
            t(self.refusal, lang_of(interaction.locale)),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
        return False

    def disable_all(self) -> None:
        """Disable the view's own buttons. Dynamic items (votes) keep working: they are
        understood from their custom id alone, after a timeout and after a restart."""
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True

    async def on_timeout(self) -> None:
        self.disable_all()
        if self.message is None:
            return
        try:
            await self.message.edit(view=self, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as error:
            log.debug("could not disable buttons after timeout: %s", error)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        log.error("button %r failed", getattr(item, "custom_id", item), exc_info=error)
        lang = lang_of(interaction.locale)
        try:
            await reply(interaction, content=t("error_generic", lang), ephemeral=True)
        except discord.HTTPException:
            log.warning("could not report a button error to the user")


class Paginator(OwnedView):
    """Previous / next (or "More results") over a `PageSource`, plus "Share" for private
    answers, which posts the current page publicly, and "Show transcript" for a source that
    has the full passages (`transcript_page`), shown to whoever asks, only to them."""

    open_to_all = frozenset({"transcript"})

    def __init__(
        self,
        source: PageSource,
        *,
        owner_id: int,
        lang: Lang,
        page: int = 0,
        next_label: str = "next",
        shareable: bool = False,
        timeout: float | None = 180.0,
    ):
        super().__init__(owner_id=owner_id, lang=lang, timeout=timeout)
        self.source = source
        self.page = page
        self.previous_page.label = t("previous", lang)
        self.next_page.label = t(next_label, lang)
        self.share.label = t("share", lang)
        self.transcript.label = t("show_transcript", lang)
        if not shareable:
            self.remove_item(self.share)
        if getattr(source, "transcript_page", None) is None:
            self.remove_item(self.transcript)
        self._update_buttons()

    @property
    def needed(self) -> bool:
        """Whether the view has anything to offer (more than one page, or sharing)."""
        return (
            self.source.page_count() > 1
            or any(button in self.children for button in (self.share, self.transcript))
            or any(isinstance(item, discord.ui.DynamicItem) for item in self.children)
        )

    def current_embed(self) -> discord.Embed:
        return self.source.format_page(self.page, self.lang)

    def _update_buttons(self) -> None:
        self.previous_page.disabled = self.page <= 0
        self.next_page.disabled = self.page >= self.source.page_count() - 1
        if self.source.page_count() <= 1:
            self.remove_item(self.previous_page)
            self.remove_item(self.next_page)

    async def show_page(self, interaction: discord.Interaction, page: int) -> None:
        self.page = max(0, min(page, self.source.page_count() - 1))
        prepare = getattr(self.source, "prepare", None)
        if prepare is not None:
            await prepare(self.page)
        embed = self.current_embed()  # first: drawing a page may reveal more pages
        self._update_buttons()
        for item in self.children:  # votes are about the page shown
            if isinstance(item, discord.ui.DynamicItem) and hasattr(item, "turn_to"):
                item.turn_to(self.page)
        await interaction.response.edit_message(
            embed=embed, view=self, allowed_mentions=NO_MENTIONS
        )

    @discord.ui.button(
        label="Previous", custom_id="previous", style=discord.ButtonStyle.secondary, row=0
    )
    async def previous_page(
        self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]
    ) -> None:
        await self.show_page(interaction, self.page - 1)

    @discord.ui.button(label="Next", custom_id="next", style=discord.ButtonStyle.primary, row=0)
    async def next_page(
        self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]
    ) -> None:
        await self.show_page(interaction, self.page + 1)

    @discord.ui.button(
        label="Show transcript", custom_id="transcript", style=discord.ButtonStyle.secondary, row=0
    )
    async def transcript(
        self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]
    ) -> None:
        lang = lang_of(interaction.locale)
        embed = self.source.transcript_page(self.page, lang)  # type: ignore[attr-defined]
        await interaction.response.send_message(
            embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @discord.ui.button(label="Share", custom_id="share", style=discord.ButtonStyle.success, row=0)
    async def share(self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]):
        embed = self.source.format_page(self.page, self.lang)
        # A new message: it needs its own copy of the picture its embed shows.
        files = self.source.attachments() if isinstance(self.source, AnswerPages) else []
        await interaction.response.send_message(
            content=t("shared_by", self.lang, user=interaction.user.mention),
            embed=embed,
            files=files or discord.utils.MISSING,
            allowed_mentions=NO_MENTIONS,
        )
        button.disabled = True
        if self.message is not None:
            try:
                await self.message.edit(view=self, allowed_mentions=NO_MENTIONS)
            except discord.HTTPException as error:
                log.debug("could not disable the share button: %s", error)
