"""Helpers for the funnels and deals API tests: everything through HTTP as a signed-in user."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from httpx import Response

from tests.factories import Factory, Org, Session

API = "/api/v1"


def json_of(response: Response, status: int) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def if_match(version: int | str) -> dict[str, str]:
    return {"If-Match": version if isinstance(version, str) else f'"v{version}"'}


def error_locs(response: Response) -> list[list[str | int]]:
    return [e["loc"] for e in response.json().get("errors") or []]


def unique_name(prefix: str = "Клиент") -> str:
    return f"{prefix} {uuid.uuid4().hex[:10]} {uuid.uuid4().hex[:6]}"


async def create_funnel(
    factory: Factory, admin: Session, *, status: int = 201, **body: Any
) -> dict[str, Any]:
    if "template" not in body:
        body.setdefault("name", unique_name("Воронка"))
        body.setdefault(
            "stages",
            [
                {"name": "Первый", "probability": 10, "max_days": 5},
                {"name": "Второй", "probability": 50},
            ],
        )
    response = await factory.client.post(f"{API}/funnels", json=body, headers=admin.headers)
    return json_of(response, status)  # type: ignore[no-any-return]


async def create_client(factory: Factory, session: Session, **body: Any) -> dict[str, Any]:
    body.setdefault("name", unique_name())
    response = await factory.client.post(f"{API}/clients", json=body, headers=session.headers)
    return json_of(response, 201)  # type: ignore[no-any-return]


async def create_contact(
    factory: Factory, session: Session, client_id: str, **body: Any
) -> dict[str, Any]:
    body.setdefault("full_name", "Иван Петров")
    response = await factory.client.post(
        f"{API}/clients/{client_id}/contacts", json=body, headers=session.headers
    )
    return json_of(response, 201)  # type: ignore[no-any-return]


async def create_deal(
    factory: Factory, session: Session, *, status: int = 201, **body: Any
) -> dict[str, Any]:
    if "client_id" not in body:
        body["client_id"] = (await create_client(factory, session))["id"]
    body.setdefault("title", unique_name("Сделка"))
    response = await factory.client.post(f"{API}/deals", json=body, headers=session.headers)
    return json_of(response, status)  # type: ignore[no-any-return]


async def get_deal(factory: Factory, session: Session, deal_id: str) -> Response:
    return await factory.client.get(f"{API}/deals/{deal_id}", headers=session.headers)


async def move(
    factory: Factory, session: Session, deal_id: str, stage_id: str, **headers: str
) -> Response:
    return await factory.client.post(
        f"{API}/deals/{deal_id}/move",
        json={"stage_id": stage_id},
        headers={**session.headers, **headers},
    )


async def attach(
    factory: Factory, session: Session, deal_id: str, document_type: str = "contract"
) -> None:
    response = await factory.client.post(
        f"{API}/attachments",
        data={"document_type": document_type, "deal_id": deal_id},
        files={"file": ("Договор.pdf", b"%PDF-1.4 test", "application/pdf")},
        headers=session.headers,
    )
    assert response.status_code == 201, response.text


def stage_named(funnel: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in funnel["stages"] if s["name"] == name)


@dataclass(slots=True)
class Teams:
    """An organisation with two departments (a head and a seller in the first, a seller in
    the second), its admin and a funnel; and an outsider from another organisation."""

    org: Org
    admin: Session
    head: Session
    seller: Session
    stranger: Session
    outsider: Session
    funnel: dict[str, Any]


async def teams(factory: Factory, **funnel: Any) -> Teams:
    org, admin = await factory.admin_session()
    head_user = await factory.user(org, "head_of_sales")
    east = await factory.department(org, head=head_user)
    west = await factory.department(org)
    async with factory.container.uow() as uow:
        head_user.assign(department_id=east.id)
        await uow.users.update(head_user, head_user.version)
        await uow.commit()
    seller = await factory.login(await factory.user(org, "seller", department=east))
    stranger = await factory.login(await factory.user(org, "seller", department=west))
    _, outsider = await factory.admin_session()
    created = await create_funnel(factory, admin, **(funnel or {"template": "sales"}))
    return Teams(
        org=org,
        admin=admin,
        head=await factory.login(head_user),
        seller=seller,
        stranger=stranger,
        outsider=outsider,
        funnel=created,
    )
