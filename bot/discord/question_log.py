"""Logging each question asked in a server, for its organisers' /insights.

What is kept: the question (at most 300 characters, as asked), its language, the lecture and
chapter it was limited to, whether anything matched, how long the answer took, and the hits
shown (lecture, chapter, time, moment title, link) — with the asker only as a keyed hash. Not
logged: direct messages, servers whose admins turned it off (`/privacy`), anything when the
database is unavailable (one warning line; the answer goes out without vote buttons).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from bot.store import QuestionLog, ShownHit, StoreError

if TYPE_CHECKING:
    import discord

    from bot.discord.client import LectureBot
    from retrieval.results import Answer

log = logging.getLogger(__name__)
#: A question's answer does not wait longer than this for its log entry (a locked database
#: would hold it up to its 5 s busy timeout): it goes out without vote buttons instead.
LOG_WAIT = 1.0


async def log_question(
    bot: LectureBot,
    interaction: discord.Interaction,
    answer: Answer,
    *,
    lecture: str | None,
    chapter: int | None,
    latency_ms: float,
    shown: int,
) -> int | None:
    """The logged question's id (what votes refer to), or None when it is not logged.
    `shown` is how many of the answer's hits its first page shows."""
    store = bot.store
    if store is None or interaction.guild_id is None:
        return None
    default = bot.catalog.lecture_id  # a lecture served alone may leave hits unnamed
    entry = QuestionLog(
        guild_id=interaction.guild_id,
        user_hash=store.user_hash(interaction.user.id),
        question=answer.query,
        lang=answer.lang,
        lecture=lecture,
        chapter=chapter,
        found=answer.found,
        weak=answer.weak,
        latency_ms=round(latency_ms, 1),
        hits=tuple(
            ShownHit(hit.lecture or default, hit.chapter, hit.start, hit.title, hit.url)
            for hit in answer.hits[:shown]
        ),
    )
    try:
        return await asyncio.wait_for(asyncio.to_thread(store.log_question, entry), LOG_WAIT)
    except StoreError as error:
        log.warning("question not logged: %s", error)
    except TimeoutError:
        log.warning("question not logged: the database took longer than %.0f s", LOG_WAIT)
    return None
