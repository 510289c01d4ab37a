"""/insights and /privacy: for a server's organisers (Manage Server), what students asked, and
whether their questions are logged at all."""

from __future__ import annotations

import asyncio
import functools
import io
import logging
import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.i18n import lang_of, t
from bot.discord.insights_embed import CHART_FILE, insights_embed
from bot.discord.views import reply
from bot.insights import Insights, insights
from bot.store import StoreError

if TYPE_CHECKING:
    from bot.discord.client import LectureBot
    from bot.store import Store
    from retrieval.lecture import Catalog

log = logging.getLogger(__name__)
ORGANISERS = discord.Permissions(manage_guild=True)


class Organisers(commands.Cog):
    def __init__(self, bot: LectureBot):
        self.bot = bot

    @app_commands.command(name="insights")
    @app_commands.describe(days="How many days back (default: 7)")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def insights(
        self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 365] = 7
    ) -> None:
        """What students asked: topics, chapters, unanswered questions, 👎 answers (admins)."""
        lang = lang_of(interaction.locale)
        store = await self._organisers_store(interaction, "insights_unavailable")
        if store is None:
            return
        since = time.time() - days * 86_400
        try:
            logged = await asyncio.to_thread(
                store.questions, since=since, guild_id=interaction.guild_id
            )
        except StoreError as error:
            log.warning("insights not read: %s", error)
            await reply(interaction, content=t("insights_unavailable", lang), ephemeral=True)
            return
        report = insights(logged, self._catalog_of, since, interaction.guild_id)
        drawable = report.per_chapter and interaction.app_permissions.attach_files
        chart = await asyncio.to_thread(_chart, report) if drawable else None
        embed = insights_embed(report, lang, days, chart=chart is not None)
        file = discord.File(io.BytesIO(chart), filename=CHART_FILE) if chart else None
        await reply(interaction, embed=embed, file=file, ephemeral=True)

    async def _organisers_store(
        self, interaction: discord.Interaction, unavailable: str
    ) -> Store | None:
        """The database, for a member with Manage Server in a server; else None after saying
        why (no permission, or `unavailable` when the bot runs without a database)."""
        lang = lang_of(interaction.locale)
        if interaction.guild_id is None or not interaction.permissions.manage_guild:
            await reply(interaction, content=t("need_manage_server", lang), ephemeral=True)
            return None
        if self.bot.store is None:
            await reply(interaction, content=t(unavailable, lang), ephemeral=True)
        return self.bot.store

    def _catalog_of(self, lecture: str) -> Catalog | None:
        course = self.bot.course
        return course.catalog(lecture) if lecture in course.ids else None

    @app_commands.command(name="privacy")
    @app_commands.describe(
        log_questions="Keep this server's questions for /insights (default: yes)",
        forget="Also delete every question of this server logged so far",
    )
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def privacy(
        self,
        interaction: discord.Interaction,
        log_questions: bool | None = None,
        forget: bool = False,
    ) -> None:
        """Whether this server's questions are logged for /insights (admins)."""
        lang = lang_of(interaction.locale)
        store = await self._organisers_store(interaction, "no_store")
        guild_id = interaction.guild_id
        if store is None or guild_id is None:
            return
        try:
            if log_questions is None and not forget:
                logging_on = await asyncio.to_thread(store.logs_questions, guild_id)
                deleted = 0
            else:
                logging_on = (
                    await asyncio.to_thread(store.logs_questions, guild_id)
                    if log_questions is None
                    else log_questions
                )
                change = functools.partial(store.set_logging, forget=forget)
                deleted = await asyncio.to_thread(change, guild_id, logging_on)
        except StoreError as error:
            log.warning("privacy setting not changed: %s", error)
            await reply(interaction, content=t("no_store", lang), ephemeral=True)
            return
        key = "privacy_on" if logging_on else "privacy_off"
        text = t(key, lang, days=self.bot.retention_days)
        if forget:
            text += " " + t("privacy_forgot", lang, count=deleted)
        await reply(interaction, content=text, ephemeral=True)


def _chart(report: Insights) -> bytes:
    from bot.insights_chart import questions_per_chapter_png

    several = len({item.lecture for item in report.per_chapter}) > 1
    return questions_per_chapter_png(report.per_chapter, several)


async def setup(bot: LectureBot) -> None:
    await bot.add_cog(Organisers(bot))
