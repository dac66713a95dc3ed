"""Handing stored inbox items to the arq workers (best effort: the sweep is the safety net)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from uuid import UUID

from arq.connections import ArqRedis

PROCESS_INBOX = "process_inbox_items"
# The public endpoint answers within this even when Redis hangs; the sweep does the rest.
ENQUEUE_TIMEOUT_SECONDS = 0.5


class ArqInboxQueue:
    def __init__(self, pool: ArqRedis) -> None:
        self._pool = pool

    async def process_soon(self, organisation_id: UUID, item_ids: Sequence[UUID]) -> None:
        # Items are claimed with SKIP LOCKED: a repeated hand-off of one is harmless.
        async with asyncio.timeout(ENQUEUE_TIMEOUT_SECONDS):
            await self._pool.enqueue_job(
                PROCESS_INBOX, [str(i) for i in item_ids], str(organisation_id)
            )
