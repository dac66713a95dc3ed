"""SQL repositories for tasks (including the follow-up tasks of relationship types),
activities, comments, notifications and bulk reassignment."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.dialects.postgresql import UUID as UUID_TYPE
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.repositories.base import (
    EventCollector,
    SqlRepository,
    discard_events,
    in_organisation,
)
from adapters.db.repositories.visibility import visible
from adapters.db.tables.activities import activities, comments, notifications, tasks
from adapters.db.tables.clients import clients, contact_phones, contacts
from adapters.db.tables.deals import deals
from adapters.db.tables.staff import absences, organisations, users
from domain.activities.model import (
    Activity,
    ActivityKind,
    Comment,
    Direction,
    Notification,
    NotificationKind,
    Priority,
    Task,
)
from domain.activities.ports import (
    ActivityFilter,
    ClientLabel,
    Reassigned,
    SubjectLabels,
    SubjectScopes,
    TaskFilter,
)
from domain.shared.scope import Scope, Visibility

# How far back the worker looks for overdue tasks to announce (older ones were announced,
# or predate the feature).
OVERDUE_LOOKBACK = timedelta(days=30)


def subject_visible(table: sa.Table, scopes: SubjectScopes) -> sa.ColumnElement[bool]:
    """A task, activity or comment is visible with its client or its deal, to a caller who may
    read that kind of item: deals:read for a deal's, clients:read for a client's own."""
    client_ok = _client_visible(table, scopes) if scopes.client_items else sa.false()
    if not scopes.deal_items:
        return sa.and_(table.c.deal_id.is_(None), client_ok)
    deal_item = sa.or_(client_ok, _deal_visible(table, scopes))
    if not scopes.client_items:
        return sa.and_(table.c.deal_id.is_not(None), deal_item)
    if scopes.clients.visibility is Visibility.ALL and scopes.deals.visibility is Visibility.ALL:
        return sa.true()
    return deal_item


def _client_visible(table: sa.Table, scopes: SubjectScopes) -> sa.ColumnElement[bool]:
    if scopes.clients.visibility is Visibility.ALL:
        return sa.true()
    return (
        sa.select(sa.literal(1))
        .where(
            clients.c.id == table.c.client_id,
            clients.c.organisation_id == scopes.organisation_id,
            visible(clients.c.responsible_id, scopes.clients),
        )
        .exists()
    )


def _deal_visible(table: sa.Table, scopes: SubjectScopes) -> sa.ColumnElement[bool]:
    if scopes.deals.visibility is Visibility.ALL:
        return sa.true()
    return (
        sa.select(sa.literal(1))
        .where(
            deals.c.id == table.c.deal_id,
            deals.c.organisation_id == scopes.organisation_id,
            visible(deals.c.responsible_id, scopes.deals),
        )
        .exists()
    )


# --- notifications -------------------------------------------------------------------------


class NotificationPublisher(Protocol):
    async def publish(self, notification: Notification) -> None: ...


class SqlNotificationRepository(SqlRepository):
    def __init__(
        self,
        connection: AsyncConnection,
        publisher: NotificationPublisher | None = None,
        *,
        collect: EventCollector = discard_events,
    ) -> None:
        super().__init__(connection, collect)
        self._publisher = publisher

    async def add_if_new(self, notification: Notification) -> bool:
        statement = (
            insert(notifications)
            .values(
                id=notification.id,
                organisation_id=notification.organisation_id,
                user_id=notification.user_id,
                kind=notification.kind.value,
                params=notification.params,
                entity_type=notification.entity_type,
                entity_id=notification.entity_id,
                dedup_key=notification.dedup_key,
                # Not the transaction's start: several notifications of one transaction keep
                # their order in the stream.
                created_at=sa.func.clock_timestamp(),
            )
            .on_conflict_do_nothing(
                index_elements=[
                    notifications.c.organisation_id,
                    notifications.c.user_id,
                    notifications.c.dedup_key,
                ],
                index_where=notifications.c.dedup_key.is_not(None),
            )
            .returning(notifications.c.created_at)
        )
        created_at = (await self._conn.execute(statement)).scalar_one_or_none()
        if created_at is None:
            return False
        notification.created_at = created_at
        return True

    async def publish(self, notification: Notification) -> None:
        if self._publisher is not None:
            await self._publisher.publish(notification)

    async def get(self, scope: Scope, user_id: UUID, notification_id: UUID) -> Notification | None:
        row = (
            await self._conn.execute(
                sa.select(notifications).where(
                    in_organisation(notifications, scope),
                    notifications.c.user_id == user_id,
                    notifications.c.id == notification_id,
                )
            )
        ).one_or_none()
        return _notification(row._mapping) if row else None

    async def list(
        self,
        scope: Scope,
        user_id: UUID,
        *,
        unread: bool | None,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[Notification]:
        query = sa.select(notifications).where(
            in_organisation(notifications, scope), notifications.c.user_id == user_id
        )
        if unread is True:
            query = query.where(notifications.c.read_at.is_(None))
        elif unread is False:
            query = query.where(notifications.c.read_at.is_not(None))
        if after is not None:
            query = query.where(
                sa.tuple_(notifications.c.created_at, notifications.c.id) < sa.tuple_(*after)
            )
        query = query.order_by(notifications.c.created_at.desc(), notifications.c.id.desc()).limit(
            limit
        )
        return [_notification(r._mapping) for r in await self._conn.execute(query)]

    async def list_unread_since(
        self, scope: Scope, user_id: UUID, *, since_id: UUID | None, limit: int
    ) -> Sequence[Notification]:
        mine = sa.and_(in_organisation(notifications, scope), notifications.c.user_id == user_id)
        query = sa.select(notifications).where(mine, notifications.c.read_at.is_(None))
        if since_id is not None:
            anchor = (
                await self._conn.execute(
                    sa.select(notifications.c.created_at, notifications.c.id).where(
                        mine, notifications.c.id == since_id
                    )
                )
            ).one_or_none()
            if anchor is not None:
                query = query.where(
                    sa.tuple_(notifications.c.created_at, notifications.c.id)
                    > sa.tuple_(anchor.created_at, anchor.id)
                )
        # The newest ``limit``, sent oldest first.
        newest = query.order_by(notifications.c.created_at.desc(), notifications.c.id.desc()).limit(
            limit
        )
        rows = [_notification(r._mapping) for r in await self._conn.execute(newest)]
        return rows[::-1]

    async def mark_read(
        self, scope: Scope, user_id: UUID, notification_id: UUID, at: datetime
    ) -> bool:
        result = await self._conn.execute(
            sa.update(notifications)
            .where(
                in_organisation(notifications, scope),
                notifications.c.user_id == user_id,
                notifications.c.id == notification_id,
            )
            .values(read_at=sa.func.coalesce(notifications.c.read_at, at))
        )
        return result.rowcount == 1

    async def mark_all_read(self, scope: Scope, user_id: UUID, at: datetime) -> int:
        result = await self._conn.execute(
            sa.update(notifications)
            .where(
                in_organisation(notifications, scope),
                notifications.c.user_id == user_id,
                notifications.c.read_at.is_(None),
            )
            .values(read_at=at)
        )
        return int(result.rowcount)


def _kind(stored: str) -> NotificationKind:
    try:
        return NotificationKind(stored)
    except ValueError:
        return NotificationKind.LEGACY  # a kind retired since: its row keeps legacy_title


def _notification(m: Any) -> Notification:
    return Notification(
        id=m["id"],
        organisation_id=m["organisation_id"],
        user_id=m["user_id"],
        kind=_kind(m["kind"]),
        params=dict(m["params"]),
        entity_type=m["entity_type"],
        entity_id=m["entity_id"],
        dedup_key=m["dedup_key"],
        created_at=m["created_at"],
        read_at=m["read_at"],
    )


# --- subjects ------------------------------------------------------------------------------


class SqlSubjectRepository(SqlRepository):
    async def client_visible(self, scope: Scope, client_id: UUID) -> bool:
        found = await self._conn.scalar(
            sa.select(sa.literal(1)).where(
                in_organisation(clients, scope),
                clients.c.id == client_id,
                clients.c.merged_into_id.is_(None),
                visible(clients.c.responsible_id, scope),
            )
        )
        return found is not None

    async def deal_client(self, scope: Scope, deal_id: UUID) -> UUID | None:
        found: UUID | None = await self._conn.scalar(
            sa.select(deals.c.client_id).where(
                in_organisation(deals, scope),
                deals.c.id == deal_id,
                visible(deals.c.responsible_id, scope),
            )
        )
        return found

    async def labels(
        self,
        scope: Scope,
        *,
        client_ids: Sequence[UUID],
        deal_ids: Sequence[UUID],
        assignee_ids: Sequence[UUID] = (),
    ) -> SubjectLabels:
        labels = SubjectLabels()
        if assignee_ids:
            rows = await self._conn.execute(
                sa.select(users.c.id, users.c.full_name).where(
                    in_organisation(users, scope), users.c.id == sa.any_(_uuids(assignee_ids))
                )
            )
            labels.assignees.update((r.id, r.full_name) for r in rows)
        if deal_ids:
            rows = await self._conn.execute(
                sa.select(deals.c.id, deals.c.title).where(
                    in_organisation(deals, scope), deals.c.id == sa.any_(_uuids(deal_ids))
                )
            )
            labels.deals.update((r.id, r.title) for r in rows)
        if client_ids:
            # The number to call: the primary contact's first phone, else the oldest
            # contact's; contacts by (organisation, client), phones by contact.
            phone = (
                sa.select(contact_phones.c.e164)
                .select_from(
                    contacts.join(
                        contact_phones,
                        sa.and_(
                            contact_phones.c.organisation_id == contacts.c.organisation_id,
                            contact_phones.c.contact_id == contacts.c.id,
                        ),
                    )
                )
                .where(
                    contacts.c.organisation_id == clients.c.organisation_id,
                    contacts.c.client_id == clients.c.id,
                )
                .order_by(
                    contacts.c.is_primary.desc(),
                    contacts.c.created_at,
                    contacts.c.id,
                    contact_phones.c.position,
                    contact_phones.c.id,
                )
                .limit(1)
                .lateral("phone")
            )
            rows = await self._conn.execute(
                sa.select(clients.c.id, clients.c.name, phone.c.e164)
                .select_from(clients.outerjoin(phone, sa.true()))
                .where(in_organisation(clients, scope), clients.c.id == sa.any_(_uuids(client_ids)))
            )
            labels.clients.update((r.id, ClientLabel(r.name, r.e164)) for r in rows)
        return labels


def _uuids(ids: Sequence[UUID]) -> sa.ColumnElement[Any]:
    return sa.literal(list(dict.fromkeys(ids)), ARRAY(UUID_TYPE(as_uuid=True)))


# --- tasks ---------------------------------------------------------------------------------


def task_conditions(scope: Scope, f: TaskFilter) -> list[sa.ColumnElement[bool]]:
    """The tasks of ``f`` the caller sees (by assignee)."""
    c = [in_organisation(tasks, scope), visible(tasks.c.assignee_id, scope)]
    if f.assignee_ids is not None:
        c.append(tasks.c.assignee_id.in_(f.assignee_ids))
    if f.client_id is not None:
        c.append(tasks.c.client_id == f.client_id)
    if f.deal_id is not None:
        c.append(tasks.c.deal_id == f.deal_id)
    if f.done is True:
        c.append(tasks.c.done_at.is_not(None))
    elif f.done is False:
        c.append(tasks.c.done_at.is_(None))
    if f.overdue_at is not None:
        c.extend((tasks.c.done_at.is_(None), tasks.c.due_at < f.overdue_at))
    if f.due_from is not None:
        c.append(tasks.c.due_at >= f.due_from)
    if f.due_to is not None:
        c.append(tasks.c.due_at < f.due_to)
    return c


class SqlTaskRepository(SqlRepository):
    async def has_open(self, organisation_id: UUID, deal_id: UUID, origin: str) -> bool:
        found = await self._conn.scalar(
            sa.select(sa.literal(1))
            .where(
                tasks.c.organisation_id == organisation_id,
                tasks.c.deal_id == deal_id,
                tasks.c.origin == origin,
                tasks.c.done_at.is_(None),
            )
            .limit(1)
        )
        return found is not None

    async def add(self, task: Task) -> None:
        row = (
            await self._conn.execute(
                sa.insert(tasks)
                .values(
                    id=task.id,
                    organisation_id=task.organisation_id,
                    created_by=task.created_by,
                    origin=task.origin,
                    **_task_values(task),
                )
                .returning(tasks.c.created_at, tasks.c.updated_at)
            )
        ).one()
        task.created_at, task.updated_at = row.created_at, row.updated_at
        self._collect(task)

    async def get(self, scope: Scope, task_id: UUID) -> Task | None:
        row = (
            await self._conn.execute(
                sa.select(tasks).where(
                    in_organisation(tasks, scope),
                    tasks.c.id == task_id,
                    visible(tasks.c.assignee_id, scope),
                )
            )
        ).one_or_none()
        return _task(row._mapping) if row else None

    async def update(self, task: Task, expected_version: int) -> None:
        await self._update_versioned(
            tasks,
            entity="Task",
            ident=task.id,
            organisation_id=task.organisation_id,
            expected_version=expected_version,
            values={**_task_values(task), "updated_at": sa.func.now()},
        )
        task.version = expected_version + 1
        self._collect(task)

    async def delete(self, scope: Scope, task_id: UUID) -> None:
        await self._conn.execute(
            sa.delete(tasks).where(in_organisation(tasks, scope), tasks.c.id == task_id)
        )

    async def list(
        self,
        scope: Scope,
        task_filter: TaskFilter,
        *,
        limit: int,
        after: tuple[datetime | None, UUID] | None = None,
    ) -> Sequence[Task]:
        query = sa.select(tasks).where(*task_conditions(scope, task_filter))
        if after is not None:
            due, ident = after
            if due is None:
                query = query.where(tasks.c.due_at.is_(None), tasks.c.id > ident)
            else:
                query = query.where(
                    sa.or_(
                        sa.tuple_(tasks.c.due_at, tasks.c.id) > sa.tuple_(due, ident),
                        tasks.c.due_at.is_(None),
                    )
                )
        query = query.order_by(tasks.c.due_at.asc().nulls_last(), tasks.c.id).limit(limit)
        return [_task(r._mapping) for r in await self._conn.execute(query)]

    async def due_reminders(self, now: datetime, limit: int) -> Sequence[Task]:
        query = (
            sa.select(tasks)
            .where(
                tasks.c.reminded_at.is_(None),
                tasks.c.done_at.is_(None),
                tasks.c.remind_at.is_not(None),
                tasks.c.remind_at <= now,
            )
            .order_by(tasks.c.remind_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_task(r._mapping) for r in await self._conn.execute(query)]

    async def mark_reminded(self, reminded: Sequence[Task], at: datetime) -> None:
        """Remember the reminders sent (no version change: the worker is not an editor)."""
        if not reminded:
            return
        await self._conn.execute(
            sa.update(tasks).where(_task_keys_in(reminded)).values(reminded_at=at)
        )
        for task in reminded:
            self._collect(task)

    async def overdue_unannounced(self, now: datetime, limit: int) -> Sequence[Task]:
        query = (
            sa.select(tasks)
            .where(
                tasks.c.done_at.is_(None),
                tasks.c.due_at.is_not(None),
                tasks.c.overdue_announced_for.is_distinct_from(tasks.c.due_at),
                tasks.c.due_at < now,
                tasks.c.due_at > now - OVERDUE_LOOKBACK,
            )
            .order_by(tasks.c.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_task(r._mapping) for r in await self._conn.execute(query)]

    async def mark_overdue_announced(self, announced: Sequence[Task]) -> None:
        """Remember the due time each notice went out for (no version change)."""
        if not announced:
            return
        await self._conn.execute(
            sa.update(tasks)
            .where(_task_keys_in(announced))
            .values(overdue_announced_for=tasks.c.due_at)
        )
        for task in announced:
            self._collect(task)

    async def due_for_hand_over(self, organisation_id: UUID | None) -> Sequence[tuple[Task, UUID]]:
        # "Today" and "due on a day" in the organisation's time zone.
        today = sa.cast(sa.func.timezone(organisations.c.time_zone, sa.func.now()), sa.Date)
        due_day = sa.cast(sa.func.timezone(organisations.c.time_zone, tasks.c.due_at), sa.Date)
        query = (
            sa.select(tasks, absences.c.substitute_id)
            .select_from(
                tasks.join(
                    absences,
                    sa.and_(
                        absences.c.organisation_id == tasks.c.organisation_id,
                        absences.c.user_id == tasks.c.assignee_id,
                    ),
                ).join(organisations, organisations.c.id == tasks.c.organisation_id)
            )
            .where(
                absences.c.substitute_id.is_not(None),
                absences.c.starts_on <= today,
                absences.c.ends_on >= today,
                tasks.c.done_at.is_(None),
                tasks.c.due_at.is_not(None),
                due_day <= absences.c.ends_on,
            )
            .order_by(tasks.c.id, absences.c.starts_on)
            .with_for_update(of=tasks, skip_locked=True)
        )
        if organisation_id is not None:
            query = query.where(tasks.c.organisation_id == organisation_id)
        found: dict[UUID, tuple[Task, UUID]] = {}
        for r in await self._conn.execute(query):
            # Overlapping absences: the one that started first names the substitute.
            found.setdefault(r.id, (_task(r._mapping), r.substitute_id))
        return list(found.values())

    async def save_assignees(self, moved: Sequence[Task]) -> None:
        if not moved:
            return
        new = sa.values(
            sa.column("organisation_id", UUID_TYPE),
            sa.column("id", UUID_TYPE),
            sa.column("assignee_id", UUID_TYPE),
            name="new",
        ).data([(t.organisation_id, t.id, t.assignee_id) for t in moved])
        await self._conn.execute(
            sa.update(tasks)
            .where(tasks.c.organisation_id == new.c.organisation_id, tasks.c.id == new.c.id)
            .values(
                assignee_id=new.c.assignee_id,
                version=tasks.c.version + 1,
                updated_at=sa.func.now(),
            )
        )
        for task in moved:
            task.version += 1
            self._collect(task)


def _task_keys_in(found: Sequence[Task]) -> sa.ColumnElement[bool]:
    """(organisation_id, id) IN the tasks' keys: the sweeps span organisations."""
    return sa.tuple_(tasks.c.organisation_id, tasks.c.id).in_(
        [(t.organisation_id, t.id) for t in found]
    )


def _task_values(t: Task) -> dict[str, Any]:
    return {
        "client_id": t.client_id,
        "deal_id": t.deal_id,
        "title": t.title,
        "description": t.description,
        "assignee_id": t.assignee_id,
        "due_at": t.due_at,
        "remind_at": t.remind_at,
        "reminded_at": t.reminded_at,
        "priority": t.priority.value,
        "done_at": t.done_at,
        "done_by": t.done_by,
    }


def _task(m: Any) -> Task:
    return Task(
        id=m["id"],
        organisation_id=m["organisation_id"],
        client_id=m["client_id"],
        deal_id=m["deal_id"],
        title=m["title"],
        description=m["description"],
        assignee_id=m["assignee_id"],
        due_at=m["due_at"],
        remind_at=m["remind_at"],
        reminded_at=m["reminded_at"],
        overdue_announced_for=m["overdue_announced_for"],
        priority=Priority(m["priority"]),
        done_at=m["done_at"],
        done_by=m["done_by"],
        origin=m["origin"],
        created_by=m["created_by"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        version=m["version"],
    )


# --- activities ----------------------------------------------------------------------------


class SqlActivityRepository(SqlRepository):
    async def add(self, activity: Activity) -> None:
        activity.created_at = (
            await self._conn.execute(
                sa.insert(activities)
                .values(
                    id=activity.id,
                    organisation_id=activity.organisation_id,
                    author_id=activity.author_id,
                    **_activity_values(activity),
                )
                .returning(activities.c.created_at)
            )
        ).scalar_one()
        self._collect(activity)

    async def get(self, scopes: SubjectScopes, activity_id: UUID) -> Activity | None:
        row = (
            await self._conn.execute(
                sa.select(activities).where(
                    activities.c.organisation_id == scopes.organisation_id,
                    activities.c.id == activity_id,
                    subject_visible(activities, scopes),
                )
            )
        ).one_or_none()
        return _activity(row._mapping) if row else None

    async def update(self, activity: Activity, expected_version: int) -> None:
        await self._update_versioned(
            activities,
            entity="Activity",
            ident=activity.id,
            organisation_id=activity.organisation_id,
            expected_version=expected_version,
            values=_activity_values(activity),
        )
        activity.version = expected_version + 1
        self._collect(activity)

    async def delete(self, scopes: SubjectScopes, activity_id: UUID) -> None:
        await self._conn.execute(
            sa.delete(activities).where(
                activities.c.organisation_id == scopes.organisation_id,
                activities.c.id == activity_id,
            )
        )

    async def list(
        self,
        scopes: SubjectScopes,
        activity_filter: ActivityFilter,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[Activity]:
        f = activity_filter
        query = sa.select(activities).where(
            activities.c.organisation_id == scopes.organisation_id,
            subject_visible(activities, scopes),
        )
        if f.client_id is not None:
            query = query.where(activities.c.client_id == f.client_id)
        if f.deal_id is not None:
            query = query.where(activities.c.deal_id == f.deal_id)
        if f.kind is not None:
            query = query.where(activities.c.kind == f.kind.value)
        if f.author_id is not None:
            query = query.where(activities.c.author_id == f.author_id)
        if f.occurred_from is not None:
            query = query.where(activities.c.occurred_at >= f.occurred_from)
        if f.occurred_to is not None:
            query = query.where(activities.c.occurred_at < f.occurred_to)
        if after is not None:
            query = query.where(
                sa.tuple_(activities.c.occurred_at, activities.c.id) < sa.tuple_(*after)
            )
        query = query.order_by(activities.c.occurred_at.desc(), activities.c.id.desc()).limit(limit)
        return [_activity(r._mapping) for r in await self._conn.execute(query)]


def _activity_values(a: Activity) -> dict[str, Any]:
    return {
        "client_id": a.client_id,
        "deal_id": a.deal_id,
        "kind": a.kind.value,
        "subject": a.subject,
        "body": a.body,
        "direction": a.direction.value if a.direction else None,
        "occurred_at": a.occurred_at,
        "duration_seconds": a.duration_seconds,
    }


def _activity(m: Any) -> Activity:
    return Activity(
        id=m["id"],
        organisation_id=m["organisation_id"],
        client_id=m["client_id"],
        deal_id=m["deal_id"],
        kind=ActivityKind(m["kind"]),
        subject=m["subject"],
        body=m["body"],
        direction=Direction(m["direction"]) if m["direction"] else None,
        occurred_at=m["occurred_at"],
        duration_seconds=m["duration_seconds"],
        author_id=m["author_id"],
        created_at=m["created_at"],
        version=m["version"],
    )


# --- comments ------------------------------------------------------------------------------


class SqlCommentRepository(SqlRepository):
    async def add(self, comment: Comment) -> None:
        comment.created_at = (
            await self._conn.execute(
                sa.insert(comments)
                .values(
                    id=comment.id,
                    organisation_id=comment.organisation_id,
                    author_id=comment.author_id,
                    parent_id=comment.parent_id,
                    client_id=comment.client_id,
                    deal_id=comment.deal_id,
                    body=comment.body,
                    mentions=comment.mentions,
                    created_at=sa.func.clock_timestamp(),
                )
                .returning(comments.c.created_at)
            )
        ).scalar_one()
        self._collect(comment)

    async def get(self, scopes: SubjectScopes, comment_id: UUID) -> Comment | None:
        row = (
            await self._conn.execute(
                sa.select(comments).where(
                    comments.c.organisation_id == scopes.organisation_id,
                    comments.c.id == comment_id,
                    subject_visible(comments, scopes),
                )
            )
        ).one_or_none()
        return _comment(row._mapping) if row else None

    async def update(self, comment: Comment, expected_version: int) -> None:
        await self._update_versioned(
            comments,
            entity="Comment",
            ident=comment.id,
            organisation_id=comment.organisation_id,
            expected_version=expected_version,
            values={
                "body": comment.body,
                "mentions": comment.mentions,
                "edited_at": comment.edited_at,
            },
        )
        comment.version = expected_version + 1
        self._collect(comment)

    async def delete(self, scopes: SubjectScopes, comment_id: UUID) -> None:
        await self._conn.execute(
            sa.delete(comments).where(
                comments.c.organisation_id == scopes.organisation_id,
                comments.c.id == comment_id,
            )
        )

    async def list(
        self,
        scopes: SubjectScopes,
        *,
        client_id: UUID | None,
        deal_id: UUID | None,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[Comment]:
        query = sa.select(comments).where(
            comments.c.organisation_id == scopes.organisation_id,
            subject_visible(comments, scopes),
        )
        if client_id is not None:
            query = query.where(comments.c.client_id == client_id)
        if deal_id is not None:
            query = query.where(comments.c.deal_id == deal_id)
        if after is not None:
            query = query.where(sa.tuple_(comments.c.created_at, comments.c.id) > sa.tuple_(*after))
        query = query.order_by(comments.c.created_at, comments.c.id).limit(limit)
        return [_comment(r._mapping) for r in await self._conn.execute(query)]


def _comment(m: Any) -> Comment:
    comment = Comment(
        id=m["id"],
        organisation_id=m["organisation_id"],
        client_id=m["client_id"],
        deal_id=m["deal_id"],
        parent_id=m["parent_id"],
        body=m["body"],
        author_id=m["author_id"],
        created_at=m["created_at"],
        edited_at=m["edited_at"],
        version=m["version"],
    )
    comment.mentions = list(m["mentions"])
    return comment


# --- bulk reassignment ---------------------------------------------------------------------

_OWNED: dict[str, tuple[sa.Table, str]] = {
    "client": (clients, "responsible_id"),
    "deal": (deals, "responsible_id"),
    "task": (tasks, "assignee_id"),
}


class SqlReassignmentRepository(SqlRepository):
    async def move(
        self,
        scope: Scope,
        *,
        entity_type: str,
        from_user_id: UUID,
        to_user_id: UUID,
        only_open: bool,
    ) -> Reassigned:
        table, owner = _OWNED[entity_type]
        statement = sa.update(table).where(
            in_organisation(table, scope), table.c[owner] == from_user_id
        )
        if only_open and entity_type == "deal":
            statement = statement.where(table.c.status == "open")
        if only_open and entity_type == "task":
            statement = statement.where(table.c.done_at.is_(None))
        if entity_type == "client":
            statement = statement.where(table.c.merged_into_id.is_(None))
        statement = statement.values(
            {owner: to_user_id, "version": table.c.version + 1, "updated_at": sa.func.now()}
        ).returning(table.c.id)
        ids = list((await self._conn.execute(statement)).scalars())
        return Reassigned(entity_type=entity_type, ids=ids)
