"""Who gets a lead: distribution rules, staff on duty, and the choice itself.

A rule applies to a form, a lead source or a funnel (or to every lead) and shares leads among
its people: round-robin, to the least loaded (fewest open leads), or by a tag of the lead
(region, language, product: the value picks the people, round-robin among them). Only people
on duty take leads: active, inside their working hours (a standard week without a schedule)
and not absent. The most specific active rule applies (form, then source, then funnel, then a
rule for every lead), then the lowest priority number.

A known client's lead goes to their responsible manager, or to the substitute while the
manager is away. A lead nobody on duty can take stays unassigned and escalates to a head after
the rule's minutes (the department named by the rule, else the head over the rule's people,
else an administrator); meanwhile its deal is held by that head.

``Distributor`` is the one entry point: ``choose`` for a new lead, ``on_duty`` and
``stand_in_for`` for anyone else who must pick a person now (a missed call's callback task).
Round-robin positions live in PostgreSQL (an atomic counter whose row lock also serialises the
choices under one rule), so several workers share leads fairly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.intake.leads import Assignment, Lead
from domain.intake.model import (
    MAX_DISTRIBUTION_USERS,
    TAG_MAX,
    DistributionKind,
    DistributionRule,
    InboxItem,
    field_key,
)
from domain.shared.errors import InvalidInput
from domain.shared.ids import new_id
from domain.shared.scope import Scope
from domain.shared.text import clean_text
from domain.staff.model import Absence, DepartmentTree, Schedule, is_on_duty
from domain.staff.ports import DepartmentRepository

RULE_NAME_MAX = 200
SOURCE_MAX = 100
TAG_VALUE_MAX = 100
MAX_TAG_ROUTES = 50
PRIORITY_MAX = 10_000
ESCALATE_MAX_MINUTES = 7 * 24 * 60
DEFAULT_ESCALATE_MINUTES = 15
RULE_KINDS = (DistributionKind.ROUND_ROBIN, DistributionKind.LEAST_LOADED, DistributionKind.BY_TAG)


@dataclass(frozen=True, slots=True)
class TagRoute:
    """By tag: leads whose tag has ``value`` (compared without case) go to these people."""

    value: str
    user_ids: tuple[UUID, ...]


def _people(user_ids: Iterable[UUID], loc: tuple[str | int, ...]) -> tuple[UUID, ...]:
    listed = tuple(user_ids)
    if len(listed) > MAX_DISTRIBUTION_USERS:
        raise InvalidInput(loc, f"at most {MAX_DISTRIBUTION_USERS} people")
    if len(set(listed)) != len(listed):
        raise InvalidInput(loc, "must not repeat a person")
    return listed


@dataclass(slots=True, kw_only=True)
class Rule:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    name: str
    kind: DistributionKind
    form_id: UUID | None = None
    source: str | None = None
    funnel_id: UUID | None = None
    user_ids: tuple[UUID, ...] = ()
    tag: str | None = None
    tag_routes: tuple[TagRoute, ...] = ()
    department_id: UUID | None = None
    escalate_after_minutes: int | None = DEFAULT_ESCALATE_MINUTES
    to_responsible: bool = True
    priority: int = 100
    is_active: bool = True
    created_at: datetime | None = None
    version: int = 1

    @classmethod
    def create(cls, organisation_id: UUID, *, created_at: datetime, **values: Any) -> Rule:
        rule = cls(
            organisation_id=organisation_id,
            name=clean_text(values.pop("name", ""), "name", max_length=RULE_NAME_MAX),
            kind=DistributionKind(values.pop("kind")),
            created_at=created_at,
        )
        rule.change(**values)
        return rule

    def change(self, **values: Any) -> None:
        """Only the given fields change; the rule is checked as a whole afterwards."""
        if "name" in values:
            self.name = clean_text(values["name"], "name", max_length=RULE_NAME_MAX)
        if "kind" in values:
            self.kind = DistributionKind(values["kind"])
        for key in ("form_id", "funnel_id", "department_id"):
            if key in values:
                setattr(self, key, values[key])
        if "source" in values:
            self.source = clean_text(
                values["source"], "source", max_length=SOURCE_MAX, required=False
            )
        if "user_ids" in values:
            self.user_ids = _people(values["user_ids"] or (), ("user_ids",))
        if "tag" in values:
            self.tag = clean_text(values["tag"], "tag", max_length=TAG_MAX, required=False)
        if "tag_routes" in values:
            self.tag_routes = _routes(values["tag_routes"] or ())
        if "escalate_after_minutes" in values:
            minutes = values["escalate_after_minutes"]
            if minutes is not None and not 1 <= minutes <= ESCALATE_MAX_MINUTES:
                raise InvalidInput(
                    "escalate_after_minutes", f"must be from 1 to {ESCALATE_MAX_MINUTES}"
                )
            self.escalate_after_minutes = minutes
        if "to_responsible" in values:
            self.to_responsible = bool(values["to_responsible"])
        if "priority" in values:
            if not 0 <= values["priority"] <= PRIORITY_MAX:
                raise InvalidInput("priority", f"must be from 0 to {PRIORITY_MAX}")
            self.priority = values["priority"]
        if "is_active" in values:
            self.is_active = bool(values["is_active"])
        self._check()

    def _check(self) -> None:
        if self.kind not in RULE_KINDS:
            raise InvalidInput("kind", "must be round_robin, least_loaded or by_tag")
        if self.kind is DistributionKind.BY_TAG:
            if not self.tag:
                raise InvalidInput("tag", "is required for distribution by tag")
            if not self.tag_routes and not self.user_ids:
                raise InvalidInput("tag_routes", "name at least one value and its people")
        elif not self.user_ids:
            raise InvalidInput("user_ids", "name at least one person to share leads among")
        if sum(x is not None for x in (self.form_id, self.source, self.funnel_id)) > 1:
            raise InvalidInput("form_id", "a rule applies to one form, one source or one funnel")

    def everyone(self) -> set[UUID]:
        return set(self.user_ids).union(*(r.user_ids for r in self.tag_routes))

    def applies_to(
        self, *, form_id: UUID | None, source: str | None, funnel_id: UUID | None
    ) -> bool:
        if self.form_id is not None:
            return self.form_id == form_id
        if self.source is not None:
            return source is not None and self.source.casefold() == source.casefold()
        if self.funnel_id is not None:
            return self.funnel_id == funnel_id
        return True

    @property
    def specificity(self) -> int:
        return 3 if self.form_id else 2 if self.source else 1 if self.funnel_id else 0

    def pool_for(self, lead: Mapping[str, Any]) -> tuple[tuple[UUID, ...], Assignment]:
        """The people this lead is shared among, and how."""
        if self.kind is DistributionKind.BY_TAG:
            value = tag_value(lead, self.tag or "")
            if value is not None:
                for route in self.tag_routes:
                    if route.value.casefold() == value.casefold():
                        return route.user_ids, Assignment.BY_TAG
            return self.user_ids, Assignment.BY_TAG
        if self.kind is DistributionKind.LEAST_LOADED:
            return self.user_ids, Assignment.LEAST_LOADED
        return self.user_ids, Assignment.ROUND_ROBIN


def _routes(routes: Iterable[TagRoute | Mapping[str, Any]]) -> tuple[TagRoute, ...]:
    cleaned: list[TagRoute] = []
    seen: set[str] = set()
    for i, route in enumerate(routes):
        raw = route if isinstance(route, TagRoute) else TagRoute(**route)
        value = clean_text(raw.value, ("tag_routes", i, "value"), max_length=TAG_VALUE_MAX) or ""
        if value.casefold() in seen:
            raise InvalidInput(("tag_routes", i, "value"), "must not repeat a value")
        seen.add(value.casefold())
        people = _people(raw.user_ids, ("tag_routes", i, "user_ids"))
        if not people:
            raise InvalidInput(("tag_routes", i, "user_ids"), "name at least one person")
        cleaned.append(TagRoute(value, people))
    if len(cleaned) > MAX_TAG_ROUTES:
        raise InvalidInput("tag_routes", f"at most {MAX_TAG_ROUTES} values")
    return tuple(cleaned)


def tag_value(lead: Mapping[str, Any], tag: str) -> str | None:
    """The lead's value for ``tag``: one of its own fields (product...), else a form field of
    that name (region, language; compared like field names), else a UTM tag."""
    key = field_key(tag)
    own = lead.get(tag) or lead.get(key)
    if isinstance(own, str) and own.strip():
        return own.strip()
    for source in (lead.get("fields"), lead.get("utm")):
        if isinstance(source, Mapping):
            for name, value in source.items():
                if field_key(str(name)) == key and isinstance(value, str) and value.strip():
                    return value.strip()
    return None


@dataclass(frozen=True, slots=True)
class Member:
    """What choosing needs of a person."""

    id: UUID
    is_active: bool
    time_zone: str
    department_id: UUID | None


@dataclass(frozen=True, slots=True)
class Choice:
    """Who gets the lead (None: nobody on duty), why, by which rule; ``holder_id`` keeps its
    deal meanwhile and ``escalate_at`` is when a head takes it."""

    user_id: UUID | None
    assignment: Assignment | None
    rule_id: UUID | None = None
    holder_id: UUID | None = None
    escalate_at: datetime | None = None

    @property
    def owner_id(self) -> UUID | None:
        return self.user_id or self.holder_id


@dataclass(frozen=True, slots=True)
class WorkloadCard:
    """An open deal on a manager's column of the workload view."""

    deal_id: UUID
    title: str
    client_name: str | None
    stage_name: str | None
    amount: Decimal | None
    currency: str
    version: int
    from_lead: bool


@dataclass(frozen=True, slots=True)
class ManagerLoad:
    user_id: UUID
    full_name: str
    open_leads: int
    open_deals: int
    overdue_tasks: int
    calls_today: int
    cards: tuple[WorkloadCard, ...]
    on_duty: bool = False


class DistributionRepository(Protocol):
    """Rules, round-robin counters, leads and the facts choosing needs (in a unit of work)."""

    async def add_rule(self, rule: Rule) -> None: ...
    async def get_rule(self, scope: Scope, rule_id: UUID) -> Rule | None: ...
    async def list_rules(
        self, scope: Scope, *, limit: int, after: tuple[datetime, UUID] | None = None
    ) -> Sequence[Rule]:
        """Newest first, after the keyset cursor (created_at, id)."""
        ...

    async def active_rules(self, organisation_id: UUID) -> Sequence[Rule]: ...
    async def update_rule(self, rule: Rule, expected_version: int) -> None: ...
    async def delete_rule(self, scope: Scope, rule_id: UUID) -> None: ...

    async def advance(self, organisation_id: UUID, key: UUID) -> int:
        """The counter ``key`` moved on by one (1 the first time); its row stays locked until
        the transaction ends, so choices under one rule are made one at a time."""
        ...

    async def take_turn(self, organisation_id: UUID, key: UUID) -> int:
        """The counter ``key`` moved on by one in a transaction of its own, committed at once:
        leads taken in at the same time each get the next turn without waiting for the others
        to finish (a lead whose processing fails and is retried takes a new turn)."""
        ...

    async def members(self, organisation_id: UUID, user_ids: Sequence[UUID]) -> list[Member]:
        """The active ones of these people, in no particular order."""
        ...

    async def duty_facts(
        self, organisation_id: UUID, user_ids: Sequence[UUID], around: datetime
    ) -> tuple[dict[UUID, Schedule], list[Absence]]:
        """These people's schedules and their absences within a day of ``around``."""
        ...

    async def open_lead_counts(
        self, organisation_id: UUID, user_ids: Sequence[UUID]
    ) -> dict[UUID, int]: ...

    async def first_active_admin(self, organisation_id: UUID) -> UUID | None: ...

    async def add_lead(self, lead: Lead) -> None:
        """Once per inbox item: a second one for the same item is ignored."""
        ...

    async def get_lead(self, scope: Scope, lead_id: UUID) -> Lead | None:
        """Within the scope's visibility of the lead's assignee (unassigned ones: everyone
        who sees the organisation's leads)."""
        ...

    async def save_lead(self, lead: Lead) -> None: ...
    async def claim_escalations(self, now: datetime, limit: int) -> Sequence[Lead]:
        """Unscoped, for the worker: open, unassigned, not escalated leads due by ``now``,
        locked (SKIP LOCKED) for this transaction."""
        ...

    async def record_first_response(
        self,
        organisation_id: UUID,
        deal_id: UUID | None,
        user_id: UUID,
        at: datetime,
        *,
        client_id: UUID | None = None,
    ) -> None:
        """Stamps the leads of ``deal_id`` (or of ``client_id``) assigned to ``user_id`` before
        ``at`` that have no first response yet."""
        ...

    async def follow_deal_responsible(
        self, organisation_id: UUID, deal_id: UUID, at: datetime
    ) -> None:
        """The open leads of a deal given to someone else go with it (a manual assignment)."""
        ...

    async def workload(
        self,
        scope: Scope,
        *,
        now: datetime,
        day: tuple[datetime, datetime],
        cards: int,
        limit: int,
    ) -> list[ManagerLoad]:
        """The active people whose deals the scope sees (at most ``limit``, by name): their
        open leads and deals, overdue tasks, calls in ``day``, and the ``cards`` open deals of
        each most recently changed (a deal just given to someone is on top of their column)."""
        ...


class Distributor:
    """Who gets a lead (or a callback) now. Call inside the unit of work of the change."""

    def __init__(self, repo: DistributionRepository, departments: DepartmentRepository) -> None:
        self._repo = repo
        self._departments = departments

    async def on_duty(
        self, organisation_id: UUID, user_ids: Sequence[UUID], at: datetime
    ) -> list[UUID]:
        """The people of ``user_ids`` who are active, inside working hours and not absent at
        ``at``, in the given order."""
        if not user_ids:
            return []
        members = {m.id: m for m in await self._repo.members(organisation_id, user_ids)}
        schedules, absences = await self._repo.duty_facts(organisation_id, list(members), at)
        away: dict[UUID, list[Absence]] = {}
        for absence in absences:
            away.setdefault(absence.user_id, []).append(absence)
        return [
            user_id
            for user_id in user_ids
            if user_id in members
            and is_on_duty(
                schedules.get(user_id), away.get(user_id, ()), at, members[user_id].time_zone
            )
        ]

    async def stand_in_for(
        self, organisation_id: UUID, user_id: UUID, at: datetime
    ) -> tuple[UUID, Assignment] | None:
        """Who takes a known client's request for their manager ``user_id``: the manager,
        or their substitute while the manager is away; None when the manager left or is away
        with nobody standing in."""
        members = {m.id: m for m in await self._repo.members(organisation_id, [user_id])}
        if user_id not in members:
            return None
        _, absences = await self._repo.duty_facts(organisation_id, [user_id], at)
        day = _local_day(at, members[user_id].time_zone)
        current = [a for a in absences if a.user_id == user_id and a.covers(day)]
        if not current:
            return user_id, Assignment.RESPONSIBLE
        for absence in current:
            substitute = absence.substitute_id
            if substitute and await self._repo.members(organisation_id, [substitute]):
                return substitute, Assignment.SUBSTITUTE
        return None

    async def choose(
        self,
        organisation_id: UUID,
        at: datetime,
        *,
        lead: Mapping[str, Any],
        form_id: UUID | None = None,
        source: str | None = None,
        funnel_id: UUID | None = None,
        responsible_id: UUID | None = None,
        form_rule: DistributionRule | None = None,
    ) -> Choice:
        """The person for a new lead. ``responsible_id``: the known client's manager;
        ``form_rule``: the form's own list, used when no distribution rule applies."""
        rule = await self.rule_for(
            organisation_id, form_id=form_id, source=source, funnel_id=funnel_id
        )
        if responsible_id is not None and (rule is None or rule.to_responsible):
            standing = await self.stand_in_for(organisation_id, responsible_id, at)
            if standing is not None:
                return Choice(standing[0], standing[1], rule.id if rule else None)
        if rule is not None:
            pool, how = rule.pool_for(lead)
            picked = await self._pick(organisation_id, rule.kind, rule.id, pool, at)
            if picked is not None:
                return Choice(picked, how, rule.id)
            head = await self.head_for(organisation_id, rule)
            minutes = rule.escalate_after_minutes
            return Choice(
                None,
                None,
                rule.id,
                holder_id=head,
                escalate_at=at + timedelta(minutes=minutes) if minutes else None,
            )
        return await self._by_form(organisation_id, at, form_id, form_rule)

    async def rule_for(
        self,
        organisation_id: UUID,
        *,
        form_id: UUID | None,
        source: str | None,
        funnel_id: UUID | None,
    ) -> Rule | None:
        rules = [
            r
            for r in await self._repo.active_rules(organisation_id)
            if r.applies_to(form_id=form_id, source=source, funnel_id=funnel_id)
        ]
        rules.sort(key=lambda r: (-r.specificity, r.priority))
        return rules[0] if rules else None

    async def head_for(self, organisation_id: UUID, rule: Rule | None) -> UUID | None:
        """Who takes what nobody on duty took: the head of the rule's department, else the
        head over its first person, else the first active administrator."""
        tree = DepartmentTree(
            await self._departments.list(Scope.organisation_wide(organisation_id))
        )
        if rule is not None and rule.department_id is not None:
            department = tree.get(rule.department_id)
            head_id = department.head_id if department is not None else None
            if head_id is not None and await self._repo.members(organisation_id, [head_id]):
                return head_id
        if rule is not None:
            for member in await self._repo.members(organisation_id, list(rule.everyone())):
                head = tree.manager_of(member.id, member.department_id)
                if head is not None and await self._repo.members(organisation_id, [head]):
                    return head
        return await self._repo.first_active_admin(organisation_id)

    async def _by_form(
        self,
        organisation_id: UUID,
        at: datetime,
        form_id: UUID | None,
        form_rule: DistributionRule | None,
    ) -> Choice:
        named = form_rule.user_ids if form_rule else ()
        if form_rule is not None and form_id is not None and named:
            kind = form_rule.kind
            if kind is not DistributionKind.MANUAL:
                picked = await self._pick(organisation_id, kind, form_id, named, at)
                if picked is not None:
                    how = Assignment(kind.value)
                    return Choice(picked, how)
            # Off hours the form's first active person still takes it: the form names them.
            active = {m.id for m in await self._repo.members(organisation_id, named)}
            for user_id in named:
                if user_id in active:
                    return Choice(user_id, Assignment.FALLBACK)
        admin = await self._repo.first_active_admin(organisation_id)
        return Choice(admin, Assignment.FALLBACK if admin else None)

    async def _pick(
        self,
        organisation_id: UUID,
        kind: DistributionKind,
        counter: UUID,
        pool: Sequence[UUID],
        at: datetime,
    ) -> UUID | None:
        eligible = await self.on_duty(organisation_id, pool, at)
        if not eligible:
            return None
        # Round robin needs only the next turn; least loaded reads the others' open leads, so
        # its choices under one rule are made one at a time (the counter's row lock).
        if kind is DistributionKind.LEAST_LOADED:
            turn = await self._repo.advance(organisation_id, counter)
        else:
            turn = await self._repo.take_turn(organisation_id, counter)
        start = (turn - 1) % len(eligible)
        rotated = eligible[start:] + eligible[:start]
        if kind is DistributionKind.LEAST_LOADED:
            counts = await self._repo.open_lead_counts(organisation_id, eligible)
            return min(rotated, key=lambda u: counts.get(u, 0))
        return rotated[0]


def _local_day(at: datetime, time_zone: str) -> date:
    return at.astimezone(ZoneInfo(time_zone)).date()


async def record_lead(
    repo: DistributionRepository,
    at: datetime,
    item: InboxItem,
    lead: Mapping[str, Any],
    found: Mapping[str, Any],
    choice: Choice,
    *,
    kind: str | None = None,
) -> Lead:
    """The lead's row: what came in, where it went, and who has it (once per inbox item);
    ``kind``: the lead's kind when it is not the item's source (a call list's lead)."""
    row = Lead(
        organisation_id=item.organisation_id,
        inbox_item_id=item.id,
        kind=kind or item.source.value,
        channel_id=item.channel_id,
        source=_cut(lead.get("source"), SOURCE_MAX),
        campaign=_cut(lead.get("campaign"), 200),
        person_name=_cut(lead.get("name"), 200),
        phone=_cut(lead.get("phone") or lead.get("phone_raw"), 32),
        email=_cut(lead.get("email") or lead.get("email_raw"), 320),
        client_id=UUID(found["client_id"]) if found.get("client_id") else None,
        deal_id=UUID(found["deal_id"]) if found.get("deal_id") else None,
        received_at=item.received_at,
        rule_id=choice.rule_id,
        escalate_at=choice.escalate_at,
    )
    if choice.user_id is not None and choice.assignment is not None:
        row.assign(choice.user_id, at, choice.assignment, choice.rule_id)
    await repo.add_lead(row)
    return row


def _cut(value: Any, limit: int) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text[:limit] or None
