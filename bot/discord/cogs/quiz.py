"""/quiz: practice with the lecture's key moments (`bot/quiz.py` makes the questions).

The bot asks a question a student would ask and offers three key moments as buttons; the quiz
taker's press reveals the right one with its link and what is said there, and counts toward
their streak in this server (kept in the database: `Store.record_quiz_answer`). Without a
database the quiz works the same, without streaks.
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import embeds
from bot.discord.cogs.chapters import chapters_of_the_lecture
from bot.discord.cogs.lectures import lecture_choices, server_default
from bot.discord.i18n import Lang, lang_of, t
from bot.discord.views import NO_MENTIONS, OwnedView, reply
from bot.quiz import NoQuizError, Quiz, make_quiz
from bot.store import StoreError

if TYPE_CHECKING:
    from bot.discord.client import LectureBot
    from retrieval.lecture import Catalog

log = logging.getLogger(__name__)

#: Direct messages have no server: their streaks are kept under this id.
NO_SERVER = 0


class QuizCog(commands.Cog, name="Quiz"):
    def __init__(self, bot: LectureBot, rng: random.Random | None = None):
        self.bot = bot
        self.rng = rng or random.Random()  # tests put a seeded one here

    @app_commands.command(name="quiz")
    @app_commands.describe(
        chapter="Only ask about this chapter (its number)",
        lecture="The lecture (default: this server's default lecture, else every lecture)",
        private="Only you see the quiz (default: everyone in the channel)",
    )
    async def quiz(
        self,
        interaction: discord.Interaction,
        chapter: app_commands.Range[int, 1, 99] | None = None,
        lecture: app_commands.Range[str, 1, 100] | None = None,
        private: bool = False,
    ) -> None:
        """Practice: pick the moment of the lecture that answers a question."""
        lang = lang_of(interaction.locale)
        scope = await self._scope(interaction, lecture, chapter)
        if scope is None:
            return
        if chapter is not None and not 1 <= chapter <= len(scope[0].chapters):
            text = t("no_chapter", lang, number=chapter, count=len(scope[0].chapters))
            await reply(interaction, content=text, ephemeral=True)
            return
        await self.send_quiz(interaction, scope, chapter, private)

    @quiz.autocomplete("chapter")
    async def quiz_chapter_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        return await chapters_of_the_lecture(self.bot, interaction, current)

    @quiz.autocomplete("lecture")
    async def quiz_lecture_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return lecture_choices(self.bot.course, str(current), lang_of(interaction.locale))

    async def _scope(
        self, interaction: discord.Interaction, lecture: str | None, chapter: int | None
    ) -> tuple[Catalog, ...] | None:
        """The catalogs to ask about: the lecture named, else the server's default, else the
        first lecture for a chapter, else every lecture. None after refusing an unknown one."""
        course = self.bot.course
        if lecture is not None:
            if lecture not in course.ids:  # validate what autocomplete suggested
                lang = lang_of(interaction.locale)
                await reply(interaction, content=t("no_lecture", lang), ephemeral=True)
                return None
            return (course.catalog(lecture),)
        default = await server_default(self.bot, interaction.guild_id)
        if default is not None and default in course.ids:
            return (course.catalog(default),)
        if chapter is not None:
            return (course.default.catalog,)
        return tuple(each.catalog for each in course.lectures)

    async def send_quiz(
        self,
        interaction: discord.Interaction,
        scope: tuple[Catalog, ...],
        chapter: int | None,
        private: bool,
    ) -> None:
        """Ask a new question (the response, or a followup when the response is used)."""
        lang = lang_of(interaction.locale)
        try:
            quiz = make_quiz(scope, self.rng, lang, chapter)
        except NoQuizError:
            await reply(interaction, content=t("quiz_no_moments", lang), ephemeral=True)
            return
        view = QuizView(
            self,
            quiz,
            scope=scope,
            chapter=chapter,
            private=private,
            owner_id=interaction.user.id,
            lang=lang,
            timeout=self.bot.view_timeout,
        )
        view.message = await reply(
            interaction, embed=view.question_embed(), view=view, ephemeral=private
        )

    async def record(
        self, interaction: discord.Interaction, correct: bool
    ) -> tuple[int, int] | None:
        """The user's (streak, best) in this server after this answer; None without a
        database or when it fails (the quiz goes on without a streak)."""
        store = self.bot.store
        if store is None:
            return None
        guild_id = interaction.guild_id or NO_SERVER
        try:
            user = store.user_hash(interaction.user.id)
            return await asyncio.to_thread(store.record_quiz_answer, guild_id, user, correct)
        except StoreError as error:
            log.warning("quiz streak not kept: %s", error)
            return None


class QuizView(OwnedView):
    """Three choices, one row each; the first press (the quiz taker's) reveals the answer
    and offers the next question."""

    refusal = "quiz_not_yours"

    def __init__(
        self,
        cog: QuizCog,
        quiz: Quiz,
        *,
        scope: tuple[Catalog, ...],
        chapter: int | None,
        private: bool,
        owner_id: int,
        lang: Lang,
        timeout: float | None,
    ):
        super().__init__(owner_id=owner_id, lang=lang, timeout=timeout)
        self.cog, self.quiz = cog, quiz
        self.scope, self.chapter, self.private = scope, chapter, private
        self.answered = False
        self.choice_buttons = [self.choice_0, self.choice_1, self.choice_2]
        for button, label in zip(self.choice_buttons, quiz.labels(), strict=True):
            button.label = label
        self.next_question.label = t("quiz_next", lang)
        self.remove_item(self.next_question)

    def question_embed(self) -> discord.Embed:
        return embeds.quiz_embed(self.quiz, self.lang, self.chapter)

    async def choose(self, interaction: discord.Interaction, position: int) -> None:
        if self.answered:  # a second press that crossed the first on its way
            text = t("quiz_answered", lang_of(interaction.locale))
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        self.answered = True
        right = self.quiz.answer_index
        correct = position == right
        streak = await self.cog.record(interaction, correct)
        for index, button in enumerate(self.choice_buttons):
            button.disabled = True
            if index == right:
                button.style = discord.ButtonStyle.success
            elif index == position:
                button.style = discord.ButtonStyle.danger
        self.add_item(self.next_question)
        answer = self.quiz.answer
        quote = self.cog.bot.quote_at(answer.t, self.quiz.catalog.lecture_id)
        embed = embeds.quiz_reveal_embed(
            self.quiz, self.lang, correct=correct, quote=quote, streak=streak, chapter=self.chapter
        )
        await interaction.response.edit_message(
            embed=embed, view=self, allowed_mentions=NO_MENTIONS
        )

    @discord.ui.button(label="1", custom_id="choice-0", style=discord.ButtonStyle.secondary, row=0)
    async def choice_0(self, interaction: discord.Interaction, button: discord.ui.Button[QuizView]):
        await self.choose(interaction, 0)

    @discord.ui.button(label="2", custom_id="choice-1", style=discord.ButtonStyle.secondary, row=1)
    async def choice_1(self, interaction: discord.Interaction, button: discord.ui.Button[QuizView]):
        await self.choose(interaction, 1)

    @discord.ui.button(label="3", custom_id="choice-2", style=discord.ButtonStyle.secondary, row=2)
    async def choice_2(self, interaction: discord.Interaction, button: discord.ui.Button[QuizView]):
        await self.choose(interaction, 2)

    @discord.ui.button(
        label="Next question", custom_id="next", style=discord.ButtonStyle.primary, row=3
    )
    async def next_question(
        self, interaction: discord.Interaction, button: discord.ui.Button[QuizView]
    ) -> None:
        button.disabled = True
        self.stop()
        await interaction.response.edit_message(view=self, allowed_mentions=NO_MENTIONS)
        await self.cog.send_quiz(interaction, self.scope, self.chapter, self.private)


async def setup(bot: LectureBot) -> None:
    await bot.add_cog(QuizCog(bot))
