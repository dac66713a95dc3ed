from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from adapters.db.repositories import deals as deal_repository
from adapters.db.tables.deals import deals
from adapters.db.tables.staff import absences
from tests.api.attachments.support import insert
from tests.api.deals.support import (
    API,
    create_client,
    create_deal,
    json_of,
    stage_named,
    teams,
)
from tests.factories import Factory


async def back_date(factory: Factory, deal_id: str, days: float) -> None:
    """Pretend the deal entered its stage ``days`` ago."""
    async with factory.container.engine.begin() as conn:
        await conn.execute(
            sa.update(deals)
            .where(deals.c.id == uuid.UUID(deal_id))
            .values(stage_entered_at=datetime.now(UTC) - timedelta(days=days))
        )


async def listed(factory: Factory, session: Any, query: str = "") -> dict[str, Any]:
    return json_of(  # type: ignore[no-any-return]
        await factory.client.get(f"{API}/deals?{query}", headers=session.headers), 200
    )


async def totals_of(factory: Factory, session: Any, query: str = "") -> list[dict[str, Any]]:
    """The currencies of GET /deals/totals, exact over this few deals."""
    body = json_of(
        await factory.client.get(f"{API}/deals/totals?{query}", headers=session.headers), 200
    )
    assert body["exact"] is True
    return body["currencies"]  # type: ignore[no-any-return]


def titles(page: dict[str, Any]) -> set[str]:
    return {d["title"] for d in page["items"]}


class TestDealList:
    async def test_filters(self, factory: Factory) -> None:
        world = await teams(factory)
        meeting = stage_named(world.funnel, "Встреча")
        client = await create_client(factory, world.seller, name="ООО «Ромашка-Север»")
        small = await create_deal(factory, world.seller, title="Маленькая", amount="100")
        big = await create_deal(
            factory,
            world.seller,
            title="Большая поставка",
            amount="900000",
            client_id=client["id"],
            stage_id=meeting["id"],
            source_channel="сайт",
            expected_close_date="2026-06-30",
        )
        s = world.seller
        assert titles(await listed(factory, s, f"stage_id={meeting['id']}")) == {big["title"]}
        assert titles(await listed(factory, s, "amount_min=1000")) == {big["title"]}
        assert titles(await listed(factory, s, "amount_max=1000")) == {small["title"]}
        assert titles(await listed(factory, s, "source_channel=сайт")) == {big["title"]}
        assert titles(await listed(factory, s, f"client_id={client['id']}")) == {big["title"]}
        assert titles(await listed(factory, s, "q=поставк")) == {big["title"]}
        assert titles(await listed(factory, s, "q=РОМАШКА")) == {big["title"]}
        # Client names compare as the client search compares them: without the legal form
        # and punctuation, ё as е.
        assert titles(await listed(factory, s, "q=ООО Ромашка-север")) == {big["title"]}
        assert titles(await listed(factory, s, f"q={quote('«ромашка')}")) == {big["title"]}
        # Titles ignore case and ё against е too (their stored key).
        assert titles(await listed(factory, s, "q=БОЛЬШАЯ ПОСТАВКА")) == {big["title"]}
        assert titles(
            await listed(factory, s, "expected_close_from=2026-06-01&expected_close_to=2026-06-30")
        ) == {big["title"]}
        assert titles(await listed(factory, s, "status=won")) == set()
        assert titles(await listed(factory, s, f"responsible_id={world.seller.user.id}")) == {
            small["title"],
            big["title"],
        }

    @pytest.mark.parametrize("window", [2000, 1], ids=["newest-window", "from-matches"])
    async def test_search_compares_e_and_yo_alike_in_titles_and_client_names(
        self, factory: Factory, monkeypatch: pytest.MonkeyPatch, window: int
    ) -> None:
        monkeypatch.setattr(deal_repository, "SEARCH_WINDOW", window)
        world = await teams(factory)
        client = await create_client(factory, world.seller, name="ООО «Зелёный берег»")
        fir = await create_deal(factory, world.seller, title="Ёлочные игрушки, опт")
        shore = await create_deal(factory, world.seller, title="Поставка", client_id=client["id"])
        await create_deal(factory, world.seller, title="Другое")
        assert titles(await listed(factory, world.seller, "q=елочн")) == {fir["title"]}
        assert titles(await listed(factory, world.seller, "q=ЁЛОЧН")) == {fir["title"]}
        assert titles(await listed(factory, world.seller, "q=зеленый")) == {shore["title"]}
        assert titles(await listed(factory, world.seller, "q=зелёный")) == {shore["title"]}

    @pytest.mark.parametrize(
        ("window", "candidates", "frequent"),
        [(2000, 500, 5), (1, 500, 5), (1, 2, 5), (1, 500, 1), (3, 500, 1), (3, 500, 5)],
        ids=[
            "newest-window",
            "from-matches",
            "walk-past-candidates",
            "walk-frequent",
            "window-then-walk-on",
            "window-then-matches",
        ],
    )
    async def test_search_pages_title_and_client_matches_within_visibility(
        self,
        factory: Factory,
        monkeypatch: pytest.MonkeyPatch,
        window: int,
        candidates: int,
        frequent: int,
    ) -> None:
        """A search matches the newest deals first, else collects its matches by the two
        indexed conditions, or, past SEARCH_CANDIDATES of them, walks the sort order on from
        the window's end: the same deals every way, paged by the cursor without repeats, the
        caller's visible ones only."""
        monkeypatch.setattr(deal_repository, "SEARCH_WINDOW", window)
        monkeypatch.setattr(deal_repository, "SEARCH_CANDIDATES", candidates)
        monkeypatch.setattr(deal_repository, "SEARCH_FREQUENT_IN_WINDOW", frequent)
        world = await teams(factory)
        client = await create_client(factory, world.seller, name="ООО «Энергосбыт-Юг»")
        by_title = [
            (await create_deal(factory, world.seller, title=f"Энергоаудит {i}", amount=f"{i + 1}"))[
                "title"
            ]
            for i in range(3)
        ]
        by_client = [
            (
                await create_deal(
                    factory,
                    world.seller,
                    title=f"Поставка {i}",
                    client_id=client["id"],
                    amount=f"{i + 10}",
                )
            )["title"]
            for i in range(2)
        ]
        await create_deal(factory, world.seller, title="Другое")
        await create_deal(factory, world.stranger, title="Энергоаудит чужой")
        seen: list[str] = []
        query = "q=нерго&limit=2"
        while True:
            page = await listed(factory, world.seller, query)
            seen.extend(d["title"] for d in page["items"])
            if not page["next_cursor"]:
                break
            query = f"q=нерго&limit=2&cursor={page['next_cursor']}"
        # Every match once, newest first, however the page was found.
        assert seen == [*by_client[::-1], *by_title[::-1]]
        by_amount = await listed(factory, world.seller, "q=нерго&sort=-amount&limit=50")
        assert [d["title"] for d in by_amount["items"]] == [*by_client[::-1], *by_title[::-1]]
        assert titles(await listed(factory, world.stranger, "q=нерго")) == {"Энергоаудит чужой"}
        assert titles(await listed(factory, world.seller, "q=такого-нет")) == set()

    @pytest.mark.parametrize("window", [2000, 1], ids=["newest-window", "walk"])
    async def test_a_fragment_shorter_than_a_trigram_matches_titles_and_client_names(
        self, factory: Factory, monkeypatch: pytest.MonkeyPatch, window: int
    ) -> None:
        """One or two letters are found in titles and clients' names alike, by the newest
        window or by the walk (no index narrows them), the caller's visible deals only, and
        the totals agree."""
        monkeypatch.setattr(deal_repository, "SEARCH_WINDOW", window)
        world = await teams(factory)
        client = await create_client(factory, world.seller, name="ТОВ «Їжак»")
        titled = await create_deal(factory, world.seller, title="Монтаж їжакових дверей")
        of_client = await create_deal(
            factory, world.seller, title="Поставка", client_id=client["id"]
        )
        await create_deal(factory, world.seller, title="Другое")
        await create_deal(factory, world.stranger, title="Їжак чужий")
        expected = {titled["title"], of_client["title"]}
        assert titles(await listed(factory, world.seller, "q=їж")) == expected
        assert titles(await listed(factory, world.seller, "q=Ї")) == expected
        assert titles(await listed(factory, world.seller, "q=ъы")) == set()
        assert [t["count"] for t in await totals_of(factory, world.seller, "q=їж")] == [2]

    async def test_totals_cover_every_selected_deal_with_weighted_amounts(
        self, factory: Factory
    ) -> None:
        world = await teams(factory)
        meeting = stage_named(world.funnel, "Встреча")  # 10 %
        await create_deal(factory, world.seller, amount="1000", stage_id=meeting["id"])
        await create_deal(factory, world.seller, amount="3000", stage_id=meeting["id"])
        await create_deal(factory, world.seller, amount="50", currency="EUR")
        await create_deal(factory, world.stranger, amount="7", title="Чужая")
        page = await listed(factory, world.seller, "limit=1")
        assert len(page["items"]) == 1
        assert page["next_cursor"]
        assert "totals" not in page  # pages never count the whole filtered set

        totals = {t["currency"]: t for t in await totals_of(factory, world.seller)}
        assert totals["RUB"] == {
            "currency": "RUB",
            "count": 2,
            "amount": "4000.00",
            "weighted_amount": "400.00",
        }
        assert totals["EUR"]["count"] == 1
        assert totals["EUR"]["weighted_amount"] == "0.00"
        # The list's filters, the same way.
        assert await totals_of(factory, world.seller, "amount_min=2000") == [
            {"currency": "RUB", "count": 1, "amount": "3000.00", "weighted_amount": "300.00"}
        ]
        assert await totals_of(factory, world.seller, "q=Чужая") == []
        # Visibility: the admin sees everyone's, another seller only their own.
        everything = {t["currency"]: t["count"] for t in await totals_of(factory, world.admin)}
        assert everything == {"RUB": 3, "EUR": 1}
        assert [(t["count"], t["amount"]) for t in await totals_of(factory, world.stranger)] == [
            (1, "7.00")
        ]
        assert await totals_of(factory, world.outsider) == []

    async def test_totals_include_the_absent_colleagues_deals_for_the_substitute(
        self, factory: Factory
    ) -> None:
        world = await teams(factory)
        await create_deal(factory, world.seller, amount="1000")
        await create_deal(factory, world.stranger, amount="5")
        today = datetime.now(UTC).date()
        await insert(
            factory.container,
            absences,
            organisation_id=world.org.id,
            user_id=world.seller.user.id,
            kind="vacation",
            starts_on=today - timedelta(days=1),
            ends_on=today + timedelta(days=1),
            substitute_id=world.stranger.user.id,
            created_by=world.admin.user.id,
        )
        assert [(t["count"], t["amount"]) for t in await totals_of(factory, world.stranger)] == [
            (2, "1005.00")
        ]
        page = await listed(factory, world.stranger)
        assert len(page["items"]) == 2

    async def test_sorting_and_keyset_pages(self, factory: Factory) -> None:
        world = await teams(factory)
        amounts = ["300", "100", "200", "100"]
        for amount in amounts:
            await create_deal(factory, world.seller, amount=amount)
        await create_deal(factory, world.seller, amount="5", expected_close_date="2026-01-01")
        seen: list[str] = []
        cursor = None
        while True:
            query = "sort=-amount&limit=2" + (f"&cursor={cursor}" if cursor else "")
            page = await listed(factory, world.seller, query)
            seen.extend(d["amount"] for d in page["items"])
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert seen == ["300.00", "200.00", "100.00", "100.00", "5.00"]
        dates: list[str | None] = []
        cursor = None
        while True:
            query = "sort=expected_close_date&limit=2" + (f"&cursor={cursor}" if cursor else "")
            page = await listed(factory, world.seller, query)
            dates.extend(d["expected_close_date"] for d in page["items"])
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert dates[0] == "2026-01-01"
        assert dates[1:] == [None] * 4

    async def test_stale_deals_are_flagged_and_filterable(self, factory: Factory) -> None:
        world = await teams(factory)  # "Заявка" allows 2 days
        fresh = await create_deal(factory, world.seller, title="Свежая")
        stale = await create_deal(factory, world.seller, title="Зависшая")
        hopeless = await create_deal(factory, world.seller, title="Надежда")
        await back_date(factory, stale["id"], 3)
        await back_date(factory, hopeless["id"], 5)
        assert titles(await listed(factory, world.seller, "stale=true")) == {
            "Зависшая",
            "Надежда",
        }
        assert titles(await listed(factory, world.seller, "stale=false")) == {fresh["title"]}
        page = {d["title"]: d for d in (await listed(factory, world.seller))["items"]}
        assert (page["Зависшая"]["is_stale"], page["Зависшая"]["close_proposed"]) == (True, False)
        assert (page["Надежда"]["is_stale"], page["Надежда"]["close_proposed"]) == (True, True)
        assert page["Надежда"]["time_in_stage_seconds"] >= 5 * 86400 - 60

    async def test_custom_field_filters(self, factory: Factory) -> None:
        world = await teams(factory)
        await factory.client.post(
            f"{API}/custom-fields",
            json={"entity": "deal", "key": "budget", "label": "Бюджет", "type": "number"},
            headers=world.admin.headers,
        )
        await create_deal(factory, world.seller, title="Дорогая", custom_fields={"budget": 500})
        await create_deal(factory, world.seller, title="Дешёвая", custom_fields={"budget": 5})
        assert titles(await listed(factory, world.seller, "cf.budget.gte=100")) == {"Дорогая"}
        assert titles(await listed(factory, world.seller, "cf.budget=5")) == {"Дешёвая"}
        unknown = await factory.client.get(
            f"{API}/deals?cf.colour=red", headers=world.seller.headers
        )
        assert unknown.status_code == 422


class TestBoard:
    async def test_counts_sums_and_first_cards_per_stage(self, factory: Factory) -> None:
        world = await teams(factory)
        meeting = stage_named(world.funnel, "Встреча")
        for amount in ("100", "200", "300"):
            await create_deal(factory, world.seller, amount=amount, stage_id=meeting["id"])
        await create_deal(factory, world.seller, amount="999")
        await create_deal(factory, world.stranger, amount="777", stage_id=meeting["id"])
        board = json_of(
            await factory.client.get(
                f"{API}/funnels/{world.funnel['id']}/board?per_stage=2",
                headers=world.seller.headers,
            ),
            200,
        )
        assert len(board["columns"]) == 9
        by_stage = {c["stage_id"]: c for c in board["columns"]}
        column = by_stage[meeting["id"]]
        assert column["count"] == 3  # the stranger's deal is not visible
        assert column["totals"] == [
            {"currency": "RUB", "count": 3, "amount": "600.00", "weighted_amount": "60.00"}
        ]
        assert len(column["deals"]) == 2
        assert by_stage[world.funnel["stages"][0]["id"]]["count"] == 1


class TestExport:
    async def test_csv_streams_the_filtered_visible_list(self, factory: Factory) -> None:
        world = await teams(factory)
        await create_deal(factory, world.seller, title="Экспорт один", amount="10")
        await create_deal(factory, world.seller, title="Экспорт два", amount="20000")
        await create_deal(factory, world.stranger, title="Чужая сделка", amount="20000")
        response = await factory.client.get(
            f"{API}/deals/export?format=csv&amount_min=1000", headers=world.seller.headers
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][1] == "Сделка"
        assert [r[1] for r in rows[1:]] == ["Экспорт два"]
        responsible = rows[0].index("Ответственный")
        assert rows[1][responsible] == world.seller.user.full_name

    async def test_xlsx(self, factory: Factory) -> None:
        world = await teams(factory)
        await create_deal(factory, world.seller, title="В таблицу")
        response = await factory.client.get(
            f"{API}/deals/export?format=xlsx", headers=world.seller.headers
        )
        assert response.status_code == 200
        assert response.content[:2] == b"PK"
