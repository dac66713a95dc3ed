"""Click-to-call (issue 14, item 2): a number in the CRM starts a call through the
organisation's PBX (Zadarma's and Mango Office's callback APIs, signed as they require): the
PBX rings the employee's extension, then the client. A refusal or an unreachable PBX is a 502
naming why, and the attempt is kept; the outbound call the PBX then reports lands on the deal
it was started from. No internet: the PBX's API is answered in process."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
import sqlalchemy as sa

from adapters.telephony.http import HttpxPbxCommands, zadarma_api_signature
from domain.intake.providers import mango_sign
from tests.api.deals.support import create_client, create_deal, create_funnel
from tests.api.intake.support import API, drain
from tests.api.intake.test_telephony import (
    MANGO_KEY,
    MANGO_SALT,
    create_integration,
    post_event,
    zadarma_body,
)
from tests.factories import Factory, Org, Session, User

CLICK = f"{API}/intake/click-to-call"
ZADARMA_KEY = "zadarma-user-key"


class Pbx:
    """The providers' APIs: each request kept, each answered by ``answer``."""

    def __init__(self, answer: Callable[[httpx.Request], httpx.Response]) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answer(request)


@pytest.fixture
def pbx(factory: Factory) -> Iterator[Pbx]:
    stub = Pbx(lambda _: httpx.Response(200, json={"status": "success"}))
    kept = factory.container.pbx_commands
    factory.container.pbx_commands = HttpxPbxCommands(
        zadarma_url="https://zadarma.test",
        mango_url="https://mango.test/vpbx",
        client=httpx.AsyncClient(transport=httpx.MockTransport(stub)),
    )
    yield stub
    factory.container.pbx_commands = kept


async def _setup(factory: Factory, **integration: Any) -> tuple[Org, Session, User, Session]:
    org, admin = await factory.admin_session()
    seller = await factory.user(org, "seller", full_name="Алексей Звонов")
    await create_integration(
        factory,
        admin,
        api_key=ZADARMA_KEY,
        extensions={"101": str(seller.id)},
        **integration,
    )
    return org, admin, seller, await factory.login(seller)


async def _click(
    factory: Factory, session: Session, body: dict[str, Any], status: int = 201
) -> dict[str, Any]:
    got = await factory.client.post(CLICK, json=body, headers=session.headers)
    assert got.status_code == status, got.text
    if status >= 400:
        assert got.headers["content-type"].startswith("application/problem+json")
    return dict(got.json())


class TestZadarma:
    async def test_the_pbx_rings_the_extension_then_the_client_and_the_call_lands_on_the_deal(
        self, factory: Factory, pbx: Pbx
    ) -> None:
        _, admin, seller, session = await _setup(factory)
        await create_funnel(factory, admin)
        client = await create_client(
            factory,
            session,
            contacts=[{"full_name": "Ольга Петрова", "phones": ["+7 916 555-01-90"]}],
        )
        older = await create_deal(factory, session, client_id=client["id"], title="Старая")
        deal = await create_deal(factory, session, client_id=client["id"], title="Эта сделка")
        assert older["id"] != deal["id"]

        started = await _click(
            factory,
            session,
            {"number": "8 (916) 555-01-90", "client_id": client["id"], "deal_id": deal["id"]},
        )
        assert started["status"] == "accepted"
        assert started["number"] == "+79165550190"
        assert started["extension"] == "101"
        (request,) = pbx.requests
        assert request.url.path == "/v1/request/callback/"
        params = dict(parse_qsl(request.url.query.decode()))
        assert params == {"from": "101", "to": "79165550190"}
        key, signature = request.headers["Authorization"].split(":", 1)
        assert key == ZADARMA_KEY
        assert signature == zadarma_api_signature("/v1/request/callback/", params, "TEST_SECRET")

        # Zadarma reports the outbound call from the extension to the number.
        integration = (
            await factory.client.get(f"{API}/intake/telephony-settings", headers=admin.headers)
        ).json()["items"][0]
        for event in ("NOTIFY_OUT_START", "NOTIFY_OUT_END"):
            body, signed = zadarma_body(
                event=event,
                call_start="2026-12-03 10:00:00",
                pbx_call_id="out_click_1",
                internal="101",
                destination="79165550190",
                duration="42",
                disposition="answered",
                status_code="16",
                is_recorded="0",
            )
            posted = await post_event(factory, integration, body, headers=signed)
            assert posted.status_code == 200, posted.text
        await drain(factory.container)

        calls = (await factory.client.get(f"{API}/intake/calls", headers=admin.headers)).json()[
            "items"
        ]
        (call,) = calls
        assert call["deal_id"] == deal["id"]
        assert call["client_id"] == client["id"]
        assert call["employee_id"] == str(seller.id)
        mine = (await factory.client.get(CLICK, headers=session.headers)).json()["items"]
        assert [(o["id"], o["call_id"]) for o in mine] == [(started["id"], call["id"])]

    async def test_a_refusal_is_a_502_with_the_pbxs_reason_and_the_attempt_is_kept(
        self, factory: Factory, pbx: Pbx
    ) -> None:
        _, _, _, session = await _setup(factory)
        pbx.answer = lambda _: httpx.Response(
            200, json={"status": "error", "message": "Wrong parameter 'from'"}
        )
        refused = await _click(factory, session, {"number": "+79165550190"}, status=502)
        assert refused["type"].endswith("/pbx-refused")
        assert "Wrong parameter 'from'" in refused["detail"]
        assert "zadarma" in refused["detail"]

        def unreachable(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectTimeout("timed out", request=request)

        pbx.answer = unreachable
        down = await _click(factory, session, {"number": "+79165550191"}, status=502)
        assert "could not be reached" in down["detail"]
        kept = (await factory.client.get(CLICK, headers=session.headers)).json()["items"]
        assert [(o["status"], o["number"]) for o in kept] == [
            ("failed", "+79165550191"),
            ("failed", "+79165550190"),
        ]
        assert all(o["error"] for o in kept)

    async def test_without_an_extension_or_a_callback_pbx_nothing_is_asked(
        self, factory: Factory, pbx: Pbx
    ) -> None:
        org, _, _, seller = await _setup(factory)
        stranger = await factory.login(await factory.user(org, "seller"))
        line = (await factory.client.get(f"{CLICK}/line", headers=seller.headers)).json()
        assert line == {"available": True, "provider": "zadarma", "extension": "101"}
        none = (await factory.client.get(f"{CLICK}/line", headers=stranger.headers)).json()
        assert none == {"available": False, "provider": None, "extension": None}
        no_extension = await _click(factory, stranger, {"number": "+79165550190"}, status=409)
        assert no_extension["type"].endswith("/no-pbx-line")
        assert "no extension" in no_extension["detail"]

        other_org, other_admin = await factory.admin_session()
        await create_integration(factory, other_admin, provider="generic", secret="s" * 32)
        generic_only = await _click(factory, other_admin, {"number": "+79165550190"}, status=409)
        assert "callback API" in generic_only["detail"]
        assert pbx.requests == []
        assert other_org.id != org.id

    async def test_bad_numbers_unseen_records_and_a_burst_are_refused(
        self, factory: Factory, pbx: Pbx
    ) -> None:
        org, admin, _, session = await _setup(factory)
        for number in ("12", "not a phone", "+7 916 555 01 90 00 11"):
            bad = await _click(factory, session, {"number": number}, status=422)
            assert "number" in json.dumps(bad)
        # Another seller's deal and another organisation's client are not found.
        await create_funnel(factory, admin)
        colleague = await factory.login(await factory.user(org, "seller"))
        theirs = await create_deal(factory, colleague)
        await _click(
            factory, session, {"number": "+79165550190", "deal_id": theirs["id"]}, status=404
        )
        _, foreign_admin = await factory.admin_session()
        foreign = await create_client(factory, foreign_admin)
        await _click(
            factory, session, {"number": "+79165550190", "client_id": foreign["id"]}, status=404
        )
        assert pbx.requests == []
        for n in range(6):
            await _click(factory, session, {"number": f"+7916555020{n}"})
        burst = await factory.client.post(
            CLICK, json={"number": "+79165550299"}, headers=session.headers
        )
        assert burst.status_code == 429
        assert len(pbx.requests) == 6


class TestMango:
    async def test_mango_takes_a_signed_callback_command(self, factory: Factory, pbx: Pbx) -> None:
        org, admin = await factory.admin_session()
        seller = await factory.user(org, "seller")
        await create_integration(
            factory,
            admin,
            provider="mango",
            api_key=MANGO_KEY,
            secret=MANGO_SALT,
            extensions={"55": str(seller.id)},
        )
        pbx.answer = lambda _: httpx.Response(200, json={"result": 1000})
        session = await factory.login(seller)
        started = await _click(factory, session, {"number": "+380 50 123 4567"})
        assert started["status"] == "accepted"
        (request,) = pbx.requests
        assert request.url.path == "/vpbx/commands/callback"
        form = dict(parse_qsl(request.content.decode()))
        assert form["vpbx_api_key"] == MANGO_KEY
        assert form["sign"] == mango_sign(MANGO_KEY, form["json"], MANGO_SALT)
        command = json.loads(form["json"])
        assert command["from"] == {"extension": "55"}
        assert command["to_number"] == "380501234567"
        assert command["command_id"] == f"crm-{started['id'].replace('-', '')}"

        pbx.answer = lambda _: httpx.Response(200, json={"result": 3102})
        refused = await _click(factory, session, {"number": "+380501234568"}, status=502)
        assert "result 3102" in refused["detail"]
        async with factory.container.engine.connect() as conn:
            statuses = (
                await conn.scalars(
                    sa.text(
                        "SELECT status FROM call_originations WHERE organisation_id = :o "
                        "ORDER BY requested_at"
                    ),
                    {"o": org.id},
                )
            ).all()
        assert statuses == ["accepted", "failed"]
