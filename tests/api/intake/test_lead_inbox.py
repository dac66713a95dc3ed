"""The lead inbox (issue 11, item 10): a form's lead waits there, free, until a telemarketer
takes it (one of two at once wins, the other hears 409); a head assigns within their team; a
lead is converted or marked as spam; each caller sees the free leads and the ones in reach."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from httpx import Response

from tests.api.deals.support import create_funnel
from tests.api.intake.support import API, create_form, drain, item, post_form
from tests.api.intake.test_telephony import MISSED, create_integration, post_event, zadarma_body
from tests.factories import Factory, Org, Session

LEADS = f"{API}/intake/leads"


async def _form_lead(
    factory: Factory,
    admin: Session,
    body: str = "name=Ольга+Петрова&phone=+7+916+555-02-11&utm_source=yandex&utm_campaign=spring",
    *,
    form: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A form post processed by the worker, as the inbox lists it."""
    form = form or await create_form(factory, admin)
    posted = await post_form(factory.client, form["key"], body)
    assert posted.status_code == 200, posted.text
    await drain(factory.container)
    processed = await item(factory, admin, posted.json()["id"])
    assert processed["state"] == "processed", processed
    listed = await _list(factory, admin)
    (lead,) = [lead for lead in listed if lead["inbox_item_id"] == processed["id"]]
    return lead


async def _list(factory: Factory, session: Session, query: str = "") -> list[dict[str, Any]]:
    listed = await factory.client.get(f"{LEADS}{query}", headers=session.headers)
    assert listed.status_code == 200, listed.text
    return list(listed.json()["items"])


async def _counts(factory: Factory, session: Session) -> dict[str, int]:
    got = await factory.client.get(f"{LEADS}/counts", headers=session.headers)
    assert got.status_code == 200, got.text
    return dict(got.json())


async def _act(
    factory: Factory,
    session: Session,
    lead_id: str,
    action: str,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    return await factory.client.post(
        f"{LEADS}/{lead_id}/{action}",
        json=body,
        headers={**session.headers, **(headers or {})},
    )


async def _get(factory: Factory, session: Session, path: str) -> dict[str, Any]:
    got = await factory.client.get(f"{API}{path}", headers=session.headers)
    assert got.status_code == 200, got.text
    return dict(got.json())


async def _people(factory: Factory, org: Org, role: str, count: int) -> list[Session]:
    return [await factory.login(await factory.user(org, role)) for _ in range(count)]


class TestListLeads:
    async def test_a_form_post_waits_free_with_its_source_and_deadline(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        await create_funnel(factory, admin)
        (caller,) = await _people(factory, org, "telemarketer", 1)
        before = await _counts(factory, caller)
        lead = await _form_lead(factory, admin)
        (listed,) = await _list(factory, caller)
        assert listed["id"] == lead["id"]
        assert listed["status"] == "open"
        assert listed["kind"] == "form"
        assert listed["person_name"] == "Ольга Петрова"
        assert listed["phone"] == "+79165550211"
        assert listed["source"] == "yandex"
        assert listed["campaign"] == "spring"
        assert listed["channel_name"] == "Заявка с сайта"
        assert listed["client_name"] == "Ольга Петрова"
        assert listed["deal_title"].startswith("Заявка с сайта")
        received = datetime.fromisoformat(listed["received_at"])
        assert datetime.fromisoformat(listed["respond_by"]) == received + timedelta(minutes=15)
        assert listed["assignee_id"] is None or listed["assignment"] == "fallback"
        after = await _counts(factory, caller)
        assert before == {"open": 0, "unassigned": 0, "mine": 0, "overdue": 0}
        assert after == {"open": 1, "unassigned": 1, "mine": 0, "overdue": 0}

    async def test_filters_and_keyset_pages(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        await create_funnel(factory, admin)
        form = await create_form(factory, admin)
        first = await _form_lead(factory, admin, "name=Один&phone=+79165550301", form=form)
        second = await _form_lead(
            factory, admin, "name=Два&phone=+79165550302&utm_source=google", form=form
        )
        page = await factory.client.get(f"{LEADS}?limit=1", headers=admin.headers)
        assert [i["id"] for i in page.json()["items"]] == [second["id"]]
        cursor = page.json()["next_cursor"]
        rest = await factory.client.get(f"{LEADS}?limit=1&cursor={cursor}", headers=admin.headers)
        assert [i["id"] for i in rest.json()["items"]] == [first["id"]]
        assert rest.json()["next_cursor"] is None
        by_source = await _list(factory, admin, "?source=google")
        assert [i["id"] for i in by_source] == [second["id"]]
        assert await _list(factory, admin, "?kind=telephony") == []
        by_form = await _list(factory, admin, f"?channel_id={form['id']}")
        assert {i["id"] for i in by_form} == {first["id"], second["id"]}
        assert len(await _list(factory, admin, "?assignee=none")) == 2

    async def test_bad_filters_are_problems_naming_the_field(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        got = await factory.client.get(f"{LEADS}?status=lost", headers=admin.headers)
        assert got.status_code == 422
        assert got.headers["content-type"].startswith("application/problem+json")
        assert "status" in got.json()["errors"][0]["loc"]


class TestTakeLead:
    async def test_taking_makes_the_lead_its_deal_and_new_client_the_takers(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        await create_funnel(factory, admin)
        (caller,) = await _people(factory, org, "telemarketer", 1)
        lead = await _form_lead(factory, admin)
        taken = await _act(factory, caller, lead["id"], "take")
        assert taken.status_code == 200, taken.text
        assert taken.json()["assignee_id"] == str(caller.user.id)
        assert taken.json()["assignment"] == "manual"
        assert taken.headers["etag"] == f'"v{taken.json()["version"]}"'
        deal = await _get(factory, caller, f"/deals/{lead['deal_id']}")
        assert deal["responsible_id"] == str(caller.user.id)
        client = await _get(factory, caller, f"/clients/{lead['client_id']}")
        assert client["responsible_id"] == str(caller.user.id)
        assert await _counts(factory, caller) == {
            "open": 1,
            "unassigned": 0,
            "mine": 1,
            "overdue": 0,
        }
        assert [i["id"] for i in await _list(factory, caller, "?assignee=me")] == [lead["id"]]
        again = await _act(factory, caller, lead["id"], "take")
        assert again.status_code == 200
        assert again.json()["version"] == taken.json()["version"]

    async def test_two_people_taking_at_once_one_wins_the_other_hears_409(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        await create_funnel(factory, admin)
        first, second = await _people(factory, org, "telemarketer", 2)
        lead = await _form_lead(factory, admin)
        answers = await asyncio.gather(
            _act(factory, first, lead["id"], "take"),
            _act(factory, second, lead["id"], "take"),
        )
        statuses = sorted(a.status_code for a in answers)
        assert statuses == [200, 409], [a.text for a in answers]
        winner = next(a for a in answers if a.status_code == 200).json()["assignee_id"]
        loser = next(a for a in answers if a.status_code == 409)
        assert loser.headers["content-type"].startswith("application/problem+json")
        stored = await _get(factory, admin, f"/intake/leads/{lead['id']}")
        assert stored["assignee_id"] == winner
        deal = await _get(factory, admin, f"/deals/{lead['deal_id']}")
        assert deal["responsible_id"] == winner

    async def test_a_lead_someone_took_is_gone_from_the_others_inbox(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        await create_funnel(factory, admin)
        first, second = await _people(factory, org, "telemarketer", 2)
        lead = await _form_lead(factory, admin)
        assert (await _act(factory, first, lead["id"], "take")).status_code == 200
        assert await _list(factory, second) == []
        assert (await _act(factory, second, lead["id"], "take")).status_code == 404
        got = await factory.client.get(f"{LEADS}/{lead['id']}", headers=second.headers)
        assert got.status_code == 404
        # The administrator sees it and cannot take it from its holder either.
        assert (await _act(factory, admin, lead["id"], "take")).status_code == 409

    async def test_a_stale_etag_is_412(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        await create_funnel(factory, admin)
        (caller,) = await _people(factory, org, "telemarketer", 1)
        lead = await _form_lead(factory, admin)
        stale = f'"v{lead["version"] + 5}"'
        refused = await _act(factory, caller, lead["id"], "take", headers={"If-Match": stale})
        assert refused.status_code == 412
        fresh = f'"v{lead["version"]}"'
        taken = await _act(factory, caller, lead["id"], "take", headers={"If-Match": fresh})
        assert taken.status_code == 200, taken.text


class TestAssignLead:
    async def test_a_head_assigns_within_the_team_a_seller_may_not(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        await create_funnel(factory, admin)
        team = await factory.department(org)
        head_user = await factory.user(org, "head_of_sales", department=team)
        head = await factory.login(head_user)
        member = await factory.login(await factory.user(org, "telemarketer", department=team))
        outsider = await factory.login(await factory.user(org, "telemarketer"))
        lead = await _form_lead(factory, admin)
        by_seller = await _act(
            factory, outsider, lead["id"], "assign", {"assignee_id": str(member.user.id)}
        )
        assert by_seller.status_code == 403
        out_of_team = await _act(
            factory, head, lead["id"], "assign", {"assignee_id": str(outsider.user.id)}
        )
        assert out_of_team.status_code == 422
        assert out_of_team.json()["errors"][0]["loc"][-1] == "assignee_id"
        assigned = await _act(
            factory, head, lead["id"], "assign", {"assignee_id": str(member.user.id)}
        )
        assert assigned.status_code == 200, assigned.text
        assert assigned.json()["assignee_id"] == str(member.user.id)
        assert assigned.json()["assignee_name"] == member.user.full_name
        deal = await _get(factory, admin, f"/deals/{lead['deal_id']}")
        assert deal["responsible_id"] == str(member.user.id)
        assert [i["id"] for i in await _list(factory, member, "?assignee=me")] == [lead["id"]]
        assert [i["id"] for i in await _list(factory, head)] == [lead["id"]]
        assert await _list(factory, outsider) == []
        for session, may in ((head, True), (outsider, False), (admin, True)):
            page = await factory.client.get(LEADS, headers=session.headers)
            assert page.json()["can_assign"] is may


class TestCloseLead:
    async def test_convert_closes_the_lead_and_it_leaves_the_inbox(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        await create_funnel(factory, admin)
        (caller,) = await _people(factory, org, "telemarketer", 1)
        lead = await _form_lead(factory, admin)
        converted = await _act(factory, caller, lead["id"], "convert")
        assert converted.status_code == 200, converted.text
        assert converted.json()["status"] == "closed"
        assert converted.json()["assignee_id"] == str(caller.user.id)
        assert converted.json()["deal_id"] == lead["deal_id"]
        assert converted.json()["respond_by"] is None
        assert await _list(factory, caller) == []
        closed = await _list(factory, caller, "?status=closed")
        assert [i["id"] for i in closed] == [lead["id"]]
        assert (await _act(factory, caller, lead["id"], "convert")).status_code == 409

    async def test_convert_opens_the_deal_a_lead_had_not_got(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        (caller,) = await _people(factory, org, "telemarketer", 1)
        # No funnel yet: the lead comes in as a client without a deal.
        lead = await _form_lead(factory, admin, "name=Без+сделки&phone=+79165550399")
        assert lead["deal_id"] is None
        funnel = await create_funnel(factory, admin)
        converted = await _act(factory, caller, lead["id"], "convert")
        assert converted.status_code == 200, converted.text
        deal = await _get(factory, caller, f"/deals/{converted.json()['deal_id']}")
        assert deal["funnel_id"] == funnel["id"]
        assert deal["client_id"] == lead["client_id"]
        assert deal["responsible_id"] == str(caller.user.id)

    async def test_spam_leaves_the_inbox_once(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        await create_funnel(factory, admin)
        (caller,) = await _people(factory, org, "telemarketer", 1)
        lead = await _form_lead(factory, admin)
        spam = await _act(factory, caller, lead["id"], "spam")
        assert spam.status_code == 200, spam.text
        assert spam.json()["status"] == "spam"
        assert await _list(factory, caller) == []
        assert (await _counts(factory, caller))["open"] == 0
        assert [i["id"] for i in await _list(factory, admin, "?status=spam")] == [lead["id"]]
        assert (await _act(factory, caller, lead["id"], "spam")).status_code == 409
        assert (await _act(factory, caller, lead["id"], "take")).status_code == 409


class TestMissedCalls:
    async def test_a_missed_call_waits_in_the_inbox_until_a_call_with_the_number_answers(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        await create_funnel(factory, admin)
        duty = await factory.user(org, "telemarketer")
        (caller,) = await _people(factory, org, "telemarketer", 1)
        integration = await create_integration(factory, admin, default_user_id=str(duty.id))
        body, signature = zadarma_body(**MISSED)
        missed = await post_event(factory, integration, body, headers=signature)
        assert missed.status_code == 200, missed.text
        await drain(factory.container)
        # Redelivered: still one lead.
        await post_event(factory, integration, body, headers=signature)
        await drain(factory.container)
        (lead,) = await _list(factory, caller, "?kind=telephony")
        assert lead["phone"] == "+79165550190"
        assert lead["channel_id"] == integration["id"]
        assert lead["respond_by"] is not None
        assert await _list(factory, caller, "?kind=form") == []
        taken = await _act(factory, caller, lead["id"], "take")
        assert taken.status_code == 200, taken.text
        callback = {
            "event": "NOTIFY_OUT_END",
            "call_start": "2026-11-30 10:10:00",
            "pbx_call_id": "out_callback_1",
            "internal": "",
            "destination": "89165550190",
            "duration": "65",
            "disposition": "answered",
            "status_code": "16",
            "is_recorded": "0",
        }
        body, signature = zadarma_body(**callback)
        answered = await post_event(factory, integration, body, headers=signature)
        assert answered.status_code == 200, answered.text
        await drain(factory.container)
        assert await _list(factory, caller) == []
        (closed,) = await _list(factory, caller, "?status=closed&kind=telephony")
        assert closed["id"] == lead["id"]
        assert closed["first_response_at"] is not None


class TestLeadInboxAccess:
    async def test_another_organisation_sees_nothing_and_a_lawyer_is_refused(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        await create_funnel(factory, admin)
        lead = await _form_lead(factory, admin)
        other_org, other_admin = await factory.admin_session()
        assert await _list(factory, other_admin) == []
        for action in ("take", "convert", "spam"):
            answer = await _act(factory, other_admin, lead["id"], action)
            assert answer.status_code == 404, (action, answer.text)
        lawyer = await factory.login(await factory.user(org, "lawyer"))
        refused = await factory.client.get(LEADS, headers=lawyer.headers)
        assert refused.status_code == 403
        assert (await _act(factory, lawyer, lead["id"], "take")).status_code == 403
        assert other_org.id != org.id
