from __future__ import annotations

from datetime import timedelta

from httpx import AsyncClient

from adapters.bootstrap import Container
from tests.api.activities.support import absence, client_of, deal_of, now, world
from tests.factories import Factory

ACTIVITIES = "/api/v1/activities"


class TestRecordActivity:
    async def test_call_on_a_deal_is_authored_by_the_caller(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        deal_id = await deal_of(container, w.org, client_id, w.seller)
        at = (now() - timedelta(hours=2)).isoformat()
        response = await client.post(
            ACTIVITIES,
            json={
                "kind": "call",
                "deal_id": str(deal_id),
                "subject": "Обсудили смету",
                "direction": "outbound",
                "occurred_at": at,
                "duration_seconds": 300,
            },
            headers=w.seller_s.headers,
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["author_id"] == str(w.seller.id)
        assert body["client_id"] == str(client_id)
        assert body["duration_seconds"] == 300
        listed = await client.get(
            ACTIVITIES, params={"client_id": str(client_id)}, headers=w.seller_s.headers
        )
        assert [a["id"] for a in listed.json()["items"]] == [body["id"]]

    async def test_a_note_needs_text_and_only_calls_and_mail_have_a_direction(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        empty = await client.post(
            ACTIVITIES,
            json={"kind": "note", "client_id": str(client_id)},
            headers=w.seller_s.headers,
        )
        assert empty.status_code == 422
        meeting = await client.post(
            ACTIVITIES,
            json={"kind": "meeting", "client_id": str(client_id), "direction": "inbound"},
            headers=w.seller_s.headers,
        )
        assert meeting.status_code == 422

    async def test_only_the_author_edits_and_deletes(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        created = await client.post(
            ACTIVITIES,
            json={"kind": "note", "client_id": str(client_id), "body": "Первый звонок"},
            headers=w.seller_s.headers,
        )
        url = f"{ACTIVITIES}/{created.json()['id']}"
        # The head sees the seller's client, may read, but not rewrite the seller's note.
        assert (await client.get(url, headers=w.head_s.headers)).status_code == 200
        denied = await client.patch(url, json={"body": "x"}, headers=w.head_s.headers)
        assert denied.status_code == 403
        edited = await client.patch(
            url, json={"body": "Второй звонок"}, headers={**w.seller_s.headers, "If-Match": '"v1"'}
        )
        assert edited.status_code == 200
        assert edited.json()["body"] == "Второй звонок"
        assert (await client.delete(url, headers=w.seller_s.headers)).status_code == 204
        assert (await client.get(url, headers=w.seller_s.headers)).status_code == 404


class TestActivityScoping:
    async def test_visible_with_the_client_only(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        created = await client.post(
            ACTIVITIES,
            json={"kind": "email", "client_id": str(client_id), "subject": "КП"},
            headers=w.seller_s.headers,
        )
        url = f"{ACTIVITIES}/{created.json()['id']}"
        for session in (w.other_team_s, w.stranger_s, w.colleague_s):
            assert (await client.get(url, headers=session.headers)).status_code == 404
            patch = await client.patch(url, json={"body": "x"}, headers=session.headers)
            assert patch.status_code == 404
            assert (await client.delete(url, headers=session.headers)).status_code == 404
            listed = await client.get(ACTIVITIES, headers=session.headers)
            assert listed.json()["items"] == []
            on_it = await client.post(
                ACTIVITIES,
                json={"kind": "note", "client_id": str(client_id), "body": "x"},
                headers=session.headers,
            )
            assert on_it.status_code == 404
        assert (await client.get(url, headers=w.admin.headers)).status_code == 200

    async def test_substitute_sees_the_absent_users_client_and_deal_activities(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.colleague)
        deal_id = await deal_of(container, w.org, client_id, w.colleague)
        created = await client.post(
            ACTIVITIES,
            json={"kind": "call", "deal_id": str(deal_id)},
            headers=w.colleague_s.headers,
        )
        url = f"{ACTIVITIES}/{created.json()['id']}"
        assert (await client.get(url, headers=w.other_team_s.headers)).status_code == 404
        await absence(container, w.org, w.colleague, w.other_team)
        assert (await client.get(url, headers=w.other_team_s.headers)).status_code == 200
        for path in (f"/api/v1/clients/{client_id}/timeline", f"/api/v1/deals/{deal_id}/timeline"):
            assert (await client.get(path, headers=w.other_team_s.headers)).status_code == 200
