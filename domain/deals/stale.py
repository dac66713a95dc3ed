"""Stale deals: once per breach of a stage's day limit, tell the responsible and their head;
past twice the limit, propose closing the deal as lost (the "hope client")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.activities.notify import notify
from domain.deals.ports import StaleDeal
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.scope import Scope
from domain.staff.model import DepartmentTree

STALE_KIND = "stale_deal"
CLOSE_PROPOSED_KIND = "stale_deal_close"
BATCH = 200


def stale_key(deal_id: UUID, stage_entered_at: datetime) -> str:
    return f"stale:{deal_id}:{stage_entered_at.isoformat()}"


def close_key(deal_id: UUID, stage_entered_at: datetime) -> str:
    return f"stale-close:{deal_id}:{stage_entered_at.isoformat()}"


@dataclass(frozen=True, slots=True)
class SweepResult:
    alerted: int
    close_proposed: int


class StaleDealSweep:
    """Run by the worker's cron; safe to run as often as wanted (one alert per stay)."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def run(self, *, max_batches: int = 50) -> SweepResult:
        alerted = proposed = 0
        now = self._clock.now()
        for _ in range(max_batches):
            async with self._uow as uow:
                batch = await uow.deals.list_stale(now=now, limit=BATCH)
                trees: dict[UUID, DepartmentTree] = {}
                for deal in batch:
                    tree = trees.get(deal.organisation_id)
                    if tree is None:
                        scope = Scope.organisation_wide(deal.organisation_id)
                        tree = DepartmentTree(await uow.departments.list(scope))
                        trees[deal.organisation_id] = tree
                    a, p = await _alert(uow, deal, tree, now)
                    alerted += a
                    proposed += p
                await uow.commit()
            if len(batch) < BATCH:
                break
        return SweepResult(alerted=alerted, close_proposed=proposed)


async def _alert(
    uow: UnitOfWork, deal: StaleDeal, tree: DepartmentTree, now: datetime
) -> tuple[int, int]:
    recipients = [deal.responsible_id]
    head = tree.manager_of(deal.responsible_id, deal.responsible_department_id)
    if head is not None and head != deal.responsible_id:
        recipients.append(head)
    days = int((now - deal.stage_entered_at).total_seconds() // 86400)
    alerted = proposed = 0
    notified_for = deal.stale_notified_for
    proposed_for = deal.stale_close_proposed_for
    if notified_for != deal.stage_entered_at:
        for user_id in recipients:
            await notify(
                uow,
                organisation_id=deal.organisation_id,
                user_id=user_id,
                kind=STALE_KIND,
                title=f"Сделка «{deal.title}» зависла на этапе «{deal.stage_name}»",
                body=f"{days} дн. на этапе при лимите {deal.max_days} дн.",
                entity_type="deal",
                entity_id=deal.deal_id,
                dedup_key=stale_key(deal.deal_id, deal.stage_entered_at),
            )
        notified_for = deal.stage_entered_at
        alerted = 1
    past_twice = (now - deal.stage_entered_at).total_seconds() > 2 * deal.max_days * 86400
    if past_twice and proposed_for != deal.stage_entered_at:
        for user_id in recipients:
            await notify(
                uow,
                organisation_id=deal.organisation_id,
                user_id=user_id,
                kind=CLOSE_PROPOSED_KIND,
                title=f"Закрыть сделку «{deal.title}» с отказом?",
                body=(
                    f"{days} дн. на этапе «{deal.stage_name}» — вдвое больше лимита "
                    f"{deal.max_days} дн. Похоже на «клиента-надежду»."
                ),
                entity_type="deal",
                entity_id=deal.deal_id,
                dedup_key=close_key(deal.deal_id, deal.stage_entered_at),
            )
        proposed_for = deal.stage_entered_at
        proposed = 1
    await uow.deals.mark_stale_alerts(
        deal.organisation_id,
        deal.deal_id,
        notified_for=notified_for,
        close_proposed_for=proposed_for,
    )
    return alerted, proposed
