"""The role matrix (issue 8, item 4): every built-in role against the API's operations, for
records that are the caller's own, a teammate's, another team's and another organisation's.

The operations come from the OpenAPI document, so a new endpoint cannot be forgotten:
``test_every_operation_has_an_entry`` fails until the operation has a row in ``MATRIX``. A row
says how to reach the operation for a record owner and what each role should get; the expected
status follows from the role's permissions and visibility in domain/staff/permissions.py:

- without the permission: 403;
- another organisation's record: 404;
- a record beyond the role's visibility (own / team / all): 404;
- otherwise the operation's success status.

The world (an organisation with a caller of every role in one department, a teammate there,
a seller of another department, and another organisation) is built once per module; records
are written straight to the database and reused by every cell, so the matrix stays fast.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from adapters.bootstrap import Container
from adapters.db.tables.activities import activities, comments, tasks
from domain.shared.scope import Visibility
from domain.staff.model import User
from domain.staff.permissions import BUILTIN_ROLES, Permission, Resource
from tests.api.attachments.support import API, insert, make_client, make_deal
from tests.factories import Factory, Org, Session

ROLES = tuple(BUILTIN_ROLES)
RELATIONS = ("own", "team", "other_team", "other_org")


@dataclass(frozen=True, slots=True)
class Records:
    client: uuid.UUID
    deal: uuid.UUID
    task: uuid.UUID
    activity: uuid.UUID
    comment: uuid.UUID
    attachment: str


@dataclass(frozen=True, slots=True)
class Owned:
    """An operation on one record: ``path`` from the owner's records, the permission (or any
    of several) it needs, the resource whose visibility decides, and the success status."""

    path: Callable[[Records], str]
    needs: tuple[Permission, ...]
    resource: Resource
    success: int = 200
    method: str = "GET"
    # Roles whose answer differs from the rule, with the reason, e.g. a deal's item for a
    # role that reads clients but not deals.
    overrides: dict[tuple[str, str], int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Collection:
    """An operation on no particular record: the permission decides (None: everyone)."""

    path: str
    needs: tuple[Permission, ...] | None
    success: int = 200


@dataclass(frozen=True, slots=True)
class Covered:
    """Exercised elsewhere (named), not in the cells here: public auth endpoints, writes whose
    per-role rules have their own tests, streams."""

    where: str


def _deal_item_for_non_deal_readers() -> dict[tuple[str, str], int]:
    """Roles that read clients but not deals see none of a deal's items: 404, not 403, since
    the record is simply not among those they can see."""
    return {
        (role, relation): 404
        for role, (_, permissions, _) in BUILTIN_ROLES.items()
        if Permission.DEALS_READ not in permissions and Permission.CLIENTS_READ in permissions
        for relation in RELATIONS
    }


_READ_ITEM = (Permission.CLIENTS_READ, Permission.DEALS_READ)

MATRIX: dict[str, Owned | Collection | Covered] = {
    # --- owned records, every relation ----------------------------------------------------
    "get_client": Owned(
        lambda r: f"/clients/{r.client}", (Permission.CLIENTS_READ,), Resource.CLIENTS
    ),
    "get_client_timeline": Owned(
        lambda r: f"/clients/{r.client}/timeline", (Permission.CLIENTS_READ,), Resource.CLIENTS
    ),
    "list_client_contacts": Owned(
        lambda r: f"/clients/{r.client}/contacts", (Permission.CLIENTS_READ,), Resource.CLIENTS
    ),
    "list_relationship_history": Owned(
        lambda r: f"/clients/{r.client}/relationship-history",
        (Permission.CLIENTS_READ,),
        Resource.CLIENTS,
    ),
    "get_deal": Owned(lambda r: f"/deals/{r.deal}", (Permission.DEALS_READ,), Resource.DEALS),
    "get_deal_timeline": Owned(
        lambda r: f"/deals/{r.deal}/timeline", (Permission.DEALS_READ,), Resource.DEALS
    ),
    "get_deal_stage_history": Owned(
        lambda r: f"/deals/{r.deal}/stage-history", (Permission.DEALS_READ,), Resource.DEALS
    ),
    "get_task": Owned(lambda r: f"/tasks/{r.task}", (Permission.TASKS_READ,), Resource.TASKS),
    "get_activity": Owned(
        lambda r: f"/activities/{r.activity}",
        _READ_ITEM,
        Resource.DEALS,
        overrides=_deal_item_for_non_deal_readers(),
    ),
    "get_comment": Owned(
        lambda r: f"/discussions/{r.comment}",
        _READ_ITEM,
        Resource.DEALS,
        overrides=_deal_item_for_non_deal_readers(),
    ),
    "get_attachment": Owned(
        lambda r: f"/attachments/{r.attachment}",
        _READ_ITEM,
        Resource.DEALS,
        overrides=_deal_item_for_non_deal_readers(),
    ),
    "download_attachment": Owned(
        lambda r: f"/attachments/{r.attachment}/content",
        _READ_ITEM,
        Resource.DEALS,
        overrides=_deal_item_for_non_deal_readers(),
    ),
    # --- collections ------------------------------------------------------------------------
    "list_clients": Collection("/clients", (Permission.CLIENTS_READ,)),
    "list_deals": Collection("/deals", (Permission.DEALS_READ,)),
    "list_tasks": Collection("/tasks", (Permission.TASKS_READ,)),
    "list_activities": Collection("/activities", _READ_ITEM),
    "list_users": Collection("/users", (Permission.USERS_READ,)),
    "list_api_keys": Collection("/api-keys", (Permission.API_KEYS_MANAGE,)),
    "list_webhook_endpoints": Collection("/webhooks", (Permission.WEBHOOKS_MANAGE,)),
    "get_my_profile": Collection("/users/me", None),
    "list_permissions": Collection("/permissions", None),
    "list_notifications": Collection("/notifications", None),
}


def _covered_elsewhere() -> dict[str, Covered]:
    """Every other operation, with the test module that covers its rules. Moving one into
    MATRIX above only makes the matrix stronger."""
    where = {
        "tests/api/auth": (
            "login refresh_tokens logout request_password_reset set_password "
            "list_api_keys create_api_key revoke_api_key"
        ),
        "tests/api/staff": (
            "update_my_profile invite_user list_users_on_duty get_user update_user "
            "deactivate_user activate_user get_organisation update_organisation list_roles "
            "create_role get_role update_role delete_role list_departments create_department "
            "get_department update_department delete_department get_user_schedule "
            "put_user_schedule list_absences create_absence get_absence update_absence "
            "delete_absence"
        ),
        "tests/api/platform": "list_jobs get_job healthz readyz list_audit_entries",
        "tests/api/attachments": (
            "upload_attachment list_attachments delete_attachment list_document_types "
            "create_document_type update_document_type"
        ),
        "tests/api/visibility/test_visibility.py": "list_client_audit list_deal_audit",
        "tests/api/activities": (
            "create_task export_tasks update_task delete_task complete_task reopen_task "
            "create_activity update_activity delete_activity list_comments create_comment "
            "update_comment delete_comment read_all_notifications read_notification "
            "stream_notifications reassign_user_work"
        ),
        "tests/api/clients": (
            "create_client export_clients list_client_duplicates rescan_client_duplicates "
            "update_client merge_clients "
            "record_inbound_request list_relationship_follow_ups create_relationship_follow_up "
            "update_relationship_follow_up delete_relationship_follow_up list_contacts "
            "create_contact create_client_contact get_contact update_contact delete_contact "
            "list_custom_fields create_custom_field update_custom_field delete_custom_field"
        ),
        "tests/api/funnels": (
            "list_funnels create_funnel get_funnel update_funnel delete_funnel add_stage "
            "update_stage delete_stage reorder_stages get_funnel_board list_loss_reasons "
            "create_loss_reason get_loss_reason update_loss_reason delete_loss_reason"
        ),
        "tests/api/deals": (
            "create_deal export_deals update_deal move_deal_stage win_deal lose_deal reopen_deal"
        ),
        "tests/api/webhooks": (
            "list_webhook_event_types create_webhook_endpoint get_webhook_endpoint "
            "update_webhook_endpoint delete_webhook_endpoint rotate_webhook_secret "
            "list_webhook_deliveries redeliver_webhook send_webhook_test"
        ),
    }
    return {op: Covered(module) for module, ops in where.items() for op in ops.split()}


TABLE: dict[str, Owned | Collection | Covered] = {**_covered_elsewhere(), **MATRIX}


def operation_ids(app: FastAPI) -> set[str]:
    return {
        operation["operationId"]
        for methods in app.openapi()["paths"].values()
        for method, operation in methods.items()
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_every_operation_has_an_entry(app: FastAPI) -> None:
    missing = sorted(operation_ids(app) - TABLE.keys())
    assert missing == [], f"add these operations to the role matrix: {missing}"
    stale = sorted(TABLE.keys() - operation_ids(app))
    assert stale == [], f"these matrix entries name no operation: {stale}"


# --- expectations from the role table ----------------------------------------------------

_REACHES = {
    Visibility.OWN: {"own"},
    Visibility.TEAM: {"own", "team"},
    Visibility.ALL: {"own", "team", "other_team"},
}


def _holds(role: str, needs: tuple[Permission, ...] | None) -> bool:
    if needs is None or role == "admin":
        return True
    permissions = BUILTIN_ROLES[role][1]
    return any(p in permissions for p in needs)


def expected(role: str, relation: str, entry: Owned) -> int:
    if (role, relation) in entry.overrides:
        return entry.overrides[(role, relation)]
    if not _holds(role, entry.needs):
        return 403
    if relation == "other_org":
        return 404
    reach = Visibility.ALL if role == "admin" else BUILTIN_ROLES[role][2][entry.resource]
    return entry.success if relation in _REACHES[reach] else 404


# --- the world, once per module ----------------------------------------------------------


@dataclass(slots=True)
class World:
    http: AsyncClient
    callers: dict[str, Session]
    # records by (role of the caller, relation)
    records: dict[tuple[str, str], Records]


async def _records(factory: Factory, org: Org, owner: User, admin: Session) -> Records:
    c = factory.container
    client = await make_client(c, org, owner, name=f"ООО Матрица {uuid.uuid4().hex[:6]}")
    deal = await make_deal(c, org, owner, client)
    now = datetime.now(UTC)
    common = {"organisation_id": org.id, "client_id": client, "deal_id": deal}
    task = await insert(
        c,
        tasks,
        **common,
        title="Перезвонить",
        assignee_id=owner.id,
        due_at=now + timedelta(days=1),
        created_by=owner.id,
    )
    activity = await insert(
        c, activities, **common, kind="call", subject="Звонок", occurred_at=now, author_id=owner.id
    )
    comment = await insert(c, comments, **common, body="Обсуждение", author_id=owner.id)
    # The organisation's admin uploads onto the owner's deal: the file is the deal's.
    uploaded = await factory.client.post(
        f"{API}/attachments",
        data={"document_type": "contract", "deal_id": str(deal)},
        files={"file": ("Договор.pdf", b"%PDF-1.4 matrix", "application/pdf")},
        headers=admin.headers,
    )
    assert uploaded.status_code == 201, uploaded.text
    return Records(
        client=client,
        deal=deal,
        task=task,
        activity=activity,
        comment=comment,
        attachment=uploaded.json()["id"],
    )


@pytest.fixture(scope="module")
async def matrix_world(app: FastAPI, container: Container) -> AsyncIterator[World]:
    ip = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
    transport = ASGITransport(app=app, client=(ip, 50000))
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        factory = Factory(container, http)
        org, admin = await factory.admin_session()
        north = await factory.department(org, "Север")
        south = await factory.department(org, "Юг")
        teammate = await factory.user(org, "seller", department=north)
        rival = await factory.user(org, "seller", department=south)
        other_org, other_admin = await factory.admin_session()
        stranger = await factory.user(other_org, "seller")
        shared = {
            "team": await _records(factory, org, teammate, admin),
            "other_team": await _records(factory, org, rival, admin),
            "other_org": await _records(factory, other_org, stranger, other_admin),
        }
        callers: dict[str, Session] = {}
        records: dict[tuple[str, str], Records] = {}
        for role in ROLES:
            user = await factory.user(org, role, department=north)
            callers[role] = await factory.login(user)
            records[(role, "own")] = await _records(factory, org, user, admin)
            for relation, found in shared.items():
                records[(role, relation)] = found
        yield World(http=http, callers=callers, records=records)


async def test_owned_records_answer_as_the_role_allows(matrix_world: World) -> None:
    w = matrix_world
    wrong = []
    for operation, entry in MATRIX.items():
        if not isinstance(entry, Owned):
            continue
        for role in ROLES:
            for relation in RELATIONS:
                path = entry.path(w.records[(role, relation)])
                response = await w.http.request(
                    entry.method, API + path, headers=w.callers[role].headers
                )
                want = expected(role, relation, entry)
                if response.status_code != want:
                    wrong.append((operation, role, relation, response.status_code, want))
    assert wrong == [], "\n".join(
        f"{op} as {role} on {relation}: got {got}, want {want}"
        for op, role, relation, got, want in wrong
    )


async def test_collections_answer_as_the_role_allows(matrix_world: World) -> None:
    w = matrix_world
    wrong = []
    for operation, entry in MATRIX.items():
        if not isinstance(entry, Collection):
            continue
        for role in ROLES:
            response = await w.http.get(API + entry.path, headers=w.callers[role].headers)
            want = entry.success if _holds(role, entry.needs) else 403
            if response.status_code != want:
                wrong.append((operation, role, response.status_code, want))
    assert wrong == [], "\n".join(
        f"{op} as {role}: got {got}, want {want}" for op, role, got, want in wrong
    )


def test_the_roles_in_the_matrix_are_the_built_in_ones() -> None:
    assert set(ROLES) == set(BUILTIN_ROLES)
    assert all(isinstance(v, Owned | Collection | Covered) for v in TABLE.values())
