"""What callers ask of the deals context: typed inputs of its create, update and close use
cases.

``UpdateDeal`` is partial: a field left ``UNSET`` keeps its value, ``None`` clears it (where
the field may be empty). Values are checked by the entity, not here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.shared.patch import UNSET, Patch


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductLineInput:
    """A line as given; with ``product_id`` (a product of the catalogue) a missing name and
    price are the product's (``domain.deals.services`` fills them in before validation)."""

    name: str | None = None
    quantity: Decimal = Decimal(1)
    price: Decimal | None = None
    product_id: UUID | None = None
    article: str | None = None  # the product's, filled in with it


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateDeal:
    client_id: UUID
    title: str
    contact_id: UUID | None = None
    amount: Decimal | None = None  # the product lines' total when None
    currency: str | None = None  # the organisation's when None
    expected_margin: Decimal | None = None
    products: Sequence[ProductLineInput] = ()
    funnel_id: UUID | None = None  # the default funnel when None
    stage_id: UUID | None = None  # the funnel's first stage when None
    responsible_id: UUID | None = None  # the caller when None
    source_channel: str | None = None
    source_campaign: str | None = None
    utm: Mapping[str, str] = field(default_factory=dict)
    expected_close_date: date | None = None
    custom_fields: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateDeal:
    title: Patch[str] = UNSET
    client_id: Patch[UUID] = UNSET  # a new client clears the contact unless one is given
    contact_id: Patch[UUID | None] = UNSET
    amount: Patch[Decimal] = UNSET
    currency: Patch[str] = UNSET
    expected_margin: Patch[Decimal | None] = UNSET
    # Replaced as a whole (None empties); without an amount, the amount becomes their total.
    products: Patch[Sequence[ProductLineInput] | None] = UNSET
    responsible_id: Patch[UUID] = UNSET
    source_channel: Patch[str | None] = UNSET
    source_campaign: Patch[str | None] = UNSET
    utm: Patch[Mapping[str, str] | None] = UNSET  # None empties
    expected_close_date: Patch[date | None] = UNSET
    # Merged into the stored values; None for a key removes it.
    custom_fields: Patch[Mapping[str, object]] = UNSET
    # Postpone: a follow-up task every N days while the deal stays in its stage (None stops).
    follow_up_every_days: Patch[int | None] = UNSET
    warranty_ends_on: Patch[date | None] = UNSET
    warranty_remind_days: Patch[int | None] = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class LoseDeal:
    loss_reason_id: UUID  # an active loss reason of the organisation
    comment: str | None = None
    lost_tender: bool = False
    loss_making: bool = False
    public_conflict: bool = False
