"""Complaints in SQL: visibility by owner, the list by deadline, the overdue sweep's candidates
and the report per owner counted by PostgreSQL."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from adapters.db.repositories.base import SqlRepository, in_organisation
from adapters.db.repositories.visibility import owned_by, visible_owner_ids
from adapters.db.tables.clients import clients
from adapters.db.tables.complaints import complaint_transitions, complaints
from adapters.db.tables.deals import deals
from adapters.db.tables.staff import organisations, users
from domain.complaints.model import (
    Complaint,
    ComplaintKind,
    ComplaintStatus,
    OwnerFigures,
)
from domain.complaints.ports import ComplaintFilter, ComplaintRow, OverdueCandidate
from domain.shared.scope import Scope

_OPEN = (ComplaintStatus.NEW.value, ComplaintStatus.IN_WORK.value)
_CLOSED = (ComplaintStatus.RESOLVED.value, ComplaintStatus.REJECTED.value)


def _values(c: Complaint) -> dict[str, Any]:
    return {
        "client_id": c.client_id,
        "deal_id": c.deal_id,
        "kind": c.kind.value,
        "description": c.description,
        "owner_id": c.owner_id,
        "deadline": c.deadline,
        "status": c.status.value,
        "resolution": c.resolution,
        "resolved_at": c.resolved_at,
        "public_conflict": c.public_conflict,
        "overdue_announced_for": c.overdue_announced_for,
        "updated_at": c.updated_at or sa.func.now(),
    }


def _complaint(m: Any) -> Complaint:
    return Complaint(
        id=m["id"],
        organisation_id=m["organisation_id"],
        client_id=m["client_id"],
        deal_id=m["deal_id"],
        kind=ComplaintKind(m["kind"]),
        description=m["description"],
        owner_id=m["owner_id"],
        deadline=m["deadline"],
        status=ComplaintStatus(m["status"]),
        resolution=m["resolution"],
        resolved_at=m["resolved_at"],
        public_conflict=m["public_conflict"],
        overdue_announced_for=m["overdue_announced_for"],
        created_by=m["created_by"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        version=m["version"],
    )


_client_name = (
    sa.select(clients.c.name)
    .where(
        clients.c.organisation_id == complaints.c.organisation_id,
        clients.c.id == complaints.c.client_id,
    )
    .scalar_subquery()
    .label("client_name")
)
_deal_title = (
    sa.select(deals.c.title)
    .where(
        deals.c.organisation_id == complaints.c.organisation_id, deals.c.id == complaints.c.deal_id
    )
    .scalar_subquery()
    .label("deal_title")
)
_owner_name = (
    sa.select(users.c.full_name)
    .where(
        users.c.organisation_id == complaints.c.organisation_id, users.c.id == complaints.c.owner_id
    )
    .scalar_subquery()
    .label("owner_name")
)


def _row(m: Any) -> ComplaintRow:
    return ComplaintRow(
        complaint=_complaint(m),
        client_name=m["client_name"],
        deal_title=m["deal_title"],
        owner_name=m["owner_name"],
    )


class SqlComplaintRepository(SqlRepository):
    async def add(self, complaint: Complaint) -> None:
        await self._conn.execute(
            sa.insert(complaints).values(
                id=complaint.id,
                organisation_id=complaint.organisation_id,
                created_by=complaint.created_by,
                created_at=complaint.created_at or sa.func.now(),
                version=complaint.version,
                **_values(complaint),
            )
        )
        await self._store_transitions(complaint)
        self._collect(complaint)

    async def _store_transitions(self, complaint: Complaint) -> None:
        if not complaint.transitions:
            return
        await self._conn.execute(
            sa.insert(complaint_transitions),
            [
                {
                    "id": t.id,
                    "organisation_id": complaint.organisation_id,
                    "complaint_id": t.complaint_id,
                    "client_id": t.client_id,
                    "deal_id": t.deal_id,
                    "from_status": t.from_status.value if t.from_status else None,
                    "to_status": t.to_status.value,
                    "kind": t.kind.value,
                    "resolution": t.resolution,
                    "actor_id": t.actor_id,
                    "at": t.at,
                }
                for t in complaint.transitions
            ],
        )
        complaint.transitions.clear()

    async def _visible(self, scope: Scope) -> sa.ColumnElement[bool]:
        owners = await visible_owner_ids(self._conn, scope)
        return sa.and_(in_organisation(complaints, scope), owned_by(complaints.c.owner_id, owners))

    async def get(
        self, scope: Scope, complaint_id: UUID, *, for_update: bool = False
    ) -> Complaint | None:
        query = sa.select(complaints).where(
            await self._visible(scope), complaints.c.id == complaint_id
        )
        if for_update:
            query = query.with_for_update()
        row = (await self._conn.execute(query)).one_or_none()
        return None if row is None else _complaint(row._mapping)

    async def row(self, scope: Scope, complaint_id: UUID) -> ComplaintRow | None:
        query = sa.select(complaints, _client_name, _deal_title, _owner_name).where(
            await self._visible(scope), complaints.c.id == complaint_id
        )
        row = (await self._conn.execute(query)).one_or_none()
        return None if row is None else _row(row._mapping)

    async def update(self, complaint: Complaint, expected_version: int) -> None:
        await self._update_versioned(
            complaints,
            entity="Complaint",
            ident=complaint.id,
            organisation_id=complaint.organisation_id,
            expected_version=expected_version,
            values=_values(complaint),
        )
        complaint.version = expected_version + 1
        await self._store_transitions(complaint)
        self._collect(complaint)

    async def save_overdue_mark(self, complaint: Complaint) -> None:
        await self._conn.execute(
            sa.update(complaints)
            .where(
                complaints.c.organisation_id == complaint.organisation_id,
                complaints.c.id == complaint.id,
            )
            .values(overdue_announced_for=complaint.overdue_announced_for)
        )
        self._collect(complaint)

    async def list(
        self,
        scope: Scope,
        filters: ComplaintFilter,
        *,
        limit: int,
        after: tuple[date, UUID] | None = None,
    ) -> Sequence[ComplaintRow]:
        c = complaints
        query = sa.select(c, _client_name, _deal_title, _owner_name).where(
            await self._visible(scope)
        )
        if filters.statuses:
            query = query.where(c.c.status.in_(sorted(s.value for s in filters.statuses)))
        if filters.kinds:
            query = query.where(c.c.kind.in_(sorted(k.value for k in filters.kinds)))
        if filters.owner_ids:
            query = query.where(c.c.owner_id.in_(sorted(filters.owner_ids, key=str)))
        if filters.client_id is not None:
            query = query.where(c.c.client_id == filters.client_id)
        if filters.deal_id is not None:
            query = query.where(c.c.deal_id == filters.deal_id)
        if filters.overdue is not None and filters.today is not None:
            overdue = sa.and_(c.c.status.in_(_OPEN), c.c.deadline < filters.today)
            query = query.where(overdue if filters.overdue else sa.not_(overdue))
        if after is not None:
            query = query.where(sa.tuple_(c.c.deadline, c.c.id) > sa.tuple_(*after))
        rows = await self._conn.execute(query.order_by(c.c.deadline, c.c.id).limit(limit))
        return [_row(r._mapping) for r in rows]

    async def overdue_candidates(
        self, now: datetime, *, limit: int
    ) -> builtins.list[OverdueCandidate]:
        c = complaints
        today = sa.cast(sa.func.timezone(organisations.c.time_zone, now), sa.Date)
        rows = await self._conn.execute(
            sa.select(c.c.organisation_id, c.c.id, today.label("today"))
            .join(organisations, organisations.c.id == c.c.organisation_id)
            .where(
                c.c.status.in_(_OPEN),
                c.c.overdue_announced_for.is_distinct_from(c.c.deadline),
                # Coarse bound the partial index serves, then the organisation's own day.
                c.c.deadline < sa.cast(now, sa.Date) + 1,
                c.c.deadline < today,
            )
            .order_by(c.c.deadline, c.c.organisation_id, c.c.id)
            .limit(limit)
        )
        return [OverdueCandidate(r.organisation_id, r.id, r.today) for r in rows]

    async def report(
        self, scope: Scope, first_day: date, last_day: date, time_zone: str, today: date
    ) -> builtins.list[OwnerFigures]:
        c = complaints
        closed = c.c.status.in_(_CLOSED)
        hours = sa.extract("epoch", c.c.resolved_at - c.c.created_at) / 3600.0
        figures = (
            sa.select(
                c.c.owner_id,
                sa.func.count().label("total"),
                sa.func.count().filter(c.c.status.in_(_OPEN)).label("open"),
                sa.func.count()
                .filter(c.c.status.in_(_OPEN), c.c.deadline < today)
                .label("overdue"),
                sa.func.count()
                .filter(c.c.status == ComplaintStatus.RESOLVED.value)
                .label("resolved"),
                sa.func.count()
                .filter(c.c.status == ComplaintStatus.REJECTED.value)
                .label("rejected"),
                sa.func.percentile_cont(0.5)
                .within_group(hours)
                .filter(closed)
                .label("median_hours"),
                sa.func.avg(hours).filter(closed).label("average_hours"),
            )
            .where(
                await self._visible(scope),
                # A day's bounds, so the index on (organisation_id, created_at) serves.
                c.c.created_at >= sa.func.timezone(time_zone, sa.cast(first_day, sa.DateTime)),
                c.c.created_at
                < sa.func.timezone(
                    time_zone, sa.cast(last_day, sa.DateTime) + sa.text("interval '1 day'")
                ),
            )
            .group_by(c.c.owner_id)
            .subquery()
        )
        rows = await self._conn.execute(
            sa.select(figures, users.c.full_name)
            .join(
                users,
                sa.and_(
                    users.c.organisation_id == scope.organisation_id,
                    users.c.id == figures.c.owner_id,
                ),
            )
            .order_by(users.c.full_name, figures.c.owner_id)
        )
        return [
            OwnerFigures(
                owner_id=r.owner_id,
                owner_name=r.full_name,
                total=r.total,
                open=r.open,
                overdue=r.overdue,
                resolved=r.resolved,
                rejected=r.rejected,
                median_hours_to_resolve=_rounded(r.median_hours),
                average_hours_to_resolve=_rounded(r.average_hours),
            )
            for r in rows
        ]


def _rounded(value: object) -> float | None:
    return None if value is None else round(float(str(value)), 1)
