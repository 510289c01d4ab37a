"""`LectureBot`: a `commands.Bot` that loads the index once in `setup_hook` and one cog per
feature; `LectureTree` is the command tree with the single error handler."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.heartbeat import Heartbeat
from bot.discord.i18n import LectureTranslator, lang_of, t
from bot.discord.views import NO_MENTIONS, reply
from retrieval.errors import LectureBotError, QueryError
from retrieval.timecode import EXAMPLES
from retrieval.timing import WordClock

if TYPE_CHECKING:
    from pathlib import Path

    from bot.discord.config import Settings
    from bot.store import Store
    from retrieval.course import Course
    from retrieval.lecture import Catalog, Lecture
    from retrieval.results import Answer

log = logging.getLogger(__name__)
T = TypeVar("T")

EXTENSIONS: tuple[str, ...] = (
    "bot.discord.cogs.ask",
    "bot.discord.cogs.chapters",
    "bot.discord.cogs.lectures",
    "bot.discord.cogs.link",
    "bot.discord.cogs.help",
)


class Answerer(Protocol):
    """What the bot needs from the retriever (`retrieval.index.Index` provides it)."""

    @property
    def lecture(self) -> Lecture: ...

    @property
    def catalog(self) -> Catalog: ...

    @property
    def course(self) -> Course: ...

    def answer(
        self, query: str, k: int = 3, chapter: int | None = None, lecture: str | None = None
    ) -> Answer: ...


def describe_error(error: Exception, lang: str) -> tuple[str, bool]:
    """(message for the user, whether to log the traceback) for an app command error."""
    lang = "ko" if lang == "ko" else "en"
    original = getattr(error, "original", None) or error.__cause__
    if isinstance(error, app_commands.CommandOnCooldown):
        per = error.cooldown.per
        return t("cooldown", lang, per=per, retry=error.retry_after), False
    if isinstance(error, app_commands.TransformerError) and isinstance(original, LectureBotError):
        return t("bad_time", lang, reason=str(original), examples=EXAMPLES), False
    if isinstance(original, QueryError):
        return t("bad_question", lang, reason=str(original)), False
    if isinstance(original, LectureBotError):
        return str(original), False
    if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        return t("error_outdated", lang), False
    if isinstance(error, app_commands.CheckFailure):
        return t("error_forbidden", lang), False
    return t("error_generic", lang), True


class LectureTree(app_commands.CommandTree):
    """The command tree: one error handler for every command, replying ephemerally."""

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError, /
    ) -> None:
        message, log_traceback = describe_error(error, lang_of(interaction.locale))
        command = interaction.command.qualified_name if interaction.command else "?"
        if log_traceback:
            log.error("command /%s failed", command, exc_info=error)
        else:
            log.info("command /%s refused: %s", command, type(error).__name__)
        try:
            await reply(interaction, content=message, ephemeral=True)
        except discord.HTTPException as send_error:
            log.warning("could not tell the user about an error: %s", send_error)


class LectureBot(commands.Bot):
    """The lecture bot. Dependencies come in through the constructor:

    - `load_index`: builds the retriever (run once, in a thread, in `setup_hook`); `None` for a
      bot that only syncs its commands;
    - `question_cooldown`: seconds between two questions of one user;
    - `defer_after`: seconds of thinking after which the reply is deferred (Discord allows 3);
    - `inline_budget`: seconds within which CPU work (answering a question) runs on the event
      loop (asyncio's own "slow callback" threshold); work slower than that, in the warm-up or
      later, sends all later work to a thread, where the reply is deferred when it runs past
      `defer_after` (0: always a thread);
    - `view_timeout`: seconds after which buttons are disabled;
    - `heartbeat_file`: where to write the heartbeat every 30 s (`bot/discord/heartbeat.py`);
    - `store`: the database of server settings (`bot/store.py`); without one, servers cannot
      choose a default lecture.
    """

    def __init__(
        self,
        *,
        load_index: Callable[[], Answerer] | None,
        settings: Settings | None = None,
        extensions: Sequence[str] = EXTENSIONS,
        question_cooldown: float = 3.0,
        defer_after: float = 2.0,
        inline_budget: float = 0.1,
        view_timeout: float = 180.0,
        heartbeat_file: Path | None = None,
        store: Store | None = None,
        **options: Any,
    ):
        options.setdefault("intents", discord.Intents(guilds=True))  # nothing privileged
        # The bot never joins voice: skip discord.py's "PyNaCl/davey is not installed" warnings.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            allowed_mentions=NO_MENTIONS,
            tree_cls=LectureTree,
            **options,
        )
        self.settings = settings
        self.store = store
        self._load_index = load_index
        self._extensions = tuple(extensions)
        self.question_cooldown = question_cooldown
        self.defer_after = defer_after
        self.inline_budget = inline_budget
        self._inline = inline_budget > 0
        self.view_timeout = view_timeout
        self.heartbeat = Heartbeat(self, heartbeat_file) if heartbeat_file is not None else None
        self.index: Answerer | None = None
        self._quote_at: Callable[[float], str] | None = None
        self._cooldowns: dict[int, app_commands.Cooldown] = {}
        self._guard_interaction_parser()

    def _guard_interaction_parser(self) -> None:
        """discord.py runs gateway parsers inside its connection loop, unguarded: one malformed
        INTERACTION_CREATE (say, without a token) would raise out of `connect()` and stop the
        bot. Wrap that one parser so a bad payload is logged and dropped instead."""
        parsers = self._connection.parsers
        parse = parsers["INTERACTION_CREATE"]

        def guarded(data: Any) -> None:
            try:
                parse(data)
            except Exception:
                log.exception("dropped a malformed interaction")

        parsers["INTERACTION_CREATE"] = guarded

    async def setup_hook(self) -> None:
        if self._load_index is not None:
            log.info("loading the lecture index")
            self.index = await asyncio.to_thread(self._load_index)
            slowest = await asyncio.to_thread(_warm_up, self.index)
            self._note_thinking_time(slowest)
            # The index is built for the life of the process: keep the collector from walking
            # its objects again and again (full collections took 25-60 ms each mid-answer).
            gc.collect()
            gc.freeze()
            self._quote_at = _make_quoter(self.index)
            log.info(
                "index ready: %s (%d chapters)",
                self.index.catalog.title,
                len(self.index.catalog.chapters),
            )
        await self.tree.set_translator(LectureTranslator())
        if self.heartbeat is not None:
            self.heartbeat.start()
        for extension in self._extensions:
            await self.load_extension(extension)

    async def on_socket_event_type(self, event_type: str) -> None:
        if self.heartbeat is not None:
            self.heartbeat.note_event()

    async def close(self) -> None:
        if self.heartbeat is not None:
            await self.heartbeat.stop()
        await super().close()

    async def on_ready(self) -> None:
        # Fires on every reconnect: never sync the tree here.
        log.info("connected as %s (id %s)", self.user, self.user.id if self.user else "?")

    @property
    def catalog(self) -> Catalog:
        """The default lecture's catalog (the first lecture of the course)."""
        return self.course.default.catalog

    @property
    def course(self) -> Course:
        if self.index is None:
            raise RuntimeError("the index is not loaded (this bot was built for syncing)")
        return self.index.course

    def quote_at(self, seconds: float) -> str:
        """What is said at `seconds` (a few words), or '' past the transcript."""
        return self._quote_at(seconds) if self._quote_at is not None else ""

    def question_retry_after(self, user_id: int) -> app_commands.CommandOnCooldown | None:
        """Counts a question of `user_id`; the cooldown error when it comes too soon."""
        if self.question_cooldown <= 0:
            return None
        bucket = self._cooldowns.get(user_id)
        if bucket is None:
            bucket = self._cooldowns[user_id] = app_commands.Cooldown(1, self.question_cooldown)
        retry_after = bucket.update_rate_limit()
        if retry_after:
            return app_commands.CommandOnCooldown(bucket, retry_after)
        if len(self._cooldowns) > 10_000:
            self._cooldowns = {user_id: bucket}
        return None

    async def think(
        self,
        interaction: discord.Interaction,
        func: Callable[..., T],
        *args: Any,
        ephemeral: bool = False,
    ) -> T:
        """Run CPU work `func(*args)`.

        Work that has always been quick (the real index answers in about a millisecond) runs
        right here on the event loop: handing it to a thread cost more than the work itself,
        because the loop then waits for the GIL on every socket call while the thread runs
        (bench/bot.py: p99 at 50 concurrent users about halved). Once any work has been slower
        than `inline_budget`, work runs in a thread, and the reply is deferred if it takes
        longer than `defer_after` seconds, so Discord's 3-second deadline is never missed."""
        if self._inline:
            started = time.perf_counter()
            try:
                return func(*args)
            finally:
                self._note_thinking_time(time.perf_counter() - started)
        task = asyncio.ensure_future(asyncio.to_thread(func, *args))
        done, _ = await asyncio.wait({task}, timeout=self.defer_after)
        if not done and not interaction.response.is_done():
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        return await task

    def _note_thinking_time(self, seconds: float) -> None:
        if self._inline and seconds > self.inline_budget:
            self._inline = False
            log.warning(
                "answering took %.0f ms (budget %.0f ms): answering in a thread from now on",
                seconds * 1000,
                self.inline_budget * 1000,
            )


async def question_check(interaction: discord.Interaction) -> bool:
    """A check: one question per user every `bot.question_cooldown` seconds, shared by /ask and
    the "Ask the lecture" menu (raises `CommandOnCooldown`)."""
    client = interaction.client
    if isinstance(client, LectureBot):
        error = client.question_retry_after(interaction.user.id)
        if error is not None:
            raise error
    return True


def _warm_up(index: Answerer) -> float:
    """Answer one English and one Korean question at start, so the analyzer caches and glossary
    paths are warm before the first real question. Returns how long the slower one takes once
    warm (each is answered a second time to measure it)."""
    warm = getattr(index, "warm", None)
    if warm is not None:
        warm()  # caption timings of every moment (or paragraph), once, before any question
    slowest = 0.0
    for question in ("what is tokenization", "토큰화란 무엇인가요"):
        _answer_quietly(index, question)
        started = time.perf_counter()
        _answer_quietly(index, question)
        slowest = max(slowest, time.perf_counter() - started)
    return slowest


def _answer_quietly(index: Answerer, question: str) -> None:
    try:
        index.answer(question, 1)
    except LectureBotError as error:
        log.debug("warm-up question failed: %s", error)


def _make_quoter(index: Answerer) -> Callable[[float], str]:
    """What is said at a second: caption words when the data has timings, else the
    paragraph's words around it (WordClock falls back by itself). The index's own clock is
    reused when it has one (the real Index does), rather than laying out the captions twice."""
    clock = getattr(index, "clock", None) or WordClock(index.lecture)
    return clock.quote_at
