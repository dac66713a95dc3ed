"""Complaints (issue 14, part 6) through HTTP: recorded on a client or one of its deals with a
kind, owner and deadline; new -> in work -> resolved | rejected with a resolution; visibility
by owner like deals; the overdue sweep raises complaint.overdue once per deadline; the
public-conflict karma flag follows the complaint; the report per owner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.worker.jobs.complaints import sweep_overdue_complaints
from domain.complaints.model import add_working_days
from domain.shared.clock import FixedClock
from tests.api.attachments.support import API, make_client, make_deal, world
from tests.api.complaints.support import events, record, set_deadline, today
from tests.api.deals.support import if_match, json_of
from tests.factories import Factory
from tests.worker import drain_queue


class TestRecordComplaint:
    async def test_a_seller_records_one_on_their_client_with_the_kinds_defaults(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        client_id = await make_client(factory.container, w.org, w.seller.user)
        deal_id = await make_deal(factory.container, w.org, w.seller.user, client_id)
        complaint = await record(
            factory, w.seller, client_id, deal_id=str(deal_id), description="Брак в партии"
        )
        assert complaint["status"] == "new"
        assert complaint["owner_id"] == str(w.seller.user.id)  # the client's responsible
        assert complaint["deadline"] == add_working_days(today(), 3).isoformat()
        assert complaint["client_name"] == "ООО «Ромашка»"
        assert complaint["deal_title"] == "Поставка"
        assert complaint["is_overdue"] is False
        created = await events(factory.container, w.org.id, "complaint.created")
        assert [e["complaint_id"] for e in created] == [complaint["id"]]
        # The client's and the deal's timelines show it, with who recorded it.
        for path in (f"clients/{client_id}", f"deals/{deal_id}"):
            timeline = json_of(
                await factory.client.get(
                    f"{API}/{path}/timeline",
                    params={"kinds": "complaint"},
                    headers=w.seller.headers,
                ),
                200,
            )["items"]
            assert [(i["kind"], i["data"]["to_status"]) for i in timeline] == [("complaint", "new")]
            assert timeline[0]["actor_id"] == str(w.seller.user.id)
        audit = json_of(
            await factory.client.get(
                f"{API}/audit",
                params={"entity_type": "complaint", "entity_id": complaint["id"]},
                headers=w.admin.headers,
            ),
            200,
        )
        assert [e["action"] for e in audit["items"]] == ["create"]

    async def test_inputs_are_bounded_and_named(self, factory: Factory) -> None:
        w = await world(factory)
        client_id = await make_client(factory.container, w.org, w.seller.user)
        other_deal = await make_deal(factory.container, w.org, w.seller.user)
        url = f"{API}/complaints"
        base = {"client_id": str(client_id), "kind": "quality", "description": "Брак"}
        for body, loc in (
            ({**base, "kind": "weather"}, ["body", "kind"]),
            ({**base, "description": ""}, ["body", "description"]),
            ({**base, "description": "x" * 5001}, ["body", "description"]),
            ({**base, "deadline": (today() - timedelta(days=1)).isoformat()}, ["body", "deadline"]),
            (
                {**base, "deadline": (today() + timedelta(days=400)).isoformat()},
                ["body", "deadline"],
            ),
            ({**base, "deal_id": str(other_deal)}, ["body", "deal_id"]),
            ({**base, "owner_id": str(w.outsider.user.id)}, ["body", "owner_id"]),
        ):
            response = await factory.client.post(url, json=body, headers=w.seller.headers)
            assert response.status_code == 422, (body, response.text)
            assert [e["loc"] for e in response.json()["errors"]] == [loc], response.json()


class TestVisibility:
    async def test_owners_colleagues_see_it_as_their_roles_reach(self, factory: Factory) -> None:
        w = await world(factory)
        client_id = await make_client(factory.container, w.org, w.seller.user)
        complaint = await record(factory, w.seller, client_id)
        path = f"{API}/complaints/{complaint['id']}"
        assert (await factory.client.get(path, headers=w.rival.headers)).status_code == 404
        assert (await factory.client.get(path, headers=w.outsider.headers)).status_code == 404
        assert json_of(await factory.client.get(path, headers=w.head_north.headers), 200)
        resolved = await factory.client.post(
            f"{path}/resolve", json={"resolution": "Заменили"}, headers=w.rival.headers
        )
        assert resolved.status_code == 404
        for session, expected in ((w.rival, []), (w.head_north, [complaint["id"]])):
            listed = json_of(
                await factory.client.get(f"{API}/complaints", headers=session.headers), 200
            )
            assert [c["id"] for c in listed["items"]] == expected
        # A client one does not see is not complained about.
        refused = await factory.client.post(
            f"{API}/complaints",
            json={"client_id": str(client_id), "kind": "other", "description": "?"},
            headers=w.rival.headers,
        )
        assert refused.status_code == 404

    async def test_a_lawyer_reads_but_does_not_write(self, factory: Factory) -> None:
        w = await world(factory)
        lawyer = await factory.login(await factory.user(w.org, "lawyer"))
        client_id = await make_client(factory.container, w.org, w.seller.user)
        complaint = await record(factory, w.seller, client_id)
        path = f"{API}/complaints/{complaint['id']}"
        assert (await factory.client.get(path, headers=lawyer.headers)).status_code == 200
        taken = await factory.client.post(f"{path}/take", headers=lawyer.headers)
        assert taken.status_code == 403


class TestStatus:
    async def test_new_in_work_resolved_with_a_resolution_and_no_way_back(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        client_id = await make_client(factory.container, w.org, w.seller.user)
        complaint = await record(factory, w.seller, client_id)
        path = f"{API}/complaints/{complaint['id']}"
        stale = await factory.client.post(
            f"{path}/take", headers={**w.seller.headers, **if_match(5)}
        )
        assert stale.status_code == 412
        taken = json_of(
            await factory.client.post(f"{path}/take", headers={**w.seller.headers, **if_match(1)}),
            200,
        )
        assert taken["status"] == "in_work"
        again = await factory.client.post(f"{path}/take", headers=w.seller.headers)
        assert again.status_code == 409
        for body in ({}, {"resolution": ""}, {"resolution": "   "}):
            missing = await factory.client.post(
                f"{path}/resolve", json=body, headers=w.head_north.headers
            )
            assert missing.status_code == 422, body
            assert missing.json()["errors"][0]["loc"][-1] == "resolution"
        resolved = json_of(
            await factory.client.post(
                f"{path}/resolve",
                json={"resolution": "Заменили партию"},
                headers=w.head_north.headers,
            ),
            200,
        )
        assert (resolved["status"], resolved["resolution"]) == ("resolved", "Заменили партию")
        assert resolved["resolved_at"] is not None
        rejected = await factory.client.post(
            f"{path}/reject", json={"resolution": "Нет"}, headers=w.head_north.headers
        )
        assert rejected.status_code == 409
        edited = await factory.client.patch(
            path, json={"description": "Иначе"}, headers=w.head_north.headers
        )
        assert edited.status_code == 409
        changes = [
            (e["payload"]["from_status"], e["payload"]["to_status"])
            for e in [
                {"payload": p}
                for p in await events(factory.container, w.org.id, "complaint.status_changed")
            ]
        ]
        assert changes == [("new", "in_work"), ("in_work", "resolved")]
        timeline = json_of(
            await factory.client.get(
                f"{API}/clients/{client_id}/timeline",
                params={"kinds": "complaint"},
                headers=w.head_north.headers,
            ),
            200,
        )["items"]
        assert [(i["data"]["to_status"], i["body"]) for i in timeline] == [
            ("resolved", "Заменили партию"),
            ("in_work", None),
            ("new", None),
        ]
        assert timeline[0]["actor_id"] == str(w.head_north.user.id)

    async def test_a_new_one_is_rejected_with_the_reason(self, factory: Factory) -> None:
        w = await world(factory)
        client_id = await make_client(factory.container, w.org, w.seller.user)
        complaint = await record(factory, w.seller, client_id)
        rejected = json_of(
            await factory.client.post(
                f"{API}/complaints/{complaint['id']}/reject",
                json={"resolution": "Срок гарантии истёк"},
                headers=w.seller.headers,
            ),
            200,
        )
        assert (rejected["status"], rejected["resolution"]) == ("rejected", "Срок гарантии истёк")


class TestList:
    async def test_filters_and_pages_by_deadline(self, factory: Factory) -> None:
        w = await world(factory)
        client_a = await make_client(factory.container, w.org, w.seller.user)
        client_b = await make_client(factory.container, w.org, w.seller.user)
        late = await record(
            factory, w.seller, client_a, deadline=(today() + timedelta(days=20)).isoformat()
        )
        soon = await record(
            factory, w.seller, client_b, kind="quality", deadline=today().isoformat()
        )
        overdue = await record(factory, w.seller, client_b, kind="billing")
        await set_deadline(factory.container, overdue["id"], today() - timedelta(days=2))
        url = f"{API}/complaints"

        async def ids(**params: Any) -> list[str]:
            response = await factory.client.get(url, params=params, headers=w.seller.headers)
            return [c["id"] for c in json_of(response, 200)["items"]]

        assert await ids() == [overdue["id"], soon["id"], late["id"]]
        assert await ids(overdue="true") == [overdue["id"]]
        assert await ids(overdue="false") == [soon["id"], late["id"]]
        assert await ids(client_id=str(client_a)) == [late["id"]]
        assert await ids(kind=["quality", "billing"]) == [overdue["id"], soon["id"]]
        assert await ids(owner_id=str(w.head_north.user.id)) == []
        json_of(
            await factory.client.post(f"{url}/{soon['id']}/take", headers=w.seller.headers), 200
        )
        assert await ids(status="in_work") == [soon["id"]]
        first = json_of(
            await factory.client.get(url, params={"limit": 2}, headers=w.seller.headers), 200
        )
        assert [c["id"] for c in first["items"]] == [overdue["id"], soon["id"]]
        assert first["items"][0]["is_overdue"] is True
        rest = json_of(
            await factory.client.get(
                url, params={"limit": 2, "cursor": first["next_cursor"]}, headers=w.seller.headers
            ),
            200,
        )
        assert [c["id"] for c in rest["items"]] == [late["id"]]
        assert rest["next_cursor"] is None
        garbled = await factory.client.get(
            url, params={"cursor": "nonsense"}, headers=w.seller.headers
        )
        assert garbled.status_code == 422


class TestOverdueSweep:
    async def test_each_deadline_is_announced_once(self, factory: Factory) -> None:
        w = await world(factory)
        client_id = await make_client(factory.container, w.org, w.seller.user)
        complaint = await record(factory, w.seller, client_id)
        on_time = await record(factory, w.seller, client_id)
        done = await record(factory, w.seller, client_id)
        for c in (complaint, done):
            await set_deadline(factory.container, c["id"], today() - timedelta(days=1))
        json_of(
            await factory.client.post(
                f"{API}/complaints/{done['id']}/resolve",
                json={"resolution": "Решено"},
                headers=w.seller.headers,
            ),
            200,
        )
        now = datetime.now(UTC)
        await sweep_overdue_complaints(factory.container, FixedClock(now))
        await sweep_overdue_complaints(factory.container, FixedClock(now + timedelta(hours=1)))
        raised = await events(factory.container, w.org.id, "complaint.overdue")
        assert [(e["complaint_id"], e["owner_id"]) for e in raised] == [
            (complaint["id"], str(w.seller.user.id))
        ]
        assert on_time["id"] not in {e["complaint_id"] for e in raised}
        # A new deadline, once it passes too, is announced again.
        path = f"{API}/complaints/{complaint['id']}"
        moved = json_of(
            await factory.client.patch(
                path, json={"deadline": today().isoformat()}, headers=w.seller.headers
            ),
            200,
        )
        assert moved["is_overdue"] is False
        await sweep_overdue_complaints(factory.container, FixedClock(now))
        assert len(await events(factory.container, w.org.id, "complaint.overdue")) == 1
        await sweep_overdue_complaints(factory.container, FixedClock(now + timedelta(days=2)))
        await sweep_overdue_complaints(factory.container, FixedClock(now + timedelta(days=2)))
        raised = await events(factory.container, w.org.id, "complaint.overdue")
        assert [e["deadline"] for e in raised] == [
            (today() - timedelta(days=1)).isoformat(),
            today().isoformat(),
        ]


class TestPublicConflict:
    async def test_the_karma_flag_follows_the_complaint(self, factory: Factory) -> None:
        w = await world(factory)
        client_id = await make_client(factory.container, w.org, w.seller.user)
        complaint = await record(factory, w.seller, client_id, public_conflict=True)
        await drain_queue(factory.container)
        karma_url = f"{API}/clients/{client_id}/karma"
        karma = json_of(await factory.client.get(karma_url, headers=w.seller.headers), 200)
        assert karma["public_conflict"] is not None
        assert karma["score"] == "-30.00"
        # Delivered again, the event changes nothing.
        await drain_queue(factory.container)
        again = json_of(await factory.client.get(karma_url, headers=w.seller.headers), 200)
        assert (again["score"], again["entries"]) == ("-30.00", 1)
        json_of(
            await factory.client.patch(
                f"{API}/complaints/{complaint['id']}",
                json={"public_conflict": False},
                headers=w.seller.headers,
            ),
            200,
        )
        await drain_queue(factory.container)
        cleared = json_of(await factory.client.get(karma_url, headers=w.seller.headers), 200)
        assert cleared["public_conflict"] is None
        assert cleared["score"] is None

    async def test_a_flag_set_by_hand_stays_when_a_complaint_drops_it(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        client_id = await make_client(factory.container, w.org, w.seller.user)
        karma_url = f"{API}/clients/{client_id}/karma"
        json_of(
            await factory.client.put(
                f"{karma_url}/public-conflict", json={"note": "Скандал"}, headers=w.seller.headers
            ),
            200,
        )
        complaint = await record(factory, w.seller, client_id, public_conflict=True)
        await drain_queue(factory.container)
        json_of(
            await factory.client.patch(
                f"{API}/complaints/{complaint['id']}",
                json={"public_conflict": False},
                headers=w.seller.headers,
            ),
            200,
        )
        await drain_queue(factory.container)
        karma = json_of(await factory.client.get(karma_url, headers=w.seller.headers), 200)
        assert karma["public_conflict"]["note"] == "Скандал"


class TestReport:
    async def test_counts_and_time_to_resolve_per_owner(self, factory: Factory) -> None:
        w = await world(factory)
        client_id = await make_client(factory.container, w.org, w.seller.user)
        junior_client = await make_client(factory.container, w.org, w.junior.user)
        first = await record(factory, w.seller, client_id)
        second = await record(factory, w.seller, client_id)
        late = await record(factory, w.seller, client_id)
        await record(factory, w.junior, junior_client)
        await set_deadline(factory.container, late["id"], today() - timedelta(days=1))
        for c, action in ((first, "resolve"), (second, "reject")):
            json_of(
                await factory.client.post(
                    f"{API}/complaints/{c['id']}/{action}",
                    json={"resolution": "Готово"},
                    headers=w.seller.headers,
                ),
                200,
            )
        params = {"from": (today() - timedelta(days=1)).isoformat(), "to": today().isoformat()}
        url = f"{API}/complaints/report"
        report = json_of(
            await factory.client.get(url, params=params, headers=w.head_north.headers), 200
        )
        rows = {r["owner_id"]: r for r in report["items"]}
        mine = rows[str(w.seller.user.id)]
        assert (mine["total"], mine["open"], mine["overdue"]) == (3, 1, 1)
        assert (mine["resolved"], mine["rejected"]) == (1, 1)
        assert mine["median_hours_to_resolve"] is not None
        assert mine["median_hours_to_resolve"] < 1
        assert rows[str(w.junior.user.id)]["total"] == 1
        own = json_of(await factory.client.get(url, params=params, headers=w.seller.headers), 200)
        assert [r["owner_id"] for r in own["items"]] == [str(w.seller.user.id)]
        too_long = await factory.client.get(
            url, params={"from": "2026-01-01", "to": "2027-06-01"}, headers=w.seller.headers
        )
        assert too_long.status_code == 422
