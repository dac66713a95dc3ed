"""Orders from web shops: Tilda's payment block and the CRM's own order JSON, read into an
``Order`` whose lines become the product lines of a deal.

An order arrives through a form's channel: Tilda posts its cart to the form's URL like any
other form (the ``payment[...]`` fields), a shop's server posts the order JSON to
``/api/v1/intake/orders/{form_key}``. Either is stored raw first; reading it here is pure and
bounded: at most ``MAX_ORDER_LINES`` lines, every number a Decimal of bounded digits (no float,
no exponent that could blow up), every text cut or refused at its limit. A line that cannot be
read refuses the whole order, naming the line and the field, so nothing half-read becomes a
deal: the API's sender gets the problem at once, a Tilda order stays in the inbox as rejected.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from domain.deals.commands import ProductLineInput
from domain.deals.model import MAX_PRODUCT_LINES, PRODUCT_NAME_MAX
from domain.intake.parsing import MAX_FIELDS, ParsedBody, clean_value, decode_text
from domain.shared.errors import FieldProblem, InvalidInput
from domain.shared.money import AMOUNT_MAX, CENT, QUANTITY_MAX, bounded_decimal, validate_currency

# The provider of an inbox item that holds the CRM's own order JSON.
ORDER_PROVIDER = "order"
MAX_ORDER_LINES = MAX_PRODUCT_LINES
ORDER_ID_MAX = 100
SKU_MAX = 100
PAYMENT_SYSTEM_MAX = 100
OPTION_MAX = 200
MAX_OPTIONS = 10
DELIVERY_MAX = 500
# A Tilda cart line's fields, and the most the parser keeps of a body: a cart whose fields
# were cut there may have lost lines, and is refused rather than taken in part.
_TILDA_LINE = re.compile(
    r"^payment\[products\]\[(\d{1,6})\]\[(\w{1,40})\](?:\[(\d{1,3})\]\[(\w{1,20})\])?$"
)
_CUT_NOTE = f"only the first {MAX_FIELDS} are read"


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderLine:
    name: str
    quantity: Decimal
    price: Decimal
    # What the shop charged for the line (a discount makes it less than price x quantity).
    amount: Decimal
    sku: str | None = None
    options: tuple[str, ...] = ()

    def product_line(self) -> ProductLineInput:
        """The deal's product line: the options and the SKU ride in its name."""
        name = self.name
        if self.options:
            name = f"{name} ({'; '.join(self.options)})"
        if self.sku:
            name = f"{name} [{self.sku}]"
        return ProductLineInput(
            name=_cut(name, PRODUCT_NAME_MAX), quantity=self.quantity, price=self.price
        )

    def as_json(self) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "name": self.name,
            "quantity": str(self.quantity.normalize()),
            "price": str(self.price),
            "amount": str(self.amount),
        }
        if self.sku:
            shown["sku"] = self.sku
        if self.options:
            shown["options"] = list(self.options)
        return shown


@dataclass(frozen=True, slots=True, kw_only=True)
class Order:
    order_id: str | None
    lines: tuple[OrderLine, ...]
    # The order's total as the shop charged it (delivery and discounts included).
    total: Decimal
    # None: the organisation's currency (Tilda does not send it; the site's setting is it).
    currency: str | None = None
    payment_system: str | None = None
    payment_id: str | None = None
    paid: bool | None = None
    delivery: str | None = None
    delivery_price: Decimal | None = None
    promocode: str | None = None

    @property
    def lines_total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    def product_lines(self) -> list[ProductLineInput]:
        return [line.product_line() for line in self.lines]

    def as_json(self) -> dict[str, Any]:
        """What the inbox shows of the order, and what the lead keeps."""
        shown: dict[str, Any] = {
            "order_id": self.order_id,
            "total": str(self.total),
            "currency": self.currency,
            "lines": [line.as_json() for line in self.lines],
        }
        optional = {
            "payment_system": self.payment_system,
            "payment_id": self.payment_id,
            "paid": self.paid,
            "delivery": self.delivery,
            "delivery_price": str(self.delivery_price) if self.delivery_price is not None else None,
            "promocode": self.promocode,
        }
        shown.update({k: v for k, v in optional.items() if v is not None})
        return shown


# --- numbers ----------------------------------------------------------------------------


def _amount(value: object, loc: tuple[str | int, ...], problems: list[FieldProblem]) -> Decimal:
    try:
        number = bounded_decimal(_number_text(value), loc).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidInput, InvalidOperation):
        problems.append(FieldProblem(loc, f"must be a number from 0 to {AMOUNT_MAX}"))
        return Decimal(0)
    if number < 0:
        problems.append(FieldProblem(loc, f"must be a number from 0 to {AMOUNT_MAX}"))
    return number


def _quantity(value: object, loc: tuple[str | int, ...], problems: list[FieldProblem]) -> Decimal:
    try:
        number = bounded_decimal(_number_text(value), loc, limit=QUANTITY_MAX).quantize(
            Decimal("0.001"), rounding=ROUND_HALF_UP
        )
    except (InvalidInput, InvalidOperation):
        number = Decimal(0)
    if number <= 0:
        problems.append(FieldProblem(loc, f"must be a number above 0, at most {QUANTITY_MAX}"))
        return Decimal(1)
    return number


def _number_text(value: object) -> object:
    """Shops write "1 300,50" as often as 1300.5: spaces (also narrow and non-breaking) go, a
    lone decimal comma becomes a point."""
    if not isinstance(value, str):
        return value
    text = re.sub(r"[\s\u00a0\u202f]", "", value)
    if "," in text and "." not in text and text.count(",") == 1:
        text = text.replace(",", ".")
    return text


def _cut(value: str, limit: int) -> str:
    return value[:limit]


def _text(value: object, limit: int) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = clean_value(str(value), max_length=limit, multiline=False)
    return text or None


# --- Tilda's payment block ---------------------------------------------------------------


def is_tilda_order(parsed: ParsedBody) -> bool:
    return any(name.startswith("payment[products]") for name in parsed.fields)


def tilda_order(parsed: ParsedBody) -> Order | None:
    """The order in a Tilda cart post (``payment[products][i][name|quantity|price|amount|sku]``,
    ``payment[products][i][options][j][option|variant]``, ``payment[amount]``, ``payment[sys]``,
    ``payment[orderid]``...); None when the post carries no cart. Raises InvalidInput naming
    each line that cannot be read (loc ``("payment", "products", i, field)``)."""
    if not is_tilda_order(parsed):
        return None
    if any(_CUT_NOTE in note for note in parsed.notes):
        raise InvalidInput(
            ("payment", "products"),
            f"the post has more than {MAX_FIELDS} fields; its lines may be incomplete",
        )
    fields = parsed.fields
    raw: dict[int, dict[str, str]] = {}
    options: dict[int, dict[int, dict[str, str]]] = {}
    for name, value in fields.items():
        match = _TILDA_LINE.match(name)
        if not match:
            continue
        index = int(match.group(1))
        if match.group(3) is None:
            raw.setdefault(index, {})[match.group(2)] = value
        elif match.group(2) == "options":
            options.setdefault(index, {}).setdefault(int(match.group(3)), {})[match.group(4)] = (
                value
            )
    if len(raw) > MAX_ORDER_LINES:
        raise InvalidInput(("payment", "products"), f"at most {MAX_ORDER_LINES} lines")
    problems: list[FieldProblem] = []
    lines = []
    for index in sorted(raw):
        line = raw[index]
        chosen = [
            ": ".join(v.strip() for v in (o.get("option"), o.get("variant")) if v and v.strip())
            for _, o in sorted(options.get(index, {}).items())
        ]
        lines.append(
            _line(
                {**line, "options": [c for c in chosen if c]},
                ("payment", "products", index),
                problems,
            )
        )
    total_text = fields.get("payment[amount]", "").strip()
    total = (
        _amount(total_text, ("payment", "amount"), problems)
        if total_text
        else sum((line.amount for line in lines), Decimal("0.00"))
    )
    delivery_price = fields.get("payment[delivery_price]", "").strip()
    _check_sum(lines, ("payment", "products"), problems)
    if problems:
        raise InvalidInput(problems=problems)
    return Order(
        order_id=_text(fields.get("payment[orderid]"), ORDER_ID_MAX),
        lines=tuple(lines),
        total=total,
        payment_system=_text(fields.get("payment[sys]"), PAYMENT_SYSTEM_MAX),
        payment_id=_payment_id(fields.get("payment[systranid]")),
        delivery=_text(fields.get("payment[delivery]"), DELIVERY_MAX),
        delivery_price=_amount(delivery_price, ("payment", "delivery_price"), [])
        if delivery_price
        else None,
        promocode=_text(fields.get("payment[promocode]"), ORDER_ID_MAX),
    )


def _check_sum(
    lines: list[OrderLine], loc: tuple[str | int, ...], problems: list[FieldProblem]
) -> None:
    """The deal's lines must add up to an amount it can hold."""
    if not problems and sum(line.price * line.quantity for line in lines) > AMOUNT_MAX:
        problems.append(FieldProblem(loc, f"the lines' total must be at most {AMOUNT_MAX}"))


def _payment_id(value: str | None) -> str | None:
    text = _text(value, ORDER_ID_MAX)
    return text if text and text != "0" else None  # Tilda sends 0 before a payment


def _line(
    line: Mapping[str, Any], loc: tuple[str | int, ...], problems: list[FieldProblem]
) -> OrderLine:
    name = _text(line.get("name"), PRODUCT_NAME_MAX)
    if not name:
        problems.append(FieldProblem((*loc, "name"), "is required"))
    quantity_given = line.get("quantity")
    quantity = (
        _quantity(quantity_given, (*loc, "quantity"), problems)
        if quantity_given not in (None, "")
        else Decimal(1)
    )
    price_given = line.get("price")
    amount_given = line.get("amount")
    if price_given in (None, "") and amount_given in (None, ""):
        problems.append(FieldProblem((*loc, "price"), "is required (or the line's amount)"))
        price = amount = Decimal(0)
    elif price_given in (None, ""):
        amount = _amount(amount_given, (*loc, "amount"), problems)
        price = (amount / quantity).quantize(CENT, rounding=ROUND_HALF_UP)
    else:
        price = _amount(price_given, (*loc, "price"), problems)
        amount = (
            _amount(amount_given, (*loc, "amount"), problems)
            if amount_given not in (None, "")
            else (price * quantity).quantize(CENT, rounding=ROUND_HALF_UP)
        )
    if price * quantity > AMOUNT_MAX:
        problems.append(FieldProblem(loc, f"price x quantity must be at most {AMOUNT_MAX}"))
    chosen = line.get("options") or []
    if not isinstance(chosen, list) or len(chosen) > MAX_OPTIONS:
        problems.append(FieldProblem((*loc, "options"), f"at most {MAX_OPTIONS} options"))
        chosen = []
    return OrderLine(
        name=name or "",
        quantity=quantity,
        price=price,
        amount=amount,
        sku=_text(line.get("sku"), SKU_MAX),
        options=tuple(t for t in (_text(o, OPTION_MAX) for o in chosen) if t),
    )


# --- the CRM's own order JSON ---------------------------------------------------------------

# The lead fields of ``customer``, and the body's other top-level keys.
CUSTOMER_FIELDS = ("name", "phone", "email", "company")
_ORDER_KEYS = frozenset(
    {
        "order_id",
        "currency",
        "total",
        "payment_system",
        "payment_id",
        "paid",
        "delivery",
        "delivery_price",
        "promocode",
        "customer",
        "comment",
        "utm",
        "lines",
    }
)
MAX_ORDER_BODY_DEPTH = 6
COMMENT_MAX = 5000


@dataclass(frozen=True, slots=True)
class ShopOrder:
    """An order as a shop's server posted it: the order, and the lead fields (customer,
    comment, UTM tags, anything else it sent) as a form would have them."""

    order: Order
    fields: dict[str, str]


def read_shop_order(body: bytes, content_type: str | None) -> ShopOrder:
    """The order JSON (see ``api/schemas/intake.py`` for its documented shape). Raises
    InvalidInput naming every field that is wrong."""
    document = _document(body, content_type)
    problems: list[FieldProblem] = []
    order_id = _text(document.get("order_id"), ORDER_ID_MAX + 1)
    if not order_id:
        problems.append(FieldProblem(("order_id",), "is required: the shop's order number"))
    elif len(order_id) > ORDER_ID_MAX:
        problems.append(FieldProblem(("order_id",), f"at most {ORDER_ID_MAX} characters"))
    currency = document.get("currency")
    if currency is not None:
        try:
            currency = validate_currency(str(currency).upper() if isinstance(currency, str) else "")
        except InvalidInput as exc:
            problems.extend(exc.problems)
            currency = None
    lines_given = document.get("lines")
    lines: list[OrderLine] = []
    if not isinstance(lines_given, list) or not lines_given:
        problems.append(FieldProblem(("lines",), "at least one line is required"))
    elif len(lines_given) > MAX_ORDER_LINES:
        problems.append(FieldProblem(("lines",), f"at most {MAX_ORDER_LINES} lines"))
    else:
        for index, line in enumerate(lines_given):
            if not isinstance(line, dict):
                problems.append(FieldProblem(("lines", index), "must be an object"))
                continue
            lines.append(_line(line, ("lines", index), problems))
        _check_sum(lines, ("lines",), problems)
    total = (
        _amount(document["total"], ("total",), problems)
        if document.get("total") not in (None, "")
        else sum((line.amount for line in lines), Decimal("0.00"))
    )
    delivery_price = (
        _amount(document["delivery_price"], ("delivery_price",), problems)
        if document.get("delivery_price") not in (None, "")
        else None
    )
    paid = document.get("paid")
    if paid is not None and not isinstance(paid, bool):
        problems.append(FieldProblem(("paid",), "must be true or false"))
        paid = None
    customer = document.get("customer")
    if not isinstance(customer, dict):
        problems.append(FieldProblem(("customer",), "is required: name, phone, email, company"))
        customer = {}
    fields = {k: v for k in CUSTOMER_FIELDS if (v := _text(customer.get(k), 1000))}
    if customer and not any(fields.get(k) for k in ("name", "phone", "email")):
        problems.append(FieldProblem(("customer",), "needs a name, phone or e-mail"))
    utm = document.get("utm")
    if utm is not None and not isinstance(utm, dict):
        problems.append(FieldProblem(("utm",), "must be an object of utm_* tags"))
    if problems:
        raise InvalidInput(problems=problems)
    comment = document.get("comment")
    if isinstance(comment, str) and comment.strip():
        fields["comment"] = clean_value(comment, max_length=COMMENT_MAX)
    for tag, value in (utm or {}).items():
        if isinstance(tag, str) and tag.startswith("utm_") and (text := _text(value, 500)):
            fields[tag[:40]] = text
    for key, value in document.items():
        if key not in _ORDER_KEYS and (text := _text(value, 1000)):
            fields[str(key)[:100]] = text
    return ShopOrder(
        order=Order(
            order_id=order_id,
            lines=tuple(lines),
            total=total,
            currency=currency,
            payment_system=_text(document.get("payment_system"), PAYMENT_SYSTEM_MAX),
            payment_id=_text(document.get("payment_id"), ORDER_ID_MAX),
            paid=paid,
            delivery=_text(document.get("delivery"), DELIVERY_MAX),
            delivery_price=delivery_price,
            promocode=_text(document.get("promocode"), ORDER_ID_MAX),
        ),
        fields=fields,
    )


def _document(body: bytes, content_type: str | None) -> dict[str, Any]:
    if not body.strip():
        raise InvalidInput("body", "an order is a JSON object; the body is empty")
    text = decode_text(body, content_type)
    try:
        # Numbers stay text until bounded_decimal has looked at them (a 5,000-digit integer or
        # 1e999999999 must not be converted first).
        document = json.loads(text, parse_float=str, parse_int=str, parse_constant=str)
    except (ValueError, RecursionError) as exc:
        raise InvalidInput("body", "is not valid JSON") from exc
    if not isinstance(document, dict):
        raise InvalidInput("body", "an order is a JSON object")
    if _depth(document) > MAX_ORDER_BODY_DEPTH:
        raise InvalidInput("body", f"nested deeper than {MAX_ORDER_BODY_DEPTH} levels")
    return document


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_ORDER_BODY_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def order_event_key(order_id: str) -> str:
    return f"order:{order_id}"


def order_reason(error: InvalidInput) -> str:
    return f"The order cannot be read: {error.detail}"
