from __future__ import annotations

from datetime import timedelta

from httpx import AsyncClient

from adapters.bootstrap import Container
from tests.api.activities.support import client_of, deal_of, now, relationship_change, world
from tests.factories import Factory


class TestTimeline:
    async def test_client_timeline_merges_everything_newest_first_with_its_deals(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        headers = w.seller_s.headers
        client_id = await client_of(container, w.org, w.seller)
        await relationship_change(container, w.org, client_id, at=now() - timedelta(days=3))
        deal_id = await deal_of(container, w.org, client_id, w.seller)  # + a stage move now
        hidden_deal = await deal_of(container, w.org, client_id, w.other_team)
        await client.post(
            "/api/v1/activities",
            json={
                "kind": "call",
                "client_id": str(client_id),
                "occurred_at": (now() - timedelta(days=1)).isoformat(),
            },
            headers=headers,
        )
        await client.post(
            "/api/v1/activities",
            json={"kind": "note", "deal_id": str(hidden_deal), "body": "чужая"},
            headers=w.other_team_s.headers,
        )
        await client.post(
            "/api/v1/tasks", json={"title": "t", "deal_id": str(deal_id)}, headers=headers
        )
        await client.post(
            "/api/v1/discussions", json={"deal_id": str(deal_id), "body": "c"}, headers=headers
        )
        response = await client.get(f"/api/v1/clients/{client_id}/timeline", headers=headers)
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        kinds = [i["kind"] for i in items]
        # Recording the call recomputed the relationship: the open deal made it potential.
        assert sorted(kinds) == [
            "activity",
            "comment",
            "relationship",
            "relationship",
            "stage_move",
            "task",
        ]
        assert kinds[-2:] == ["activity", "relationship"]  # the oldest two
        assert [i["at"] for i in items] == sorted((i["at"] for i in items), reverse=True)
        stage = next(i for i in items if i["kind"] == "stage_move")
        assert stage["data"]["to_stage"] == "Заявка"
        # The admin sees the other seller's deal in the client's timeline too.
        everything = await client.get(
            f"/api/v1/clients/{client_id}/timeline", headers=w.admin.headers
        )
        assert len(everything.json()["items"]) == len(items) + 2

    async def test_kinds_filter_and_keyset_pages(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        headers = w.seller_s.headers
        client_id = await client_of(container, w.org, w.seller)
        deal_id = await deal_of(container, w.org, client_id, w.seller)
        for n in range(5):
            await client.post(
                "/api/v1/discussions",
                json={"deal_id": str(deal_id), "body": f"c{n}"},
                headers=headers,
            )
        url = f"/api/v1/deals/{deal_id}/timeline"
        only = await client.get(url, params={"kinds": "comment"}, headers=headers)
        assert [i["body"] for i in only.json()["items"]] == ["c4", "c3", "c2", "c1", "c0"]
        seen: list[str] = []
        cursor = None
        while True:
            params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
            page = (await client.get(url, params=params, headers=headers)).json()
            seen += [i["id"] for i in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert len(seen) == 6 == len(set(seen))  # 5 comments + the deal's creation

    async def test_other_team_and_other_organisation_get_404(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        deal_id = await deal_of(container, w.org, client_id, w.seller)
        for session in (w.other_team_s, w.stranger_s, w.colleague_s):
            for path in (
                f"/api/v1/clients/{client_id}/timeline",
                f"/api/v1/deals/{deal_id}/timeline",
            ):
                assert (await client.get(path, headers=session.headers)).status_code == 404
        for path in (f"/api/v1/clients/{client_id}/timeline", f"/api/v1/deals/{deal_id}/timeline"):
            assert (await client.get(path, headers=w.head_s.headers)).status_code == 200
