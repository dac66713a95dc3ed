"""Call scripts (issue 14, part 7) through HTTP: a branching script checked as a graph (field-
named 422s), versioned with If-Match; attached to funnel stages (one script a stage) and call
lists; "which script" for a deal (its stage's) or a call list number (its list's); runs saved
with the path taken, readable per record; the report per step and answer over the runs' paths;
visibility: records the caller cannot see are 404, another organisation's script 404, sellers
do not edit scripts (403)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from adapters.db.tables.deals import deals
from tests.api.attachments.support import API, make_client, make_deal, world
from tests.api.deals.support import if_match, json_of
from tests.factories import Factory, Session

COLD_CALL: dict[str, Any] = {
    "name": "Холодный звонок",
    "steps": [
        {
            "id": "greeting",
            "kind": "statement",
            "text": "Здравствуйте! Меня зовут Анна, компания «Ромашка».",
            "answers": [{"id": "go", "text": "Слушаю", "next_step_id": "qualify"}],
        },
        {
            "id": "qualify",
            "text": "Вы закупаете упаковку для своей продукции?",
            "answers": [
                {"id": "yes", "text": "Да", "outcome": "interested"},
                {"id": "no", "text": "Нет", "outcome": "not_interested"},
                {
                    "id": "expensive",
                    "kind": "objection",
                    "text": "Дорого",
                    "next_step_id": "price",
                },
            ],
        },
        {
            "id": "price",
            "text": "Цена ниже рынка на 10 %. Интересно?",
            "answers": [
                {"id": "ok", "text": "Интересно", "outcome": "interested"},
                {"id": "later", "text": "Перезвоните", "outcome": "call_back"},
            ],
        },
    ],
}


async def create(
    factory: Factory, session: Session, body: dict[str, Any] | None = None, status: int = 201
) -> dict[str, Any]:
    response = await factory.client.post(
        f"{API}/call-scripts", json=body or COLD_CALL, headers=session.headers
    )
    result: dict[str, Any] = json_of(response, status)
    return result


def path(*entries: tuple[str, str | None]) -> list[dict[str, Any]]:
    start = datetime.now(UTC) - timedelta(minutes=5)
    return [
        {"step_id": s, "answer_id": a, "at": (start + timedelta(seconds=10 * i)).isoformat()}
        for i, (s, a) in enumerate(entries)
    ]


async def stage_of(factory: Factory, deal_id: uuid.UUID) -> uuid.UUID:
    async with factory.container.engine.connect() as conn:
        stage = await conn.scalar(sa.select(deals.c.stage_id).where(deals.c.id == deal_id))
    assert isinstance(stage, uuid.UUID)
    return stage


async def save_run(
    factory: Factory, session: Session, script_id: str, status: int = 201, **body: Any
) -> Any:
    response = await factory.client.post(
        f"{API}/call-script-runs", json={"script_id": script_id, **body}, headers=session.headers
    )
    return json_of(response, status)


def locs(response: Any) -> list[list[Any]]:
    assert response.status_code == 422, response.text
    return [e["loc"] for e in response.json()["errors"]]


class TestWriteScript:
    async def test_a_head_of_sales_writes_one_and_reads_it_back(self, factory: Factory) -> None:
        w = await world(factory)
        script = await create(factory, w.head_north)
        assert script["start_step_id"] == "greeting"  # the first step when none is named
        assert [s["id"] for s in script["steps"]] == ["greeting", "qualify", "price"]
        assert script["steps"][1]["answers"][2] == {
            "id": "expensive",
            "kind": "objection",
            "text": "Дорого",
            "next_step_id": "price",
            "outcome": None,
        }
        read = await factory.client.get(
            f"{API}/call-scripts/{script['id']}", headers=w.seller.headers
        )
        assert json_of(read, 200)["name"] == "Холодный звонок"
        assert read.headers["ETag"] == '"v1"'
        listed = json_of(
            await factory.client.get(f"{API}/call-scripts", headers=w.seller.headers), 200
        )
        assert [s["id"] for s in listed["items"]] == [script["id"]]

    async def test_the_graph_is_checked_and_the_field_named(self, factory: Factory) -> None:
        w = await world(factory)
        steps = COLD_CALL["steps"]

        def with_steps(new_steps: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
            return {"name": "Скрипт", "steps": new_steps, **extra}

        unreachable = [
            *steps,
            {
                "id": "lost",
                "text": "?",
                "answers": [{"id": "x", "text": "x", "outcome": "no_decision"}],
            },
        ]
        dangling = [
            steps[0],
            {**steps[1], "answers": [{"id": "yes", "text": "Да", "next_step_id": "nowhere"}]},
        ]
        both = [
            {
                **steps[0],
                "answers": [
                    {"id": "go", "text": "Да", "next_step_id": "greeting", "outcome": "interested"}
                ],
            }
        ]
        endless = [
            {"id": "a", "text": "A", "answers": [{"id": "1", "text": "1", "next_step_id": "b"}]},
            {"id": "b", "text": "B", "answers": [{"id": "1", "text": "1", "next_step_id": "a"}]},
        ]
        twice = [steps[0], {**steps[1], "id": "greeting"}]
        too_many_answers = [
            {
                "id": "a",
                "text": "A",
                "answers": [
                    {"id": f"x{i}", "text": "x", "outcome": "interested"} for i in range(11)
                ],
            }
        ]
        ending = {"id": "e", "text": "e", "outcome": "interested"}
        too_many_steps = [{"id": f"s{i}", "text": "s", "answers": [ending]} for i in range(101)]
        for body, expected in (
            (with_steps(unreachable), [["body", "steps", 3, "id"]]),
            (with_steps(dangling), [["body", "steps", 1, "answers", 0, "next_step_id"]]),
            (with_steps(both), [["body", "steps", 0, "answers", 0, "next_step_id"]]),
            (
                with_steps(endless),
                [["body", "steps", 0, "answers"], ["body", "steps", 1, "answers"]],
            ),
            (with_steps(twice), [["body", "steps", 1, "id"]]),
            (with_steps(steps, start_step_id="nope"), [["body", "start_step_id"]]),
            (with_steps([]), [["body", "steps"]]),
            (with_steps(too_many_answers), [["body", "steps", 0, "answers"]]),
            (with_steps(too_many_steps), [["body", "steps"]]),
            (with_steps([{**steps[0], "id": "с пробелом"}]), [["body", "steps", 0, "id"]]),
            (with_steps([{**steps[0], "text": "x" * 2001}]), [["body", "steps", 0, "text"]]),
            ({**COLD_CALL, "name": " "}, [["body", "name"]]),
        ):
            response = await factory.client.post(
                f"{API}/call-scripts", json=body, headers=w.head_north.headers
            )
            assert locs(response) == expected, (body, response.text)

    async def test_an_edit_needs_the_current_version(self, factory: Factory) -> None:
        w = await world(factory)
        script = await create(factory, w.head_north)
        url = f"{API}/call-scripts/{script['id']}"
        changed = {**COLD_CALL, "name": "Холодный звонок v2", "is_active": False}
        first = await factory.client.put(
            url, json=changed, headers={**w.head_north.headers, **if_match(1)}
        )
        assert json_of(first, 200)["version"] == 2
        assert first.json()["is_active"] is False
        stale = await factory.client.put(
            url, json=COLD_CALL, headers={**w.head_north.headers, **if_match(1)}
        )
        assert stale.status_code == 412
        audit = json_of(
            await factory.client.get(
                f"{API}/audit",
                params={"entity_type": "call_script", "entity_id": script["id"]},
                headers=w.admin.headers,
            ),
            200,
        )
        assert sorted(e["action"] for e in audit["items"]) == ["create", "update"]
        assert json_of(await factory.client.get(url, headers=w.admin.headers), 200)["name"] == (
            "Холодный звонок v2"
        )

    async def test_sellers_do_not_edit_and_other_organisations_do_not_see(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        assert (
            await factory.client.post(
                f"{API}/call-scripts", json=COLD_CALL, headers=w.seller.headers
            )
        ).status_code == 403
        script = await create(factory, w.admin)
        url = f"{API}/call-scripts/{script['id']}"
        assert (
            await factory.client.put(url, json=COLD_CALL, headers=w.seller.headers)
        ).status_code == 403
        assert (await factory.client.get(url, headers=w.outsider.headers)).status_code == 404
        assert (
            await factory.client.put(url, json=COLD_CALL, headers=w.outsider.headers)
        ).status_code == 404
        listed = json_of(
            await factory.client.get(f"{API}/call-scripts", headers=w.outsider.headers), 200
        )
        assert listed["items"] == []


class TestAssignAndResolve:
    async def test_a_deal_gets_its_stages_script_and_a_stage_has_one(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        deal_id = await make_deal(factory.container, w.org, w.seller.user)
        stage_id = await stage_of(factory, deal_id)
        first = await create(factory, w.head_north)
        second = await create(factory, w.head_north, {**COLD_CALL, "name": "Второй"})
        resolve = f"{API}/call-scripts/resolve"
        none = json_of(
            await factory.client.get(
                resolve, params={"deal_id": str(deal_id)}, headers=w.seller.headers
            ),
            200,
        )
        assert none == {"script": None, "source": None}

        assigned = await factory.client.put(
            f"{API}/call-scripts/{first['id']}/assignments",
            json={"stage_ids": [str(stage_id)]},
            headers={**w.head_north.headers, **if_match(1)},
        )
        assert json_of(assigned, 200)["stage_ids"] == [str(stage_id)]
        found = json_of(
            await factory.client.get(
                resolve, params={"deal_id": str(deal_id)}, headers=w.seller.headers
            ),
            200,
        )
        assert (found["script"]["id"], found["source"]) == (first["id"], "stage")

        # The stage moves to the second script: the first one loses it.
        json_of(
            await factory.client.put(
                f"{API}/call-scripts/{second['id']}/assignments",
                json={"stage_ids": [str(stage_id)]},
                headers=w.head_north.headers,
            ),
            200,
        )
        first_now = json_of(
            await factory.client.get(f"{API}/call-scripts/{first['id']}", headers=w.seller.headers),
            200,
        )
        assert first_now["stage_ids"] == []
        found = json_of(
            await factory.client.get(
                resolve, params={"deal_id": str(deal_id)}, headers=w.seller.headers
            ),
            200,
        )
        assert found["script"]["id"] == second["id"]

        # An inactive script applies to nothing.
        json_of(
            await factory.client.put(
                f"{API}/call-scripts/{second['id']}",
                json={**COLD_CALL, "is_active": False},
                headers=w.head_north.headers,
            ),
            200,
        )
        found = json_of(
            await factory.client.get(
                resolve, params={"deal_id": str(deal_id)}, headers=w.seller.headers
            ),
            200,
        )
        assert found["script"] is None

        # A deal beyond the caller's reach is not found.
        refused = await factory.client.get(
            resolve, params={"deal_id": str(deal_id)}, headers=w.rival.headers
        )
        assert refused.status_code == 404
        # Stages and lists of another organisation are named in the 422.
        wrong = await factory.client.put(
            f"{API}/call-scripts/{first['id']}/assignments",
            json={"stage_ids": [str(uuid.uuid4())], "call_list_ids": []},
            headers=w.head_north.headers,
        )
        assert locs(wrong) == [["body", "stage_ids", 0]]
        wrong = await factory.client.put(
            f"{API}/call-scripts/{first['id']}/assignments",
            json={"call_list_ids": [str(uuid.uuid4())]},
            headers=w.head_north.headers,
        )
        assert locs(wrong) == [["body", "call_list_ids", 0]]
        assert (
            await factory.client.put(
                f"{API}/call-scripts/{first['id']}/assignments",
                json={"stage_ids": [str(stage_id)]},
                headers=w.seller.headers,
            )
        ).status_code == 403

    async def test_a_call_list_number_gets_its_lists_script(self, factory: Factory) -> None:
        w = await world(factory)
        caller = await factory.login(await factory.user(w.org, "telemarketer"))
        script = await create(factory, w.admin)
        created = await factory.client.post(
            f"{API}/call-lists",
            json={"name": "Обзвон", "assignee_ids": [str(caller.user.id)]},
            headers=w.admin.headers,
        )
        call_list = json_of(created, 201)
        json_of(
            await factory.client.post(
                f"{API}/call-lists/{call_list['id']}/items",
                json={"entries": [{"phone": "+7 916 123-45-67", "name": "Пётр"}]},
                headers=w.admin.headers,
            ),
            200,
        )
        json_of(
            await factory.client.patch(
                f"{API}/call-lists/{call_list['id']}",
                json={"status": "active"},
                headers=w.admin.headers,
            ),
            200,
        )
        assigned = await factory.client.put(
            f"{API}/call-scripts/{script['id']}/assignments",
            json={"call_list_ids": [call_list["id"]]},
            headers=w.admin.headers,
        )
        assert json_of(assigned, 200)["call_list_ids"] == [call_list["id"]]
        listed = json_of(
            await factory.client.get(
                f"{API}/call-lists/{call_list['id']}", headers=w.admin.headers
            ),
            200,
        )
        assert listed["script_id"] == script["id"]

        card = json_of(
            await factory.client.post(
                f"{API}/call-lists/{call_list['id']}/next", headers=caller.headers
            ),
            200,
        )["card"]
        item_id = card["item"]["id"]
        found = json_of(
            await factory.client.get(
                f"{API}/call-scripts/resolve",
                params={"call_list_item_id": item_id},
                headers=caller.headers,
            ),
            200,
        )
        assert (found["script"]["id"], found["source"]) == (script["id"], "call_list")
        # A seller who does not work the list does not see its numbers.
        hidden = await factory.client.get(
            f"{API}/call-scripts/resolve",
            params={"call_list_item_id": item_id},
            headers=w.seller.headers,
        )
        assert hidden.status_code == 404

        # The telemarketer walks the script and saves the run on the number.
        run = await save_run(
            factory,
            caller,
            script["id"],
            call_list_item_id=item_id,
            path=path(("greeting", "go"), ("qualify", "yes")),
        )
        assert (run["outcome"], run["call_list_id"]) == ("interested", call_list["id"])
        runs = json_of(
            await factory.client.get(
                f"{API}/call-script-runs",
                params={"call_list_item_id": item_id},
                headers=caller.headers,
            ),
            200,
        )
        assert [r["id"] for r in runs["items"]] == [run["id"]]

        # A call list's own form refuses a script that does not exist.
        refused = await factory.client.patch(
            f"{API}/call-lists/{call_list['id']}",
            json={"script_id": str(uuid.uuid4())},
            headers=w.admin.headers,
        )
        assert locs(refused) == [["body", "script_id"]]
        # Unassigned again.
        json_of(
            await factory.client.put(
                f"{API}/call-scripts/{script['id']}/assignments", json={}, headers=w.admin.headers
            ),
            200,
        )
        listed = json_of(
            await factory.client.get(
                f"{API}/call-lists/{call_list['id']}", headers=w.admin.headers
            ),
            200,
        )
        assert listed["script_id"] is None


class TestRuns:
    async def test_a_run_is_saved_with_its_path_and_read_per_record(self, factory: Factory) -> None:
        w = await world(factory)
        client_id = await make_client(factory.container, w.org, w.seller.user)
        deal_id = await make_deal(factory.container, w.org, w.seller.user, client_id)
        script = await create(factory, w.head_north)
        run = await save_run(
            factory,
            w.seller,
            script["id"],
            deal_id=str(deal_id),
            path=path(("greeting", "go"), ("qualify", "expensive"), ("price", "later")),
        )
        assert run["outcome"] == "call_back"  # the ending answer's
        assert run["client_id"] == str(client_id)  # the deal's client
        assert run["user_id"] == str(w.seller.user.id)
        assert run["user_name"]
        assert [(p["step_id"], p["answer_id"]) for p in run["path"]] == [
            ("greeting", "go"),
            ("qualify", "expensive"),
            ("price", "later"),
        ]
        # A call that ended mid-script says how it ended.
        stopped = await save_run(
            factory,
            w.seller,
            script["id"],
            client_id=str(client_id),
            path=path(("greeting", "go"), ("qualify", None)),
            outcome="no_decision",
        )
        for params, expected in (
            ({"deal_id": str(deal_id)}, [run["id"]]),
            ({"client_id": str(client_id)}, [stopped["id"], run["id"]]),
        ):
            listed = json_of(
                await factory.client.get(
                    f"{API}/call-script-runs", params=params, headers=w.seller.headers
                ),
                200,
            )
            assert [r["id"] for r in listed["items"]] == expected
        # The deal's timeline shows the scripted call; the client's both.
        timeline = json_of(
            await factory.client.get(
                f"{API}/deals/{deal_id}/timeline",
                params={"kinds": "call_script"},
                headers=w.seller.headers,
            ),
            200,
        )["items"]
        assert [
            (i["id"], i["title"], i["data"]["outcome"], i["data"]["steps"]) for i in timeline
        ] == [(run["id"], "Холодный звонок", "call_back", 3)]
        assert timeline[0]["actor_id"] == str(w.seller.user.id)
        client_timeline = json_of(
            await factory.client.get(
                f"{API}/clients/{client_id}/timeline",
                params={"kinds": "call_script"},
                headers=w.seller.headers,
            ),
            200,
        )["items"]
        assert [i["id"] for i in client_timeline] == [stopped["id"], run["id"]]
        page = json_of(
            await factory.client.get(
                f"{API}/call-script-runs",
                params={"client_id": str(client_id), "limit": 1},
                headers=w.seller.headers,
            ),
            200,
        )
        assert page["next_cursor"]
        rest = json_of(
            await factory.client.get(
                f"{API}/call-script-runs",
                params={"client_id": str(client_id), "limit": 1, "cursor": page["next_cursor"]},
                headers=w.seller.headers,
            ),
            200,
        )
        assert [r["id"] for r in rest["items"]] == [run["id"]]

    async def test_the_path_must_follow_the_script(self, factory: Factory) -> None:
        w = await world(factory)
        deal_id = await make_deal(factory.container, w.org, w.seller.user)
        script = await create(factory, w.head_north)
        url = f"{API}/call-script-runs"
        base = {"script_id": script["id"], "deal_id": str(deal_id)}
        future = datetime.now(UTC) + timedelta(hours=1)
        for body, expected in (
            ({**base, "path": path(("qualify", "yes"))}, [["body", "path", 0, "step_id"]]),
            (
                {**base, "path": path(("greeting", "go"), ("price", "ok"))},
                [["body", "path", 1, "step_id"]],
            ),
            ({**base, "path": path(("greeting", "nope"))}, [["body", "path", 0, "answer_id"]]),
            ({**base, "path": path(("greeting", "go"))}, [["body", "path", 0, "answer_id"]]),
            (
                {**base, "path": path(("greeting", "go"), ("qualify", "yes"), ("price", "ok"))},
                [["body", "path", 2, "step_id"]],
            ),
            ({**base, "path": path(("greeting", None))}, [["body", "outcome"]]),
            (
                {
                    **base,
                    "path": path(("greeting", "go"), ("qualify", "yes")),
                    "outcome": "wrong_number",
                },
                [["body", "outcome"]],
            ),
            (
                {
                    **base,
                    "path": [{"step_id": "greeting", "answer_id": None, "at": future.isoformat()}],
                    "outcome": "no_decision",
                },
                [["body", "path", 0, "at"]],
            ),
            (
                {
                    "script_id": script["id"],
                    "path": path(("greeting", None)),
                    "outcome": "no_decision",
                },
                [["body", "deal_id"]],
            ),
            ({**base, "path": []}, [["body", "path"]]),
        ):
            response = await factory.client.post(url, json=body, headers=w.seller.headers)
            assert locs(response) == expected, (body, response.text)

    async def test_records_beyond_reach_are_not_found(self, factory: Factory) -> None:
        w = await world(factory)
        client_id = await make_client(factory.container, w.org, w.seller.user)
        deal_id = await make_deal(factory.container, w.org, w.seller.user, client_id)
        script = await create(factory, w.head_north)
        walked = path(("greeting", "go"), ("qualify", "no"))
        await save_run(factory, w.seller, script["id"], deal_id=str(deal_id), path=walked)
        for params in ({"deal_id": str(deal_id)}, {"client_id": str(client_id)}):
            await save_run(factory, w.rival, script["id"], status=404, path=walked, **params)
            response = await factory.client.get(
                f"{API}/call-script-runs", params=params, headers=w.rival.headers
            )
            assert response.status_code == 404
            assert (
                await factory.client.get(
                    f"{API}/call-script-runs", params=params, headers=w.head_north.headers
                )
            ).status_code == 200
        # Another organisation's script, and records, are not found.
        own_script = await create(factory, w.outsider)
        await save_run(
            factory, w.seller, own_script["id"], status=404, deal_id=str(deal_id), path=walked
        )
        await save_run(
            factory, w.outsider, own_script["id"], status=404, deal_id=str(deal_id), path=walked
        )


class TestReport:
    async def test_steps_and_answers_with_the_outcome_split(self, factory: Factory) -> None:
        w = await world(factory)
        deal_id = await make_deal(factory.container, w.org, w.seller.user)
        script = await create(factory, w.head_north)
        for walked, outcome in (
            ((("greeting", "go"), ("qualify", "yes")), None),
            ((("greeting", "go"), ("qualify", "no")), None),
            ((("greeting", "go"), ("qualify", "expensive"), ("price", "ok")), None),
            ((("greeting", "go"), ("qualify", "expensive"), ("price", "later")), None),
            ((("greeting", "go"), ("qualify", "expensive"), ("price", None)), "no_decision"),
            ((("greeting", None),), "wrong_number"),
        ):
            extra: dict[str, Any] = {"outcome": outcome} if outcome else {}
            await save_run(
                factory, w.seller, script["id"], deal_id=str(deal_id), path=path(*walked), **extra
            )
        today = datetime.now(UTC).date()
        params = {
            "from": (today - timedelta(days=1)).isoformat(),
            "to": (today + timedelta(days=1)).isoformat(),
        }
        url = f"{API}/call-scripts/{script['id']}/report"
        report = json_of(
            await factory.client.get(url, params=params, headers=w.head_north.headers), 200
        )
        assert report["runs"] == 6
        assert report["by_outcome"] == {
            "interested": 2,
            "not_interested": 1,
            "call_back": 1,
            "no_decision": 1,
            "wrong_number": 1,
        }
        steps = {s["step_id"]: s for s in report["steps"]}
        assert [s["step_id"] for s in report["steps"]] == ["greeting", "qualify", "price"]
        assert (
            steps["greeting"]["reached"],
            steps["qualify"]["reached"],
            steps["price"]["reached"],
        ) == (6, 5, 3)
        answers = {a["answer_id"]: a for a in steps["qualify"]["answers"]}
        assert answers["expensive"]["chosen"] == 3
        assert answers["expensive"]["by_outcome"] == {
            "interested": 1,
            "call_back": 1,
            "no_decision": 1,
        }
        assert answers["yes"]["by_outcome"] == {"interested": 1}
        assert steps["greeting"]["answers"][0]["by_outcome"] == {
            "interested": 2,
            "not_interested": 1,
            "call_back": 1,
            "no_decision": 1,
        }
        # Another period has none of them.
        earlier = {"from": "2026-01-01", "to": "2026-01-31"}
        empty = json_of(
            await factory.client.get(url, params=earlier, headers=w.head_north.headers), 200
        )
        assert (empty["runs"], empty["steps"][0]["reached"]) == (0, 0)
        # Sellers do not read it; another organisation does not find the script.
        assert (
            await factory.client.get(url, params=params, headers=w.seller.headers)
        ).status_code == 403
        assert (
            await factory.client.get(url, params=params, headers=w.outsider.headers)
        ).status_code == 404
        too_long = {"from": "2025-01-01", "to": "2026-06-01"}
        assert locs(
            await factory.client.get(url, params=too_long, headers=w.head_north.headers)
        ) == [["query", "to"]]
