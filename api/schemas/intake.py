from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import Field

from api.schemas.base import Name, Schema
from domain.deals.model import PRODUCT_NAME_MAX
from domain.intake.model import (
    FIELD_NAME_MAX,
    FORM_NAME_MAX,
    MAX_DISTRIBUTION_USERS,
    MAX_NAMES_PER_ROLE,
    RATE_LIMIT_MAX,
    TAG_MAX,
    DistributionKind,
    DistributionRule,
    Form,
    InboxItem,
    InboxState,
    LeadField,
    Source,
)
from domain.intake.orders import (
    COMMENT_MAX,
    DELIVERY_MAX,
    MAX_OPTIONS,
    MAX_ORDER_LINES,
    OPTION_MAX,
    ORDER_ID_MAX,
    PAYMENT_SYSTEM_MAX,
    SKU_MAX,
)
from domain.intake.parsing import decode_text
from domain.shared.money import NUMBER_MAX_LENGTH, QUANTITY_MAX

FieldName = Annotated[Name, Field(min_length=1, max_length=FIELD_NAME_MAX)]
FieldMap = Annotated[
    dict[LeadField, Annotated[list[FieldName], Field(max_length=MAX_NAMES_PER_ROLE)]],
    Field(
        description="Per lead field, the form's own field names (matched ignoring case, "
        "spaces, dashes and underscores), tried before the defaults: name/имя/fio, "
        "phone/телефон/tel, email/почта, comment/комментарий/message, product/товар, "
        "company/компания",
        examples=[{"phone": ["Ваш телефон"], "name": ["Как к вам обращаться"]}],
    ),
]
RateLimit = Annotated[int, Field(ge=1, le=RATE_LIMIT_MAX)]


class DistributionRuleBody(Schema):
    kind: DistributionKind = DistributionKind.MANUAL
    user_ids: list[UUID] = Field(default_factory=list, max_length=MAX_DISTRIBUTION_USERS)
    tag: Annotated[Name, Field(min_length=1, max_length=TAG_MAX)] | None = Field(
        default=None, description="For by_tag: the lead field whose value picks the people"
    )

    def to_rule(self) -> DistributionRule:
        return DistributionRule(kind=self.kind, user_ids=tuple(self.user_ids), tag=self.tag)

    @classmethod
    def of(cls, rule: DistributionRule) -> DistributionRuleBody:
        return cls(kind=rule.kind, user_ids=list(rule.user_ids), tag=rule.tag)


class FormCreate(Schema):
    name: Annotated[Name, Field(min_length=1, max_length=FORM_NAME_MAX)]
    funnel_id: UUID | None = Field(default=None, description="Where the form's leads become deals")
    field_map: FieldMap = Field(default_factory=dict)
    distribution: DistributionRuleBody = Field(default_factory=DistributionRuleBody)
    secret_field: FieldName = Field(
        default="api-key",
        description="The header or body field that carries the form's secret key "
        "(Tilda: the API key's name)",
    )
    require_secret: bool = Field(
        default=False,
        description="Reject posts without the secret: for server-to-server senders (Tilda); "
        "a browser form cannot keep a secret",
    )
    honeypot_field: FieldName | None = Field(
        default="website",
        description="A hidden field people never fill in; a post that fills it is ignored",
    )
    rate_limit_per_minute: RateLimit | None = Field(
        default=30, description="Posts a minute from one address; null: no limit"
    )
    is_active: bool = True

    def values(self) -> dict[str, Any]:
        values = self.model_dump(exclude={"distribution"})
        values["distribution"] = self.distribution.to_rule()
        return values


class FormUpdate(Schema):
    name: Annotated[Name, Field(min_length=1, max_length=FORM_NAME_MAX)] | None = None
    funnel_id: UUID | None = None
    field_map: FieldMap | None = None
    distribution: DistributionRuleBody | None = None
    secret_field: FieldName | None = None
    require_secret: bool | None = None
    honeypot_field: FieldName | None = None
    rate_limit_per_minute: RateLimit | None = None
    is_active: bool | None = None

    def values(self) -> dict[str, Any]:
        """The fields sent; null clears funnel_id, honeypot_field and rate_limit_per_minute
        and leaves the others as they are."""
        values = self.model_dump(exclude_unset=True, exclude={"distribution"})
        nullable = {"funnel_id", "honeypot_field", "rate_limit_per_minute"}
        for name in list(values):
            if values[name] is None and name not in nullable:
                del values[name]
        if self.distribution is not None:
            values["distribution"] = self.distribution.to_rule()
        return values


class FormRead(Schema):
    id: UUID
    key: str = Field(description="The public part of the form's URL")
    post_path: str = Field(description="Where the site posts: the CRM's address plus this")
    embed_path: str = Field(description="The embeddable script for sites without a builder")
    name: str
    funnel_id: UUID | None
    field_map: dict[LeadField, list[str]]
    distribution: DistributionRuleBody
    secret_field: str
    require_secret: bool
    honeypot_field: str | None
    rate_limit_per_minute: int | None
    is_active: bool
    created_at: datetime | None
    version: int

    @classmethod
    def of(cls, form: Form) -> FormRead:
        path = f"/api/v1/intake/forms/{form.key}"
        return cls(
            id=form.id,
            key=form.key,
            post_path=path,
            embed_path=f"{path}/embed.js",
            name=form.name,
            funnel_id=form.funnel_id,
            field_map={role: list(names) for role, names in form.field_map.items()},
            distribution=DistributionRuleBody.of(form.distribution),
            secret_field=form.secret_field,
            require_secret=form.require_secret,
            honeypot_field=form.honeypot_field,
            rate_limit_per_minute=form.rate_limit_per_minute,
            is_active=form.is_active,
            created_at=form.created_at,
            version=form.version,
        )


class FormWithSecret(FormRead):
    secret: str = Field(description="Shown in this answer only")


class FormPage(Schema):
    items: list[FormRead]
    next_cursor: str | None


class FormPostAccepted(Schema):
    id: UUID = Field(description="The stored request, as the inbox lists it")
    duplicate: bool = Field(description="A redelivery of a request already stored")


class InboxItemRead(Schema):
    id: UUID
    source: Source
    provider: str = Field(description='The sender\'s format: "tilda", "generic" ...')
    channel_id: UUID | None = Field(description="The form (or telephony integration)")
    event_key: str | None = Field(
        description="The sender's event id that makes a redelivery harmless"
    )
    received_at: datetime
    remote_addr: str | None
    content_type: str | None
    headers: dict[str, str]
    body_size: int = Field(description="Bytes received")
    body_text: str = Field(
        description="The body as text (declared charset, else UTF-8, else windows-1251; "
        "unreadable bytes as U+FFFD); lists show its first 2 KB"
    )
    body_truncated: bool = Field(description="body_text shows only the beginning")
    state: InboxState
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None = Field(description="Why it was ignored, rejected or failed")
    processed_at: datetime | None
    lead: dict[str, Any] | None = Field(
        description="What was read from it: name, phone, email, comment, product, company, "
        "source, campaign, utm, referrer, products, fields (the others), notes"
    )

    @classmethod
    def of(cls, item: InboxItem) -> InboxItemRead:
        text = decode_text(item.body, item.content_type).replace("\x00", "\ufffd")
        return cls(
            id=item.id,
            source=item.source,
            provider=item.provider,
            channel_id=item.channel_id,
            event_key=item.event_key,
            received_at=item.received_at,
            remote_addr=item.remote_addr,
            content_type=item.content_type,
            headers=item.headers,
            body_size=item.body_size,
            body_text=text,
            body_truncated=len(item.body) < item.body_size,
            state=item.state,
            attempts=item.attempts,
            next_attempt_at=item.next_attempt_at,
            last_error=item.last_error,
            processed_at=item.processed_at,
            lead=item.lead,
        )


class InboxPage(Schema):
    items: list[InboxItemRead]
    next_cursor: str | None


# --- a web shop's order (documented here; read by domain/intake/orders.py) ------------------

_NUMBER = {
    "oneOf": [{"type": "string", "maxLength": NUMBER_MAX_LENGTH}, {"type": "number"}],
    "description": "A decimal number, as text (preferred: no rounding on the way) or a number",
}
_ORDER_LINE = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "maxLength": PRODUCT_NAME_MAX},
        "sku": {"type": "string", "maxLength": SKU_MAX},
        "quantity": {**_NUMBER, "description": f"Above 0, at most {QUANTITY_MAX}; 1 if left out"},
        "price": {**_NUMBER, "description": "The unit price, from 0; required unless amount"},
        "amount": {**_NUMBER, "description": "What the line costs (price x quantity if left out)"},
        "options": {
            "type": "array",
            "maxItems": MAX_OPTIONS,
            "items": {"type": "string", "maxLength": OPTION_MAX},
        },
    },
}
ORDER_EXAMPLE = {
    "order_id": "A-10042",
    "currency": "RUB",
    "total": "14750.00",
    "payment_system": "yookassa",
    "payment_id": "2c4f6a1e-000f-5000-9000-1b68b7a7a9f5",
    "paid": True,
    "delivery": "Курьер, Москва",
    "delivery_price": "300",
    "customer": {
        "name": "Тимофей Орлов",
        "phone": "+7 916 555-01-42",
        "email": "t.orlov@example.ru",
    },
    "comment": "Позвонить перед доставкой",
    "utm": {"utm_source": "yandex", "utm_medium": "cpc", "utm_campaign": "coffee-autumn"},
    "lines": [
        {"name": "Nanopresso", "sku": "NP-01", "quantity": 1, "price": "4500.00"},
        {"name": "Minipresso GR", "sku": "MP-GR", "quantity": "2", "price": "4975.00"},
    ],
}
ORDER_SCHEMA = {
    "type": "object",
    "required": ["order_id", "customer", "lines"],
    "properties": {
        "order_id": {
            "type": "string",
            "maxLength": ORDER_ID_MAX,
            "description": "The shop's order number: a redelivery with the same one is stored once",
        },
        "currency": {
            "type": "string",
            "description": "ISO 4217; the organisation's currency when left out",
        },
        "total": {
            **_NUMBER,
            "description": "What the customer pays (delivery and discounts included); the "
            "lines' sum when left out. It becomes the deal's amount",
        },
        "payment_system": {"type": "string", "maxLength": PAYMENT_SYSTEM_MAX},
        "payment_id": {"type": "string", "maxLength": ORDER_ID_MAX},
        "paid": {"type": "boolean"},
        "delivery": {"type": "string", "maxLength": DELIVERY_MAX},
        "delivery_price": _NUMBER,
        "promocode": {"type": "string", "maxLength": ORDER_ID_MAX},
        "customer": {
            "type": "object",
            "description": "Who ordered: matched to a client by phone or e-mail like a lead; "
            "needs a name, phone or e-mail",
            "properties": {
                "name": {"type": "string"},
                "phone": {"type": "string"},
                "email": {"type": "string"},
                "company": {"type": "string"},
            },
        },
        "comment": {"type": "string", "maxLength": COMMENT_MAX},
        "utm": {
            "type": "object",
            "description": "utm_source, utm_medium, utm_campaign, utm_content, utm_term",
            "additionalProperties": {"type": "string"},
        },
        "lines": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_ORDER_LINES,
            "items": _ORDER_LINE,
        },
    },
    "additionalProperties": {
        "description": "Other fields are kept with the lead and shown as its other fields"
    },
}
