"""Distribution rules, their round-robin counters and the leads, in PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.db.repositories.base import (
    EventCollector,
    SqlRepository,
    discard_events,
    in_organisation,
)
from adapters.db.repositories.staff import _absence, _schedule
from adapters.db.repositories.visibility import owned_by, visible, visible_owner_ids
from adapters.db.tables.activities import activities, tasks
from adapters.db.tables.clients import clients
from adapters.db.tables.deals import deals
from adapters.db.tables.distribution import (
    distribution_counters,
    distribution_rules,
    intake_leads,
)
from adapters.db.tables.funnels import stages
from adapters.db.tables.staff import absences, roles, schedules, users
from adapters.db.tables.telephony import calls
from domain.intake.distribution import (
    ManagerLoad,
    Member,
    Rule,
    TagRoute,
    WorkloadCard,
)
from domain.intake.leads import Assignment, Lead, LeadStatus
from domain.intake.model import DistributionKind
from domain.shared.scope import Scope
from domain.staff.model import Absence, Schedule
from domain.staff.permissions import ADMIN_ROLE_CODE

_OPEN = LeadStatus.OPEN.value


class SqlDistributionRepository(SqlRepository):
    def __init__(
        self,
        connection: AsyncConnection,
        collect: EventCollector = discard_events,
        *,
        turns: AsyncEngine | None = None,
    ) -> None:
        """``turns``: an autocommit engine for ``take_turn`` (without one, a turn is taken
        in the caller's transaction)."""
        super().__init__(connection, collect)
        self._turns = turns

    # --- rules ------------------------------------------------------------------------------

    async def add_rule(self, rule: Rule) -> None:
        await self._conn.execute(
            sa.insert(distribution_rules).values(
                id=rule.id,
                organisation_id=rule.organisation_id,
                created_at=rule.created_at or sa.func.now(),
                **_rule_values(rule),
            )
        )

    async def get_rule(self, scope: Scope, rule_id: UUID) -> Rule | None:
        t = distribution_rules
        row = (
            await self._conn.execute(
                sa.select(t).where(in_organisation(t, scope), t.c.id == rule_id)
            )
        ).first()
        return _rule(row._mapping) if row else None

    async def list_rules(
        self, scope: Scope, *, limit: int, after: tuple[datetime, UUID] | None = None
    ) -> Sequence[Rule]:
        t = distribution_rules
        rows = await self._newest_first(t, in_organisation(t, scope), limit=limit, after=after)
        return [_rule(row) for row in rows]

    async def active_rules(self, organisation_id: UUID) -> Sequence[Rule]:
        t = distribution_rules
        rows = await self._conn.execute(
            sa.select(t)
            .where(t.c.organisation_id == organisation_id, t.c.is_active.is_(True))
            .order_by(t.c.priority, t.c.created_at, t.c.id)
        )
        return [_rule(row._mapping) for row in rows]

    async def update_rule(self, rule: Rule, expected_version: int) -> None:
        await self._update_versioned(
            distribution_rules,
            entity="Distribution rule",
            ident=rule.id,
            organisation_id=rule.organisation_id,
            expected_version=expected_version,
            values=_rule_values(rule),
        )
        rule.version = expected_version + 1

    async def delete_rule(self, scope: Scope, rule_id: UUID) -> None:
        t = distribution_rules
        await self._conn.execute(sa.delete(t).where(in_organisation(t, scope), t.c.id == rule_id))

    # --- choosing ---------------------------------------------------------------------------

    async def advance(self, organisation_id: UUID, key: UUID) -> int:
        return await _advance(self._conn, organisation_id, key)

    async def take_turn(self, organisation_id: UUID, key: UUID) -> int:
        if self._turns is None:
            return await self.advance(organisation_id, key)
        async with self._turns.connect() as conn:  # autocommit: the row is free at once
            return await _advance(conn, organisation_id, key)

    async def members(self, organisation_id: UUID, user_ids: Sequence[UUID]) -> list[Member]:
        if not user_ids:
            return []
        rows = await self._conn.execute(
            sa.select(users.c.id, users.c.time_zone, users.c.department_id).where(
                users.c.organisation_id == organisation_id,
                users.c.id.in_(list(user_ids)),
                users.c.is_active.is_(True),
            )
        )
        return [Member(r.id, True, r.time_zone, r.department_id) for r in rows]

    async def duty_facts(
        self, organisation_id: UUID, user_ids: Sequence[UUID], around: datetime
    ) -> tuple[dict[UUID, Schedule], list[Absence]]:
        if not user_ids:
            return {}, []
        ids = list(user_ids)
        found = await self._conn.execute(
            sa.select(schedules).where(
                schedules.c.organisation_id == organisation_id, schedules.c.user_id.in_(ids)
            )
        )
        by_user = {row.user_id: _schedule(row._mapping) for row in found}
        day = around.date()
        away = await self._conn.execute(
            sa.select(absences).where(
                absences.c.organisation_id == organisation_id,
                absences.c.user_id.in_(ids),
                absences.c.starts_on <= day + timedelta(days=1),
                absences.c.ends_on >= day - timedelta(days=1),
            )
        )
        return by_user, [_absence(row._mapping) for row in away]

    async def open_lead_counts(
        self, organisation_id: UUID, user_ids: Sequence[UUID]
    ) -> dict[UUID, int]:
        if not user_ids:
            return {}
        t = intake_leads
        rows = await self._conn.execute(
            sa.select(t.c.assignee_id, sa.func.count())
            .where(
                t.c.organisation_id == organisation_id,
                t.c.assignee_id.in_(list(user_ids)),
                t.c.status == _OPEN,
            )
            .group_by(t.c.assignee_id)
        )
        return {row[0]: int(row[1]) for row in rows}

    async def first_active_admin(self, organisation_id: UUID) -> UUID | None:
        found: UUID | None = await self._conn.scalar(
            sa.select(users.c.id)
            .join(
                roles,
                sa.and_(
                    roles.c.organisation_id == users.c.organisation_id,
                    roles.c.id == users.c.role_id,
                ),
            )
            .where(
                users.c.organisation_id == organisation_id,
                users.c.is_active.is_(True),
                roles.c.code == ADMIN_ROLE_CODE,
            )
            .order_by(users.c.created_at, users.c.id)
            .limit(1)
        )
        return found

    # --- leads ------------------------------------------------------------------------------

    async def add_lead(self, lead: Lead) -> None:
        t = intake_leads
        await self._conn.execute(
            insert(t)
            .values(
                id=lead.id,
                organisation_id=lead.organisation_id,
                inbox_item_id=lead.inbox_item_id,
                **_lead_values(lead),
            )
            .on_conflict_do_nothing(index_elements=[t.c.organisation_id, t.c.inbox_item_id])
        )

    async def get_lead(self, scope: Scope, lead_id: UUID) -> Lead | None:
        t = intake_leads
        row = (
            await self._conn.execute(
                sa.select(t).where(
                    in_organisation(t, scope),
                    t.c.id == lead_id,
                    visible(t.c.assignee_id, scope),
                )
            )
        ).first()
        return _lead(row._mapping) if row else None

    async def save_lead(self, lead: Lead) -> None:
        t = intake_leads
        await self._conn.execute(
            sa.update(t)
            .where(t.c.organisation_id == lead.organisation_id, t.c.id == lead.id)
            .values(**_lead_values(lead), version=t.c.version + 1)
        )
        lead.version += 1

    async def claim_escalations(self, now: datetime, limit: int) -> Sequence[Lead]:
        t = intake_leads
        rows = await self._conn.execute(
            sa.select(t)
            .where(
                t.c.assignee_id.is_(None),
                t.c.escalated_at.is_(None),
                t.c.status == _OPEN,
                t.c.escalate_at <= now,
            )
            .order_by(t.c.escalate_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_lead(row._mapping) for row in rows]

    async def record_first_response(
        self,
        organisation_id: UUID,
        deal_id: UUID | None,
        user_id: UUID,
        at: datetime,
        *,
        client_id: UUID | None = None,
    ) -> None:
        t = intake_leads
        about = [t.c.deal_id == deal_id] if deal_id is not None else []
        if client_id is not None:
            about.append(t.c.client_id == client_id)
        if not about:
            return
        await self._conn.execute(
            sa.update(t)
            .where(
                t.c.organisation_id == organisation_id,
                sa.or_(*about),
                t.c.assignee_id == user_id,
                t.c.first_response_at.is_(None),
                t.c.assigned_at <= at,
            )
            .values(first_response_at=at)
        )

    async def follow_deal_responsible(
        self, organisation_id: UUID, deal_id: UUID, at: datetime
    ) -> None:
        t = intake_leads
        responsible = (
            sa.select(deals.c.responsible_id)
            .where(deals.c.organisation_id == organisation_id, deals.c.id == deal_id)
            .scalar_subquery()
        )
        await self._conn.execute(
            sa.update(t)
            .where(
                t.c.organisation_id == organisation_id,
                t.c.deal_id == deal_id,
                t.c.status == _OPEN,
                t.c.assignee_id.is_distinct_from(responsible),
            )
            .values(
                assignee_id=responsible,
                assigned_at=at,
                assignment=Assignment.MANUAL.value,
                escalate_at=None,
                first_response_at=None,
                version=t.c.version + 1,
            )
        )

    async def workload(
        self,
        scope: Scope,
        *,
        now: datetime,
        day: tuple[datetime, datetime],
        cards: int,
        limit: int,
    ) -> list[ManagerLoad]:
        org = scope.organisation_id
        owners = await visible_owner_ids(self._conn, scope)
        people = (
            await self._conn.execute(
                sa.select(users.c.id, users.c.full_name)
                .where(
                    users.c.organisation_id == org,
                    users.c.is_active.is_(True),
                    owned_by(users.c.id, owners),
                )
                .order_by(users.c.full_name, users.c.id)
                .limit(limit)
            )
        ).all()
        ids = [p.id for p in people]
        if not ids:
            return []
        leads = await self._counts(
            intake_leads.c.assignee_id,
            intake_leads.c.organisation_id == org,
            intake_leads.c.status == _OPEN,
            ids=ids,
        )
        open_deals = await self._counts(
            deals.c.responsible_id,
            deals.c.organisation_id == org,
            deals.c.status == "open",
            ids=ids,
        )
        overdue = await self._counts(
            tasks.c.assignee_id,
            tasks.c.organisation_id == org,
            tasks.c.done_at.is_(None),
            tasks.c.due_at < now,
            ids=ids,
        )
        logged = await self._counts(
            activities.c.author_id,
            activities.c.organisation_id == org,
            activities.c.kind == "call",
            activities.c.occurred_at >= day[0],
            activities.c.occurred_at < day[1],
            ids=ids,
        )
        # The PBX's calls the person took or made (the organisation's calls of the day by
        # their start, then the employee).
        dialled = await self._counts(
            calls.c.employee_id,
            calls.c.organisation_id == org,
            calls.c.started_at >= day[0],
            calls.c.started_at < day[1],
            calls.c.answered_at.is_not(None) | (calls.c.direction == "outbound"),
            ids=ids,
        )
        by_owner: dict[UUID, list[WorkloadCard]] = {}
        for row in await self._cards(org, ids, cards):
            by_owner.setdefault(row.responsible_id, []).append(
                WorkloadCard(
                    deal_id=row.id,
                    title=row.title,
                    client_name=row.client_name,
                    stage_name=row.stage_name,
                    amount=row.amount,
                    currency=row.currency,
                    version=row.version,
                    from_lead=bool(row.from_lead),
                )
            )
        return [
            ManagerLoad(
                user_id=p.id,
                full_name=p.full_name,
                open_leads=leads.get(p.id, 0),
                open_deals=open_deals.get(p.id, 0),
                overdue_tasks=overdue.get(p.id, 0),
                calls_today=logged.get(p.id, 0) + dialled.get(p.id, 0),
                cards=tuple(by_owner.get(p.id, ())),
            )
            for p in people
        ]

    async def _counts(
        self, owner: sa.ColumnElement[Any], *conditions: sa.ColumnElement[bool], ids: list[UUID]
    ) -> dict[UUID, int]:
        rows = await self._conn.execute(
            sa.select(owner, sa.func.count()).where(*conditions, owner.in_(ids)).group_by(owner)
        )
        return {row[0]: int(row[1]) for row in rows}

    async def _cards(self, org: UUID, ids: list[UUID], per_owner: int) -> Sequence[Any]:
        ranked = (
            sa.select(
                deals.c.id,
                deals.c.responsible_id,
                deals.c.title,
                deals.c.amount,
                deals.c.currency,
                deals.c.version,
                deals.c.client_id,
                deals.c.stage_id,
                sa.func.row_number()
                .over(
                    partition_by=deals.c.responsible_id,
                    order_by=(deals.c.updated_at.desc(), deals.c.id.desc()),
                )
                .label("rank"),
            )
            .where(
                deals.c.organisation_id == org,
                deals.c.responsible_id.in_(ids),
                deals.c.status == "open",
            )
            .subquery()
        )
        return (
            await self._conn.execute(
                sa.select(
                    ranked.c.id,
                    ranked.c.responsible_id,
                    ranked.c.title,
                    ranked.c.amount,
                    ranked.c.currency,
                    ranked.c.version,
                    clients.c.name.label("client_name"),
                    stages.c.name.label("stage_name"),
                    sa.exists()
                    .where(
                        intake_leads.c.organisation_id == org,
                        intake_leads.c.deal_id == ranked.c.id,
                        intake_leads.c.status == _OPEN,
                    )
                    .label("from_lead"),
                )
                .join(
                    clients,
                    sa.and_(clients.c.organisation_id == org, clients.c.id == ranked.c.client_id),
                    isouter=True,
                )
                .join(
                    stages,
                    sa.and_(stages.c.organisation_id == org, stages.c.id == ranked.c.stage_id),
                    isouter=True,
                )
                .where(ranked.c.rank <= per_owner)
                .order_by(ranked.c.responsible_id, ranked.c.rank)
            )
        ).all()


def _rule_values(r: Rule) -> dict[str, Any]:
    return {
        "name": r.name,
        "kind": r.kind.value,
        "form_id": r.form_id,
        "source": r.source,
        "funnel_id": r.funnel_id,
        "user_ids": [str(u) for u in r.user_ids],
        "tag": r.tag,
        "tag_routes": [
            {"value": route.value, "user_ids": [str(u) for u in route.user_ids]}
            for route in r.tag_routes
        ],
        "department_id": r.department_id,
        "escalate_after_minutes": r.escalate_after_minutes,
        "to_responsible": r.to_responsible,
        "priority": r.priority,
        "is_active": r.is_active,
    }


def _rule(m: Any) -> Rule:
    return Rule(
        id=m["id"],
        organisation_id=m["organisation_id"],
        name=m["name"],
        kind=DistributionKind(m["kind"]),
        form_id=m["form_id"],
        source=m["source"],
        funnel_id=m["funnel_id"],
        user_ids=tuple(UUID(u) for u in m["user_ids"]),
        tag=m["tag"],
        tag_routes=tuple(
            TagRoute(route["value"], tuple(UUID(u) for u in route["user_ids"]))
            for route in m["tag_routes"]
        ),
        department_id=m["department_id"],
        escalate_after_minutes=m["escalate_after_minutes"],
        to_responsible=m["to_responsible"],
        priority=m["priority"],
        is_active=m["is_active"],
        created_at=m["created_at"],
        version=m["version"],
    )


def _lead_values(lead: Lead) -> dict[str, Any]:
    return {
        "kind": lead.kind,
        "channel_id": lead.channel_id,
        "source": lead.source,
        "campaign": lead.campaign,
        "person_name": lead.person_name,
        "phone": lead.phone,
        "email": lead.email,
        "client_id": lead.client_id,
        "deal_id": lead.deal_id,
        "status": lead.status.value,
        "received_at": lead.received_at,
        "assignee_id": lead.assignee_id,
        "assigned_at": lead.assigned_at,
        "rule_id": lead.rule_id,
        "assignment": lead.assignment.value if lead.assignment else None,
        "escalate_at": lead.escalate_at,
        "escalated_at": lead.escalated_at,
        "first_response_at": lead.first_response_at,
    }


def _lead(m: Any) -> Lead:
    return Lead(
        id=m["id"],
        organisation_id=m["organisation_id"],
        inbox_item_id=m["inbox_item_id"],
        kind=m["kind"],
        channel_id=m["channel_id"],
        source=m["source"],
        campaign=m["campaign"],
        person_name=m["person_name"],
        phone=m["phone"],
        email=m["email"],
        client_id=m["client_id"],
        deal_id=m["deal_id"],
        status=LeadStatus(m["status"]),
        received_at=m["received_at"],
        assignee_id=m["assignee_id"],
        assigned_at=m["assigned_at"],
        rule_id=m["rule_id"],
        assignment=Assignment(m["assignment"]) if m["assignment"] else None,
        escalate_at=m["escalate_at"],
        escalated_at=m["escalated_at"],
        first_response_at=m["first_response_at"],
        created_at=m["created_at"],
        version=m["version"],
    )


async def _advance(conn: AsyncConnection, organisation_id: UUID, key: UUID) -> int:
    t = distribution_counters
    statement = insert(t).values(organisation_id=organisation_id, id=key, position=1)
    position: int = await conn.scalar(
        statement.on_conflict_do_update(
            index_elements=[t.c.organisation_id, t.c.id],
            set_={"position": t.c.position + 1},
        ).returning(t.c.position)
    )
    return position
