"""Telephony: PBX events (Zadarma, Mango Office, the generic API) are stored raw before they are
answered, checked against the integration's signature (401 and kept as rejected when wrong),
folded into calls by the worker; a missed inbound call opens a callback task for the right
person with a deadline and a later answered call with the number closes it; extensions name
the employee, tracking numbers the source. The providers' samples are posted byte for byte."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
import sqlalchemy as sa

from adapters.worker.jobs.intake import sweep_inbox
from tests.api.deals.support import create_client, create_funnel
from tests.api.intake.support import API, URLENCODED, drain, inbox, item, sample
from tests.factories import Factory, Org, Session

ZADARMA_SECRET = "TEST_SECRET"
MANGO_KEY = "TESTKEY"
MANGO_SALT = "TESTSALT"
START_SIGNATURE = "ZmVlZjU4MDNkYzQyNDFiMjEwYmRiZmYzZjU5MTFhNjEwYWQyYTBjNg=="
END_SIGNATURE = "MGNmN2IwNzkyZTNhODhiZTA2ZGYwZDA0ZWNjYzYxMDhhMDQ5ZWRmYw=="


def zadarma_sign(fields: dict[str, str], secret: str = ZADARMA_SECRET) -> str:
    """As Zadarma documents it: base64 of the hex HMAC-SHA1 of the event's fields."""
    names = {
        "NOTIFY_OUT_START": ("internal", "destination", "call_start"),
        "NOTIFY_OUT_END": ("internal", "destination", "call_start"),
        "NOTIFY_ANSWER": ("caller_id", "destination", "call_start"),
        "NOTIFY_RECORD": ("pbx_call_id", "call_id_with_rec"),
    }.get(fields["event"], ("caller_id", "called_did", "call_start"))
    text = "".join(fields.get(n, "") for n in names)
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha1).hexdigest()
    return base64.b64encode(digest.encode()).decode()


def zadarma_body(**fields: str) -> tuple[str, dict[str, str]]:
    """A Zadarma event built from fields, and its Signature header."""
    return urlencode(fields), {"Signature": zadarma_sign(fields)}


def mango_body(document: dict[str, Any] | str, key: str = MANGO_KEY, salt: str = MANGO_SALT) -> str:
    text = document if isinstance(document, str) else json.dumps(document)
    sign = hashlib.sha256(f"{key}{text}{salt}".encode()).hexdigest()
    return urlencode({"vpbx_api_key": key, "sign": sign, "json": text})


async def create_integration(factory: Factory, admin: Session, **fields: Any) -> dict[str, Any]:
    body = {"name": "АТС", "provider": "zadarma", "secret": ZADARMA_SECRET, **fields}
    created = await factory.client.post(
        f"{API}/intake/telephony-settings", json=body, headers=admin.headers
    )
    assert created.status_code == 201, created.text
    return dict(created.json())


async def post_event(
    factory: Factory,
    integration: dict[str, Any],
    body: bytes | str,
    *,
    headers: dict[str, str] | None = None,
    path: str = "",
    content_type: str = URLENCODED,
) -> Any:
    url = f"{integration['event_path']}{'/' + path if path else ''}"
    raw = body.encode() if isinstance(body, str) else body
    return await factory.client.post(
        url, content=raw, headers={"content-type": content_type, **(headers or {})}
    )


async def calls(factory: Factory, admin: Session, query: str = "") -> list[dict[str, Any]]:
    listed = await factory.client.get(f"{API}/intake/calls{query}", headers=admin.headers)
    assert listed.status_code == 200, listed.text
    return list(listed.json()["items"])


async def tasks_of(factory: Factory, org: Org) -> list[dict[str, Any]]:
    async with factory.container.engine.connect() as conn:
        rows = await conn.execute(
            sa.text(
                "SELECT id, title, assignee_id, due_at, done_at, client_id, origin FROM tasks "
                "WHERE organisation_id = :o ORDER BY created_at"
            ),
            {"o": org.id},
        )
        return [dict(r._mapping) for r in rows]


async def outbox(factory: Factory, org: Org, name: str) -> list[dict[str, Any]]:
    async with factory.container.engine.connect() as conn:
        rows = await conn.execute(
            sa.text(
                "SELECT payload FROM outbox_events WHERE organisation_id = :o AND name = :n "
                "ORDER BY occurred_at"
            ),
            {"o": org.id, "n": name},
        )
        return [r.payload for r in rows]


MISSED = {
    "event": "NOTIFY_END",
    "call_start": "2026-11-30 10:00:00",
    "pbx_call_id": "in_missed_1",
    "caller_id": "79165550190",
    "called_did": "74994509495",
    "internal": "",
    "duration": "0",
    "disposition": "no answer",
    "status_code": "19",
    "is_recorded": "0",
}


class TestZadarma:
    async def test_the_echo_check_answers_the_value_itself(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        echoed = await factory.client.get(f"{integration['event_path']}?zd_echo=Zx81_pQ")
        assert echoed.status_code == 200
        assert echoed.text == "Zx81_pQ"
        assert echoed.headers["content-type"].startswith("text/plain")
        mango_path = integration["event_path"].replace("/zadarma/", "/mango/")
        assert (await factory.client.get(f"{mango_path}?zd_echo=x")).status_code == 404
        unknown = "/api/v1/intake/telephony/zadarma/00000000-0000-4000-8000-000000000000"
        assert (await factory.client.get(f"{unknown}?zd_echo=x")).status_code == 404

    async def test_the_signed_samples_are_stored_and_folded_into_one_call(
        self, factory: Factory
    ) -> None:
        _org, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        started = await post_event(
            factory,
            integration,
            sample("zadarma/notify_start.urlencoded.txt"),
            headers={"Signature": START_SIGNATURE},
        )
        assert started.status_code == 200, started.text
        await drain(factory.container)
        stored = await item(factory, admin, started.json()["id"])
        assert stored["state"] == "processed", stored
        assert stored["source"] == "telephony"
        assert stored["provider"] == "zadarma"
        assert stored["body_text"] == sample("zadarma/notify_start.urlencoded.txt").decode()
        (call,) = await calls(factory, admin)
        assert call["provider_call_id"] == "in_c4444ce1c12eb116b"
        assert call["direction"] == "inbound"
        assert call["result"] == "in_progress"
        assert call["client_number"] == "+79313601777"
        assert call["company_number"] == "+79587628385"
        # call_start is the account's local time (the organisation's zone, Moscow).
        assert call["started_at"].startswith("2020-02-01T08:40:59")

    async def test_a_wrong_or_missing_signature_is_401_and_kept_as_rejected(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin, secret="another-secret")
        body = sample("zadarma/notify_start.urlencoded.txt")
        forged = await post_event(
            factory, integration, body, headers={"Signature": START_SIGNATURE}
        )
        assert forged.status_code == 401
        assert forged.headers["content-type"] == "application/problem+json"
        assert "Signature" in forged.json()["detail"]
        unsigned = await post_event(factory, integration, body)
        assert unsigned.status_code == 401
        await drain(factory.container)
        rejected = await inbox(factory, admin, "?state=rejected")
        assert len(rejected) == 2
        assert all(r["last_error"].startswith("Refused") for r in rejected)
        assert await calls(factory, admin) == []

    async def test_a_redelivery_is_answered_again_and_stored_once(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        body = sample("zadarma/notify_end.urlencoded.txt")
        answers = [
            await post_event(factory, integration, body, headers={"Signature": END_SIGNATURE})
            for _ in range(3)
        ]
        assert [a.status_code for a in answers] == [200, 200, 200]
        assert len({a.json()["id"] for a in answers}) == 1
        assert [a.json()["duplicate"] for a in answers] == [False, True, True]
        await drain(factory.container)
        assert len(await inbox(factory, admin, "?source=telephony")) == 1
        assert len(await calls(factory, admin)) == 1

    async def test_an_answered_call_names_the_employee_by_extension_and_the_tracking_source(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        seller = await factory.user(org, "seller")
        await create_funnel(factory, admin)
        integration = await create_integration(
            factory,
            admin,
            numbers=["+380676597909"],
            extensions={"100": str(seller.id)},
            tracking=[{"number": "380676597909", "source": "google", "campaign": "brand"}],
        )
        ended = await post_event(
            factory,
            integration,
            sample("zadarma/notify_end.urlencoded.txt"),
            headers={"Signature": END_SIGNATURE},
        )
        assert ended.status_code == 200, ended.text
        await drain(factory.container)
        (call,) = await calls(factory, admin)
        assert call["result"] == "answered"
        assert call["extension"] == "100"
        assert call["employee_id"] == str(seller.id)
        assert call["client_number"] == "+380931775529"
        assert call["company_number"] == "+380676597909"
        assert (call["source"], call["campaign"]) == ("google", "brand")
        assert call["duration_seconds"] == 14
        deal_timeline = await factory.client.get(
            f"{API}/deals/{call['deal_id']}/timeline", headers=admin.headers
        )
        shown = [i for i in deal_timeline.json()["items"] if i["kind"] == "call"]
        assert [i["actor_name"] for i in shown] == [seller.full_name]
        assert shown[0]["data"]["recording_id"] == "1647439288.1115107"
        assert shown[0]["data"]["duration_seconds"] == 14
        assert call["recording_id"] == "1647439288.1115107"
        # A new caller became a client with a contact and a deal, from the tracking source.
        client = (
            await factory.client.get(f"{API}/clients/{call['client_id']}", headers=admin.headers)
        ).json()
        assert client["source"]["channel"] == "google"
        assert [p["e164"] for p in client["contacts"][0]["phones"]] == ["+380931775529"]
        assert call["deal_id"] is not None
        (answered,) = await outbox(factory, org, "call.answered")
        assert answered["call_id"] == call["id"]
        assert answered["employee_id"] == str(seller.id)
        assert await tasks_of(factory, org) == []

    async def test_a_missed_call_becomes_a_callback_task_that_a_later_answered_call_closes(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        seller = await factory.user(org, "seller")
        duty = await factory.user(org, "seller")
        await create_funnel(factory, admin)
        integration = await create_integration(
            factory,
            admin,
            default_user_id=str(duty.id),
            callback_minutes=20,
            extensions={"101": str(seller.id)},
        )
        body, signature = zadarma_body(**MISSED)
        before = datetime.now(UTC)
        missed = await post_event(factory, integration, body, headers=signature)
        assert missed.status_code == 200, missed.text
        await drain(factory.container)
        assert (await item(factory, admin, missed.json()["id"]))["state"] == "processed"
        (call,) = await calls(factory, admin, "?result=missed")
        (task,) = await tasks_of(factory, org)
        assert call["callback_task_id"] == str(task["id"])
        assert task["assignee_id"] == duty.id
        assert task["origin"] == "missed_call"
        assert "+79165550190" in task["title"]
        assert task["done_at"] is None
        assert task["client_id"] is not None
        assert str(task["client_id"]) == call["client_id"]
        due = task["due_at"]
        assert before + timedelta(minutes=20) <= due <= datetime.now(UTC) + timedelta(minutes=20)
        timeline = await factory.client.get(
            f"{API}/clients/{call['client_id']}/timeline?kinds=call", headers=admin.headers
        )
        assert timeline.status_code == 200, timeline.text
        (shown,) = timeline.json()["items"]
        assert (shown["kind"], shown["id"]) == ("call", call["id"])
        assert shown["data"]["direction"] == "inbound"
        assert shown["data"]["result"] == "missed"
        assert shown["data"]["client_number"] == "+79165550190"
        (event,) = await outbox(factory, org, "call.missed")
        assert event["task_id"] == str(task["id"])
        assert event["assignee_id"] == str(duty.id)
        assert event["client_number"] == "+79165550190"
        # A second missed call from the number joins the open task.
        again = {**MISSED, "pbx_call_id": "in_missed_2", "call_start": "2026-11-30 10:05:00"}
        body, signature = zadarma_body(**again)
        await post_event(factory, integration, body, headers=signature)
        await drain(factory.container)
        assert len(await tasks_of(factory, org)) == 1
        # The seller calls back from extension 101 and the client answers.
        callback = {
            "event": "NOTIFY_OUT_END",
            "call_start": "2026-11-30 10:10:00",
            "pbx_call_id": "out_callback_1",
            "internal": "101",
            "destination": "89165550190",
            "duration": "65",
            "disposition": "answered",
            "status_code": "16",
            "is_recorded": "0",
        }
        body, signature = zadarma_body(**callback)
        answered = await post_event(factory, integration, body, headers=signature)
        assert answered.status_code == 200
        await drain(factory.container)
        (task,) = await tasks_of(factory, org)
        assert task["done_at"] is not None
        outbound = (await calls(factory, admin, "?result=answered"))[0]
        assert outbound["direction"] == "outbound"
        assert outbound["employee_id"] == str(seller.id)
        assert outbound["client_id"] == call["client_id"]
        (closing,) = await outbox(factory, org, "call.answered")
        assert closing["closed_task_ids"] == [str(task["id"])]

    async def test_a_known_clients_missed_call_goes_to_their_responsible(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        owner_user = await factory.user(org, "seller")
        owner = await factory.login(owner_user)
        duty = await factory.user(org, "seller")
        known = await create_client(
            factory,
            owner,
            name="ООО Ромашка",
            contacts=[{"full_name": "Пётр", "phones": ["+7 916 555-01-91"]}],
        )
        integration = await create_integration(factory, admin, default_user_id=str(duty.id))
        body, signature = zadarma_body(**{**MISSED, "caller_id": "+79165550191"})
        await post_event(factory, integration, body, headers=signature)
        await drain(factory.container)
        (task,) = await tasks_of(factory, org)
        assert task["assignee_id"] == owner_user.id
        assert str(task["client_id"]) == known["id"]

    async def test_while_the_responsible_is_away_their_substitute_calls_back(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        owner_user = await factory.user(org, "seller")
        substitute = await factory.user(org, "seller")
        owner = await factory.login(owner_user)
        await create_client(
            factory,
            owner,
            name="ИП Лето",
            contacts=[{"full_name": "Ян", "phones": ["+79165550194"]}],
        )
        today = datetime.now(UTC).date()
        away = await factory.client.post(
            f"{API}/absences",
            json={
                "user_id": str(owner_user.id),
                "kind": "vacation",
                "starts_on": (today - timedelta(days=1)).isoformat(),
                "ends_on": (today + timedelta(days=1)).isoformat(),
                "substitute_id": str(substitute.id),
            },
            headers=admin.headers,
        )
        assert away.status_code == 201, away.text
        integration = await create_integration(factory, admin)
        body, signature = zadarma_body(**{**MISSED, "caller_id": "79165550194"})
        await post_event(factory, integration, body, headers=signature)
        await drain(factory.container)
        (task,) = await tasks_of(factory, org)
        assert task["assignee_id"] == substitute.id

    async def test_unknown_event_types_and_extra_fields_are_stored_and_shown(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        odd = await post_event(
            factory,
            integration,
            "event=NOTIFY_SMS&caller_id=79165550192&text=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82",
        )
        assert odd.status_code == 200, odd.text
        extra = {**MISSED, "pbx_call_id": "in_extra", "new_field": "x" * 50, "disposition": "busy"}
        body, signature = zadarma_body(**extra)
        assert (await post_event(factory, integration, body, headers=signature)).status_code == 200
        await drain(factory.container)
        shown = await item(factory, admin, odd.json()["id"])
        assert shown["state"] == "ignored"
        assert "NOTIFY_SMS" in shown["last_error"]
        assert "text=%D0%9F%D1%80" in shown["body_text"]
        (call,) = await calls(factory, admin)
        assert call["result"] == "busy"

    async def test_an_event_while_the_queue_is_down_is_processed_by_the_sweep(
        self, factory: Factory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)

        async def unreachable(*args: Any, **kwargs: Any) -> None:
            raise ConnectionError("Redis is down")

        container = factory.container
        monkeypatch.setattr(container.arq, "enqueue_job", unreachable)
        body, signature = zadarma_body(**MISSED)
        posted = await post_event(factory, integration, body, headers=signature)
        assert posted.status_code == 200
        await container.inbox_queue.flush()
        monkeypatch.undo()
        assert (await item(factory, admin, posted.json()["id"]))["state"] == "pending"
        async with container.engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "UPDATE intake_inbox SET next_attempt_at = now() - interval '1 minute' "
                    "WHERE id = :id"
                ),
                {"id": posted.json()["id"]},
            )
        assert await sweep_inbox({"container": container}) >= 1
        assert (await item(factory, admin, posted.json()["id"]))["state"] == "processed"
        assert len(await calls(factory, admin, "?result=missed")) == 1


class TestMango:
    async def _integration(self, factory: Factory, admin: Session, **fields: Any) -> dict[str, Any]:
        return await create_integration(
            factory, admin, provider="mango", api_key=MANGO_KEY, secret=MANGO_SALT, **fields
        )

    async def test_the_signed_call_sample_is_stored_and_read(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        integration = await self._integration(factory, admin)
        posted = await post_event(
            factory,
            integration,
            sample("mango/events_call.form.urlencoded.txt"),
            path="events/call",
        )
        assert posted.status_code == 200, posted.text
        await drain(factory.container)
        stored = await item(factory, admin, posted.json()["id"])
        assert stored["state"] == "processed", stored
        (call,) = await calls(factory, admin)
        assert call["provider_call_id"] == "MzQ1Mzc1MzUxMzoxNjE="
        assert call["client_number"] == "+79997356761"
        assert call["company_number"] == "+74994509495"
        assert call["result"] == "in_progress"

    async def test_a_wrong_sign_or_key_is_401(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        integration = await self._integration(factory, admin)
        document = sample("mango/events_call_appeared_ivr.json").decode()
        bad_salt = await post_event(
            factory, integration, mango_body(document, salt="other"), path="events/call"
        )
        assert bad_salt.status_code == 401
        fields = dict(parse_qsl(sample("mango/events_call.form.urlencoded.txt").decode()))
        fields["vpbx_api_key"] = "OTHERKEY"
        bad_key = await post_event(factory, integration, urlencode(fields), path="events/call")
        assert bad_key.status_code == 401
        assert len(await inbox(factory, admin, "?state=rejected")) == 2

    async def test_the_summary_ends_the_call_with_the_extensions_employee(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        seller = await factory.user(org, "seller")
        integration = await self._integration(
            factory,
            admin,
            extensions={"222": str(seller.id)},
            tracking=[
                {"number": "sip:roistat-0758@vpbx400076322.mangosip.ru", "source": "roistat"}
            ],
        )
        document = sample("mango/events_summary_answered.json").decode()
        posted = await post_event(factory, integration, mango_body(document), path="events/summary")
        assert posted.status_code == 200, posted.text
        again = await post_event(factory, integration, mango_body(document), path="events/summary")
        assert again.json() == {"id": posted.json()["id"], "duplicate": True}
        await drain(factory.container)
        (call,) = await calls(factory, admin)
        assert call["result"] == "answered"
        assert call["direction"] == "inbound"
        assert call["employee_id"] == str(seller.id)
        assert call["client_number"] == "+79607164646"
        assert call["source"] == "roistat"
        assert call["talk_seconds"] == 1670060661 - 1670060542
        assert call["duration_seconds"] == 1670060661 - 1670060527

    async def test_a_missed_summary_opens_a_callback_and_other_events_are_kept(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        duty = await factory.user(org, "seller")
        integration = await self._integration(factory, admin, default_user_id=str(duty.id))
        summary = json.loads(sample("mango/events_summary_answered.json"))
        summary.update(entry_id="bWlzc2Vk", entry_result=0, talk_time=0)
        await post_event(factory, integration, mango_body(summary), path="events/summary")
        dtmf = await post_event(
            factory, integration, mango_body({"entry_id": "x", "dtmf": "1"}), path="events/dtmf"
        )
        assert dtmf.status_code == 200
        await drain(factory.container)
        (task,) = await tasks_of(factory, org)
        assert task["assignee_id"] == duty.id
        kept = await item(factory, admin, dtmf.json()["id"])
        assert kept["state"] == "ignored"
        assert kept["headers"][":path"] == "events/dtmf"


class TestGeneric:
    async def test_a_signed_json_event_is_taken(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        created = await create_integration(factory, admin, provider="generic", secret=None)
        secret = created["secret"]
        document = {
            "call_id": "c-1",
            "event": "end",
            "direction": "inbound",
            "client_number": "+7 916 555-01-93",
            "company_number": "+74994509495",
            "started_at": "2026-11-30T10:00:00+03:00",
            "ended_at": "2026-11-30T10:01:00+03:00",
            "result": "answered",
            "recording_url": "https://pbx.example/rec/1.mp3",
        }
        raw = json.dumps(document).encode()
        signature = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
        posted = await post_event(
            factory,
            created,
            raw,
            headers={"X-Signature": signature},
            content_type="application/json",
        )
        assert posted.status_code == 200, posted.text
        wrong = await post_event(
            factory,
            created,
            raw,
            headers={"X-Signature": "sha256=00"},
            content_type="application/json",
        )
        assert wrong.status_code == 401
        await drain(factory.container)
        (call,) = await calls(factory, admin)
        assert call["client_number"] == "+79165550193"
        assert call["recording_url"] == "https://pbx.example/rec/1.mp3"
        assert call["duration_seconds"] == 60


class TestSettings:
    async def test_the_secret_is_shown_once_and_only_its_end_after(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        created = await create_integration(factory, admin, secret="zadarma-secret-1234")
        assert created["secret"] == "zadarma-secret-1234"
        assert created["event_path"] == f"/api/v1/intake/telephony/zadarma/{created['id']}"
        got = await factory.client.get(
            f"{API}/intake/telephony-settings/{created['id']}", headers=admin.headers
        )
        assert got.status_code == 200
        assert "secret" not in got.json()
        assert got.json()["secret_hint"] == "…1234"
        listed = await factory.client.get(f"{API}/intake/telephony-settings", headers=admin.headers)
        assert "zadarma-secret-1234" not in listed.text

    async def test_settings_are_changed_with_their_rules(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        seller = await factory.user(org, "seller")
        created = await create_integration(factory, admin)
        path = f"{API}/intake/telephony-settings/{created['id']}"
        changed = await factory.client.patch(
            path,
            json={
                "numbers": ["8 (499) 450-94-95"],
                "extensions": {"100": str(seller.id)},
                "tracking": [{"number": "+7 499 450 94 95", "source": "yandex"}],
                "callback_minutes": 30,
            },
            headers=admin.headers,
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["numbers"] == ["+74994509495"]
        assert changed.json()["tracking"][0]["number"] == "+74994509495"
        other_org, other_admin = await factory.admin_session()
        stranger = await factory.user(other_org, "seller")
        refused = await factory.client.patch(
            path, json={"extensions": {"101": str(stranger.id)}}, headers=admin.headers
        )
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["loc"][-1] == "101"
        bad = await factory.client.patch(
            path, json={"numbers": ["not a phone"]}, headers=admin.headers
        )
        assert bad.status_code == 422
        bad_ext = await factory.client.patch(
            path, json={"extensions": {"1 0": str(seller.id)}}, headers=admin.headers
        )
        assert bad_ext.status_code == 422
        assert (await factory.client.get(path, headers=other_admin.headers)).status_code == 404
        seller_session = await factory.login(seller)
        assert (await factory.client.get(path, headers=seller_session.headers)).status_code == 403
        mango = await factory.client.post(
            f"{API}/intake/telephony-settings",
            json={"name": "Mango", "provider": "mango", "secret": "salt"},
            headers=admin.headers,
        )
        assert mango.status_code == 422
        deleted = await factory.client.delete(path, headers=admin.headers)
        assert deleted.status_code == 204
        assert (await factory.client.get(path, headers=admin.headers)).status_code == 404

    async def test_call_events_are_among_the_webhook_event_types(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        listed = await factory.client.get(f"{API}/webhooks/event-types", headers=admin.headers)
        assert {"call.missed", "call.answered"} <= set(listed.json())


class TestHostileInput:
    async def test_garbage_is_answered_without_a_5xx_and_kept(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        zadarma = await create_integration(factory, admin)
        mango = await create_integration(
            factory, admin, provider="mango", api_key=MANGO_KEY, secret=MANGO_SALT
        )
        generic = await create_integration(factory, admin, provider="generic", secret=None)
        bodies = [b"", b"\xff\xfe\x00\x01", b"event=" + b"%" * 3000, b'{"call_id": [1, {}]}']
        answers = []
        ids = set()
        for integration in (zadarma, mango, generic):
            for body in bodies:
                for path in ("", "events/call", "events/x/y"):
                    posted = await post_event(factory, integration, body, path=path)
                    answers.append(posted.status_code)
                    if posted.status_code == 200:
                        ids.add(posted.json()["id"])
        assert set(answers) <= {200, 401}
        assert 401 in answers
        base = zadarma["event_path"]
        assert (await factory.client.get(f"{base}?zd_echo={'x' * 500}")).status_code == 422
        assert (await factory.client.get(f"{base}?zd_echo=a%00b")).status_code == 422
        assert (await factory.client.post(f"{base}/{'a' * 300}", content=b"x")).status_code == 422
        assert (await factory.client.post(f"{base}/..%2F..%2Fetc", content=b"x")).status_code in {
            404,
            422,
        }
        wrong_provider = base.replace("/zadarma/", "/asterisk/")
        assert (await factory.client.post(wrong_provider, content=b"x")).status_code == 422
        await drain(factory.container)
        stored = await inbox(factory, admin, "?source=telephony&limit=200")
        # Every refused one is kept; an accepted one once (Zadarma's repeats are one event).
        assert len(stored) == answers.count(401) + len(ids)
        assert {s["state"] for s in stored} <= {"rejected", "ignored"}
        assert await calls(factory, admin) == []
