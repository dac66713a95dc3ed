"""Distribution rules, a lead's assignment and response, response times, the workload view."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import Field

from api.schemas.base import Name, Schema
from domain.intake.distribution import (
    ESCALATE_MAX_MINUTES,
    MAX_TAG_ROUTES,
    PRIORITY_MAX,
    RULE_NAME_MAX,
    SOURCE_MAX,
    TAG_VALUE_MAX,
    ManagerLoad,
    Rule,
    TagRoute,
    WorkloadCard,
)
from domain.intake.leads import Assignment, Lead
from domain.intake.model import MAX_DISTRIBUTION_USERS, TAG_MAX, DistributionKind

RuleKind = Literal["round_robin", "least_loaded", "by_tag"]
People = Annotated[list[UUID], Field(max_length=MAX_DISTRIBUTION_USERS)]


class TagRouteBody(Schema):
    value: Annotated[Name, Field(min_length=1, max_length=TAG_VALUE_MAX)]
    user_ids: Annotated[list[UUID], Field(min_length=1, max_length=MAX_DISTRIBUTION_USERS)]

    def to_route(self) -> TagRoute:
        return TagRoute(self.value, tuple(self.user_ids))


_SCOPE_DOC = "A rule applies to one form, one lead source or one funnel; none of them: every lead"


class RuleCreate(Schema):
    name: Annotated[Name, Field(min_length=1, max_length=RULE_NAME_MAX)]
    kind: RuleKind = Field(
        description="round_robin: in turn; least_loaded: to whoever has the fewest open "
        "leads; by_tag: the lead's tag value picks the people, in turn among them"
    )
    form_id: UUID | None = Field(default=None, description=_SCOPE_DOC)
    source: Annotated[Name, Field(min_length=1, max_length=SOURCE_MAX)] | None = Field(
        default=None,
        description="The lead's source (utm_source, the referring site, or the form's name)",
    )
    funnel_id: UUID | None = None
    user_ids: People = Field(default_factory=list, description="The people, in turn order")
    tag: Annotated[Name, Field(min_length=1, max_length=TAG_MAX)] | None = Field(
        default=None, description="by_tag: the lead field (region, language, product)"
    )
    tag_routes: Annotated[list[TagRouteBody], Field(max_length=MAX_TAG_ROUTES)] = Field(
        default_factory=list
    )
    department_id: UUID | None = Field(
        default=None, description="Whose head takes the leads nobody on duty took"
    )
    escalate_after_minutes: Annotated[int, Field(ge=1, le=ESCALATE_MAX_MINUTES)] | None = 15
    to_responsible: bool = Field(
        default=True, description="A known client's lead goes to their manager (or substitute)"
    )
    priority: Annotated[int, Field(ge=0, le=PRIORITY_MAX)] = 100
    is_active: bool = True

    def values(self) -> dict[str, Any]:
        values = self.model_dump(exclude={"tag_routes"})
        values["tag_routes"] = [r.to_route() for r in self.tag_routes]
        return values


class RuleUpdate(Schema):
    name: Annotated[Name, Field(min_length=1, max_length=RULE_NAME_MAX)] | None = None
    kind: RuleKind | None = None
    form_id: UUID | None = None
    source: Annotated[Name, Field(min_length=1, max_length=SOURCE_MAX)] | None = None
    funnel_id: UUID | None = None
    user_ids: People | None = None
    tag: Annotated[Name, Field(min_length=1, max_length=TAG_MAX)] | None = None
    tag_routes: Annotated[list[TagRouteBody], Field(max_length=MAX_TAG_ROUTES)] | None = None
    department_id: UUID | None = None
    escalate_after_minutes: Annotated[int, Field(ge=1, le=ESCALATE_MAX_MINUTES)] | None = None
    to_responsible: bool | None = None
    priority: Annotated[int, Field(ge=0, le=PRIORITY_MAX)] | None = None
    is_active: bool | None = None

    def values(self) -> dict[str, Any]:
        """Only the fields sent; null clears the nullable ones (form, source, funnel, tag,
        department, escalation)."""
        values = self.model_dump(exclude_unset=True, exclude={"tag_routes"})
        for required in ("name", "kind", "user_ids", "to_responsible", "priority", "is_active"):
            if values.get(required, "") is None:
                del values[required]
        if self.tag_routes is not None:
            values["tag_routes"] = [r.to_route() for r in self.tag_routes]
        return values


class RuleRead(Schema):
    id: UUID
    name: str
    kind: DistributionKind
    form_id: UUID | None
    source: str | None
    funnel_id: UUID | None
    user_ids: list[UUID]
    tag: str | None
    tag_routes: list[TagRouteBody]
    department_id: UUID | None
    escalate_after_minutes: int | None
    to_responsible: bool
    priority: int
    is_active: bool
    created_at: datetime | None
    version: int

    @classmethod
    def of(cls, rule: Rule) -> RuleRead:
        return cls(
            id=rule.id,
            name=rule.name,
            kind=rule.kind,
            form_id=rule.form_id,
            source=rule.source,
            funnel_id=rule.funnel_id,
            user_ids=list(rule.user_ids),
            tag=rule.tag,
            tag_routes=[
                TagRouteBody(value=r.value, user_ids=list(r.user_ids)) for r in rule.tag_routes
            ],
            department_id=rule.department_id,
            escalate_after_minutes=rule.escalate_after_minutes,
            to_responsible=rule.to_responsible,
            priority=rule.priority,
            is_active=rule.is_active,
            created_at=rule.created_at,
            version=rule.version,
        )


class RulePage(Schema):
    items: list[RuleRead]
    next_cursor: str | None


class LeadAssignmentRead(Schema):
    """Where a lead went and how fast its assignee answered."""

    id: UUID
    inbox_item_id: UUID
    status: str
    received_at: datetime
    client_id: UUID | None
    deal_id: UUID | None
    assignee_id: UUID | None = Field(description="None: nobody on duty could take it yet")
    assigned_at: datetime | None
    assignment: Assignment | None
    rule_id: UUID | None
    escalate_at: datetime | None
    escalated_at: datetime | None
    first_response_at: datetime | None
    response_seconds: int | None = Field(description="From assignment to the first response")

    @classmethod
    def of(cls, lead: Lead) -> LeadAssignmentRead:
        return cls(
            id=lead.id,
            inbox_item_id=lead.inbox_item_id,
            status=lead.status.value,
            received_at=lead.received_at,
            client_id=lead.client_id,
            deal_id=lead.deal_id,
            assignee_id=lead.assignee_id,
            assigned_at=lead.assigned_at,
            assignment=lead.assignment,
            rule_id=lead.rule_id,
            escalate_at=lead.escalate_at,
            escalated_at=lead.escalated_at,
            first_response_at=lead.first_response_at,
            response_seconds=lead.response_seconds,
        )


class WorkloadCardRead(Schema):
    deal_id: UUID
    title: str
    client_name: str | None
    stage_name: str | None
    amount: Decimal | None
    currency: str
    version: int = Field(description="For If-Match when the deal is given to someone else")
    from_lead: bool = Field(description="The deal has an open lead")

    @classmethod
    def of(cls, card: WorkloadCard) -> WorkloadCardRead:
        return cls(
            deal_id=card.deal_id,
            title=card.title,
            client_name=card.client_name,
            stage_name=card.stage_name,
            amount=card.amount,
            currency=card.currency,
            version=card.version,
            from_lead=card.from_lead,
        )


class ManagerLoadRead(Schema):
    user_id: UUID
    full_name: str
    on_duty: bool
    open_leads: int
    open_deals: int
    overdue_tasks: int
    calls_today: int
    deals: list[WorkloadCardRead] = Field(description="Their most recently changed open deals")

    @classmethod
    def of(cls, row: ManagerLoad) -> ManagerLoadRead:
        return cls(
            user_id=row.user_id,
            full_name=row.full_name,
            on_duty=row.on_duty,
            open_leads=row.open_leads,
            open_deals=row.open_deals,
            overdue_tasks=row.overdue_tasks,
            calls_today=row.calls_today,
            deals=[WorkloadCardRead.of(c) for c in row.cards],
        )


class WorkloadRead(Schema):
    managers: list[ManagerLoadRead]
