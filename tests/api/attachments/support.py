"""Clients and deals made straight in the database (their own lanes test their APIs), and
a small world of people across departments and organisations for scoping tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from httpx import Response

from adapters.bootstrap import Container
from adapters.db.tables.clients import clients
from adapters.db.tables.deals import deals
from adapters.db.tables.funnels import funnels, stages
from domain.staff.model import Department, User
from tests.factories import Factory, Org, Session

API = "/api/v1"


async def insert(container: Container, table: sa.Table, **values: Any) -> uuid.UUID:
    values.setdefault("id", uuid.uuid4())
    async with container.engine.begin() as conn:
        await conn.execute(sa.insert(table).values(**values))
    ident: uuid.UUID = values["id"]
    return ident


async def make_client(
    container: Container, org: Org, owner: User, name: str = "ООО «Ромашка»"
) -> uuid.UUID:
    return await insert(
        container,
        clients,
        organisation_id=org.id,
        kind="company",
        name=name,
        name_key=name.lower(),
        responsible_id=owner.id,
        created_by=owner.id,
    )


async def make_deal(
    container: Container, org: Org, owner: User, client_id: uuid.UUID | None = None
) -> uuid.UUID:
    client_id = client_id or await make_client(container, org, owner)
    funnel_id = await insert(
        container, funnels, organisation_id=org.id, name=f"Воронка {uuid.uuid4().hex[:6]}"
    )
    stage_id = await insert(
        container,
        stages,
        organisation_id=org.id,
        funnel_id=funnel_id,
        name="Заявка",
        position=0,
        probability=0,
    )
    return await insert(
        container,
        deals,
        organisation_id=org.id,
        client_id=client_id,
        title="Поставка",
        amount=100000,
        currency="RUB",
        funnel_id=funnel_id,
        stage_id=stage_id,
        responsible_id=owner.id,
        stage_entered_at=datetime.now(UTC),
        created_by=owner.id,
    )


@dataclass(slots=True)
class World:
    """Two departments of one organisation, and another organisation.

    north has head_north (head of sales: team visibility) and seller, north_sub (below north)
    has junior; south has rival. outsider is the admin of another organisation."""

    org: Org
    admin: Session
    north: Department
    north_sub: Department
    south: Department
    head_north: Session
    seller: Session
    junior: Session
    rival: Session
    outsider: Session


async def world(factory: Factory) -> World:
    org, admin = await factory.admin_session()
    north = await factory.department(org, "Север")
    north_sub = await factory.department(org, "Север-2", parent=north)
    south = await factory.department(org, "Юг")
    head = await factory.user(org, "head_of_sales", department=north)
    seller = await factory.user(org, "seller", department=north)
    junior = await factory.user(org, "seller", department=north_sub)
    rival = await factory.user(org, "seller", department=south)
    _, outsider = await factory.admin_session()
    return World(
        org=org,
        admin=admin,
        north=north,
        north_sub=north_sub,
        south=south,
        head_north=await factory.login(head),
        seller=await factory.login(seller),
        junior=await factory.login(junior),
        rival=await factory.login(rival),
        outsider=outsider,
    )


async def upload(
    factory: Factory,
    session: Session,
    *,
    content: bytes = b"%PDF-1.4 test",
    filename: str = "Договор №1.pdf",
    document_type: str = "contract",
    content_type: str = "application/pdf",
    **parent: uuid.UUID,
) -> Response:
    data = {"document_type": document_type, **{k: str(v) for k, v in parent.items()}}
    return await factory.client.post(
        f"{API}/attachments",
        data=data,
        files={"file": (filename, content, content_type)},
        headers=session.headers,
    )
