"""Client karma through HTTP: helpers shared by the karma tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.api.deals.support import API, if_match, json_of
from tests.factories import Factory, Session
from tests.worker import drain_queue


async def karma(factory: Factory, session: Session, client_id: str) -> dict[str, Any]:
    await drain_queue(factory.container)
    response = await factory.client.get(f"{API}/clients/{client_id}/karma", headers=session.headers)
    return json_of(response, 200)  # type: ignore[no-any-return]


def score(view: dict[str, Any]) -> Decimal | None:
    return None if view["score"] is None else Decimal(view["score"])


async def entries(factory: Factory, session: Session, client_id: str) -> list[dict[str, Any]]:
    response = await factory.client.get(
        f"{API}/clients/{client_id}/karma/entries", headers=session.headers
    )
    return json_of(response, 200)["items"]  # type: ignore[no-any-return]


async def win(factory: Factory, session: Session, deal: dict[str, Any]) -> dict[str, Any]:
    response = await factory.client.post(
        f"{API}/deals/{deal['id']}/win", headers={**session.headers, **if_match(deal["version"])}
    )
    return json_of(response, 200)  # type: ignore[no-any-return]


async def lose(
    factory: Factory, session: Session, deal: dict[str, Any], **flags: bool
) -> dict[str, Any]:
    reasons = json_of(await factory.client.get(f"{API}/loss-reasons", headers=session.headers), 200)
    response = await factory.client.post(
        f"{API}/deals/{deal['id']}/lose",
        json={"loss_reason_id": reasons[0]["id"], **flags},
        headers=session.headers,
    )
    return json_of(response, 200)  # type: ignore[no-any-return]


async def set_rules(
    factory: Factory, session: Session, rules: list[dict[str, Any]], *, status: int = 200
) -> dict[str, Any]:
    current = await factory.client.get(f"{API}/karma/rules", headers=session.headers)
    response = await factory.client.put(
        f"{API}/karma/rules",
        json={"rules": rules},
        headers={**session.headers, "If-Match": current.headers["ETag"]},
    )
    return json_of(response, status)  # type: ignore[no-any-return]


async def basis(factory: Factory, session: Session, value: str) -> None:
    response = await factory.client.patch(
        f"{API}/organisation", json={"fulfilment_basis": value}, headers=session.headers
    )
    json_of(response, 200)
