"""Call recordings: when a PBX says a call's recording is ready, the worker fetches the audio
into file storage (through Zadarma's or Mango Office's API when the integration has their
credentials, else the event's direct link), retries what may pass (5xx) with a growing delay,
gives up with the reason on what will not (404, too big, a private address), and serves the
stored audio to whoever may see the call. No internet: the PBX's API and the file server are
an httpx mock transport, and host names resolve to a public address through a fake resolver."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import httpx

from adapters.telephony.http import HttpxAudioDownloads, HttpxRecordingLinks
from domain.intake.recordings import RecordingFetcher
from domain.shared.clock import FixedClock
from tests.api.deals.support import create_funnel
from tests.api.intake.support import API, drain, sample
from tests.api.intake.test_telephony import (
    END_SIGNATURE,
    MANGO_KEY,
    MANGO_SALT,
    ZADARMA_SECRET,
    calls,
    create_integration,
    mango_body,
    post_event,
    zadarma_body,
)
from tests.factories import Factory, Session

PUBLIC_ADDRESS = "93.184.216.34"
AUDIO = b"ID3\x04\x00" + bytes(range(256)) * 40
ZADARMA_API = "https://api.zadarma.test"
MANGO_API = "https://mango.test/vpbx"


class PublicResolver:
    """Every host name is one public address (no DNS in tests)."""

    async def resolve(self, host: str) -> Sequence[str]:
        return [PUBLIC_ADDRESS]


Handler = Callable[[httpx.Request], httpx.Response]


class Server:
    """The PBX's API and its file server: answers by the Host header and path, and keeps
    what was asked."""

    def __init__(self, routes: dict[str, Handler | list[httpx.Response]]) -> None:
        self.routes = routes
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = f"{request.headers['host']}{request.url.path}"
        route = self.routes.get(key)
        if route is None:
            return httpx.Response(404)
        if isinstance(route, list):
            return route.pop(0) if len(route) > 1 else route[0]
        return route(request)

    def fetcher(
        self, factory: Factory, clock: FixedClock, *, max_bytes: int | None = None
    ) -> RecordingFetcher:
        client = httpx.AsyncClient(transport=httpx.MockTransport(self), follow_redirects=False)
        return factory.container.recording_fetcher(
            clock,
            links=HttpxRecordingLinks(zadarma_url=ZADARMA_API, mango_url=MANGO_API, client=client),
            downloads=HttpxAudioDownloads(client),
            resolver=PublicResolver(),
            max_bytes=max_bytes,
        )


def audio(body: bytes = AUDIO, **headers: str) -> httpx.Response:
    return httpx.Response(200, content=body, headers={"content-type": "audio/mpeg", **headers})


def soon() -> FixedClock:
    return FixedClock(datetime.now(UTC) + timedelta(seconds=1))


async def generic_call(factory: Factory, admin: Session, url: str, **fields: Any) -> dict[str, Any]:
    """A generic integration's ended call whose event links its recording; the call as read."""
    created = await create_integration(factory, admin, provider="generic", secret=None, **fields)
    document = {
        "call_id": "rec-1",
        "event": "end",
        "direction": "inbound",
        "client_number": "+7 916 555-01-70",
        "started_at": "2026-11-30T10:00:00+03:00",
        "answered_at": "2026-11-30T10:00:05+03:00",
        "ended_at": "2026-11-30T10:01:00+03:00",
        "result": "answered",
        "recording_url": url,
    }
    raw = json.dumps(document).encode()
    signature = "sha256=" + hmac.new(created["secret"].encode(), raw, hashlib.sha256).hexdigest()
    posted = await post_event(
        factory, created, raw, headers={"X-Signature": signature}, content_type="application/json"
    )
    assert posted.status_code == 200, posted.text
    await drain(factory.container)
    (call,) = await calls(factory, admin)
    return call


async def call_of(factory: Factory, admin: Session) -> dict[str, Any]:
    (call,) = await calls(factory, admin)
    return call


async def recording(factory: Factory, session: Session, call_id: str) -> httpx.Response:
    return await factory.client.get(
        f"{API}/intake/calls/{call_id}/recording", headers=session.headers
    )


class TestDirectLink:
    async def test_the_recording_is_fetched_stored_and_served(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        call = await generic_call(factory, admin, "https://pbx.example/rec/1.mp3")
        assert call["recording_status"] == "pending"
        assert call["recording_available"] is False
        assert (await recording(factory, admin, call["id"])).status_code == 404
        server = Server({"pbx.example/rec/1.mp3": [audio()]})
        assert await server.fetcher(factory, soon()).fetch_due(organisation_id=org.id) == 1
        (asked,) = server.requests
        # Connected to the address that was checked, the name kept for Host (and TLS).
        assert asked.url.host == PUBLIC_ADDRESS
        assert asked.headers["host"] == "pbx.example"
        stored = await call_of(factory, admin)
        assert stored["recording_status"] == "stored"
        assert stored["recording_available"] is True
        assert stored["recording_attempts"] == 1
        assert stored["recording_error"] is None
        served = await recording(factory, admin, call["id"])
        assert served.status_code == 200
        assert served.content == AUDIO
        assert served.headers["content-type"] == "audio/mpeg"
        assert served.headers["content-length"] == str(len(AUDIO))
        # Nothing is due any more: a stored recording is not fetched again.
        later = FixedClock(datetime.now(UTC) + timedelta(days=1))
        assert await server.fetcher(factory, later).fetch_due(organisation_id=org.id) == 0
        timeline = await factory.client.get(
            f"{API}/clients/{call['client_id']}/timeline?kinds=call", headers=admin.headers
        )
        (shown,) = timeline.json()["items"]
        assert shown["data"]["recording_available"] is True
        assert shown["data"]["recording_status"] == "stored"

    async def test_a_player_seeks_with_a_byte_range(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        call = await generic_call(factory, admin, "https://pbx.example/rec/3.mp3")
        server = Server({"pbx.example/rec/3.mp3": [audio()]})
        assert await server.fetcher(factory, soon()).fetch_due(organisation_id=org.id) == 1
        size = len(AUDIO)

        async def ranged(value: str, **extra: str) -> httpx.Response:
            return await factory.client.get(
                f"{API}/intake/calls/{call['id']}/recording",
                headers={**admin.headers, "Range": value, **extra},
            )

        whole = await recording(factory, admin, call["id"])
        assert whole.headers["accept-ranges"] == "bytes"
        tag = whole.headers["etag"]
        middle = await ranged("bytes=2-5")
        assert middle.status_code == 206
        assert middle.content == AUDIO[2:6]
        assert middle.headers["content-range"] == f"bytes 2-5/{size}"
        assert middle.headers["content-length"] == "4"
        rest = await ranged("bytes=3-")
        assert (rest.status_code, rest.content) == (206, AUDIO[3:])
        tail = await ranged("bytes=-4")
        assert (tail.status_code, tail.content) == (206, AUDIO[-4:])
        assert tail.headers["content-range"] == f"bytes {size - 4}-{size - 1}/{size}"
        # A span running past the end is cut at the end.
        over = await ranged(f"bytes=1-{size + 100}")
        assert (over.status_code, over.content) == (206, AUDIO[1:])
        # Nothing of it is in the file: 416 with the size.
        outside = await ranged(f"bytes={size}-")
        assert outside.status_code == 416
        assert outside.headers["content-type"] == "application/problem+json"
        assert outside.headers["content-range"] == f"bytes */{size}"
        # Several spans, nonsense or a number too long to be one are answered whole.
        for value in ("bytes=0-1,4-5", "lines=1-2", "bytes=5-2", "bytes=" + "9" * 40 + "-"):
            answered = await ranged(value)
            assert (answered.status_code, answered.content) == (200, AUDIO), value
        # If-Range: the span only for the same recording, else all of it.
        same = await ranged("bytes=0-1", **{"If-Range": tag})
        assert (same.status_code, same.content) == (206, AUDIO[:2])
        stale = await ranged("bytes=0-1", **{"If-Range": '"another"'})
        assert (stale.status_code, stale.content) == (200, AUDIO)

    async def test_only_who_may_see_the_call_gets_its_recording(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        owner_user = await factory.user(org, "seller")
        other_user = await factory.user(org, "seller")
        await create_funnel(factory, admin)
        call = await generic_call(
            factory, admin, "https://pbx.example/rec/2.mp3", default_user_id=str(owner_user.id)
        )
        server = Server({"pbx.example/rec/2.mp3": [audio()]})
        assert await server.fetcher(factory, soon()).fetch_due(organisation_id=org.id) == 1
        owner = await factory.login(owner_user)
        other = await factory.login(other_user)
        assert (await recording(factory, owner, call["id"])).status_code == 200
        hidden = await recording(factory, other, call["id"])
        assert hidden.status_code == 404
        assert hidden.headers["content-type"] == "application/problem+json"
        _, stranger = await factory.admin_session()
        assert (await recording(factory, stranger, call["id"])).status_code == 404
        missing = "00000000-0000-4000-8000-000000000000"
        assert (await recording(factory, admin, missing)).status_code == 404
        assert (
            await factory.client.get(f"{API}/intake/calls/{call['id']}/recording")
        ).status_code == 401

    async def test_a_5xx_is_retried_later_and_then_stored(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        call = await generic_call(factory, admin, "https://pbx.example/rec/3.mp3")
        server = Server(
            {"pbx.example/rec/3.mp3": [httpx.Response(503), httpx.Response(502), audio()]}
        )
        clock = soon()
        assert await server.fetcher(factory, clock).fetch_due(organisation_id=org.id) == 1
        first = await call_of(factory, admin)
        assert (first["recording_status"], first["recording_error"]) == ("pending", "HTTP 503")
        assert first["recording_attempts"] == 1
        # Not due again before the delay (30 s by default)...
        assert await server.fetcher(factory, clock).fetch_due(organisation_id=org.id) == 0
        clock.move_to(clock.now() + timedelta(seconds=31))
        assert await server.fetcher(factory, clock).fetch_due(organisation_id=org.id) == 1
        second = await call_of(factory, admin)
        assert (second["recording_status"], second["recording_error"]) == ("pending", "HTTP 502")
        # ... and the delay grows (2 min after the second failure).
        clock.move_to(clock.now() + timedelta(seconds=61))
        assert await server.fetcher(factory, clock).fetch_due(organisation_id=org.id) == 0
        clock.move_to(clock.now() + timedelta(seconds=60))
        assert await server.fetcher(factory, clock).fetch_due(organisation_id=org.id) == 1
        stored = await call_of(factory, admin)
        assert stored["recording_status"] == "stored"
        assert stored["recording_attempts"] == 3
        assert (await recording(factory, admin, call["id"])).content == AUDIO

    async def test_a_404_fails_at_once_with_the_reason(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        call = await generic_call(factory, admin, "https://pbx.example/rec/gone.mp3")
        server = Server({})
        assert await server.fetcher(factory, soon()).fetch_due(organisation_id=org.id) == 1
        failed = await call_of(factory, admin)
        assert failed["recording_status"] == "failed"
        assert failed["recording_error"] == "HTTP 404"
        assert failed["recording_available"] is False
        later = FixedClock(datetime.now(UTC) + timedelta(days=1))
        assert await server.fetcher(factory, later).fetch_due(organisation_id=org.id) == 0
        assert len(server.requests) == 1
        assert (await recording(factory, admin, call["id"])).status_code == 404

    async def test_a_recording_over_the_limit_is_refused_and_nothing_is_kept(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        await generic_call(factory, admin, "https://pbx.example/rec/big.mp3")
        declared = Server({"pbx.example/rec/big.mp3": [audio()]})
        fetcher = declared.fetcher(factory, soon(), max_bytes=1000)
        assert await fetcher.fetch_due(organisation_id=org.id) == 1
        failed = await call_of(factory, admin)
        assert failed["recording_status"] == "failed"
        assert "larger than the limit of 1000 bytes" in failed["recording_error"]

    async def test_a_streamed_body_past_the_limit_is_cut_off(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        call = await generic_call(factory, admin, "https://pbx.example/rec/stream.mp3")

        async def endless() -> AsyncIterator[bytes]:
            for _ in range(100):
                yield b"x" * 1000

        server = Server(
            {"pbx.example/rec/stream.mp3": lambda _: httpx.Response(200, content=endless())}
        )
        assert (
            await server.fetcher(factory, soon(), max_bytes=5000).fetch_due(organisation_id=org.id)
            == 1
        )
        failed = await call_of(factory, admin)
        assert failed["recording_status"] == "failed"
        assert "larger than the limit of 5000 bytes" in failed["recording_error"]
        stored = factory.container.settings.var_dir / "files" / str(org.id) / "calls"
        assert not (stored / call["id"]).exists()
        assert not stored.exists() or list(stored.iterdir()) == []

    async def test_a_link_to_a_private_address_is_refused_without_a_request(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        await generic_call(factory, admin, "http://127.0.0.1:6379/rec.mp3")
        server = Server({"127.0.0.1/rec.mp3": [audio()]})
        assert await server.fetcher(factory, soon()).fetch_due(organisation_id=org.id) == 1
        failed = await call_of(factory, admin)
        assert failed["recording_status"] == "failed"
        assert failed["recording_error"].startswith("Refused")
        assert "loopback" in failed["recording_error"]
        assert server.requests == []

    async def test_a_redirect_to_a_private_address_is_not_followed(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        await generic_call(factory, admin, "https://pbx.example/rec/moved.mp3")
        server = Server(
            {
                "pbx.example/rec/moved.mp3": [
                    httpx.Response(302, headers={"location": "http://169.254.169.254/latest"})
                ]
            }
        )
        assert await server.fetcher(factory, soon()).fetch_due(organisation_id=org.id) == 1
        failed = await call_of(factory, admin)
        assert failed["recording_status"] == "failed"
        assert "link-local" in failed["recording_error"]
        assert len(server.requests) == 1


def zadarma_authorization(key: str, secret: str, query: str) -> str:
    """As Zadarma documents it: key:base64(hex HMAC-SHA1(method + query + md5(query)))."""
    text = "/v1/pbx/record/request/" + query + hashlib.md5(query.encode()).hexdigest()  # noqa: S324
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha1).hexdigest()
    return f"{key}:{base64.b64encode(digest.encode()).decode()}"


RECORD = {
    "event": "NOTIFY_RECORD",
    "pbx_call_id": "in_0892e63cb09c4d7a0550f77314fcd216156021ca",
    "call_id_with_rec": "1647439288.1115107",
}


async def zadarma_recorded_call(factory: Factory, admin: Session, **fields: Any) -> None:
    integration = await create_integration(factory, admin, **fields)
    ended = sample("zadarma/notify_end.urlencoded.txt")
    await post_event(factory, integration, ended, headers={"Signature": END_SIGNATURE})
    await drain(factory.container)
    assert (await call_of(factory, admin))["recording_status"] is None  # not ready yet
    body, signature = zadarma_body(**RECORD)
    assert (await post_event(factory, integration, body, headers=signature)).status_code == 200
    await drain(factory.container)


class TestProviders:
    async def test_zadarma_gives_the_link_through_its_signed_api(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        await zadarma_recorded_call(factory, admin, api_key="zd-user-key")
        assert (await call_of(factory, admin))["recording_status"] == "pending"

        def api(request: httpx.Request) -> httpx.Response:
            query = request.url.query.decode()
            assert parse_qs(query) == {"call_id": ["1647439288.1115107"]}
            expected = zadarma_authorization("zd-user-key", ZADARMA_SECRET, query)
            if request.headers.get("authorization") != expected:
                return httpx.Response(401, json={"status": "error", "message": "Not authorized"})
            return httpx.Response(
                200,
                json={"status": "success", "link": "https://files.zadarma.test/rec/a.mp3"},
            )

        server = Server(
            {
                "api.zadarma.test/v1/pbx/record/request/": api,
                "files.zadarma.test/rec/a.mp3": [audio()],
            }
        )
        assert await server.fetcher(factory, soon()).fetch_due(organisation_id=org.id) == 1
        call = await call_of(factory, admin)
        assert call["recording_status"] == "stored", call["recording_error"]
        assert (await recording(factory, admin, call["id"])).content == AUDIO

    async def test_without_zadarma_api_credentials_the_status_says_why(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        await zadarma_recorded_call(factory, admin)
        server = Server({})
        assert await server.fetcher(factory, soon()).fetch_due(organisation_id=org.id) == 1
        call = await call_of(factory, admin)
        assert call["recording_status"] == "failed"
        assert "API key" in call["recording_error"]
        assert server.requests == []

    async def test_mango_redirects_its_signed_request_to_the_file(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        integration = await create_integration(
            factory, admin, provider="mango", api_key=MANGO_KEY, secret=MANGO_SALT
        )
        started = {"entry_id": "cmVj", "recording_id": "MToxMDA3", "recording_state": "Started"}
        await post_event(factory, integration, mango_body(started), path="events/recording")
        await drain(factory.container)
        assert (await call_of(factory, admin))["recording_status"] is None
        done = {**started, "recording_state": "Completed"}
        await post_event(factory, integration, mango_body(done), path="events/recording")
        await drain(factory.container)
        assert (await call_of(factory, admin))["recording_status"] == "pending"

        def api(request: httpx.Request) -> httpx.Response:
            form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
            sign = hashlib.sha256(f"{MANGO_KEY}{form['json']}{MANGO_SALT}".encode()).hexdigest()
            assert (form["vpbx_api_key"], form["sign"]) == (MANGO_KEY, sign)
            assert json.loads(form["json"]) == {"recording_id": "MToxMDA3", "action": "download"}
            return httpx.Response(302, headers={"location": "https://files.mango.test/r/1.mp3"})

        server = Server(
            {
                "mango.test/vpbx/queries/recording/post/": api,
                "files.mango.test/r/1.mp3": [audio()],
            }
        )
        assert await server.fetcher(factory, soon()).fetch_due(organisation_id=org.id) == 1
        call = await call_of(factory, admin)
        assert call["recording_status"] == "stored", call["recording_error"]
        assert (await recording(factory, admin, call["id"])).content == AUDIO
