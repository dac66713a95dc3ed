"""A lead: one inbound request taken in (a form post, later a call or an API lead), with who
has it, since when and why, and when its assignee first answered it.

A lead nobody on duty could take stays unassigned (``assignee_id`` None) until someone takes
it, or until ``escalate_at``, when the escalation sweep gives it to a head. First response is
the assignee's first activity, stage move or call on the lead's deal after the assignment.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from domain.shared.ids import new_id


class LeadStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    SPAM = "spam"


class Assignment(enum.StrEnum):
    """Why the lead went to whom it went."""

    RESPONSIBLE = "responsible"  # a known client's manager
    SUBSTITUTE = "substitute"  # standing in for that manager while away
    ROUND_ROBIN = "round_robin"
    LEAST_LOADED = "least_loaded"
    BY_TAG = "by_tag"
    FALLBACK = "fallback"  # a form's named person or an administrator, no rule applying
    MANUAL = "manual"  # taken, assigned or dragged by a person
    ESCALATED = "escalated"  # nobody took it in time: a head has it


@dataclass(slots=True, kw_only=True)
class Lead:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    inbox_item_id: UUID
    kind: str
    channel_id: UUID | None = None
    source: str | None = None
    campaign: str | None = None
    person_name: str | None = None
    phone: str | None = None
    email: str | None = None
    client_id: UUID | None = None
    deal_id: UUID | None = None
    status: LeadStatus = LeadStatus.OPEN
    received_at: datetime
    assignee_id: UUID | None = None
    assigned_at: datetime | None = None
    rule_id: UUID | None = None
    assignment: Assignment | None = None
    escalate_at: datetime | None = None
    escalated_at: datetime | None = None
    first_response_at: datetime | None = None
    created_at: datetime | None = None
    version: int = 1

    def assign(
        self, user_id: UUID, at: datetime, how: Assignment, rule_id: UUID | None = None
    ) -> None:
        self.assignee_id = user_id
        self.assigned_at = at
        self.assignment = how
        self.rule_id = rule_id if rule_id is not None else self.rule_id
        self.escalate_at = None
        self.first_response_at = None

    def escalate(self, head_id: UUID, at: datetime) -> None:
        """Nobody took it in time: the head has it (once)."""
        self.assign(head_id, at, Assignment.ESCALATED)
        self.escalated_at = at

    @property
    def response_seconds(self) -> int | None:
        if self.first_response_at is None or self.assigned_at is None:
            return None
        return max(0, int((self.first_response_at - self.assigned_at).total_seconds()))
