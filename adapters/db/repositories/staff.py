"""SQL repositories for the staff context."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from adapters.db.repositories.base import SqlRepository, in_organisation
from adapters.db.repositories.visibility import visible
from adapters.db.tables.staff import (
    absences,
    departments,
    organisations,
    roles,
    schedules,
    users,
)
from domain.shared.scope import Scope, Visibility
from domain.shared.text import is_searchable
from domain.staff.model import (
    Absence,
    AbsenceKind,
    Department,
    FulfilmentBasis,
    Organisation,
    Role,
    Schedule,
    SignedInUser,
    User,
    WorkingHours,
)
from domain.staff.permissions import Permission, Resource


class SqlOrganisationRepository(SqlRepository):
    async def add(self, organisation: Organisation) -> None:
        await self._conn.execute(
            sa.insert(organisations).values(**_organisation_values(organisation))
        )

    async def get(self, organisation_id: UUID) -> Organisation | None:
        row = (
            await self._conn.execute(
                sa.select(organisations).where(organisations.c.id == organisation_id)
            )
        ).one_or_none()
        return _organisation(row._mapping) if row else None

    async def get_by_name(self, name: str) -> Organisation | None:
        row = (
            await self._conn.execute(
                sa.select(organisations).where(organisations.c.name == name).limit(1)
            )
        ).one_or_none()
        return _organisation(row._mapping) if row else None

    async def update(self, organisation: Organisation, expected_version: int) -> None:
        values = _organisation_values(organisation)
        values.pop("id")
        await self._update_versioned(
            organisations,
            entity="Organisation",
            ident=organisation.id,
            organisation_id=None,
            expected_version=expected_version,
            values=values,
        )
        organisation.version = expected_version + 1


def _organisation_values(o: Organisation) -> dict[str, Any]:
    return {
        "id": o.id,
        "name": o.name,
        "currency": o.currency,
        "time_zone": o.time_zone,
        "fulfilment_basis": o.fulfilment_basis.value,
        "webhooks_allow_private_targets": o.webhooks_allow_private_targets,
    }


def _organisation(m: Any) -> Organisation:
    return Organisation(
        id=m["id"],
        name=m["name"],
        currency=m["currency"],
        time_zone=m["time_zone"],
        fulfilment_basis=FulfilmentBasis(m["fulfilment_basis"]),
        webhooks_allow_private_targets=m["webhooks_allow_private_targets"],
        created_at=m["created_at"],
        version=m["version"],
    )


class SqlRoleRepository(SqlRepository):
    async def add(self, role: Role) -> None:
        await self._conn.execute(
            sa.insert(roles).values(
                id=role.id, organisation_id=role.organisation_id, **_role_values(role)
            )
        )

    async def get(self, scope: Scope, role_id: UUID) -> Role | None:
        row = (
            await self._conn.execute(
                sa.select(roles).where(in_organisation(roles, scope), roles.c.id == role_id)
            )
        ).one_or_none()
        return _role(row._mapping) if row else None

    async def get_by_code(self, scope: Scope, code: str) -> Role | None:
        row = (
            await self._conn.execute(
                sa.select(roles).where(in_organisation(roles, scope), roles.c.code == code)
            )
        ).one_or_none()
        return _role(row._mapping) if row else None

    async def list(self, scope: Scope) -> Sequence[Role]:
        rows = await self._conn.execute(
            sa.select(roles).where(in_organisation(roles, scope)).order_by(roles.c.name, roles.c.id)
        )
        return [_role(r._mapping) for r in rows]

    async def update(self, role: Role, expected_version: int) -> None:
        await self._update_versioned(
            roles,
            entity="Role",
            ident=role.id,
            organisation_id=role.organisation_id,
            expected_version=expected_version,
            values=_role_values(role),
        )
        role.version = expected_version + 1

    async def delete(self, scope: Scope, role_id: UUID) -> None:
        await self._conn.execute(
            sa.delete(roles).where(in_organisation(roles, scope), roles.c.id == role_id)
        )

    async def count_users(self, scope: Scope, role_id: UUID) -> int:
        count = await self._conn.scalar(
            sa.select(sa.func.count()).where(
                in_organisation(users, scope), users.c.role_id == role_id
            )
        )
        return int(count or 0)


def _role_values(role: Role) -> dict[str, Any]:
    return {
        "code": role.code,
        "name": role.name,
        "permissions": sorted(p.value for p in role.permissions),
        "visibility": {r.value: v.value for r, v in role.visibility.items()},
    }


def _role(m: Any) -> Role:
    return Role(
        id=m["id"],
        organisation_id=m["organisation_id"],
        code=m["code"],
        name=m["name"],
        permissions=frozenset(Permission(p) for p in m["permissions"] if p in _PERMISSIONS),
        visibility={
            Resource(r): Visibility(v) for r, v in m["visibility"].items() if r in _RESOURCES
        },
        version=m["version"],
    )


_PERMISSIONS = {p.value for p in Permission}
_RESOURCES = {r.value for r in Resource}


class SqlUserRepository(SqlRepository):
    async def add(self, user: User) -> None:
        await self._conn.execute(
            sa.insert(users).values(
                id=user.id, organisation_id=user.organisation_id, **_user_values(user)
            )
        )

    async def get(self, scope: Scope, user_id: UUID) -> User | None:
        row = (
            await self._conn.execute(
                sa.select(users).where(in_organisation(users, scope), users.c.id == user_id)
            )
        ).one_or_none()
        return _user(row._mapping) if row else None

    async def names(self, scope: Scope) -> dict[UUID, str]:
        rows = await self._conn.execute(
            sa.select(users.c.id, users.c.full_name).where(in_organisation(users, scope))
        )
        return {r.id: r.full_name for r in rows}

    async def names_of(self, organisation_id: UUID, user_ids: Sequence[UUID]) -> dict[UUID, str]:
        if not user_ids:
            return {}
        rows = await self._conn.execute(
            sa.select(users.c.id, users.c.full_name).where(
                users.c.organisation_id == organisation_id, users.c.id.in_(user_ids)
            )
        )
        return {r.id: r.full_name for r in rows}

    async def get_for_auth(self, organisation_id: UUID, user_id: UUID) -> User | None:
        row = (
            await self._conn.execute(
                sa.select(users).where(
                    users.c.organisation_id == organisation_id, users.c.id == user_id
                )
            )
        ).one_or_none()
        return _user(row._mapping) if row else None

    async def get_signed_in(self, organisation_id: UUID, user_id: UUID) -> SignedInUser | None:
        row = (
            await self._conn.execute(
                _signed_in_statement(), {"organisation_id": organisation_id, "user_id": user_id}
            )
        ).one_or_none()
        if row is None:
            return None
        m = row._mapping
        role = _prefixed(m, "role__")
        return SignedInUser(
            user=_user(m),
            role=_role(role) if role["id"] is not None else None,
            organisation=_organisation(_prefixed(m, "organisation__")),
            department_ids=frozenset(m["department_ids"] or ()),
        )

    async def get_by_email(self, email: str) -> User | None:
        row = (
            await self._conn.execute(
                sa.select(users).where(sa.func.lower(users.c.email) == email.strip().lower())
            )
        ).one_or_none()
        return _user(row._mapping) if row else None

    async def list(
        self,
        scope: Scope,
        *,
        limit: int,
        after: tuple[str, UUID] | None = None,
        department_ids: frozenset[UUID] | None = None,
        is_active: bool | None = None,
        search: str | None = None,
        owners_visible_in: Scope | None = None,
    ) -> Sequence[User]:
        query = sa.select(users).where(in_organisation(users, scope))
        if owners_visible_in is not None:
            # The owner condition of every scoped list, applied to the people themselves.
            query = query.where(visible(users.c.id, owners_visible_in))
        if department_ids is not None:
            query = query.where(users.c.department_id.in_(department_ids))
        if is_active is not None:
            query = query.where(users.c.is_active.is_(is_active))
        if search and search.strip() and not is_searchable(search):
            query = query.where(sa.false())
        elif search:
            pattern = f"%{_escape_like(search.strip())}%"
            query = query.where(
                sa.or_(
                    users.c.full_name.ilike(pattern, escape="\\"),
                    users.c.email.ilike(pattern, escape="\\"),
                )
            )
        if after is not None:
            query = query.where(sa.tuple_(users.c.full_name, users.c.id) > sa.tuple_(*after))
        query = query.order_by(users.c.full_name, users.c.id).limit(limit)
        return [_user(r._mapping) for r in await self._conn.execute(query)]

    async def update(self, user: User, expected_version: int) -> None:
        await self._update_versioned(
            users,
            entity="User",
            ident=user.id,
            organisation_id=user.organisation_id,
            expected_version=expected_version,
            values={**_user_values(user), "updated_at": sa.func.now()},
        )
        user.version = expected_version + 1

    async def count_active_with_role_code(self, scope: Scope, code: str) -> int:
        count = await self._conn.scalar(
            sa.select(sa.func.count())
            .select_from(
                users.join(
                    roles,
                    sa.and_(
                        roles.c.organisation_id == users.c.organisation_id,
                        roles.c.id == users.c.role_id,
                    ),
                )
            )
            .where(in_organisation(users, scope), users.c.is_active, roles.c.code == code)
        )
        return int(count or 0)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _user_values(u: User) -> dict[str, Any]:
    return {
        "email": u.email,
        "full_name": u.full_name,
        "phone": u.phone,
        "language": u.language,
        "time_zone": u.time_zone,
        "password_hash": u.password_hash,
        "role_id": u.role_id,
        "department_id": u.department_id,
        "is_active": u.is_active,
    }


@functools.cache
def _signed_in_statement() -> sa.Select[Any]:
    """One statement, built once (every request runs it): the user, their role and
    organisation as prefixed columns, and the department subtree by a recursive CTE on the
    same parameters (no correlation)."""
    organisation_id = sa.bindparam("organisation_id", type_=users.c.organisation_id.type)
    user_id = sa.bindparam("user_id", type_=users.c.id.type)
    the_user = sa.and_(users.c.organisation_id == organisation_id, users.c.id == user_id)
    subtree = (
        sa.select(users.c.department_id.label("id"))
        .where(the_user, users.c.department_id.is_not(None))
        .cte("subtree", recursive=True)
    )
    below = departments.alias("below")
    subtree = subtree.union(
        sa.select(below.c.id).where(
            below.c.organisation_id == organisation_id, below.c.parent_id == subtree.c.id
        )
    )
    return (
        sa.select(
            users,
            *(c.label(f"role__{c.name}") for c in roles.c),
            *(c.label(f"organisation__{c.name}") for c in organisations.c),
            sa.select(sa.func.array_agg(subtree.c.id)).scalar_subquery().label("department_ids"),
        )
        .join(organisations, organisations.c.id == users.c.organisation_id)
        .outerjoin(
            roles,
            sa.and_(
                roles.c.organisation_id == users.c.organisation_id, roles.c.id == users.c.role_id
            ),
        )
        .where(the_user)
    )


def _prefixed(m: Any, prefix: str) -> dict[str, Any]:
    """The columns a joined select labelled ``prefix + name``, by their own names."""
    return {key[len(prefix) :]: value for key, value in m.items() if key.startswith(prefix)}


def _user(m: Any) -> User:
    return User(
        id=m["id"],
        organisation_id=m["organisation_id"],
        email=m["email"],
        full_name=m["full_name"],
        phone=m["phone"],
        language=m["language"],
        time_zone=m["time_zone"],
        password_hash=m["password_hash"],
        role_id=m["role_id"],
        department_id=m["department_id"],
        is_active=m["is_active"],
        created_at=m["created_at"],
        version=m["version"],
    )


class SqlDepartmentRepository(SqlRepository):
    async def add(self, department: Department) -> None:
        await self._conn.execute(
            sa.insert(departments).values(
                id=department.id,
                organisation_id=department.organisation_id,
                **_department_values(department),
            )
        )

    async def get(self, scope: Scope, department_id: UUID) -> Department | None:
        row = (
            await self._conn.execute(
                sa.select(departments).where(
                    in_organisation(departments, scope), departments.c.id == department_id
                )
            )
        ).one_or_none()
        return _department(row._mapping) if row else None

    async def list(self, scope: Scope) -> Sequence[Department]:
        rows = await self._conn.execute(
            sa.select(departments)
            .where(in_organisation(departments, scope))
            .order_by(departments.c.name, departments.c.id)
        )
        return [_department(r._mapping) for r in rows]

    async def update(self, department: Department, expected_version: int) -> None:
        await self._update_versioned(
            departments,
            entity="Department",
            ident=department.id,
            organisation_id=department.organisation_id,
            expected_version=expected_version,
            values=_department_values(department),
        )
        department.version = expected_version + 1

    async def delete(self, scope: Scope, department_id: UUID) -> None:
        await self._conn.execute(
            sa.delete(departments).where(
                in_organisation(departments, scope), departments.c.id == department_id
            )
        )

    async def count_members(self, scope: Scope, department_id: UUID) -> int:
        members = await self._conn.scalar(
            sa.select(sa.func.count()).where(
                in_organisation(users, scope), users.c.department_id == department_id
            )
        )
        children = await self._conn.scalar(
            sa.select(sa.func.count()).where(
                in_organisation(departments, scope), departments.c.parent_id == department_id
            )
        )
        return int(members or 0) + int(children or 0)


def _department_values(d: Department) -> dict[str, Any]:
    return {"name": d.name, "parent_id": d.parent_id, "head_id": d.head_id}


def _department(m: Any) -> Department:
    return Department(
        id=m["id"],
        organisation_id=m["organisation_id"],
        name=m["name"],
        parent_id=m["parent_id"],
        head_id=m["head_id"],
        version=m["version"],
    )


class SqlScheduleRepository(SqlRepository):
    async def get(self, scope: Scope, user_id: UUID) -> Schedule | None:
        row = (
            await self._conn.execute(
                sa.select(schedules).where(
                    in_organisation(schedules, scope), schedules.c.user_id == user_id
                )
            )
        ).one_or_none()
        return _schedule(row._mapping) if row else None

    async def list(self, scope: Scope) -> Sequence[Schedule]:
        rows = await self._conn.execute(
            sa.select(schedules).where(in_organisation(schedules, scope))
        )
        return [_schedule(r._mapping) for r in rows]

    async def save(self, schedule: Schedule) -> None:
        days = {
            day: [h.starts.isoformat("minutes"), h.ends.isoformat("minutes")]
            for day, h in schedule.days.items()
        }
        statement = insert(schedules).values(
            user_id=schedule.user_id,
            organisation_id=schedule.organisation_id,
            time_zone=schedule.time_zone,
            days=days,
        )
        await self._conn.execute(
            statement.on_conflict_do_update(
                index_elements=[schedules.c.organisation_id, schedules.c.user_id],
                set_={"time_zone": statement.excluded.time_zone, "days": statement.excluded.days},
            )
        )


def _schedule(m: Any) -> Schedule:
    return Schedule(
        organisation_id=m["organisation_id"],
        user_id=m["user_id"],
        time_zone=m["time_zone"],
        days={
            day: WorkingHours(time.fromisoformat(hours[0]), time.fromisoformat(hours[1]))
            for day, hours in m["days"].items()
        },
    )


class SqlAbsenceRepository(SqlRepository):
    async def add(self, absence: Absence) -> None:
        await self._conn.execute(
            sa.insert(absences).values(
                id=absence.id,
                organisation_id=absence.organisation_id,
                created_by=absence.created_by,
                **_absence_values(absence),
            )
        )
        self._collect(absence)

    async def get(self, scope: Scope, absence_id: UUID) -> Absence | None:
        row = (
            await self._conn.execute(
                sa.select(absences).where(
                    in_organisation(absences, scope), absences.c.id == absence_id
                )
            )
        ).one_or_none()
        return _absence(row._mapping) if row else None

    async def list(
        self,
        scope: Scope,
        *,
        user_id: UUID | None = None,
        overlapping: tuple[date, date] | None = None,
        limit: int = 100,
        after: tuple[date, UUID] | None = None,
    ) -> Sequence[Absence]:
        query = sa.select(absences).where(in_organisation(absences, scope))
        if user_id is not None:
            query = query.where(absences.c.user_id == user_id)
        if overlapping is not None:
            start, end = overlapping
            query = query.where(absences.c.starts_on <= end, absences.c.ends_on >= start)
        if after is not None:
            query = query.where(sa.tuple_(absences.c.starts_on, absences.c.id) > sa.tuple_(*after))
        query = query.order_by(absences.c.starts_on, absences.c.id).limit(limit)
        return [_absence(r._mapping) for r in await self._conn.execute(query)]

    async def update(self, absence: Absence, expected_version: int) -> None:
        await self._update_versioned(
            absences,
            entity="Absence",
            ident=absence.id,
            organisation_id=absence.organisation_id,
            expected_version=expected_version,
            values=_absence_values(absence),
        )
        absence.version = expected_version + 1
        self._collect(absence)

    async def delete(self, scope: Scope, absence_id: UUID) -> None:
        await self._conn.execute(
            sa.delete(absences).where(in_organisation(absences, scope), absences.c.id == absence_id)
        )

    async def begun_unannounced(self, now: datetime, limit: int) -> Sequence[tuple[Absence, date]]:
        # "Today" is each organisation's own calendar day at ``now``.
        today = sa.cast(sa.func.timezone(organisations.c.time_zone, now), sa.Date)
        query = (
            sa.select(absences, today.label("today"))
            .join(organisations, organisations.c.id == absences.c.organisation_id)
            .where(
                absences.c.start_announced_at.is_(None),
                absences.c.starts_on <= today,
                absences.c.ends_on >= today,
            )
            .order_by(absences.c.starts_on, absences.c.id)
            .limit(limit)
            .with_for_update(of=absences, skip_locked=True)
        )
        return [(_absence(r._mapping), r.today) for r in await self._conn.execute(query)]


def _absence_values(a: Absence) -> dict[str, Any]:
    return {
        "user_id": a.user_id,
        "kind": a.kind.value,
        "starts_on": a.starts_on,
        "ends_on": a.ends_on,
        "substitute_id": a.substitute_id,
        "comment": a.comment,
        "start_announced_at": a.start_announced_at,
    }


def _absence(m: Any) -> Absence:
    return Absence(
        id=m["id"],
        organisation_id=m["organisation_id"],
        user_id=m["user_id"],
        kind=AbsenceKind(m["kind"]),
        starts_on=m["starts_on"],
        ends_on=m["ends_on"],
        substitute_id=m["substitute_id"],
        comment=m["comment"],
        created_by=m["created_by"],
        start_announced_at=m["start_announced_at"],
        version=m["version"],
    )
