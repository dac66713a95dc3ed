"""What the retention sweep found: a client fell asleep, a cross-sell is due on a won deal.
The activities context turns each into a task in the same transaction; webhooks carry them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.shared.events import DomainEvent, event


@event("client.fell_asleep")
@dataclass(frozen=True, slots=True, kw_only=True)
class ClientFellAsleep(DomainEvent):
    """A current or permanent client bought nothing for ``sleeping_days`` days."""

    client_id: UUID
    client_name: str
    responsible_id: UUID
    last_purchase_at: datetime
    sleeping_days: int


@event("deal.cross_sell_due")
@dataclass(frozen=True, slots=True, kw_only=True)
class CrossSellDue(DomainEvent):
    """``rule_id``'s days have passed since the deal was won with a product it names."""

    deal_id: UUID
    deal_title: str
    client_id: UUID
    responsible_id: UUID
    rule_id: UUID
    suggestion: str
