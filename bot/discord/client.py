"""`LectureBot`: a `commands.Bot` that loads the index once in `setup_hook` and one cog per
feature; `LectureTree` is the command tree with the single error handler."""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import gc
import logging
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import discord
from discord import app_commands
from discord.errors import ConnectionClosed
from discord.ext import commands
from discord.gateway import DiscordWebSocket, ReconnectWebSocket

from bot.discord.feedback import VoteButton
from bot.discord.heartbeat import Heartbeat
from bot.discord.i18n import Lang, LectureTranslator, lang_of, t
from bot.discord.retention import purge_forever
from bot.discord.systemd import SystemdNotifier
from bot.discord.views import NO_MENTIONS, answer_expired, reply
from bot.messages import has_message
from retrieval.errors import LectureBotError
from retrieval.timing import WordClock

if TYPE_CHECKING:
    from pathlib import Path

    from bot.settings import Settings
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
    "bot.discord.cogs.quiz",
    "bot.discord.cogs.insights",
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

    def matches(self, query: str, lecture: str | None = None) -> list[tuple[int, float]]: ...


def describe_error(error: Exception, language: str) -> tuple[str, bool]:
    """(message for the user, whether to log the traceback) for an app command error."""
    lang: Lang = "ko" if language == "ko" else "en"
    original = getattr(error, "original", None) or error.__cause__
    if isinstance(error, app_commands.CommandOnCooldown):
        per = error.cooldown.per
        return t("cooldown", lang, per=per, retry=error.retry_after), False
    if isinstance(original, LectureBotError) and has_message(original.key):
        return t(original.key, lang, **original.values), False  # in the user's language
    if isinstance(original, LectureBotError):  # a problem with the data: English, for operators
        return (str(original) if lang == "en" else t("error_data", lang)), False
    if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        return t("error_outdated", lang), False
    if isinstance(error, app_commands.CheckFailure):
        return t("error_forbidden", lang), False
    return t("error_generic", lang), True


UNKNOWN_INTERACTION = 10062  # Discord's error code for an expired (or unknown) interaction


def is_unknown_interaction(error: BaseException) -> bool:
    """Whether `error` (or the error it wraps) is Discord's "Unknown interaction"."""
    original = getattr(error, "original", None) or error
    return isinstance(original, discord.NotFound) and original.code == UNKNOWN_INTERACTION


class LectureTree(app_commands.CommandTree):
    """The command tree: one error handler for every command, replying ephemerally."""

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError, /
    ) -> None:
        command = interaction.command.qualified_name if interaction.command else "?"
        if is_unknown_interaction(error):
            # Discord no longer knows the interaction: the reply came after its deadline (a
            # burst, a stalled host). Nothing can reach the user any more, and a traceback per
            # late interaction would bury the log: one line, no reply.
            log.warning(
                "/%s: Discord dropped the interaction before the reply (%.1f s after it was "
                "created)",
                command,
                interaction_age(interaction),
            )
            return
        message, log_traceback = describe_error(error, lang_of(interaction.locale))
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
    - `defer_after`: seconds after Discord created an interaction (not after the bot read it)
      at which a reply still being worked on is deferred (Discord allows 3);
    CPU work (answering a question) always runs on the bot's one worker thread, from the
    first question on, so a slow question never holds up the gateway and every other user
    (docs/benchmarks.md, "A burst of 1,000 users": answering on the event loop was no faster
    at 50 users, and in a burst every reply waited for all the work queued before it);
    - `drain_timeout`: seconds `close()` waits for interactions being answered to finish;
    - `view_timeout`: seconds after which buttons are disabled;
    - `heartbeat_file`: where to write the heartbeat every 30 s (`bot/discord/heartbeat.py`);
    - `store`: the database (`bot/store.py`): server settings, the question log, votes;
      without one, servers cannot choose a default lecture and answers have no vote buttons;
    - `retention_days`: how long logged questions are kept (`bot/discord/retention.py`);
    - `notifier`: tells systemd the bot is ready, alive (watchdog) and stopping.
    """

    def __init__(
        self,
        *,
        load_index: Callable[[], Answerer] | None,
        settings: Settings | None = None,
        extensions: Sequence[str] = EXTENSIONS,
        question_cooldown: float = 3.0,
        defer_after: float = 2.0,
        drain_timeout: float = 5.0,
        view_timeout: float = 180.0,
        heartbeat_file: Path | None = None,
        store: Store | None = None,
        retention_days: int = 90,
        notifier: SystemdNotifier | None = None,
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
        self.retention_days = retention_days
        self._purging: asyncio.Task[None] | None = None
        self.notifier = notifier
        self._watchdog: asyncio.Task[None] | None = None
        self._load_index = load_index
        self._extensions = tuple(extensions)
        self.question_cooldown = question_cooldown
        self.defer_after = defer_after
        self.view_timeout = view_timeout
        self.drain_timeout = drain_timeout
        self.heartbeat = Heartbeat(self, heartbeat_file) if heartbeat_file is not None else None
        self.index: Answerer | None = None
        self._quote_at: Callable[[float], str] | None = None
        self._clocks: dict[str, WordClock] = {}  # the other lectures' (made on first use)
        self._cooldowns: dict[int, app_commands.Cooldown] = {}
        self._stopping = False
        self._expiry_notes: set[asyncio.Task[None]] = set()
        # One worker: answering is CPU-bound Python, so more threads only fight over the GIL.
        # With asyncio's default executor (up to 6 threads) a burst of 1,000 questions cost
        # the bot 60% more CPU than on the loop, and missed deadlines; with one thread, 20%.
        self._worker = concurrent.futures.ThreadPoolExecutor(1, "lecture-bot-answer")
        _guard_gateway_frames()
        self._guard_parsers()

    def _guard_parsers(self) -> None:
        """discord.py runs gateway parsers inside its connection loop, unguarded: one malformed
        event (an INTERACTION_CREATE without a token, a MESSAGE_CREATE without an author, a
        READY without a user) would raise out of `connect()` and stop the bot. Wrap every
        parser so a bad payload is logged in one line and dropped instead. INTERACTION_CREATE
        also answers buttons nobody knows any more (`_parse_interaction`)."""
        parsers = self._connection.parsers
        for event, parse in list(parsers.items()):
            if event == "INTERACTION_CREATE":
                parse = functools.partial(self._parse_interaction, parse)
            elif event == "READY":
                parse = functools.partial(self._parse_ready, parse)
            parsers[event] = functools.partial(_guarded_parse, event, parse)

    def _parse_ready(self, parse: Callable[[Any], None], data: Any) -> None:
        # READY's parser empties the caches, the bot's own user included, before it reads the
        # payload: a malformed READY would leave the bot without its identity, and every later
        # interaction would fail. The identity does not change between sessions: keep it.
        user = self._connection.user
        try:
            parse(data)
        except Exception:
            if self._connection.user is None:
                self._connection.user = user
            raise

    def _parse_interaction(self, parse: Callable[[Any], None], data: Any) -> None:
        if self._stopping:
            # Shutting down: the interactions being answered finish (`close`), new ones are
            # left to the next process (Discord says "did not respond"; nothing better to do).
            log.info("shutting down: left interaction %s unanswered", data.get("id"))
            return
        if data.get("type") != 3:  # not a component (button) interaction
            parse(data)
            return
        # discord.py hands a button press to the view that registered its custom_id, and drops
        # it in silence when none did: a view that timed out, a message from before a restart,
        # an id we never made. Whether it was dispatched shows in the view store scheduling a
        # task for it (`ViewStore.dispatch_view` -> `add_task`, also for dynamic items).
        store = self._connection._view_store
        scheduled: list[asyncio.Task[None]] = []
        add_task = store.add_task

        def noting(task: asyncio.Task[None]) -> None:
            scheduled.append(task)
            add_task(task)

        store.add_task = noting  # type: ignore[method-assign]
        try:
            parse(data)
        finally:
            del store.add_task  # back to the class's method
        if not scheduled:
            interaction = discord.Interaction(data=data, state=self._connection)
            task = asyncio.create_task(answer_expired(interaction), name="lecture-bot-expired")
            self._expiry_notes.add(task)
            task.add_done_callback(self._expiry_notes.discard)

    async def setup_hook(self) -> None:
        if self._load_index is not None:
            log.info("loading the lecture index")
            self.index = await asyncio.to_thread(self._load_index)
            await asyncio.to_thread(_warm_up, self.index)
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
        self.add_dynamic_items(VoteButton)  # votes work on any answer, also from before a restart
        if self.notifier is not None:
            watching = self.notifier.keep_alive()
            self._watchdog = asyncio.create_task(watching, name="lecture-bot-watchdog")
        if self.store is not None:
            purging = purge_forever(self.store, self.retention_days)
            self._purging = asyncio.create_task(purging, name="lecture-bot-retention")
        if self.heartbeat is not None:
            self.heartbeat.start()
        for extension in self._extensions:
            await self.load_extension(extension)

    async def close(self) -> None:
        """Stop taking interactions, let the ones being answered finish (at most
        `drain_timeout` seconds), then close: closing first would cut their replies off with
        "Session is closed" tracebacks (SIGTERM under traffic)."""
        if not self._stopping:
            self._stopping = True
            await self._drain()
        if self.heartbeat is not None:
            await self.heartbeat.stop()
        if self._purging is not None:
            self._purging.cancel()
        if self.notifier is not None:
            self.notifier.stopping()
        if self._watchdog is not None:
            self._watchdog.cancel()
        self._worker.shutdown(wait=False, cancel_futures=True)
        await super().close()

    async def _drain(self) -> None:
        current = asyncio.current_task()
        busy = [
            task
            for task in asyncio.all_tasks()
            if task is not current and task.get_name().startswith(_INTERACTION_TASKS)
        ]
        if not busy:
            return
        log.info("waiting for %d interactions being answered", len(busy))
        _, pending = await asyncio.wait(busy, timeout=self.drain_timeout)
        if pending:
            log.warning("closing with %d interactions still unanswered", len(pending))

    async def on_ready(self) -> None:
        # Fires on every reconnect: never sync the tree here.
        log.info("connected as %s (id %s)", self.user, self.user.id if self.user else "?")
        if self.notifier is not None:
            self.notifier.ready()  # the first time starts the unit; later ones change nothing

    @property
    def catalog(self) -> Catalog:
        """The default lecture's catalog (the first lecture of the course)."""
        return self.course.default.catalog

    @property
    def course(self) -> Course:
        if self.index is None:
            raise RuntimeError("the index is not loaded (this bot was built for syncing)")
        return self.index.course

    def quote_at(self, seconds: float, lecture: str | None = None) -> str:
        """What is said at `seconds` of `lecture` (the first lecture's by default): a few
        words, or '' past the transcript."""
        if lecture is not None and lecture != self.catalog.lecture_id:
            if lecture not in self._clocks:
                self._clocks[lecture] = WordClock(self.course.lecture(lecture))
            return self._clocks[lecture].quote_at(seconds)
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
        """Run CPU work `func(*args)` on the bot's worker thread, deferring the reply once
        `defer_after` seconds have passed since Discord created the interaction, so its
        3-second deadline is never missed.

        The clock starts when Discord created the interaction (its id's timestamp), not when
        the bot read it: in a burst an interaction may wait in the socket and the loop's queue
        for seconds. One that has already waited that long is deferred before any work."""
        wait = self.defer_after - interaction_age(interaction)
        if wait <= 0:
            await self._defer(interaction, ephemeral)
        task = asyncio.get_running_loop().run_in_executor(self._worker, func, *args)
        if wait > 0:
            done, _ = await asyncio.wait({task}, timeout=wait)
            if not done:
                await self._defer(interaction, ephemeral)
        return await task

    @staticmethod
    async def _defer(interaction: discord.Interaction, ephemeral: bool) -> None:
        if not interaction.response.is_done():
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)


#: Names of the tasks that answer an interaction: discord.py's command tree and views, and ours.
_INTERACTION_TASKS = ("CommandTree-invoker", "discord-ui-", "lecture-bot-expired")


def _guarded_parse(event: str, parse: Callable[[Any], None], data: Any) -> None:
    try:
        parse(data)
    except Exception as error:
        what = "interaction" if event == "INTERACTION_CREATE" else f"{event} event"
        log.warning("dropped a malformed %s (%s)", what, _brief(error))
        log.debug("the malformed %s", what, exc_info=error)


def _brief(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:200]


_frames_guarded = False


def _guard_gateway_frames() -> None:
    """Keep one bad gateway frame from stopping the bot.

    discord.py decodes every frame with orjson, which rejects a lone surrogate such as
    `\\ud800` that other JSON decoders accept, and does gateway bookkeeping (READY's
    session_id) before any parser runs; an exception there escapes `connect()`, and the bot
    is gone. There is no per-client hook for it, so `DiscordWebSocket.received_message` is
    wrapped, once per process: a frame that cannot be handled is logged in one line and
    dropped; the connection, and the bot, go on. Reconnect requests and closes (discord.py's
    own control flow) pass through untouched."""
    global _frames_guarded
    if _frames_guarded:
        return
    received_message = DiscordWebSocket.received_message

    @functools.wraps(received_message)
    async def guarded(ws: DiscordWebSocket, msg: Any, /) -> None:
        try:
            await received_message(ws, msg)
        except (ReconnectWebSocket, ConnectionClosed):
            raise
        except Exception as error:
            log.warning("dropped a gateway frame that could not be handled (%s)", _brief(error))

    DiscordWebSocket.received_message = guarded  # type: ignore[method-assign]
    _frames_guarded = True


def interaction_age(interaction: discord.Interaction) -> float:
    """Seconds since Discord created `interaction` (the timestamp in its snowflake id).

    Measured against this host's clock: with NTP the skew is milliseconds. A clock running
    seconds fast would defer every answer (one extra request each, still answered in time);
    one running slow would defer too late, which is why the bot must keep NTP."""
    return time.time() - discord.utils.snowflake_time(interaction.id).timestamp()


async def question_check(interaction: discord.Interaction) -> bool:
    """A check: one question per user every `bot.question_cooldown` seconds, shared by /ask and
    the "Ask the lecture" menu (raises `CommandOnCooldown`)."""
    client = interaction.client
    if isinstance(client, LectureBot):
        error = client.question_retry_after(interaction.user.id)
        if error is not None:
            raise error
    return True


def _warm_up(index: Answerer) -> None:
    """Answer one English and one Korean question at start, so the analyzer caches and glossary
    paths are warm before the first real question."""
    warm = getattr(index, "warm", None)
    if warm is not None:
        warm()  # caption timings of every moment (or paragraph), once, before any question
    for question in ("what is tokenization", "토큰화란 무엇인가요"):
        _answer_quietly(index, question)
    # Pillow's import and first drawing (~15 ms) are paid here, not by the first student.
    from bot.timeline import Timeline, timeline_png

    timeline_png(Timeline(duration=60, chapter_starts=(0,), matches=((30, 1.0),), hits=((1, 30),)))


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
