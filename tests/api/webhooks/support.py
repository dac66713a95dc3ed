"""A tiny HTTP receiver on 127.0.0.1 for webhook tests, and an independent implementation of
the Standard Webhooks signature check (deliberately not importing the app's signer)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from adapters.bootstrap import Container
from tests.factories import Factory, Session

API = "/api/v1"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each request with the next scripted status (the last one repeats)."""

    statuses: list[int]
    requests: list[Received] = field(default_factory=list)
    port: int = 0
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        path = lines[0].split(" ")[1]
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        self.requests.append(Received(path, headers, body))
        self.arrived.set()
        status = self.statuses[min(len(self.requests), len(self.statuses)) - 1]
        answer = b'{"ok": true}'
        writer.write(
            f"HTTP/1.1 {status} X\r\ncontent-length: {len(answer)}\r\n"
            "content-type: application/json\r\nconnection: close\r\n\r\n".encode()
            + answer
        )
        await writer.drain()
        writer.close()


@asynccontextmanager
async def receiver(*statuses: int) -> AsyncIterator[Receiver]:
    found = Receiver(statuses=list(statuses or (200,)))
    server = await asyncio.start_server(found.handle, "127.0.0.1", 0)
    found.port = server.sockets[0].getsockname()[1]
    try:
        yield found
    finally:
        server.close()
        await server.wait_closed()


def verify_standard_webhook(secret: str, request: Received) -> bool:
    """The receiving side of https://www.standardwebhooks.com/, written for the test."""
    key = base64.b64decode(secret.split("_", 1)[1])
    signed = (
        request.headers["webhook-id"].encode()
        + b"."
        + request.headers["webhook-timestamp"].encode()
        + b"."
        + request.body
    )
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [s.split(",", 1)[1] for s in request.headers["webhook-signature"].split(" ")]
    return any(hmac.compare_digest(expected, sig) for sig in offered)


async def allow_private_targets(factory: Factory, admin: Session) -> None:
    response = await factory.client.patch(
        f"{API}/organisation", json={"webhooks_allow_private_targets": True}, headers=admin.headers
    )
    assert response.status_code == 200, response.text


async def create_endpoint(
    factory: Factory, admin: Session, *, status: int = 201, **body: Any
) -> dict[str, Any]:
    body.setdefault("events", ["*"])
    response = await factory.client.post(f"{API}/webhooks", json=body, headers=admin.headers)
    assert response.status_code == status, response.text
    return response.json()  # type: ignore[no-any-return]


async def deliveries(factory: Factory, admin: Session, endpoint_id: str) -> list[dict[str, Any]]:
    response = await factory.client.get(
        f"{API}/webhooks/{endpoint_id}/deliveries", headers=admin.headers
    )
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


async def make_due(container: Container, endpoint_id: str) -> None:
    """Jump over the backoff delay: the endpoint's pending deliveries are due now."""
    async with container.engine.begin() as conn:
        await conn.execute(
            sa.text(
                "UPDATE webhook_deliveries SET next_attempt_at = now() - interval '1 second' "
                "WHERE endpoint_id = :id AND status = 'pending'"
            ),
            {"id": endpoint_id},
        )


async def backdate(container: Container, sql: str, **params: Any) -> None:
    async with container.engine.begin() as conn:
        await conn.execute(sa.text(sql), params)


DAY = timedelta(days=1)
