from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import Field

from api.schemas.base import Name, Schema
from domain.intake.calls import (
    CALLBACK_MINUTES_MAX,
    CAMPAIGN_MAX,
    EXTENSION_MAX,
    INTEGRATION_NAME_MAX,
    MAX_EXTENSIONS,
    MAX_NUMBERS,
    MAX_TRACKING,
    NUMBER_MAX,
    SECRET_MAX,
    SOURCE_MAX,
    Call,
    CallDirection,
    CallResult,
    Provider,
    RecordingStatus,
    TelephonyIntegration,
    TrackingNumber,
)
from domain.intake.originate import Origination, OriginationStatus
from domain.intake.reviews import CallReview

IntegrationName = Annotated[Name, Field(min_length=1, max_length=INTEGRATION_NAME_MAX)]
Secret = Annotated[Name, Field(min_length=1, max_length=SECRET_MAX)]
Number = Annotated[Name, Field(min_length=1, max_length=NUMBER_MAX)]
Extension = Annotated[
    str, Field(min_length=1, max_length=EXTENSION_MAX, pattern=r"^[0-9A-Za-z*#_\-]+$")
]
Numbers = Annotated[
    list[Number],
    Field(max_length=MAX_NUMBERS, description="The company's numbers, read as E.164"),
]
Extensions = Annotated[
    dict[Extension, UUID],
    Field(
        max_length=MAX_EXTENSIONS,
        description="The PBX's extensions and the people behind them",
        examples=[{"100": "0b7c2f0e-6f53-4e8e-9d61-0d5c9a1e2b11"}],
    ),
]
CallbackMinutes = Annotated[int, Field(ge=1, le=CALLBACK_MINUTES_MAX)]


class TrackingNumberBody(Schema):
    number: Number
    source: Annotated[Name, Field(max_length=SOURCE_MAX)] | None = None
    campaign: Annotated[Name, Field(max_length=CAMPAIGN_MAX)] | None = None

    def to_domain(self) -> TrackingNumber:
        return TrackingNumber(self.number, self.source, self.campaign)

    @classmethod
    def of(cls, tracking: TrackingNumber) -> TrackingNumberBody:
        return cls(number=tracking.number, source=tracking.source, campaign=tracking.campaign)


Tracking = Annotated[
    list[TrackingNumberBody],
    Field(
        max_length=MAX_TRACKING,
        description="Tracking numbers: a call to one came from its source and campaign",
    ),
]


class TelephonyIntegrationCreate(Schema):
    name: IntegrationName
    provider: Provider
    api_key: Secret | None = Field(
        default=None,
        description="Mango Office: the vpbx_api_key (required, Mango signs with it); "
        "Zadarma: the API key (optional; with it call recordings are fetched through "
        "Zadarma's API, signed with the secret)",
    )
    secret: Secret | None = Field(
        default=None,
        description="Zadarma: the API secret; Mango Office: the salt; generic: left empty, "
        "one is made and shown once",
    )
    numbers: Numbers = Field(default_factory=list)
    extensions: Extensions = Field(default_factory=dict)
    tracking: Tracking = Field(default_factory=list)
    default_user_id: UUID | None = Field(
        default=None,
        description="Who calls back a missed caller no client is known for (and is "
        "responsible for a new caller's deal)",
    )
    funnel_id: UUID | None = Field(default=None, description="Where a new caller's deal opens")
    callback_minutes: CallbackMinutes = Field(
        default=15, description="A missed call's callback task is due this long after it"
    )
    is_active: bool = True

    def values(self) -> dict[str, Any]:
        values = self.model_dump(exclude={"tracking", "api_key"})
        values["tracking"] = [t.to_domain() for t in self.tracking]
        values["api_key"] = self.api_key or ""
        return values


class TelephonyIntegrationUpdate(Schema):
    name: IntegrationName | None = None
    api_key: Secret | None = None
    secret: Secret | None = Field(default=None, description="A new secret or salt; never shown")
    numbers: Numbers | None = None
    extensions: Extensions | None = None
    tracking: Tracking | None = None
    default_user_id: UUID | None = None
    funnel_id: UUID | None = None
    callback_minutes: CallbackMinutes | None = None
    is_active: bool | None = None

    def values(self) -> dict[str, Any]:
        """The fields sent; null clears default_user_id and funnel_id and leaves the others."""
        values = self.model_dump(exclude_unset=True, exclude={"tracking"})
        for name in list(values):
            if values[name] is None and name not in {"default_user_id", "funnel_id"}:
                del values[name]
        if self.tracking is not None:
            values["tracking"] = [t.to_domain() for t in self.tracking]
        return values


def _hint(secret: str) -> str | None:
    return f"…{secret[-4:]}" if len(secret) >= 8 else ("…" if secret else None)


class TelephonyIntegrationRead(Schema):
    id: UUID
    name: str
    provider: Provider
    event_path: str = Field(
        description="Where the PBX posts its events: the CRM's address plus this (Mango Office: "
        "its base URL; it adds /events/call, /events/summary ...)"
    )
    api_key_hint: str | None = Field(description="The end of the API key; never all of it")
    secret_hint: str | None = Field(description="The end of the secret; never all of it")
    numbers: list[str]
    extensions: dict[str, UUID]
    tracking: list[TrackingNumberBody]
    default_user_id: UUID | None
    funnel_id: UUID | None
    callback_minutes: int
    is_active: bool
    created_at: datetime | None
    version: int

    @classmethod
    def of(cls, i: TelephonyIntegration) -> TelephonyIntegrationRead:
        return cls(
            id=i.id,
            name=i.name,
            provider=i.provider,
            event_path=f"/api/v1/intake/telephony/{i.provider.value}/{i.id}",
            api_key_hint=_hint(i.api_key),
            secret_hint=_hint(i.secret),
            numbers=list(i.numbers),
            extensions=dict(i.extensions),
            tracking=[TrackingNumberBody.of(t) for t in i.tracking],
            default_user_id=i.default_user_id,
            funnel_id=i.funnel_id,
            callback_minutes=i.callback_minutes,
            is_active=i.is_active,
            created_at=i.created_at,
            version=i.version,
        )


class TelephonyIntegrationCreated(TelephonyIntegrationRead):
    secret: str = Field(description="The signing secret, shown in this answer only")


class TelephonyIntegrationPage(Schema):
    items: list[TelephonyIntegrationRead]
    next_cursor: str | None


class CallEventAccepted(Schema):
    id: UUID = Field(description="The stored event, as the inbox lists it")
    duplicate: bool = Field(description="A redelivery of an event already stored")


class CallReviewRead(Schema):
    score: int = Field(ge=1, le=5)
    comment: str
    reviewer_id: UUID | None
    reviewed_at: datetime

    @classmethod
    def of(cls, r: CallReview) -> CallReviewRead:
        return cls(
            score=r.score, comment=r.comment, reviewer_id=r.reviewer_id, reviewed_at=r.reviewed_at
        )


class CallReviewWrite(Schema):
    """A head's word on a call: replaces an earlier review of it."""

    score: int = Field(ge=1, le=5, description="1 (poor) to 5 (exemplary)")
    comment: str | None = Field(default=None, max_length=2000)


class CallRead(Schema):
    id: UUID
    integration_id: UUID | None
    provider: str
    provider_call_id: str
    direction: CallDirection
    client_number: str | None = Field(description="The outside party, E.164 when it reads so")
    company_number: str | None = Field(description="The company's number called (tracking)")
    source: str | None
    campaign: str | None
    extension: str | None
    employee_id: UUID | None
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    result: CallResult
    duration_seconds: int | None
    talk_seconds: int | None
    recording_id: str | None
    recording_url: str | None
    recording_status: RecordingStatus | None = Field(
        description="The recording's fetch into the CRM: pending, stored, failed (none: no "
        "recording announced)"
    )
    recording_error: str | None = Field(description="Why the last fetch failed")
    recording_attempts: int
    recording_available: bool = Field(
        description="Stored: GET /intake/calls/{id}/recording serves it"
    )
    closed_by_sweep: bool = Field(
        description="Its end never came from the PBX: ended by the sweep after its last event"
    )
    client_id: UUID | None
    contact_id: UUID | None
    deal_id: UUID | None
    callback_task_id: UUID | None
    events: list[str] = Field(description="The provider's events of this call, as they came")
    review: CallReviewRead | None = Field(
        default=None, description="A head's review of the call (score and comment), if any"
    )

    @classmethod
    def of(cls, c: Call, review: CallReview | None = None) -> CallRead:
        return cls(
            id=c.id,
            integration_id=c.integration_id,
            provider=c.provider,
            provider_call_id=c.provider_call_id,
            direction=c.direction,
            client_number=c.client_number,
            company_number=c.company_number,
            source=c.source,
            campaign=c.campaign,
            extension=c.extension,
            employee_id=c.employee_id,
            started_at=c.started_at,
            answered_at=c.answered_at,
            ended_at=c.ended_at,
            result=c.result,
            duration_seconds=c.duration_seconds,
            talk_seconds=c.talk_seconds,
            recording_id=c.recording_id,
            recording_url=c.recording_url,
            recording_status=c.recording_status,
            recording_error=c.recording_error,
            recording_attempts=c.recording_attempts,
            recording_available=c.recording_available,
            closed_by_sweep=c.swept_at is not None,
            client_id=c.client_id,
            contact_id=c.contact_id,
            deal_id=c.deal_id,
            callback_task_id=c.callback_task_id,
            events=list(c.event_names),
            review=CallReviewRead.of(review) if review else None,
        )


class CallPage(Schema):
    items: list[CallRead]
    next_cursor: str | None


class ClickToCallCreate(Schema):
    number: str = Field(min_length=1, max_length=32, description="The number to call")
    client_id: UUID | None = Field(default=None, description="The client being called")
    deal_id: UUID | None = Field(default=None, description="The deal the call is about")
    call_list_item_id: UUID | None = Field(
        default=None, description="The call list item being worked"
    )


class OriginationRead(Schema):
    id: UUID
    status: OriginationStatus = Field(
        description="accepted: the PBX is ringing the employee's extension, then the number"
    )
    error: str | None = Field(description="Why the PBX did not start the call")
    number: str
    extension: str | None
    integration_id: UUID | None
    client_id: UUID | None
    deal_id: UUID | None
    call_list_item_id: UUID | None
    call_id: UUID | None = Field(description="The call the PBX reported for it, once it did")
    requested_at: datetime

    @classmethod
    def of(cls, o: Origination) -> OriginationRead:
        return cls(
            id=o.id,
            status=o.status,
            error=o.error,
            number=o.number,
            extension=o.extension,
            integration_id=o.integration_id,
            client_id=o.client_id,
            deal_id=o.deal_id,
            call_list_item_id=o.call_list_item_id,
            call_id=o.call_id,
            requested_at=o.requested_at,
        )


class OriginationPage(Schema):
    items: list[OriginationRead]
    next_cursor: str | None


class ClickToCallLine(Schema):
    available: bool = Field(description="Whether the PBX can call the caller back from the CRM")
    provider: Provider | None
    extension: str | None = Field(description="The caller's extension the PBX rings first")
