from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

from httpx import AsyncClient

from adapters.bootstrap import Container
from domain.activities.services.notifications import send_due_reminders
from domain.activities.services.reassignment import hand_over_absent_tasks
from tests.api.activities.support import absence, client_of, deal_of, now, world
from tests.factories import Factory, Session
from tests.worker import drain_queue

TASKS = "/api/v1/tasks"


async def create_task(client: AsyncClient, session: Session, **body: object) -> dict:  # type: ignore[type-arg]
    response = await client.post(
        TASKS, json={"title": "Позвонить", **body}, headers=session.headers
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def notifications_of(
    client: AsyncClient, container: Container, session: Session
) -> list[dict]:  # type: ignore[type-arg]
    """The user's notifications once the worker has handled the events."""
    await drain_queue(container)
    response = await client.get("/api/v1/notifications", headers=session.headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


class TestCreateTask:
    async def test_defaults_to_the_caller_and_takes_the_client_of_a_deal(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        deal_id = await deal_of(container, w.org, client_id, w.seller)
        due = (now() + timedelta(days=1)).isoformat()
        task = await create_task(
            client, w.seller_s, deal_id=str(deal_id), due_at=due, priority="high"
        )
        assert task["assignee_id"] == str(w.seller.id)
        assert task["client_id"] == str(client_id)
        assert task["priority"] == "high"
        assert task["done"] is False
        assert task["assignment_note"] is None
        assert await notifications_of(client, container, w.seller_s) == []  # nobody else was told

    async def test_assigning_someone_else_notifies_them(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        task = await create_task(
            client, w.seller_s, client_id=str(client_id), assignee_id=str(w.colleague.id)
        )
        items = await notifications_of(client, container, w.colleague_s)
        assert [(n["kind"], n["entity_id"]) for n in items] == [("assignment", task["id"])]

    async def test_needs_a_client_or_deal_the_caller_sees(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        theirs = await client_of(container, w.org, w.other_team)
        response = await client.post(
            TASKS, json={"title": "x", "client_id": str(theirs)}, headers=w.seller_s.headers
        )
        assert response.status_code == 404
        response = await client.post(TASKS, json={"title": "x"}, headers=w.seller_s.headers)
        assert response.status_code == 422

    async def test_assignee_must_be_an_active_colleague(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        response = await client.post(
            TASKS,
            json={"title": "x", "client_id": str(client_id), "assignee_id": str(uuid.uuid4())},
            headers=w.seller_s.headers,
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"][-1] == "assignee_id"


class TestTaskLifecycle:
    async def test_update_complete_reopen_delete_with_etags(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        task = await create_task(client, w.seller_s, client_id=str(client_id))
        url = f"{TASKS}/{task['id']}"
        response = await client.patch(
            url,
            json={"title": "Отправить КП", "description": "до обеда"},
            headers={**w.seller_s.headers, "If-Match": '"v1"'},
        )
        assert response.status_code == 200, response.text
        assert response.headers["ETag"] == '"v2"'
        stale = await client.patch(
            url, json={"title": "y"}, headers={**w.seller_s.headers, "If-Match": '"v1"'}
        )
        assert stale.status_code == 412
        done = await client.post(f"{url}/complete", headers=w.seller_s.headers)
        assert done.status_code == 200
        assert done.json()["done"] is True
        assert done.json()["done_by"] == str(w.seller.id)
        again = await client.post(f"{url}/complete", headers=w.seller_s.headers)
        assert again.status_code == 409
        reopened = await client.post(f"{url}/reopen", headers=w.seller_s.headers)
        assert reopened.json()["done"] is False
        cleared = await client.patch(url, json={"description": None}, headers=w.seller_s.headers)
        assert cleared.json()["description"] is None
        assert (await client.delete(url, headers=w.seller_s.headers)).status_code == 204
        assert (await client.get(url, headers=w.seller_s.headers)).status_code == 404

    async def test_reassigning_notifies_the_new_assignee(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        task = await create_task(client, w.seller_s, client_id=str(client_id))
        response = await client.patch(
            f"{TASKS}/{task['id']}",
            json={"assignee_id": str(w.colleague.id)},
            headers=w.seller_s.headers,
        )
        assert response.status_code == 200
        assert [n["kind"] for n in await notifications_of(client, container, w.colleague_s)] == [
            "assignment"
        ]


class TestListTasks:
    async def test_my_tasks_by_default_and_filters(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        soon = await create_task(
            client,
            w.seller_s,
            client_id=str(client_id),
            due_at=(now() + timedelta(hours=1)).isoformat(),
        )
        late = await create_task(
            client,
            w.seller_s,
            client_id=str(client_id),
            due_at=(now() - timedelta(hours=1)).isoformat(),
        )
        undated = await create_task(client, w.seller_s, client_id=str(client_id))
        await create_task(
            client, w.seller_s, client_id=str(client_id), assignee_id=str(w.colleague.id)
        )
        mine = (await client.get(TASKS, headers=w.seller_s.headers)).json()["items"]
        assert [t["id"] for t in mine] == [late["id"], soon["id"], undated["id"]]
        overdue = await client.get(TASKS, params={"overdue": "true"}, headers=w.seller_s.headers)
        assert [t["id"] for t in overdue.json()["items"]] == [late["id"]]
        ranged = await client.get(
            TASKS, params={"due_from": now().isoformat()}, headers=w.seller_s.headers
        )
        assert [t["id"] for t in ranged.json()["items"]] == [soon["id"]]
        # On a client: every visible task on it; the colleague's too for the head.
        head = await client.get(
            TASKS, params={"client_id": str(client_id)}, headers=w.head_s.headers
        )
        assert len(head.json()["items"]) == 4
        own_scope = await client.get(
            TASKS, params={"client_id": str(client_id)}, headers=w.seller_s.headers
        )
        assert len(own_scope.json()["items"]) == 3

    async def test_keyset_pages(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        ids = set()
        for hours in (1, 2, 3):
            task = await create_task(
                client,
                w.seller_s,
                client_id=str(client_id),
                due_at=(now() + timedelta(hours=hours)).isoformat(),
            )
            ids.add(task["id"])
        ids.add((await create_task(client, w.seller_s, client_id=str(client_id)))["id"])
        seen: list[str] = []
        cursor = None
        while True:
            params = {"limit": "1", **({"cursor": cursor} if cursor else {})}
            page = (await client.get(TASKS, params=params, headers=w.seller_s.headers)).json()
            seen += [t["id"] for t in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == 4
        assert set(seen) == ids


class TestExportTasks:
    async def test_csv_has_the_filtered_visible_tasks_with_the_assignee_named(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        late = await create_task(
            client,
            w.seller_s,
            client_id=str(client_id),
            title="Просроченный звонок",
            due_at=(now() - timedelta(hours=1)).isoformat(),
        )
        await create_task(client, w.seller_s, client_id=str(client_id), title="Без срока")
        response = await client.get(
            f"{TASKS}/export", params={"overdue": "true"}, headers=w.seller_s.headers
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [(r["ID"], r["Задача"], r["Исполнитель"]) for r in rows] == [
            (late["id"], "Просроченный звонок", w.seller.full_name)
        ]
        other_team = await client.get(f"{TASKS}/export", headers=w.other_team_s.headers)
        assert late["id"] not in other_team.text


class TestTaskScoping:
    async def test_other_team_and_other_organisation_get_404(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        task = await create_task(client, w.seller_s, client_id=str(client_id))
        url = f"{TASKS}/{task['id']}"
        for session in (w.other_team_s, w.stranger_s, w.colleague_s):
            assert (await client.get(url, headers=session.headers)).status_code == 404
            patch = await client.patch(url, json={"title": "z"}, headers=session.headers)
            assert patch.status_code == 404
            assert (
                await client.post(f"{url}/complete", headers=session.headers)
            ).status_code == 404
            assert (await client.delete(url, headers=session.headers)).status_code == 404
            listed = await client.get(TASKS, params={"mine": "false"}, headers=session.headers)
            assert task["id"] not in [t["id"] for t in listed.json()["items"]]
        # The head of the seller's department sees it (team visibility).
        assert (await client.get(url, headers=w.head_s.headers)).status_code == 200


class TestReminders:
    async def test_reminder_and_overdue_are_sent_once(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        task = await create_task(
            client,
            w.seller_s,
            client_id=str(client_id),
            remind_at=(now() - timedelta(minutes=1)).isoformat(),
            due_at=(now() - timedelta(minutes=5)).isoformat(),
        )
        await create_task(
            client,
            w.seller_s,
            client_id=str(client_id),
            remind_at=(now() + timedelta(hours=1)).isoformat(),
        )
        await send_due_reminders(container.uow(), container.clock)
        await send_due_reminders(container.uow(), container.clock)
        kinds = sorted(n["kind"] for n in await notifications_of(client, container, w.seller_s))
        assert kinds == ["overdue", "reminder"]
        stored = (await client.get(f"{TASKS}/{task['id']}", headers=w.seller_s.headers)).json()
        assert stored["reminded_at"] is not None

    async def test_done_tasks_are_not_reminded(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        task = await create_task(
            client,
            w.seller_s,
            client_id=str(client_id),
            remind_at=(now() - timedelta(minutes=1)).isoformat(),
            due_at=(now() - timedelta(minutes=1)).isoformat(),
        )
        await client.post(f"{TASKS}/{task['id']}/complete", headers=w.seller_s.headers)
        await send_due_reminders(container.uow(), container.clock)
        assert await notifications_of(client, container, w.seller_s) == []


class TestAbsenceHandOver:
    async def test_new_assignment_to_an_absent_user_goes_to_the_substitute(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        await absence(container, w.org, w.colleague, w.other_team)
        client_id = await client_of(container, w.org, w.seller)
        task = await create_task(
            client, w.seller_s, client_id=str(client_id), assignee_id=str(w.colleague.id)
        )
        assert task["assignee_id"] == str(w.other_team.id)
        assert "substitute" in task["assignment_note"]
        kinds = [n["kind"] for n in await notifications_of(client, container, w.other_team_s)]
        assert kinds == ["assignment"]

    async def test_due_tasks_are_handed_to_the_substitute(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.colleague)
        due_now = await create_task(
            client,
            w.colleague_s,
            client_id=str(client_id),
            due_at=(now() + timedelta(days=1)).isoformat(),
        )
        after = await create_task(
            client,
            w.colleague_s,
            client_id=str(client_id),
            due_at=(now() + timedelta(days=30)).isoformat(),
        )
        await absence(container, w.org, w.colleague, w.other_team)
        assert await hand_over_absent_tasks(container.uow(), container.clock, w.org.id) == 1
        assert await hand_over_absent_tasks(container.uow(), container.clock, w.org.id) == 0
        moved = await client.get(f"{TASKS}/{due_now['id']}", headers=w.other_team_s.headers)
        assert moved.status_code == 200
        assert moved.json()["assignee_id"] == str(w.other_team.id)
        kept = await client.get(f"{TASKS}/{after['id']}", headers=w.colleague_s.headers)
        assert kept.json()["assignee_id"] == str(w.colleague.id)
        kinds = [n["kind"] for n in await notifications_of(client, container, w.other_team_s)]
        assert kinds == ["hand_over"]

    async def test_recording_an_absence_that_has_begun_hands_tasks_over_at_once(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.colleague)
        due_soon = await create_task(
            client,
            w.colleague_s,
            client_id=str(client_id),
            due_at=(now() + timedelta(days=1)).isoformat(),
        )
        today = now().date()
        recorded = await client.post(
            "/api/v1/absences",
            # The admin may name a substitute from another team (the seller could not).
            headers=w.admin.headers,
            json={
                "kind": "sick_leave",
                "user_id": str(w.colleague.id),
                "starts_on": today.isoformat(),
                "ends_on": (today + timedelta(days=3)).isoformat(),
                "substitute_id": str(w.other_team.id),
            },
        )
        assert recorded.status_code == 201, recorded.text
        await drain_queue(container)
        moved = await client.get(f"{TASKS}/{due_soon['id']}", headers=w.other_team_s.headers)
        assert moved.status_code == 200
        assert moved.json()["assignee_id"] == str(w.other_team.id)

    async def test_substitute_sees_the_absent_users_tasks(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.colleague)
        task = await create_task(
            client,
            w.colleague_s,
            client_id=str(client_id),
            due_at=(now() + timedelta(days=30)).isoformat(),
        )
        url = f"{TASKS}/{task['id']}"
        assert (await client.get(url, headers=w.other_team_s.headers)).status_code == 404
        await absence(container, w.org, w.colleague, w.other_team)
        assert (await client.get(url, headers=w.other_team_s.headers)).status_code == 200
