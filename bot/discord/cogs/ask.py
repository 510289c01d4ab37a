"""/ask and the "Ask the lecture" message menu: questions answered with the lecture's moments."""

from __future__ import annotations

import functools
import logging
import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import embeds
from bot.discord.client import question_check
from bot.discord.cogs.chapters import chapter_choices
from bot.discord.cogs.lectures import lecture_choices
from bot.discord.feedback import vote_buttons
from bot.discord.i18n import lang_of, t
from bot.discord.question_log import log_question
from bot.discord.views import AnswerPages, Paginator, reply, timeline_file
from bot.timeline import answer_timeline, timeline_png

if TYPE_CHECKING:
    from bot.discord.client import Answerer, LectureBot
    from retrieval.lecture import Catalog
    from retrieval.results import Answer

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
        started = time.perf_counter()
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
        # Where the bot may not attach files, the answer comes without its picture (rather
        # than not at all): Discord refuses a reply with a file the app may not send there.
        draw = interaction.app_permissions.attach_files
        result, timeline = await self.bot.think(
            interaction, _answer, index, question, chapter, lecture, draw, ephemeral=private
        )
        question_id = await log_question(
            self.bot,
            interaction,
            result,
            lecture=lecture,
            chapter=chapter,
            latency_ms=(time.perf_counter() - started) * 1000,
            shown=embeds.PER_PAGE,
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
                timeline=timeline,
            ),
            owner_id=interaction.user.id,
            lang=lang,
            next_label="more_results",
            shareable=private,
            timeout=self.bot.view_timeout,
        )
        if question_id is not None:
            for button in vote_buttons(question_id):
                view.add_item(button)
        picture = timeline_file(timeline) if timeline else None
        if not view.needed:
            await reply(interaction, embed=view.current_embed(), file=picture, ephemeral=private)
            view.stop()
            return
        view.message = await reply(
            interaction, embed=view.current_embed(), view=view, file=picture, ephemeral=private
        )


def _answer(
    index: Answerer, question: str, chapter: int | None, lecture: str | None, draw: bool
) -> tuple[Answer, bytes | None]:
    """On the bot's worker thread: the first page of hits and one more (so "More results"
    knows it has a page to show; the rest only when asked for), and the picture of where the
    first page's hits are (None when nothing matched, when not to `draw`, or if drawing it
    failed: the answer matters more than its picture)."""
    answer = index.answer(question, embeds.PER_PAGE + 1, chapter, lecture)
    if not draw:
        return answer, None
    try:
        timeline = answer_timeline(index, answer, shown=embeds.PER_PAGE)
        return answer, None if timeline is None else timeline_png(timeline)
    except Exception:
        log.exception("could not draw the timeline of an answer")
        return answer, None


def _catalog_named(bot: LectureBot, lecture: object) -> Catalog:
    """The catalog of the lecture a user named (a submitted value, so checked), else the
    course's first lecture's."""
    if isinstance(lecture, str) and lecture in bot.course.ids:
        return bot.course.catalog(lecture)
    return bot.catalog


async def setup(bot: LectureBot) -> None:
    await bot.add_cog(Ask(bot))
