"""The today screen's summary (GET /today), the task list's subject labels and the deal list's
"without a next task" filter."""

from __future__ import annotations

import uuid
from datetime import timedelta

import sqlalchemy as sa
from httpx import AsyncClient

from adapters.bootstrap import Container
from adapters.db.tables.clients import contact_phones, contacts
from adapters.db.tables.deals import deals
from adapters.db.tables.funnels import stages
from domain.staff.model import User
from tests.api.activities.support import World, client_of, deal_of, insert, now, world
from tests.factories import Factory, Org, Session

TODAY = "/api/v1/today"
TASKS = "/api/v1/tasks"


async def task(client: AsyncClient, session: Session, **body: object) -> dict:  # type: ignore[type-arg]
    response = await client.post(
        TASKS, json={"title": "Позвонить", **body}, headers=session.headers
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def today(client: AsyncClient, session: Session) -> dict:  # type: ignore[type-arg]
    response = await client.get(TODAY, headers=session.headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def ids(section: dict) -> set[str]:  # type: ignore[type-arg]
    return {item["id"] for item in section["items"]}


async def stale_deal_of(
    container: Container, org: Org, owner: User, title: str, *, days_in_stage: int
) -> uuid.UUID:
    """A deal in a stage with a three-day limit, entered ``days_in_stage`` days ago."""
    client_id = await client_of(container, org, owner, f"Клиент {title}")
    deal_id = await deal_of(container, org, client_id, owner, title)
    async with container.engine.begin() as conn:
        stage_id = await conn.scalar(
            sa.select(deals.c.stage_id).where(
                deals.c.organisation_id == org.id, deals.c.id == deal_id
            )
        )
        await conn.execute(
            sa.update(stages)
            .where(stages.c.organisation_id == org.id, stages.c.id == stage_id)
            .values(max_days=3)
        )
        await conn.execute(
            sa.update(deals)
            .where(deals.c.organisation_id == org.id, deals.c.id == deal_id)
            .values(stage_entered_at=now() - timedelta(days=days_in_stage))
        )
    return deal_id


class TestTodayTasks:
    async def test_overdue_and_today_are_the_callers_own_open_tasks_with_counts(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        late = await task(
            client,
            w.seller_s,
            client_id=str(client_id),
            due_at=(now() - timedelta(hours=2)).isoformat(),
        )
        soon = await task(
            client,
            w.seller_s,
            client_id=str(client_id),
            due_at=(now() + timedelta(minutes=5)).isoformat(),
        )
        later = await task(
            client,
            w.seller_s,
            client_id=str(client_id),
            due_at=(now() + timedelta(days=3)).isoformat(),
        )
        done = await task(
            client,
            w.seller_s,
            client_id=str(client_id),
            due_at=(now() - timedelta(hours=1)).isoformat(),
        )
        await client.post(f"{TASKS}/{done['id']}/complete", headers=w.seller_s.headers)
        # A colleague's overdue task is theirs, not the seller's.
        colleague_client = await client_of(container, w.org, w.colleague)
        await task(
            client,
            w.colleague_s,
            client_id=str(colleague_client),
            due_at=(now() - timedelta(hours=2)).isoformat(),
        )

        summary = await today(client, w.seller_s)

        assert summary["overdue_tasks"]["count"] == 1
        assert ids(summary["overdue_tasks"]) == {late["id"]}
        assert summary["overdue_tasks"]["capped"] is False
        # Due later today unless the test runs in the last five minutes of Moscow's day.
        assert ids(summary["today_tasks"]) <= {soon["id"]}
        assert later["id"] not in ids(summary["today_tasks"])
        assert summary["today_tasks"]["count"] == len(summary["today_tasks"]["items"])
        item = summary["overdue_tasks"]["items"][0]
        assert item["client_name"] == "ООО Ромашка"

    async def test_an_api_key_has_no_day(self, factory: Factory, client: AsyncClient) -> None:
        response = await client.get(TODAY)
        assert response.status_code == 401


class TestTodayDeals:
    async def test_a_seller_sees_only_their_own_stale_deals_and_deals_without_a_next_task(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        mine = await stale_deal_of(container, w.org, w.seller, "Моя", days_in_stage=10)
        fresh = await stale_deal_of(container, w.org, w.seller, "Свежая", days_in_stage=1)
        theirs = await stale_deal_of(container, w.org, w.colleague, "Чужая", days_in_stage=10)
        # Planned: an open task on the fresh deal.
        await task(client, w.seller_s, deal_id=str(fresh))

        summary = await today(client, w.seller_s)

        assert ids(summary["stale_deals"]) == {str(mine)}
        assert summary["stale_deals"]["count"] == 1
        stale = summary["stale_deals"]["items"][0]
        assert stale["title"] == "Моя"
        assert stale["client_name"] == "Клиент Моя"
        assert stale["stage_name"] == "Заявка"
        assert ids(summary["deals_without_next_task"]) == {str(mine)}
        assert summary["deals_without_next_task"]["count"] == 1
        assert str(theirs) not in ids(summary["deals_without_next_task"])

    async def test_a_head_sees_the_teams_deals_but_not_another_teams(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        seller_deal = await stale_deal_of(container, w.org, w.seller, "Продавца", days_in_stage=9)
        colleague_deal = await stale_deal_of(
            container, w.org, w.colleague, "Коллеги", days_in_stage=5
        )
        other = await stale_deal_of(container, w.org, w.other_team, "Другой", days_in_stage=9)

        summary = await today(client, w.head_s)

        assert ids(summary["stale_deals"]) == {str(seller_deal), str(colleague_deal)}
        assert [d["id"] for d in summary["stale_deals"]["items"]] == [
            str(seller_deal),
            str(colleague_deal),
        ]  # longest stuck first
        assert str(other) not in ids(summary["deals_without_next_task"])
        assert summary["deals_without_next_task"]["count"] == 2

    async def test_completing_the_last_open_task_puts_the_deal_back_without_a_next_task(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        deal_id = await stale_deal_of(container, w.org, w.seller, "План", days_in_stage=0)
        planned = await task(client, w.seller_s, deal_id=str(deal_id))
        assert (await today(client, w.seller_s))["deals_without_next_task"]["count"] == 0

        await client.post(f"{TASKS}/{planned['id']}/complete", headers=w.seller_s.headers)

        assert ids((await today(client, w.seller_s))["deals_without_next_task"]) == {str(deal_id)}


class TestTodayNotifications:
    async def test_unread_notifications_with_their_count(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        from tests.worker import drain_queue

        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        # Assigned by someone else: the seller is notified.
        await task(client, w.head_s, client_id=str(client_id), assignee_id=str(w.seller.id))
        await drain_queue(container)

        summary = await today(client, w.seller_s)

        assert summary["notifications"]["count"] == 1
        assert summary["notifications"]["items"][0]["kind"] == "assignment"
        assert (await today(client, w.head_s))["notifications"]["count"] == 0


class TestTaskListLabels:
    async def test_each_task_names_its_client_deal_and_the_primary_contacts_phone(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller, "ООО Вектор")
        deal_id = await deal_of(container, w.org, client_id, w.seller, "Поставка труб")
        other_contact = await insert(
            container,
            contacts,
            organisation_id=w.org.id,
            client_id=client_id,
            full_name="Сергей",
            name_key="сергей",
        )
        primary = await insert(
            container,
            contacts,
            organisation_id=w.org.id,
            client_id=client_id,
            full_name="Мария",
            name_key="мария",
            is_primary=True,
        )
        for contact, e164 in ((other_contact, "+79120000001"), (primary, "+79123456789")):
            await insert(
                container,
                contact_phones,
                organisation_id=w.org.id,
                contact_id=contact,
                client_id=client_id,
                e164=e164,
                raw=e164,
            )
        await task(client, w.seller_s, deal_id=str(deal_id))
        bare = await client_of(container, w.org, w.seller, "ИП Без телефона")
        await task(client, w.seller_s, client_id=str(bare))

        response = await client.get(TASKS, headers=w.seller_s.headers)

        assert response.status_code == 200, response.text
        by_client = {t["client_name"]: t for t in response.json()["items"]}
        assert by_client["ООО Вектор"]["deal_title"] == "Поставка труб"
        assert by_client["ООО Вектор"]["phone"] == "+79123456789"
        assert by_client["ИП Без телефона"]["deal_title"] is None
        assert by_client["ИП Без телефона"]["phone"] is None

    async def test_a_head_lists_a_team_members_tasks_but_not_another_teams(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        await task(client, w.seller_s, client_id=str(await client_of(container, w.org, w.seller)))
        other = await client_of(container, w.org, w.other_team)
        await task(client, w.other_team_s, client_id=str(other))

        mine = await client.get(
            TASKS, params={"assignee_id": str(w.seller.id)}, headers=w.head_s.headers
        )
        theirs = await client.get(
            TASKS, params={"assignee_id": str(w.other_team.id)}, headers=w.head_s.headers
        )
        as_seller = await client.get(
            TASKS, params={"assignee_id": str(w.colleague.id)}, headers=w.seller_s.headers
        )

        assert len(mine.json()["items"]) == 1
        assert theirs.json()["items"] == []
        assert as_seller.json()["items"] == []

    async def test_each_task_names_its_assignee_for_a_head_looking_at_the_team(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        await task(client, w.seller_s, client_id=str(await client_of(container, w.org, w.seller)))
        await task(
            client, w.colleague_s, client_id=str(await client_of(container, w.org, w.colleague))
        )

        response = await client.get(TASKS, params={"mine": "false"}, headers=w.head_s.headers)

        assert response.status_code == 200, response.text
        names = {t["assignee_id"]: t["assignee_name"] for t in response.json()["items"]}
        assert names == {
            str(w.seller.id): w.seller.full_name,
            str(w.colleague.id): w.colleague.full_name,
        }
        # The today screen's task items name theirs too.
        overdue = await task(
            client,
            w.seller_s,
            client_id=str(await client_of(container, w.org, w.seller)),
            due_at=(now() - timedelta(hours=2)).isoformat(),
        )
        summary = await today(client, w.seller_s)
        item = next(i for i in summary["overdue_tasks"]["items"] if i["id"] == overdue["id"])
        assert item["assignee_name"] == w.seller.full_name


class TestDealsWithoutNextTask:
    async def test_the_filter_lists_open_deals_with_no_open_task_the_caller_sees(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w: World = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        idle = await deal_of(container, w.org, client_id, w.seller, "Без плана")
        planned = await deal_of(container, w.org, client_id, w.seller, "С планом")
        await task(client, w.seller_s, deal_id=str(planned))
        won = await deal_of(container, w.org, client_id, w.seller, "Выиграна")
        async with container.engine.begin() as conn:
            await conn.execute(
                sa.update(deals)
                .where(deals.c.organisation_id == w.org.id, deals.c.id == won)
                .values(status="won", closed_at=now())
            )
        colleague_client = await client_of(container, w.org, w.colleague)
        await deal_of(container, w.org, colleague_client, w.colleague, "Чужая")

        response = await client.get(
            "/api/v1/deals", params={"without_next_task": "true"}, headers=w.seller_s.headers
        )

        assert response.status_code == 200, response.text
        assert [d["id"] for d in response.json()["items"]] == [str(idle)]
