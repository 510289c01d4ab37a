"""One bot class or the other: `LectureBot` on a single gateway connection, or
`ShardedLectureBot` (an `AutoShardedBot`) when SHARD_COUNT is set.

With SHARD_COUNT=N and SHARD_IDS unset, one process runs all N shards; with SHARD_IDS=0,1 it runs
only those, so shards can be spread across processes or hosts (each with the same SHARD_COUNT).
discord.py waits 5 s between identifies of one process's shards, as Discord asks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from discord.ext import commands

from bot.discord.client import LectureBot

if TYPE_CHECKING:
    from bot.settings import Settings


class ShardedLectureBot(LectureBot, commands.AutoShardedBot):
    """The lecture bot over several gateway shards (`shard_count=`, optional `shard_ids=`)."""


def make_bot(settings: Settings, **options: Any) -> LectureBot:
    """A `ShardedLectureBot` when `settings` ask for shards, else a `LectureBot`."""
    if settings.shard_count is None:
        return LectureBot(settings=settings, **options)
    if settings.shard_ids is not None:
        options["shard_ids"] = list(settings.shard_ids)
    return ShardedLectureBot(settings=settings, shard_count=settings.shard_count, **options)
