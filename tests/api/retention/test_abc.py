"""ABC analysis through HTTP (issue 12, item 5): clients ranked by turnover or margin over the
deals the caller sees, classed by the organisation's shares (80/15/5 unless changed), with the
classes' totals beside a keyset page."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.api.attachments.support import API, make_client, world
from tests.api.deals.support import json_of
from tests.api.retention.support import get, sale
from tests.factories import Factory, Session


async def won_deals_basis(factory: Factory, admin: Session) -> None:
    response = await factory.client.patch(
        f"{API}/organisation", json={"fulfilment_basis": "won_deals"}, headers=admin.headers
    )
    json_of(response, 200)


def ranking(report: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [
        (r["client_name"], r["amount"], r["cumulative_share"], r["abc_class"])
        for r in report["items"]
    ]


def classes(report: dict[str, Any]) -> dict[str, tuple[int, str, str]]:
    return {c["abc_class"]: (c["clients"], c["amount"], c["share"]) for c in report["classes"]}


async def four_clients(factory: Factory) -> Any:
    """The seller sold 700, 200, 60 and 40 to four clients (margins 10, 100, 30, 5); the
    rival, in another department, 5000 to a fifth."""
    w = await world(factory)
    await won_deals_basis(factory, w.admin)
    for name, amount, margin in (
        ("Альфа", "700", "10"),
        ("Бета", "200", "100"),
        ("Гамма", "60", "30"),
        ("Дельта", "40", "5"),
    ):
        client = await make_client(factory.container, w.org, w.seller.user, name)
        await sale(factory, w.org, w.seller, amount=amount, margin=margin, client_id=client)
    rival_client = await make_client(factory.container, w.org, w.rival.user, "Омега")
    await sale(factory, w.org, w.rival, amount="5000", margin="1", client_id=rival_client)
    return w


class TestAbc:
    async def test_clients_rank_by_turnover_and_class_by_the_share_above_them(
        self, factory: Factory
    ) -> None:
        w = await four_clients(factory)
        report = await get(factory, w.seller, "abc")
        assert report["basis"] == "turnover"
        assert (report["abc_a_share"], report["abc_b_share"]) == ("80.00", "15.00")
        # The organisation's day (Moscow time) ends the default year.
        assert report["date_to"] == datetime.now(ZoneInfo("Europe/Moscow")).date().isoformat()
        # 0 % and 70 % above Альфа and Бета (A), 90 % above Гамма (B), 96 % above Дельта (C).
        assert ranking(report) == [
            ("Альфа", "700.00", "70.00", "A"),
            ("Бета", "200.00", "90.00", "A"),
            ("Гамма", "60.00", "96.00", "B"),
            ("Дельта", "40.00", "100.00", "C"),
        ]
        assert (report["total"], report["clients"]) == ("1000.00", 4)
        assert classes(report) == {
            "A": (2, "900.00", "90.00"),
            "B": (1, "60.00", "6.00"),
            "C": (1, "40.00", "4.00"),
        }

    async def test_by_margin_the_order_and_classes_follow_the_margin(
        self, factory: Factory
    ) -> None:
        w = await four_clients(factory)
        report = await get(factory, w.seller, "abc", basis="margin")
        assert [(r["client_name"], r["abc_class"]) for r in report["items"]] == [
            ("Бета", "A"),  # 100 of 145: 0 % above
            ("Гамма", "A"),  # 68.97 % above
            ("Альфа", "B"),  # 89.66 % above
            ("Дельта", "C"),  # 96.55 % above
        ]

    async def test_pages_keep_the_ranking_and_the_class_totals(self, factory: Factory) -> None:
        w = await four_clients(factory)
        first = await get(factory, w.seller, "abc", limit=2)
        assert [r["rank"] for r in first["items"]] == [1, 2]
        second = await get(factory, w.seller, "abc", limit=2, cursor=first["next_cursor"])
        assert [(r["rank"], r["client_name"]) for r in second["items"]] == [
            (3, "Гамма"),
            (4, "Дельта"),
        ]
        assert second["next_cursor"] is None
        assert classes(second) == classes(first)
        only_c = await get(factory, w.seller, "abc", **{"class": "C"})
        assert [r["client_name"] for r in only_c["items"]] == ["Дельта"]

    async def test_each_caller_ranks_the_deals_they_see(self, factory: Factory) -> None:
        w = await four_clients(factory)
        admin = await get(factory, w.admin, "abc")
        assert admin["items"][0]["client_name"] == "Омега"
        assert admin["clients"] == 5
        rival = await get(factory, w.rival, "abc")
        assert [r["client_name"] for r in rival["items"]] == ["Омега"]
        head = await get(factory, w.head_north, "abc")
        assert "Омега" not in {r["client_name"] for r in head["items"]}
        assert head["clients"] == 4
        outsider = await get(factory, w.outsider, "abc")
        assert (outsider["items"], outsider["total"]) == ([], "0")

    async def test_the_organisations_shares_decide_the_classes(self, factory: Factory) -> None:
        w = await four_clients(factory)
        settings = await factory.client.get(f"{API}/retention/settings", headers=w.admin.headers)
        body = json_of(settings, 200)
        assert (body["version"], body["abc_c_share"], body["sleeping_days"]) == (0, "5.00", 90)
        saved = await factory.client.put(
            f"{API}/retention/settings",
            json={"abc_a_share": "50", "abc_b_share": "30", "sleeping_days": 90},
            headers={**w.admin.headers, "If-Match": settings.headers["ETag"]},
        )
        assert json_of(saved, 200)["abc_c_share"] == "20.00"
        report = await get(factory, w.seller, "abc")
        assert [r["abc_class"] for r in report["items"]] == ["A", "B", "C", "C"]

    async def test_paid_invoices_are_the_turnover_on_that_basis(self, factory: Factory) -> None:
        w = await world(factory)
        client, deal = await sale(factory, w.org, w.seller, amount="900")
        other, _ = await sale(factory, w.org, w.seller, amount="5000")
        invoice = json_of(
            await factory.client.post(
                f"{API}/invoices",
                json={"deal_id": str(deal), "amount": "900"},
                headers=w.seller.headers,
            ),
            201,
        )
        json_of(
            await factory.client.post(
                f"{API}/invoices/{invoice['id']}/payments",
                json={"amount": "300"},
                headers=w.seller.headers,
            ),
            201,
        )
        report = await get(factory, w.seller, "abc")
        # Only the paid 300 counts; the other client's won but unbilled deal does not.
        assert [(r["client_id"], r["amount"]) for r in report["items"]] == [(str(client), "300.00")]
        assert str(other) not in {r["client_id"] for r in report["items"]}

    async def test_a_bad_period_or_class_is_refused_naming_the_parameter(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        cases = [
            ({"from": "2026-03-01", "to": "2026-02-01"}, ["query", "from"]),
            ({"from": "2023-01-01", "to": "2026-01-01"}, ["query", "from"]),
            ({"class": "D"}, ["query", "class"]),
            ({"basis": "profit"}, ["query", "basis"]),
            ({"cursor": "bm90LWEtY3Vyc29y"}, ["query", "cursor"]),
        ]
        for params, loc in cases:
            response = await factory.client.get(
                f"{API}/retention/abc", params=params, headers=w.seller.headers
            )
            assert response.status_code == 422, params
            assert response.headers["content-type"] == "application/problem+json"
            assert [e["loc"] for e in response.json()["errors"]] == [loc], params
