from __future__ import annotations

import uuid

from httpx import AsyncClient

from adapters.bootstrap import Container
from tests.api.activities.support import client_of, deal_of, world
from tests.factories import Factory, Session
from tests.worker import drain_queue

DISCUSSIONS = "/api/v1/discussions"


def mention(name: str, user_id: uuid.UUID) -> str:
    return f"@[{name}]({user_id})"


async def kinds_of(client: AsyncClient, session: Session, container: Container) -> list[str]:
    """The kinds of the user's notifications once the worker has handled the events."""
    await drain_queue(container)
    items = (await client.get("/api/v1/notifications", headers=session.headers)).json()["items"]
    return [n["kind"] for n in items]


class TestComments:
    async def test_mentions_notify_each_mentioned_user_once(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        deal_id = await deal_of(container, w.org, client_id, w.seller)
        body = (
            f"{mention('Анна Смирнова', w.colleague.id)}, посмотри договор; "
            f"{mention('Анна', w.colleague.id)} и {mention('Иван', w.seller.id)}"
        )
        response = await client.post(
            DISCUSSIONS, json={"deal_id": str(deal_id), "body": body}, headers=w.seller_s.headers
        )
        assert response.status_code == 201, response.text
        comment = response.json()
        assert comment["mentions"] == [str(w.colleague.id), str(w.seller.id)]
        assert comment["client_id"] == str(client_id)
        assert await kinds_of(client, w.colleague_s, container) == ["mention"]
        assert await kinds_of(client, w.seller_s, container) == []  # never told about yourself

    async def test_mentioning_someone_outside_the_organisation_is_refused(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        outsider = await factory.user(await factory.organisation())
        inactive = await factory.user(w.org, is_active=False)
        for user in (outsider, inactive):
            response = await client.post(
                DISCUSSIONS,
                json={"client_id": str(client_id), "body": f"hi {mention('X', user.id)}"},
                headers=w.seller_s.headers,
            )
            assert response.status_code == 422
            assert response.json()["errors"][0]["loc"][-1] == "body"

    async def test_threads_edit_own_and_delete_own(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        root = (
            await client.post(
                DISCUSSIONS,
                json={"client_id": str(client_id), "body": "Когда отгрузка?"},
                headers=w.seller_s.headers,
            )
        ).json()
        reply = await client.post(
            DISCUSSIONS,
            json={"parent_id": root["id"], "body": "В пятницу"},
            headers=w.head_s.headers,
        )
        assert reply.status_code == 201, reply.text
        assert reply.json()["client_id"] == str(client_id)
        thread = await client.get(
            DISCUSSIONS, params={"client_id": str(client_id)}, headers=w.seller_s.headers
        )
        assert [(c["id"], c["parent_id"]) for c in thread.json()["items"]] == [
            (root["id"], None),
            (reply.json()["id"], root["id"]),
        ]
        url = f"{DISCUSSIONS}/{root['id']}"
        assert (
            await client.patch(url, json={"body": "x"}, headers=w.head_s.headers)
        ).status_code == 403
        edited = await client.patch(
            url,
            json={"body": f"Уточнение для {mention('Анна', w.colleague.id)}"},
            headers=w.seller_s.headers,
        )
        assert edited.status_code == 200
        assert edited.json()["edited_at"] is not None
        assert await kinds_of(client, w.colleague_s, container) == ["mention"]
        assert (await client.delete(url, headers=w.head_s.headers)).status_code == 403
        assert (await client.delete(url, headers=w.seller_s.headers)).status_code == 204
        thread = await client.get(
            DISCUSSIONS, params={"client_id": str(client_id)}, headers=w.seller_s.headers
        )
        assert thread.json()["items"] == []  # replies go with their comment


class TestDiscussionScoping:
    async def test_other_team_and_other_organisation_get_404(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        comment = (
            await client.post(
                DISCUSSIONS,
                json={"client_id": str(client_id), "body": "Секрет"},
                headers=w.seller_s.headers,
            )
        ).json()
        url = f"{DISCUSSIONS}/{comment['id']}"
        for session in (w.other_team_s, w.stranger_s):
            assert (await client.get(url, headers=session.headers)).status_code == 404
            listed = await client.get(
                DISCUSSIONS, params={"client_id": str(client_id)}, headers=session.headers
            )
            assert listed.status_code == 404
            reply = await client.post(
                DISCUSSIONS,
                json={"parent_id": comment["id"], "body": "x"},
                headers=session.headers,
            )
            assert reply.status_code == 422
            assert (await client.delete(url, headers=session.headers)).status_code == 404
