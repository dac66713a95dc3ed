"""Record visibility in SQL, decided once: own / team / all, plus what a substitute sees.

Owned records (clients, deals, tasks) carry an owner column (responsible_id, assignee_id).
- ALL: every record of the organisation.
- TEAM: records owned by anyone in the caller's department subtree, and the caller's own.
- OWN: the caller's records.
In every case the caller also sees the records of the people they stand in for today (an
absence naming them as substitute), "today" being the organisation's day that the domain
put in the scope from its clock, not the database's date.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.tables.staff import absences, departments, users
from domain.shared.scope import Scope, Visibility


def substituted_owner_ids(scope: Scope, today: date) -> sa.Select[tuple[object]]:
    """People whose absence on ``today`` names the caller as substitute."""
    return sa.select(absences.c.user_id).where(
        absences.c.organisation_id == scope.organisation_id,
        absences.c.substitute_id == scope.user_id,
        absences.c.starts_on <= today,
        absences.c.ends_on >= today,
    )


def team_member_ids(scope: Scope) -> sa.Select[tuple[object]]:
    return sa.select(users.c.id).where(
        users.c.organisation_id == scope.organisation_id,
        users.c.department_id.in_(scope.department_ids),
    )


def subtree_members(organisation_id: UUID, department_id: UUID) -> sa.Select[Any]:
    """The users of the department and of every department below it (a recursive CTE)."""
    tree = (
        sa.select(departments.c.id)
        .where(departments.c.organisation_id == organisation_id, departments.c.id == department_id)
        .cte("tree", recursive=True)
    )
    below = departments.alias("below")
    tree = tree.union_all(
        sa.select(below.c.id).where(
            below.c.organisation_id == organisation_id, below.c.parent_id == tree.c.id
        )
    )
    return sa.select(users.c.id).where(
        users.c.organisation_id == organisation_id, users.c.department_id.in_(sa.select(tree.c.id))
    )


def visible(owner: sa.ColumnElement[object], scope: Scope) -> sa.ColumnElement[bool]:
    """The condition "the caller may see this record", for a record whose owner is ``owner``.
    Combine with the organisation filter (``table.c.organisation_id == scope.organisation_id``)."""
    if scope.visibility is Visibility.ALL:
        return sa.true()
    if scope.user_id is None:
        return sa.false()
    conditions: list[sa.ColumnElement[bool]] = [owner == scope.user_id]
    if scope.today is not None:
        conditions.append(owner.in_(substituted_owner_ids(scope, scope.today)))
    if scope.visibility is Visibility.TEAM and scope.department_ids:
        conditions.append(owner.in_(team_member_ids(scope)))
    return sa.or_(*conditions)


async def visible_owner_ids(conn: AsyncConnection, scope: Scope) -> list[UUID] | None:
    """``visible`` as a set an index can serve: the owners whose records the caller may see
    (their own id, the people they stand in for today and, for TEAM, their department
    subtree's members), read once per request; None when the caller sees every owner (ALL)."""
    if scope.visibility is Visibility.ALL:
        return None
    if scope.user_id is None:
        return []
    ids: set[UUID] = {scope.user_id}
    parts: list[sa.Select[tuple[object]]] = []
    if scope.today is not None:
        parts.append(substituted_owner_ids(scope, scope.today))
    if scope.visibility is Visibility.TEAM and scope.department_ids:
        parts.append(team_member_ids(scope))
    if parts:
        query = parts[0] if len(parts) == 1 else sa.union(*parts)
        found: list[object] = list(await conn.scalars(query))
        ids.update(i for i in found if isinstance(i, UUID))
    return sorted(ids, key=str)


async def narrowed_to_department(
    conn: AsyncConnection,
    owners: list[UUID] | None,
    organisation_id: UUID,
    department_id: UUID | None,
) -> list[UUID] | None:
    """``visible_owner_ids``' answer narrowed to the members of a department's subtree, read
    once per request, so "deals of this department" is the same ``owner = ANY(:ids)`` as
    visibility (no join per row), and a department beyond the caller's sight adds no one."""
    if department_id is None:
        return owners
    found: list[object] = list(await conn.scalars(subtree_members(organisation_id, department_id)))
    members = {i for i in found if isinstance(i, UUID)}
    if owners is not None:
        members.intersection_update(owners)
    return sorted(members, key=str)


def owned_by(owner: sa.ColumnElement[object], ids: list[UUID] | None) -> sa.ColumnElement[bool]:
    """The condition for ``visible_owner_ids``' answer: ``owner = ANY(:ids)``."""
    if ids is None:
        return sa.true()
    if not ids:
        return sa.false()
    if len(ids) == 1:
        # Plain equality, so an index on (organisation, owner, sort column) also gives the
        # order: a one-element ANY does not.
        return owner == ids[0]
    return owner == sa.any_(sa.literal(ids, postgresql.ARRAY(postgresql.UUID(as_uuid=True))))
