"""The client list's and card's reading aids: responsible, last and next activity, the
total, phone fragments and names without their legal form, the merge preview and a
readable timeline."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from httpx import AsyncClient

from adapters.bootstrap import Container
from tests.api.activities.support import client_of, deal_of, now, world
from tests.api.clients.support import API, create_client, if_match, json_of, two_teams
from tests.factories import Factory, Session


async def _ids(factory: Factory, session: Session, query: str) -> list[str]:
    body = json_of(await factory.client.get(f"{API}/clients?{query}", headers=session.headers), 200)
    return [c["id"] for c in body["items"]]


async def _count(factory: Factory, session: Session, query: str = "") -> dict[str, object]:
    response = await factory.client.get(f"{API}/clients/count?{query}", headers=session.headers)
    return json_of(response, 200)  # type: ignore[no-any-return]


class TestListColumns:
    async def test_rows_carry_the_responsible_last_activity_and_next_task(
        self, factory: Factory
    ) -> None:
        org, _ = await factory.admin_session()
        seller = await factory.user(org, "seller", full_name="Пётр Сидоров")
        seller_s = await factory.login(seller)
        worked = await create_client(factory, seller_s, name="Альфа Трейд")
        idle = await create_client(factory, seller_s, name="Бета Трейд")
        called = now() - timedelta(days=2)
        for at in (called - timedelta(days=5), called):
            json_of(
                await factory.client.post(
                    f"{API}/activities",
                    json={"kind": "call", "client_id": worked["id"], "occurred_at": at.isoformat()},
                    headers=seller_s.headers,
                ),
                201,
            )
        soon, later = now() + timedelta(days=1), now() + timedelta(days=3)
        for title, due in (("Позже", later), ("Перезвонить", soon)):
            json_of(
                await factory.client.post(
                    f"{API}/tasks",
                    json={"title": title, "client_id": worked["id"], "due_at": due.isoformat()},
                    headers=seller_s.headers,
                ),
                201,
            )
        page = json_of(
            await factory.client.get(
                f"{API}/clients?q={quote('трейд')}&sort=name", headers=seller_s.headers
            ),
            200,
        )
        rows = {row["id"]: row for row in page["items"]}
        row = rows[worked["id"]]
        assert row["responsible_name"] == "Пётр Сидоров"
        assert row["last_activity_at"][:16] == called.isoformat()[:16]
        assert row["next_task_title"] == "Перезвонить"
        assert row["next_task_at"][:16] == soon.isoformat()[:16]
        blank = rows[idle["id"]]
        assert (blank["last_activity_at"], blank["next_task_at"], blank["next_task_title"]) == (
            None,
            None,
            None,
        )
        # The card reads the same.
        card = json_of(
            await factory.client.get(f"{API}/clients/{worked['id']}", headers=seller_s.headers),
            200,
        )
        assert card["next_task_title"] == "Перезвонить"
        assert card["responsible_name"] == "Пётр Сидоров"


async def _post(factory: Factory, session: Session, path: str, body: dict[str, object]) -> dict:
    response = await factory.client.post(f"{API}/{path}", json=body, headers=session.headers)
    return json_of(response, 201)  # type: ignore[no-any-return]


async def _all_pages(factory: Factory, session: Session, query: str) -> list[str]:
    """Every client's name, a page of one at a time, following next_cursor."""
    names: list[str] = []
    cursor = None
    while True:
        url = f"{API}/clients?{query}&limit=1" + (f"&cursor={cursor}" if cursor else "")
        body = json_of(await factory.client.get(url, headers=session.headers), 200)
        names += [c["name"] for c in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return names


class TestSortByWork:
    async def test_by_last_activity_and_next_task_in_both_directions_page_by_page(
        self, factory: Factory
    ) -> None:
        """Never contacted sorts as the oldest activity, nothing planned as the furthest task;
        the values follow the activities and tasks as they are logged, moved, done, deleted."""
        _, admin = await factory.admin_session()
        made = {
            name: await create_client(factory, admin, name=f"{name} Работа")
            for name in ("Аист", "Бобр", "Волк", "Гусь")
        }
        ids = {name: client["id"] for name, client in made.items()}
        for name, days_ago in (("Аист", 10), ("Бобр", 1), ("Гусь", 5), ("Волк", 30)):
            at = (now() - timedelta(days=days_ago)).isoformat()
            activity = await _post(
                factory,
                admin,
                "activities",
                {"kind": "call", "client_id": ids[name], "occurred_at": at},
            )
            if name == "Волк":  # logged by mistake, then deleted: Волк was never contacted
                gone = await factory.client.delete(
                    f"{API}/activities/{activity['id']}", headers=admin.headers
                )
                assert gone.status_code == 204
        tasks = {}
        for name, days in (("Аист", 3), ("Бобр", 1), ("Гусь", 7)):
            due = (now() + timedelta(days=days)).isoformat()
            tasks[name] = await _post(
                factory, admin, "tasks", {"title": "Звонок", "client_id": ids[name], "due_at": due}
            )
        # Бобр's only task is done; Гусь's is brought forward to tomorrow + 1 day.
        done = await factory.client.post(
            f"{API}/tasks/{tasks['Бобр']['id']}/complete", headers=admin.headers
        )
        assert done.status_code == 200
        moved = await factory.client.patch(
            f"{API}/tasks/{tasks['Гусь']['id']}",
            json={"due_at": (now() + timedelta(days=2)).isoformat()},
            headers={**admin.headers, **if_match(1)},
        )
        json_of(moved, 200)

        def named(names: list[str]) -> list[str]:
            return [f"{n} Работа" for n in names]

        by_id = sorted(("Бобр", "Волк"), key=lambda n: ids[n])
        expected = {
            "last_activity_at": named(["Волк", "Аист", "Гусь", "Бобр"]),
            "-last_activity_at": named(["Бобр", "Гусь", "Аист", "Волк"]),
            "next_task_at": named(["Гусь", "Аист", *by_id]),
            "-next_task_at": named([*reversed(by_id), "Аист", "Гусь"]),
        }
        for sort, order in expected.items():
            assert await _all_pages(factory, admin, f"sort={sort}") == order, sort
            # A search reads its few matches and sorts them apart: the same order.
            assert await _all_pages(factory, admin, f"sort={sort}&q={quote('работа')}") == order

        # Logging a call does not make an open client form stale.
        card = await factory.client.get(f"{API}/clients/{ids['Волк']}", headers=admin.headers)
        assert json_of(card, 200)["last_activity_at"] is None
        version = card.headers["etag"]
        await _post(
            factory,
            admin,
            "activities",
            {"kind": "call", "client_id": ids["Волк"], "occurred_at": now().isoformat()},
        )
        card = await factory.client.get(f"{API}/clients/{ids['Волк']}", headers=admin.headers)
        assert card.headers["etag"] == version
        assert json_of(card, 200)["last_activity_at"] is not None
        assert (await _all_pages(factory, admin, "sort=-last_activity_at"))[0] == "Волк Работа"

    async def test_a_merge_carries_the_others_history_into_the_survivors_values(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        survivor = await create_client(factory, admin, name="Остаётся")
        other = await create_client(factory, admin, name="Уходит")
        called = now() - timedelta(days=1)
        await _post(
            factory,
            admin,
            "activities",
            {"kind": "call", "client_id": other["id"], "occurred_at": called.isoformat()},
        )
        due = now() + timedelta(days=4)
        await _post(
            factory,
            admin,
            "tasks",
            {"title": "Счёт", "client_id": other["id"], "due_at": due.isoformat()},
        )
        json_of(
            await factory.client.post(
                f"{API}/clients/{survivor['id']}/merge",
                json={"other_id": other["id"]},
                headers={**admin.headers, **if_match(1)},
            ),
            200,
        )
        row = json_of(
            await factory.client.get(f"{API}/clients/{survivor['id']}", headers=admin.headers),
            200,
        )
        assert row["last_activity_at"][:16] == called.isoformat()[:16]
        assert row["next_task_at"][:16] == due.isoformat()[:16]

    async def test_a_bad_sort_names_the_field(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.get(f"{API}/clients?sort=last_call", headers=admin.headers)
        problem = json_of(response, 422)
        assert problem["errors"][0]["loc"] == ["query", "sort"]


class TestCount:
    async def test_counts_what_the_filters_select_and_the_caller_sees(
        self, factory: Factory
    ) -> None:
        _, admin, seller, stranger = await two_teams(factory)
        for n in range(3):
            await create_client(factory, seller, name=f"Гамма {n} Счёт", temperature="hot")
        await create_client(factory, seller, name="Дельта Счёт")
        await create_client(factory, stranger, name="Эпсилон Счёт", temperature="hot")
        assert await _count(factory, seller) == {"total": 4, "capped": False}
        assert await _count(factory, seller, "temperature=hot") == {"total": 3, "capped": False}
        assert await _count(factory, seller, f"q={quote('гамма')}") == {
            "total": 3,
            "capped": False,
        }
        assert await _count(factory, stranger) == {"total": 1, "capped": False}
        assert await _count(factory, admin, "temperature=hot") == {"total": 4, "capped": False}

    async def test_bad_filter_names_the_field(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.get(
            f"{API}/clients/count?temperature=boiling", headers=admin.headers
        )
        problem = json_of(response, 422)
        assert "temperature" in problem["errors"][0]["loc"]


class TestSearchRules:
    async def test_phone_fragments_in_any_formatting(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        ru = await create_client(
            factory, admin, contacts=[{"full_name": "Олег", "phones": ["+7 912 345-67-89"]}]
        )
        ua = await create_client(
            factory, admin, contacts=[{"full_name": "Тарас", "phones": ["+380 67 123 45 67"]}]
        )
        for q in ("8 (912) 345", "8912345", "+7 (912) 345-67", "912-345", "(912)345 67 89"):
            assert await _ids(factory, admin, f"q={quote(q)}") == [ru["id"]], q
        for q in ("067 123 45", "(067) 123-45-67", "+380 67 123"):
            assert await _ids(factory, admin, f"q={quote(q)}") == [ua["id"]], q
        assert await _ids(factory, admin, f"q={quote('8 (913) 345')}") == []

    async def test_names_without_their_legal_form(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        made = {
            name: (await create_client(factory, admin, name=name))["id"]
            for name in (
                "ООО «Ромашка Плюс»",
                "ИП Кузнецов Андрей Ильич",
                'АО "Северсталь Инвест"',
                "ТОВ Київстар Сервіс",
                "ФОП Шевченко Олена",
            )
        }
        cases = {
            "Ромашка Плюс": "ООО «Ромашка Плюс»",
            "ромашка": "ООО «Ромашка Плюс»",
            "Кузнецов Андрей": "ИП Кузнецов Андрей Ильич",
            "северсталь инвест": 'АО "Северсталь Инвест"',
            "київстар": "ТОВ Київстар Сервіс",
            "Шевченко": "ФОП Шевченко Олена",
            "ООО Ромашка": "ООО «Ромашка Плюс»",  # the form typed too still finds it
        }
        for q, name in cases.items():
            assert await _ids(factory, admin, f"q={quote(q)}") == [made[name]], q


class TestMergePreview:
    async def test_lists_what_moves_and_what_fills_without_changing_anything(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        survivor = await create_client(factory, admin, name="Омега Плюс")
        other = await create_client(
            factory,
            admin,
            name="Омега Плюс ООО",
            sector="Ритейл",
            inn="7707083893",
            segment_tags=["опт"],
            contacts=[{"full_name": "Вера"}, {"full_name": "Глеб"}],
            confirm_duplicate=True,
        )
        json_of(
            await factory.client.post(
                f"{API}/tasks", json={"title": "t", "client_id": other["id"]}, headers=admin.headers
            ),
            201,
        )
        url = f"{API}/clients/{survivor['id']}/merge-preview?other_id={other['id']}"
        preview = json_of(await factory.client.get(url, headers=admin.headers), 200)
        assert preview["survivor"]["id"] == survivor["id"]
        assert preview["other"]["id"] == other["id"]
        assert preview["moves"] == {
            "contacts": 2,
            "deals": 0,
            "tasks": 1,
            "activities": 0,
            "comments": 0,
            "attachments": 0,
        }
        assert set(preview["filled"]) == {"inn", "sector", "segment_tags"}
        # Nothing changed.
        still = await factory.client.get(f"{API}/clients/{other['id']}", headers=admin.headers)
        assert still.status_code == 200
        same = json_of(
            await factory.client.get(f"{API}/clients/{survivor['id']}", headers=admin.headers), 200
        )
        assert same["version"] == survivor["version"]

    async def test_a_client_the_caller_cannot_see_is_404_and_itself_is_422(
        self, factory: Factory
    ) -> None:
        _, _, seller, stranger = await two_teams(factory)
        mine = await create_client(factory, seller)
        theirs = await create_client(factory, stranger)
        url = f"{API}/clients/{mine['id']}/merge-preview?other_id={theirs['id']}"
        assert (await factory.client.get(url, headers=seller.headers)).status_code == 404
        self_url = f"{API}/clients/{mine['id']}/merge-preview?other_id={mine['id']}"
        problem = json_of(await factory.client.get(self_url, headers=seller.headers), 422)
        assert problem["errors"][0]["loc"][-1] == "other_id"
        _, outsider = await factory.admin_session()
        response = await factory.client.get(
            f"{API}/clients/{mine['id']}/merge-preview?other_id={theirs['id']}",
            headers=outsider.headers,
        )
        assert response.status_code == 404


class TestReadableTimeline:
    async def test_items_name_their_deal_actor_and_relationship_reason(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        deal_id = await deal_of(container, w.org, client_id, w.seller, title="Поставка станков")
        json_of(
            await client.post(
                "/api/v1/activities",
                json={"kind": "call", "deal_id": str(deal_id), "body": "Договорились о встрече"},
                headers=w.seller_s.headers,
            ),
            201,
        )
        body = json_of(
            await client.get(f"/api/v1/clients/{client_id}/timeline", headers=w.seller_s.headers),
            200,
        )
        items = body["items"]
        call = next(i for i in items if i["kind"] == "activity")
        assert call["deal_title"] == "Поставка станков"
        assert call["actor_name"] == "Иван Петров"
        assert call["data"]["kind"] == "call"
        assert call["body"] == "Договорились о встрече"
        move = next(i for i in items if i["kind"] == "stage_move")
        assert (move["deal_title"], move["data"]["to_stage"]) == ("Поставка станков", "Заявка")
        change = next(i for i in items if i["kind"] == "relationship")
        assert change["data"]["reason"] == "activity: call"
        assert change["data"]["to_type"] == "potential"
