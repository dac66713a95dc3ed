"""Orders from web shops (issue 11, item 6): Tilda's cart (its payment block, posted to a form)
and the CRM's own order JSON (POST /intake/orders/{form_key}) become a deal with the order's
product lines for the matched or new client, in the form's funnel; stored raw first, a
redelivery creates nothing new, and an order that cannot be read is refused, kept and shown."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from tests.api.deals.support import create_client, create_funnel
from tests.api.intake.support import (
    API,
    create_form,
    drain,
    inbox,
    item,
    post_form,
    sample,
)
from tests.factories import Factory, Session

CART = "tilda/cart_with_cookies.urlencoded.txt"
ORDER: dict[str, Any] = {
    "order_id": "A-10042",
    "currency": "EUR",
    "total": "105.50",
    "payment_system": "stripe",
    "paid": True,
    "delivery_price": "5.50",
    "customer": {"name": "Олена Коваль", "phone": "+380 50 123 45 67", "email": "Olena@Example.ua"},
    "comment": "Подзвоніть перед доставкою",
    "utm": {"utm_source": "google", "utm_medium": "cpc", "utm_campaign": "spring"},
    "lines": [
        {"name": "Кавоварка", "sku": "CM-1", "quantity": 1, "price": "80.00"},
        {"name": "Фільтри", "sku": "F-100", "quantity": "2", "price": 10, "amount": "20"},
    ],
    "gift_wrap": "yes",
}


async def _get(factory: Factory, session: Session, path: str) -> dict[str, Any]:
    got = await factory.client.get(f"{API}{path}", headers=session.headers)
    assert got.status_code == 200, got.text
    return dict(got.json())


async def _post_order(
    factory: Factory, form: dict[str, Any], body: Any, *, secret: str | None = "form"
) -> Any:
    headers = {"content-type": "application/json"}
    if secret is not None:
        headers["x-form-secret"] = form["secret"] if secret == "form" else secret
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    return await factory.client.post(
        f"{API}/intake/orders/{form['key']}", content=raw, headers=headers
    )


async def _count(factory: Factory, table: str, org_id: Any) -> int:
    async with factory.container.engine.connect() as conn:
        found = await conn.scalar(
            sa.text(f"SELECT count(*) FROM {table} WHERE organisation_id = :o"),  # noqa: S608
            {"o": org_id},
        )
    return int(found or 0)


def _lines(deal: dict[str, Any]) -> list[tuple[str, Decimal, Decimal]]:
    return [
        (p["name"], Decimal(str(p["quantity"])), Decimal(str(p["price"]))) for p in deal["products"]
    ]


class TestTildaCart:
    async def test_the_real_cart_becomes_a_deal_with_its_lines_in_the_forms_funnel(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        seller = await factory.user(org, "seller")
        await create_funnel(factory, admin)  # the default: the form names another
        funnel = await create_funnel(factory, admin)
        form = await create_form(
            factory,
            admin,
            name="Корзина",
            funnel_id=funnel["id"],
            distribution={"kind": "round_robin", "user_ids": [str(seller.id)]},
        )
        answered = await post_form(factory.client, form["key"], sample(CART))
        assert answered.status_code == 200, answered.text
        await drain(factory.container)
        stored = await item(factory, admin, answered.json()["id"])
        assert stored["state"] == "processed", stored
        lead = stored["lead"]
        assert lead["match"] == "new_client"
        order = lead["order"]
        assert order["order_id"] == "1214681071"
        assert order["total"] == "14750.00"
        assert order["payment_system"] == "none"
        assert order["lines"][2]["sku"] == "Артикул NPGSВ наличииБренд: Wacaco"
        assert order["lines"][2]["options"] == ["Аксессуар (скидка 10%): Barista Kit+NS-адаптер"]
        deal = await _get(factory, admin, f"/deals/{lead['deal_id']}")
        assert deal["funnel_id"] == funnel["id"]
        assert deal["stage_id"] == funnel["stages"][0]["id"]
        assert deal["responsible_id"] == str(seller.id)
        assert deal["title"] == "Корзина №1214681071"
        # The total the customer pays (delivery included), in the organisation's currency.
        assert Decimal(str(deal["amount"])) == Decimal("14750.00")
        organisation = await _get(factory, admin, "/organisation")
        assert deal["currency"] == organisation["currency"]
        assert _lines(deal) == [
            ("Nanopresso NS-адаптер", Decimal(1), Decimal(1300)),
            ("Minipresso GR", Decimal(1), Decimal(4500)),
            (
                "Nanopresso Set (Аксессуар (скидка 10%): Barista Kit+NS-адаптер) "
                "[Артикул NPGSВ наличииБренд: Wacaco]",
                Decimal(1),
                Decimal(8650),
            ),
        ]
        client = await _get(factory, admin, f"/clients/{lead['client_id']}")
        assert client["name"] == "Тимофей Сергеевич Орлов"
        assert [p["e164"] for p in client["contacts"][0]["phones"]] == ["+79165550142"]

    async def test_a_redelivered_cart_creates_nothing_new(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        await create_funnel(factory, admin)
        form = await create_form(factory, admin)
        answers = [await post_form(factory.client, form["key"], sample(CART)) for _ in range(3)]
        await drain(factory.container)
        assert [a.json()["duplicate"] for a in answers] == [False, True, True]
        assert len({a.json()["id"] for a in answers}) == 1
        again = await post_form(factory.client, form["key"], sample(CART))
        await drain(factory.container)
        assert again.json()["duplicate"] is True
        assert await _count(factory, "deals", org.id) == 1
        assert await _count(factory, "clients", org.id) == 1
        assert await _count(factory, "deal_products", org.id) == 3

    async def test_a_known_customers_order_opens_a_deal_of_its_own(self, factory: Factory) -> None:
        _org, admin = await factory.admin_session()
        await create_funnel(factory, admin)
        known = await create_client(
            factory,
            admin,
            name="Орлов",
            contacts=[{"full_name": "Тимофей", "phones": ["+7 916 555-01-42"]}],
        )
        form = await create_form(factory, admin)
        lead_post = await post_form(factory.client, form["key"], "name=Тимофей&phone=89165550142")
        await drain(factory.container)
        open_deal = (await item(factory, admin, lead_post.json()["id"]))["lead"]["deal_id"]
        cart = await post_form(factory.client, form["key"], sample(CART))
        await drain(factory.container)
        lead = (await item(factory, admin, cart.json()["id"]))["lead"]
        assert lead["match"] == "client"
        assert lead["client_id"] == known["id"]
        assert lead["deal_id"] != open_deal
        listed = await _get(factory, admin, f"/deals?client_id={known['id']}")
        assert len(listed["items"]) == 2

    async def test_a_cart_with_an_unreadable_line_is_kept_and_shown_as_rejected(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        await create_funnel(factory, admin)
        form = await create_form(factory, admin)
        body = (
            "Name=Иван&Phone=89161112233&formid=form1&payment[orderid]=77"
            "&payment[products][0][name]=Кофе&payment[products][0][price]=1e999999999"
            "&payment[products][1][price]=10&payment[products][2][name]=Чай"
            "&payment[products][2][quantity]=-2&payment[products][2][price]=5"
        )
        answered = await post_form(factory.client, form["key"], body)
        assert answered.status_code == 200
        await drain(factory.container)
        stored = await item(factory, admin, answered.json()["id"])
        assert stored["state"] == "rejected"
        assert "payment.products.0.price" in stored["last_error"]
        assert "payment.products.1.name" in stored["last_error"]
        assert "payment.products.2.quantity" in stored["last_error"]
        assert stored["lead"]["phone"] == "+79161112233"
        assert await _count(factory, "deals", org.id) == 0


class TestShopOrder:
    async def test_an_order_becomes_a_deal_with_its_lines_currency_and_total(
        self, factory: Factory
    ) -> None:
        _org, admin = await factory.admin_session()
        funnel = await create_funnel(factory, admin)
        form = await create_form(factory, admin, name="Магазин", funnel_id=funnel["id"])
        answered = await _post_order(factory, form, ORDER)
        assert answered.status_code == 202, answered.text
        assert answered.json()["duplicate"] is False
        await drain(factory.container)
        stored = await item(factory, admin, answered.json()["id"])
        assert stored["state"] == "processed", stored
        assert stored["provider"] == "order"
        assert stored["event_key"].endswith("order:A-10042")
        lead = stored["lead"]
        assert lead["phone"] == "+380501234567"
        assert lead["email"] == "olena@example.ua"
        assert lead["comment"] == "Подзвоніть перед доставкою"
        assert lead["source"] == "google"
        assert lead["campaign"] == "spring"
        assert lead["fields"] == {"gift_wrap": "yes"}
        assert lead["order"]["paid"] is True
        assert lead["order"]["delivery_price"] == "5.50"
        deal = await _get(factory, admin, f"/deals/{lead['deal_id']}")
        assert deal["title"] == "Магазин №A-10042"
        assert deal["funnel_id"] == funnel["id"]
        assert deal["currency"] == "EUR"
        assert Decimal(str(deal["amount"])) == Decimal("105.50")
        assert deal["source_channel"] == "google"
        assert _lines(deal) == [
            ("Кавоварка [CM-1]", Decimal(1), Decimal(80)),
            ("Фільтри [F-100]", Decimal(2), Decimal(10)),
        ]
        client = await _get(factory, admin, f"/clients/{lead['client_id']}")
        assert client["name"] == "Олена Коваль"

    async def test_a_redelivered_order_is_answered_again_and_stored_once(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        await create_funnel(factory, admin)
        form = await create_form(factory, admin)
        first = await _post_order(factory, form, ORDER)
        changed = copy.deepcopy(ORDER)
        changed["total"] = "1.00"
        again = await _post_order(factory, form, changed)
        assert (first.status_code, again.status_code) == (202, 200)
        assert again.json() == {"id": first.json()["id"], "duplicate": True}
        await drain(factory.container)
        assert await _count(factory, "deals", org.id) == 1
        assert len(await inbox(factory, admin)) == 1

    async def test_bad_lines_are_refused_naming_each_field_and_kept_as_rejected(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        await create_funnel(factory, admin)
        form = await create_form(factory, admin)
        bad = copy.deepcopy(ORDER)
        bad["currency"] = "ZZZ"
        bad["lines"] = [
            {"name": "Кавоварка", "price": "1e999999999"},
            {"price": "10"},
            {"name": "Фільтри", "quantity": "-1", "price": "1"},
            {"name": "Чашка", "price": "9" * 5000},
            {"name": "Ложка", "price": True},
            "ложка",
        ]
        refused = await _post_order(factory, form, bad)
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        locs = {tuple(e["loc"]) for e in refused.json()["errors"]}
        assert locs == {
            ("body", "currency"),
            ("body", "lines", 0, "price"),
            ("body", "lines", 1, "name"),
            ("body", "lines", 2, "quantity"),
            ("body", "lines", 3, "price"),
            ("body", "lines", 4, "price"),
            ("body", "lines", 5),
        }
        (kept,) = await inbox(factory, admin)
        assert kept["state"] == "rejected"
        assert kept["provider"] == "order"
        assert "lines.0.price" in kept["last_error"]
        assert kept["body_size"] == len(json.dumps(bad, ensure_ascii=False).encode())
        # The shop fixes the order and sends it again under the same number: it is taken.
        fixed = await _post_order(factory, form, ORDER)
        assert fixed.status_code == 202
        await drain(factory.container)
        assert await _count(factory, "deals", org.id) == 1

    async def test_too_many_lines_and_bodies_that_are_not_orders(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        form = await create_form(factory, admin)
        many = {**ORDER, "lines": [{"name": f"#{i}", "price": "1"} for i in range(201)]}
        cases: list[tuple[Any, tuple[str | int, ...]]] = [
            (many, ("body", "lines")),
            ({**ORDER, "lines": []}, ("body", "lines")),
            ({**ORDER, "order_id": ""}, ("body", "order_id")),
            ({**ORDER, "customer": {"company": "ООО"}}, ("body", "customer")),
            ({**ORDER, "total": "-5"}, ("body", "total")),
            (b"not json", ("body",)),
            (b"[1, 2]", ("body",)),
            (b"", ("body",)),
            (json.dumps({"a": [[[[[[[[1]]]]]]]]}).encode(), ("body",)),
        ]
        for body, loc in cases:
            refused = await _post_order(factory, form, body)
            assert refused.status_code == 422, (body, refused.text)
            assert loc in {tuple(e["loc"]) for e in refused.json()["errors"]}, refused.text
        kept = await inbox(factory, admin, "?state=rejected&limit=50")
        assert len(kept) == len(cases)

    async def test_an_order_without_the_forms_secret_is_refused_and_kept_as_rejected(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        await create_funnel(factory, admin)
        form = await create_form(factory, admin, secret_field="X-Shop-Key")
        unsigned = await _post_order(factory, form, ORDER, secret=None)
        wrong = await _post_order(factory, form, ORDER, secret="nope")
        for refused in (unsigned, wrong):
            assert refused.status_code == 401, refused.text
            assert refused.headers["content-type"].startswith("application/problem+json")
        await drain(factory.container)
        kept = await inbox(factory, admin)
        assert [i["state"] for i in kept] == ["rejected", "rejected"]
        assert all("secret" in i["last_error"] for i in kept)
        assert await _count(factory, "deals", org.id) == 0
        # The header the form names works as well as X-Form-Secret; the refusals took no key.
        named = await factory.client.post(
            f"{API}/intake/orders/{form['key']}",
            json=ORDER,
            headers={"X-Shop-Key": form["secret"]},
        )
        assert named.status_code == 202, named.text
        await drain(factory.container)
        assert (await item(factory, admin, named.json()["id"]))["state"] == "processed"

    async def test_a_shop_is_not_held_to_the_forms_per_address_limit_without_it_is(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        form = await create_form(factory, admin, rate_limit_per_minute=2)
        signed = [
            await _post_order(factory, form, {**ORDER, "order_id": f"R-{i}"}) for i in range(4)
        ]
        assert [a.status_code for a in signed] == [202] * 4
        unsigned = [await _post_order(factory, form, ORDER, secret=None) for _ in range(3)]
        assert [a.status_code for a in unsigned] == [401, 401, 429]

    async def test_an_order_over_any_body_limit_keeps_its_beginning_and_gets_413(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        form = await create_form(factory, admin)
        settings = factory.container.settings
        # Past the intake limit and the API's own: the order endpoint bounds its body itself.
        size = max(settings.intake_max_body_bytes, settings.max_body_bytes) + 10_000
        huge = {**ORDER, "comment": "А" * size}
        answered = await _post_order(factory, form, huge)
        assert answered.status_code == 413, answered.text
        (stored,) = await inbox(factory, admin)
        assert stored["state"] == "rejected"
        assert stored["body_size"] == settings.intake_max_body_bytes
        assert stored["body_truncated"] is True
        assert stored["body_text"].startswith('{"order_id": "A-10042"')

    async def test_an_unknown_form_is_404(self, factory: Factory) -> None:
        answered = await factory.client.post(
            f"{API}/intake/orders/no-such-form", json=ORDER, headers={"x-form-secret": "x"}
        )
        assert answered.status_code == 404
        assert answered.headers["content-type"].startswith("application/problem+json")
