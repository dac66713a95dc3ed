"""Outgoing webhooks: endpoints an organisation registers, the deliveries of events to them
and every attempt of each delivery.

An endpoint subscribes to event names (``deal.won``) or to ``*`` (every event, including the
ones added later). Each event reaches an endpoint at most once as a delivery (one per endpoint
and event id); a delivery is tried until it succeeds or its retry window closes, and every try
is kept as an attempt, so integrators and admins see exactly what was sent and answered.
"""

from __future__ import annotations

import base64
import enum
import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from domain.shared.errors import InvalidInput
from domain.shared.events import EVENT_TYPES, DomainEvent
from domain.shared.ids import new_id
from domain.shared.text import clean_text
from domain.webhooks.events import WebhookEndpointDisabled

ALL_EVENTS = "*"
TEST_EVENT = "webhook.test"
PAYLOAD_VERSION = 1
MAX_URL_LENGTH = 2000
MAX_DESCRIPTION_LENGTH = 500
MAX_EVENTS = 100
SECRET_PREFIX = "whsec_"  # noqa: S105 - the format prefix, not a secret
# An event is retried for this long after its first attempt; an endpoint that has failed
# without a single success for this long is disabled.
RETRY_WINDOW = timedelta(hours=24)
DISABLE_AFTER = timedelta(hours=24)
# Nominal delays before the 2nd, 3rd ... attempt (full jitter draws below each), in units of
# the base delay (5 s by default): 5 s, 30 s, 2 min, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h ...
_BACKOFF_STEPS = (1, 6, 24, 60, 360, 1440, 3600, 7200)
RESPONSE_EXCERPT_BYTES = 2048


def new_signing_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def validate_url(url: str) -> str:
    """Syntax only (http or https, a host, no credentials); where the host points is checked
    by ``domain.webhooks.targets``."""
    url = url.strip()
    if not url:
        raise InvalidInput("url", "must not be blank")
    if len(url) > MAX_URL_LENGTH:
        raise InvalidInput("url", f"must be at most {MAX_URL_LENGTH} characters")
    if any(ord(ch) < 33 or ord(ch) == 127 for ch in url):
        raise InvalidInput("url", "must not contain spaces or control characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise InvalidInput("url", "is not a valid URL") from exc
    if parts.scheme not in ("http", "https"):
        raise InvalidInput("url", "must start with https:// or http://")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise InvalidInput("url", "must not contain a user name or password")
    if not parts.hostname:
        raise InvalidInput("url", "must name a host")
    return url


def validate_events(names: Iterable[str]) -> tuple[str, ...]:
    """Known event names, or ``*`` alone for every event; sorted and without repeats."""
    unique = sorted(set(names))
    if not unique:
        raise InvalidInput("events", "subscribe to at least one event, or to * for all")
    if len(unique) > MAX_EVENTS:
        raise InvalidInput("events", f"at most {MAX_EVENTS} event names")
    if ALL_EVENTS in unique:
        if len(unique) > 1:
            raise InvalidInput("events", "* already means every event; send it alone")
        return (ALL_EVENTS,)
    unknown = [name for name in unique if name not in EVENT_TYPES]
    if unknown:
        raise InvalidInput("events", f"unknown event names: {', '.join(unknown)}")
    return tuple(unique)


def _description(value: str) -> str:
    cleaned = clean_text(
        value, "description", max_length=MAX_DESCRIPTION_LENGTH, required=False, multiline=True
    )
    return cleaned or ""


@dataclass(slots=True, kw_only=True)
class WebhookEndpoint:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    url: str
    events: tuple[str, ...]
    secret: str
    description: str = ""
    is_active: bool = True
    disabled_reason: str | None = None
    # Start of the current run of failed attempts; None after any success.
    failing_since: datetime | None = None
    created_at: datetime | None = None
    version: int = 1
    # Domain events this endpoint recorded (``events`` are the names it subscribes to); the
    # repository hands them to the unit of work when it saves the endpoint's health.
    recorded: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def create(
        cls,
        organisation_id: UUID,
        *,
        url: str,
        events: Iterable[str],
        description: str = "",
        is_active: bool = True,
        created_at: datetime,
    ) -> WebhookEndpoint:
        return cls(
            organisation_id=organisation_id,
            url=validate_url(url),
            events=validate_events(events),
            secret=new_signing_secret(),
            description=_description(description),
            is_active=is_active,
            created_at=created_at,
        )

    def change(
        self,
        *,
        url: str | None = None,
        events: Iterable[str] | None = None,
        description: str | None = None,
        is_active: bool | None = None,
    ) -> None:
        if url is not None:
            self.url = validate_url(url)
        if events is not None:
            self.events = validate_events(events)
        if description is not None:
            self.description = _description(description)
        if is_active is True and not self.is_active:
            # Enabling again starts afresh: the failures that disabled it are history.
            self.disabled_reason = None
            self.failing_since = None
        if is_active is not None:
            self.is_active = is_active

    def subscribes_to(self, event_name: str) -> bool:
        return self.is_active and (ALL_EVENTS in self.events or event_name in self.events)

    def rotate_secret(self) -> str:
        self.secret = new_signing_secret()
        return self.secret

    def record_success(self) -> None:
        self.failing_since = None

    def record_failure(self, at: datetime) -> bool:
        """Returns True when this failure disables the endpoint (it had failed without a
        success for DISABLE_AFTER)."""
        if self.failing_since is None:
            self.failing_since = at
            return False
        if self.is_active and at - self.failing_since >= DISABLE_AFTER:
            self.is_active = False
            self.disabled_reason = (
                f"Every delivery failed since {self.failing_since.isoformat(timespec='seconds')}"
            )
            self.recorded.append(
                WebhookEndpointDisabled(
                    organisation_id=self.organisation_id,
                    occurred_at=at,
                    endpoint_id=self.id,
                    url=self.url,
                    failing_since=self.failing_since,
                )
            )
            return True
        return False


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookMessage:
    """The event as a delivery keeps it until its payload is built at the first attempt."""

    event_id: UUID
    event_name: str
    organisation_id: UUID
    occurred_at: datetime
    # The event's own fields, JSON-safe (``domain.shared.events.to_payload``).
    fields: dict[str, Any]


@dataclass(slots=True, kw_only=True)
class DeliveryAttempt:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    delivery_id: UUID
    attempted_at: datetime
    succeeded: bool
    status_code: int | None = None
    duration_ms: int | None = None
    response_body: str | None = None
    error: str | None = None


@dataclass(slots=True, kw_only=True)
class WebhookDelivery:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    endpoint_id: UUID
    message: WebhookMessage
    # The exact bytes sent (UTF-8 JSON), fixed at the first attempt so that retries and
    # redeliveries send the same body.
    body: str | None = None
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempt_count: int = 0
    next_attempt_at: datetime | None = None
    # No retry is scheduled after this moment: the delivery fails instead.
    give_up_at: datetime | None = None
    created_at: datetime | None = None
    attempts: list[DeliveryAttempt] = field(default_factory=list)

    @property
    def event_id(self) -> UUID:
        return self.message.event_id

    def record_attempt(
        self, attempt: DeliveryAttempt, *, base_delay: timedelta, rng: random.Random | None = None
    ) -> None:
        """Count the attempt and decide what comes next: done, a retry after a jittered
        exponential delay, or failed when the retry window is over."""
        self.attempt_count += 1
        self.attempts.append(attempt)
        at = attempt.attempted_at
        if self.give_up_at is None:
            self.give_up_at = at + RETRY_WINDOW
        if attempt.succeeded:
            self.status = DeliveryStatus.SUCCEEDED
            self.next_attempt_at = None
            return
        retry_at = at + retry_delay(self.attempt_count, base_delay, rng)
        if retry_at > self.give_up_at:
            self.status = DeliveryStatus.FAILED
            self.next_attempt_at = None
            return
        self.status = DeliveryStatus.PENDING
        self.next_attempt_at = retry_at

    def fail(self, reason: str, at: datetime) -> DeliveryAttempt:
        """Give up without sending (the endpoint was disabled or deleted meanwhile)."""
        attempt = DeliveryAttempt(
            organisation_id=self.organisation_id,
            delivery_id=self.id,
            attempted_at=at,
            succeeded=False,
            error=reason,
        )
        self.attempt_count += 1
        self.attempts.append(attempt)
        self.status = DeliveryStatus.FAILED
        self.next_attempt_at = None
        return attempt

    def redeliver(self, at: datetime) -> None:
        """One more attempt now, with the same body; a failure does not start new retries."""
        self.status = DeliveryStatus.PENDING
        self.next_attempt_at = at
        self.give_up_at = at


def retry_delay(
    attempts: int, base_delay: timedelta, rng: random.Random | None = None
) -> timedelta:
    """Delay after the ``attempts``-th failed attempt: full jitter below the nominal step."""
    step = _BACKOFF_STEPS[min(attempts, len(_BACKOFF_STEPS)) - 1]
    nominal = base_delay.total_seconds() * step
    draw = (rng or random).uniform(0, nominal)
    return timedelta(seconds=draw)
