"""The stale-deal sweep: once per breach of a stage's day limit, and once more past twice the
limit, the deal raises deal.became_stale; the notifications subscriber tells the responsible
and their head. The rule itself is ``domain.deals.staleness``."""

from __future__ import annotations

from dataclasses import dataclass

from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock

BATCH = 200


@dataclass(frozen=True, slots=True)
class SweepResult:
    alerted: int
    close_proposed: int


class StaleDealSweep:
    """Run by the worker's cron; safe to run as often as wanted (the deal remembers the stay
    its events went out for)."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def run(self, *, max_batches: int = 50) -> SweepResult:
        alerted = proposed = 0
        now = self._clock.now()
        for _ in range(max_batches):
            async with self._uow as uow:
                batch = await uow.deals.list_stale(now=now, limit=BATCH)
                for candidate in batch:
                    a, p = candidate.deal.mark_stale(now, candidate.max_days)
                    alerted += a
                    proposed += p
                    await uow.deals.save_stale_marks(candidate.deal)
                await uow.commit()
            if len(batch) < BATCH:
                break
        return SweepResult(alerted=alerted, close_proposed=proposed)
