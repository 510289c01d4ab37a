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
    from retrieval.course import Course
    from retrieval.lecture import Lecture


def linked_lecture(course: Course, text: str) -> Lecture:
    """The lecture of the course a pasted YouTube link points into, else the first one (a
    link to another video is then refused by `timecode.parse`)."""
    video = timecode.linked_video(text)
    for lecture in course.lectures:
        if lecture.catalog.video_id == video:
            return lecture
    return course.default


class Link(commands.Cog):
    def __init__(self, bot: LectureBot):
        self.bot = bot

    @app_commands.command(name="link")
    @app_commands.describe(
        time="A time such as 2:07:30, 7650, 2h7m30s, 1시간 2분, or a pasted YouTube link",
        private="Only you see the answer (default: everyone in the channel)",
    )
    async def link(
        self,
        interaction: discord.Interaction,
        time: app_commands.Range[str, 1, timecode.MAX_TIME_CHARS],
        private: bool = False,
    ) -> None:
        """Link to a moment of the lecture and see what is said there."""
        lang = lang_of(interaction.locale)
        lecture = linked_lecture(self.bot.course, str(time))
        catalog = lecture.catalog
        # A bad time raises TimecodeError: the tree's error handler replies with examples.
        seconds = timecode.parse(str(time), duration=catalog.duration, video_id=catalog.video_id)
        quote = self.bot.quote_at(seconds, catalog.lecture_id)
        embed = embeds.link_embed(seconds, catalog, quote, lang)
        await reply(interaction, embed=embed, ephemeral=private)


async def setup(bot: LectureBot) -> None:
    await bot.add_cog(Link(bot))
