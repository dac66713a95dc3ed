"""The lead inbox over ``intake_leads``: one query per page with the names it shows (the
form, client, deal and assignee joined, no per-row lookups), and the conditional UPDATEs that
make taking a lead a race only one person wins."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from adapters.db.repositories.base import SqlRepository
from adapters.db.repositories.visibility import owned_by, visible_owner_ids
from adapters.db.tables.clients import clients
from adapters.db.tables.deals import deals
from adapters.db.tables.distribution import intake_leads
from adapters.db.tables.intake import intake_forms, intake_inbox
from adapters.db.tables.staff import users
from domain.intake.lead_inbox import (
    AssigneeFilter,
    InboxLead,
    LeadCounts,
    LeadFilter,
    LeadKind,
)
from domain.intake.leads import Assignment, LeadStatus
from domain.shared.scope import Scope

_l = intake_leads


def _on(table: sa.Table, column: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    return sa.and_(table.c.organisation_id == _l.c.organisation_id, table.c.id == column)


_SELECT = (
    sa.select(
        _l,
        intake_forms.c.name.label("channel_name"),
        clients.c.name.label("client_name"),
        deals.c.title.label("deal_title"),
        users.c.full_name.label("assignee_name"),
        intake_inbox.c.lead["match"].astext.label("match"),
        intake_inbox.c.lead["comment"].astext.label("comment"),
    )
    .select_from(_l)
    .outerjoin(intake_forms, _on(intake_forms, _l.c.channel_id))
    .outerjoin(clients, _on(clients, _l.c.client_id))
    .outerjoin(deals, _on(deals, _l.c.deal_id))
    .outerjoin(users, _on(users, _l.c.assignee_id))
    .outerjoin(intake_inbox, _on(intake_inbox, _l.c.inbox_item_id))
)


# Nobody has it, or only a fallback holder (see InboxLead.is_free).
_FREE = sa.or_(_l.c.assignee_id.is_(None), _l.c.assignment == Assignment.FALLBACK.value)


class SqlLeadInboxRepository(SqlRepository):
    async def _visible(self, scope: Scope) -> sa.ColumnElement[bool]:
        """Free leads (anyone who works leads may take them) and those of the people the
        scope sees."""
        ids = await visible_owner_ids(self._conn, scope)
        return sa.or_(_FREE, owned_by(_l.c.assignee_id, ids))

    async def get(self, scope: Scope, lead_id: UUID) -> InboxLead | None:
        row = (
            await self._conn.execute(
                _SELECT.where(
                    _l.c.organisation_id == scope.organisation_id,
                    _l.c.id == lead_id,
                    await self._visible(scope),
                )
            )
        ).first()
        return _lead(row._mapping) if row else None

    async def list(
        self,
        scope: Scope,
        filters: LeadFilter,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[InboxLead]:
        query = _SELECT.where(
            _l.c.organisation_id == scope.organisation_id, await self._visible(scope)
        )
        if filters.statuses:
            query = query.where(_l.c.status.in_([s.value for s in filters.statuses]))
        if filters.kinds:
            query = query.where(_l.c.kind.in_(list(filters.kinds)))
        if filters.source is not None:
            query = query.where(_l.c.source == filters.source)
        if filters.channel_id is not None:
            query = query.where(_l.c.channel_id == filters.channel_id)
        if filters.assignee is AssigneeFilter.NONE:
            query = query.where(_FREE)
        elif filters.assignee is AssigneeFilter.ME:
            query = query.where(_l.c.assignee_id == scope.user_id, sa.not_(_FREE))
        elif isinstance(filters.assignee, UUID):
            query = query.where(_l.c.assignee_id == filters.assignee)
        if after is not None:
            query = query.where(sa.tuple_(_l.c.received_at, _l.c.id) < sa.tuple_(*after))
        rows = await self._conn.execute(
            query.order_by(_l.c.received_at.desc(), _l.c.id.desc()).limit(limit)
        )
        return [_lead(row._mapping) for row in rows]

    async def counts(self, scope: Scope, *, overdue_before: datetime) -> LeadCounts:
        mine = (
            sa.and_(_l.c.assignee_id == scope.user_id, sa.not_(_FREE))
            if scope.user_id
            else sa.false()
        )
        overdue = sa.and_(_l.c.received_at < overdue_before, _l.c.first_response_at.is_(None))
        row = (
            await self._conn.execute(
                sa.select(
                    sa.func.count(),
                    sa.func.count().filter(_FREE),
                    sa.func.count().filter(mine),
                    sa.func.count().filter(overdue),
                ).where(
                    _l.c.organisation_id == scope.organisation_id,
                    _l.c.status == LeadStatus.OPEN.value,
                    await self._visible(scope),
                )
            )
        ).one()
        return LeadCounts(open=row[0], unassigned=row[1], mine=row[2], overdue=row[3])

    async def close_missed_calls(self, organisation_id: UUID, phone: str, *, at: datetime) -> None:
        await self._conn.execute(
            sa.update(_l)
            .where(
                _l.c.organisation_id == organisation_id,
                _l.c.kind == LeadKind.TELEPHONY.value,
                _l.c.phone == phone,
                _l.c.status == LeadStatus.OPEN.value,
            )
            .values(
                status=LeadStatus.CLOSED.value,
                first_response_at=sa.func.coalesce(_l.c.first_response_at, at),
                version=_l.c.version + 1,
            )
        )

    async def reaches(self, scope: Scope, user_id: UUID) -> bool:
        ids = await visible_owner_ids(self._conn, scope)
        return ids is None or user_id in ids

    async def assign(
        self,
        organisation_id: UUID,
        lead_id: UUID,
        *,
        assignee_id: UUID,
        assignment: Assignment,
        at: datetime,
        only_from: UUID | None,
        expected_version: int | None,
    ) -> bool:
        conditions = [
            _l.c.organisation_id == organisation_id,
            _l.c.id == lead_id,
            _l.c.status == LeadStatus.OPEN.value,
        ]
        if only_from is not None:
            conditions.append(sa.or_(_FREE, _l.c.assignee_id == only_from))
        if expected_version is not None:
            conditions.append(_l.c.version == expected_version)
        result = await self._conn.execute(
            sa.update(_l)
            .where(*conditions)
            .values(
                assignee_id=assignee_id,
                assigned_at=at,
                assignment=assignment.value,
                # Taken: no longer due to escalate; its response time counts from now.
                escalate_at=None,
                first_response_at=None,
                version=_l.c.version + 1,
            )
        )
        return result.rowcount == 1

    async def close(
        self,
        organisation_id: UUID,
        lead_id: UUID,
        *,
        status: LeadStatus,
        client_id: UUID | None,
        deal_id: UUID | None,
        expected_version: int,
    ) -> bool:
        result = await self._conn.execute(
            sa.update(_l)
            .where(
                _l.c.organisation_id == organisation_id,
                _l.c.id == lead_id,
                _l.c.status == LeadStatus.OPEN.value,
                _l.c.version == expected_version,
            )
            .values(
                status=status.value,
                client_id=client_id,
                deal_id=deal_id,
                version=_l.c.version + 1,
            )
        )
        return result.rowcount == 1


def _lead(m: Any) -> InboxLead:
    return InboxLead(
        id=m["id"],
        organisation_id=m["organisation_id"],
        inbox_item_id=m["inbox_item_id"],
        kind=m["kind"],
        status=LeadStatus(m["status"]),
        channel_id=m["channel_id"],
        channel_name=m["channel_name"],
        source=m["source"],
        campaign=m["campaign"],
        person_name=m["person_name"],
        phone=m["phone"],
        email=m["email"],
        comment=m["comment"],
        client_id=m["client_id"],
        client_name=m["client_name"],
        deal_id=m["deal_id"],
        deal_title=m["deal_title"],
        match=m["match"],
        assignee_id=m["assignee_id"],
        assignee_name=m["assignee_name"],
        assigned_at=m["assigned_at"],
        assignment=m["assignment"],
        received_at=m["received_at"],
        escalate_at=m["escalate_at"],
        first_response_at=m["first_response_at"],
        version=m["version"],
    )
