"""What happened to a deal; recorded by the entity, handed to the unit of work on save."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from domain.platform.messagebus import webhook_only
from domain.shared.events import DomainEvent, event


@dataclass(frozen=True, slots=True, kw_only=True)
class DealEvent(DomainEvent):
    deal_id: UUID
    client_id: UUID


@event("deal.created")
@dataclass(frozen=True, slots=True, kw_only=True)
class DealCreated(DealEvent):
    funnel_id: UUID
    stage_id: UUID
    responsible_id: UUID


@event("deal.updated")
@dataclass(frozen=True, slots=True, kw_only=True)
class DealUpdated(DealEvent):
    """Fields other than the stage and status changed (amount, responsible, title...)."""

    changed: tuple[str, ...]
    # Set when the deal moved to another client: both clients' history changed.
    previous_client_id: UUID | None = None


@event("deal.follow_up_due")
@dataclass(frozen=True, slots=True, kw_only=True)
class DealFollowUpDue(DomainEvent):
    """A postponed deal's interval came round: its responsible gets a follow-up task (the
    activities context makes it, unless one is still open)."""

    deal_id: UUID
    client_id: UUID
    responsible_id: UUID
    deal_title: str
    every_days: int


@event("deal.warranty_ending")
@dataclass(frozen=True, slots=True, kw_only=True)
class DealWarrantyEnding(DomainEvent):
    """``days_before`` days are left (or fewer) until the deal's warranty or service ends: its
    responsible gets a task, once per end date."""

    deal_id: UUID
    client_id: UUID
    responsible_id: UUID
    deal_title: str
    ends_on: date
    days_before: int


@webhook_only
@event("deal.stage_changed")
@dataclass(frozen=True, slots=True, kw_only=True)
class DealStageChanged(DealEvent):
    from_stage_id: UUID
    to_stage_id: UUID
    seconds_in_previous: int


@event("deal.won")
@dataclass(frozen=True, slots=True, kw_only=True)
class DealWon(DealEvent):
    stage_id: UUID


@event("deal.lost")
@dataclass(frozen=True, slots=True, kw_only=True)
class DealLost(DealEvent):
    stage_id: UUID
    loss_reason_id: UUID
    lost_tender: bool
    loss_making: bool
    public_conflict: bool


@event("deal.reopened")
@dataclass(frozen=True, slots=True, kw_only=True)
class DealReopened(DealEvent):
    stage_id: UUID


@event("deal.became_stale")
@dataclass(frozen=True, slots=True, kw_only=True)
class DealBecameStale(DealEvent):
    """Time in the current stage passed its limit (raised once per stay), or twice the limit
    (``close_proposed``: propose closing it with a refusal)."""

    stage_id: UUID
    responsible_id: UUID
    stage_entered_at: datetime
    days_in_stage: int
    close_proposed: bool
