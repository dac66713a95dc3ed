"""Orders to 1C (``type=sale&mode=query`` / ``mode=success``).

The deals of the integration's organisation that stand in one of its order stages
(``OnecIntegration.order_stage_ids``) are orders for 1C. ``mode=query`` answers those whose
current version 1C has not confirmed yet, oldest change first and at most
``ORDERS_PER_ANSWER`` of them; the exchange keeps which deals and versions it answered
(``Exchange.pending_orders``) and ``mode=success`` records them as exported. A deal changed
since (its amount, lines, stage, anything that moves its version) is an order again; a
``success`` without a query before it marks nothing, and a second one neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from domain.shared.errors import NOT_FOUND_CODE, InvalidInput

# Documents per mode=query answer; the rest go in the next exchange.
ORDERS_PER_ANSWER = 500
# Stages an integration may name as order stages.
ORDER_STAGES_MAX = 100
# What 1C's order document says of its operation and of our side.
OPERATION = "Заказ товара"
ROLE_SELLER = "Продавец"
ROLE_BUYER = "Покупатель"
DEFAULT_UNIT = "шт"


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderParty:
    """The buyer: 1C's Ид when the client came from 1C, else the client's id."""

    id: str
    name: str
    full_name: str | None = None
    inn: str | None = None
    kpp: str | None = None
    # Ukraine's ЄДРПОУ, written as ОКПО (its place in 1C's counterparties for Ukraine).
    edrpou: str | None = None
    is_person: bool = False
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderLine:
    # 1C's Ид of the catalogue's product; None for a free line (the deal line's own id then).
    product_external_id: str | None
    line_id: str
    name: str
    article: str | None
    unit: str | None
    price: Decimal
    quantity: Decimal

    @property
    def amount(self) -> Decimal:
        return (self.price * self.quantity).quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True, kw_only=True)
class Order:
    """A deal as an order document for 1C."""

    deal_id: UUID
    version: int
    number: str
    title: str
    created_at: datetime
    changed_at: datetime
    currency: str
    amount: Decimal
    status: str
    stage_name: str
    responsible_name: str | None
    buyer: OrderParty
    lines: tuple[OrderLine, ...] = ()


@dataclass(frozen=True, slots=True)
class SentOrder:
    """A deal and the version of it an answer carried."""

    deal_id: UUID
    version: int

    def as_json(self) -> dict[str, object]:
        return {"deal_id": str(self.deal_id), "version": self.version}

    @classmethod
    def of(cls, value: object) -> SentOrder | None:
        """From the exchange's JSON; None for anything malformed (nothing is marked then)."""
        if not isinstance(value, dict):
            return None
        try:
            return cls(UUID(str(value["deal_id"])), int(value["version"]))
        except (KeyError, TypeError, ValueError):
            return None


def order_stage_ids(value: object, known: set[UUID]) -> tuple[UUID, ...]:
    """The order stages as given (duplicates dropped, order kept), each a stage of the
    organisation (``known``), at most ``ORDER_STAGES_MAX``."""
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)):
        raise InvalidInput("order_stage_ids", "must be a list of stage ids")
    ids = tuple(dict.fromkeys(value))
    if len(ids) > ORDER_STAGES_MAX:
        raise InvalidInput("order_stage_ids", f"at most {ORDER_STAGES_MAX} stages")
    for i, stage_id in enumerate(value):
        if stage_id not in known:
            raise InvalidInput(("order_stage_ids", i), "no such stage", code=NOT_FOUND_CODE)
    return ids
