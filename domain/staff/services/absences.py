"""Absence use cases: vacations, sick leave and business trips, with the substitute who takes
over the absent person's tasks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID

from domain.auth.principal import Principal
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock, SystemClock
from domain.shared.concurrency import check_version
from domain.shared.errors import NOT_FOUND_CODE, Conflict, InvalidInput, NotFound, PermissionDenied
from domain.shared.patch import UNSET, Patch
from domain.staff.model import Absence, AbsenceKind, DepartmentTree, User
from domain.staff.permissions import Permission
from domain.staff.services.colleagues import require_active_colleague


class AbsenceService:
    """Vacations, sick leave and business trips. Everyone records their own; absences:manage
    records those of people in the caller's department subtree (an administrator's reaches
    everyone).

    A substitute sees the absent person's records during the absence, so naming one must not
    open them beyond the absent person's team, nor to the recorder: the substitute belongs to
    the absent person's team (their department subtree; for someone without a department,
    the others without one), unless the recorder is the absent person's head (heads their
    department or one above it) or an administrator. Only such a head or an administrator
    names themself as a colleague's substitute, so recording an absence never widens the
    recorder's own visibility.

    The comment (often the private reason) is shown only to the absent person, their heads and
    whoever manages their absences; everyone else reads it as None."""

    def __init__(self, uow: UnitOfWork, clock: Clock | None = None) -> None:
        self._uow = uow
        self._clock = clock or SystemClock()

    async def _announce_if_begun(
        self, uow: UnitOfWork, principal: Principal, absence: Absence
    ) -> None:
        """An absence recorded (or moved) so that it runs today starts now: its
        user.absence_started hands the absent person's due tasks to the substitute right after
        commit (the worker's every-minute sweep would, too, a little later)."""
        organisation = await uow.organisations.get(absence.organisation_id)
        if organisation is None:
            return
        now = self._clock.now()
        absence.announce_start(today=organisation.today(now), at=now, by=principal.user_id)

    async def list(
        self,
        principal: Principal,
        *,
        limit: int,
        after: tuple[date, UUID] | None = None,
        user_id: UUID | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> Sequence[Absence]:
        """Absences overlapping [date_from, date_to], ordered by (starts_on, id). Without
        users:read a user sees only their own."""
        overlapping = None
        if date_from is not None or date_to is not None:
            overlapping = (date_from or date.min, date_to or date.max)
        if not principal.can(Permission.USERS_READ):
            if principal.user_id is None or user_id not in (None, principal.user_id):
                raise PermissionDenied("This requires the permission users:read")
            user_id = principal.user_id
        async with self._uow as uow:
            found = await uow.absences.list(
                principal.organisation_scope,
                user_id=user_id,
                overlapping=overlapping,
                limit=limit,
                after=after,
            )
            return await _for_reader(uow, principal, found)

    async def get(self, principal: Principal, absence_id: UUID) -> Absence:
        async with self._uow as uow:
            absence = await self._load(uow, principal, absence_id)
            if absence.user_id != principal.user_id and not principal.can(Permission.USERS_READ):
                raise NotFound("Absence", absence_id)
            return (await _for_reader(uow, principal, [absence]))[0]

    async def create(
        self,
        principal: Principal,
        *,
        kind: AbsenceKind,
        starts_on: date,
        ends_on: date,
        user_id: UUID | None = None,
        substitute_id: UUID | None = None,
        comment: str | None = None,
    ) -> Absence:
        target = user_id or principal.user_id
        if target is None:
            raise InvalidInput("user_id", "is required when calling with an API key")
        if target != principal.user_id:
            principal.require(Permission.ABSENCES_MANAGE)
        absence = Absence(
            organisation_id=principal.organisation_id,
            user_id=target,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            substitute_id=substitute_id,
            comment=comment,
            created_by=principal.user_id,
        )
        async with self._uow as uow:
            absentee = await uow.users.get(principal.organisation_scope, target)
            if absentee is None:
                raise InvalidInput("user_id", "no such user", code=NOT_FOUND_CODE)
            staff = await _Staff.load(uow, principal)
            if target != principal.user_id and not staff.manages(principal, absentee):
                raise PermissionDenied(
                    "absences:manage reaches only the people of your department subtree"
                )
            await self._check(uow, principal, absence, absentee, staff)
            await self._announce_if_begun(uow, principal, absence)
            await uow.absences.add(absence)
            await uow.commit()
            return absence

    async def update(
        self,
        principal: Principal,
        absence_id: UUID,
        *,
        kind: AbsenceKind | None = None,
        starts_on: date | None = None,
        ends_on: date | None = None,
        substitute_id: Patch[UUID | None] = UNSET,
        comment: Patch[str | None] = UNSET,
        expected_version: int | None = None,
    ) -> Absence:
        async with self._uow as uow:
            absence = await self._load_for_change(uow, principal, absence_id)
            version = absence.version if expected_version is None else expected_version
            named_before = absence.substitute_id
            absence.change(
                kind=kind,
                starts_on=starts_on,
                ends_on=ends_on,
                substitute_id=substitute_id,
                comment=comment,
            )
            await self._check(
                uow, principal, absence, new_substitute=absence.substitute_id != named_before
            )
            await self._announce_if_begun(uow, principal, absence)
            await uow.absences.update(absence, version)
            await uow.commit()
            return absence

    async def delete(
        self, principal: Principal, absence_id: UUID, *, expected_version: int | None = None
    ) -> None:
        async with self._uow as uow:
            absence = await self._load_for_change(uow, principal, absence_id)
            check_version("Absence", absence.version, expected_version)
            await uow.absences.delete(principal.organisation_scope, absence_id)
            await uow.commit()

    @staticmethod
    async def _check(
        uow: UnitOfWork,
        principal: Principal,
        absence: Absence,
        absentee: User | None = None,
        staff: _Staff | None = None,
        *,
        new_substitute: bool = True,
    ) -> None:
        scope = principal.organisation_scope
        dates = (absence.starts_on, absence.ends_on)
        own = await uow.absences.list(scope, user_id=absence.user_id, overlapping=dates, limit=2)
        if any(other.id != absence.id for other in own):
            raise Conflict("The employee already has an absence on some of these dates")
        if absence.substitute_id is None:
            return
        substitute = await require_active_colleague(
            uow, principal, absence.substitute_id, "substitute_id"
        )
        if new_substitute:
            absentee = absentee or await uow.users.get(scope, absence.user_id)
            staff = staff or await _Staff.load(uow, principal)
            if absentee is not None:
                staff.check_substitute(principal, absentee, substitute)
        if await uow.absences.list(
            scope, user_id=absence.substitute_id, overlapping=dates, limit=1
        ):
            raise InvalidInput("substitute_id", "the substitute is absent on some of these dates")

    async def _load_for_change(
        self, uow: UnitOfWork, principal: Principal, absence_id: UUID
    ) -> Absence:
        absence = await self._load(uow, principal, absence_id)
        if absence.user_id != principal.user_id:
            if not principal.can(Permission.USERS_READ):
                raise NotFound("Absence", absence_id)
            principal.require(Permission.ABSENCES_MANAGE)
            absentee = await uow.users.get(principal.organisation_scope, absence.user_id)
            staff = await _Staff.load(uow, principal)
            if absentee is None or not staff.manages(principal, absentee):
                raise PermissionDenied(
                    "absences:manage reaches only the people of your department subtree"
                )
        return absence

    @staticmethod
    async def _load(uow: UnitOfWork, principal: Principal, absence_id: UUID) -> Absence:
        absence = await uow.absences.get(principal.organisation_scope, absence_id)
        if absence is None:
            raise NotFound("Absence", absence_id)
        return absence


@dataclass(frozen=True, slots=True)
class _Staff:
    """The organisation's departments, for who manages and who heads whom."""

    tree: DepartmentTree

    @classmethod
    async def load(cls, uow: UnitOfWork, principal: Principal) -> _Staff:
        return cls(DepartmentTree(await uow.departments.list(principal.organisation_scope)))

    @staticmethod
    def manages(principal: Principal, person: User) -> bool:
        """absences:manage over ``person``: they are in the caller's department subtree."""
        if principal.is_admin:
            return True
        return (
            principal.can(Permission.ABSENCES_MANAGE)
            and person.department_id is not None
            and person.department_id in principal.department_ids
        )

    def heads(self, principal: Principal, person: User) -> bool:
        return principal.user_id is not None and principal.user_id in self.tree.heads_over(
            person.department_id
        )

    def team_of(self, person: User) -> frozenset[UUID] | None:
        """The departments of ``person``'s team; None for someone without a department."""
        if person.department_id is None:
            return None
        return self.tree.subtree(person.department_id)

    def check_substitute(self, principal: Principal, absentee: User, substitute: User) -> None:
        approver = principal.is_admin or self.heads(principal, absentee)
        if substitute.id == principal.user_id and substitute.id != absentee.id and not approver:
            raise PermissionDenied(
                "Only the absent person's head or an administrator names themself as substitute"
            )
        team = self.team_of(absentee)
        same_team = (
            substitute.department_id is None if team is None else substitute.department_id in team
        )
        if not same_team and not approver:
            raise InvalidInput(
                "substitute_id",
                "must be in the absent person's team, unless their head or an admin names them",
            )

    def may_read_comment(self, principal: Principal, person: User | None) -> bool:
        if person is None:
            return principal.is_admin
        return (
            person.id == principal.user_id
            or self.manages(principal, person)
            or self.heads(principal, person)
        )


async def _for_reader(
    uow: UnitOfWork, principal: Principal, found: Sequence[Absence]
) -> list[Absence]:
    """The absences as ``principal`` may read them: comments of others nulled unless the
    caller is their head or manages their absences."""
    if principal.is_admin or all(a.user_id == principal.user_id for a in found):
        return list(found)
    staff = await _Staff.load(uow, principal)
    people: dict[UUID, User | None] = {}
    shown: list[Absence] = []
    for absence in found:
        if absence.user_id not in people:
            people[absence.user_id] = await uow.users.get(
                principal.organisation_scope, absence.user_id
            )
        if absence.comment is None or staff.may_read_comment(principal, people[absence.user_id]):
            shown.append(absence)
        else:
            shown.append(replace(absence, comment=None))
    return shown


async def announce_begun_absences(uow: UnitOfWork, clock: Clock, *, limit: int = 500) -> int:
    """Worker sweep: absences recorded in advance start on their first day."""
    now = clock.now()
    async with uow:
        begun = await uow.absences.begun_unannounced(now, limit)
        for absence, today in begun:
            absence.announce_start(today=today, at=now, by=None)
            await uow.absences.update(absence, absence.version)
        await uow.commit()
        return len(begun)
