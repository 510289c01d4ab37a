"""/ask and the "Ask the lecture" message menu: questions answered with the lecture's moments."""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import embeds
from bot.discord.client import question_check
from bot.discord.cogs.chapters import chapter_choices
from bot.discord.cogs.lectures import lecture_choices
from bot.discord.i18n import lang_of, t
from bot.discord.views import AnswerPages, Paginator, reply

if TYPE_CHECKING:
    from bot.discord.client import LectureBot
    from retrieval.lecture import Catalog

log = logging.getLogger(__name__)

MAX_QUESTION = 300
#: Hits "More results" pages through, three at a time.
MAX_HITS = 9


class Ask(commands.Cog):
    def __init__(self, bot: LectureBot):
        self.bot = bot
        # Context menus cannot be declared inside a cog with a decorator: build one by hand.
        self.ask_menu = app_commands.ContextMenu(name="Ask the lecture", callback=self.ask_message)
        self.ask_menu.checks.append(question_check)
        self.bot.tree.add_command(self.ask_menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.ask_menu.name, type=self.ask_menu.type)

    @app_commands.command(name="ask")
    @app_commands.describe(
        question="Your question, in English or Korean",
        lecture="Only search this lecture (default: every lecture of the course)",
        chapter="Only search this chapter (its number)",
        private="Only you see the answer (default: everyone in the channel)",
    )
    @app_commands.check(question_check)
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, MAX_QUESTION],
        lecture: app_commands.Range[str, 1, 100] | None = None,
        chapter: app_commands.Range[int, 1, 99] | None = None,
        private: bool = False,
    ) -> None:
        """Ask the lecture a question and get the moments that answer it."""
        lang = lang_of(interaction.locale)
        question = " ".join(str(question).split())
        if len(question) > MAX_QUESTION:  # Discord enforces it; a forged payload may not
            text = t("too_long", lang, limit=MAX_QUESTION, length=len(question))
            await reply(interaction, content=text, ephemeral=True)
            return
        if lecture is not None and lecture not in self.bot.course.ids:
            await reply(interaction, content=t("no_lecture", lang), ephemeral=True)
            return
        await self.answer(interaction, question, chapter=chapter, lecture=lecture, private=private)

    @ask.autocomplete("lecture")
    async def ask_lecture_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return lecture_choices(self.bot.course, str(current), lang_of(interaction.locale))

    @ask.autocomplete("chapter")
    async def ask_chapter_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        catalog = _catalog_named(self.bot, getattr(interaction.namespace, "lecture", None))
        return chapter_choices(catalog, str(current), lang_of(interaction.locale))

    async def ask_message(self, interaction: discord.Interaction, message: discord.Message):
        lang = lang_of(interaction.locale)
        question = " ".join(message.content.split())
        if not question:
            await reply(interaction, content=t("empty_message", lang), ephemeral=True)
            return
        await self.answer(interaction, embeds.trim(question, MAX_QUESTION), chapter=None)

    async def answer(
        self,
        interaction: discord.Interaction,
        question: str,
        *,
        chapter: int | None,
        lecture: str | None = None,
        private: bool = False,
    ) -> None:
        """Search off the event loop and reply with the first page of hits (or suggestions).
        A chapter is one of `lecture` (the first lecture's when none is named)."""
        lang = lang_of(interaction.locale)
        catalog = _catalog_named(self.bot, lecture)
        if chapter is not None and not 1 <= chapter <= len(catalog.chapters):
            text = t("no_chapter", lang, number=chapter, count=len(catalog.chapters))
            await reply(interaction, content=text, ephemeral=True)
            return
        log.info(
            "question from user %s (%d characters, chapter %s)",
            interaction.user.id,
            len(question),
            chapter,
        )
        index = self.bot.index
        assert index is not None
        # The first page and one hit more (so "More results" knows it has a page to show);
        # the rest only when asked for.
        result = await self.bot.think(
            interaction,
            index.answer,
            question,
            embeds.PER_PAGE + 1,
            chapter,
            lecture,
            ephemeral=private,
        )
        if not result.found:
            embed = embeds.no_match_embed(result, catalog, lang)
            await reply(interaction, embed=embed, ephemeral=private)
            return
        view = Paginator(
            AnswerPages(
                result,
                catalog,
                more=functools.partial(index.answer, question, MAX_HITS, chapter, lecture),
                lectures=len(self.bot.course.lectures) > 1,
            ),
            owner_id=interaction.user.id,
            lang=lang,
            next_label="more_results",
            shareable=private,
            timeout=self.bot.view_timeout,
        )
        if not view.needed:
            await reply(interaction, embed=view.current_embed(), ephemeral=private)
            view.stop()
            return
        view.message = await reply(
            interaction, embed=view.current_embed(), view=view, ephemeral=private
        )


def _catalog_named(bot: LectureBot, lecture: object) -> Catalog:
    """The catalog of the lecture a user named (a submitted value, so checked), else the
    course's first lecture's."""
    if isinstance(lecture, str) and lecture in bot.course.ids:
        return bot.course.catalog(lecture)
    return bot.catalog


async def setup(bot: LectureBot) -> None:
    await bot.add_cog(Ask(bot))
