"""Logged questions are kept `retention_days` and no longer: deleted at start and every few
hours after, in a thread (a delete can take a while on a big log)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from bot.store import StoreError

if TYPE_CHECKING:
    from bot.store import Store

log = logging.getLogger(__name__)
EVERY = 6 * 3600.0


async def purge_forever(store: Store, days: int, every: float = EVERY) -> None:
    while True:
        try:
            removed = await asyncio.to_thread(store.purge, days)
        except StoreError as error:
            log.warning("old questions not removed: %s", error)
        else:
            if removed:
                log.info("removed %d questions older than %d days", removed, days)
        await asyncio.sleep(every)
