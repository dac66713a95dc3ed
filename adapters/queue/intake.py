"""Handing stored inbox items to the arq workers (best effort: the sweep is the safety net).

An arq job per form post would cost the hot path a Redis transaction (WATCH, MULTI, EXEC) per
request, which under load took longer than the INSERT that makes the post durable. Posts are
therefore handed over in batches: ``process_soon`` only notes the ids, and one flush a few
milliseconds later enqueues one job per organisation for all of them. The answer never waits
for Redis; ids still buffered when a process dies are found by the sweep.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from uuid import UUID

from arq.connections import ArqRedis

PROCESS_INBOX = "process_inbox_items"
# A flush that takes longer is abandoned (Redis hangs); the sweep does the rest.
ENQUEUE_TIMEOUT_SECONDS = 2.0
MAX_BATCH = 500

log = logging.getLogger(__name__)


class ArqInboxQueue:
    def __init__(self, pool: ArqRedis, *, delay_seconds: float = 0.005) -> None:
        self._pool = pool
        self._delay = delay_seconds
        self._pending: dict[UUID, list[UUID]] = {}
        self._flusher: asyncio.Task[None] | None = None

    async def process_soon(self, organisation_id: UUID, item_ids: Sequence[UUID]) -> None:
        self._pending.setdefault(organisation_id, []).extend(item_ids)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_later())

    async def flush(self) -> None:
        """Hand over everything noted so far, now (tests, shutdown): after the batch the
        background flush may be sending at this moment, which is no longer pending."""
        flusher = self._flusher
        if flusher is not None and not flusher.done():
            await flusher
        await self._send_pending()

    async def _send_pending(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, {}
            for organisation_id, ids in batch.items():
                for start in range(0, len(ids), MAX_BATCH):
                    chunk = ids[start : start + MAX_BATCH]
                    try:
                        async with asyncio.timeout(ENQUEUE_TIMEOUT_SECONDS):
                            await self._pool.enqueue_job(
                                PROCESS_INBOX, [str(i) for i in chunk], str(organisation_id)
                            )
                    except Exception as exc:  # stored: the sweep processes them
                        log.warning(
                            "intake.enqueue_failed items=%d error=%s",
                            len(chunk),
                            type(exc).__name__,
                        )

    async def _flush_later(self) -> None:
        await asyncio.sleep(self._delay)
        await self._send_pending()
