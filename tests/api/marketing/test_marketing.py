"""Marketing effectiveness through HTTP (issue 12, items 4 and 10): costs per month, source
and campaign entered by a marketer; per source and campaign the leads, won deals and revenue of
the deals created in the months, cost per lead and per won deal, return on spend, and the cost
per deal that reached each stage of a funnel."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.api.attachments.support import API
from tests.api.deals.support import (
    Teams,
    create_deal,
    error_locs,
    json_of,
    move,
    stage_named,
    teams,
)
from tests.factories import Factory, Session


def this_month() -> str:
    return datetime.now(ZoneInfo("Europe/Moscow")).date().replace(day=1).isoformat()


async def cost(
    factory: Factory, session: Session, *, status: int = 201, **body: Any
) -> dict[str, Any]:
    body = {"month": this_month(), "amount": "1000", **body}
    response = await factory.client.post(
        f"{API}/marketing/costs", json=body, headers=session.headers
    )
    return json_of(response, status)  # type: ignore[no-any-return]


async def deal(
    factory: Factory, t: Teams, session: Session, source: str, campaign: str | None, **extra: Any
) -> dict[str, Any]:
    return await create_deal(
        factory,
        session,
        funnel_id=t.funnel["id"],
        source_channel=source,
        source_campaign=campaign,
        **extra,
    )


async def win(factory: Factory, session: Session, deal_id: str) -> None:
    json_of(await factory.client.post(f"{API}/deals/{deal_id}/win", headers=session.headers), 200)


async def report(factory: Factory, session: Session, **params: Any) -> dict[str, Any]:
    month = this_month()
    response = await factory.client.get(
        f"{API}/marketing/effectiveness",
        params={"from": month, "to": month, **params},
        headers=session.headers,
    )
    return json_of(response, 200)  # type: ignore[no-any-return]


def row(result: dict[str, Any], source: str | None, campaign: str | None) -> dict[str, Any]:
    return next(r for r in result["items"] if (r["source"], r["campaign"]) == (source, campaign))


async def marketer(factory: Factory, t: Teams) -> Session:
    return await factory.login(await factory.user(t.org, "marketer"))


class TestMarketingEffectiveness:
    async def test_costs_and_deals_give_cost_per_lead_per_won_deal_and_return(
        self, factory: Factory
    ) -> None:
        t = await teams(factory)
        m = await marketer(factory, t)
        await cost(factory, m, source="yandex", campaign="весна", amount="1000")
        await cost(factory, m, source="yandex", amount="500")
        await cost(factory, m, source="avito", amount="300")
        spring = [await deal(factory, t, t.seller, "yandex", "весна") for _ in range(4)]
        await win(factory, t.seller, spring[0]["id"])
        await win(factory, t.seller, spring[1]["id"])
        await deal(factory, t, t.seller, "yandex", None)
        expo = await deal(factory, t, t.seller, "выставка", None, amount="700")
        await win(factory, t.seller, expo["id"])
        await deal(factory, t, t.seller, "выставка", None)
        revenue = sum(float(d["amount"]) for d in spring[:2])
        result = await report(factory, m)
        assert result["first_month"] == result["last_month"] == this_month()
        assert [(r["source"], r["campaign"]) for r in result["items"]] == [
            ("yandex", "весна"),
            ("yandex", None),
            ("avito", None),
            ("выставка", None),
        ]
        spring_row = row(result, "yandex", "весна")
        assert (spring_row["cost"], spring_row["leads"], spring_row["won"]) == ("1000.00", 4, 2)
        assert float(spring_row["revenue"]) == revenue
        assert spring_row["cost_per_lead"] == "250.00"
        assert spring_row["cost_per_won"] == "500.00"
        expected = round((revenue - 1000) / 1000 * 100, 1)
        assert float(spring_row["return_on_spend"]) == expected
        plain = row(result, "yandex", None)
        assert (plain["leads"], plain["won"], plain["cost_per_won"]) == (1, 0, None)
        assert plain["return_on_spend"] == "-100.0"
        avito = row(result, "avito", None)
        assert (avito["leads"], avito["cost_per_lead"]) == (0, None)
        fair = row(result, "выставка", None)
        assert (fair["cost"], fair["leads"], fair["won"], fair["revenue"]) == (
            "0",
            2,
            1,
            "700.00",
        )
        assert fair["return_on_spend"] is None

    async def test_the_cost_of_each_stage_reached(self, factory: Factory) -> None:
        t = await teams(
            factory,
            name="Воронка рекламы",
            stages=[{"name": "Первый", "probability": 10}, {"name": "Второй", "probability": 50}],
        )
        await cost(factory, t.admin, source="yandex", amount="900")
        second = stage_named(t.funnel, "Второй")["id"]
        made = [await deal(factory, t, t.seller, "yandex", None) for _ in range(3)]
        response = await move(factory, t.seller, made[0]["id"], second)
        assert response.status_code == 200, response.text
        result = await report(factory, t.admin, funnel_id=t.funnel["id"])
        stages = {s["stage_name"]: s for s in row(result, "yandex", None)["stages"]}
        assert (stages["Первый"]["deals"], stages["Первый"]["cost_per_deal"]) == (3, "300.00")
        assert (stages["Второй"]["deals"], stages["Второй"]["cost_per_deal"]) == (1, "900.00")

    async def test_deals_count_for_who_sees_them_and_only_readers_of_reports_read_it(
        self, factory: Factory
    ) -> None:
        t = await teams(factory)
        await cost(factory, t.admin, source="yandex", amount="100")
        await deal(factory, t, t.seller, "yandex", None)
        await deal(factory, t, t.stranger, "yandex", None)
        assert row(await report(factory, t.admin), "yandex", None)["leads"] == 2
        assert row(await report(factory, t.head), "yandex", None)["leads"] == 1
        refused = await factory.client.get(
            f"{API}/marketing/effectiveness",
            params={"from": this_month(), "to": this_month()},
            headers=t.seller.headers,
        )
        assert refused.status_code == 403
        other = await report(factory, t.outsider)
        assert other["items"] == []

    async def test_a_bad_period_is_refused_naming_the_parameter(self, factory: Factory) -> None:
        t = await teams(factory)
        for params, loc in (
            ({"from": "2026-05-01", "to": "2026-04-01"}, ["query", "from"]),
            ({"from": "2024-01-01", "to": "2026-01-31"}, ["query", "from"]),
            ({"from": "1900-01-01", "to": "2026-01-31"}, ["query", "from"]),
            ({"to": "2026-01-31"}, ["query", "from"]),
        ):
            response = await factory.client.get(
                f"{API}/marketing/effectiveness", params=params, headers=t.admin.headers
            )
            assert response.status_code == 422, params
            assert loc in error_locs(response), response.json()
        unknown = await factory.client.get(
            f"{API}/marketing/effectiveness",
            params={"from": this_month(), "to": this_month(), "funnel_id": str(t.org.id)},
            headers=t.admin.headers,
        )
        assert error_locs(unknown) == [["query", "funnel_id"]]


class TestMarketingCosts:
    async def test_a_marketer_enters_one_cost_per_month_source_and_campaign(
        self, factory: Factory
    ) -> None:
        t = await teams(factory)
        m = await marketer(factory, t)
        made = await cost(factory, m, source=" yandex ", campaign="весна", comment="Директ")
        assert (made["source"], made["currency"], made["version"]) == ("yandex", "RUB", 1)
        await cost(factory, m, source="yandex", campaign="весна", status=409)
        await cost(factory, m, source="yandex")  # no campaign is another cost
        await cost(factory, m, source="yandex", status=409)
        await cost(factory, t.seller, source="avito", status=403)
        await cost(factory, t.head, source="avito", status=403)
        path = f"{API}/marketing/costs/{made['id']}"
        changed = await factory.client.patch(
            path,
            json={"amount": "1200.50", "comment": None},
            headers={**m.headers, "If-Match": '"v1"'},
        )
        body = json_of(changed, 200)
        assert (body["amount"], body["comment"], body["version"]) == ("1200.50", None, 2)
        audit = await factory.client.get(
            f"{API}/audit",
            params={"entity_type": "marketing_cost", "entity_id": made["id"]},
            headers=t.admin.headers,
        )
        assert [e["action"] for e in json_of(audit, 200)["items"]] == ["update", "create"]
        stale = await factory.client.patch(
            path, json={"amount": "1"}, headers={**m.headers, "If-Match": '"v1"'}
        )
        assert stale.status_code == 412
        listed = await factory.client.get(f"{API}/marketing/costs", headers=t.head.headers)
        assert len(json_of(listed, 200)["items"]) == 2  # a head reads reports
        page = await factory.client.get(
            f"{API}/marketing/costs", params={"limit": 1}, headers=m.headers
        )
        following = await factory.client.get(
            f"{API}/marketing/costs",
            params={"limit": 1, "cursor": json_of(page, 200)["next_cursor"]},
            headers=m.headers,
        )
        assert len(json_of(following, 200)["items"]) == 1
        foreign = await factory.client.delete(path, headers=t.outsider.headers)
        assert foreign.status_code == 404
        gone = await factory.client.delete(path, headers=m.headers)
        assert gone.status_code == 204

    async def test_bad_costs_are_refused_naming_the_field(self, factory: Factory) -> None:
        t = await teams(factory)
        for body, loc in (
            ({"source": "yandex", "month": "2026-12-02"}, ["body", "month"]),
            ({"source": "yandex", "amount": "-5"}, ["body", "amount"]),
            ({"source": "yandex", "amount": "1e30"}, ["body", "amount"]),
            ({"source": "   "}, ["body", "source"]),
            ({"source": "ya\u0000ndex"}, ["body", "source"]),
            ({"source": "yandex", "campaign": "x" * 201}, ["body", "campaign"]),
        ):
            response = await factory.client.post(
                f"{API}/marketing/costs",
                json={"month": this_month(), "amount": "10", **body},
                headers=t.admin.headers,
            )
            assert response.status_code == 422, body
            assert loc in error_locs(response), response.json()
