"""Rows the activities tests hang their records on. Clients, deals and their history are
written straight into their tables, so these tests do not depend on the clients' and deals'
own endpoints."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from adapters.bootstrap import Container
from adapters.db.tables.clients import clients, relationship_transitions
from adapters.db.tables.deals import deals, stage_moves
from adapters.db.tables.funnels import funnels, stages
from adapters.db.tables.staff import absences
from domain.staff.model import Department, User
from tests.factories import Factory, Org, Session


def now() -> datetime:
    return datetime.now(UTC)


async def insert(container: Container, table: sa.Table, **values: Any) -> uuid.UUID:
    values.setdefault("id", uuid.uuid4())
    async with container.engine.begin() as conn:
        await conn.execute(sa.insert(table).values(**values))
    ident: uuid.UUID = values["id"]
    return ident


async def client_of(
    container: Container, org: Org, owner: User, name: str = "ООО Ромашка"
) -> uuid.UUID:
    return await insert(
        container,
        clients,
        organisation_id=org.id,
        kind="company",
        name=name,
        name_key=name.casefold(),
        responsible_id=owner.id,
    )


async def deal_of(
    container: Container, org: Org, client_id: uuid.UUID, owner: User, title: str = "Поставка"
) -> uuid.UUID:
    funnel_id = await insert(container, funnels, organisation_id=org.id, name=f"F {uuid.uuid4()}")
    stage_id = await insert(
        container,
        stages,
        organisation_id=org.id,
        funnel_id=funnel_id,
        name="Заявка",
        position=0,
        probability=0,
    )
    deal_id = await insert(
        container,
        deals,
        organisation_id=org.id,
        client_id=client_id,
        title=title,
        amount=1000,
        currency="RUB",
        funnel_id=funnel_id,
        stage_id=stage_id,
        responsible_id=owner.id,
        stage_entered_at=now(),
    )
    await insert(
        container,
        stage_moves,
        organisation_id=org.id,
        deal_id=deal_id,
        kind="created",
        to_stage_id=stage_id,
        to_status="open",
        at=now(),
        by_user_id=owner.id,
    )
    return deal_id


async def relationship_change(
    container: Container, org: Org, client_id: uuid.UUID, *, at: datetime | None = None
) -> uuid.UUID:
    return await insert(
        container,
        relationship_transitions,
        organisation_id=org.id,
        client_id=client_id,
        from_type="cold",
        to_type="potential",
        reason="deal opened",
        at=at or now(),
    )


async def absence(
    container: Container,
    org: Org,
    user: User,
    substitute: User,
    *,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> uuid.UUID:
    today = datetime.now(UTC).date()
    return await insert(
        container,
        absences,
        organisation_id=org.id,
        user_id=user.id,
        kind="vacation",
        starts_on=starts_on or today - timedelta(days=1),
        ends_on=ends_on or today + timedelta(days=5),
        substitute_id=substitute.id,
    )


@dataclass(slots=True)
class World:
    """An organisation with two sales departments, a seller in each, a head of the first and
    a stranger from another organisation."""

    org: Org
    admin: Session
    dept_a: Department
    dept_b: Department
    seller: User
    seller_s: Session
    colleague: User  # another seller of department A
    colleague_s: Session
    other_team: User
    other_team_s: Session
    head: User
    head_s: Session
    stranger_s: Session


async def world(factory: Factory) -> World:
    org, admin = await factory.admin_session()
    dept_a = await factory.department(org, "Продажи Москва")
    dept_b = await factory.department(org, "Продажи Киев")
    seller = await factory.user(org, "seller", department=dept_a, full_name="Иван Петров")
    colleague = await factory.user(org, "seller", department=dept_a, full_name="Анна Смирнова")
    other_team = await factory.user(org, "seller", department=dept_b)
    head = await factory.user(org, "head_of_sales", department=dept_a)
    _, stranger = await factory.admin_session()
    return World(
        org=org,
        admin=admin,
        dept_a=dept_a,
        dept_b=dept_b,
        seller=seller,
        seller_s=await factory.login(seller),
        colleague=colleague,
        colleague_s=await factory.login(colleague),
        other_team=other_team,
        other_team_s=await factory.login(other_team),
        head=head,
        head_s=await factory.login(head),
        stranger_s=stranger,
    )
