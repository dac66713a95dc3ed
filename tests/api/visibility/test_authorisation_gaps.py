"""Issue 8, item 4: authorisation gaps, one regression test per gap (each failed before the
fix). Grants: a user hands out only what they hold. API keys: bounded by their creator as the
creator is now. Absences: absences:manage reaches the manager's department subtree, naming a
substitute never widens anyone's reach beyond the absent person's team, and the comment is for
the person, their heads and their managers. Items of a deal need deals:read, tasks tasks:read.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from adapters.db.tables.activities import activities, comments, tasks
from adapters.db.tables.deals import stage_moves
from tests.api.attachments.support import API, insert, make_client, make_deal, upload
from tests.factories import Factory, Org, Session


async def custom_role(
    factory: Factory,
    admin: Session,
    permissions: list[str],
    visibility: dict[str, str] | None = None,
) -> dict[str, Any]:
    response = await factory.client.post(
        f"{API}/roles",
        json={
            "name": f"Роль {uuid.uuid4().hex[:6]}",
            "permissions": permissions,
            **({"visibility": visibility} if visibility else {}),
        },
        headers=admin.headers,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def give_role(factory: Factory, admin: Session, user_id: uuid.UUID, role_id: str) -> None:
    response = await factory.client.patch(
        f"{API}/users/{user_id}", json={"role_id": role_id}, headers=admin.headers
    )
    assert response.status_code == 200, response.text


async def delegate(
    factory: Factory, permissions: list[str], visibility: dict[str, str] | None = None
) -> tuple[Org, Session, Session, dict[str, Any]]:
    """An organisation, its admin, and a user holding a custom role with ``permissions``."""
    org, admin = await factory.admin_session()
    role = await custom_role(factory, admin, permissions, visibility)
    user = await factory.user(org)
    await give_role(factory, admin, user.id, role["id"])
    return org, admin, await factory.login(user), role


class TestGrants:
    async def test_a_role_manager_creates_no_role_beyond_their_own(self, factory: Factory) -> None:
        _, _, manager, _ = await delegate(factory, ["roles:manage", "clients:read"])
        url = f"{API}/roles"
        wider = await factory.client.post(
            url,
            json={"name": "Шире", "permissions": ["clients:read", "deals:read"]},
            headers=manager.headers,
        )
        further = await factory.client.post(
            url,
            json={"name": "Дальше", "permissions": [], "visibility": {"clients": "all"}},
            headers=manager.headers,
        )
        within = await factory.client.post(
            url, json={"name": "Уже", "permissions": ["clients:read"]}, headers=manager.headers
        )
        assert (wider.status_code, further.status_code, within.status_code) == (403, 403, 201)

    async def test_a_role_manager_edits_neither_their_own_role_nor_a_stronger_one(
        self, factory: Factory
    ) -> None:
        org, _, manager, own = await delegate(factory, ["roles:manage"])
        raise_own = await factory.client.patch(
            f"{API}/roles/{own['id']}",
            json={"permissions": ["roles:manage", "users:manage"]},
            headers=manager.headers,
        )
        rename_seller = await factory.client.patch(
            f"{API}/roles/{org.roles['seller'].id}", json={"name": "x"}, headers=manager.headers
        )
        delete_seller = await factory.client.delete(
            f"{API}/roles/{org.roles['seller'].id}", headers=manager.headers
        )
        assert (raise_own.status_code, rename_seller.status_code) == (403, 403)
        assert delete_seller.status_code == 403

    async def test_a_user_manager_assigns_no_role_beyond_their_own(self, factory: Factory) -> None:
        org, _, manager, _ = await delegate(factory, ["users:manage", "users:read"])
        colleague = await factory.user(org, "telemarketer")
        statuses = []
        for code in ("admin", "seller"):
            response = await factory.client.patch(
                f"{API}/users/{colleague.id}",
                json={"role_id": str(org.roles[code].id)},
                headers=manager.headers,
            )
            statuses.append(response.status_code)
        own_role_to_self = await factory.client.patch(
            f"{API}/users/{manager.user.id}",
            json={"role_id": str(org.roles["marketer"].id)},
            headers=manager.headers,
        )
        assert statuses == [403, 403]
        assert own_role_to_self.status_code == 403

    async def test_a_user_manager_cannot_demote_or_lock_out_an_administrator(
        self, factory: Factory
    ) -> None:
        org, _, manager, own = await delegate(factory, ["users:manage", "users:read"])
        second_admin = await factory.user(org, "admin")
        demote = await factory.client.patch(
            f"{API}/users/{second_admin.id}", json={"role_id": own["id"]}, headers=manager.headers
        )
        lock_out = await factory.client.post(
            f"{API}/users/{second_admin.id}/deactivate", headers=manager.headers
        )
        assert (demote.status_code, lock_out.status_code) == (403, 403)

    async def test_invitations_carry_no_role_beyond_the_inviters(self, factory: Factory) -> None:
        org, _, manager, own = await delegate(factory, ["users:manage", "users:read"])

        async def invite(role_id: object) -> int:
            response = await factory.client.post(
                f"{API}/users/invitations",
                json={
                    "email": f"new.{uuid.uuid4().hex[:8]}@example.com",
                    "full_name": "Новый Сотрудник",
                    "role_id": str(role_id),
                },
                headers=manager.headers,
            )
            return response.status_code

        assert await invite(org.roles["admin"].id) == 403
        assert await invite(org.roles["seller"].id) == 403
        assert await invite(own["id"]) == 201


class TestApiKeys:
    async def key_of(self, factory: Factory, session: Session, permissions: list[str]) -> str:
        response = await factory.client.post(
            f"{API}/api-keys",
            json={"name": "Интеграция", "permissions": permissions},
            headers=session.headers,
        )
        assert response.status_code == 201, response.text
        key: str = response.json()["key"]
        return key

    async def test_a_key_sees_only_what_its_creator_sees(self, factory: Factory) -> None:
        org, _, integrator, _ = await delegate(
            factory, ["api_keys:manage", "clients:read", "deals:read"]
        )
        own = await make_client(factory.container, org, integrator.user)
        others = await make_client(factory.container, org, org.admin)
        key = {"X-API-Key": await self.key_of(factory, integrator, ["clients:read"])}
        mine = await factory.client.get(f"{API}/clients/{own}", headers=key)
        theirs = await factory.client.get(f"{API}/clients/{others}", headers=key)
        assert (mine.status_code, theirs.status_code) == (200, 404)
        listed = await factory.client.get(f"{API}/clients?limit=200", headers=key)
        assert {item["id"] for item in listed.json()["items"]} == {str(own)}

    async def test_a_key_stops_when_its_creator_is_deactivated(self, factory: Factory) -> None:
        _, admin, integrator, _ = await delegate(factory, ["api_keys:manage", "clients:read"])
        key = {"X-API-Key": await self.key_of(factory, integrator, ["clients:read"])}
        assert (await factory.client.get(f"{API}/clients", headers=key)).status_code == 200
        deactivated = await factory.client.post(
            f"{API}/users/{integrator.user.id}/deactivate", headers=admin.headers
        )
        assert deactivated.status_code == 200, deactivated.text
        assert (await factory.client.get(f"{API}/clients", headers=key)).status_code == 401

    async def test_a_key_loses_what_its_creator_loses(self, factory: Factory) -> None:
        _, admin, integrator, role = await delegate(
            factory, ["api_keys:manage", "clients:read", "deals:read"]
        )
        key = {"X-API-Key": await self.key_of(factory, integrator, ["clients:read", "deals:read"])}
        narrowed = await factory.client.patch(
            f"{API}/roles/{role['id']}",
            json={"permissions": ["api_keys:manage", "clients:read"]},
            headers=admin.headers,
        )
        assert narrowed.status_code == 200, narrowed.text
        assert (await factory.client.get(f"{API}/deals", headers=key)).status_code == 403
        assert (await factory.client.get(f"{API}/clients", headers=key)).status_code == 200
        await factory.client.patch(
            f"{API}/roles/{role['id']}",
            json={"permissions": ["clients:read"]},
            headers=admin.headers,
        )
        assert (await factory.client.get(f"{API}/clients", headers=key)).status_code == 401


async def absence_of(factory: Factory, session: Session, **body: Any) -> tuple[int, dict[str, Any]]:
    body.setdefault("kind", "vacation")
    body.setdefault("starts_on", "2031-03-01")
    body.setdefault("ends_on", "2031-03-10")
    body = {k: str(v) if k.endswith("_id") else v for k, v in body.items()}
    response = await factory.client.post(f"{API}/absences", json=body, headers=session.headers)
    return response.status_code, response.json()


class TestAbsences:
    async def scene(self, factory: Factory) -> dict[str, Any]:
        org, admin = await factory.admin_session()
        north = await factory.department(org, "Север")
        south = await factory.department(org, "Юг")
        head = await factory.user(org, "head_of_sales", department=north)
        async with factory.container.engine.begin() as conn:
            await conn.execute(
                sa.text("UPDATE departments SET head_id = :h WHERE id = :d"),
                {"h": head.id, "d": north.id},
            )
        north_sub = await factory.department(org, "Север-2", parent=north)
        assistant = await factory.user(org, "assistant", department=north)
        seller = await factory.user(org, "seller", department=north_sub)
        teammate = await factory.user(org, "seller", department=north_sub)
        rival = await factory.user(org, "seller", department=south)
        south_assistant = await factory.user(org, "assistant", department=south)
        return {
            "org": org,
            "admin": admin,
            "head": await factory.login(head),
            "assistant": await factory.login(assistant),
            "seller": await factory.login(seller),
            "teammate": teammate,
            "rival": await factory.login(rival),
            "south_assistant": await factory.login(south_assistant),
        }

    async def test_absences_manage_reaches_only_the_managers_subtree(
        self, factory: Factory
    ) -> None:
        s = await self.scene(factory)
        below, _ = await absence_of(factory, s["assistant"], user_id=s["seller"].user.id)
        elsewhere, _ = await absence_of(factory, s["assistant"], user_id=s["rival"].user.id)
        assert (below, elsewhere) == (201, 403)
        status, rivals = await absence_of(factory, s["rival"])
        assert status == 201
        url = f"{API}/absences/{rivals['id']}"
        edit = await factory.client.patch(
            url, json={"ends_on": "2031-03-05"}, headers=s["assistant"].headers
        )
        remove = await factory.client.delete(url, headers=s["assistant"].headers)
        assert (edit.status_code, remove.status_code) == (403, 403)

    async def test_the_substitute_comes_from_the_absent_persons_team(
        self, factory: Factory
    ) -> None:
        s = await self.scene(factory)
        outside, body = await absence_of(factory, s["seller"], substitute_id=s["rival"].user.id)
        assert outside == 422
        assert ["body", "substitute_id"] in [e["loc"] for e in body["errors"]]
        inside, _ = await absence_of(factory, s["seller"], substitute_id=s["teammate"].id)
        assert inside == 201
        # The absent person's head may approve someone from elsewhere.
        approved, _ = await absence_of(
            factory,
            s["head"],
            user_id=s["teammate"].id,
            substitute_id=s["rival"].user.id,
        )
        assert approved == 201

    async def test_recording_an_absence_never_widens_the_recorders_reach(
        self, factory: Factory
    ) -> None:
        s = await self.scene(factory)
        status, _ = await absence_of(
            factory,
            s["assistant"],
            user_id=s["seller"].user.id,
            substitute_id=s["assistant"].user.id,
        )
        assert status == 403

    async def test_the_comment_is_for_the_person_their_heads_and_managers(
        self, factory: Factory
    ) -> None:
        s = await self.scene(factory)
        status, absence = await absence_of(factory, s["seller"], comment="Операция")
        assert status == 201
        seen = {}
        for who in ("seller", "head", "assistant", "admin", "rival", "south_assistant"):
            one = await factory.client.get(
                f"{API}/absences/{absence['id']}", headers=s[who].headers
            )
            listed = await factory.client.get(
                f"{API}/absences?user_id={s['seller'].user.id}", headers=s[who].headers
            )
            assert one.status_code == 200, who
            assert listed.status_code == 200, who
            seen[who] = (one.json()["comment"], listed.json()["items"][0]["comment"])
        shown = ("Операция", "Операция")
        assert seen == {
            "seller": shown,
            "head": shown,
            "assistant": shown,
            "admin": shown,
            "rival": (None, None),
            "south_assistant": (None, None),
        }


class TestItemsNeedTheirPermission:
    async def scene(self, factory: Factory) -> dict[str, Any]:
        org, admin = await factory.admin_session()
        seller = await factory.user(org, "seller")
        c = factory.container
        client = await make_client(c, org, seller)
        deal = await make_deal(c, org, seller, client)
        now = datetime.now(UTC)
        common = {"organisation_id": org.id, "client_id": client}
        deal_activity = await insert(
            c,
            activities,
            **common,
            deal_id=deal,
            kind="call",
            subject="Звонок",
            occurred_at=now,
            author_id=seller.id,
        )
        client_activity = await insert(
            c,
            activities,
            **common,
            kind="note",
            subject="Заметка",
            occurred_at=now,
            author_id=seller.id,
        )
        deal_comment = await insert(
            c, comments, **common, deal_id=deal, body="по сделке", author_id=seller.id
        )
        task = await insert(
            c,
            tasks,
            **common,
            title="Позвонить",
            assignee_id=seller.id,
            due_at=now + timedelta(days=1),
            created_by=seller.id,
        )
        async with c.engine.begin() as conn:
            stage_id = (
                await conn.execute(sa.text("SELECT stage_id FROM deals WHERE id = :d"), {"d": deal})
            ).scalar_one()
        await insert(
            c,
            stage_moves,
            organisation_id=org.id,
            deal_id=deal,
            kind="created",
            to_stage_id=stage_id,
            to_status="open",
            at=now,
            by_user_id=seller.id,
        )
        file = await upload(factory, await factory.login(seller), deal_id=deal)
        assert file.status_code == 201, file.text
        marketer = await factory.user(org, "marketer")  # clients:read, sees all; no deals:read
        # Clients and deals, sees all; tasks: only their own (what automation rules give them).
        lawyer = await factory.user(org, "lawyer")
        return {
            "client": client,
            "deal": deal,
            "deal_activity": deal_activity,
            "client_activity": client_activity,
            "deal_comment": deal_comment,
            "task": task,
            "file": file.json()["id"],
            "marketer": await factory.login(marketer),
            "lawyer": await factory.login(lawyer),
            "admin": admin,
        }

    async def test_items_of_a_deal_need_deals_read(self, factory: Factory) -> None:
        s = await self.scene(factory)
        marketer = s["marketer"].headers
        get = factory.client.get
        assert (
            await get(f"{API}/activities/{s['deal_activity']}", headers=marketer)
        ).status_code == 404
        assert (
            await get(f"{API}/discussions/{s['deal_comment']}", headers=marketer)
        ).status_code == 404
        assert (await get(f"{API}/attachments/{s['file']}", headers=marketer)).status_code in (
            403,
            404,
        )
        by_deal = await get(f"{API}/discussions?deal_id={s['deal']}", headers=marketer)
        assert by_deal.status_code == 403
        listed = await get(f"{API}/activities", headers=marketer)
        assert {i["id"] for i in listed.json()["items"]} == {str(s["client_activity"])}
        timeline = await get(f"{API}/clients/{s['client']}/timeline", headers=marketer)
        assert timeline.status_code == 200, timeline.text
        kinds = {(i["kind"], i.get("deal_id")) for i in timeline.json()["items"]}
        assert all(deal_id is None for _, deal_id in kinds), kinds
        assert "stage_move" not in {k for k, _ in kinds}
        # The admin sees all of it, so the records are there.
        admin_timeline = await get(
            f"{API}/clients/{s['client']}/timeline", headers=s["admin"].headers
        )
        assert {"stage_move", "activity", "comment", "task"} <= {
            i["kind"] for i in admin_timeline.json()["items"]
        }

    async def test_tasks_in_timelines_need_tasks_read(self, factory: Factory) -> None:
        s = await self.scene(factory)
        # The marketer reads clients but holds no tasks:read (the lawyer has it now, for the
        # tasks automation rules give them).
        marketer = s["marketer"].headers
        response = await factory.client.get(
            f"{API}/clients/{s['client']}/timeline", headers=marketer
        )
        assert response.status_code == 200, response.text
        assert "task" not in {i["kind"] for i in response.json()["items"]}
        assert (
            await factory.client.get(f"{API}/tasks/{s['task']}", headers=marketer)
        ).status_code == 403
