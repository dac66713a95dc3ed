"""What callers ask of the billing context: typed inputs of its use cases.

``UpdateInvoice`` is partial: a field left ``UNSET`` keeps its value, ``None`` clears it (where
the field may be empty). Values are checked by the entity, not here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.shared.patch import UNSET, Patch


@dataclass(frozen=True, slots=True, kw_only=True)
class ExternalRef:
    """Where a record came from in another system (``source`` "1c", ``id`` its document id):
    unique per organisation and source, so a repeated import finds the record it made."""

    source: str
    id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class IssueInvoice:
    deal_id: UUID
    amount: Decimal
    number: str | None = None  # the organisation's next number when None
    issued_on: date | None = None  # the organisation's today when None
    currency: str | None = None  # the deal's when None
    due_on: date | None = None
    comment: str | None = None
    external: ExternalRef | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateInvoice:
    number: Patch[str] = UNSET
    issued_on: Patch[date] = UNSET
    amount: Patch[Decimal] = UNSET
    currency: Patch[str] = UNSET
    due_on: Patch[date | None] = UNSET
    comment: Patch[str | None] = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordPayment:
    amount: Decimal
    paid_on: date | None = None  # the organisation's today when None
    comment: str | None = None
    external: ExternalRef | None = None
