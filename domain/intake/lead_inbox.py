"""The lead inbox: what telemarketers and heads work through (issue 11, item 10).

Every lead taken in (a form post, an API lead, a missed call) is a row of ``intake_leads``
(written by the distribution step, which also names its first assignee when a rule or a known
client's manager chose one; a lead no rule chose is held by a fallback, an administrator or
the form's first named person, only until someone takes it: such a lead counts as free).
The inbox lists the open ones with how long each has waited and the deadline
for the first answer, and offers four actions:

- **take**: the caller takes a free lead (or one already theirs). Two people taking the
  same lead at once: the database lets one win (a conditional UPDATE on "still nobody's"), the
  other gets a conflict.
- **assign**: a head (team or organisation-wide reach over deals) hands it to someone they see.
- **convert**: the lead is worked: a client and a deal are opened for it if it has none yet,
  and it leaves the inbox (status ``closed``).
- **spam**: it leaves the inbox as spam; the client and deal it opened stay (a person may have
  been mistaken for a bot; deleting them stays a deliberate act on their cards).

Taking or assigning moves the lead's deal to the new assignee (``deals.responsible_id``, the
field distribution sets), and the client too when the lead opened that client, so the person
who works the lead owns what it created; an existing client's manager keeps their client.

Who sees what: the inbox follows the caller's reach over deals. Everyone who works leads
(``intake:write``) sees the free ones (anyone may take them) and their own; a head also
sees their department subtree's, an administrator (or an ``all`` reach) every lead.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

from domain.intake.leads import Assignment, LeadStatus
from domain.shared.errors import Conflict
from domain.shared.scope import Scope

# How soon a new lead should get its first answer (a call back): the countdown the inbox
# shows. A lead that names its own deadline (a missed call's callback task) keeps that one.
RESPONSE_TIME = timedelta(minutes=15)
MAX_SOURCE_FILTER = 100


class LeadKind(enum.StrEnum):
    FORM = "form"
    # A call event; the inbox shows these as missed calls to call back.
    TELEPHONY = "telephony"
    API = "api"
    # A number a telemarketer qualified on a call list.
    CALL_LIST = "call_list"


class AssigneeFilter(enum.StrEnum):
    ME = "me"
    NONE = "none"


@dataclass(slots=True, kw_only=True)
class InboxLead:
    """A lead as the inbox shows it, with the names of what it refers to."""

    id: UUID
    organisation_id: UUID
    inbox_item_id: UUID
    kind: str
    status: LeadStatus
    channel_id: UUID | None
    channel_name: str | None
    source: str | None
    campaign: str | None
    person_name: str | None
    phone: str | None
    email: str | None
    comment: str | None
    client_id: UUID | None
    client_name: str | None
    deal_id: UUID | None
    deal_title: str | None
    # "new_client", "client" or "open_deal": how the lead was taken in.
    match: str | None
    assignee_id: UUID | None
    assignee_name: str | None
    assigned_at: datetime | None
    assignment: str | None
    received_at: datetime
    escalate_at: datetime | None
    first_response_at: datetime | None
    version: int

    @property
    def respond_by(self) -> datetime | None:
        """The deadline for the first answer, while none was given."""
        if self.status is not LeadStatus.OPEN or self.first_response_at is not None:
            return None
        return self.received_at + RESPONSE_TIME

    @property
    def is_free(self) -> bool:
        """Nobody has it, or only as a fallback (no rule chose anyone: an administrator or the
        form's first named person holds it until someone takes it)."""
        return self.assignee_id is None or self.assignment == Assignment.FALLBACK.value

    def is_held_by(self, user_id: UUID) -> bool:
        return self.assignee_id == user_id and not self.is_free

    def take(self, user_id: UUID) -> None:
        self.require_open()
        if not self.is_free and self.assignee_id != user_id:
            raise Conflict(f"{self.assignee_name or 'Someone else'} has already taken this lead")

    def require_open(self) -> None:
        if self.status is not LeadStatus.OPEN:
            raise Conflict(f"The lead is no longer open ({self.status.value})")


@dataclass(frozen=True, slots=True)
class LeadCounts:
    open: int
    unassigned: int
    mine: int
    overdue: int


@dataclass(frozen=True, slots=True, kw_only=True)
class LeadFilter:
    statuses: Sequence[LeadStatus] = (LeadStatus.OPEN,)
    kinds: Sequence[str] = ()
    source: str | None = None
    channel_id: UUID | None = None
    # AssigneeFilter.ME / NONE, or a person.
    assignee: AssigneeFilter | UUID | None = None


class LeadInboxRepository(Protocol):
    async def get(self, scope: Scope, lead_id: UUID) -> InboxLead | None:
        """A lead the scope sees (unassigned ones are seen by everyone who works leads)."""
        ...

    async def list(
        self,
        scope: Scope,
        filters: LeadFilter,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[InboxLead]:
        """Newest first, after the keyset cursor (received_at, id)."""
        ...

    async def counts(self, scope: Scope, *, overdue_before: datetime) -> LeadCounts:
        """Open leads the scope sees; unassigned; the caller's; received before
        ``overdue_before`` without a first answer."""
        ...

    async def assign(
        self,
        organisation_id: UUID,
        lead_id: UUID,
        *,
        assignee_id: UUID,
        assignment: Assignment,
        at: datetime,
        only_from: UUID | None,
        expected_version: int | None,
    ) -> bool:
        """Sets the assignee if the lead is still open and, when ``only_from`` is given, still
        unassigned or ``only_from``'s (and at ``expected_version`` when given): one
        conditional UPDATE, so of two concurrent takes one wins. False when it did not
        apply."""
        ...

    async def close(
        self,
        organisation_id: UUID,
        lead_id: UUID,
        *,
        status: LeadStatus,
        client_id: UUID | None,
        deal_id: UUID | None,
        expected_version: int,
    ) -> bool:
        """Closes an open lead at ``expected_version`` (converted or spam); False when it was
        changed meanwhile."""
        ...

    async def close_missed_calls(self, organisation_id: UUID, phone: str, *, at: datetime) -> None:
        """The open missed-call leads from ``phone`` are answered: closed, first response
        ``at``."""
        ...

    async def reaches(self, scope: Scope, user_id: UUID) -> bool:
        """Whether ``user_id`` is among the people whose leads the scope sees."""
        ...
