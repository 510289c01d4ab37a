"""/lectures, /lecture default, and choosing a lecture for the other commands.

A command that needs one lecture (/chapter, /chapters) takes the one named, else the server's
default (set by its admins with /lecture default, kept in the database), else the course's
only lecture; with several and no default it asks the user to pick one.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import embeds
from bot.discord.i18n import Lang, lang_of, t
from bot.discord.views import reply
from bot.store import StoreError

if TYPE_CHECKING:
    from bot.discord.client import LectureBot
    from retrieval.course import Course
    from retrieval.lecture import Lecture

log = logging.getLogger(__name__)
MAX_CHOICES, CHOICE_LENGTH = 25, 100


def lecture_choices(course: Course, current: str, lang: Lang) -> list[app_commands.Choice[str]]:
    """Autocomplete: lectures whose id or title (in `lang` or English) contains what was
    typed; the title in the user's language is what they see."""
    typed = " ".join(current.split()).casefold()[:CHOICE_LENGTH]
    choices = []
    for lecture in course.lectures:
        catalog = lecture.catalog
        title = catalog.title_ko if lang == "ko" and catalog.title_ko else catalog.title
        names = (catalog.lecture_id, title.casefold(), catalog.title.casefold())
        if not typed or any(typed in name for name in names):
            choices.append(
                app_commands.Choice(
                    name=embeds.trim(title, CHOICE_LENGTH), value=catalog.lecture_id
                )
            )
    return choices[:MAX_CHOICES]


async def resolve_lecture(
    bot: LectureBot, interaction: discord.Interaction, named: str | None
) -> Lecture | None:
    """The lecture a command is about (see the module docstring), or None after telling the
    user what to do (an unknown lecture, or several and no default)."""
    lang = lang_of(interaction.locale)
    course = bot.course
    if named is not None:
        try:
            return course.lecture(named)
        except KeyError:
            await reply(interaction, content=t("no_lecture", lang), ephemeral=True)
            return None
    if len(course.lectures) == 1:
        return course.default
    default = await server_default(bot, interaction.guild_id)
    if default is not None and default in course.ids:
        return course.lecture(default)
    await reply(interaction, content=t("which_lecture", lang), ephemeral=True)
    return None


async def server_default(bot: LectureBot, guild_id: int | None) -> str | None:
    """The server's default lecture; None without a server, a database or a choice."""
    if guild_id is None or bot.store is None:
        return None
    try:
        return await asyncio.to_thread(bot.store.default_lecture, guild_id)
    except StoreError as error:
        log.warning("%s", error)
        return None


class Lectures(commands.Cog):
    lecture = app_commands.Group(
        name="lecture",
        description="Settings for the lectures of this server.",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: LectureBot):
        self.bot = bot

    @app_commands.command(name="lectures")
    async def lectures(self, interaction: discord.Interaction) -> None:
        """List the lectures of the course with their lengths and links."""
        lang = lang_of(interaction.locale)
        default = await server_default(self.bot, interaction.guild_id)
        embed = embeds.lectures_embed(self.bot.course, lang, default)
        await reply(interaction, embed=embed)

    @lecture.command(name="default")
    @app_commands.describe(lecture="The lecture /chapter and /chapters show when none is named")
    async def set_default(self, interaction: discord.Interaction, lecture: str) -> None:
        """Choose this server's default lecture (needs Manage Server)."""
        lang = lang_of(interaction.locale)
        permissions = interaction.permissions
        if interaction.guild_id is None or not permissions.manage_guild:
            await reply(interaction, content=t("need_manage_server", lang), ephemeral=True)
            return
        if lecture not in self.bot.course.ids:  # validate what autocomplete suggested
            await reply(interaction, content=t("no_lecture", lang), ephemeral=True)
            return
        if self.bot.store is None:
            await reply(interaction, content=t("no_store", lang), ephemeral=True)
            return
        try:
            await asyncio.to_thread(
                self.bot.store.set_default_lecture, interaction.guild_id, lecture
            )
        except StoreError as error:
            log.warning("%s", error)
            await reply(interaction, content=t("no_store", lang), ephemeral=True)
            return
        catalog = self.bot.course.catalog(lecture)
        title = catalog.title_ko if lang == "ko" and catalog.title_ko else catalog.title
        await reply(interaction, content=t("default_set", lang, title=title), ephemeral=True)

    @set_default.autocomplete("lecture")
    async def default_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return lecture_choices(self.bot.course, str(current), lang_of(interaction.locale))


async def setup(bot: LectureBot) -> None:
    await bot.add_cog(Lectures(bot))
