"""Orders to 1C (``type=sale&mode=query`` / ``mode=success``).

The deals of the integration's organisation that stand in one of its order stages
(``OnecIntegration.order_stage_ids``) are orders for 1C. ``mode=query`` answers those 1C has
not confirmed yet as they are now, oldest change first and at most ``ORDERS_PER_ANSWER`` of
them; the exchange keeps which deals, versions and fingerprints it answered
(``Exchange.pending_orders``) and ``mode=success`` records them as exported. A deal is an order
again when what 1C sees of it changes (``Order.fingerprint``: the buyer, the lines, the amount,
the currency, the stage and the status), not when anything else moves its version (a comment,
another responsible): such a deal's exported version just catches up. A ``success`` without a
query before it marks nothing, and a second one neither.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from domain.shared.errors import NOT_FOUND_CODE, InvalidInput

# Documents per mode=query answer; the rest go in the next exchange.
ORDERS_PER_ANSWER = 500
# Rounds of a query skipping deals that changed in nothing 1C sees (each round moves those on).
ORDER_QUERY_ROUNDS = 20
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
    # The fingerprint 1C confirmed for this deal before (None: never exported, or before 0047).
    exported_fingerprint: str | None = None

    def fingerprint(self) -> str:
        """What 1C sees of the order, hashed (the title, the responsible and the line ids,
        which change with edits 1C does not care about, left out)."""
        b = self.buyer
        content = [
            [b.id, b.name, b.full_name, b.inn, b.kpp, b.edrpou, b.is_person, b.phone, b.email],
            [
                [
                    line.product_external_id,
                    line.name,
                    line.article,
                    line.unit,
                    str(line.price.normalize()),
                    str(line.quantity.normalize()),
                ]
                for line in self.lines
            ],
            str(self.amount.normalize()),
            self.currency,
            self.stage_name,
            self.status,
        ]
        text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def changed_for_onec(self) -> bool:
        return self.exported_fingerprint != self.fingerprint()


@dataclass(frozen=True, slots=True)
class SentOrder:
    """A deal, the version of it an answer carried and that answer's fingerprint."""

    deal_id: UUID
    version: int
    fingerprint: str | None = None

    @classmethod
    def of_order(cls, order: Order) -> SentOrder:
        return cls(order.deal_id, order.version, order.fingerprint())

    def as_json(self) -> dict[str, object]:
        return {
            "deal_id": str(self.deal_id),
            "version": self.version,
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def of(cls, value: object) -> SentOrder | None:
        """From the exchange's JSON; None for anything malformed (nothing is marked then)."""
        if not isinstance(value, dict):
            return None
        try:
            fingerprint = value.get("fingerprint")
            return cls(
                UUID(str(value["deal_id"])),
                int(value["version"]),
                str(fingerprint)[:64] if fingerprint is not None else None,
            )
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
