"""/link: a deep link to a moment, its chapter and what is said there."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import embeds
from bot.discord.i18n import lang_of
from bot.discord.views import reply
from retrieval import timecode

if TYPE_CHECKING:
    from bot.discord.client import LectureBot


class LectureTime(app_commands.Transformer):
    """`2:07:30`, `7650` or `2h7m30s` -> seconds within the lecture; a bad time raises
    TimecodeError (reported by the tree's error handler with examples)."""

    async def transform(self, interaction: discord.Interaction, value: str) -> int:
        duration = getattr(interaction.client, "catalog", None)
        return timecode.parse(str(value), duration=duration.duration if duration else None)


class Link(commands.Cog):
    def __init__(self, bot: LectureBot):
        self.bot = bot

    @app_commands.command(name="link")
    @app_commands.describe(time="A time such as 2:07:30, 7650 or 2h7m30s")
    async def link(
        self,
        interaction: discord.Interaction,
        time: app_commands.Transform[int, LectureTime],
    ) -> None:
        """Link to a moment of the lecture and see what is said there."""
        lang = lang_of(interaction.locale)
        quote = self.bot.quote_at(time)
        await reply(interaction, embed=embeds.link_embed(time, self.bot.catalog, quote, lang))


async def setup(bot: LectureBot) -> None:
    await bot.add_cog(Link(bot))
