"""Item 9: visibility across every resource. A seller of another department and a user of
another organisation get 404 for single reads and updates and do not see the rows in lists,
timelines or exports; a head of sales sees their department subtree; the admin sees all; a
substitute sees the absent colleague's records during the absence only.

Records are written straight to the database (each lane tests its own create API); every
read goes through HTTP."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from adapters.db.tables.activities import activities, comments, tasks
from adapters.db.tables.clients import contacts
from adapters.db.tables.staff import absences
from domain.platform.audit import AuditEntry
from tests.api.attachments.support import (
    API,
    World,
    insert,
    make_client,
    make_deal,
    upload,
    world,
)
from tests.factories import Factory, Session


@dataclass(slots=True)
class Records:
    """One of each resource, all the seller's (north)."""

    client: uuid.UUID
    contact: uuid.UUID
    deal: uuid.UUID
    task: uuid.UUID
    activity: uuid.UUID
    comment: uuid.UUID
    attachment: str


async def sellers_records(factory: Factory, w: World) -> Records:
    c = factory.container
    owner = w.seller.user
    client = await make_client(c, w.org, owner, name=f"ООО Видимость {uuid.uuid4().hex[:6]}")
    deal = await make_deal(c, w.org, owner, client)
    now = datetime.now(UTC)
    contact = await insert(
        c,
        contacts,
        organisation_id=w.org.id,
        client_id=client,
        full_name="Пётр Сидоров",
        name_key="пётр сидоров",
    )
    task = await insert(
        c,
        tasks,
        organisation_id=w.org.id,
        client_id=client,
        deal_id=deal,
        title="Перезвонить",
        assignee_id=owner.id,
        due_at=now + timedelta(days=1),
        created_by=owner.id,
    )
    activity = await insert(
        c,
        activities,
        organisation_id=w.org.id,
        client_id=client,
        deal_id=deal,
        kind="call",
        subject="Звонок",
        occurred_at=now,
        author_id=owner.id,
    )
    comment = await insert(
        c,
        comments,
        organisation_id=w.org.id,
        client_id=client,
        deal_id=deal,
        body="Обсуждение",
        author_id=owner.id,
    )
    async with c.uow() as uow:
        await uow.audit.add(
            AuditEntry(
                organisation_id=w.org.id,
                entity_type="client",
                entity_id=client,
                action="update",
                changes={"name": {"before": "a", "after": "b"}},
                actor_user_id=owner.id,
                actor_api_key_id=None,
                at=now,
            )
        )
        await uow.commit()
    attachment = await upload(factory, w.seller, deal_id=deal)
    assert attachment.status_code == 201, attachment.text
    return Records(
        client=client,
        contact=contact,
        deal=deal,
        task=task,
        activity=activity,
        comment=comment,
        attachment=attachment.json()["id"],
    )


def single_reads(r: Records) -> dict[str, str]:
    return {
        "client": f"/clients/{r.client}",
        "contact": f"/contacts/{r.contact}",
        "client contacts": f"/clients/{r.client}/contacts",
        "deal": f"/deals/{r.deal}",
        "deal stage history": f"/deals/{r.deal}/stage-history",
        "client relationship history": f"/clients/{r.client}/relationship-history",
        "task": f"/tasks/{r.task}",
        "activity": f"/activities/{r.activity}",
        "comment": f"/discussions/{r.comment}",
        "attachment": f"/attachments/{r.attachment}",
        "attachment content": f"/attachments/{r.attachment}/content",
        "client attachments": f"/attachments?client_id={r.client}",
        "deal attachments": f"/attachments?deal_id={r.deal}",
        "client timeline": f"/clients/{r.client}/timeline",
        "deal timeline": f"/deals/{r.deal}/timeline",
        "client audit": f"/clients/{r.client}/audit",
        "deal audit": f"/deals/{r.deal}/audit",
        "contact audit": f"/audit?entity_type=contact&entity_id={r.contact}",
        "deal comments": f"/discussions?deal_id={r.deal}",
    }


def updates(r: Records) -> dict[str, tuple[str, str, dict[str, Any] | None]]:
    return {
        "client": ("PATCH", f"/clients/{r.client}", {"sector": "Розница"}),
        "contact": ("PATCH", f"/contacts/{r.contact}", {"position": "Директор"}),
        "deal": ("PATCH", f"/deals/{r.deal}", {"title": "Чужая сделка"}),
        "task": ("PATCH", f"/tasks/{r.task}", {"title": "Чужая задача"}),
        "task completion": ("POST", f"/tasks/{r.task}/complete", None),
        "activity": ("PATCH", f"/activities/{r.activity}", {"subject": "Чужой звонок"}),
        "comment": ("PATCH", f"/discussions/{r.comment}", {"body": "Чужой комментарий"}),
        "attachment": ("DELETE", f"/attachments/{r.attachment}", None),
    }


# Lists: (path, JSON field holding the id, which record's id must be absent/present).
def lists(r: Records) -> dict[str, tuple[str, str]]:
    return {
        "clients": ("/clients?limit=200", str(r.client)),
        "contacts": ("/contacts?limit=200", str(r.contact)),
        "deals": ("/deals?limit=200", str(r.deal)),
        "tasks": ("/tasks?mine=false&limit=200", str(r.task)),
        "activities": ("/activities?limit=200", str(r.activity)),
    }


EXPORTS = ("/clients/export?format=csv", "/deals/export?format=csv")


async def status_of(factory: Factory, session: Session, path: str) -> int:
    response = await factory.client.get(API + path, headers=session.headers)
    return response.status_code


async def listed_ids(factory: Factory, session: Session, path: str) -> set[str] | int:
    response = await factory.client.get(API + path, headers=session.headers)
    if response.status_code != 200:
        return response.status_code
    body = response.json()
    items = body["items"] if isinstance(body, dict) else body
    return {str(item["id"]) for item in items}


async def exported(factory: Factory, session: Session, path: str) -> str:
    response = await factory.client.get(API + path, headers=session.headers)
    assert response.status_code == 200, (path, response.text)
    return response.content.decode("utf-8-sig")


@pytest.fixture
async def scene(factory: Factory) -> tuple[World, Records]:
    w = await world(factory)
    return w, await sellers_records(factory, w)


class TestStrangers:
    async def test_single_reads_are_404(
        self, factory: Factory, scene: tuple[World, Records]
    ) -> None:
        w, r = scene
        failures = []
        for who, session in (("rival", w.rival), ("junior", w.junior), ("outsider", w.outsider)):
            for name, path in single_reads(r).items():
                status = await status_of(factory, session, path)
                if status != 404:
                    failures.append((who, name, status))
        assert failures == []

    async def test_updates_are_404_and_change_nothing(
        self, factory: Factory, scene: tuple[World, Records]
    ) -> None:
        w, r = scene
        failures = []
        for who, session in (("rival", w.rival), ("outsider", w.outsider)):
            for name, (method, path, body) in updates(r).items():
                response = await factory.client.request(
                    method, API + path, json=body, headers=session.headers
                )
                if response.status_code != 404:
                    failures.append((who, name, response.status_code))
        assert failures == []
        # Still there and unchanged for the owner.
        deal = await factory.client.get(f"{API}/deals/{r.deal}", headers=w.seller.headers)
        assert deal.json()["title"] == "Поставка"
        assert await status_of(factory, w.seller, f"/attachments/{r.attachment}") == 200

    async def test_lists_do_not_show_the_rows(
        self, factory: Factory, scene: tuple[World, Records]
    ) -> None:
        w, r = scene
        failures = []
        for who, session in (("rival", w.rival), ("junior", w.junior), ("outsider", w.outsider)):
            for name, (path, ident) in lists(r).items():
                found = await listed_ids(factory, session, path)
                if isinstance(found, int) or ident in found:
                    failures.append((who, name, found if isinstance(found, int) else "listed"))
        assert failures == []

    async def test_exports_do_not_show_the_rows(
        self, factory: Factory, scene: tuple[World, Records]
    ) -> None:
        w, r = scene
        for session in (w.rival, w.outsider):
            clients_csv = await exported(factory, session, EXPORTS[0])
            deals_csv = await exported(factory, session, EXPORTS[1])
            assert str(r.client) not in clients_csv
            assert str(r.deal) not in deals_csv
        assert str(r.client) in await exported(factory, w.seller, EXPORTS[0])
        assert str(r.deal) in await exported(factory, w.seller, EXPORTS[1])


class TestWhoSees:
    async def test_the_owner_the_head_and_the_admin_read_everything(
        self, factory: Factory, scene: tuple[World, Records]
    ) -> None:
        w, r = scene
        failures = []
        for who, session in (("seller", w.seller), ("head", w.head_north), ("admin", w.admin)):
            for name, path in single_reads(r).items():
                status = await status_of(factory, session, path)
                if status != 200:
                    failures.append((who, name, status))
            for name, (path, ident) in lists(r).items():
                found = await listed_ids(factory, session, path)
                if isinstance(found, int) or ident not in found:
                    failures.append((who, name, found if isinstance(found, int) else "missing"))
        assert failures == []
        for session in (w.head_north, w.admin):
            assert str(r.deal) in await exported(factory, session, EXPORTS[1])
            assert str(r.client) in await exported(factory, session, EXPORTS[0])

    async def test_a_head_sees_the_subtree_but_not_other_departments(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        junior_deal = await make_deal(factory.container, w.org, w.junior.user)
        rival_deal = await make_deal(factory.container, w.org, w.rival.user)
        assert await status_of(factory, w.head_north, f"/deals/{junior_deal}") == 200
        assert await status_of(factory, w.head_north, f"/deals/{rival_deal}") == 404
        # A seller sees only their own, not a colleague's below them.
        assert await status_of(factory, w.seller, f"/deals/{junior_deal}") == 404
        listed = await listed_ids(factory, w.head_north, "/deals?limit=200")
        assert isinstance(listed, set)
        assert str(junior_deal) in listed
        assert str(rival_deal) not in listed
        assert await status_of(factory, w.admin, f"/deals/{rival_deal}") == 200


class TestSubstitute:
    async def absence(self, factory: Factory, w: World, starts: date, ends: date) -> None:
        await insert(
            factory.container,
            absences,
            organisation_id=w.org.id,
            user_id=w.seller.user.id,
            kind="vacation",
            starts_on=starts,
            ends_on=ends,
            substitute_id=w.rival.user.id,
            created_by=w.admin.user.id,
        )

    async def test_sees_the_absent_colleagues_records_during_the_absence(
        self, factory: Factory, scene: tuple[World, Records]
    ) -> None:
        w, r = scene
        today = datetime.now(UTC).date()
        await self.absence(factory, w, today - timedelta(days=1), today + timedelta(days=2))
        for path in (f"/deals/{r.deal}", f"/clients/{r.client}", f"/attachments/{r.attachment}"):
            assert await status_of(factory, w.rival, path) == 200, path
        listed = await listed_ids(factory, w.rival, "/deals?limit=200")
        assert isinstance(listed, set)
        assert str(r.deal) in listed

    async def test_sees_nothing_before_or_after_the_absence(
        self, factory: Factory, scene: tuple[World, Records]
    ) -> None:
        w, r = scene
        today = datetime.now(UTC).date()
        await self.absence(factory, w, today + timedelta(days=3), today + timedelta(days=10))
        await self.absence(factory, w, today - timedelta(days=10), today - timedelta(days=3))
        for path in (f"/deals/{r.deal}", f"/clients/{r.client}", f"/attachments/{r.attachment}"):
            assert await status_of(factory, w.rival, path) == 404, path
