"""Working-hours use cases: a user's schedule and who is on duty at a moment."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from domain.auth.principal import Principal
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import InvalidInput, PermissionDenied
from domain.shared.scope import Scope
from domain.staff.model import Absence, Schedule, User, is_on_duty
from domain.staff.permissions import Permission
from domain.staff.services.colleagues import get_user
from domain.staff.views import ScheduleView, UserView, load_user_views


class ScheduleService:
    """Working hours per user, and who is on duty at a moment."""

    _PAGE = 1000

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def get(self, principal: Principal, user_id: UUID) -> ScheduleView:
        if user_id != principal.user_id:
            principal.require(Permission.USERS_READ)
        async with self._uow as uow:
            user = await get_user(uow, principal, user_id)
            stored = await uow.schedules.get(principal.organisation_scope, user_id)
        if stored is not None:
            return ScheduleView(schedule=stored, is_default=False)
        standard = Schedule.standard(user.organisation_id, user.id, user.time_zone)
        return ScheduleView(schedule=standard, is_default=True)

    async def put(
        self,
        principal: Principal,
        user_id: UUID,
        *,
        time_zone: str,
        days: Mapping[str, tuple[time, time]],
    ) -> ScheduleView:
        if user_id != principal.user_id:
            principal.require(Permission.SCHEDULES_MANAGE)
        async with self._uow as uow:
            user = await get_user(uow, principal, user_id)
            # As absences:manage: a manager sets the hours of their department subtree only.
            if (
                user_id != principal.user_id
                and not principal.is_admin
                and user.department_id not in principal.department_ids
            ):
                raise PermissionDenied(
                    "schedules:manage reaches only the people of your department subtree"
                )
            schedule = Schedule.of(user.organisation_id, user.id, time_zone=time_zone, days=days)
            await uow.schedules.save(schedule)
            await uow.commit()
        return ScheduleView(schedule=schedule, is_default=False)

    async def on_duty(self, principal: Principal, at: datetime | None = None) -> list[UserView]:
        """Active users inside their working hours at ``at`` (now by default) and not absent
        on that day in their own time zone."""
        principal.require(Permission.USERS_READ)
        moment = at or self._clock.now()
        if moment.tzinfo is None:
            raise InvalidInput(("query", "at"), "must include a time zone offset")
        scope = principal.organisation_scope
        async with self._uow as uow:
            users = await self._active_users(uow, scope)
            schedules = {s.user_id: s for s in await uow.schedules.list(scope)}
            # Local dates differ from UTC by at most a day either way.
            day = moment.astimezone(UTC).date()
            absences: dict[UUID, list[Absence]] = {}
            for absence in await self._absences(uow, scope, day - _DAY, day + _DAY):
                absences.setdefault(absence.user_id, []).append(absence)
            on_duty = [
                u
                for u in users
                if is_on_duty(schedules.get(u.id), absences.get(u.id, ()), moment, u.time_zone)
            ]
            return await load_user_views(uow, scope, on_duty)

    async def _active_users(self, uow: UnitOfWork, scope: Scope) -> list[User]:
        found: list[User] = []
        after: tuple[str, UUID] | None = None
        while True:
            page = await uow.users.list(scope, limit=self._PAGE, after=after, is_active=True)
            found.extend(page)
            if len(page) < self._PAGE:
                return found
            after = (page[-1].full_name, page[-1].id)

    async def _absences(
        self, uow: UnitOfWork, scope: Scope, starts_on: date, ends_on: date
    ) -> list[Absence]:
        found: list[Absence] = []
        after: tuple[date, UUID] | None = None
        while True:
            page = await uow.absences.list(
                scope, overlapping=(starts_on, ends_on), limit=self._PAGE, after=after
            )
            found.extend(page)
            if len(page) < self._PAGE:
                return found
            after = (page[-1].starts_on, page[-1].id)


_DAY = timedelta(days=1)
