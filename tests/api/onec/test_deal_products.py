"""Deal product lines picked from the catalogue 1C sends: the line keeps the product's id,
takes its name and price when they are left out, shows its article, and refuses a product
that is not the organisation's on that line's field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from tests.api.deals.support import create_deal, create_funnel, error_locs, if_match, json_of
from tests.api.onec.support import (
    API,
    CATALOG,
    create_integration,
    full_exchange,
    offers,
    products,
    sample,
)
from tests.factories import Factory, Org, Session

PORTABLE = "bd8c4e15-18f9-11e7-80c2-0cc47ab29cd1"
PRIME = "80cb5293-19c1-11e7-80c2-0cc47ab29cd1"
PORTABLE_NAME = "Портативный коврик Portable 140x200x1 см, Деревянные лошадки"


async def seller(factory: Factory) -> tuple[Org, Session]:
    """An organisation with a funnel (deals need one) and its administrator."""
    org, admin = await factory.admin_session()
    await create_funnel(factory, admin)
    return org, admin


async def catalogue(factory: Factory, admin: Session) -> dict[str, dict[str, Any]]:
    """The sample catalogue and its offers, imported as 1C sends them; products by 1C's Ид."""
    integration = await create_integration(factory, admin)
    await full_exchange(
        factory, integration, [(CATALOG, sample(CATALOG)), ("offers.xml", offers())]
    )
    return {item["external_id"]: item for item in await products(factory, admin)}


class TestCatalogueLines:
    async def test_a_product_alone_gives_the_line_its_name_price_and_article(
        self, factory: Factory
    ) -> None:
        _, admin = await seller(factory)
        found = await catalogue(factory, admin)
        portable = found[PORTABLE]

        deal = await create_deal(
            factory,
            admin,
            products=[
                {"product_id": portable["id"], "quantity": "2"},
                {"name": "Доставка по Москве", "price": "500"},
            ],
        )

        first, second = deal["products"]
        assert first["product_id"] == portable["id"]
        assert first["name"] == PORTABLE_NAME
        assert first["article"] == "PM-421-WP"
        # The first price type by name in the deal's currency: Оптовая 3100 before Розничная.
        assert Decimal(first["price"]) == Decimal("3100.00")
        assert Decimal(first["amount"]) == Decimal("6200.00")
        assert second["product_id"] is None
        assert second["article"] is None
        assert Decimal(deal["amount"]) == Decimal("6700.00")
        # Stored, not only answered.
        again = json_of(
            await factory.client.get(f"{API}/deals/{deal['id']}", headers=admin.headers), 200
        )
        assert again["products"] == deal["products"]

    async def test_a_given_name_and_price_win_over_the_products(self, factory: Factory) -> None:
        _, admin = await seller(factory)
        found = await catalogue(factory, admin)
        deal = await create_deal(
            factory,
            admin,
            products=[
                {
                    "product_id": found[PRIME]["id"],
                    "name": "Коврик «Прайм» — скидка",
                    "price": "4999.99",
                }
            ],
        )
        [line] = deal["products"]
        assert line["product_id"] == found[PRIME]["id"]
        assert line["name"] == "Коврик «Прайм» — скидка"
        assert Decimal(line["price"]) == Decimal("4999.99")

    async def test_a_price_in_another_currency_is_not_taken(self, factory: Factory) -> None:
        _, admin = await seller(factory)
        found = await catalogue(factory, admin)
        refused = await factory.client.post(
            f"{API}/deals",
            json={
                "client_id": (await create_deal(factory, admin))["client_id"],
                "title": "Сделка в евро",
                "currency": "EUR",
                "products": [
                    {"name": "Свободная", "price": "1"},
                    {"product_id": found[PRIME]["id"]},
                ],
            },
            headers=admin.headers,
        )
        assert refused.status_code == 422, refused.text
        assert error_locs(refused) == [["body", "products", 1, "price"]]

    async def test_an_update_replaces_the_lines_and_keeps_the_product(
        self, factory: Factory
    ) -> None:
        _, admin = await seller(factory)
        found = await catalogue(factory, admin)
        deal = await create_deal(factory, admin, products=[{"name": "Старая", "price": "10"}])
        updated = json_of(
            await factory.client.patch(
                f"{API}/deals/{deal['id']}",
                json={"products": [{"product_id": found[PORTABLE]["id"], "quantity": "3"}]},
                headers={**admin.headers, **if_match(deal["version"])},
            ),
            200,
        )
        [line] = updated["products"]
        assert line["product_id"] == found[PORTABLE]["id"]
        assert Decimal(updated["amount"]) == Decimal("9300.00")

    async def test_a_deleted_product_leaves_the_line(self, factory: Factory) -> None:
        org, admin = await seller(factory)
        found = await catalogue(factory, admin)
        deal = await create_deal(factory, admin, products=[{"product_id": found[PRIME]["id"]}])
        async with factory.container.engine.begin() as conn:
            await conn.execute(
                sa.text("DELETE FROM products WHERE organisation_id = :o AND id = :p"),
                {"o": org.id, "p": found[PRIME]["id"]},
            )
        again = json_of(
            await factory.client.get(f"{API}/deals/{deal['id']}", headers=admin.headers), 200
        )
        [line] = again["products"]
        assert line["product_id"] is None
        assert line["name"] == deal["products"][0]["name"]
        assert line["price"] == deal["products"][0]["price"]


class TestRefusedProducts:
    async def test_an_unknown_or_another_organisations_product_is_refused_on_its_line(
        self, factory: Factory
    ) -> None:
        _, admin = await seller(factory)
        _, stranger = await seller(factory)
        theirs = await catalogue(factory, stranger)
        client_id = (await create_deal(factory, admin))["client_id"]
        for product_id in (theirs[PORTABLE]["id"], "0b5f5c2e-0000-4000-8000-000000000000"):
            refused = await factory.client.post(
                f"{API}/deals",
                json={
                    "client_id": client_id,
                    "title": "Чужой товар",
                    "products": [
                        {"name": "Своя строка", "price": "1"},
                        {"product_id": product_id},
                    ],
                },
                headers=admin.headers,
            )
            assert refused.status_code == 422, refused.text
            assert error_locs(refused) == [["body", "products", 1, "product_id"]]

    async def test_a_line_without_a_product_needs_a_name_and_a_price(
        self, factory: Factory
    ) -> None:
        _, admin = await seller(factory)
        client_id = (await create_deal(factory, admin))["client_id"]
        refused = await factory.client.post(
            f"{API}/deals",
            json={"client_id": client_id, "title": "Пусто", "products": [{"quantity": "1"}]},
            headers=admin.headers,
        )
        assert refused.status_code == 422, refused.text
        assert sorted(error_locs(refused)) == [
            ["body", "products", 0, "name"],
            ["body", "products", 0, "price"],
        ]
