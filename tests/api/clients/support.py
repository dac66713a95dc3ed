"""Helpers for the clients API tests."""

from __future__ import annotations

import uuid
from typing import Any

from httpx import Response

from tests.factories import Factory, Session

API = "/api/v1"


def json_of(response: Response, status: int) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def if_match(version: int) -> dict[str, str]:
    return {"If-Match": f'"v{version}"'}


def unique_name(prefix: str = "Клиент") -> str:
    # Random words, so similar-name detection never links clients of different tests.
    return f"{prefix} {uuid.uuid4().hex[:10]} {uuid.uuid4().hex[:6]}"


async def create_client(
    factory: Factory, session: Session, *, status: int = 201, **body: Any
) -> dict[str, Any]:
    body.setdefault("name", unique_name())
    response = await factory.client.post(f"{API}/clients", json=body, headers=session.headers)
    return json_of(response, status)  # type: ignore[no-any-return]


async def create_contact(
    factory: Factory, session: Session, client_id: str, *, status: int = 201, **body: Any
) -> dict[str, Any]:
    body.setdefault("full_name", "Иван Петров")
    response = await factory.client.post(
        f"{API}/clients/{client_id}/contacts", json=body, headers=session.headers
    )
    return json_of(response, status)  # type: ignore[no-any-return]


async def define_field(factory: Factory, admin: Session, **body: Any) -> dict[str, Any]:
    body.setdefault("entity", "client")
    response = await factory.client.post(f"{API}/custom-fields", json=body, headers=admin.headers)
    return json_of(response, 201)  # type: ignore[no-any-return]


async def two_teams(factory: Factory) -> tuple[Any, Session, Session, Session]:
    """An organisation with two departments, a seller in each, and its admin."""
    org, admin = await factory.admin_session()
    east, west = await factory.department(org), await factory.department(org)
    seller = await factory.login(await factory.user(org, "seller", department=east))
    stranger = await factory.login(await factory.user(org, "seller", department=west))
    return org, admin, seller, stranger


async def insert_deal(
    factory: Factory, org_id: uuid.UUID, client_id: str, responsible_id: uuid.UUID, status: str
) -> uuid.UUID:
    """A deal row as the deals context would store it (funnel and stage included), then the
    relationship recomputed as that context does in the same transaction."""
    import sqlalchemy as sa

    from adapters.db.tables.deals import deals
    from adapters.db.tables.funnels import funnels, stages
    from domain.clients.relationship import recompute_relationship

    funnel_id, stage_id, deal_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    clock = factory.container.clock
    async with factory.container.uow() as uow:
        conn = uow.clients._conn  # type: ignore[attr-defined]
        await conn.execute(
            sa.insert(funnels).values(id=funnel_id, organisation_id=org_id, name=f"F {deal_id}")
        )
        await conn.execute(
            sa.insert(stages).values(
                id=stage_id,
                organisation_id=org_id,
                funnel_id=funnel_id,
                name="Заявка",
                position=0,
                probability=0,
            )
        )
        await conn.execute(
            sa.insert(deals).values(
                id=deal_id,
                organisation_id=org_id,
                client_id=uuid.UUID(client_id),
                title="Поставка",
                amount=1000,
                currency="RUB",
                funnel_id=funnel_id,
                stage_id=stage_id,
                status=status,
                responsible_id=responsible_id,
                stage_entered_at=clock.now(),
            )
        )
        await recompute_relationship(
            uow,
            org_id,
            uuid.UUID(client_id),
            at=clock.now(),
            reason=f"deal_{status}",
            actor_id=responsible_id,
            deal_id=deal_id,
        )
        await uow.commit()
    return deal_id


async def audit_of(
    factory: Factory, org_id: uuid.UUID, entity_type: str, entity_id: str
) -> list[Any]:
    from domain.shared.scope import Scope

    async with factory.container.uow() as uow:
        return list(
            await uow.audit.list_for(
                Scope.organisation_wide(org_id),
                entity_type=entity_type,
                entity_id=uuid.UUID(entity_id),
                limit=50,
            )
        )
