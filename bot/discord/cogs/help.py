"""/help: how to use the bot, in the user's language."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import embeds
from bot.discord.i18n import lang_of
from bot.discord.views import reply

if TYPE_CHECKING:
    from bot.discord.client import LectureBot

TOPICS = [
    app_commands.Choice(name="Asking questions", value="ask"),
    app_commands.Choice(name="Chapters", value="chapters"),
    app_commands.Choice(name="Time links", value="link"),
    app_commands.Choice(name="Practice quiz", value="quiz"),
    app_commands.Choice(name="Votes and privacy", value="privacy"),
]


class Help(commands.Cog):
    def __init__(self, bot: LectureBot):
        self.bot = bot

    @app_commands.command(name="help")
    @app_commands.describe(topic="What you need help with")
    @app_commands.choices(topic=TOPICS)
    async def help(
        self, interaction: discord.Interaction, topic: app_commands.Choice[str] | None = None
    ) -> None:
        """How to use the lecture bot."""
        lang = lang_of(interaction.locale)
        catalog = self.bot.index.catalog if self.bot.index is not None else None
        embed = embeds.help_embed(
            catalog, lang, topic.value if topic else None, self.bot.retention_days
        )
        await reply(interaction, embed=embed, ephemeral=True)


async def setup(bot: LectureBot) -> None:
    await bot.add_cog(Help(bot))
