"""Call lists through HTTP (issue 14, part 1): a head builds a list from a client filter, a
segment or an uploaded list (duplicates and bad phones reported), assigns telemarketers, who
take numbers from a shared queue (never the same one at once) and record outcomes: a
no-answer retried after the interval until the attempts run out, a call-back due at its time
for the same telemarketer, and an interested number handed to a seller through distribution.
Progress per list and per telemarketer; visibility."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from domain.shared.clock import FixedClock
from tests.api.attachments.support import API
from tests.api.deals.support import Teams, create_client, error_locs, json_of, teams
from tests.api.intake.test_distribution import create_rule, on_duty_always
from tests.api.kpi.support import fulfilment, metric, row_of, set_plan
from tests.factories import Factory, Session
from tests.worker import drain_queue


@dataclass(slots=True)
class Room:
    t: Teams
    ivanova: Session
    tkachenko: Session
    other: Session  # a telemarketer not on the list


async def room(factory: Factory) -> Room:
    t = await teams(factory)
    ivanova = await factory.login(await factory.user(t.org, "telemarketer"))
    tkachenko = await factory.login(await factory.user(t.org, "telemarketer"))
    other = await factory.login(await factory.user(t.org, "telemarketer"))
    return Room(t, ivanova, tkachenko, other)


async def new_list(
    factory: Factory, session: Session, *assignees: Session, status: int = 201, **body: Any
) -> dict[str, Any]:
    body = {
        "name": "Холодный обзвон",
        "assignee_ids": [str(a.user.id) for a in assignees],
        **body,
    }
    response = await factory.client.post(f"{API}/call-lists", json=body, headers=session.headers)
    return json_of(response, status)  # type: ignore[no-any-return]


async def activate(factory: Factory, session: Session, list_id: str) -> dict[str, Any]:
    response = await factory.client.patch(
        f"{API}/call-lists/{list_id}", json={"status": "active"}, headers=session.headers
    )
    return json_of(response, 200)  # type: ignore[no-any-return]


async def add_entries(
    factory: Factory, session: Session, list_id: str, entries: list[dict[str, Any]]
) -> dict[str, Any]:
    response = await factory.client.post(
        f"{API}/call-lists/{list_id}/items", json={"entries": entries}, headers=session.headers
    )
    return json_of(response, 200)  # type: ignore[no-any-return]


async def next_card(factory: Factory, session: Session, list_id: str) -> dict[str, Any] | None:
    response = await factory.client.post(
        f"{API}/call-lists/{list_id}/next", headers=session.headers
    )
    return json_of(response, 200)["card"]  # type: ignore[no-any-return]


async def outcome(
    factory: Factory,
    session: Session,
    list_id: str,
    item_id: str,
    value: str,
    *,
    status: int = 200,
    **extra: Any,
) -> dict[str, Any]:
    response = await factory.client.post(
        f"{API}/call-lists/{list_id}/items/{item_id}/outcome",
        json={"outcome": value, **extra},
        headers=session.headers,
    )
    return json_of(response, status)  # type: ignore[no-any-return]


async def get_list(factory: Factory, session: Session, list_id: str, status: int = 200) -> Any:
    return json_of(
        await factory.client.get(f"{API}/call-lists/{list_id}", headers=session.headers), status
    )


def phone(n: int) -> str:
    return f"+7912{n:07d}"


async def client_with_phone(
    factory: Factory, session: Session, number: str, **extra: Any
) -> dict[str, Any]:
    return await create_client(
        factory,
        session,
        contacts=[{"full_name": "Контакт", "phones": [{"number": number}], "is_primary": True}],
        **extra,
    )


class TestBuilding:
    async def test_a_filter_adds_each_matching_clients_primary_phone_once(
        self, factory: Factory
    ) -> None:
        r = await room(factory)
        admin = r.t.admin
        cold = [
            await client_with_phone(
                factory, admin, phone(100 + i), temperature="cold", name=f"Холодный {i}"
            )
            for i in range(3)
        ]
        await client_with_phone(factory, admin, phone(200), temperature="hot")
        await create_client(factory, admin, temperature="cold")  # no phone: nothing to call
        created = await new_list(factory, admin, r.ivanova)
        built = json_of(
            await factory.client.post(
                f"{API}/call-lists/{created['id']}/items/from-clients",
                json={"query": "temperature=cold"},
                headers=admin.headers,
            ),
            200,
        )
        assert built["added"] == 3
        assert built["duplicates"] == 0
        again = json_of(
            await factory.client.post(
                f"{API}/call-lists/{created['id']}/items/from-clients",
                json={"query": "temperature=cold"},
                headers=admin.headers,
            ),
            200,
        )
        assert again["added"] == 0
        assert again["duplicates"] == 3
        items = json_of(
            await factory.client.get(
                f"{API}/call-lists/{created['id']}/items", headers=admin.headers
            ),
            200,
        )["items"]
        assert sorted(i["phone"] for i in items) == [phone(100), phone(101), phone(102)]
        assert {i["client_id"] for i in items} == {c["id"] for c in cold}
        assert (await get_list(factory, admin, created["id"]))["progress"]["total"] == 3

    async def test_a_saved_filter_and_a_segment_build_too(self, factory: Factory) -> None:
        r = await room(factory)
        admin = r.t.admin
        await client_with_phone(factory, admin, phone(300), segment_tags=["b2b"])
        await client_with_phone(factory, admin, phone(301), segment_tags=["retail"])
        saved = json_of(
            await factory.client.post(
                f"{API}/saved-filters",
                json={"list": "clients", "name": "Ритейл", "query": "tags=retail"},
                headers=admin.headers,
            ),
            201,
        )
        created = await new_list(factory, admin, r.ivanova)
        by_segment = await factory.client.post(
            f"{API}/call-lists/{created['id']}/items/from-clients",
            json={"tags": ["b2b"]},
            headers=admin.headers,
        )
        assert json_of(by_segment, 200)["added"] == 1
        by_saved = await factory.client.post(
            f"{API}/call-lists/{created['id']}/items/from-clients",
            json={"saved_filter_id": saved["id"]},
            headers=admin.headers,
        )
        assert json_of(by_saved, 200)["added"] == 1
        neither = await factory.client.post(
            f"{API}/call-lists/{created['id']}/items/from-clients",
            json={},
            headers=admin.headers,
        )
        assert neither.status_code == 422
        assert ["body", "source"] in error_locs(neither)

    async def test_a_json_list_reports_duplicates_and_bad_phones(self, factory: Factory) -> None:
        r = await room(factory)
        admin = r.t.admin
        created = await new_list(factory, admin, r.ivanova)
        built = await add_entries(
            factory,
            admin,
            created["id"],
            [
                {"phone": "8 912 000-00-01", "name": "Пётр"},
                {"phone": "+79120000001", "name": "Пётр ещё раз"},
                {"phone": "не телефон"},
                {"phone": "+7 912 000 00 02"},
            ],
        )
        assert built["added"] == 2
        assert built["duplicates"] == 1
        assert built["invalid"] == 1
        assert built["invalid_rows"] == [{"row": 2, "value": "не телефон", "reason": "not_a_phone"}]
        listed = await get_list(factory, admin, created["id"])
        assert listed["progress"]["total"] == 2
        assert listed["build"]["added"] == 2

    async def test_an_uploaded_csv_is_added_by_a_job(self, factory: Factory) -> None:
        r = await room(factory)
        admin = r.t.admin
        known = await client_with_phone(factory, admin, phone(400))
        created = await new_list(factory, admin, r.ivanova)
        csv = (
            "Телефон;Имя\n"
            f"{phone(400)};Знакомый\n"
            "+7 912 000-04-01;Новый\n"
            "89120000401;Повтор\n"
            "abc;Плохой\n"
        ).encode()
        job = json_of(
            await factory.client.post(
                f"{API}/call-lists/{created['id']}/items/upload",
                files={"file": ("list.csv", csv, "text/csv")},
                headers=admin.headers,
            ),
            202,
        )
        await drain_queue(factory.container)
        done = json_of(
            await factory.client.get(f"{API}/jobs/{job['id']}", headers=admin.headers), 200
        )
        assert done["status"] == "done", done
        assert done["result"]["added"] == 2
        assert done["result"]["duplicates"] == 1
        assert done["result"]["invalid"] == 1
        assert done["result"]["invalid_rows"][0]["value"] == "abc"
        items = json_of(
            await factory.client.get(
                f"{API}/call-lists/{created['id']}/items", headers=admin.headers
            ),
            200,
        )["items"]
        by_phone = {i["phone"]: i for i in items}
        assert by_phone[phone(400)]["client_id"] == known["id"]
        assert by_phone[phone(401)]["name"] == "Новый"
        assert (await get_list(factory, admin, created["id"]))["build"]["added"] == 2


class TestQueue:
    async def test_two_telemarketers_never_get_the_same_number(self, factory: Factory) -> None:
        r = await room(factory)
        admin = r.t.admin
        created = await new_list(factory, admin, r.ivanova, r.tkachenko)
        await add_entries(factory, admin, created["id"], [{"phone": phone(i)} for i in range(1, 7)])
        await activate(factory, admin, created["id"])
        handed: list[str] = []
        for _ in range(3):
            first, second = await asyncio.gather(
                next_card(factory, r.ivanova, created["id"]),
                next_card(factory, r.tkachenko, created["id"]),
            )
            assert first is not None
            assert second is not None
            assert first["item"]["id"] != second["item"]["id"]
            handed += [first["item"]["id"], second["item"]["id"]]
            # Asking again gives each the number they hold.
            again = await next_card(factory, r.ivanova, created["id"])
            assert again is not None
            assert again["item"]["id"] == first["item"]["id"]
            await outcome(factory, r.ivanova, created["id"], first["item"]["id"], "not_interested")
            await outcome(factory, r.tkachenko, created["id"], second["item"]["id"], "wrong_number")
        assert len(set(handed)) == 6
        assert await next_card(factory, r.ivanova, created["id"]) is None
        progress = (await get_list(factory, admin, created["id"]))["progress"]
        assert progress["total"] == 6
        assert progress["done"] == 6
        assert progress["due"] == 0

    async def test_only_the_holder_records_an_outcome(self, factory: Factory) -> None:
        r = await room(factory)
        admin = r.t.admin
        created = await new_list(factory, admin, r.ivanova, r.tkachenko)
        await add_entries(factory, admin, created["id"], [{"phone": phone(7)}])
        await activate(factory, admin, created["id"])
        card = await next_card(factory, r.ivanova, created["id"])
        assert card is not None
        await outcome(
            factory, r.tkachenko, created["id"], card["item"]["id"], "no_answer", status=409
        )
        assert await next_card(factory, r.tkachenko, created["id"]) is None

    async def test_an_abandoned_number_goes_back_to_the_queue_when_its_lease_ends(
        self, factory: Factory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        clock = FixedClock(datetime.now(UTC))
        monkeypatch.setattr(factory.container, "clock", clock)
        r = await room(factory)
        admin = r.t.admin
        created = await new_list(factory, admin, r.ivanova, r.tkachenko)
        await add_entries(factory, admin, created["id"], [{"phone": phone(30)}])
        await activate(factory, admin, created["id"])
        held = await next_card(factory, r.ivanova, created["id"])
        assert held is not None
        assert await next_card(factory, r.tkachenko, created["id"]) is None
        clock.move_to(clock.now() + timedelta(minutes=16))
        taken = await next_card(factory, r.tkachenko, created["id"])
        assert taken is not None
        assert taken["item"]["id"] == held["item"]["id"]
        await outcome(
            factory, r.ivanova, created["id"], held["item"]["id"], "no_answer", status=409
        )

    async def test_a_draft_or_paused_list_gives_no_numbers(self, factory: Factory) -> None:
        r = await room(factory)
        admin = r.t.admin
        created = await new_list(factory, admin, r.ivanova)
        await add_entries(factory, admin, created["id"], [{"phone": phone(8)}])
        response = await factory.client.post(
            f"{API}/call-lists/{created['id']}/next", headers=r.ivanova.headers
        )
        assert response.status_code == 409


class TestOutcomes:
    async def test_no_answer_is_retried_after_the_interval_until_attempts_run_out(
        self, factory: Factory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        clock = FixedClock(datetime.now(UTC))
        monkeypatch.setattr(factory.container, "clock", clock)
        r = await room(factory)
        admin = r.t.admin
        created = await new_list(
            factory, admin, r.ivanova, max_attempts=2, retry_interval_minutes=10
        )
        await add_entries(factory, admin, created["id"], [{"phone": phone(9)}])
        await activate(factory, admin, created["id"])
        card = await next_card(factory, r.ivanova, created["id"])
        assert card is not None
        after = await outcome(factory, r.ivanova, created["id"], card["item"]["id"], "no_answer")
        assert after["item"]["status"] == "open"
        assert after["item"]["attempts"] == 1
        assert await next_card(factory, r.ivanova, created["id"]) is None  # not due yet
        clock.move_to(clock.now() + timedelta(minutes=11))
        again = await next_card(factory, r.ivanova, created["id"])
        assert again is not None
        assert again["item"]["id"] == card["item"]["id"]
        last = await outcome(factory, r.ivanova, created["id"], card["item"]["id"], "no_answer")
        assert last["item"]["status"] == "closed"
        assert last["item"]["attempts"] == 2
        clock.move_to(clock.now() + timedelta(minutes=11))
        assert await next_card(factory, r.ivanova, created["id"]) is None

    async def test_a_call_back_is_due_at_its_time_for_the_same_telemarketer(
        self, factory: Factory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        clock = FixedClock(datetime.now(UTC))
        monkeypatch.setattr(factory.container, "clock", clock)
        r = await room(factory)
        admin = r.t.admin
        created = await new_list(factory, admin, r.ivanova, r.tkachenko)
        await add_entries(factory, admin, created["id"], [{"phone": phone(10)}])
        await activate(factory, admin, created["id"])
        card = await next_card(factory, r.ivanova, created["id"])
        assert card is not None
        item_id = card["item"]["id"]
        missing = await outcome(factory, r.ivanova, created["id"], item_id, "call_back", status=422)
        assert ["body", "call_back_at"] in [e["loc"] for e in missing["errors"]]
        at = clock.now() + timedelta(minutes=30)
        await outcome(
            factory, r.ivanova, created["id"], item_id, "call_back", call_back_at=at.isoformat()
        )
        assert await next_card(factory, r.ivanova, created["id"]) is None
        clock.move_to(at + timedelta(minutes=1))
        assert await next_card(factory, r.tkachenko, created["id"]) is None  # not theirs
        back = await next_card(factory, r.ivanova, created["id"])
        assert back is not None
        assert back["item"]["id"] == item_id

    async def test_interested_hands_a_lead_to_the_clients_seller(self, factory: Factory) -> None:
        r = await room(factory)
        admin = r.t.admin
        client = await client_with_phone(
            factory, admin, phone(11), responsible_id=str(r.t.seller.user.id), name="ООО Ромашка"
        )
        created = await new_list(factory, admin, r.ivanova, funnel_id=r.t.funnel["id"])
        await factory.client.post(
            f"{API}/call-lists/{created['id']}/items/from-clients",
            json={"query": f"responsible_id={r.t.seller.user.id}"},
            headers=admin.headers,
        )
        await activate(factory, admin, created["id"])
        card = await next_card(factory, r.ivanova, created["id"])
        assert card is not None
        assert card["client_name"] == "ООО Ромашка"
        done = await outcome(factory, r.ivanova, created["id"], card["item"]["id"], "interested")
        assert done["item"]["status"] == "closed"
        assert done["item"]["lead_id"]
        assert done["item"]["deal_id"]
        assert done["activities"][0]["kind"] == "call"
        assert done["activities"][0]["author_id"] == str(r.ivanova.user.id)
        # The seller sees the lead in the lead inbox and the deal.
        leads = json_of(
            await factory.client.get(f"{API}/intake/leads", headers=r.t.seller.headers), 200
        )["items"]
        lead = next(x for x in leads if x["id"] == done["item"]["lead_id"])
        assert lead["assignee_id"] == str(r.t.seller.user.id)
        assert lead["kind"] == "call_list"
        deal = json_of(
            await factory.client.get(
                f"{API}/deals/{done['item']['deal_id']}", headers=r.t.seller.headers
            ),
            200,
        )
        assert deal["client_id"] == client["id"]
        assert deal["funnel_id"] == r.t.funnel["id"]
        # The telemarketer's qualified lead counts.
        agents = json_of(
            await factory.client.get(
                f"{API}/call-lists/{created['id']}/agents", headers=admin.headers
            ),
            200,
        )["items"]
        mine = next(a for a in agents if a["user_id"] == str(r.ivanova.user.id))
        assert mine["qualified"] == 1
        assert mine["calls"] == 1
        assert mine["done"] == 1
        # ... and is the month's qualified lead in the KPI plans (issue 12's metric).
        await set_plan(
            factory, admin, user_id=r.ivanova.user.id, metric="qualified_leads", target="4"
        )
        row = row_of(await fulfilment(factory, admin), r.ivanova.user.id)
        assert (
            metric(row, "qualified_leads")["fact"],
            metric(row, "qualified_leads")["percent"],
        ) == (
            "1",
            "25.0",
        )

    async def test_an_unknown_interested_number_goes_by_the_distribution_rule(
        self, factory: Factory
    ) -> None:
        r = await room(factory)
        admin = r.t.admin
        await on_duty_always(factory, admin, r.t.stranger.user)
        await create_rule(
            factory,
            admin,
            name="Телемаркетинг",
            kind="round_robin",
            source="call_list",
            user_ids=[str(r.t.stranger.user.id)],
        )
        created = await new_list(factory, admin, r.ivanova)
        await add_entries(
            factory, admin, created["id"], [{"phone": phone(12), "name": "Новый Клиент"}]
        )
        await activate(factory, admin, created["id"])
        card = await next_card(factory, r.ivanova, created["id"])
        assert card is not None
        assert card["item"]["client_id"] is None
        done = await outcome(factory, r.ivanova, created["id"], card["item"]["id"], "interested")
        assert done["item"]["client_id"]
        assert done["item"]["deal_id"]
        deal = json_of(
            await factory.client.get(
                f"{API}/deals/{done['item']['deal_id']}", headers=r.t.stranger.headers
            ),
            200,
        )
        assert deal["responsible_id"] == str(r.t.stranger.user.id)
        assert deal["source_channel"] == "call_list"


class TestProgress:
    async def test_progress_per_list_and_per_telemarketer(self, factory: Factory) -> None:
        r = await room(factory)
        admin = r.t.admin
        created = await new_list(factory, admin, r.ivanova, r.tkachenko, max_attempts=3)
        await add_entries(
            factory, admin, created["id"], [{"phone": phone(20 + i)} for i in range(4)]
        )
        await activate(factory, admin, created["id"])
        a = await next_card(factory, r.ivanova, created["id"])
        b = await next_card(factory, r.tkachenko, created["id"])
        assert a
        assert b
        await outcome(factory, r.ivanova, created["id"], a["item"]["id"], "no_answer")
        await outcome(factory, r.tkachenko, created["id"], b["item"]["id"], "not_interested")
        c = await next_card(factory, r.ivanova, created["id"])
        assert c
        progress = (await get_list(factory, admin, created["id"]))["progress"]
        assert progress == {
            "total": 4,
            "done": 1,
            "due": 1,
            "waiting": 1,
            "in_progress": 1,
            "calls": 2,
            "by_outcome": {"no_answer": 1, "not_interested": 1},
            "qualified": 0,
        }
        agents = json_of(
            await factory.client.get(
                f"{API}/call-lists/{created['id']}/agents", headers=admin.headers
            ),
            200,
        )["items"]
        by_user = {x["user_id"]: x for x in agents}
        assert by_user[str(r.ivanova.user.id)]["by_outcome"] == {"no_answer": 1}
        assert by_user[str(r.ivanova.user.id)]["done"] == 0
        assert by_user[str(r.tkachenko.user.id)]["done"] == 1
        waiting = json_of(
            await factory.client.get(
                f"{API}/call-lists/{created['id']}/items",
                params={"outcome": "no_answer"},
                headers=admin.headers,
            ),
            200,
        )["items"]
        assert [i["id"] for i in waiting] == [a["item"]["id"]]
        page = await factory.client.get(
            f"{API}/call-lists/{created['id']}/items", params={"limit": 3}, headers=admin.headers
        )
        rest = await factory.client.get(
            f"{API}/call-lists/{created['id']}/items",
            params={"limit": 3, "cursor": page.json()["next_cursor"]},
            headers=admin.headers,
        )
        assert len(page.json()["items"]) == 3
        assert len(rest.json()["items"]) == 1


class TestVisibility:
    async def test_who_sees_and_manages_which_list(self, factory: Factory) -> None:
        r = await room(factory)
        admin = r.t.admin
        created = await new_list(factory, r.t.head, r.ivanova)
        mine = json_of(
            await factory.client.get(f"{API}/call-lists", headers=r.ivanova.headers), 200
        )
        assert [x["id"] for x in mine["items"]] == [created["id"]]
        theirs = json_of(
            await factory.client.get(f"{API}/call-lists", headers=r.other.headers), 200
        )
        assert theirs["items"] == []
        await get_list(factory, r.other, created["id"], status=404)
        await get_list(factory, r.t.outsider, created["id"], status=404)
        await get_list(factory, admin, created["id"])
        # A telemarketer neither creates nor changes lists; a seller has no call lists at all.
        await new_list(factory, r.ivanova, r.ivanova, status=403)
        changed = await factory.client.patch(
            f"{API}/call-lists/{created['id']}", json={"name": "Моё"}, headers=r.ivanova.headers
        )
        assert changed.status_code == 403
        assert (
            await factory.client.get(f"{API}/call-lists", headers=r.t.seller.headers)
        ).status_code == 403
        outsider_next = await factory.client.post(
            f"{API}/call-lists/{created['id']}/next", headers=r.t.outsider.headers
        )
        assert outsider_next.status_code == 404

    async def test_bad_input_names_the_field(self, factory: Factory) -> None:
        r = await room(factory)
        bad = await factory.client.post(
            f"{API}/call-lists",
            json={"name": "Х", "max_attempts": 11, "assignee_ids": [str(r.t.outsider.user.id)]},
            headers=r.t.admin.headers,
        )
        assert bad.status_code == 422
        assert ["body", "max_attempts"] in error_locs(bad)
        stranger = await factory.client.post(
            f"{API}/call-lists",
            json={"name": "Х", "assignee_ids": [str(r.t.outsider.user.id)]},
            headers=r.t.admin.headers,
        )
        assert stranger.status_code == 422
        assert ["body", "assignee_ids", 0] in error_locs(stranger)
        created = await new_list(factory, r.t.admin)
        empty = await factory.client.patch(
            f"{API}/call-lists/{created['id']}",
            json={"status": "active"},
            headers=r.t.admin.headers,
        )
        assert empty.status_code == 422
        assert ["body", "assignee_ids"] in error_locs(empty)
