"""What happened to a deal; recorded by the entity, handled after commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True, slots=True, kw_only=True)
class DealEvent:
    organisation_id: UUID
    deal_id: UUID
    at: datetime
    by: UUID | None


@dataclass(frozen=True, slots=True, kw_only=True)
class DealCreated(DealEvent):
    client_id: UUID
    stage_id: UUID


@dataclass(frozen=True, slots=True, kw_only=True)
class DealStageChanged(DealEvent):
    from_stage_id: UUID
    to_stage_id: UUID
    seconds_in_previous: int


@dataclass(frozen=True, slots=True, kw_only=True)
class DealWon(DealEvent):
    client_id: UUID


@dataclass(frozen=True, slots=True, kw_only=True)
class DealLost(DealEvent):
    client_id: UUID
    loss_reason_id: UUID
    lost_tender: bool
    loss_making: bool
    public_conflict: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class DealReopened(DealEvent):
    client_id: UUID


@dataclass(frozen=True, slots=True, kw_only=True)
class DealBecameStale(DealEvent):
    stage_id: UUID
    stage_entered_at: datetime
    close_proposed: bool
