from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from httpx import AsyncClient

import api.routers.notifications as notification_routes
from adapters.bootstrap import Container
from domain.activities.model import NotificationKind
from domain.activities.notify import notify
from tests.factories import Factory, Session

NOTIFICATIONS = "/api/v1/notifications"


async def tell(container: Container, session: Session, title: str, **extra: Any) -> None:
    async with container.uow() as uow:
        await notify(
            uow,
            organisation_id=session.user.organisation_id,
            user_id=session.user.id,
            kind=NotificationKind.ASSIGNMENT,
            params={"task_title": title},
            **extra,
        )
        await uow.commit()


class TestNotificationList:
    async def test_newest_first_unread_filter_read_and_read_all(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        _, admin = await factory.admin_session()
        for n in range(3):
            await tell(container, admin, f"n{n}")
        items = (await client.get(NOTIFICATIONS, headers=admin.headers)).json()["items"]
        assert [i["params"]["task_title"] for i in items] == ["n2", "n1", "n0"]
        read = await client.post(f"{NOTIFICATIONS}/{items[0]['id']}/read", headers=admin.headers)
        assert read.status_code == 200
        assert read.json()["read_at"] is not None
        unread = await client.get(NOTIFICATIONS, params={"unread": "true"}, headers=admin.headers)
        assert [i["params"]["task_title"] for i in unread.json()["items"]] == ["n1", "n0"]
        page = await client.get(NOTIFICATIONS, params={"limit": "2"}, headers=admin.headers)
        rest = await client.get(
            NOTIFICATIONS,
            params={"limit": "2", "cursor": page.json()["next_cursor"]},
            headers=admin.headers,
        )
        assert [i["params"]["task_title"] for i in rest.json()["items"]] == ["n0"]
        marked = await client.post(f"{NOTIFICATIONS}/read-all", headers=admin.headers)
        assert marked.json() == {"marked": 2}
        unread = await client.get(NOTIFICATIONS, params={"unread": "true"}, headers=admin.headers)
        assert unread.json()["items"] == []

    async def test_someone_elses_notification_is_404(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        org, admin = await factory.admin_session()
        await tell(container, admin, "private")
        item = (await client.get(NOTIFICATIONS, headers=admin.headers)).json()["items"][0]
        colleague = await factory.login(await factory.user(org))
        _, stranger = await factory.admin_session()
        for session in (colleague, stranger):
            response = await client.post(
                f"{NOTIFICATIONS}/{item['id']}/read", headers=session.headers
            )
            assert response.status_code == 404
            listed = await client.get(NOTIFICATIONS, headers=session.headers)
            assert listed.json()["items"] == []


@pytest.fixture
async def server(app: FastAPI) -> AsyncIterator[str]:
    """The app on a real socket: the in-process ASGI transport buffers whole responses, so an
    endless event stream needs a server."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        lifespan="off",
        log_level="warning",
        timeout_graceful_shutdown=1,
    )
    instance = uvicorn.Server(config)
    task = asyncio.create_task(instance.serve())
    while not instance.started:  # noqa: ASYNC110 - uvicorn offers no started event
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        await asyncio.wait_for(task, 10)


class EventReader:
    """Server-Sent Events from a streamed response; comment lines become {"comment": ...}."""

    def __init__(self, response: httpx.Response) -> None:
        self._lines = response.aiter_lines()

    async def next(self, count: int = 1) -> list[dict[str, str]]:
        events: list[dict[str, str]] = []
        current: dict[str, str] = {}
        while len(events) < count:
            line = await asyncio.wait_for(anext(self._lines), 5)
            if line == "":
                if current:
                    events.append(current)
                current = {}
            elif line.startswith(":"):
                current["comment"] = line[1:].strip()
            else:
                name, _, value = line.partition(":")
                current[name] = value.lstrip()
        return events


class TestNotificationStream:
    async def test_backlog_then_live_events_then_heartbeat(
        self,
        factory: Factory,
        container: Container,
        server: str,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(notification_routes, "HEARTBEAT_SECONDS", 0.3)
        _, admin = await factory.admin_session()
        await tell(container, admin, "старое")
        async with (
            httpx.AsyncClient(base_url=server, timeout=10) as http,
            http.stream(
                "GET", f"{NOTIFICATIONS}/stream", params={"access_token": admin.access_token}
            ) as response,
        ):
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            events = EventReader(response)
            first = await events.next(3)
            assert first[0] == {"retry": "5000"}
            assert json.loads(first[1]["data"])["params"]["task_title"] == "старое"
            assert first[1]["event"] == "notification"
            assert first[2] == {"event": "ready", "data": "{}"}
            await tell(container, admin, "новое")
            live = await events.next()
            if "comment" in live[0]:  # a heartbeat may come first
                live = await events.next()
            assert json.loads(live[0]["data"])["params"]["task_title"] == "новое"
            assert live[0]["id"] == json.loads(live[0]["data"])["id"]
            heartbeat = await events.next()
            assert heartbeat == [{"comment": "heartbeat"}]

    async def test_last_event_id_resumes_after_it_and_bearer_header_works(
        self, factory: Factory, container: Container, server: str
    ) -> None:
        _, admin = await factory.admin_session()
        await tell(container, admin, "one")
        await tell(container, admin, "two")
        async with httpx.AsyncClient(base_url=server, timeout=10) as http:
            listed = await http.get(NOTIFICATIONS, headers=admin.headers)
            one = next(i for i in listed.json()["items"] if i["params"]["task_title"] == "one")
            async with http.stream(
                "GET",
                f"{NOTIFICATIONS}/stream",
                headers={**admin.headers, "Last-Event-ID": one["id"]},
            ) as response:
                resumed = await EventReader(response).next(2)
        assert json.loads(resumed[1]["data"])["params"]["task_title"] == "two"

    async def test_the_stream_is_never_compressed(
        self, factory: Factory, container: Container, server: str
    ) -> None:
        # A gzipped stream would sit in the compressor's buffer: each event must go out at once.
        _, admin = await factory.admin_session()
        await tell(container, admin, "сразу")
        async with (
            httpx.AsyncClient(base_url=server, timeout=10) as http,
            http.stream(
                "GET",
                f"{NOTIFICATIONS}/stream",
                headers={**admin.headers, "Accept-Encoding": "gzip"},
            ) as response,
        ):
            assert "content-encoding" not in response.headers
            events = await EventReader(response).next(2)
        assert json.loads(events[1]["data"])["params"]["task_title"] == "сразу"

    async def test_needs_a_valid_token(self, server: str) -> None:
        async with httpx.AsyncClient(base_url=server, timeout=10) as http:
            missing = await http.get(f"{NOTIFICATIONS}/stream")
            bad = await http.get(f"{NOTIFICATIONS}/stream", params={"access_token": "nope"})
        assert missing.status_code == 401
        assert bad.status_code == 401
