"""Reading orders: Tilda's payment block and the order JSON, bounded and exact (Decimal)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from domain.intake.orders import MAX_ORDER_LINES, read_shop_order, tilda_order
from domain.intake.parsing import MAX_FIELDS, ParsedBody, parse_body
from domain.shared.errors import InvalidInput


def _tilda(**fields: str) -> ParsedBody:
    return ParsedBody(fields={k.replace("__", "]["): v for k, v in fields.items()})


def _shop(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


class TestTildaOrder:
    def test_a_post_without_a_cart_is_no_order(self) -> None:
        assert tilda_order(ParsedBody(fields={"Name": "А", "payment[amount]": "10"})) is None

    def test_price_from_the_lines_amount_and_the_total_from_the_lines(self) -> None:
        parsed = ParsedBody(
            fields={
                "payment[products][0][name]": "Курс",
                "payment[products][0][quantity]": "3",
                "payment[products][0][amount]": "100",
                "payment[products][1][name]": "Книга",
                "payment[products][1][price]": "1 300,50",
                "payment[systranid]": "0",
            }
        )
        order = tilda_order(parsed)
        assert order is not None
        assert [(x.quantity, x.price, x.amount) for x in order.lines] == [
            (Decimal(3), Decimal("33.33"), Decimal("100.00")),
            (Decimal(1), Decimal("1300.50"), Decimal("1300.50")),
        ]
        assert order.total == Decimal("1400.50")
        assert order.payment_id is None  # Tilda's 0 before a payment

    def test_a_cart_whose_fields_were_cut_is_refused(self) -> None:
        pairs = "&".join(f"payment[products][{i}][name]=x{i}" for i in range(MAX_FIELDS + 5))
        parsed = parse_body(pairs.encode(), "application/x-www-form-urlencoded")
        with pytest.raises(InvalidInput) as refused:
            tilda_order(parsed)
        assert refused.value.problems[0].loc == ("payment", "products")

    def test_json_carts_read_as_urlencoded_ones(self) -> None:
        body = _shop({"payment": {"orderid": "9", "products": [{"name": "К", "price": 10}]}})
        order = tilda_order(parse_body(body, "application/json"))
        assert order is not None
        assert (order.order_id, order.total) == ("9", Decimal("10.00"))


class TestShopOrder:
    def test_numbers_stay_exact_and_huge_ones_are_refused_before_conversion(self) -> None:
        body = (
            b'{"order_id": "1", "customer": {"phone": "+79161234567"}, "total": 0.1,'
            b' "lines": [{"name": "a", "price": 0.1, "quantity": 3},'
            b' {"name": "b", "price": 1e999999999},'
            b' {"name": "c", "price": ' + b"9" * 5000 + b"}]}"
        )
        with pytest.raises(InvalidInput) as refused:
            read_shop_order(body, "application/json")
        assert {p.loc for p in refused.value.problems} == {
            ("lines", 1, "price"),
            ("lines", 2, "price"),
        }

    def test_the_lines_limit(self) -> None:
        lines = [{"name": "x", "price": "1"}] * (MAX_ORDER_LINES + 1)
        with pytest.raises(InvalidInput):
            read_shop_order(
                _shop({"order_id": "1", "customer": {"name": "a"}, "lines": lines}), None
            )

    def test_a_total_too_large_for_a_deal_is_refused(self) -> None:
        lines = [{"name": "x", "price": "9999999999999999", "quantity": "1000"}]
        with pytest.raises(InvalidInput) as refused:
            read_shop_order(
                _shop({"order_id": "1", "customer": {"name": "a"}, "lines": lines}), None
            )
        assert refused.value.problems[0].loc == ("lines", 0)

    def test_customer_comment_utm_and_other_fields_are_the_leads(self) -> None:
        shop = read_shop_order(
            _shop(
                {
                    "order_id": " 77 ",
                    "currency": "uah",
                    "customer": {"name": "Олена", "email": "o@example.ua", "age": {"x": 1}},
                    "utm": {"utm_source": "fb", "other": "x"},
                    "lines": [{"name": "x", "price": "0.1", "quantity": "3"}],
                    "note": "ok",
                }
            ),
            "application/json; charset=utf-8",
        )
        assert shop.order.order_id == "77"
        assert shop.order.currency == "UAH"
        assert shop.order.total == Decimal("0.30")
        assert shop.fields == {
            "name": "Олена",
            "email": "o@example.ua",
            "utm_source": "fb",
            "note": "ok",
        }
