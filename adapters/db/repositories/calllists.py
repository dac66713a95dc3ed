"""SQL of call lists: the lists and their telemarketers; numbers added set-based (a client
filter as one INSERT ... SELECT, an upload in batches), the shared queue ("next" takes the
first due number with FOR UPDATE SKIP LOCKED and leases it), and the figures grouped by
PostgreSQL."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from adapters.db.repositories.base import SqlRepository
from adapters.db.repositories.clients import filtered_clients
from adapters.db.tables.activities import activities
from adapters.db.tables.calllists import (
    call_list_assignees,
    call_list_calls,
    call_list_items,
    call_lists,
)
from adapters.db.tables.clients import clients, contact_phones, contacts
from adapters.db.tables.distribution import intake_leads
from domain.calllists.model import (
    ITEM_NAME_MAX,
    ActivityLine,
    AgentProgress,
    CallItem,
    CallList,
    CallListStatus,
    Entry,
    ItemCard,
    ItemStatus,
    Outcome,
    Progress,
    RetryPolicy,
)
from domain.calllists.ports import ClientsAdded, ItemFilter
from domain.clients.ports import ClientFilter
from domain.shared.scope import Scope

_i = call_list_items
_c = call_list_calls
CARD_ACTIVITIES = 5


def _list(row: Any, assignees: Sequence[UUID]) -> CallList:
    return CallList(
        id=row.id,
        organisation_id=row.organisation_id,
        name=row.name,
        description=row.description,
        status=CallListStatus(row.status),
        assignee_ids=tuple(assignees),
        funnel_id=row.funnel_id,
        script_id=row.script_id,
        retry=RetryPolicy(row.max_attempts, row.retry_interval_minutes),
        build=row.build,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def _item(row: Any) -> CallItem:
    return CallItem(
        id=row.id,
        organisation_id=row.organisation_id,
        call_list_id=row.call_list_id,
        phone=row.phone,
        name=row.name,
        client_id=row.client_id,
        status=ItemStatus(row.status),
        outcome=Outcome(row.outcome) if row.outcome else None,
        attempts=row.attempts,
        due_at=row.due_at,
        assignee_id=row.assignee_id,
        locked_by=row.locked_by,
        locked_until=row.locked_until,
        last_called_at=row.last_called_at,
        last_called_by=row.last_called_by,
        lead_id=row.lead_id,
        deal_id=row.deal_id,
        created_at=row.created_at,
        version=row.version,
    )


def _values(c: CallList) -> dict[str, Any]:
    return {
        "name": c.name,
        "description": c.description,
        "status": c.status.value,
        "funnel_id": c.funnel_id,
        "script_id": c.script_id,
        "max_attempts": c.retry.max_attempts,
        "retry_interval_minutes": c.retry.interval_minutes,
        "build": c.build,
    }


class SqlCallListRepository(SqlRepository):
    async def add(self, call_list: CallList) -> None:
        await self._conn.execute(
            sa.insert(call_lists).values(
                id=call_list.id,
                organisation_id=call_list.organisation_id,
                created_by=call_list.created_by,
                created_at=call_list.created_at,
                updated_at=call_list.updated_at,
                **_values(call_list),
            )
        )
        await self._assign(call_list)
        self._collect(call_list)

    async def update(self, call_list: CallList) -> None:
        await self._conn.execute(
            sa.update(call_lists)
            .where(
                call_lists.c.organisation_id == call_list.organisation_id,
                call_lists.c.id == call_list.id,
            )
            .values(
                **_values(call_list),
                updated_at=call_list.updated_at or sa.func.now(),
                version=call_lists.c.version + 1,
            )
        )
        call_list.version += 1
        await self._conn.execute(
            sa.delete(call_list_assignees).where(
                call_list_assignees.c.organisation_id == call_list.organisation_id,
                call_list_assignees.c.call_list_id == call_list.id,
            )
        )
        await self._assign(call_list)
        self._collect(call_list)

    async def _assign(self, call_list: CallList) -> None:
        if call_list.assignee_ids:
            await self._conn.execute(
                sa.insert(call_list_assignees),
                [
                    {
                        "organisation_id": call_list.organisation_id,
                        "call_list_id": call_list.id,
                        "user_id": user_id,
                        "position": position,
                    }
                    for position, user_id in enumerate(call_list.assignee_ids)
                ],
            )

    async def _assignees(
        self, organisation_id: UUID, list_ids: Sequence[UUID]
    ) -> dict[UUID, builtins.list[UUID]]:
        found: dict[UUID, builtins.list[UUID]] = {i: [] for i in list_ids}
        if not list_ids:
            return found
        a = call_list_assignees.c
        rows = await self._conn.execute(
            sa.select(a.call_list_id, a.user_id)
            .where(a.organisation_id == organisation_id, a.call_list_id.in_(list_ids))
            .order_by(a.call_list_id, a.position)
        )
        for row in rows:
            found[row.call_list_id].append(row.user_id)
        return found

    async def get(
        self, organisation_id: UUID, list_id: UUID, *, for_update: bool = False
    ) -> CallList | None:
        query = sa.select(call_lists).where(
            call_lists.c.organisation_id == organisation_id, call_lists.c.id == list_id
        )
        if for_update:
            query = query.with_for_update()
        row = (await self._conn.execute(query)).one_or_none()
        if row is None:
            return None
        return _list(row, (await self._assignees(organisation_id, [list_id]))[list_id])

    async def list(
        self,
        organisation_id: UUID,
        *,
        worked_by: UUID | None,
        status: CallListStatus | None,
        limit: int,
        after: tuple[datetime, UUID] | None,
    ) -> Sequence[CallList]:
        t = call_lists.c
        query = sa.select(call_lists).where(t.organisation_id == organisation_id)
        if worked_by is not None:
            a = call_list_assignees.c
            query = query.where(
                sa.exists().where(
                    a.organisation_id == t.organisation_id,
                    a.call_list_id == t.id,
                    a.user_id == worked_by,
                )
            )
        if status is not None:
            query = query.where(t.status == status.value)
        if after is not None:
            query = query.where(sa.tuple_(t.created_at, t.id) < sa.tuple_(*after))
        rows = list(
            await self._conn.execute(query.order_by(t.created_at.desc(), t.id.desc()).limit(limit))
        )
        assignees = await self._assignees(organisation_id, [r.id for r in rows])
        return [_list(r, assignees[r.id]) for r in rows]

    async def progress(
        self, organisation_id: UUID, list_ids: Sequence[UUID], now: datetime
    ) -> dict[UUID, Progress]:
        if not list_ids:
            return {}
        is_open = _i.c.status == ItemStatus.OPEN.value
        leased = sa.and_(is_open, _i.c.locked_until > now)
        free = sa.or_(_i.c.locked_until.is_(None), _i.c.locked_until <= now)
        counts = await self._conn.execute(
            sa.select(
                _i.c.call_list_id,
                _i.c.outcome,
                sa.func.count(),
                sa.func.count().filter(_i.c.status == ItemStatus.CLOSED.value),
                sa.func.count().filter(is_open, _i.c.due_at <= now, free),
                sa.func.count().filter(is_open, _i.c.due_at > now, free),
                sa.func.count().filter(leased),
            )
            .where(_i.c.organisation_id == organisation_id, _i.c.call_list_id.in_(list_ids))
            .group_by(_i.c.call_list_id, _i.c.outcome)
        )
        figures: dict[UUID, dict[str, Any]] = {}
        for list_id, outcome, total, done, due, waiting, in_progress in counts:
            f = figures.setdefault(
                list_id,
                {"total": 0, "done": 0, "due": 0, "waiting": 0, "in_progress": 0, "by": {}},
            )
            f["total"] += total
            f["done"] += done
            f["due"] += due
            f["waiting"] += waiting
            f["in_progress"] += in_progress
            if outcome is not None:
                f["by"][outcome] = total
        calls = await self._conn.execute(
            sa.select(
                _c.c.call_list_id,
                sa.func.count(),
                sa.func.count().filter(_c.c.outcome == Outcome.INTERESTED.value),
            )
            .where(_c.c.organisation_id == organisation_id, _c.c.call_list_id.in_(list_ids))
            .group_by(_c.c.call_list_id)
        )
        made = {row[0]: (row[1], row[2]) for row in calls}
        result: dict[UUID, Progress] = {}
        for list_id in list_ids:
            n_calls, qualified = made.get(list_id, (0, 0))
            if list_id not in figures:
                result[list_id] = Progress(calls=n_calls, qualified=qualified)
                continue
            f = figures[list_id]
            result[list_id] = Progress(
                total=f["total"],
                done=f["done"],
                due=f["due"],
                waiting=f["waiting"],
                in_progress=f["in_progress"],
                calls=n_calls,
                by_outcome=f["by"],
                qualified=qualified,
            )
        return result

    async def agents(
        self, organisation_id: UUID, list_id: UUID | None, user_ids: Sequence[UUID] | None
    ) -> Sequence[AgentProgress]:
        conditions = [_c.c.organisation_id == organisation_id, _c.c.user_id.is_not(None)]
        if list_id is not None:
            conditions.append(_c.c.call_list_id == list_id)
        if user_ids is not None:
            conditions.append(_c.c.user_id.in_(user_ids))
        rows = await self._conn.execute(
            sa.select(
                _c.c.user_id,
                _c.c.outcome,
                sa.func.count(),
                sa.func.count().filter(_c.c.closed),
            )
            .where(*conditions)
            .group_by(_c.c.user_id, _c.c.outcome)
        )
        people: dict[UUID, dict[str, Any]] = {}
        if list_id is not None:
            for user_id in (await self._assignees(organisation_id, [list_id]))[list_id]:
                if user_ids is None or user_id in user_ids:
                    people[user_id] = {"calls": 0, "done": 0, "by": {}}
        for user_id, outcome, calls, done in rows:
            p = people.setdefault(user_id, {"calls": 0, "done": 0, "by": {}})
            p["calls"] += calls
            p["done"] += done
            p["by"][outcome] = calls
        return [
            AgentProgress(
                user_id=user_id,
                calls=p["calls"],
                done=p["done"],
                by_outcome=p["by"],
                qualified=p["by"].get(Outcome.INTERESTED.value, 0),
            )
            for user_id, p in people.items()
        ]

    async def count_items(self, organisation_id: UUID, list_id: UUID) -> int:
        return int(
            await self._conn.scalar(
                sa.select(sa.func.count()).where(
                    _i.c.organisation_id == organisation_id, _i.c.call_list_id == list_id
                )
            )
            or 0
        )

    async def add_entries(
        self, organisation_id: UUID, list_id: UUID, entries: Sequence[Entry], at: datetime
    ) -> int:
        if not entries:
            return 0
        # A number a client of the organisation has is that client's.
        phones = [e.phone for e in entries]
        known = await self._conn.execute(
            sa.select(
                contact_phones.c.e164, sa.func.min(sa.cast(contact_phones.c.client_id, sa.String))
            )
            .where(
                contact_phones.c.organisation_id == organisation_id,
                contact_phones.c.e164.in_(phones),
            )
            .group_by(contact_phones.c.e164)
        )
        owner = {row[0]: UUID(row[1]) for row in known}
        result = await self._conn.execute(
            insert(_i)
            .values(
                [
                    {
                        "id": sa.func.gen_random_uuid(),
                        "organisation_id": organisation_id,
                        "call_list_id": list_id,
                        "phone": e.phone,
                        "name": e.name,
                        "client_id": owner.get(e.phone),
                        "due_at": at,
                        "created_at": at,
                    }
                    for e in entries
                ]
            )
            .on_conflict_do_nothing(index_elements=["organisation_id", "call_list_id", "phone"])
            .returning(_i.c.id)
        )
        return len(result.all())

    async def add_clients(
        self,
        scope: Scope,
        list_id: UUID,
        filters: ClientFilter,
        *,
        limit: int,
        at: datetime,
    ) -> ClientsAdded:
        p, k = contact_phones.c, contacts.c
        primary = (
            sa.select(p.e164)
            .select_from(
                contact_phones.join(
                    contacts, sa.and_(k.organisation_id == p.organisation_id, k.id == p.contact_id)
                )
            )
            .where(p.organisation_id == clients.c.organisation_id, p.client_id == clients.c.id)
            .order_by(k.is_primary.desc(), k.created_at, p.position)
            .limit(1)
            .correlate(clients)
            .scalar_subquery()
        )
        selection = filtered_clients(
            sa.select(clients.c.id, clients.c.name, primary.label("phone")), scope, filters
        ).subquery("selection")
        chosen = (
            sa.select(selection).where(selection.c.phone.is_not(None)).limit(limit).cte("chosen")
        )
        inserted = (
            insert(_i)
            .from_select(
                [
                    "id",
                    "organisation_id",
                    "call_list_id",
                    "phone",
                    "name",
                    "client_id",
                    "due_at",
                    "created_at",
                ],
                sa.select(
                    sa.func.gen_random_uuid(),
                    sa.literal(scope.organisation_id, _i.c.organisation_id.type),
                    sa.literal(list_id, _i.c.call_list_id.type),
                    chosen.c.phone,
                    sa.func.left(chosen.c.name, ITEM_NAME_MAX),
                    chosen.c.id,
                    sa.literal(at, _i.c.due_at.type),
                    sa.literal(at, _i.c.created_at.type),
                ).select_from(chosen),
            )
            .on_conflict_do_nothing(index_elements=["organisation_id", "call_list_id", "phone"])
            .returning(_i.c.id)
            .cte("inserted")
        )
        row = (
            await self._conn.execute(
                sa.select(
                    sa.select(sa.func.count()).select_from(chosen).scalar_subquery(),
                    sa.select(sa.func.count()).select_from(inserted).scalar_subquery(),
                )
            )
        ).one()
        return ClientsAdded(matched=int(row[0]), added=int(row[1]))

    async def next_item(
        self, organisation_id: UUID, list_id: UUID, user_id: UUID, now: datetime, until: datetime
    ) -> CallItem | None:
        mine = [_i.c.organisation_id == organisation_id, _i.c.call_list_id == list_id]
        held = (
            await self._conn.execute(
                sa.select(_i)
                .where(
                    *mine,
                    _i.c.status == ItemStatus.OPEN.value,
                    _i.c.locked_by == user_id,
                    _i.c.locked_until > now,
                )
                .order_by(_i.c.locked_until)
                .limit(1)
            )
        ).one_or_none()
        if held is not None:
            return _item(held)
        candidate = (
            sa.select(_i.c.id)
            .where(
                *mine,
                _i.c.status == ItemStatus.OPEN.value,
                _i.c.due_at <= now,
                sa.or_(_i.c.assignee_id.is_(None), _i.c.assignee_id == user_id),
                sa.or_(_i.c.locked_until.is_(None), _i.c.locked_until <= now),
            )
            .order_by(_i.c.due_at, _i.c.id)
            .limit(1)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        row = (
            await self._conn.execute(
                sa.update(_i)
                .where(_i.c.organisation_id == organisation_id, _i.c.id == candidate)
                .values(locked_by=user_id, locked_until=until, version=_i.c.version + 1)
                .returning(_i)
            )
        ).one_or_none()
        return None if row is None else _item(row)

    async def get_item(
        self, organisation_id: UUID, list_id: UUID, item_id: UUID, *, for_update: bool = False
    ) -> CallItem | None:
        query = sa.select(_i).where(
            _i.c.organisation_id == organisation_id,
            _i.c.call_list_id == list_id,
            _i.c.id == item_id,
        )
        if for_update:
            query = query.with_for_update()
        row = (await self._conn.execute(query)).one_or_none()
        return None if row is None else _item(row)

    async def save_item(self, item: CallItem) -> None:
        await self._conn.execute(
            sa.update(_i)
            .where(_i.c.organisation_id == item.organisation_id, _i.c.id == item.id)
            .values(
                client_id=item.client_id,
                status=item.status.value,
                outcome=item.outcome.value if item.outcome else None,
                attempts=item.attempts,
                due_at=item.due_at,
                assignee_id=item.assignee_id,
                locked_by=item.locked_by,
                locked_until=item.locked_until,
                last_called_at=item.last_called_at,
                last_called_by=item.last_called_by,
                lead_id=item.lead_id,
                deal_id=item.deal_id,
                version=_i.c.version + 1,
            )
        )
        item.version += 1
        self._collect(item)

    async def record_call(
        self, item: CallItem, outcome: Outcome, user_id: UUID, at: datetime
    ) -> None:
        await self._conn.execute(
            sa.insert(_c).values(
                id=sa.func.gen_random_uuid(),
                organisation_id=item.organisation_id,
                call_list_id=item.call_list_id,
                item_id=item.id,
                user_id=user_id,
                outcome=outcome.value,
                closed=item.status is ItemStatus.CLOSED,
                called_at=at,
            )
        )

    async def items(
        self,
        organisation_id: UUID,
        list_id: UUID,
        filters: ItemFilter,
        now: datetime,
        *,
        limit: int,
        after: tuple[str, UUID] | None,
    ) -> Sequence[CallItem]:
        query = sa.select(_i).where(
            _i.c.organisation_id == organisation_id, _i.c.call_list_id == list_id
        )
        if filters.outcome is not None:
            query = query.where(_i.c.outcome == filters.outcome.value)
        if filters.assignee_id is not None:
            query = query.where(
                sa.or_(
                    _i.c.assignee_id == filters.assignee_id,
                    _i.c.last_called_by == filters.assignee_id,
                )
            )
        if filters.due is not None:
            is_due = _i.c.due_at <= now
            query = query.where(
                _i.c.status == ItemStatus.OPEN.value, is_due if filters.due else sa.not_(is_due)
            )
        if filters.closed is not None:
            query = query.where(
                _i.c.status
                == (ItemStatus.CLOSED.value if filters.closed else ItemStatus.OPEN.value)
            )
        if after is not None:
            query = query.where(sa.tuple_(_i.c.phone, _i.c.id) > sa.tuple_(*after))
        rows = await self._conn.execute(query.order_by(_i.c.phone, _i.c.id).limit(limit))
        return [_item(r) for r in rows]

    async def card(self, item: CallItem) -> ItemCard:
        name: str | None = None
        lines: builtins.list[ActivityLine] = []
        if item.client_id is not None:
            name = await self._conn.scalar(
                sa.select(clients.c.name).where(
                    clients.c.organisation_id == item.organisation_id,
                    clients.c.id == item.client_id,
                )
            )
            a = activities.c
            rows = await self._conn.execute(
                sa.select(a.kind, a.subject, a.occurred_at, a.author_id)
                .where(a.organisation_id == item.organisation_id, a.client_id == item.client_id)
                .order_by(a.occurred_at.desc(), a.id.desc())
                .limit(CARD_ACTIVITIES)
            )
            lines = [ActivityLine(r.kind, r.subject, r.occurred_at, r.author_id) for r in rows]
        return ItemCard(item=item, client_name=name, activities=tuple(lines))

    async def lead_assignee(self, organisation_id: UUID, lead_id: UUID | None) -> UUID | None:
        if lead_id is None:
            return None
        value = await self._conn.scalar(
            sa.select(intake_leads.c.assignee_id).where(
                intake_leads.c.organisation_id == organisation_id, intake_leads.c.id == lead_id
            )
        )
        return value if isinstance(value, UUID) else None
