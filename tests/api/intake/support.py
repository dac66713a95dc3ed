"""Helpers of the intake tests: forms made through the API, posts as websites send them, the
inbox as an administrator reads it, and the providers' sample payloads, byte for byte."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from httpx import AsyncClient, Response

from adapters.bootstrap import Container
from tests.api.deals.support import create_funnel
from tests.factories import Factory, Session
from tests.worker import drain_queue

API = "/api/v1"
SAMPLES = Path(__file__).parent / "samples"
URLENCODED = "application/x-www-form-urlencoded"


def sample(name: str) -> bytes:
    """A payload copied unchanged from ../shared/samples (see its README)."""
    return (SAMPLES / name).read_bytes()


async def first_funnel(factory: Factory, admin: Session) -> str:
    """A new funnel of the admin's organisation (a new one has none)."""
    return str((await create_funnel(factory, admin))["id"])


async def create_form(factory: Factory, admin: Session, **fields: Any) -> dict[str, Any]:
    body = {"name": "Заявка с сайта", "rate_limit_per_minute": None, **fields}
    created = await factory.client.post(
        f"{API}/intake/form-settings", json=body, headers=admin.headers
    )
    assert created.status_code == 201, created.text
    return dict(created.json())


async def post_form(
    client: AsyncClient,
    key: str,
    body: bytes | str = b"",
    *,
    content_type: str | None = URLENCODED,
    headers: dict[str, str] | None = None,
) -> Response:
    sent = {**({"content-type": content_type} if content_type else {}), **(headers or {})}
    raw = body.encode() if isinstance(body, str) else body
    return await client.post(f"{API}/intake/forms/{key}", content=raw, headers=sent)


async def inbox(factory: Factory, admin: Session, query: str = "") -> list[dict[str, Any]]:
    listed = await factory.client.get(f"{API}/intake/inbox{query}", headers=admin.headers)
    assert listed.status_code == 200, listed.text
    return list(listed.json()["items"])


async def item(factory: Factory, admin: Session, item_id: str) -> dict[str, Any]:
    got = await factory.client.get(f"{API}/intake/inbox/{item_id}", headers=admin.headers)
    assert got.status_code == 200, got.text
    return dict(got.json())


async def drain(container: Container) -> None:
    """What the public endpoint noted for the workers is handed over, then processed."""
    await container.inbox_queue.flush()
    await drain_queue(container)
