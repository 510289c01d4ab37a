"""/chapter (with autocomplete and previous/next) and /chapters."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import embeds
from bot.discord.cogs.lectures import lecture_choices, resolve_lecture, server_default
from bot.discord.i18n import Lang, lang_of, t
from bot.discord.views import ChapterPages, Paginator, reply

if TYPE_CHECKING:
    from bot.discord.client import LectureBot
    from retrieval.lecture import Catalog

MAX_CHOICES, CHOICE_LENGTH = 25, 100


def chapter_choices(catalog: Catalog, current: str, lang: Lang) -> list[app_commands.Choice[int]]:
    """Autocomplete: chapters whose number starts with, or whose title (in `lang` or English)
    contains, what the user typed; at most 25 choices of at most 100 characters."""
    typed = " ".join(current.split()).casefold()
    matches = []
    for chapter in catalog.chapters:
        titles = (chapter.display_title(lang).casefold(), chapter.title.casefold())
        if not typed or str(chapter.number).startswith(typed) or any(typed in x for x in titles):
            name = f"{chapter.number}. {chapter.display_title(lang)}"
            matches.append(
                app_commands.Choice(name=embeds.trim(name, CHOICE_LENGTH), value=chapter.number)
            )
    return matches[:MAX_CHOICES]


async def chapters_of_the_lecture(
    bot: LectureBot, interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[int]]:
    """Chapter suggestions from the lecture the user named in the command, else the server's
    default lecture, else the first one."""
    named = getattr(interaction.namespace, "lecture", None)
    course = bot.course
    if not (isinstance(named, str) and named in course.ids):
        named = await server_default(bot, interaction.guild_id)
    catalog = course.catalog(named) if named in course.ids else bot.catalog
    return chapter_choices(catalog, str(current), lang_of(interaction.locale))


class Chapters(commands.Cog):
    def __init__(self, bot: LectureBot):
        self.bot = bot

    @app_commands.command(name="chapter")
    @app_commands.describe(
        number="Chapter number; type a number or part of the title",
        lecture="The lecture (default: this server's default lecture)",
        private="Only you see the answer (default: everyone in the channel)",
    )
    async def chapter(
        self,
        interaction: discord.Interaction,
        number: app_commands.Range[int, 1, 99],
        lecture: app_commands.Range[str, 1, 100] | None = None,
        private: bool = False,
    ) -> None:
        """Show one chapter: summary, key points and where it starts."""
        lang = lang_of(interaction.locale)
        chosen = await resolve_lecture(self.bot, interaction, lecture)
        if chosen is None:
            return
        catalog = chosen.catalog
        if not 1 <= number <= len(catalog.chapters):  # validate what autocomplete suggested
            text = t("no_chapter", lang, number=number, count=len(catalog.chapters))
            await reply(interaction, content=text, ephemeral=True)
            return
        pages = ChapterPages(catalog)
        view = Paginator(
            pages,
            owner_id=interaction.user.id,
            lang=lang,
            page=pages.first_page_of(number),
            timeout=self.bot.view_timeout,
        )
        view.message = await reply(
            interaction, embed=view.current_embed(), view=view, ephemeral=private
        )

    @chapter.autocomplete("number")
    async def chapter_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        return await chapters_of_the_lecture(self.bot, interaction, current)

    @app_commands.command(name="chapters")
    @app_commands.describe(
        lecture="The lecture (default: this server's default lecture)",
        private="Only you see the answer (default: everyone in the channel)",
    )
    async def chapters(
        self,
        interaction: discord.Interaction,
        lecture: app_commands.Range[str, 1, 100] | None = None,
        private: bool = False,
    ) -> None:
        """List every chapter with a link to where it starts."""
        lang = lang_of(interaction.locale)
        chosen = await resolve_lecture(self.bot, interaction, lecture)
        if chosen is None:
            return
        embed = embeds.chapters_embed(chosen.catalog, lang)
        await reply(interaction, embed=embed, ephemeral=private)

    @chapter.autocomplete("lecture")
    @chapters.autocomplete("lecture")
    async def lecture_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return lecture_choices(self.bot.course, str(current), lang_of(interaction.locale))


async def setup(bot: LectureBot) -> None:
    await bot.add_cog(Chapters(bot))
