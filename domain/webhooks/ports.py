"""What the webhooks context needs from the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

from domain.shared.scope import Scope
from domain.webhooks.model import DeliveryAttempt, WebhookDelivery, WebhookEndpoint, WebhookMessage


class WebhookRepository(Protocol):
    async def add_endpoint(self, endpoint: WebhookEndpoint) -> None: ...
    async def get_endpoint(self, scope: Scope, endpoint_id: UUID) -> WebhookEndpoint | None: ...
    async def list_endpoints(
        self, scope: Scope, *, limit: int, after: tuple[datetime, UUID] | None = None
    ) -> Sequence[WebhookEndpoint]:
        """Newest first, after the keyset cursor (created_at, id)."""
        ...

    async def update_endpoint(self, endpoint: WebhookEndpoint, expected_version: int) -> None: ...
    async def save_health(self, endpoint: WebhookEndpoint, *, disabled: bool) -> None:
        """Stores the outcome of deliveries (failing_since; is_active and disabled_reason
        when ``disabled``, which also bumps the version an admin's ETag refers to)."""
        ...

    async def delete_endpoint(self, scope: Scope, endpoint_id: UUID) -> None: ...
    async def endpoints_for_event(
        self, organisation_id: UUID, event_name: str
    ) -> Sequence[WebhookEndpoint]:
        """Active endpoints subscribed to this event name or to every event."""
        ...

    async def add_delivery_if_new(self, delivery: WebhookDelivery) -> bool:
        """Stores the delivery unless this endpoint already has one for the event."""
        ...

    async def get_delivery(
        self, scope: Scope, endpoint_id: UUID, delivery_id: UUID
    ) -> WebhookDelivery | None: ...
    async def list_deliveries(
        self,
        scope: Scope,
        endpoint_id: UUID,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[WebhookDelivery]:
        """Newest first, each with its attempts (oldest first)."""
        ...

    async def claim_due_deliveries(
        self,
        *,
        now: datetime,
        lease: timedelta,
        organisation_id: UUID | None = None,
        ids: Sequence[UUID] | None = None,
        limit: int = 100,
    ) -> Sequence[WebhookDelivery]:
        """Unscoped, for the worker: pending deliveries due by ``now`` (among ``ids`` of
        ``organisation_id`` when given), locked with SKIP LOCKED and pushed ``lease`` into the
        future, so that two workers never attempt the same delivery at once and a dead
        worker's claim expires."""
        ...

    async def save_delivery(self, delivery: WebhookDelivery) -> None: ...
    async def add_attempt(self, attempt: DeliveryAttempt) -> None: ...
    async def active_admin_ids(self, organisation_id: UUID) -> Sequence[UUID]:
        """Active users holding the built-in administrator role: told when an endpoint is
        disabled."""
        ...


@dataclass(frozen=True, slots=True)
class SendResult:
    status_code: int | None
    duration_ms: int
    # The first RESPONSE_EXCERPT_BYTES of the answer, decoded leniently.
    response_body: str | None = None
    error: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300


class WebhookSender(Protocol):
    async def send(
        self, url: str, *, headers: dict[str, str], body: bytes, connect_to: str | None = None
    ) -> SendResult:
        """POST once, never following redirects; transport errors are results, not raises.
        With ``connect_to`` the connection goes to that address (the one the target check
        approved) while the Host header and TLS name stay those of ``url``."""
        ...


class HostResolver(Protocol):
    async def resolve(self, host: str) -> Sequence[str]:
        """Every address the host name resolves to; raises OSError when it does not."""
        ...


class WebhookPayloadBuilder(Protocol):
    """Builds the JSON document an integrator receives for an event. The HTTP layer supplies
    it, so payloads carry the records exactly as the API's read schemas show them."""

    async def build(self, message: WebhookMessage) -> dict[str, Any]: ...


class DeliveryQueue(Protocol):
    async def attempt_soon(self, organisation_id: UUID, delivery_ids: Sequence[UUID]) -> None:
        """Ask a worker to attempt these deliveries of the organisation now (best effort: the
        retry sweep picks up anything this misses)."""
        ...
