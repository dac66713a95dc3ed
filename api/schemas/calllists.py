from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import Field

from api.schemas.base import AwareMoment, Name, Schema, Text, given, given_not_null
from domain.calllists.model import (
    ATTEMPTS_MAX,
    ATTEMPTS_MIN,
    DESCRIPTION_MAX,
    INTERVAL_MAX,
    INTERVAL_MIN,
    ITEM_NAME_MAX,
    MAX_ASSIGNEES,
    MAX_ITEMS,
    NAME_MAX,
    AgentProgress,
    CallItem,
    CallListStatus,
    ItemCard,
    Outcome,
    Progress,
)
from domain.calllists.services import CallListChanges, CallListView, ClientSource, NewCallList
from domain.platform.saved_filters import QUERY_MAX

StatusName = Literal["draft", "active", "paused", "done"]
OutcomeName = Literal["no_answer", "call_back", "wrong_number", "not_interested", "interested"]


class CallListCreate(Schema):
    name: Name = Field(min_length=1, max_length=NAME_MAX)
    description: Text | None = Field(default=None, max_length=DESCRIPTION_MAX)
    assignee_ids: list[UUID] = Field(default_factory=list, max_length=MAX_ASSIGNEES)
    funnel_id: UUID | None = Field(default=None, description="Where qualified leads' deals open")
    script_id: UUID | None = Field(default=None, description="The call script to follow")
    max_attempts: int = Field(default=3, ge=ATTEMPTS_MIN, le=ATTEMPTS_MAX)
    retry_interval_minutes: int = Field(
        default=120,
        ge=INTERVAL_MIN,
        le=INTERVAL_MAX,
        description="Minutes before a no-answer is called again",
    )

    def to_command(self) -> NewCallList:
        return NewCallList(
            name=self.name,
            description=self.description,
            assignee_ids=tuple(self.assignee_ids),
            funnel_id=self.funnel_id,
            script_id=self.script_id,
            max_attempts=self.max_attempts,
            retry_interval_minutes=self.retry_interval_minutes,
        )


class CallListUpdate(Schema):
    name: Name | None = Field(default=None, min_length=1, max_length=NAME_MAX)
    description: Text | None = Field(default=None, max_length=DESCRIPTION_MAX)
    assignee_ids: list[UUID] | None = Field(default=None, max_length=MAX_ASSIGNEES)
    funnel_id: UUID | None = None
    script_id: UUID | None = None
    max_attempts: int | None = Field(default=None, ge=ATTEMPTS_MIN, le=ATTEMPTS_MAX)
    retry_interval_minutes: int | None = Field(default=None, ge=INTERVAL_MIN, le=INTERVAL_MAX)
    status: StatusName | None = Field(
        default=None,
        description="draft -> active or done; active <-> paused; active or paused -> done; "
        "done -> active (reopened)",
    )

    def to_command(self) -> CallListChanges:
        assignees = given_not_null(self, "assignee_ids", self.assignee_ids)
        status = given_not_null(self, "status", self.status)
        return CallListChanges(
            name=given_not_null(self, "name", self.name),
            description=given(self, "description", self.description),
            assignee_ids=tuple(assignees) if isinstance(assignees, list) else assignees,
            funnel_id=given(self, "funnel_id", self.funnel_id),
            script_id=given(self, "script_id", self.script_id),
            max_attempts=given_not_null(self, "max_attempts", self.max_attempts),
            retry_interval_minutes=given_not_null(
                self, "retry_interval_minutes", self.retry_interval_minutes
            ),
            status=CallListStatus(status) if isinstance(status, str) else status,
        )


class ProgressRead(Schema):
    total: int
    done: int
    due: int = Field(description="Open numbers due now that nobody holds")
    waiting: int = Field(description="Open numbers due later (retries, call-backs)")
    in_progress: int = Field(description="Numbers a telemarketer holds now")
    calls: int
    by_outcome: dict[str, int]
    qualified: int = Field(description="Interested numbers: leads handed to sales")

    @classmethod
    def of(cls, p: Progress) -> ProgressRead:
        return cls(
            total=p.total,
            done=p.done,
            due=p.due,
            waiting=p.waiting,
            in_progress=p.in_progress,
            calls=p.calls,
            by_outcome=dict(p.by_outcome),
            qualified=p.qualified,
        )


class CallListRead(Schema):
    id: UUID
    name: str
    description: str | None
    status: StatusName
    assignee_ids: list[UUID]
    funnel_id: UUID | None
    script_id: UUID | None
    max_attempts: int
    retry_interval_minutes: int
    build: dict[str, Any] | None = Field(
        description="The last build: added, duplicates, invalid (with the first bad rows), "
        "truncated; job_id while an upload is being added"
    )
    progress: ProgressRead
    created_by: UUID | None
    created_at: datetime | None
    updated_at: datetime | None
    version: int

    @classmethod
    def of(cls, view: CallListView) -> CallListRead:
        c = view.call_list
        return cls(
            id=c.id,
            name=c.name,
            description=c.description,
            status=c.status.value,
            assignee_ids=list(c.assignee_ids),
            funnel_id=c.funnel_id,
            script_id=c.script_id,
            max_attempts=c.retry.max_attempts,
            retry_interval_minutes=c.retry.interval_minutes,
            build=c.build,
            progress=ProgressRead.of(view.progress),
            created_by=c.created_by,
            created_at=c.created_at,
            updated_at=c.updated_at,
            version=c.version,
        )


class CallListPage(Schema):
    items: list[CallListRead]
    next_cursor: str | None


class ClientSourceCreate(Schema):
    """Exactly one of them."""

    query: Name | None = Field(
        default=None,
        max_length=QUERY_MAX,
        description="The clients list's filter as its URL query string (temperature=cold&tags=b2b)",
    )
    saved_filter_id: UUID | None = Field(default=None, description="A saved clients filter")
    tags: list[Name] = Field(
        default_factory=list, max_length=50, description="A segment: clients with any tag"
    )

    def to_command(self) -> ClientSource:
        return ClientSource(
            query=self.query, saved_filter_id=self.saved_filter_id, tags=tuple(self.tags)
        )


class EntryCreate(Schema):
    phone: Name = Field(max_length=64)
    name: Name | None = Field(default=None, max_length=ITEM_NAME_MAX)


class EntriesCreate(Schema):
    entries: list[EntryCreate] = Field(min_length=1, max_length=MAX_ITEMS)


class InvalidRowRead(Schema):
    row: int
    value: str
    reason: str


class BuildRead(Schema):
    added: int
    duplicates: int = Field(description="Already in the list, or repeated in what was given")
    invalid: int
    invalid_rows: list[InvalidRowRead] = Field(description="The first 100 bad rows")
    truncated: int = Field(description=f"Left out: the list holds at most {MAX_ITEMS} numbers")


class ItemRead(Schema):
    id: UUID
    call_list_id: UUID
    phone: str
    name: str | None
    client_id: UUID | None
    status: Literal["open", "closed"]
    outcome: OutcomeName | None
    attempts: int
    due_at: datetime
    assignee_id: UUID | None = Field(description="A call-back's telemarketer")
    locked_by: UUID | None
    locked_until: datetime | None
    last_called_at: datetime | None
    last_called_by: UUID | None
    lead_id: UUID | None
    deal_id: UUID | None
    version: int

    @classmethod
    def of(cls, i: CallItem) -> ItemRead:
        return cls(
            id=i.id,
            call_list_id=i.call_list_id,
            phone=i.phone,
            name=i.name,
            client_id=i.client_id,
            status=i.status.value,
            outcome=i.outcome.value if i.outcome else None,
            attempts=i.attempts,
            due_at=i.due_at,
            assignee_id=i.assignee_id,
            locked_by=i.locked_by,
            locked_until=i.locked_until,
            last_called_at=i.last_called_at,
            last_called_by=i.last_called_by,
            lead_id=i.lead_id,
            deal_id=i.deal_id,
            version=i.version,
        )


class ItemPage(Schema):
    items: list[ItemRead]
    next_cursor: str | None


class ActivityLineRead(Schema):
    kind: str
    subject: str | None
    occurred_at: datetime
    author_id: UUID | None


class ItemCardRead(Schema):
    item: ItemRead
    client_name: str | None
    activities: list[ActivityLineRead]

    @classmethod
    def of(cls, card: ItemCard) -> ItemCardRead:
        return cls(
            item=ItemRead.of(card.item),
            client_name=card.client_name,
            activities=[
                ActivityLineRead(
                    kind=a.kind, subject=a.subject, occurred_at=a.occurred_at, author_id=a.author_id
                )
                for a in card.activities
            ],
        )


class NextRead(Schema):
    card: ItemCardRead | None = Field(description="None: no number is due now")


class OutcomeCreate(Schema):
    outcome: OutcomeName
    call_back_at: AwareMoment | None = Field(
        default=None, description="A call-back's time (required for call_back only)"
    )
    note: Text | None = Field(default=None, max_length=5000)
    duration_seconds: int | None = Field(default=None, ge=0, le=86_400)

    @property
    def kind(self) -> Outcome:
        return Outcome(self.outcome)


class AgentRead(Schema):
    user_id: UUID
    calls: int
    done: int
    by_outcome: dict[str, int]
    qualified: int

    @classmethod
    def of(cls, a: AgentProgress) -> AgentRead:
        return cls(
            user_id=a.user_id,
            calls=a.calls,
            done=a.done,
            by_outcome=dict(a.by_outcome),
            qualified=a.qualified,
        )


class AgentsRead(Schema):
    items: list[AgentRead]
