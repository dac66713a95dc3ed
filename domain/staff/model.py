"""Staff: organisations, users, roles, departments, work schedules and absences."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from domain.shared.errors import NOT_FOUND_CODE, Conflict, InvalidInput
from domain.shared.events import DomainEvent
from domain.shared.ids import new_id
from domain.shared.money import validate_currency
from domain.shared.patch import UNSET, Patch
from domain.shared.phone import normalise_phone
from domain.shared.scope import Visibility
from domain.shared.text import clean_text
from domain.staff.events import AbsenceStarted
from domain.staff.permissions import ADMIN_ROLE_CODE, Permission, Resource

LANGUAGES = ("ru", "uk", "en")
# Field limits, shared with the API schemas.
ORGANISATION_NAME_MAX = 200
ROLE_NAME_MAX = 100
DEPARTMENT_NAME_MAX = 200
USER_FULL_NAME_MAX = 200
ABSENCE_COMMENT_MAX = 1000
# IANA names are far shorter; the bound only keeps junk out before the lookup.
TIME_ZONE_MAX = 64
MAX_DEPARTMENT_DEPTH = 12


def validate_time_zone(name: str, field_name: str = "time_zone") -> str:
    if name not in _time_zones():
        raise InvalidInput(field_name, f"unknown time zone {name!r}")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(field_name, f"unknown time zone {name!r}") from exc
    return name


_TZ_CACHE: set[str] = set()


def _time_zones() -> set[str]:
    if not _TZ_CACHE:
        _TZ_CACHE.update(available_timezones())
    return _TZ_CACHE


def validate_language(code: str) -> str:
    if code not in LANGUAGES:
        raise InvalidInput("language", f"must be one of {', '.join(LANGUAGES)}")
    return code


class FulfilmentBasis(enum.StrEnum):
    PAID_INVOICES = "paid_invoices"
    WON_DEALS = "won_deals"


@dataclass(slots=True, kw_only=True)
class Organisation:
    id: UUID = field(default_factory=new_id)
    name: str
    currency: str = "RUB"
    time_zone: str = "Europe/Moscow"
    fulfilment_basis: FulfilmentBasis = FulfilmentBasis.PAID_INVOICES
    # Outgoing webhooks may reach private and loopback addresses (on-premises integrations).
    webhooks_allow_private_targets: bool = False
    created_at: datetime | None = None
    version: int = 1

    def today(self, now: datetime) -> date:
        """The organisation's calendar day at ``now`` (absences and schedules are in days of
        its time zone, not of UTC)."""
        return now.astimezone(ZoneInfo(self.time_zone)).date()

    def change(
        self,
        *,
        name: str | None = None,
        currency: str | None = None,
        time_zone: str | None = None,
        fulfilment_basis: FulfilmentBasis | None = None,
        webhooks_allow_private_targets: bool | None = None,
    ) -> None:
        if name is not None:
            self.name = clean_text(name, "name", max_length=ORGANISATION_NAME_MAX)
        if currency is not None:
            self.currency = validate_currency(currency)
        if time_zone is not None:
            self.time_zone = validate_time_zone(time_zone)
        if fulfilment_basis is not None:
            self.fulfilment_basis = fulfilment_basis
        if webhooks_allow_private_targets is not None:
            self.webhooks_allow_private_targets = webhooks_allow_private_targets


@dataclass(slots=True, kw_only=True)
class Role:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    name: str
    code: str | None = None  # set for built-in roles
    permissions: frozenset[Permission] = frozenset()
    visibility: dict[Resource, Visibility] = field(default_factory=dict)
    version: int = 1

    @classmethod
    def custom(
        cls,
        organisation_id: UUID,
        *,
        name: str,
        permissions: Iterable[Permission] = (),
        visibility: Mapping[Resource, Visibility] | None = None,
    ) -> Role:
        """A role an admin defines; unlike the built-in ones it has no code."""
        return cls(
            organisation_id=organisation_id,
            name=clean_text(name, "name", max_length=ROLE_NAME_MAX),
            permissions=frozenset(permissions),
            visibility=dict(visibility or {}),
        )

    @property
    def is_admin(self) -> bool:
        return self.code == ADMIN_ROLE_CODE

    @property
    def is_builtin(self) -> bool:
        return self.code is not None

    def visibility_of(self, resource: Resource) -> Visibility:
        if self.is_admin:
            return Visibility.ALL
        return self.visibility.get(resource, Visibility.OWN)

    def change(
        self,
        *,
        name: str | None = None,
        permissions: Iterable[Permission] | None = None,
        visibility: Mapping[Resource, Visibility] | None = None,
    ) -> None:
        if self.is_admin and (permissions is not None or visibility is not None):
            # The admin role always holds everything; otherwise an organisation could lock
            # itself out of its own settings.
            raise Conflict("The administrator role always has every permission")
        if name is not None:
            self.name = clean_text(name, "name", max_length=ROLE_NAME_MAX)
        if permissions is not None:
            self.permissions = frozenset(permissions)
        if visibility is not None:
            self.visibility = {**self.visibility, **visibility}


@dataclass(slots=True, kw_only=True)
class User:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    email: str
    full_name: str
    role_id: UUID
    department_id: UUID | None = None
    phone: str | None = None
    language: str = "ru"
    time_zone: str = "Europe/Moscow"
    password_hash: str | None = None
    is_active: bool = True
    created_at: datetime | None = None
    version: int = 1

    def update_profile(
        self,
        *,
        full_name: str | None = None,
        phone: str | None = None,
        language: str | None = None,
        time_zone: str | None = None,
    ) -> None:
        if full_name is not None:
            self.full_name = clean_text(full_name, "full_name", max_length=USER_FULL_NAME_MAX)
        if phone is not None:
            self.phone = normalise_phone(phone) if phone.strip() else None
        if language is not None:
            self.language = validate_language(language)
        if time_zone is not None:
            self.time_zone = validate_time_zone(time_zone)

    def assign(
        self, *, role_id: UUID | None = None, department_id: Patch[UUID | None] = UNSET
    ) -> None:
        """Place the user in a role and a department (None: outside every department)."""
        if role_id is not None:
            self.role_id = role_id
        if department_id is not UNSET:
            self.department_id = department_id

    def deactivate(self) -> None:
        """Deactivated users cannot sign in; their records stay, still owned by them."""
        self.is_active = False

    def activate(self) -> None:
        self.is_active = True

    def set_password_hash(self, password_hash: str) -> None:
        self.password_hash = password_hash


@dataclass(frozen=True, slots=True, kw_only=True)
class SignedInUser:
    """What every authenticated request needs of its caller, read at once: the user, their role
    (None when it is gone), their organisation, and their department with every department below
    it (empty without a department)."""

    user: User
    role: Role | None
    organisation: Organisation
    department_ids: frozenset[UUID]


@dataclass(slots=True, kw_only=True)
class Department:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    name: str
    parent_id: UUID | None = None
    head_id: UUID | None = None
    version: int = 1

    def __post_init__(self) -> None:
        self.name = clean_text(self.name, "name", max_length=DEPARTMENT_NAME_MAX)

    def change(
        self,
        *,
        name: str | None = None,
        parent_id: Patch[UUID | None] = UNSET,
        head_id: Patch[UUID | None] = UNSET,
    ) -> None:
        """The caller checks the new parent against the tree (``DepartmentTree.check_parent``)
        and that the head is an active colleague."""
        if name is not None:
            self.name = clean_text(name, "name", max_length=DEPARTMENT_NAME_MAX)
        if parent_id is not UNSET:
            if parent_id == self.id:
                raise InvalidInput("parent_id", "a department cannot be placed under itself")
            self.parent_id = parent_id
        if head_id is not UNSET:
            self.head_id = head_id


class DepartmentTree:
    """The organisation's departments as a tree: subtrees, ancestors and who manages whom."""

    def __init__(self, departments: Iterable[Department]) -> None:
        self._by_id = {d.id: d for d in departments}
        self._children: dict[UUID | None, list[UUID]] = {}
        for d in self._by_id.values():
            self._children.setdefault(d.parent_id, []).append(d.id)

    def get(self, department_id: UUID) -> Department | None:
        return self._by_id.get(department_id)

    def subtree(self, department_id: UUID) -> frozenset[UUID]:
        """The department and every department below it."""
        found: set[UUID] = set()
        stack = [department_id]
        while stack:
            current = stack.pop()
            if current in found:
                continue
            found.add(current)
            stack.extend(self._children.get(current, []))
        return frozenset(found)

    def ancestors(self, department_id: UUID) -> list[Department]:
        """Parents from the nearest up to the root."""
        chain: list[Department] = []
        seen: set[UUID] = set()
        current = self._by_id.get(department_id)
        while current is not None and current.parent_id is not None:
            if current.parent_id in seen:
                break
            seen.add(current.parent_id)
            parent = self._by_id.get(current.parent_id)
            if parent is None:
                break
            chain.append(parent)
            current = parent
        return chain

    def manager_of(self, user_id: UUID, department_id: UUID | None) -> UUID | None:
        """A user's manager: the head of their department, or, for the head themself, the
        nearest head above. None at the top of the tree."""
        if department_id is None or department_id not in self._by_id:
            return None
        department = self._by_id[department_id]
        if department.head_id is not None and department.head_id != user_id:
            return department.head_id
        for ancestor in self.ancestors(department_id):
            if ancestor.head_id is not None and ancestor.head_id != user_id:
                return ancestor.head_id
        return None

    def heads_over(self, department_id: UUID | None) -> frozenset[UUID]:
        """Everyone who heads the department or a department above it."""
        if department_id is None or department_id not in self._by_id:
            return frozenset()
        chain = [self._by_id[department_id], *self.ancestors(department_id)]
        return frozenset(d.head_id for d in chain if d.head_id is not None)

    def check_parent(self, department_id: UUID, new_parent_id: UUID | None) -> None:
        """A department cannot be placed under itself or its own descendant."""
        if new_parent_id is None:
            return
        if new_parent_id not in self._by_id:
            raise InvalidInput("parent_id", "no such department", code=NOT_FOUND_CODE)
        if new_parent_id in self.subtree(department_id):
            raise InvalidInput("parent_id", "a department cannot be placed under itself")
        if len(self.ancestors(new_parent_id)) + 2 > MAX_DEPARTMENT_DEPTH:
            raise InvalidInput("parent_id", f"departments nest at most {MAX_DEPARTMENT_DEPTH} deep")

    def children(self, department_id: UUID | None) -> list[UUID]:
        return list(self._children.get(department_id, []))


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class WorkingHours:
    starts: time
    ends: time

    def __post_init__(self) -> None:
        if self.ends <= self.starts:
            raise InvalidInput("hours", "a working day must end after it starts")


@dataclass(slots=True, kw_only=True)
class Schedule:
    """Weekday working hours in the user's time zone. A day without hours is a day off."""

    organisation_id: UUID
    user_id: UUID
    time_zone: str = "Europe/Moscow"
    days: dict[str, WorkingHours] = field(default_factory=dict)

    @classmethod
    def standard(cls, organisation_id: UUID, user_id: UUID, time_zone: str) -> Schedule:
        nine_to_six = WorkingHours(time(9, 0), time(18, 0))
        return cls(
            organisation_id=organisation_id,
            user_id=user_id,
            time_zone=time_zone,
            days=dict.fromkeys(WEEKDAYS[:5], nine_to_six),
        )

    def works_at(self, moment: datetime) -> bool:
        local = moment.astimezone(ZoneInfo(self.time_zone))
        hours = self.days.get(WEEKDAYS[local.weekday()])
        if hours is None:
            return False
        return hours.starts <= local.time().replace(tzinfo=None) < hours.ends

    @classmethod
    def of(
        cls,
        organisation_id: UUID,
        user_id: UUID,
        *,
        time_zone: str,
        days: Mapping[str, tuple[time, time]],
    ) -> Schedule:
        """A schedule from raw weekday hours, naming the failing field."""
        hours: dict[str, WorkingHours] = {}
        for day, (starts, ends) in days.items():
            if day not in WEEKDAYS:
                raise InvalidInput(("days", day), f"must be one of {', '.join(WEEKDAYS)}")
            if ends <= starts:
                raise InvalidInput(("days", day), "a working day must end after it starts")
            hours[day] = WorkingHours(starts, ends)
        return cls(
            organisation_id=organisation_id,
            user_id=user_id,
            time_zone=validate_time_zone(time_zone),
            days={day: hours[day] for day in WEEKDAYS if day in hours},
        )


class AbsenceKind(enum.StrEnum):
    VACATION = "vacation"
    SICK_LEAVE = "sick_leave"
    BUSINESS_TRIP = "business_trip"


@dataclass(slots=True, kw_only=True)
class Absence:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    user_id: UUID
    kind: AbsenceKind
    starts_on: date
    ends_on: date
    substitute_id: UUID | None = None
    comment: str | None = None
    created_by: UUID | None = None
    # When user.absence_started was raised: once per absence, on the day it begins (or when
    # it is recorded while already running).
    start_announced_at: datetime | None = None
    version: int = 1
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.check()

    def announce_start(self, *, today: date, at: datetime, by: UUID | None) -> bool:
        """If the absence runs on ``today`` (the organisation's day) and has not been
        announced, record that it started; returns whether it did."""
        if self.start_announced_at is not None or not self.covers(today):
            return False
        self.start_announced_at = at
        self.events.append(
            AbsenceStarted(
                organisation_id=self.organisation_id,
                occurred_at=at,
                actor_id=by,
                absence_id=self.id,
                user_id=self.user_id,
                substitute_id=self.substitute_id,
                kind=self.kind.value,
                starts_on=self.starts_on,
                ends_on=self.ends_on,
            )
        )
        return True

    def check(self) -> None:
        self.comment = clean_text(
            self.comment, "comment", max_length=ABSENCE_COMMENT_MAX, required=False, multiline=True
        )
        if self.ends_on < self.starts_on:
            raise InvalidInput("ends_on", "must not be before starts_on")
        if self.substitute_id is not None and self.substitute_id == self.user_id:
            raise InvalidInput("substitute_id", "an employee cannot substitute for themself")

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def overlaps(self, starts_on: date, ends_on: date) -> bool:
        return self.starts_on <= ends_on and starts_on <= self.ends_on

    def change(
        self,
        *,
        kind: AbsenceKind | None = None,
        starts_on: date | None = None,
        ends_on: date | None = None,
        substitute_id: Patch[UUID | None] = UNSET,
        comment: Patch[str | None] = UNSET,
    ) -> None:
        if kind is not None:
            self.kind = kind
        if starts_on is not None:
            self.starts_on = starts_on
        if ends_on is not None:
            self.ends_on = ends_on
        if substitute_id is not UNSET:
            self.substitute_id = substitute_id
        if comment is not UNSET:
            self.comment = comment
        self.check()


def is_on_duty(
    schedule: Schedule | None, absences: Iterable[Absence], moment: datetime, time_zone: str
) -> bool:
    """On duty: inside working hours (a standard week when no schedule is set) and not absent
    on that local day."""
    effective_tz = schedule.time_zone if schedule else time_zone
    local_day = moment.astimezone(ZoneInfo(effective_tz)).date()
    if any(a.covers(local_day) for a in absences):
        return False
    if schedule is None:
        local = moment.astimezone(ZoneInfo(effective_tz))
        return local.weekday() < 5 and time(9) <= local.time().replace(tzinfo=None) < time(18)
    return schedule.works_at(moment)
