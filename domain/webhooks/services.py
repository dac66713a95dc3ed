"""Use cases of outgoing webhooks.

- ``WebhookService``: what an administrator does through the API (endpoints, the delivery log,
  redelivery, a test event).
- ``WebhookFanOut``: the after-commit subscriber to every domain event. For each active
  endpoint of the event's organisation that subscribes to it, it stores a delivery (one per
  endpoint and event: replaying an event changes nothing) and asks a worker to attempt it.
- ``WebhookDeliverer``: one attempt of a claimed delivery, run by the worker. The payload is
  built at the first attempt through the ``WebhookPayloadBuilder`` port (the HTTP layer's read
  schemas) and stored, so retries and redeliveries send identical bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from domain.auth.principal import Principal
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import InvalidInput, NotFound
from domain.shared.events import DomainEvent, to_payload
from domain.shared.ids import new_id
from domain.shared.scope import Scope
from domain.staff.permissions import Permission
from domain.webhooks.errors import EndpointDisabled
from domain.webhooks.model import (
    TEST_EVENT,
    DeliveryAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookMessage,
)
from domain.webhooks.ports import (
    DeliveryQueue,
    HostResolver,
    WebhookPayloadBuilder,
    WebhookSender,
)
from domain.webhooks.signing import signed_headers
from domain.webhooks.targets import check_target

# A worker that claimed a delivery has this long to attempt it before another may.
CLAIM_LEASE = timedelta(minutes=2)
_ENVELOPE_FIELDS = ("event_id", "organisation_id", "occurred_at", "actor_id")


@dataclass(frozen=True, slots=True)
class CreatedEndpoint:
    endpoint: WebhookEndpoint
    # Shown once: the API never returns it again.
    secret: str


def message_of(event: DomainEvent) -> WebhookMessage:
    fields = to_payload(event)
    return WebhookMessage(
        event_id=event.event_id,
        event_name=event.name,
        organisation_id=event.organisation_id,
        occurred_at=event.occurred_at,
        fields={k: v for k, v in fields.items() if k not in _ENVELOPE_FIELDS},
    )


async def _allow_private(uow: UnitOfWork, organisation_id: UUID) -> bool:
    organisation = await uow.organisations.get(organisation_id)
    return bool(organisation and organisation.webhooks_allow_private_targets)


class WebhookService:
    def __init__(
        self,
        uow: UnitOfWork,
        clock: Clock,
        *,
        resolver: HostResolver,
        queue: DeliveryQueue,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._resolver = resolver
        self._queue = queue

    async def list(
        self, principal: Principal, *, limit: int, after: tuple[datetime, UUID] | None = None
    ) -> Sequence[WebhookEndpoint]:
        principal.require(Permission.WEBHOOKS_MANAGE)
        async with self._uow as uow:
            return await uow.webhooks.list_endpoints(
                principal.organisation_scope, limit=limit, after=after
            )

    async def get(self, principal: Principal, endpoint_id: UUID) -> WebhookEndpoint:
        principal.require(Permission.WEBHOOKS_MANAGE)
        async with self._uow as uow:
            return await _endpoint(uow, principal.organisation_scope, endpoint_id)

    async def create(
        self,
        principal: Principal,
        *,
        url: str,
        events: Sequence[str],
        description: str = "",
        is_active: bool = True,
    ) -> CreatedEndpoint:
        principal.require(Permission.WEBHOOKS_MANAGE)
        endpoint = WebhookEndpoint.create(
            principal.organisation_id,
            url=url,
            events=events,
            description=description,
            is_active=is_active,
            created_at=self._clock.now(),
        )
        async with self._uow as uow:
            await self._check_target(uow, endpoint)
            await uow.webhooks.add_endpoint(endpoint)
            await uow.commit()
        return CreatedEndpoint(endpoint=endpoint, secret=endpoint.secret)

    async def update(
        self,
        principal: Principal,
        endpoint_id: UUID,
        *,
        expected_version: int | None = None,
        url: str | None = None,
        events: Sequence[str] | None = None,
        description: str | None = None,
        is_active: bool | None = None,
    ) -> WebhookEndpoint:
        principal.require(Permission.WEBHOOKS_MANAGE)
        async with self._uow as uow:
            endpoint = await _endpoint(uow, principal.organisation_scope, endpoint_id)
            version = endpoint.version if expected_version is None else expected_version
            endpoint.change(url=url, events=events, description=description, is_active=is_active)
            if url is not None:
                await self._check_target(uow, endpoint)
            await uow.webhooks.update_endpoint(endpoint, version)
            await uow.commit()
            return endpoint

    async def rotate_secret(
        self, principal: Principal, endpoint_id: UUID, *, expected_version: int | None = None
    ) -> CreatedEndpoint:
        """A new signing secret, effective for every attempt from now on (retries too)."""
        principal.require(Permission.WEBHOOKS_MANAGE)
        async with self._uow as uow:
            endpoint = await _endpoint(uow, principal.organisation_scope, endpoint_id)
            version = endpoint.version if expected_version is None else expected_version
            secret = endpoint.rotate_secret()
            await uow.webhooks.update_endpoint(endpoint, version)
            await uow.commit()
            return CreatedEndpoint(endpoint=endpoint, secret=secret)

    async def delete(self, principal: Principal, endpoint_id: UUID) -> None:
        """The endpoint and its delivery log go; pending deliveries are not attempted."""
        principal.require(Permission.WEBHOOKS_MANAGE)
        async with self._uow as uow:
            scope = principal.organisation_scope
            await _endpoint(uow, scope, endpoint_id)
            await uow.webhooks.delete_endpoint(scope, endpoint_id)
            await uow.commit()

    async def deliveries(
        self,
        principal: Principal,
        endpoint_id: UUID,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[WebhookDelivery]:
        principal.require(Permission.WEBHOOKS_MANAGE)
        async with self._uow as uow:
            scope = principal.organisation_scope
            await _endpoint(uow, scope, endpoint_id)
            return await uow.webhooks.list_deliveries(scope, endpoint_id, limit=limit, after=after)

    async def redeliver(
        self, principal: Principal, endpoint_id: UUID, delivery_id: UUID
    ) -> WebhookDelivery:
        """One more attempt with the very same body (and webhook-id) as before."""
        principal.require(Permission.WEBHOOKS_MANAGE)
        async with self._uow as uow:
            scope = principal.organisation_scope
            endpoint = await _endpoint(uow, scope, endpoint_id)
            if not endpoint.is_active:
                raise EndpointDisabled()
            delivery = await uow.webhooks.get_delivery(scope, endpoint_id, delivery_id)
            if delivery is None:
                raise NotFound("Delivery", delivery_id)
            delivery.redeliver(self._clock.now())
            await uow.webhooks.save_delivery(delivery)
            self._attempt_after_commit(uow, delivery)
            await uow.commit()
            return delivery

    async def send_test(self, principal: Principal, endpoint_id: UUID) -> WebhookDelivery:
        """A ``webhook.test`` event to this endpoint only, delivered like any other."""
        principal.require(Permission.WEBHOOKS_MANAGE)
        now = self._clock.now()
        async with self._uow as uow:
            endpoint = await _endpoint(uow, principal.organisation_scope, endpoint_id)
            if not endpoint.is_active:
                raise EndpointDisabled()
            message = WebhookMessage(
                event_id=new_id(),
                event_name=TEST_EVENT,
                organisation_id=endpoint.organisation_id,
                occurred_at=now,
                fields={
                    "endpoint_id": str(endpoint.id),
                    "message": "A test event sent from the CRM",
                },
            )
            delivery = WebhookDelivery(
                organisation_id=endpoint.organisation_id,
                endpoint_id=endpoint.id,
                message=message,
                next_attempt_at=now,
                created_at=now,
            )
            await uow.webhooks.add_delivery_if_new(delivery)
            self._attempt_after_commit(uow, delivery)
            await uow.commit()
            return delivery

    def _attempt_after_commit(self, uow: UnitOfWork, delivery: WebhookDelivery) -> None:
        async def send() -> None:
            await self._queue.attempt_soon(delivery.organisation_id, [delivery.id])

        uow.on_commit(send)

    async def _check_target(self, uow: UnitOfWork, endpoint: WebhookEndpoint) -> None:
        await check_target(
            endpoint.url,
            self._resolver,
            allow_private=await _allow_private(uow, endpoint.organisation_id),
        )


async def _endpoint(uow: UnitOfWork, scope: Scope, endpoint_id: UUID) -> WebhookEndpoint:
    endpoint = await uow.webhooks.get_endpoint(scope, endpoint_id)
    if endpoint is None:
        raise NotFound("Webhook endpoint", endpoint_id)
    return endpoint


class WebhookFanOut:
    """The subscriber to every event that turns it into deliveries."""

    name = "webhooks"

    def __init__(
        self, uow_factory: Callable[[], UnitOfWork], clock: Clock, queue: DeliveryQueue
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._queue = queue

    async def __call__(self, event: DomainEvent) -> None:
        now = self._clock.now()
        message = message_of(event)
        created: list[UUID] = []
        async with self._uow_factory() as uow:
            endpoints = await uow.webhooks.endpoints_for_event(event.organisation_id, event.name)
            for endpoint in endpoints:
                delivery = WebhookDelivery(
                    organisation_id=endpoint.organisation_id,
                    endpoint_id=endpoint.id,
                    message=message,
                    next_attempt_at=now,
                    created_at=now,
                )
                if await uow.webhooks.add_delivery_if_new(delivery):
                    created.append(delivery.id)
            await uow.commit()
        if created:
            await self._queue.attempt_soon(event.organisation_id, created)


class WebhookDeliverer:
    """Attempts claimed deliveries: build (first time) and store the body, check the target,
    sign, send, log the attempt, schedule the retry or give up, disable a dead endpoint."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        *,
        sender: WebhookSender,
        resolver: HostResolver,
        payloads: WebhookPayloadBuilder | None,
        base_delay: timedelta,
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._sender = sender
        self._resolver = resolver
        self._payloads = payloads
        self._base_delay = base_delay

    async def attempt_due(
        self,
        ids: Sequence[UUID] | None = None,
        *,
        organisation_id: UUID | None = None,
        limit: int = 100,
    ) -> int:
        """Claim the due deliveries (or the given ones of ``organisation_id``, if due) and
        attempt each once; returns how many were claimed."""
        async with self._uow_factory() as uow:
            claimed = await uow.webhooks.claim_due_deliveries(
                now=self._clock.now(),
                lease=CLAIM_LEASE,
                organisation_id=organisation_id,
                ids=ids,
                limit=limit,
            )
            await uow.commit()
        for delivery in claimed:
            await self._attempt(delivery)
        return len(claimed)

    async def _attempt(self, delivery: WebhookDelivery) -> None:
        scope = Scope.organisation_wide(delivery.organisation_id)
        async with self._uow_factory() as uow:
            endpoint = await uow.webhooks.get_endpoint(scope, delivery.endpoint_id)
            allow_private = await _allow_private(uow, delivery.organisation_id)
            if endpoint is None or not endpoint.is_active:
                attempt = delivery.fail("The endpoint is disabled", self._clock.now())
                await uow.webhooks.add_attempt(attempt)
                await uow.webhooks.save_delivery(delivery)
                await uow.commit()
                return
        if delivery.body is None:
            if self._payloads is None:
                raise RuntimeError(
                    "no webhook payload builder: start the worker with `crm worker`, which "
                    "installs the API's read schemas"
                )
            document = await self._payloads.build(delivery.message)
            delivery.body = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        started = self._clock.now()
        try:
            pinned = await check_target(endpoint.url, self._resolver, allow_private=allow_private)
        except InvalidInput as exc:
            result_error: str | None = exc.problems[0].msg if exc.problems else exc.detail
            attempt = DeliveryAttempt(
                organisation_id=delivery.organisation_id,
                delivery_id=delivery.id,
                attempted_at=started,
                succeeded=False,
                error=f"Refused, no request sent: {result_error}",
            )
        else:
            headers = signed_headers(
                endpoint.secret, str(delivery.event_id), int(started.timestamp()), delivery.body
            )
            result = await self._sender.send(
                endpoint.url, headers=headers, body=delivery.body.encode(), connect_to=pinned
            )
            attempt = DeliveryAttempt(
                organisation_id=delivery.organisation_id,
                delivery_id=delivery.id,
                attempted_at=started,
                succeeded=result.succeeded,
                status_code=result.status_code,
                duration_ms=result.duration_ms,
                response_body=result.response_body,
                error=result.error,
            )
        await self._record(delivery, attempt)

    async def _record(self, delivery: WebhookDelivery, attempt: DeliveryAttempt) -> None:
        delivery.record_attempt(attempt, base_delay=self._base_delay)
        scope = Scope.organisation_wide(delivery.organisation_id)
        async with self._uow_factory() as uow:
            await uow.webhooks.add_attempt(attempt)
            await uow.webhooks.save_delivery(delivery)
            endpoint = await uow.webhooks.get_endpoint(scope, delivery.endpoint_id)
            if endpoint is not None:
                disabled = False
                if attempt.succeeded:
                    endpoint.record_success()
                else:
                    disabled = endpoint.record_failure(attempt.attempted_at)
                # Disabling records webhook.endpoint_disabled: the admins are told by the
                # notifications subscriber.
                await uow.webhooks.save_health(endpoint, disabled=disabled)
            await uow.commit()
