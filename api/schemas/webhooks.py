from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from api.schemas.base import Schema
from domain.webhooks.model import (
    MAX_DESCRIPTION_LENGTH,
    MAX_EVENTS,
    MAX_URL_LENGTH,
    DeliveryAttempt,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
)

EventName = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^(\*|[a-z_]+\.[a-z_]+)$")]
Url = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_URL_LENGTH,
        examples=["https://example.com/crm-hooks"],
        description="https:// or http://; must resolve to public addresses unless the "
        "organisation allows private targets",
    ),
]
Events = Annotated[
    list[EventName],
    Field(
        min_length=1,
        max_length=MAX_EVENTS,
        examples=[["deal.won", "deal.lost"]],
        description='Event names (see GET /webhooks/event-types), or ["*"] for every event, '
        "including ones added later",
    ),
]
Description = Annotated[
    str, Field(max_length=MAX_DESCRIPTION_LENGTH, pattern=r"^[^\x00-\x08\x0b-\x1f\x7f]*$")
]


class WebhookEndpointCreate(Schema):
    url: Url
    events: Events
    description: Description = ""
    is_active: bool = True


class WebhookEndpointUpdate(Schema):
    url: Url | None = None
    events: Events | None = None
    description: Description | None = None
    is_active: bool | None = Field(
        default=None, description="true re-enables a disabled endpoint and clears its failures"
    )


class WebhookEndpointRead(Schema):
    id: UUID
    url: str
    events: list[str]
    description: str
    is_active: bool
    disabled_reason: str | None = Field(description="Why the system disabled it, if it did")
    failing_since: datetime | None = Field(
        description="Start of the current run of failed attempts; null after a success"
    )
    created_at: datetime | None
    version: int

    @classmethod
    def of(cls, endpoint: WebhookEndpoint) -> WebhookEndpointRead:
        return cls(
            id=endpoint.id,
            url=endpoint.url,
            events=list(endpoint.events),
            description=endpoint.description,
            is_active=endpoint.is_active,
            disabled_reason=endpoint.disabled_reason,
            failing_since=endpoint.failing_since,
            created_at=endpoint.created_at,
            version=endpoint.version,
        )


class WebhookEndpointCreated(WebhookEndpointRead):
    secret: str = Field(
        description="The signing secret (Standard Webhooks, whsec_...). Shown only in this "
        "answer: store it now"
    )


class WebhookEndpointPage(Schema):
    items: list[WebhookEndpointRead]
    next_cursor: str | None


class WebhookAttemptRead(Schema):
    id: UUID
    attempted_at: datetime
    succeeded: bool
    status_code: int | None
    duration_ms: int | None = Field(description="Response time in milliseconds")
    response_body: str | None = Field(description="The first 2 KB of the answer")
    error: str | None

    @classmethod
    def of(cls, attempt: DeliveryAttempt) -> WebhookAttemptRead:
        return cls(
            id=attempt.id,
            attempted_at=attempt.attempted_at,
            succeeded=attempt.succeeded,
            status_code=attempt.status_code,
            duration_ms=attempt.duration_ms,
            response_body=attempt.response_body,
            error=attempt.error,
        )


class WebhookDeliveryRead(Schema):
    id: UUID
    endpoint_id: UUID
    event_id: UUID = Field(description="Also the webhook-id header of every attempt")
    event_type: str
    status: DeliveryStatus
    attempt_count: int
    next_attempt_at: datetime | None
    created_at: datetime | None
    payload: str | None = Field(
        description="The exact JSON body sent; null before the first attempt"
    )
    attempts: list[WebhookAttemptRead]

    @classmethod
    def of(cls, delivery: WebhookDelivery) -> WebhookDeliveryRead:
        return cls(
            id=delivery.id,
            endpoint_id=delivery.endpoint_id,
            event_id=delivery.event_id,
            event_type=delivery.message.event_name,
            status=delivery.status,
            attempt_count=delivery.attempt_count,
            next_attempt_at=delivery.next_attempt_at,
            created_at=delivery.created_at,
            payload=delivery.body,
            attempts=[WebhookAttemptRead.of(a) for a in delivery.attempts],
        )


class WebhookDeliveryPage(Schema):
    items: list[WebhookDeliveryRead]
    next_cursor: str | None
