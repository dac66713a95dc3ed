"""Karma: rules, entries recomputed from source rows, cached scores, flags.

The facts of a client are read from the source rows as they are now: won and lost deals,
paid invoices (when the organisation counts turnover from them; won deals otherwise) and the
standing flags. Money counts only in the organisation's currency (no conversion), as plan
fulfilment does. Entries are keyed by (organisation, source kind, source id, kind), so writing
them again upserts the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from adapters.db.repositories.base import SqlRepository
from adapters.db.tables.billing import invoices
from adapters.db.tables.clients import clients
from adapters.db.tables.complaints import complaints
from adapters.db.tables.deals import deals
from adapters.db.tables.karma import karma_entries, karma_flags, karma_rules, karma_scores
from domain.karma.model import (
    EntryKind,
    Fact,
    FlagKind,
    KarmaEntry,
    KarmaFlag,
    KarmaRule,
    RuleKind,
    RuleSet,
    SourceKind,
)
from domain.karma.ports import FactQuery, HistoryPoint, Score, SectorKarma
from domain.shared.ids import new_id

_CHUNK = 1000
_CENT = Decimal("0.01")


def _entry(row: Any) -> KarmaEntry:
    return KarmaEntry(
        id=row.id,
        organisation_id=row.organisation_id,
        client_id=row.client_id,
        kind=EntryKind(row.kind),
        points=row.points,
        reason=row.reason,
        source_kind=SourceKind(row.source_kind),
        source_id=row.source_id,
        occurred_at=row.occurred_at,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def _flag(row: Any) -> KarmaFlag:
    return KarmaFlag(
        id=row.id,
        organisation_id=row.organisation_id,
        kind=FlagKind(row.kind),
        client_id=row.client_id,
        deal_id=row.deal_id,
        note=row.note,
        complaint_id=row.complaint_id,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def _subject(
    organisation_id: UUID, client_id: UUID | None, deal_id: UUID | None
) -> sa.ColumnElement[bool]:
    return sa.and_(
        karma_flags.c.organisation_id == organisation_id,
        karma_flags.c.client_id == client_id
        if client_id is not None
        else karma_flags.c.deal_id == deal_id,
    )


class SqlKarmaRepository(SqlRepository):
    async def rules(self, organisation_id: UUID) -> RuleSet:
        rows = (
            await self._conn.execute(
                sa.select(karma_rules).where(karma_rules.c.organisation_id == organisation_id)
            )
        ).all()
        known = {k.value for k in RuleKind}
        return RuleSet.of(
            (KarmaRule(RuleKind(r.kind), r.weight, r.per_unit) for r in rows if r.kind in known),
            max((r.version for r in rows), default=0),
        )

    async def save_rules(
        self, organisation_id: UUID, rules: Sequence[KarmaRule], version: int
    ) -> None:
        statement = insert(karma_rules).values(
            [
                {
                    "organisation_id": organisation_id,
                    "kind": rule.kind.value,
                    "weight": rule.weight,
                    "per_unit": rule.per_unit,
                    "version": version,
                }
                for rule in rules
            ]
        )
        await self._conn.execute(
            statement.on_conflict_do_update(
                index_elements=["organisation_id", "kind"],
                set_={
                    "weight": statement.excluded.weight,
                    "per_unit": statement.excluded.per_unit,
                    "version": statement.excluded.version,
                    "updated_at": sa.func.now(),
                },
            )
        )

    async def facts(self, query: FactQuery, client_ids: Sequence[UUID]) -> list[Fact]:
        org = query.organisation_id
        found: list[Fact] = []
        closed = (
            await self._conn.execute(
                sa.select(
                    deals.c.id,
                    deals.c.client_id,
                    deals.c.status,
                    sa.func.coalesce(deals.c.closed_at, deals.c.updated_at).label("at"),
                    deals.c.amount,
                    deals.c.currency,
                    deals.c.expected_margin,
                    deals.c.lost_tender,
                    deals.c.loss_making,
                    deals.c.public_conflict,
                ).where(
                    deals.c.organisation_id == org,
                    deals.c.client_id.in_(client_ids),
                    deals.c.status.in_(("won", "lost")),
                )
            )
        ).all()
        for d in closed:

            def fact(kind: RuleKind, amount: Decimal | None = None, d: Any = d) -> Fact:
                return Fact(d.client_id, kind, SourceKind.DEAL, d.id, d.at, amount)

            in_currency = d.currency == query.currency
            if d.status == "won":
                if in_currency and not query.turnover_from_invoices:
                    found.append(fact(RuleKind.TURNOVER, d.amount))
                if in_currency and d.expected_margin is not None:
                    found.append(fact(RuleKind.PROFIT, d.expected_margin))
            else:
                for flag, kind in (
                    (d.lost_tender, RuleKind.LOST_TENDER),
                    (d.loss_making, RuleKind.LOSS_MAKING),
                    (d.public_conflict, RuleKind.PUBLIC_CONFLICT),
                ):
                    if flag:
                        found.append(fact(kind))
        if query.turnover_from_invoices:
            paid_at = sa.func.timezone(query.time_zone, sa.cast(invoices.c.paid_on, sa.DateTime))
            paid = await self._conn.execute(
                sa.select(
                    invoices.c.id, invoices.c.client_id, invoices.c.amount, paid_at.label("at")
                ).where(
                    invoices.c.organisation_id == org,
                    invoices.c.client_id.in_(client_ids),
                    invoices.c.status == "paid",
                    invoices.c.currency == query.currency,
                )
            )
            found.extend(
                Fact(i.client_id, RuleKind.TURNOVER, SourceKind.INVOICE, i.id, i.at, i.amount)
                for i in paid
            )
        # Client flags, and deal flags while their deal stays won (a reopened deal's flag
        # counts again if it is won again).
        flag_client = sa.func.coalesce(karma_flags.c.client_id, deals.c.client_id)
        flags = await self._conn.execute(
            sa.select(karma_flags.c.id, karma_flags.c.kind, karma_flags.c.created_at, flag_client)
            .select_from(
                karma_flags.outerjoin(
                    deals,
                    sa.and_(
                        deals.c.organisation_id == karma_flags.c.organisation_id,
                        deals.c.id == karma_flags.c.deal_id,
                    ),
                )
            )
            .where(
                karma_flags.c.organisation_id == org,
                sa.or_(
                    karma_flags.c.client_id.in_(client_ids),
                    sa.and_(deals.c.client_id.in_(client_ids), deals.c.status == "won"),
                ),
            )
        )
        found.extend(
            Fact(f[3], RuleKind(f.kind), SourceKind.FLAG, f.id, f.created_at) for f in flags
        )
        return found

    async def _lock(self, organisation_id: UUID, client_ids: Iterable[UUID]) -> None:
        keys = [f"karma:{organisation_id}:{c}" for c in sorted(set(client_ids), key=str)]
        await self._conn.execute(
            sa.text(
                "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) "
                "FROM unnest(CAST(:keys AS text[])) WITH ORDINALITY AS t(k, n) ORDER BY n"
            ),
            {"keys": keys},
        )

    async def sync(
        self, organisation_id: UUID, client_ids: Sequence[UUID], entries: Sequence[KarmaEntry]
    ) -> None:
        await self._lock(organisation_id, client_ids)
        # Clients whose entries move here (a deal moved to another client): rescored too.
        sources = sorted({e.source_id for e in entries}, key=str)
        others: set[UUID] = set()
        for start in range(0, len(sources), _CHUNK):
            others.update(
                await self._conn.scalars(
                    sa.select(karma_entries.c.client_id).where(
                        karma_entries.c.organisation_id == organisation_id,
                        karma_entries.c.source_id.in_(sources[start : start + _CHUNK]),
                        karma_entries.c.client_id.not_in(client_ids),
                    )
                )
            )
        kept: list[UUID] = []
        for start in range(0, len(entries), _CHUNK):
            statement = insert(karma_entries).values(
                [
                    {
                        "id": e.id,
                        "organisation_id": organisation_id,
                        "client_id": e.client_id,
                        "kind": e.kind.value,
                        "points": e.points,
                        "reason": e.reason,
                        "source_kind": e.source_kind.value,
                        "source_id": e.source_id,
                        "occurred_at": e.occurred_at,
                    }
                    for e in entries[start : start + _CHUNK]
                ]
            )
            statement = statement.on_conflict_do_update(
                index_elements=["organisation_id", "source_kind", "source_id", "kind"],
                set_={
                    "client_id": statement.excluded.client_id,
                    "points": statement.excluded.points,
                    "occurred_at": statement.excluded.occurred_at,
                },
            )
            kept.extend(await self._conn.scalars(statement.returning(karma_entries.c.id)))
        await self._conn.execute(
            sa.delete(karma_entries).where(
                karma_entries.c.organisation_id == organisation_id,
                karma_entries.c.client_id.in_(client_ids),
                karma_entries.c.source_kind != SourceKind.MANUAL.value,
                karma_entries.c.id.not_in(kept),
            )
        )
        await self._rescore(organisation_id, [*client_ids, *others])

    async def _rescore(self, organisation_id: UUID, client_ids: Sequence[UUID]) -> None:
        await self._conn.execute(
            sa.delete(karma_scores).where(
                karma_scores.c.organisation_id == organisation_id,
                karma_scores.c.client_id.in_(client_ids),
            )
        )
        sums = (
            sa.select(
                karma_entries.c.organisation_id,
                karma_entries.c.client_id,
                sa.func.sum(karma_entries.c.points),
                sa.func.count(),
            )
            .where(
                karma_entries.c.organisation_id == organisation_id,
                karma_entries.c.client_id.in_(client_ids),
            )
            .group_by(karma_entries.c.organisation_id, karma_entries.c.client_id)
        )
        await self._conn.execute(
            insert(karma_scores).from_select(
                ["organisation_id", "client_id", "score", "entries"], sums
            )
        )

    async def absorb(self, organisation_id: UUID, survivor_id: UUID, merged_id: UUID) -> None:
        await self._lock(organisation_id, (survivor_id, merged_id))
        await self._conn.execute(
            sa.update(karma_entries)
            .where(
                karma_entries.c.organisation_id == organisation_id,
                karma_entries.c.client_id == merged_id,
                karma_entries.c.source_kind == SourceKind.MANUAL.value,
            )
            .values(client_id=survivor_id)
        )
        standing = sa.select(karma_flags.c.kind).where(_subject(organisation_id, survivor_id, None))
        await self._conn.execute(
            sa.update(karma_flags)
            .where(
                _subject(organisation_id, merged_id, None),
                karma_flags.c.kind.not_in(standing.scalar_subquery()),
            )
            .values(client_id=survivor_id)
        )
        await self._conn.execute(
            sa.delete(karma_flags).where(_subject(organisation_id, merged_id, None))
        )

    async def add_manual(self, entry: KarmaEntry) -> None:
        await self._lock(entry.organisation_id, (entry.client_id,))
        await self._conn.execute(
            sa.insert(karma_entries).values(
                id=entry.id,
                organisation_id=entry.organisation_id,
                client_id=entry.client_id,
                kind=entry.kind.value,
                points=entry.points,
                reason=entry.reason,
                source_kind=entry.source_kind.value,
                source_id=entry.source_id,
                occurred_at=entry.occurred_at,
                created_by=entry.created_by,
                created_at=entry.created_at or sa.func.now(),
            )
        )
        await self._rescore(entry.organisation_id, (entry.client_id,))

    async def score(self, organisation_id: UUID, client_id: UUID) -> Score | None:
        row = (
            await self._conn.execute(
                sa.select(karma_scores.c.score, karma_scores.c.entries).where(
                    karma_scores.c.organisation_id == organisation_id,
                    karma_scores.c.client_id == client_id,
                )
            )
        ).first()
        return Score(row.score, row.entries) if row else None

    def _by_sector(self, organisation_id: UUID) -> sa.Select[Any]:
        return (
            sa.select(
                clients.c.sector,
                sa.func.count().label("clients"),
                sa.func.round(sa.func.avg(karma_scores.c.score), 2).label("average"),
            )
            .select_from(
                karma_scores.join(
                    clients,
                    sa.and_(
                        clients.c.organisation_id == karma_scores.c.organisation_id,
                        clients.c.id == karma_scores.c.client_id,
                    ),
                )
            )
            .where(
                karma_scores.c.organisation_id == organisation_id,
                clients.c.merged_into_id.is_(None),
            )
            .group_by(clients.c.sector)
        )

    async def sector_average(self, organisation_id: UUID, sector: str | None) -> Decimal | None:
        row = (
            await self._conn.execute(
                self._by_sector(organisation_id).where(
                    clients.c.sector.is_not_distinct_from(sector)
                )
            )
        ).first()
        return row.average if row else None

    async def sectors(self, organisation_id: UUID) -> list[SectorKarma]:
        rows = await self._conn.execute(
            self._by_sector(organisation_id).order_by(sa.nulls_last(clients.c.sector))
        )
        return [SectorKarma(r.sector, r.clients, r.average) for r in rows]

    async def history(
        self, organisation_id: UUID, client_id: UUID, time_zone: str, *, days: int
    ) -> list[HistoryPoint]:
        day = sa.cast(sa.func.timezone(time_zone, karma_entries.c.occurred_at), sa.Date)
        daily = (
            sa.select(day.label("day"), sa.func.sum(karma_entries.c.points).label("change"))
            .where(
                karma_entries.c.organisation_id == organisation_id,
                karma_entries.c.client_id == client_id,
            )
            .group_by(day)
            .subquery()
        )
        running = sa.select(
            daily.c.day,
            daily.c.change,
            sa.func.sum(daily.c.change).over(order_by=daily.c.day).label("score"),
        ).subquery()
        rows = await self._conn.execute(
            sa.select(running).order_by(running.c.day.desc()).limit(days)
        )
        return [HistoryPoint(r.day, r.change, r.score) for r in reversed(rows.all())]

    async def entries(
        self,
        organisation_id: UUID,
        client_id: UUID,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> list[KarmaEntry]:
        query = sa.select(karma_entries).where(
            karma_entries.c.organisation_id == organisation_id,
            karma_entries.c.client_id == client_id,
        )
        if after is not None:
            query = query.where(
                sa.tuple_(karma_entries.c.occurred_at, karma_entries.c.id) < sa.tuple_(*after)
            )
        rows = await self._conn.execute(
            query.order_by(karma_entries.c.occurred_at.desc(), karma_entries.c.id.desc()).limit(
                limit
            )
        )
        return [_entry(r) for r in rows]

    async def client_batch(
        self, organisation_id: UUID, *, after: UUID | None, limit: int
    ) -> list[UUID]:
        query = sa.select(clients.c.id).where(clients.c.organisation_id == organisation_id)
        if after is not None:
            query = query.where(clients.c.id > after)
        return list(await self._conn.scalars(query.order_by(clients.c.id).limit(limit)))

    async def count_clients(self, organisation_id: UUID) -> int:
        return int(
            await self._conn.scalar(
                sa.select(sa.func.count()).where(clients.c.organisation_id == organisation_id)
            )
            or 0
        )

    async def add_flag(self, flag: KarmaFlag) -> KarmaFlag:
        column = "client_id" if flag.client_id is not None else "deal_id"
        await self._conn.execute(
            insert(karma_flags)
            .values(
                id=flag.id,
                organisation_id=flag.organisation_id,
                kind=flag.kind.value,
                client_id=flag.client_id,
                deal_id=flag.deal_id,
                note=flag.note,
                created_by=flag.created_by,
                created_at=flag.created_at,
            )
            .on_conflict_do_nothing(
                index_elements=["organisation_id", column, "kind"],
                index_where=sa.text(f"{column} IS NOT NULL"),
            )
        )
        row = (
            await self._conn.execute(
                sa.select(karma_flags).where(
                    _subject(flag.organisation_id, flag.client_id, flag.deal_id),
                    karma_flags.c.kind == flag.kind.value,
                )
            )
        ).one()
        return _flag(row)

    async def sync_complaint_flag(
        self, organisation_id: UUID, client_id: UUID, at: datetime
    ) -> None:
        # The client's complaints are the source rows of a complaint's flag, as deals and
        # invoices are of the derived entries.
        recording = await self._conn.scalar(
            sa.select(complaints.c.id)
            .where(
                complaints.c.organisation_id == organisation_id,
                complaints.c.client_id == client_id,
                complaints.c.public_conflict,
            )
            .order_by(complaints.c.created_at, complaints.c.id)
            .limit(1)
        )
        of_client = sa.and_(
            _subject(organisation_id, client_id, None),
            karma_flags.c.kind == FlagKind.PUBLIC_CONFLICT.value,
        )
        if recording is None:
            # Only a flag a complaint recorded goes; one set by hand stays.
            await self._conn.execute(
                sa.delete(karma_flags).where(of_client, karma_flags.c.complaint_id.is_not(None))
            )
            return
        await self._conn.execute(
            insert(karma_flags)
            .values(
                id=new_id(),
                organisation_id=organisation_id,
                kind=FlagKind.PUBLIC_CONFLICT.value,
                client_id=client_id,
                complaint_id=recording,
                created_at=at,
            )
            .on_conflict_do_nothing(
                index_elements=["organisation_id", "client_id", "kind"],
                index_where=sa.text("client_id IS NOT NULL"),
            )
        )
        # A flag another complaint recorded, which no longer does, passes to this one.
        await self._conn.execute(
            sa.update(karma_flags)
            .where(
                of_client,
                karma_flags.c.complaint_id.is_not(None),
                karma_flags.c.complaint_id != recording,
            )
            .values(complaint_id=recording)
        )

    async def remove_flag(
        self,
        organisation_id: UUID,
        kind: FlagKind,
        *,
        client_id: UUID | None = None,
        deal_id: UUID | None = None,
    ) -> bool:
        result = await self._conn.execute(
            sa.delete(karma_flags).where(
                _subject(organisation_id, client_id, deal_id), karma_flags.c.kind == kind.value
            )
        )
        return bool(result.rowcount)

    async def flags(
        self,
        organisation_id: UUID,
        *,
        client_id: UUID | None = None,
        deal_id: UUID | None = None,
    ) -> list[KarmaFlag]:
        rows = await self._conn.execute(
            sa.select(karma_flags)
            .where(_subject(organisation_id, client_id, deal_id))
            .order_by(karma_flags.c.kind)
        )
        return [_flag(r) for r in rows]
