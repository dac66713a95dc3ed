"""The board's and the list's filters (one filter object for both), the responsible on every
card and row, and the team a head of sales may filter by."""

from __future__ import annotations

from typing import Any

from tests.api.deals.support import (
    API,
    create_client,
    create_deal,
    json_of,
    stage_named,
    teams,
)
from tests.factories import Factory, Session


async def board(factory: Factory, session: Session, funnel_id: str, query: str = "") -> Any:
    return json_of(
        await factory.client.get(
            f"{API}/funnels/{funnel_id}/board?{query}", headers=session.headers
        ),
        200,
    )


def board_titles(payload: Any) -> set[str]:
    return {d["title"] for column in payload["columns"] for d in column["deals"]}


async def listed_titles(factory: Factory, session: Session, query: str) -> set[str]:
    page = json_of(await factory.client.get(f"{API}/deals?{query}", headers=session.headers), 200)
    return {d["title"] for d in page["items"]}


class TestBoardFilters:
    async def test_client_tags_select_the_same_deals_on_the_board_the_list_and_a_column(
        self, factory: Factory
    ) -> None:
        world = await teams(factory)
        funnel_id = world.funnel["id"]
        meeting = stage_named(world.funnel, "Встреча")
        vip = await create_client(factory, world.seller, segment_tags=["VIP", "опт"])
        retail = await create_client(factory, world.seller, segment_tags=["розница"])
        tagged = await create_deal(
            factory, world.seller, client_id=vip["id"], stage_id=meeting["id"]
        )
        other = await create_deal(
            factory, world.seller, client_id=retail["id"], stage_id=meeting["id"]
        )

        payload = await board(factory, world.seller, funnel_id, "tag=VIP")
        assert board_titles(payload) == {tagged["title"]}
        column = next(c for c in payload["columns"] if c["stage_id"] == meeting["id"])
        assert column["count"] == 1
        # Any of the tags given.
        both = await board(factory, world.seller, funnel_id, "tag=VIP&tag=розница")
        assert board_titles(both) == {tagged["title"], other["title"]}
        assert await listed_titles(factory, world.seller, f"funnel_id={funnel_id}&tag=VIP") == {
            tagged["title"]
        }
        page = json_of(
            await factory.client.get(
                f"{API}/funnels/{funnel_id}/board/columns/{meeting['id']}?tag=nothing",
                headers=world.seller.headers,
            ),
            200,
        )
        assert page["deals"] == []

    async def test_source_stale_and_without_next_task_filter_the_board(
        self, factory: Factory
    ) -> None:
        world = await teams(factory)
        funnel_id = world.funnel["id"]
        site = await create_deal(factory, world.seller, source_channel="Сайт")
        call = await create_deal(factory, world.seller, source_channel="Звонок")
        task = await factory.client.post(
            f"{API}/tasks",
            json={"title": "Позвонить", "deal_id": call["id"], "due_at": "2030-01-01T09:00:00Z"},
            headers=world.seller.headers,
        )
        assert task.status_code == 201, task.text

        by_source = await board(factory, world.seller, funnel_id, "source_channel=Сайт")
        assert board_titles(by_source) == {site["title"]}
        planned = await board(factory, world.seller, funnel_id, "without_next_task=true")
        assert board_titles(planned) == {site["title"]}
        # Nothing has been in its stage long enough to be stale.
        assert board_titles(await board(factory, world.seller, funnel_id, "stale=true")) == set()
        assert board_titles(await board(factory, world.seller, funnel_id, "stale=false")) == {
            site["title"],
            call["title"],
        }

    async def test_too_many_tags_are_refused_naming_the_parameter(self, factory: Factory) -> None:
        world = await teams(factory)
        query = "&".join(f"tag=t{i}" for i in range(200))
        response = await factory.client.get(
            f"{API}/funnels/{world.funnel['id']}/board?{query}", headers=world.seller.headers
        )
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")
        assert ["query", "tag"] in [e["loc"][:2] for e in response.json()["errors"]]


class TestResponsibleOnCards:
    async def test_cards_rows_and_column_pages_name_the_responsible(self, factory: Factory) -> None:
        world = await teams(factory)
        funnel_id = world.funnel["id"]
        first = stage_named(world.funnel, "Встреча")
        mine = await create_deal(factory, world.seller, stage_id=first["id"])
        theirs = await create_deal(factory, world.stranger, stage_id=first["id"])
        assert mine["responsible_name"] == world.seller.user.full_name

        payload = await board(factory, world.admin, funnel_id, "per_stage=1")
        cards = {d["id"]: d for c in payload["columns"] for d in c["deals"]}
        column = next(c for c in payload["columns"] if c["stage_id"] == first["id"])
        page = json_of(
            await factory.client.get(
                f"{API}/funnels/{funnel_id}/board/columns/{first['id']}"
                f"?cursor={column['next_cursor']}",
                headers=world.admin.headers,
            ),
            200,
        )
        cards.update({d["id"]: d for d in page["deals"]})
        assert cards[mine["id"]]["responsible_name"] == world.seller.user.full_name
        assert cards[theirs["id"]]["responsible_name"] == world.stranger.user.full_name

        rows = json_of(
            await factory.client.get(
                f"{API}/deals?funnel_id={funnel_id}", headers=world.admin.headers
            ),
            200,
        )["items"]
        assert {r["id"]: r["responsible_name"] for r in rows} == {
            mine["id"]: world.seller.user.full_name,
            theirs["id"]: world.stranger.user.full_name,
        }


async def owners(factory: Factory, session: Session, query: str = "owners_of=deals") -> set[str]:
    page = json_of(
        await factory.client.get(f"{API}/users?{query}&limit=100", headers=session.headers), 200
    )
    return {u["id"] for u in page["items"]}


class TestTeamFilter:
    async def test_a_head_may_filter_by_their_team_only(self, factory: Factory) -> None:
        world = await teams(factory)
        head, seller, stranger = (
            str(s.user.id) for s in (world.head, world.seller, world.stranger)
        )
        # The head of the east department sees its people's deals: they are the choices.
        assert await owners(factory, world.head) == {head, seller}
        # A seller sees their own deals only.
        assert await owners(factory, world.seller) == {seller}
        # An admin sees everyone's.
        assert {head, seller, stranger, str(world.admin.user.id)} <= await owners(
            factory, world.admin
        )
        # Without the parameter the directory of colleagues is unchanged.
        assert {head, seller, stranger} <= await owners(factory, world.head, "is_active=true")
        # Another organisation's people are never among them.
        assert not {head, seller, stranger} & await owners(factory, world.outsider)

    async def test_a_head_filters_the_board_by_a_seller_of_the_team(self, factory: Factory) -> None:
        world = await teams(factory)
        funnel_id = world.funnel["id"]
        mine = await create_deal(factory, world.seller)
        head_deal = await create_deal(factory, world.head)
        await create_deal(factory, world.stranger)

        assert board_titles(await board(factory, world.head, funnel_id)) == {
            mine["title"],
            head_deal["title"],
        }
        filtered = await board(
            factory, world.head, funnel_id, f"responsible_id={world.seller.user.id}"
        )
        assert board_titles(filtered) == {mine["title"]}
        assert all(
            d["responsible_name"] == world.seller.user.full_name
            for c in filtered["columns"]
            for d in c["deals"]
        )
        # Asking for someone outside the team shows nothing of theirs.
        outside = await board(
            factory, world.head, funnel_id, f"responsible_id={world.stranger.user.id}"
        )
        assert board_titles(outside) == set()

    async def test_an_unknown_kind_of_record_is_refused(self, factory: Factory) -> None:
        world = await teams(factory)
        response = await factory.client.get(
            f"{API}/users?owners_of=invoices", headers=world.head.headers
        )
        assert response.status_code == 422
        assert ["query", "owners_of"] in [e["loc"][:2] for e in response.json()["errors"]]
