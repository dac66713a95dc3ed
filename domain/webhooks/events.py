"""What happened to webhook endpoints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.shared.events import DomainEvent, event


@event("webhook.endpoint_disabled")
@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookEndpointDisabled(DomainEvent):
    """A day of failed deliveries disabled the endpoint: the administrators are told."""

    endpoint_id: UUID
    url: str
    failing_since: datetime
