"""Lead intake: every inbound request is an ``InboxItem`` stored raw before it is answered,
then processed by a worker; website forms (``Form``) say how a post becomes a lead.

An item's life: ``pending`` (stored; waiting for a worker, or for a retry after a failure) ->
``processed`` (a lead came out of it), ``ignored`` (nothing to take in: a sender's connection
check, a bot caught by the honeypot) or ``rejected`` (the request itself is wrong: a missing
secret, a body that is too large or names nobody to call back). A processing failure (a bug, a
database outage) is retried with backoff; after ``MAX_ATTEMPTS`` the item is ``dead``, with the
reason, until an administrator retries it. Nothing is ever deleted or dropped here.
"""

from __future__ import annotations

import enum
import random
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from domain.shared.errors import InvalidInput, InvalidTransition
from domain.shared.events import DomainEvent
from domain.shared.ids import new_id
from domain.shared.text import clean_text

# --- the inbox ---------------------------------------------------------------------------

MAX_ATTEMPTS = 6
# Nominal delays before the 2nd, 3rd ... attempt; full jitter draws below each.
_BACKOFF_SECONDS = (5, 30, 120, 600, 1800)
# A worker that claimed an item has this long to finish it before another may.
CLAIM_LEASE = timedelta(minutes=2)
# Bytes of a refused, oversized body that are still kept, so the sender can be traced.
REFUSED_BODY_EXCERPT = 4096
MAX_ERROR_LENGTH = 2000


class Source(enum.StrEnum):
    FORM = "form"
    TELEPHONY = "telephony"
    API = "api"


class InboxState(enum.StrEnum):
    PENDING = "pending"
    PROCESSED = "processed"
    IGNORED = "ignored"
    REJECTED = "rejected"
    DEAD = "dead"


# States an administrator may send back for processing; a processed item made its lead.
RETRYABLE = frozenset({InboxState.DEAD, InboxState.REJECTED, InboxState.IGNORED})


@dataclass(frozen=True, slots=True)
class Outcome:
    """What processing concluded: the new state, why, and the lead when one came out."""

    state: InboxState
    reason: str | None = None
    lead: Mapping[str, Any] | None = None

    @classmethod
    def processed(cls, lead: Mapping[str, Any]) -> Outcome:
        return cls(InboxState.PROCESSED, None, lead)

    @classmethod
    def ignored(cls, reason: str, lead: Mapping[str, Any] | None = None) -> Outcome:
        return cls(InboxState.IGNORED, reason, lead)

    @classmethod
    def rejected(cls, reason: str, lead: Mapping[str, Any] | None = None) -> Outcome:
        return cls(InboxState.REJECTED, reason, lead)


@dataclass(slots=True, kw_only=True)
class InboxItem:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    source: Source
    # The sender's format: "tilda", "generic" (forms), a telephony provider's name.
    provider: str
    # The form (or telephony integration) the request was addressed to.
    channel_id: UUID | None = None
    # The provider's own id of the event, prefixed by the channel: a redelivery has the same
    # one and is stored once (None: the sender gives none).
    event_key: str | None = None
    received_at: datetime
    remote_addr: str | None = None
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    body_size: int = 0
    state: InboxState = InboxState.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    processed_at: datetime | None = None
    # The lead as read from the body (name, phone, e-mail, source, campaign, other fields).
    lead: dict[str, Any] | None = None
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    def conclude(self, outcome: Outcome, at: datetime) -> None:
        self.state = outcome.state
        self.last_error = _error_text(outcome.reason) if outcome.reason else None
        self.lead = dict(outcome.lead) if outcome.lead is not None else self.lead
        self.processed_at = at
        self.next_attempt_at = None

    def fail(self, error: str, at: datetime, *, rng: random.Random | None = None) -> None:
        """A processing attempt failed: retry later, or dead after MAX_ATTEMPTS."""
        self.attempts += 1
        self.last_error = _error_text(error)
        if self.attempts >= MAX_ATTEMPTS:
            self.state = InboxState.DEAD
            self.next_attempt_at = None
            return
        self.state = InboxState.PENDING
        self.next_attempt_at = at + retry_delay(self.attempts, rng)

    def retry(self, at: datetime) -> None:
        """An administrator sends the item back for processing, with a fresh attempt count."""
        if self.state not in RETRYABLE:
            raise InvalidTransition(
                f"Only dead, rejected or ignored requests can be retried; this one is "
                f"{self.state.value}"
            )
        self.state = InboxState.PENDING
        self.attempts = 0
        self.next_attempt_at = at
        self.processed_at = None


def retry_delay(attempts: int, rng: random.Random | None = None) -> timedelta:
    nominal = _BACKOFF_SECONDS[min(attempts, len(_BACKOFF_SECONDS)) - 1]
    return timedelta(seconds=(rng or random).uniform(nominal / 2, nominal))


def _error_text(text: str) -> str:
    return text[:MAX_ERROR_LENGTH]


# --- forms --------------------------------------------------------------------------------

FORM_NAME_MAX = 200
FIELD_NAME_MAX = 100
MAX_NAMES_PER_ROLE = 20
RATE_LIMIT_MAX = 100_000
KEY_BYTES = 12
SECRET_BYTES = 24
TAG_MAX = 64
MAX_DISTRIBUTION_USERS = 200


class LeadField(enum.StrEnum):
    """What a form field can hold, for the lead."""

    NAME = "name"
    PHONE = "phone"
    EMAIL = "email"
    COMMENT = "comment"
    PRODUCT = "product"
    COMPANY = "company"


# Field names that mean each role when a form does not say otherwise, compared after
# ``field_key`` (case, spaces, dashes and underscores do not matter). Russian, Ukrainian and
# English, and the defaults of Tilda, WordPress Contact Form 7, Bitrix and amoCRM forms.
DEFAULT_FIELD_NAMES: dict[LeadField, tuple[str, ...]] = {
    LeadField.NAME: (
        "name",
        "fio",
        "fullname",
        "yourname",
        "firstname",
        "contactname",
        "client",
        "клиент",
        "имя",
        "фио",
        "вашеимя",
        "ім'я",
        "імя",
        "піб",
        "contact",
        "контакт",
        "username",
    ),
    LeadField.PHONE: (
        "phone",
        "tel",
        "telephone",
        "phonenumber",
        "mobile",
        "yourphone",
        "cellphone",
        "телефон",
        "тел",
        "номертелефона",
        "ваштелефон",
        "мобильный",
        "номер",
        "whatsapp",
    ),
    LeadField.EMAIL: (
        "email",
        "mail",
        "youremail",
        "emailaddress",
        "почта",
        "электроннаяпочта",
        "емейл",
        "пошта",
        "електроннапошта",
    ),
    LeadField.COMMENT: (
        "comment",
        "comments",
        "message",
        "yourmessage",
        "textarea",
        "text",
        "question",
        "комментарий",
        "сообщение",
        "вопрос",
        "коментар",
        "повідомлення",
        "питання",
        "note",
    ),
    LeadField.PRODUCT: (
        "product",
        "service",
        "item",
        "goods",
        "товар",
        "услуга",
        "продукт",
        "послуга",
    ),
    LeadField.COMPANY: (
        "company",
        "organization",
        "organisation",
        "компания",
        "организация",
        "компанія",
        "організація",
    ),
}

_SEPARATORS = re.compile(r"[\s_\-.:]+")


def field_key(name: str) -> str:
    """How field names are compared: case-folded, without spaces, dashes, dots, underscores."""
    return _SEPARATORS.sub("", name.casefold())


class DistributionKind(enum.StrEnum):
    """How the form's leads are shared out (applied by the distribution rules, later)."""

    MANUAL = "manual"
    ROUND_ROBIN = "round_robin"
    LEAST_LOADED = "least_loaded"
    BY_TAG = "by_tag"


@dataclass(frozen=True, slots=True, kw_only=True)
class DistributionRule:
    kind: DistributionKind = DistributionKind.MANUAL
    # Among whom (empty: everyone on duty who may take leads).
    user_ids: tuple[UUID, ...] = ()
    # For BY_TAG: the lead's field whose value picks the people (region, language, product).
    tag: str | None = None

    def __post_init__(self) -> None:
        if len(self.user_ids) > MAX_DISTRIBUTION_USERS:
            raise InvalidInput(
                ("distribution", "user_ids"), f"at most {MAX_DISTRIBUTION_USERS} people"
            )
        if len(set(self.user_ids)) != len(self.user_ids):
            raise InvalidInput(("distribution", "user_ids"), "must not repeat a person")
        if self.kind is DistributionKind.BY_TAG and not self.tag:
            raise InvalidInput(("distribution", "tag"), "is required for distribution by tag")
        if self.tag is not None:
            clean_text(self.tag, ("distribution", "tag"), max_length=TAG_MAX)


def _mapping(value: Mapping[LeadField, Iterable[str]]) -> dict[LeadField, tuple[str, ...]]:
    cleaned: dict[LeadField, tuple[str, ...]] = {}
    for role, names in value.items():
        listed = [
            clean_text(name, ("field_map", role.value), max_length=FIELD_NAME_MAX) for name in names
        ]
        if len(listed) > MAX_NAMES_PER_ROLE:
            raise InvalidInput(
                ("field_map", role.value), f"at most {MAX_NAMES_PER_ROLE} field names"
            )
        if listed:
            cleaned[role] = tuple(dict.fromkeys(listed))
    return cleaned


def _rate_limit(value: int | None) -> int | None:
    if value is not None and not 1 <= value <= RATE_LIMIT_MAX:
        raise InvalidInput("rate_limit_per_minute", f"must be from 1 to {RATE_LIMIT_MAX}")
    return value


def new_form_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def new_form_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


@dataclass(slots=True, kw_only=True)
class Form:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    # The public part of the form's URL: /api/v1/intake/forms/{key}.
    key: str = field(default_factory=new_form_key)
    name: str
    # Sent by the site's server (Tilda's "API key", as a header or a body field named
    # ``secret_field``); required only when ``require_secret`` (a browser form cannot keep one).
    secret: str = field(default_factory=new_form_secret)
    secret_field: str = "api-key"  # noqa: S105 - the field's name, not a secret
    require_secret: bool = False
    # Extra field names per role, tried before the defaults.
    field_map: dict[LeadField, tuple[str, ...]] = field(default_factory=dict)
    funnel_id: UUID | None = None
    distribution: DistributionRule = field(default_factory=DistributionRule)
    # A field real people never fill in (hidden by the embed snippet); a post that fills it
    # is a bot's and is ignored.
    honeypot_field: str | None = "website"
    # Posts per minute from one address; None: no limit.
    rate_limit_per_minute: int | None = 30
    is_active: bool = True
    created_at: datetime | None = None
    version: int = 1

    @classmethod
    def create(
        cls,
        organisation_id: UUID,
        *,
        name: str,
        funnel_id: UUID | None,
        field_map: Mapping[LeadField, Iterable[str]] | None = None,
        distribution: DistributionRule | None = None,
        secret_field: str = "api-key",  # noqa: S107 - the field's name, not a secret
        require_secret: bool = False,
        honeypot_field: str | None = "website",
        rate_limit_per_minute: int | None = 30,
        is_active: bool = True,
        created_at: datetime,
    ) -> Form:
        form = cls(
            organisation_id=organisation_id,
            name=clean_text(name, "name", max_length=FORM_NAME_MAX),
            created_at=created_at,
        )
        form.change(
            funnel_id=funnel_id,
            field_map=field_map or {},
            distribution=distribution or DistributionRule(),
            secret_field=secret_field,
            require_secret=require_secret,
            honeypot_field=honeypot_field,
            rate_limit_per_minute=rate_limit_per_minute,
            is_active=is_active,
        )
        return form

    def change(self, **changes: Any) -> None:
        """Only the given fields change (``honeypot_field`` and ``rate_limit_per_minute`` may
        be None: no honeypot, no limit)."""
        if "name" in changes:
            self.name = clean_text(changes["name"], "name", max_length=FORM_NAME_MAX)
        if "funnel_id" in changes:
            self.funnel_id = changes["funnel_id"]
        if "field_map" in changes:
            self.field_map = _mapping(changes["field_map"])
        if "distribution" in changes:
            self.distribution = changes["distribution"]
        if "secret_field" in changes:
            self.secret_field = clean_text(
                changes["secret_field"], "secret_field", max_length=FIELD_NAME_MAX
            )
        if "require_secret" in changes:
            self.require_secret = bool(changes["require_secret"])
        if "honeypot_field" in changes:
            value = changes["honeypot_field"]
            self.honeypot_field = (
                clean_text(value, "honeypot_field", max_length=FIELD_NAME_MAX, required=False)
                if value is not None
                else None
            )
        if "rate_limit_per_minute" in changes:
            self.rate_limit_per_minute = _rate_limit(changes["rate_limit_per_minute"])
        if "is_active" in changes:
            self.is_active = bool(changes["is_active"])

    def rotate_secret(self) -> str:
        self.secret = new_form_secret()
        return self.secret

    def names_for(self, role: LeadField) -> tuple[str, ...]:
        """The compared keys (``field_key``) that fill ``role``: the form's own first."""
        own = tuple(field_key(name) for name in self.field_map.get(role, ()))
        return own + tuple(field_key(name) for name in DEFAULT_FIELD_NAMES[role])


@dataclass(frozen=True, slots=True)
class FormRoute:
    """What the public endpoint needs to know of a form before storing a post (cached)."""

    organisation_id: UUID
    form_id: UUID
    is_active: bool
    rate_limit_per_minute: int | None
    honeypot_field: str | None = None
    # For senders that sign in with the form's secret (a shop's orders): checked before storing.
    secret: str | None = field(default=None, repr=False)
    secret_field: str = "api-key"  # noqa: S105 - the field's name, not a secret
