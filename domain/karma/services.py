"""Karma use cases: the rules and their recalculation, a client's karma and its history,
manual adjustments, the flags, the average per sector.

Reading a client's karma needs seeing the client; editing the rules and adjusting by hand
need karma:manage; a flag is set by whoever may edit its deal (a won one) or client. Every
derived entry is recomputed from its source rows (``recompute_clients``): by the subscriber
after a deal or invoice event, by a flag's change in its own transaction, and for every
client by the job that follows a change of the rules.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from domain.auth.principal import Principal
from domain.clients.model import Client
from domain.clients.services.loading import load_client
from domain.deals.model import Deal, DealStatus
from domain.karma.model import FlagKind, KarmaEntry, KarmaFlag, KarmaRule, RuleSet, score_facts
from domain.karma.ports import FactQuery, HistoryPoint, SectorKarma
from domain.platform.model import Job
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.concurrency import check_version
from domain.shared.errors import InvalidTransition, NotFound
from domain.staff.model import FulfilmentBasis
from domain.staff.permissions import Permission, Resource

RECALCULATE_JOB = "karma.recalculate"
BATCH = 200
HISTORY_DAYS = 366

Progress = Callable[[int, str | None], Awaitable[None]]


async def recompute_clients(
    uow: UnitOfWork, organisation_id: UUID, client_ids: Iterable[UUID]
) -> None:
    """Recompute these clients' derived entries from the source rows with the current rules,
    inside the caller's transaction: idempotent, so an event delivered twice changes nothing."""
    ids = sorted(set(client_ids), key=str)
    if not ids:
        return
    organisation = await uow.organisations.get(organisation_id)
    if organisation is None:
        return
    query = FactQuery(
        organisation_id=organisation_id,
        currency=organisation.currency,
        turnover_from_invoices=organisation.fulfilment_basis is FulfilmentBasis.PAID_INVOICES,
        time_zone=organisation.time_zone,
    )
    rules = await uow.karma.rules(organisation_id)
    facts = await uow.karma.facts(query, ids)
    await uow.karma.sync(organisation_id, ids, score_facts(organisation_id, rules, facts))


async def recalculate_all(
    uow: Callable[[], UnitOfWork], organisation_id: UUID, progress: Progress
) -> dict[str, int]:
    """The recalculation job's work: every client of the organisation, a batch per transaction
    (one transaction over all of them would hold their locks against the subscribers)."""
    async with uow() as reader:
        total = await reader.karma.count_clients(organisation_id)
    done, after = 0, None
    while True:
        async with uow() as batch_uow:
            batch = await batch_uow.karma.client_batch(organisation_id, after=after, limit=BATCH)
            if not batch:
                break
            await recompute_clients(batch_uow, organisation_id, batch)
            await batch_uow.commit()
        done += len(batch)
        after = batch[-1]
        # Never 100 before the end: the runner marks the job done.
        await progress(min(99, done * 100 // max(total, 1)), f"{done}/{total}")
    return {"clients": done}


@dataclass(frozen=True, slots=True)
class ClientKarma:
    client_id: UUID
    score: Decimal | None
    entries: int
    sector: str | None
    sector_average: Decimal | None
    history: list[HistoryPoint]
    public_conflict: KarmaFlag | None

    @property
    def expected(self) -> Decimal | None:
        """What the client shows without entries of its own: its sector's average."""
        return self.sector_average if self.score is None else None


@dataclass(frozen=True, slots=True)
class RulesSaved:
    rules: RuleSet
    job: Job


class KarmaService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def rules(self, principal: Principal) -> RuleSet:
        async with self._uow as uow:
            return await uow.karma.rules(principal.organisation_id)

    async def update_rules(
        self, principal: Principal, rules: Sequence[KarmaRule], *, expected_version: int | None
    ) -> RulesSaved:
        """Save the weights and recalculate every client in the background (the job reports
        its progress)."""
        principal.require(Permission.KARMA_MANAGE)
        async with self._uow as uow:
            current = await uow.karma.rules(principal.organisation_id)
            check_version("Karma rules", current.version, expected_version)
            saved = current.changed(rules)
            await uow.karma.save_rules(
                principal.organisation_id, list(saved.rules.values()), saved.version
            )
            job = Job(
                organisation_id=principal.organisation_id,
                kind=RECALCULATE_JOB,
                params={"version": saved.version},
                created_by=principal.user_id,
                created_at=self._clock.now(),
            )
            await uow.enqueue(job)
            await uow.commit()
            return RulesSaved(saved, job)

    async def client_karma(self, principal: Principal, client_id: UUID) -> ClientKarma:
        async with self._uow as uow:
            client = await load_client(uow, principal, client_id)
            return await self._view(uow, principal, client)

    async def _view(self, uow: UnitOfWork, principal: Principal, client: Client) -> ClientKarma:
        org = principal.organisation_id
        organisation = await uow.organisations.get(org)
        time_zone = organisation.time_zone if organisation else "UTC"
        score = await uow.karma.score(org, client.id)
        flags = await uow.karma.flags(org, client_id=client.id)
        return ClientKarma(
            client_id=client.id,
            score=score.score if score else None,
            entries=score.entries if score else 0,
            sector=client.sector,
            sector_average=await uow.karma.sector_average(org, client.sector),
            history=await uow.karma.history(org, client.id, time_zone, days=HISTORY_DAYS),
            public_conflict=next((f for f in flags if f.kind is FlagKind.PUBLIC_CONFLICT), None),
        )

    async def entries(
        self,
        principal: Principal,
        client_id: UUID,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> list[KarmaEntry]:
        async with self._uow as uow:
            await load_client(uow, principal, client_id)
            found = await uow.karma.entries(
                principal.organisation_id, client_id, limit=limit, after=after
            )
            return await _with_authors(uow, principal.organisation_id, found)

    async def adjust(
        self, principal: Principal, client_id: UUID, *, points: Decimal, reason: str
    ) -> KarmaEntry:
        principal.require(Permission.KARMA_MANAGE)
        async with self._uow as uow:
            await load_client(uow, principal, client_id)
            entry = KarmaEntry.adjustment(
                organisation_id=principal.organisation_id,
                client_id=client_id,
                points=points,
                reason=reason,
                by=principal.user_id,
                at=self._clock.now(),
            )
            await uow.karma.add_manual(entry)
            (entry,) = await _with_authors(uow, principal.organisation_id, [entry])
            await uow.commit()
            return entry

    async def flag_client(
        self, principal: Principal, client_id: UUID, *, note: str | None
    ) -> ClientKarma:
        """A public conflict with the client: one entry while the flag stands."""
        principal.require(Permission.CLIENTS_WRITE)
        async with self._uow as uow:
            client = await load_client(uow, principal, client_id)
            await uow.karma.add_flag(
                KarmaFlag(
                    organisation_id=principal.organisation_id,
                    kind=FlagKind.PUBLIC_CONFLICT,
                    client_id=client_id,
                    note=note,
                    created_by=principal.user_id,
                    created_at=self._clock.now(),
                )
            )
            await recompute_clients(uow, principal.organisation_id, [client_id])
            view = await self._view(uow, principal, client)
            await uow.commit()
            return view

    async def unflag_client(self, principal: Principal, client_id: UUID) -> None:
        principal.require(Permission.CLIENTS_WRITE)
        async with self._uow as uow:
            await load_client(uow, principal, client_id)
            await uow.karma.remove_flag(
                principal.organisation_id, FlagKind.PUBLIC_CONFLICT, client_id=client_id
            )
            await recompute_clients(uow, principal.organisation_id, [client_id])
            await uow.commit()

    async def _deal(self, uow: UnitOfWork, principal: Principal, deal_id: UUID) -> Deal:
        deal = await uow.deals.get(principal.scope_for(Resource.DEALS), deal_id)
        if deal is None:
            raise NotFound("Deal", deal_id)
        return deal

    async def deal_flags(self, principal: Principal, deal_id: UUID) -> list[KarmaFlag]:
        principal.require(Permission.DEALS_READ)
        async with self._uow as uow:
            await self._deal(uow, principal, deal_id)
            return await uow.karma.flags(principal.organisation_id, deal_id=deal_id)

    async def flag_deal(
        self, principal: Principal, deal_id: UUID, *, note: str | None
    ) -> KarmaFlag:
        """A won deal that turned out loss-making: one entry for its client while the flag
        stands (a lost one carries the flag from its closing)."""
        principal.require(Permission.DEALS_WRITE)
        async with self._uow as uow:
            deal = await self._deal(uow, principal, deal_id)
            if deal.status is not DealStatus.WON:
                raise InvalidTransition("only a won deal is flagged as loss-making")
            flag = await uow.karma.add_flag(
                KarmaFlag(
                    organisation_id=principal.organisation_id,
                    kind=FlagKind.LOSS_MAKING,
                    deal_id=deal_id,
                    note=note,
                    created_by=principal.user_id,
                    created_at=self._clock.now(),
                )
            )
            await recompute_clients(uow, principal.organisation_id, [deal.client_id])
            await uow.commit()
            return flag

    async def unflag_deal(self, principal: Principal, deal_id: UUID) -> None:
        principal.require(Permission.DEALS_WRITE)
        async with self._uow as uow:
            deal = await self._deal(uow, principal, deal_id)
            await uow.karma.remove_flag(
                principal.organisation_id, FlagKind.LOSS_MAKING, deal_id=deal_id
            )
            await recompute_clients(uow, principal.organisation_id, [deal.client_id])
            await uow.commit()

    async def sectors(self, principal: Principal) -> list[SectorKarma]:
        """The average karma of the clients with entries, per sector, across the organisation
        (an aggregate: no client or amount behind it shows)."""
        principal.require(Permission.CLIENTS_READ)
        async with self._uow as uow:
            return await uow.karma.sectors(principal.organisation_id)


async def _with_authors(
    uow: UnitOfWork, organisation_id: UUID, entries: Sequence[KarmaEntry]
) -> list[KarmaEntry]:
    """The entries with their authors' names, so a client's history says who adjusted it."""
    authors = {e.created_by for e in entries if e.created_by is not None}
    names = await uow.users.names_of(organisation_id, list(authors))
    for entry in entries:
        if entry.created_by is not None:
            entry.created_by_name = names.get(entry.created_by)
    return list(entries)
