"""Telephony in lead intake: the PBX integrations an organisation sets up (``TelephonyIntegration``)
and the calls their events report (``Call``).

A PBX posts an event per step of a call (it rings, an extension answers, it ends, a recording
is ready); each is stored raw in the inbox first, then read into a ``CallEvent`` by its
provider's reader (``domain/intake/providers.py``) and folded into the call it belongs to, found
by the PBX's own id of the call. Events may come twice or out of order: folding one keeps what
is known (the earliest start, the final result once there is one), so the outcome does not
depend on their order, and a redelivery is stored once by its event key anyway.
"""

from __future__ import annotations

import enum
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

import phonenumbers

from domain.intake.events import CallAnswered, CallMissed
from domain.shared.errors import InvalidInput
from domain.shared.events import DomainEvent
from domain.shared.ids import new_id
from domain.shared.phone import DEFAULT_REGION
from domain.shared.scope import Scope
from domain.shared.text import clean_text

INTEGRATION_NAME_MAX = 200
SECRET_MAX = 200
SECRET_MIN = 8
MAX_NUMBERS = 100
MAX_EXTENSIONS = 500
MAX_TRACKING = 500
EXTENSION_MAX = 32
NUMBER_MAX = 64
SOURCE_MAX = 100
CAMPAIGN_MAX = 200
CALLBACK_MINUTES_MAX = 7 * 24 * 60
# The provider event names kept on a call (a long IVR walk sends many).
MAX_CALL_EVENTS = 50
SECRET_BYTES = 24
# A recording fetch that may pass later (a 5xx, a timeout) is tried this many times at most.
RECORDING_MAX_ATTEMPTS = 6
# The name the stale-call sweep's end goes by among a call's events.
SWEEP_EVENT = "sweep:no_end_reported"
# The sweep's end of a call whose every leg hung up, its end (Mango's summary) not reported.
HUNG_UP_EVENT = "sweep:all_legs_disconnected"
# Legs of one call kept by id (a transfer adds one; a call centre's queue rings several):
# a call with more waits for the idle sweep.
MAX_LEGS = 32
_PHONE_LIKE = re.compile(r"\+?[\d\s()\-.]+")


class Provider(enum.StrEnum):
    ZADARMA = "zadarma"
    MANGO = "mango"
    # The CRM's own call-event API: JSON signed with HMAC-SHA256, for any other PBX.
    GENERIC = "generic"


class CallDirection(enum.StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    INTERNAL = "internal"


class CallResult(enum.StrEnum):
    # Not over yet (or its end was never reported).
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    # Nobody answered an inbound call (it rang out, the caller hung up, the queue gave up).
    MISSED = "missed"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    CANCELLED = "cancelled"
    FAILED = "failed"


class RecordingStatus(enum.StrEnum):
    """Where the call's recording is on its way into the CRM's file storage."""

    # Announced; the worker is to fetch it (again, after a failed attempt that may pass).
    PENDING = "pending"
    STORED = "stored"
    # Given up: ``recording_error`` says why.
    FAILED = "failed"


class EventStage(enum.StrEnum):
    """Where in a call's life an event is."""

    START = "start"
    ANSWER = "answer"
    END = "end"
    RECORDING = "recording"
    # Any other step: stored and noted on the call, nothing more.
    OTHER = "other"


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


@dataclass(frozen=True, slots=True)
class TrackingNumber:
    """A company number published in one place (an ad, a site, a flyer): a call to it came
    from that source and campaign."""

    number: str
    source: str | None = None
    campaign: str | None = None


def phone_key(raw: str | None, region: str = DEFAULT_REGION) -> str | None:
    """A number as calls are compared: E.164 when it reads as a phone number (PBXs send
    ``79587628385``, ``+7 958...``, ``8958...``, ``380931775529``), else the text as sent
    without spaces (an extension, a SIP address, "anonymous"); None when blank."""
    if raw is None:
        return None
    text = str(raw).strip()[:NUMBER_MAX]
    if _PHONE_LIKE.fullmatch(text):
        text = re.sub(r"[\s()\-.]", "", text)
    if not text:
        return None
    digits = text.lstrip("+")
    candidates: list[tuple[str, str | None]] = []
    if digits.isdigit():
        # The national reading of the integration's country first (8 912 ..., 0 93 ...),
        # then a full international number without its plus (PBXs drop it: 79587628385).
        candidates.append((text, None if text.startswith("+") else region))
        if len(digits) >= 11 and not text.startswith("+"):
            candidates.append((f"+{digits}", None))
    for candidate, country in candidates:
        try:
            number = phonenumbers.parse(candidate, country)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return text


def _region_of(numbers: Iterable[str]) -> str:
    for number in numbers:
        try:
            region = phonenumbers.region_code_for_number(phonenumbers.parse(number, None))
        except phonenumbers.NumberParseException:
            continue
        if region in {"RU", "UA", "KZ", "BY"}:
            return region
    return DEFAULT_REGION


def _numbers(values: Iterable[str]) -> tuple[str, ...]:
    found: list[str] = []
    for i, raw in enumerate(values):
        text = clean_text(raw, ("numbers", i), max_length=NUMBER_MAX)
        key = phone_key(text)
        if key is None or not key.startswith("+"):
            raise InvalidInput(("numbers", i), f"is not a phone number: {raw!r}")
        found.append(key)
    if len(found) > MAX_NUMBERS:
        raise InvalidInput("numbers", f"at most {MAX_NUMBERS} numbers")
    return tuple(dict.fromkeys(found))


def _extensions(values: Mapping[str, UUID]) -> dict[str, UUID]:
    if len(values) > MAX_EXTENSIONS:
        raise InvalidInput("extensions", f"at most {MAX_EXTENSIONS} extensions")
    cleaned: dict[str, UUID] = {}
    for extension, user_id in values.items():
        name = clean_text(extension, ("extensions", extension), max_length=EXTENSION_MAX)
        if not re.fullmatch(r"[0-9A-Za-z*#_\-]+", name):
            raise InvalidInput(
                ("extensions", extension), "an extension is digits or letters, no spaces"
            )
        cleaned[name] = user_id
    return cleaned


def _tracking(values: Iterable[TrackingNumber]) -> tuple[TrackingNumber, ...]:
    found: dict[str, TrackingNumber] = {}
    for i, entry in enumerate(values):
        raw = clean_text(entry.number, ("tracking", i, "number"), max_length=NUMBER_MAX)
        key = phone_key(raw)
        if key is None:
            raise InvalidInput(("tracking", i, "number"), "must not be blank")
        if key in found:
            raise InvalidInput(("tracking", i, "number"), "is listed twice")
        found[key] = TrackingNumber(
            number=key,
            source=clean_text(
                entry.source, ("tracking", i, "source"), max_length=SOURCE_MAX, required=False
            ),
            campaign=clean_text(
                entry.campaign, ("tracking", i, "campaign"), max_length=CAMPAIGN_MAX, required=False
            ),
        )
    if len(found) > MAX_TRACKING:
        raise InvalidInput("tracking", f"at most {MAX_TRACKING} tracking numbers")
    return tuple(found.values())


def _secret(value: str, name: str) -> str:
    text = value.strip()
    if len(text) > SECRET_MAX:
        raise InvalidInput(name, f"must be at most {SECRET_MAX} characters")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise InvalidInput(name, "must not contain control characters")
    return text


@dataclass(slots=True, kw_only=True)
class TelephonyIntegration:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    name: str
    provider: Provider
    # Zadarma's API key (its user key) or Mango's vpbx_api_key: Mango sends and signs with it.
    api_key: str = ""
    # What events are signed with: Zadarma's secret, Mango's salt, the generic API's key.
    secret: str = field(default_factory=new_secret)
    numbers: tuple[str, ...] = ()
    extensions: dict[str, UUID] = field(default_factory=dict)
    tracking: tuple[TrackingNumber, ...] = ()
    # Who takes a missed call from a number no client has (and a new caller's deal).
    default_user_id: UUID | None = None
    funnel_id: UUID | None = None
    callback_minutes: int = 15
    is_active: bool = True
    created_at: datetime | None = None
    version: int = 1

    @classmethod
    def create(
        cls, organisation_id: UUID, *, created_at: datetime, **values: Any
    ) -> TelephonyIntegration:
        provider = Provider(values.pop("provider"))
        secret = values.pop("secret", None)
        integration = cls(
            organisation_id=organisation_id,
            name=clean_text(values.pop("name"), "name", max_length=INTEGRATION_NAME_MAX),
            provider=provider,
            created_at=created_at,
        )
        if secret:
            integration.secret = _secret(secret, "secret")
        elif provider is not Provider.GENERIC:
            # A PBX's secret is chosen there, not here: it must be copied from its settings.
            raise InvalidInput(
                "secret", f"copy the signing secret from {provider.value}'s settings"
            )
        integration.change(**values)
        if provider is Provider.MANGO and not integration.api_key:
            raise InvalidInput("api_key", "Mango Office signs with its API key: copy it too")
        return integration

    def change(self, **changes: Any) -> None:
        if "name" in changes:
            self.name = clean_text(changes["name"], "name", max_length=INTEGRATION_NAME_MAX)
        if "api_key" in changes:
            self.api_key = _secret(changes["api_key"] or "", "api_key")
        if changes.get("secret"):
            self.secret = _secret(changes["secret"], "secret")
        if "numbers" in changes:
            self.numbers = _numbers(changes["numbers"])
        if "extensions" in changes:
            self.extensions = _extensions(changes["extensions"])
        if "tracking" in changes:
            self.tracking = _tracking(changes["tracking"])
        if "default_user_id" in changes:
            self.default_user_id = changes["default_user_id"]
        if "funnel_id" in changes:
            self.funnel_id = changes["funnel_id"]
        if "callback_minutes" in changes:
            minutes = int(changes["callback_minutes"])
            if not 1 <= minutes <= CALLBACK_MINUTES_MAX:
                raise InvalidInput("callback_minutes", f"must be from 1 to {CALLBACK_MINUTES_MAX}")
            self.callback_minutes = minutes
        if "is_active" in changes:
            self.is_active = bool(changes["is_active"])

    @property
    def region(self) -> str:
        """The country whose national format the PBX's numbers without a prefix are read in."""
        return _region_of(self.numbers)

    def tracking_for(self, company_number: str | None) -> TrackingNumber | None:
        if company_number is None:
            return None
        return next((t for t in self.tracking if t.number == company_number), None)

    def user_for(self, extension: str | None) -> UUID | None:
        return self.extensions.get(extension) if extension else None


@dataclass(frozen=True, slots=True)
class IntegrationRoute:
    """What the public endpoint needs to check and store an event before answering (cached)."""

    organisation_id: UUID
    integration_id: UUID
    provider: Provider
    is_active: bool
    api_key: str
    secret: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CallEvent:
    """One provider event, read: what it says about its call. Numbers as sent (``phone_key``
    reads them with the integration's country)."""

    name: str
    stage: EventStage
    call_id: str | None
    direction: CallDirection | None = None
    client_number: str | None = None
    company_number: str | None = None
    extension: str | None = None
    at: datetime | None = None
    started_at: datetime | None = None
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    result: CallResult | None = None
    duration_seconds: int | None = None
    talk_seconds: int | None = None
    recording_id: str | None = None
    recording_url: str | None = None
    disconnect_reason: str | None = None
    # One leg of the call (Mango's call_id within its entry_id): True when it appeared or is
    # connected, False when it was disconnected; None for events that say nothing of legs.
    leg: str | None = None
    leg_open: bool | None = None


@dataclass(slots=True, kw_only=True)
class Call:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    integration_id: UUID | None
    provider: str
    provider_call_id: str
    direction: CallDirection = CallDirection.INBOUND
    client_number: str | None = None
    company_number: str | None = None
    source: str | None = None
    campaign: str | None = None
    extension: str | None = None
    employee_id: UUID | None = None
    started_at: datetime
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    result: CallResult = CallResult.IN_PROGRESS
    duration_seconds: int | None = None
    talk_seconds: int | None = None
    recording_id: str | None = None
    recording_url: str | None = None
    disconnect_reason: str | None = None
    # The audio, fetched by the worker into file storage (``domain/intake/recordings.py``).
    recording_status: RecordingStatus | None = None
    recording_error: str | None = None
    recording_attempts: int = 0
    recording_next_attempt_at: datetime | None = None
    recording_key: str | None = None
    recording_size: int | None = None
    recording_content_type: str | None = None
    client_id: UUID | None = None
    contact_id: UUID | None = None
    deal_id: UUID | None = None
    callback_task_id: UUID | None = None
    event_names: list[str] = field(default_factory=list)
    # The latest moment an event of the call speaks of (the PBX's clock; the sweep's end),
    # when the last event came (ours: what the sweep's idle time counts from, whatever the
    # PBX's clock or time zone), and the inbox item of the last event folded.
    last_event_at: datetime | None = None
    last_heard_at: datetime | None = None
    last_item_id: UUID | None = None
    # Set when the sweep ended the call because its end was never reported.
    swept_at: datetime | None = None
    # The legs seen (``CallEvent.leg``): True while connected, False once hung up (for good:
    # an event of the leg processed after its hang-up does not reconnect it), and when the
    # last of them hung up (ours). A call with none connected is over, and the sweep ends it
    # soon after when its end is not reported, instead of after the idle time.
    legs: dict[str, bool] = field(default_factory=dict)
    legs_closed_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    is_new: bool = False
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    @property
    def is_over(self) -> bool:
        return self.result is not CallResult.IN_PROGRESS

    @property
    def is_missed(self) -> bool:
        return self.direction is CallDirection.INBOUND and self.is_over and not self.was_answered

    @property
    def was_answered(self) -> bool:
        return self.result is CallResult.ANSWERED

    @property
    def recording_available(self) -> bool:
        return self.recording_status is RecordingStatus.STORED and self.recording_key is not None

    def fold(
        self,
        event: CallEvent,
        integration: TelephonyIntegration | None,
        *,
        received_at: datetime | None = None,
    ) -> bool:
        """Takes in what ``event`` says (``received_at``: when it came); True when this event
        ended the call (its result is now known for the first time), or when the PBX's own end
        of a call the sweep ended says it was answered after all: what an answer brings
        (callbacks closed, call.answered) follows then, as the sweep's missed call had brought
        its callback task."""
        was_over = self.is_over
        answered_before = self.was_answered
        moment = event.ended_at or event.at or event.answered_at or event.started_at
        moment = moment or received_at
        if moment is not None and (self.last_event_at is None or moment > self.last_event_at):
            self.last_event_at = moment
        if received_at is not None and (
            self.last_heard_at is None or received_at > self.last_heard_at
        ):
            self.last_heard_at = received_at
        region = integration.region if integration else DEFAULT_REGION
        if len(self.event_names) < MAX_CALL_EVENTS:
            self.event_names.append(event.name)
        if event.direction is not None and (self.is_new or event.stage is EventStage.END):
            self.direction = event.direction
        self.client_number = self.client_number or phone_key(event.client_number, region)
        if self.company_number is None and event.company_number:
            self.company_number = phone_key(event.company_number, region)
            tracked = integration.tracking_for(self.company_number) if integration else None
            if tracked is not None:
                self.source, self.campaign = tracked.source, tracked.campaign
        if event.extension and (self.extension is None or event.stage is EventStage.ANSWER):
            self.extension = event.extension[:EXTENSION_MAX]
            employee = integration.user_for(self.extension) if integration else None
            self.employee_id = employee or self.employee_id
        started = event.started_at or (event.at if event.stage is EventStage.START else None)
        if started is not None and (self.is_new or started < self.started_at):
            self.started_at = started
        answered = event.answered_at or (event.at if event.stage is EventStage.ANSWER else None)
        if answered is not None and self.answered_at is None:
            self.answered_at = answered
        if event.leg and event.leg_open is not None:
            self._leg(event.leg[:100], event.leg_open, received_at or moment)
        if event.recording_id:
            self.recording_id = event.recording_id[:300]
        if event.recording_url:
            self.recording_url = event.recording_url[:2000]
        announced = event.stage is EventStage.RECORDING and bool(event.recording_id)
        if (announced or event.recording_url) and received_at is not None:
            self.want_recording(received_at)
        if event.stage is EventStage.END:
            self.result = event.result or (
                CallResult.ANSWERED if self.answered_at else _unanswered(self.direction)
            )
            self.ended_at = event.ended_at or (
                self.started_at + timedelta(seconds=event.duration_seconds)
                if event.duration_seconds is not None
                else event.at
            )
            if event.duration_seconds is not None:
                self.duration_seconds = event.duration_seconds
            elif self.ended_at is not None:
                self.duration_seconds = max(
                    0, int((self.ended_at - self.started_at).total_seconds())
                )
            if event.talk_seconds is not None:
                self.talk_seconds = event.talk_seconds
            elif self.result is CallResult.ANSWERED and self.answered_at and self.ended_at:
                self.talk_seconds = max(0, int((self.ended_at - self.answered_at).total_seconds()))
            if event.disconnect_reason:
                self.disconnect_reason = event.disconnect_reason[:64]
        self.is_new = False
        if self.swept_at is not None and was_over and self.was_answered and not answered_before:
            return True
        return self.is_over and not was_over

    def want_recording(self, at: datetime) -> None:
        """The PBX says the recording is ready: the worker fetches it from ``at`` on (again,
        when an earlier try gave up); one already stored stays."""
        if self.recording_status is RecordingStatus.STORED:
            return
        self.recording_status = RecordingStatus.PENDING
        self.recording_error = None
        self.recording_attempts = 0
        self.recording_next_attempt_at = at

    def recording_stored(self, key: str, size: int, content_type: str) -> None:
        self.recording_status = RecordingStatus.STORED
        self.recording_key = key
        self.recording_size = size
        self.recording_content_type = content_type[:100]
        self.recording_error = None
        self.recording_attempts += 1
        self.recording_next_attempt_at = None

    def recording_failed(
        self, reason: str, *, at: datetime, retry: bool, base_delay: timedelta
    ) -> None:
        """One fetch failed: tried again after a growing delay while it may pass (a 5xx, a
        timeout) and attempts remain, else given up with the reason."""
        self.recording_attempts += 1
        self.recording_error = reason[:500]
        if retry and self.recording_attempts < RECORDING_MAX_ATTEMPTS:
            self.recording_status = RecordingStatus.PENDING
            self.recording_next_attempt_at = at + base_delay * 4 ** (self.recording_attempts - 1)
            return
        self.recording_status = RecordingStatus.FAILED
        self.recording_next_attempt_at = None

    def _leg(self, leg: str, connected: bool, at: datetime | None) -> None:
        if self.legs.get(leg) is False:
            return
        if leg not in self.legs and len(self.legs) >= MAX_LEGS:
            self.legs_closed_at = None  # past what is tracked: left to the idle time
            return
        self.legs[leg] = connected
        if any(self.legs.values()):
            self.legs_closed_at = None
        else:
            self.legs_closed_at = self.legs_closed_at or at

    def sweep_event(self) -> CallEvent:
        """The end the PBX never reported, as the stale-call sweep makes it: at the last
        event's time, its result derived from what was seen (``fold`` does that for an end
        without a result)."""
        return CallEvent(
            name=HUNG_UP_EVENT if self.legs_closed_at is not None else SWEEP_EVENT,
            stage=EventStage.END,
            call_id=self.provider_call_id,
            ended_at=self.last_event_at or self.started_at,
        )

    def record_outcome(
        self,
        *,
        at: datetime,
        task_id: UUID | None,
        assignee_id: UUID | None,
        closed: Iterable[UUID],
    ) -> None:
        """The call just ended: integrators hear that it was missed or answered."""
        common: dict[str, Any] = {
            "organisation_id": self.organisation_id,
            "occurred_at": at,
            "call_id": self.id,
            "integration_id": self.integration_id,
            "direction": self.direction.value,
            "client_number": self.client_number,
            "company_number": self.company_number,
            "source": self.source,
            "campaign": self.campaign,
            "client_id": self.client_id,
            "deal_id": self.deal_id,
            "started_at": self.started_at,
        }
        if self.is_missed:
            self.events.append(
                CallMissed(
                    **common, result=self.result.value, task_id=task_id, assignee_id=assignee_id
                )
            )
        elif self.was_answered:
            self.events.append(
                CallAnswered(
                    **common,
                    employee_id=self.employee_id,
                    extension=self.extension,
                    talk_seconds=self.talk_seconds,
                    recording_id=self.recording_id,
                    closed_task_ids=tuple(closed),
                )
            )


def _unanswered(direction: CallDirection) -> CallResult:
    return CallResult.MISSED if direction is CallDirection.INBOUND else CallResult.NO_ANSWER


def new_call(
    organisation_id: UUID, integration_id: UUID, provider: str, event: CallEvent, *, at: datetime
) -> Call:
    """A call first heard of through ``event`` (whichever of its events came first)."""
    assert event.call_id is not None
    return Call(
        organisation_id=organisation_id,
        integration_id=integration_id,
        provider=provider,
        provider_call_id=event.call_id[:200],
        direction=event.direction or CallDirection.INBOUND,
        started_at=event.started_at or event.at or at,
        is_new=True,
    )


# --- ports ----------------------------------------------------------------------------------


class TelephonyRepository(Protocol):
    """Integrations and calls, inside a unit of work."""

    async def add_integration(self, integration: TelephonyIntegration) -> None: ...
    async def get_integration(
        self, scope: Scope, integration_id: UUID
    ) -> TelephonyIntegration | None: ...
    async def list_integrations(
        self, scope: Scope, *, limit: int, after: tuple[datetime, UUID] | None = None
    ) -> Sequence[TelephonyIntegration]:
        """Newest first, after the keyset cursor (created_at, id)."""
        ...

    async def update_integration(
        self, integration: TelephonyIntegration, expected_version: int
    ) -> None: ...
    async def delete_integration(self, scope: Scope, integration_id: UUID) -> None: ...

    async def lock_call(self, call: Call) -> Call:
        """The stored call with ``call``'s provider id, locked for this transaction; ``call``
        itself (stored now, ``is_new``) when it is the first event of it."""
        ...

    async def save_call(self, call: Call) -> None:
        """Its state; hands the call's events to the unit of work."""
        ...

    async def open_callbacks(
        self, organisation_id: UUID, client_number: str
    ) -> Sequence[tuple[UUID, UUID]]:
        """(task id, assignee id) of the open callback tasks of missed calls from the number,
        oldest first."""
        ...

    async def get_call(self, scope: Scope, call_id: UUID) -> Call | None:
        """A call of the scope's organisation (who may see it is the service's to decide)."""
        ...

    async def stale_calls(
        self,
        *,
        before: datetime,
        hung_up_before: datetime,
        organisation_id: UUID | None,
        limit: int,
    ) -> Sequence[tuple[UUID, UUID]]:
        """(organisation id, call id) of calls still in progress whose last event came
        before ``before``, or before ``hung_up_before`` when every leg of the call had hung
        up, oldest first."""
        ...

    async def lock_stale_call(
        self, organisation_id: UUID, call_id: UUID, *, before: datetime, hung_up_before: datetime
    ) -> Call | None:
        """The call, locked, when it is still in progress and stale; None when another
        transaction holds it (SKIP LOCKED) or it has ended meanwhile."""
        ...

    async def claim_due_recordings(
        self,
        *,
        now: datetime,
        lease: timedelta,
        organisation_id: UUID | None = None,
        limit: int,
    ) -> Sequence[Call]:
        """Calls whose recording is pending and due, their next attempt moved ``lease``
        ahead (SKIP LOCKED: two workers never fetch the same one at once)."""
        ...

    async def save_recording(self, call: Call) -> None:
        """The recording's fetch state only (events folded meanwhile keep theirs)."""
        ...


class IntegrationDirectory(Protocol):
    async def route(self, integration_id: UUID) -> IntegrationRoute | None:
        """The integration behind a public URL, across organisations (it may answer from a
        short-lived cache)."""
        ...
