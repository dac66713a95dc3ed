from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from api.schemas.base import Currency, Name, Schema
from domain.staff.model import ORGANISATION_NAME_MAX, TIME_ZONE_MAX, FulfilmentBasis


class OrganisationRead(Schema):
    id: UUID
    name: str
    currency: str = Field(description="ISO 4217 code")
    time_zone: str
    fulfilment_basis: FulfilmentBasis = Field(
        description="What counts towards plan fulfilment: paid invoices or won deals"
    )
    webhooks_allow_private_targets: bool = Field(
        description="Outgoing webhooks may target private, loopback and link-local addresses"
    )
    created_at: datetime | None
    version: int


class OrganisationUpdate(Schema):
    name: Name | None = Field(default=None, min_length=1, max_length=ORGANISATION_NAME_MAX)
    currency: Currency | None = Field(default=None, examples=["RUB"])
    time_zone: Name | None = Field(
        default=None, max_length=TIME_ZONE_MAX, examples=["Europe/Moscow"]
    )
    fulfilment_basis: FulfilmentBasis | None = None
    webhooks_allow_private_targets: bool | None = None
