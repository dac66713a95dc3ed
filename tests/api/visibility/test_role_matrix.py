"""The role matrix (issue 8, item 4): every built-in role against every API operation, for
records that are the caller's own, a teammate's, another team's and another organisation's.

The operations come from the OpenAPI document, so a new endpoint cannot be forgotten:
``test_every_operation_has_an_entry`` fails until the operation has exactly one row in
``TABLE``. A row is one of four kinds of check:

- ``Owned``: an operation on a record somebody owns (read, write, state change, delete, or a
  creation under it), sent for every role and relation. The expected status follows from the
  role's permissions and visibility in domain/staff/permissions.py: without the permission
  403; another organisation's record 404; a record beyond the role's visibility (own / team /
  all) 404; otherwise the operation's success status. Rules beyond that (only the author
  edits a comment, absences, personal notifications) are stated in the row.
- ``OrgLevel``: an organisation-level or settings operation (roles, users, funnels, webhooks,
  collections...): per role the success status or 403, and, for an operation on a record,
  another organisation's record id answers 404.
- ``Public``: needs no authentication (sign-in, password reset, health); checked to work
  without a token, with the reason.
- ``Stream``: the notification stream, checked for its status only.

A cell that changes or deletes its record and is expected to succeed gets a fresh record
(one INSERT, see matrix_world.py); every other cell reuses the module's world.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient, Response

from adapters.bootstrap import Container
from domain.shared.scope import Visibility
from domain.staff.permissions import BUILTIN_ROLES, Permission, Resource
from tests.api.attachments.support import API
from tests.api.visibility.matrix_world import (
    MATRIX_SCRIPT,
    Builder,
    Owner,
    Records,
    Settings,
    SettingsBuilder,
    absence_days,
)
from tests.factories import PASSWORD, Factory, Session

ROLES = tuple(BUILTIN_ROLES)
RELATIONS = ("own", "team", "other_team", "other_org")
P = Permission

Request = dict[str, Any]  # keyword arguments of httpx's request: json, data, files, params


@dataclass(frozen=True, slots=True)
class Owned:
    """An operation on one owner's record: ``path`` (and ``request``) from the owner's
    records, the permission (or any of several) it needs, and the success status."""

    path: Callable[[Records], str]
    needs: tuple[Permission, ...]
    success: int = 200
    method: str = "GET"
    request: Callable[[Records], Request] | None = None
    resource: Resource = Resource.DEALS
    # The record kind a successful cell consumes (Builder.fresh), for changes and deletes.
    fresh: str | None = None
    # Only the record's author may do this ("strict"), or the author and an admin ("admin").
    author_only: str | None = None
    # A rule other than permission + visibility: (role, relation) -> status.
    expect: Callable[[str, str], int] | None = None
    # Cells whose answer differs from the rule, with the reason at the definition.
    overrides: dict[tuple[str, str], int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OrgLevel:
    """An organisation-level operation: the permission decides (None: everyone). ``path``
    from the organisation's settings; when ``on_record``, the same request with another
    organisation's settings must answer 404."""

    path: Callable[[Settings], str]
    needs: tuple[Permission, ...] | None
    success: int = 200
    method: str = "GET"
    request: Callable[[Settings], Request] | None = None
    on_record: bool = True
    fresh: str | None = None
    # A rule other than the permission: role -> status.
    expect: Callable[[str], int] | None = None


@dataclass(frozen=True, slots=True)
class Public:
    """Works without authentication, for the reason given: sent with no token."""

    why: str
    send: Callable[[PublicContext], Awaitable[Response]]
    success: int


@dataclass(frozen=True, slots=True)
class Stream:
    """An endless response: the status of its start, per role, and 401 without a token."""

    path: str


Entry = Owned | OrgLevel | Public | Stream


_AUTOMATION_RULE = {
    "name": "Правило матрицы",
    "trigger": {"kind": "deal_won"},
    "actions": [{"kind": "notify", "recipient": {"kind": "responsible"}, "text": "Ура"}],
}


# Who reads call scripts: whoever works deals, leads or call lists, or manages scripts.
_SCRIPT_READERS = (
    P.SCRIPTS_MANAGE,
    P.DEALS_READ,
    P.CALL_LISTS_WORK,
    P.CALL_LISTS_MANAGE,
    P.INTAKE_WRITE,
)


def _at(path: str) -> Callable[[Settings], str]:
    return lambda _: path


def _call_list(success: int = 200) -> Callable[[str], int]:
    """An operation on a call list nobody works yet: its managers act on it; a telemarketer,
    who sees only the lists assigned to them, is told it is not there; anyone else has no call
    lists at all (tests/api/calllists)."""

    def expect(role: str) -> int:
        if _holds(role, (P.CALL_LISTS_MANAGE,)):
            return success
        return 404 if _holds(role, (P.CALL_LISTS_WORK,)) else 403

    return expect


def _calling(role: str) -> int:
    """Calling from a list takes call_lists:work and being assigned to it: an unassigned
    telemarketer does not see the list; an administrator sees it but is not its caller."""
    if not _holds(role, (P.CALL_LISTS_WORK,)):
        return 403
    return 404 if not _holds(role, (P.CALL_LISTS_MANAGE,)) else 403


def _recording(role: str) -> int:
    """An outcome on a number nobody was handed: whoever may call and sees the list (an
    administrator) finds no such number; an unassigned telemarketer does not see the list."""
    return 404 if _holds(role, (P.CALL_LISTS_WORK,)) else 403


def _json(body: dict[str, Any]) -> Callable[[Any], Request]:
    return lambda _: {"json": body}


def _tag() -> str:
    return uuid.uuid4().hex[:8]


# --- rules beyond permission + visibility -------------------------------------------------


def _permissions(role: str) -> frozenset[Permission]:
    return frozenset(Permission) if role == "admin" else BUILTIN_ROLES[role][1]


def _holds(role: str, needs: tuple[Permission, ...] | None) -> bool:
    if not needs:
        return True
    return any(p in _permissions(role) for p in needs)


_REACHES = {
    Visibility.OWN: {"own"},
    Visibility.TEAM: {"own", "team"},
    Visibility.ALL: {"own", "team", "other_team"},
}


def _reaches(role: str, relation: str, resource: Resource) -> bool:
    reach = Visibility.ALL if role == "admin" else BUILTIN_ROLES[role][2][resource]
    return relation in _REACHES[reach]


def _absence_read(role: str, relation: str) -> int:
    """One's own absence always; a colleague's with users:read."""
    if relation == "own":
        return 200
    if relation == "other_org" or P.USERS_READ not in _permissions(role):
        return 404
    return 200


def _absence_change(success: int) -> Callable[[str, str], int]:
    """One's own absence always; a colleague's with absences:manage over their department
    subtree (an admin: everyone's)."""

    def rule(role: str, relation: str) -> int:
        if relation == "own":
            return success
        if relation == "other_org" or P.USERS_READ not in _permissions(role):
            return 404
        if P.ABSENCES_MANAGE not in _permissions(role):
            return 403
        return success if role == "admin" or relation == "team" else 403

    return rule


def _own_only(role: str, relation: str) -> int:
    """A notification is its addressee's alone: anyone else's is not found."""
    return 200 if relation == "own" else 404


def _own_only_answering(success: int) -> Callable[[str, str], int]:
    """A saved filter is its owner's alone, whatever the role: anyone else's is not found."""
    return lambda role, relation: success if relation == "own" else 404


def _take(role: str, relation: str) -> int:
    """One's own lead is taken again (nothing changes); a lead someone else has taken is
    theirs (409) to whoever sees it."""
    if not _holds(role, (P.INTAKE_WRITE,)):
        return 403
    if relation == "other_org" or not _reaches(role, relation, Resource.DEALS):
        return 404
    return 200 if relation == "own" else 409


def _assign(role: str, relation: str) -> int:
    """Only a head (team or wider reach over deals) hands leads over, within that reach."""
    if not _holds(role, (P.INTAKE_WRITE,)):
        return 403
    reach = Visibility.ALL if role == "admin" else BUILTIN_ROLES[role][2][Resource.DEALS]
    if reach is Visibility.OWN:
        return 403
    if relation == "other_org" or not _reaches(role, relation, Resource.DEALS):
        return 404
    return 200


def _call_recording(role: str, relation: str) -> int:
    """An intake manager hears every call of the organisation; anyone else a call on a deal
    they see (with deals:read), as its timeline shows it; never 403: an unseen call is not
    found."""
    if relation == "other_org":
        return 404
    if _holds(role, (P.INTAKE_MANAGE,)):
        return 200
    if _holds(role, (P.DEALS_READ,)) and _reaches(role, relation, Resource.DEALS):
        return 200
    return 404


def _click_to_call(role: str, relation: str) -> int:
    """clients:read or deals:read to start a call; the deal named must be visible (404);
    then the organisation has no PBX to ask: 409."""
    if not _holds(role, (P.CLIENTS_READ, P.DEALS_READ)):
        return 403
    if relation == "other_org" or not _reaches(role, relation, Resource.DEALS):
        return 404
    return 409


def _call_review(role: str, relation: str) -> int:
    """calls:review first; then the call must be one the caller hears: every call for an
    intake manager, else the calls of the people whose deals they see."""
    if not _holds(role, (P.CALLS_REVIEW,)):
        return 403
    if relation == "other_org":
        return 404
    if _holds(role, (P.INTAKE_MANAGE,)) or _reaches(role, relation, Resource.DEALS):
        return 200
    return 404


def _plan_week() -> str:
    """A Monday of its own, so no two cells set the same plan."""
    return (date(2100, 1, 4) + timedelta(weeks=random.randint(0, 4000))).isoformat()


def _plan_setter(role: str) -> int:
    """The colleague is in no department: only an administrator reaches them; a head's own
    department is covered in tests/api/kpi/test_plans.py."""
    if not _holds(role, (P.KPI_MANAGE,)):
        return 403
    return 201 if role == "admin" else 422


def _loss_making_flag(role: str, relation: str) -> int:
    """The matrix's deal is open: only a won deal is flagged (409 to whoever may edit it)."""
    if not _holds(role, (P.DEALS_WRITE,)):
        return 403
    if relation == "other_org" or not _reaches(role, relation, Resource.DEALS):
        return 404
    return 409


def _job_reader(role: str) -> int:
    """The job was started by the admin: jobs:read_all reads it, anyone else not."""
    return 200 if P.JOBS_READ_ALL in _permissions(role) else 404


def _sees_all(role: str) -> int:
    """A client of the admin (who is in no department) is seen only with visibility all."""
    reach = Visibility.ALL if role == "admin" else BUILTIN_ROLES[role][2][Resource.CLIENTS]
    return 200 if P.CLIENTS_READ in _permissions(role) and reach is Visibility.ALL else 404


def _survey_link(role: str, relation: str) -> int:
    """403 without deals:write; otherwise 404: out of sight, or (the matrix's open deal) no
    survey to link to yet."""
    return 404 if _holds(role, (P.DEALS_WRITE,)) else 403


def _deal_item_for_non_deal_readers() -> dict[tuple[str, str], int]:
    """Roles that read clients but not deals see none of a deal's items: 404, not 403, since
    the record is simply not among those they can see."""
    return {
        (role, relation): 404
        for role, (_, permissions, _) in BUILTIN_ROLES.items()
        if P.DEALS_READ not in permissions and P.CLIENTS_READ in permissions
        for relation in RELATIONS
    }


def _unseen_as_invalid(
    needs: tuple[Permission, ...], resource: Resource = Resource.CLIENTS
) -> dict[tuple[str, str], int]:
    """A deal is created for a client named in the body (an invoice for a deal): a client the
    caller cannot see is "no such client" (422), the answer for one that does not exist,
    rather than 404."""
    return {
        (role, relation): 422
        for role in ROLES
        if _holds(role, needs)
        for relation in RELATIONS
        if not _reaches(role, relation, resource)
    }


_READ_ITEM = (P.CLIENTS_READ, P.DEALS_READ)
_DEAL_ITEM = _deal_item_for_non_deal_readers()

OWNED: dict[str, Owned] = {
    # --- clients ---------------------------------------------------------------------------
    "get_client": Owned(lambda r: f"/clients/{r.client}", (P.CLIENTS_READ,)),
    "update_client": Owned(
        lambda r: f"/clients/{r.client}", (P.CLIENTS_WRITE,), method="PATCH", request=_json({})
    ),
    "merge_clients": Owned(
        lambda r: f"/clients/{r.client}/merge",
        (P.CLIENTS_WRITE,),
        method="POST",
        request=lambda r: {"json": {"other_id": str(r.spare_client)}},
        fresh="clients",
    ),
    "record_inbound_request": Owned(
        lambda r: f"/clients/{r.client}/inbound-requests",
        (P.CLIENTS_WRITE,),
        201,
        method="POST",
        request=_json({"channel": "form"}),
    ),
    "get_client_timeline": Owned(lambda r: f"/clients/{r.client}/timeline", (P.CLIENTS_READ,)),
    "list_relationship_history": Owned(
        lambda r: f"/clients/{r.client}/relationship-history", (P.CLIENTS_READ,)
    ),
    "list_client_audit": Owned(lambda r: f"/clients/{r.client}/audit", (P.CLIENTS_READ,)),
    # --- contacts --------------------------------------------------------------------------
    "list_client_contacts": Owned(lambda r: f"/clients/{r.client}/contacts", (P.CLIENTS_READ,)),
    "create_client_contact": Owned(
        lambda r: f"/clients/{r.client}/contacts",
        (P.CLIENTS_WRITE,),
        201,
        method="POST",
        request=lambda _: {"json": {"full_name": f"Пётр {_tag()}"}},
    ),
    "create_contact": Owned(
        lambda _: "/contacts",
        (P.CLIENTS_WRITE,),
        201,
        method="POST",
        request=lambda r: {"json": {"full_name": f"Пётр {_tag()}", "client_id": str(r.client)}},
    ),
    "list_contacts": Owned(lambda r: f"/contacts?client_id={r.client}", (P.CLIENTS_READ,)),
    "get_contact": Owned(lambda r: f"/contacts/{r.contact}", (P.CLIENTS_READ,)),
    "update_contact": Owned(
        lambda r: f"/contacts/{r.contact}", (P.CLIENTS_WRITE,), method="PATCH", request=_json({})
    ),
    "delete_contact": Owned(
        lambda r: f"/contacts/{r.contact}",
        (P.CLIENTS_WRITE,),
        204,
        method="DELETE",
        fresh="contact",
    ),
    # --- deals -----------------------------------------------------------------------------
    "create_deal": Owned(
        lambda _: "/deals",
        (P.DEALS_WRITE,),
        201,
        method="POST",
        request=lambda r: {"json": {"client_id": str(r.client), "title": "Новая сделка"}},
        overrides=_unseen_as_invalid((P.DEALS_WRITE,)),
    ),
    "get_deal": Owned(lambda r: f"/deals/{r.deal}", (P.DEALS_READ,)),
    # The matrix's deal is open: it has no survey yet, so a caller who may reach it reads
    # null, and a link cannot be issued (tests/api/loyalty covers closed deals).
    "get_deal_survey": Owned(lambda r: f"/deals/{r.deal}/survey", (P.DEALS_READ,)),
    "issue_survey_link": Owned(
        lambda r: f"/deals/{r.deal}/survey/link",
        (P.DEALS_WRITE,),
        method="POST",
        expect=_survey_link,
    ),
    "update_deal": Owned(
        lambda r: f"/deals/{r.deal}", (P.DEALS_WRITE,), method="PATCH", request=_json({})
    ),
    "move_deal_stage": Owned(
        lambda r: f"/deals/{r.deal}/move",
        (P.DEALS_WRITE,),
        method="POST",
        request=lambda r: {"json": {"stage_id": str(r.next_stage)}},
        fresh="deal",
    ),
    "win_deal": Owned(
        lambda r: f"/deals/{r.deal}/win", (P.DEALS_WRITE,), method="POST", fresh="deal"
    ),
    "lose_deal": Owned(
        lambda r: f"/deals/{r.deal}/lose",
        (P.DEALS_WRITE,),
        method="POST",
        request=lambda r: {"json": {"loss_reason_id": str(r.loss_reason)}},
        fresh="deal",
    ),
    "reopen_deal": Owned(
        lambda r: f"/deals/{r.deal}/reopen", (P.DEALS_WRITE,), method="POST", fresh="closed_deal"
    ),
    "get_deal_timeline": Owned(lambda r: f"/deals/{r.deal}/timeline", (P.DEALS_READ,)),
    # The automation rules' runs on a deal: whoever sees the deal (tests/api/automation).
    "list_automation_runs": Owned(lambda r: f"/automation/runs?deal_id={r.deal}", (P.DEALS_READ,)),
    "get_deal_stage_history": Owned(lambda r: f"/deals/{r.deal}/stage-history", (P.DEALS_READ,)),
    "list_deal_audit": Owned(lambda r: f"/deals/{r.deal}/audit", (P.DEALS_READ,)),
    # --- karma: read with the client, adjusted with karma:manage, flagged by who may edit
    # the client or the (won) deal; setting and removing a flag again changes nothing ---
    "get_client_karma": Owned(lambda r: f"/clients/{r.client}/karma", (P.CLIENTS_READ,)),
    "list_client_karma_entries": Owned(
        lambda r: f"/clients/{r.client}/karma/entries", (P.CLIENTS_READ,)
    ),
    "adjust_client_karma": Owned(
        lambda r: f"/clients/{r.client}/karma/adjustments",
        (P.KARMA_MANAGE,),
        201,
        method="POST",
        request=_json({"points": "1", "reason": "матрица"}),
    ),
    "flag_client_public_conflict": Owned(
        lambda r: f"/clients/{r.client}/karma/public-conflict",
        (P.CLIENTS_WRITE,),
        method="PUT",
        request=_json({}),
    ),
    "unflag_client_public_conflict": Owned(
        lambda r: f"/clients/{r.client}/karma/public-conflict",
        (P.CLIENTS_WRITE,),
        204,
        method="DELETE",
    ),
    "list_deal_karma_flags": Owned(lambda r: f"/deals/{r.deal}/karma/flags", (P.DEALS_READ,)),
    "flag_deal_loss_making": Owned(
        lambda r: f"/deals/{r.deal}/karma/loss-making",
        (P.DEALS_WRITE,),
        method="PUT",
        request=_json({}),
        expect=_loss_making_flag,
    ),
    "unflag_deal_loss_making": Owned(
        lambda r: f"/deals/{r.deal}/karma/loss-making", (P.DEALS_WRITE,), 204, method="DELETE"
    ),
    # --- invoices (on the owner's deal): read with deals:read, changed with invoices:write ---
    "get_plan": Owned(lambda r: f"/kpi/plans/{r.plan}", ()),
    "update_plan": Owned(
        lambda r: f"/kpi/plans/{r.plan}",
        (P.KPI_MANAGE,),
        method="PATCH",
        request=_json({"target": "2000"}),
        fresh="plan",
    ),
    "delete_plan": Owned(
        lambda r: f"/kpi/plans/{r.plan}", (P.KPI_MANAGE,), 204, method="DELETE", fresh="plan"
    ),
    "list_deal_invoices": Owned(lambda r: f"/deals/{r.deal}/invoices", (P.DEALS_READ,)),
    "create_invoice": Owned(
        lambda _: "/invoices",
        (P.INVOICES_WRITE,),
        201,
        method="POST",
        request=lambda r: {"json": {"deal_id": str(r.deal), "amount": "10"}},
        overrides=_unseen_as_invalid((P.INVOICES_WRITE,), Resource.DEALS),
    ),
    "get_invoice": Owned(lambda r: f"/invoices/{r.invoice}", (P.DEALS_READ,)),
    "update_invoice": Owned(
        lambda r: f"/invoices/{r.invoice}", (P.INVOICES_WRITE,), method="PATCH", request=_json({})
    ),
    "cancel_invoice": Owned(
        lambda r: f"/invoices/{r.invoice}/cancel",
        (P.INVOICES_WRITE,),
        method="POST",
        fresh="unpaid_invoice",
    ),
    "record_invoice_payment": Owned(
        lambda r: f"/invoices/{r.invoice}/payments",
        (P.INVOICES_WRITE,),
        201,
        method="POST",
        request=_json({"amount": "1"}),
    ),
    "delete_invoice_payment": Owned(
        lambda r: f"/invoices/{r.invoice}/payments/{r.payment}",
        (P.INVOICES_WRITE,),
        method="DELETE",
        fresh="invoice",
    ),
    # --- tasks -----------------------------------------------------------------------------
    "create_task": Owned(
        lambda _: "/tasks",
        (P.TASKS_WRITE,),
        201,
        method="POST",
        request=lambda r: {"json": {"title": "Позвонить", "deal_id": str(r.deal)}},
    ),
    "get_task": Owned(lambda r: f"/tasks/{r.task}", (P.TASKS_READ,), resource=Resource.TASKS),
    "update_task": Owned(
        lambda r: f"/tasks/{r.task}",
        (P.TASKS_WRITE,),
        method="PATCH",
        request=_json({}),
        resource=Resource.TASKS,
    ),
    "complete_task": Owned(
        lambda r: f"/tasks/{r.task}/complete",
        (P.TASKS_WRITE,),
        method="POST",
        resource=Resource.TASKS,
        fresh="task",
    ),
    "reopen_task": Owned(
        lambda r: f"/tasks/{r.task}/reopen",
        (P.TASKS_WRITE,),
        method="POST",
        resource=Resource.TASKS,
        fresh="done_task",
    ),
    "delete_task": Owned(
        lambda r: f"/tasks/{r.task}",
        (P.TASKS_WRITE,),
        204,
        method="DELETE",
        resource=Resource.TASKS,
        fresh="task",
    ),
    # --- activities: anyone who reads the subject reads them; the author changes them ------
    "create_activity": Owned(
        lambda _: "/activities",
        (P.TASKS_WRITE,),
        201,
        method="POST",
        request=lambda r: {"json": {"kind": "note", "body": "Заметка", "deal_id": str(r.deal)}},
    ),
    "get_activity": Owned(lambda r: f"/activities/{r.activity}", _READ_ITEM, overrides=_DEAL_ITEM),
    "update_activity": Owned(
        lambda r: f"/activities/{r.activity}",
        (P.TASKS_WRITE,),
        method="PATCH",
        request=_json({}),
        author_only="admin",
    ),
    "delete_activity": Owned(
        lambda r: f"/activities/{r.activity}",
        (P.TASKS_WRITE,),
        204,
        method="DELETE",
        fresh="activity",
        author_only="admin",
    ),
    # --- discussions: only the author edits a comment; the author or an admin deletes it ---
    # Filtered by a deal, a list needs deals:read outright: 403 without it.
    "list_comments": Owned(lambda r: f"/discussions?deal_id={r.deal}", (P.DEALS_READ,)),
    "create_comment": Owned(
        lambda _: "/discussions",
        (P.COMMENTS_WRITE,),
        201,
        method="POST",
        request=lambda r: {"json": {"body": "Вопрос", "deal_id": str(r.deal)}},
    ),
    "get_comment": Owned(lambda r: f"/discussions/{r.comment}", _READ_ITEM, overrides=_DEAL_ITEM),
    "update_comment": Owned(
        lambda r: f"/discussions/{r.comment}",
        (P.COMMENTS_WRITE,),
        method="PATCH",
        request=_json({"body": "Исправлено"}),
        author_only="strict",
    ),
    "delete_comment": Owned(
        lambda r: f"/discussions/{r.comment}",
        (P.COMMENTS_WRITE,),
        204,
        method="DELETE",
        fresh="comment",
        author_only="admin",
    ),
    # --- attachments (on the owner's deal) -------------------------------------------------
    "upload_attachment": Owned(
        lambda _: "/attachments",
        (P.ATTACHMENTS_WRITE,),
        201,
        method="POST",
        request=lambda r: {
            "data": {"document_type": "contract", "deal_id": str(r.deal)},
            "files": {"file": ("Счёт.pdf", b"%PDF-1.4 cell", "application/pdf")},
        },
    ),
    "list_attachments": Owned(lambda r: f"/attachments?deal_id={r.deal}", (P.DEALS_READ,)),
    "get_attachment": Owned(
        lambda r: f"/attachments/{r.attachment}", _READ_ITEM, overrides=_DEAL_ITEM
    ),
    "download_attachment": Owned(
        lambda r: f"/attachments/{r.attachment}/content", _READ_ITEM, overrides=_DEAL_ITEM
    ),
    "delete_attachment": Owned(
        lambda r: f"/attachments/{r.attachment}",
        (P.ATTACHMENTS_WRITE,),
        204,
        method="DELETE",
        fresh="attachment",
    ),
    # --- call recordings (a PBX's call on the owner's deal) ---------------------------------
    "get_call_recording": Owned(
        lambda r: f"/intake/calls/{r.call}/recording",
        (P.INTAKE_MANAGE, P.DEALS_READ),
        expect=_call_recording,
    ),
    # No PBX in the matrix's organisations: whoever may start a call is told why none
    # starts (409 no-pbx-line); the record named must be one the caller sees.
    "click_to_call": Owned(
        lambda r: "/intake/click-to-call",
        (P.CLIENTS_READ, P.DEALS_READ),
        method="POST",
        request=lambda r: {"json": {"number": "+79165550190", "deal_id": str(r.deal)}},
        expect=_click_to_call,
    ),
    "review_call": Owned(
        lambda r: f"/intake/calls/{r.call}/review",
        (P.CALLS_REVIEW,),
        method="PUT",
        request=_json({"score": 4, "comment": "Матрица"}),
        expect=_call_review,
    ),
    # --- call scripts: which one applies to a deal, and the runs saved on it, as far as the
    # caller sees the deal ---
    "resolve_call_script": Owned(
        lambda r: f"/call-scripts/resolve?deal_id={r.deal}", _SCRIPT_READERS
    ),
    "list_call_script_runs": Owned(
        lambda r: f"/call-script-runs?deal_id={r.deal}", _SCRIPT_READERS
    ),
    "create_call_script_run": Owned(
        lambda _: "/call-script-runs",
        _SCRIPT_READERS,
        201,
        method="POST",
        request=lambda r: {
            "json": {
                "script_id": str(r.call_script),
                "deal_id": str(r.deal),
                "path": [
                    {
                        "step_id": "start",
                        "answer_id": "yes",
                        "at": datetime.now(UTC).isoformat(),
                    }
                ],
            }
        },
    ),
    # --- complaints: seen by their owner's reach (Resource.COMPLAINTS) --------------------
    # Recorded on a client: one the caller cannot see is 404 (tests/api/complaints).
    "create_complaint": Owned(
        lambda _: "/complaints",
        (P.COMPLAINTS_WRITE,),
        201,
        method="POST",
        request=lambda r: {
            "json": {"client_id": str(r.client), "kind": "service", "description": "Матрица"}
        },
        resource=Resource.CLIENTS,
    ),
    "get_complaint": Owned(
        lambda r: f"/complaints/{r.complaint}", (P.COMPLAINTS_READ,), resource=Resource.COMPLAINTS
    ),
    "update_complaint": Owned(
        lambda r: f"/complaints/{r.complaint}",
        (P.COMPLAINTS_WRITE,),
        method="PATCH",
        request=_json({}),
        resource=Resource.COMPLAINTS,
    ),
    "take_complaint_in_work": Owned(
        lambda r: f"/complaints/{r.complaint}/take",
        (P.COMPLAINTS_WRITE,),
        method="POST",
        resource=Resource.COMPLAINTS,
        fresh="complaint",
    ),
    "resolve_complaint": Owned(
        lambda r: f"/complaints/{r.complaint}/resolve",
        (P.COMPLAINTS_WRITE,),
        method="POST",
        request=_json({"resolution": "Заменили"}),
        resource=Resource.COMPLAINTS,
        fresh="complaint",
    ),
    "reject_complaint": Owned(
        lambda r: f"/complaints/{r.complaint}/reject",
        (P.COMPLAINTS_WRITE,),
        method="POST",
        request=_json({"resolution": "Не подтвердилось"}),
        resource=Resource.COMPLAINTS,
        fresh="complaint",
    ),
    # --- absences and notifications: personal records with their own rules -----------------
    "get_absence": Owned(lambda r: f"/absences/{r.absence}", (), expect=_absence_read),
    "update_absence": Owned(
        lambda r: f"/absences/{r.absence}",
        (),
        method="PATCH",
        request=_json({}),
        expect=_absence_change(200),
    ),
    "delete_absence": Owned(
        lambda r: f"/absences/{r.absence}",
        (),
        204,
        method="DELETE",
        fresh="absence",
        expect=_absence_change(204),
    ),
    "read_notification": Owned(
        lambda r: f"/notifications/{r.notification}/read", (), method="POST", expect=_own_only
    ),
    "preview_client_merge": Owned(
        lambda r: f"/clients/{r.client}/merge-preview?other_id={r.spare_client}",
        (P.CLIENTS_WRITE,),
    ),
    "update_saved_filter": Owned(
        lambda r: f"/saved-filters/{r.saved_filter}",
        (),
        method="PATCH",
        request=lambda _: {"json": {"name": f"Фильтр {_tag()}"}},
        expect=_own_only_answering(200),
    ),
    "delete_saved_filter": Owned(
        lambda r: f"/saved-filters/{r.saved_filter}",
        (),
        204,
        method="DELETE",
        fresh="saved_filter",
        expect=_own_only_answering(204),
    ),
    # --- the lead inbox: a lead the owner has taken --------------------------------------
    "get_lead": Owned(lambda r: f"/intake/leads/{r.lead}", (P.INTAKE_WRITE,)),
    "take_lead": Owned(
        lambda r: f"/intake/leads/{r.lead}/take", (P.INTAKE_WRITE,), method="POST", expect=_take
    ),
    "assign_lead": Owned(
        lambda r: f"/intake/leads/{r.lead}/assign",
        (P.INTAKE_WRITE,),
        method="POST",
        request=lambda r: {"json": {"assignee_id": str(r.holder)}},
        fresh="lead",
        expect=_assign,
    ),
    "convert_lead": Owned(
        lambda r: f"/intake/leads/{r.lead}/convert", (P.INTAKE_WRITE,), method="POST", fresh="lead"
    ),
    "mark_lead_spam": Owned(
        lambda r: f"/intake/leads/{r.lead}/spam", (P.INTAKE_WRITE,), method="POST", fresh="lead"
    ),
    # Who has a lead and its first response: whoever sees the holder's deals.
    "get_lead_assignment": Owned(lambda r: f"/intake/leads/{r.lead}/assignment", (P.DEALS_READ,)),
}

_WEEK = {"mon": {"starts": "09:00", "ends": "18:00"}}
_ORG = (P.ORGANISATION_MANAGE,)
_MARKETING_READ = (P.REPORTS_READ, P.MARKETING_MANAGE)
_INTAKE = (P.INTAKE_MANAGE,)

ORG_LEVEL: dict[str, OrgLevel] = {
    # --- me, and everyone's collections ----------------------------------------------------
    "get_my_profile": OrgLevel(_at("/users/me"), None, on_record=False),
    "update_my_profile": OrgLevel(
        _at("/users/me"), None, method="PATCH", request=_json({}), on_record=False
    ),
    "list_permissions": OrgLevel(_at("/permissions"), None, on_record=False),
    "list_notifications": OrgLevel(_at("/notifications"), None, on_record=False),
    "read_all_notifications": OrgLevel(
        _at("/notifications/read-all"), None, method="POST", on_record=False
    ),
    "list_jobs": OrgLevel(_at("/jobs"), None, on_record=False),
    "get_job": OrgLevel(lambda s: f"/jobs/{s.job}", None, expect=_job_reader),
    "list_clients": OrgLevel(_at("/clients"), (P.CLIENTS_READ,), on_record=False),
    "export_clients": OrgLevel(_at("/clients/export"), (P.CLIENTS_READ,), on_record=False),
    "create_client": OrgLevel(
        _at("/clients"),
        (P.CLIENTS_WRITE,),
        201,
        method="POST",
        request=lambda _: {"json": {"name": f"ООО Новый {_tag()}"}},
        on_record=False,
    ),
    "count_clients": OrgLevel(_at("/clients/count"), (P.CLIENTS_READ,), on_record=False),
    # Everyone keeps their own saved filters (update and delete are owned rows above).
    "list_saved_filters": OrgLevel(_at("/saved-filters?list=clients"), None, on_record=False),
    "create_saved_filter": OrgLevel(
        _at("/saved-filters"),
        None,
        201,
        method="POST",
        request=lambda _: {
            "json": {"list": "deals", "name": f"Фильтр {_tag()}", "query": "stale=true"}
        },
        on_record=False,
    ),
    "list_client_duplicates": OrgLevel(
        _at("/clients/duplicates"), (P.CLIENTS_READ,), on_record=False
    ),
    "rescan_client_duplicates": OrgLevel(
        _at("/clients/duplicates/rescan"), _ORG, 202, method="POST", on_record=False
    ),
    "list_deals": OrgLevel(_at("/deals"), (P.DEALS_READ,), on_record=False),
    # --- call scripts: read by whoever works deals or call lists, written with scripts:manage,
    # the report with it or reports:read (tests/api/callscripts) ---
    "list_call_scripts": OrgLevel(_at("/call-scripts"), _SCRIPT_READERS, on_record=False),
    "create_call_script": OrgLevel(
        _at("/call-scripts"),
        (P.SCRIPTS_MANAGE,),
        201,
        method="POST",
        request=_json(MATRIX_SCRIPT),
        on_record=False,
    ),
    "get_call_script": OrgLevel(lambda s: f"/call-scripts/{s.call_script}", _SCRIPT_READERS),
    "replace_call_script": OrgLevel(
        lambda s: f"/call-scripts/{s.call_script}",
        (P.SCRIPTS_MANAGE,),
        method="PUT",
        request=_json(MATRIX_SCRIPT),
    ),
    "assign_call_script": OrgLevel(
        lambda s: f"/call-scripts/{s.call_script}/assignments",
        (P.SCRIPTS_MANAGE,),
        method="PUT",
        request=_json({}),
    ),
    "get_call_script_report": OrgLevel(
        lambda s: f"/call-scripts/{s.call_script}/report?from=2026-11-01&to=2026-11-30",
        (P.SCRIPTS_MANAGE, P.REPORTS_READ),
    ),
    # The complaints and their figures of the owners the caller sees (tests/api/complaints).
    "list_complaints": OrgLevel(_at("/complaints"), (P.COMPLAINTS_READ,), on_record=False),
    "get_complaints_report": OrgLevel(
        _at("/complaints/report?from=2026-11-01&to=2026-11-30"),
        (P.COMPLAINTS_READ,),
        on_record=False,
    ),
    "export_deals": OrgLevel(_at("/deals/export"), (P.DEALS_READ,), on_record=False),
    "deal_totals": OrgLevel(_at("/deals/totals"), (P.DEALS_READ,), on_record=False),
    "list_invoices": OrgLevel(_at("/invoices"), (P.DEALS_READ,), on_record=False),
    "list_payments": OrgLevel(_at("/payments"), (P.DEALS_READ,), on_record=False),
    # Figures over the deals the caller sees (tests/api/analytics checks who sees which).
    "get_nps": OrgLevel(
        _at("/kpi/nps?from=2026-11-01&to=2026-11-30"), (P.DEALS_READ,), on_record=False
    ),
    "get_funnel_analytics": OrgLevel(
        _at("/analytics/funnel?from=2026-11-01&to=2026-11-30"), (P.DEALS_READ,), on_record=False
    ),
    "get_sales_structure": OrgLevel(
        _at("/analytics/sales?from=2026-11-01&to=2026-11-30"), (P.DEALS_READ,), on_record=False
    ),
    # Over the employees the caller sees (tests/api/analytics/test_work_time.py).
    "get_work_time_map": OrgLevel(
        _at("/analytics/work-time?from=2026-11-01&to=2026-11-30"),
        (P.DEALS_READ,),
        on_record=False,
    ),
    # --- kpi: plans are read within the deals scope, set with kpi:manage; fulfilment needs
    # only signing in (its rows follow the scope) and the leaderboard is open by design ---
    "list_plans": OrgLevel(_at("/kpi/plans"), None, on_record=False),
    "create_plan": OrgLevel(
        _at("/kpi/plans"),
        (P.KPI_MANAGE,),
        201,
        method="POST",
        request=lambda s: {
            "json": {
                "user_id": str(s.user),
                "metric": "calls",
                "period_kind": "week",
                "period_start": _plan_week(),
                "target": "10",
            }
        },
        on_record=False,
        expect=_plan_setter,
    ),
    "get_fulfilment": OrgLevel(
        _at("/kpi/fulfilment?period=month&start=2026-12-01"), None, on_record=False
    ),
    "get_leaderboard": OrgLevel(
        _at("/kpi/leaderboard?period=month&start=2026-12-01"), None, on_record=False
    ),
    # --- karma: the rules are read by everyone and changed with karma:manage (a job
    # recalculates every client); the sector averages are an aggregate over all clients ---
    "get_karma_rules": OrgLevel(_at("/karma/rules"), None, on_record=False),
    "update_karma_rules": OrgLevel(
        _at("/karma/rules"),
        (P.KARMA_MANAGE,),
        method="PUT",
        request=_json({"rules": [{"kind": "lost_tender", "weight": "-10"}]}),
        on_record=False,
    ),
    # --- employee karma: read by everyone (rows follow the deals scope), criteria changed and
    # months closed with karma:manage (tests/api/karma/test_employee_karma.py) ---
    "get_employee_karma_rules": OrgLevel(_at("/karma/employee-rules"), None, on_record=False),
    "put_employee_karma_rules": OrgLevel(
        _at("/karma/employee-rules"),
        (P.KARMA_MANAGE,),
        method="PUT",
        request=_json(
            {
                "weights": {
                    "won_deal": "10",
                    "upsell": "5",
                    "promoter": "3",
                    "detractor": "-3",
                    "plan_fulfilment": "20",
                    "overdue_task": "-2",
                },
                "bonus_per_point": "100",
            }
        ),
        on_record=False,
    ),
    "get_employee_karma": OrgLevel(_at("/karma/employees?month=2026-11-01"), None, on_record=False),
    "list_karma_periods": OrgLevel(_at("/karma/periods"), None, on_record=False),
    "close_karma_period": OrgLevel(
        _at("/karma/periods/2026-10-01/close"), (P.KARMA_MANAGE,), method="POST", on_record=False
    ),
    # A month the matrix never closes: who may read statements is told there is none.
    "get_bonus_statement": OrgLevel(
        _at("/karma/periods/2026-09-01/bonus-statement.xlsx"),
        (P.KARMA_MANAGE, P.REPORTS_READ),
        on_record=False,
        expect=lambda role: 404 if _holds(role, (P.KARMA_MANAGE, P.REPORTS_READ)) else 403,
    ),
    "list_karma_sectors": OrgLevel(_at("/karma/sectors"), (P.CLIENTS_READ,), on_record=False),
    # --- retention: ABC over the deals the caller sees, sleeping clients over the clients
    # they see (tests/api/retention checks who sees which); settings and cross-sell rules are
    # read by everyone and changed by who manages the organisation ---
    "get_abc_report": OrgLevel(_at("/retention/abc"), (P.DEALS_READ,), on_record=False),
    "list_sleeping_clients": OrgLevel(
        _at("/retention/sleeping"), (P.CLIENTS_READ,), on_record=False
    ),
    "get_retention_settings": OrgLevel(_at("/retention/settings"), None, on_record=False),
    "put_retention_settings": OrgLevel(
        _at("/retention/settings"),
        _ORG,
        method="PUT",
        request=_json({"abc_a_share": "80", "abc_b_share": "15", "sleeping_days": 90}),
        on_record=False,
    ),
    "list_cross_sell_rules": OrgLevel(_at("/retention/cross-sell-rules"), None, on_record=False),
    "create_cross_sell_rule": OrgLevel(
        _at("/retention/cross-sell-rules"),
        _ORG,
        201,
        method="POST",
        request=lambda _: {
            "json": {"product_pattern": f"Товар {_tag()}", "after_days": 7, "suggestion": "Сервис"}
        },
        on_record=False,
    ),
    "update_cross_sell_rule": OrgLevel(
        lambda s: f"/retention/cross-sell-rules/{s.cross_sell_rule}",
        _ORG,
        method="PATCH",
        request=_json({"after_days": 14}),
    ),
    "delete_cross_sell_rule": OrgLevel(
        lambda s: f"/retention/cross-sell-rules/{s.cross_sell_rule}",
        _ORG,
        204,
        method="DELETE",
        fresh="cross_sell_rule",
    ),
    # --- marketing: costs are entered with marketing:manage and read with it or
    # reports:read; the report's deals follow the deals scope (tests/api/marketing) ---
    "list_marketing_costs": OrgLevel(_at("/marketing/costs"), _MARKETING_READ, on_record=False),
    "create_marketing_cost": OrgLevel(
        _at("/marketing/costs"),
        (P.MARKETING_MANAGE,),
        201,
        method="POST",
        # Not 2026-10: close_karma_period closes it, and a closed month's costs stay as they are.
        request=lambda _: {
            "json": {"month": "2026-11-01", "source": f"Источник {_tag()}", "amount": "10"}
        },
        on_record=False,
    ),
    "update_marketing_cost": OrgLevel(
        lambda s: f"/marketing/costs/{s.marketing_cost}",
        (P.MARKETING_MANAGE,),
        method="PATCH",
        request=_json({"amount": "150"}),
    ),
    "delete_marketing_cost": OrgLevel(
        lambda s: f"/marketing/costs/{s.marketing_cost}",
        (P.MARKETING_MANAGE,),
        204,
        method="DELETE",
        fresh="marketing_cost",
    ),
    "get_marketing_effectiveness": OrgLevel(
        _at("/marketing/effectiveness?from=2026-11-01&to=2026-11-30"),
        _MARKETING_READ,
        on_record=False,
    ),
    # --- call lists: heads (call_lists:manage) make and fill them, telemarketers
    # (call_lists:work) work the ones assigned to them (tests/api/calllists) ---
    "list_call_lists": OrgLevel(
        _at("/call-lists"), (P.CALL_LISTS_MANAGE, P.CALL_LISTS_WORK), on_record=False
    ),
    "get_call_list_agents": OrgLevel(
        _at("/call-lists/agents"), (P.CALL_LISTS_MANAGE, P.CALL_LISTS_WORK), on_record=False
    ),
    "create_call_list": OrgLevel(
        _at("/call-lists"),
        (P.CALL_LISTS_MANAGE,),
        201,
        method="POST",
        request=lambda _: {"json": {"name": f"Обзвон {_tag()}"}},
        on_record=False,
    ),
    "get_call_list": OrgLevel(lambda s: f"/call-lists/{s.call_list}", None, expect=_call_list()),
    "update_call_list": OrgLevel(
        lambda s: f"/call-lists/{s.call_list}",
        None,
        method="PATCH",
        request=_json({"description": "Матрица"}),
        expect=_call_list(),
    ),
    "add_call_list_clients": OrgLevel(
        lambda s: f"/call-lists/{s.call_list}/items/from-clients",
        None,
        method="POST",
        request=_json({"tags": ["матрица"]}),
        expect=_call_list(),
    ),
    "add_call_list_entries": OrgLevel(
        lambda s: f"/call-lists/{s.call_list}/items",
        None,
        method="POST",
        request=_json({"entries": [{"phone": "+79120000001"}]}),
        expect=_call_list(),
    ),
    "upload_call_list_entries": OrgLevel(
        lambda s: f"/call-lists/{s.call_list}/items/upload",
        None,
        method="POST",
        request=lambda _: {"files": {"file": ("list.csv", b"phone\n+79120000002\n", "text/csv")}},
        expect=_call_list(202),
    ),
    "list_call_list_items": OrgLevel(
        lambda s: f"/call-lists/{s.call_list}/items", None, expect=_call_list()
    ),
    "get_call_list_list_agents": OrgLevel(
        lambda s: f"/call-lists/{s.call_list}/agents", None, expect=_call_list()
    ),
    "next_call_list_item": OrgLevel(
        lambda s: f"/call-lists/{s.call_list}/next", None, method="POST", expect=_calling
    ),
    "record_call_list_outcome": OrgLevel(
        lambda s: f"/call-lists/{s.call_list}/items/{uuid.uuid4()}/outcome",
        None,
        method="POST",
        request=_json({"outcome": "no_answer"}),
        expect=_recording,
    ),
    # --- spreadsheet imports: imports:run (with clients:write or deals:write, which every
    # holder has); the organisation's imports, whoever uploaded them (tests/api/imports) ---
    "upload_import": OrgLevel(
        _at("/imports"),
        (P.IMPORTS_RUN,),
        201,
        method="POST",
        request=lambda _: {
            "data": {"entity": "clients"},
            "files": {"file": ("c.csv", f"Клиент\nИмпорт {_tag()}\n".encode(), "text/csv")},
        },
        on_record=False,
    ),
    "list_imports": OrgLevel(_at("/imports"), (P.IMPORTS_RUN,), on_record=False),
    "get_import": OrgLevel(lambda s: f"/imports/{s.spreadsheet_import}", (P.IMPORTS_RUN,)),
    "list_import_issues": OrgLevel(
        lambda s: f"/imports/{s.spreadsheet_import}/issues", (P.IMPORTS_RUN,)
    ),
    "set_import_mapping": OrgLevel(
        lambda s: f"/imports/{s.spreadsheet_import}/mapping",
        (P.IMPORTS_RUN,),
        method="PUT",
        request=_json({"mapping": {"0": "name"}, "on_duplicate": "flag"}),
    ),
    "dry_run_import": OrgLevel(
        lambda s: f"/imports/{s.spreadsheet_import}/dry-run",
        (P.IMPORTS_RUN,),
        202,
        method="POST",
        fresh="spreadsheet_import",
    ),
    "run_import": OrgLevel(
        lambda s: f"/imports/{s.spreadsheet_import}/run",
        (P.IMPORTS_RUN,),
        202,
        method="POST",
        fresh="spreadsheet_import",
    ),
    # The shared import is not running: nothing to cancel (409) for whoever may import.
    "cancel_import": OrgLevel(
        lambda s: f"/imports/{s.spreadsheet_import}/cancel",
        (P.IMPORTS_RUN,),
        method="POST",
        expect=lambda role: 409 if P.IMPORTS_RUN in _permissions(role) else 403,
    ),
    "list_tasks": OrgLevel(_at("/tasks"), (P.TASKS_READ,), on_record=False),
    # Everyone has a day; the sections they may not read come back empty (test_today.py).
    "get_today": OrgLevel(_at("/today"), None, on_record=False),
    "export_tasks": OrgLevel(_at("/tasks/export"), (P.TASKS_READ,), on_record=False),
    "list_activities": OrgLevel(_at("/activities"), _READ_ITEM, on_record=False),
    "list_absences": OrgLevel(_at("/absences"), None, on_record=False),
    "create_absence": OrgLevel(
        _at("/absences"),
        None,
        201,
        method="POST",
        request=lambda _: {
            "json": dict(zip(("starts_on", "ends_on"), absence_days(), strict=True))
            | {"kind": "vacation"}
        },
        on_record=False,
    ),
    # --- staff -----------------------------------------------------------------------------
    "list_users": OrgLevel(_at("/users"), (P.USERS_READ,), on_record=False),
    "list_users_on_duty": OrgLevel(_at("/users/on-duty"), (P.USERS_READ,), on_record=False),
    "invite_user": OrgLevel(
        _at("/users/invitations"),
        (P.USERS_MANAGE,),
        201,
        method="POST",
        request=lambda s: {
            "json": {
                "email": f"invited.{_tag()}@example.com",
                "full_name": "Приглашённый",
                "role_id": str(s.seller_role),
            }
        },
        on_record=False,
    ),
    "get_user": OrgLevel(lambda s: f"/users/{s.user}", (P.USERS_READ,)),
    "update_user": OrgLevel(
        lambda s: f"/users/{s.user}", (P.USERS_MANAGE,), method="PATCH", request=_json({})
    ),
    "deactivate_user": OrgLevel(
        lambda s: f"/users/{s.user}/deactivate", (P.USERS_MANAGE,), method="POST", fresh="user"
    ),
    "activate_user": OrgLevel(
        lambda s: f"/users/{s.inactive_user}/activate",
        (P.USERS_MANAGE,),
        method="POST",
        fresh="inactive_user",
    ),
    "get_user_schedule": OrgLevel(lambda s: f"/users/{s.user}/schedule", (P.USERS_READ,)),
    "put_user_schedule": OrgLevel(
        lambda s: f"/users/{s.user}/schedule",
        (P.SCHEDULES_MANAGE,),
        method="PUT",
        request=_json({"time_zone": "Europe/Moscow", "days": _WEEK}),
        # The user is in no department, so only an administrator reaches them; a manager's
        # own subtree is covered in tests/api/staff/test_schedules.py.
        expect=lambda role: 200 if role == "admin" else 403,
    ),
    "reassign_user_work": OrgLevel(
        lambda s: f"/users/{s.user}/reassign",
        (P.USERS_MANAGE,),
        method="POST",
        request=lambda s: {"json": {"to_user_id": str(s.successor)}},
    ),
    "get_organisation": OrgLevel(_at("/organisation"), None, on_record=False),
    "update_organisation": OrgLevel(
        _at("/organisation"), _ORG, method="PATCH", request=_json({}), on_record=False
    ),
    "list_roles": OrgLevel(_at("/roles"), None, on_record=False),
    "create_role": OrgLevel(
        _at("/roles"),
        (P.ROLES_MANAGE,),
        201,
        method="POST",
        request=lambda _: {"json": {"name": f"Роль {_tag()}"}},
        on_record=False,
    ),
    "get_role": OrgLevel(lambda s: f"/roles/{s.role}", None),
    "update_role": OrgLevel(
        lambda s: f"/roles/{s.role}", (P.ROLES_MANAGE,), method="PATCH", request=_json({})
    ),
    "delete_role": OrgLevel(
        lambda s: f"/roles/{s.role}", (P.ROLES_MANAGE,), 204, method="DELETE", fresh="role"
    ),
    "list_departments": OrgLevel(_at("/departments"), None, on_record=False),
    "create_department": OrgLevel(
        _at("/departments"),
        (P.DEPARTMENTS_MANAGE,),
        201,
        method="POST",
        request=lambda _: {"json": {"name": f"Отдел {_tag()}"}},
        on_record=False,
    ),
    "get_department": OrgLevel(lambda s: f"/departments/{s.department}", None),
    "update_department": OrgLevel(
        lambda s: f"/departments/{s.department}",
        (P.DEPARTMENTS_MANAGE,),
        method="PATCH",
        request=_json({}),
    ),
    "delete_department": OrgLevel(
        lambda s: f"/departments/{s.department}",
        (P.DEPARTMENTS_MANAGE,),
        204,
        method="DELETE",
        fresh="department",
    ),
    # Settings' audit needs audit:read; another organisation's role simply has no entries.
    "list_audit_entries": OrgLevel(
        lambda s: f"/audit?entity_type=role&entity_id={s.role}", (P.AUDIT_READ,), on_record=False
    ),
    # A record's audit follows the record: the admin's client, seen by whoever sees all.
    "list_audit_entries#record": OrgLevel(
        lambda s: f"/audit?entity_type=client&entity_id={s.client}", None, expect=_sees_all
    ),
    # --- funnels and loss reasons ----------------------------------------------------------
    "list_funnels": OrgLevel(_at("/funnels"), (P.DEALS_READ,), on_record=False),
    "create_funnel": OrgLevel(
        _at("/funnels"),
        _ORG,
        201,
        method="POST",
        request=lambda _: {"json": {"name": f"Воронка {_tag()}", "stages": [{"name": "Один"}]}},
        on_record=False,
    ),
    "get_funnel": OrgLevel(lambda s: f"/funnels/{s.funnel}", (P.DEALS_READ,)),
    "get_funnel_board": OrgLevel(lambda s: f"/funnels/{s.funnel}/board", (P.DEALS_READ,)),
    "get_funnel_board_column": OrgLevel(
        lambda s: f"/funnels/{s.funnel}/board/columns/{s.stages[0]}", (P.DEALS_READ,)
    ),
    "update_funnel": OrgLevel(
        lambda s: f"/funnels/{s.funnel}", _ORG, method="PATCH", request=_json({})
    ),
    "delete_funnel": OrgLevel(
        lambda s: f"/funnels/{s.funnel}", _ORG, 204, method="DELETE", fresh="funnel"
    ),
    "add_stage": OrgLevel(
        lambda s: f"/funnels/{s.funnel}/stages",
        _ORG,
        201,
        method="POST",
        request=lambda _: {"json": {"name": f"Этап {_tag()}"}},
        fresh="funnel",
    ),
    "update_stage": OrgLevel(
        lambda s: f"/funnels/{s.funnel}/stages/{s.stages[0]}",
        _ORG,
        method="PATCH",
        request=_json({}),
    ),
    "delete_stage": OrgLevel(
        lambda s: f"/funnels/{s.funnel}/stages/{s.stages[-1]}",
        _ORG,
        method="DELETE",
        fresh="funnel",
    ),
    "reorder_stages": OrgLevel(
        lambda s: f"/funnels/{s.funnel}/stages/reorder",
        _ORG,
        method="POST",
        request=lambda s: {"json": {"stage_ids": [str(i) for i in reversed(s.stages)]}},
        fresh="funnel",
    ),
    # The order must name every funnel; one unknown id is refused (422) once permitted.
    "reorder_funnels": OrgLevel(
        _at("/funnels/reorder"),
        _ORG,
        method="POST",
        request=lambda _: {"json": {"funnel_ids": [str(uuid.uuid4())]}},
        on_record=False,
        expect=lambda role: 422 if _holds(role, _ORG) else 403,
    ),
    "list_loss_reasons": OrgLevel(_at("/loss-reasons"), (P.DEALS_READ,), on_record=False),
    "create_loss_reason": OrgLevel(
        _at("/loss-reasons"),
        _ORG,
        201,
        method="POST",
        request=lambda _: {"json": {"name": f"Причина {_tag()}"}},
        on_record=False,
    ),
    "get_loss_reason": OrgLevel(lambda s: f"/loss-reasons/{s.loss_reason}", (P.DEALS_READ,)),
    "update_loss_reason": OrgLevel(
        lambda s: f"/loss-reasons/{s.loss_reason}", _ORG, method="PATCH", request=_json({})
    ),
    "delete_loss_reason": OrgLevel(
        lambda s: f"/loss-reasons/{s.loss_reason}",
        _ORG,
        204,
        method="DELETE",
        fresh="loss_reason",
    ),
    "reorder_loss_reasons": OrgLevel(
        _at("/loss-reasons/reorder"),
        _ORG,
        method="POST",
        request=lambda _: {"json": {"reason_ids": [str(uuid.uuid4())]}},
        on_record=False,
        expect=lambda role: 422 if _holds(role, _ORG) else 403,
    ),
    # --- custom fields, document types, relationship follow-ups ----------------------------
    "list_custom_fields": OrgLevel(_at("/custom-fields"), None, on_record=False),
    "create_custom_field": OrgLevel(
        _at("/custom-fields"),
        _ORG,
        201,
        method="POST",
        request=lambda _: {
            "json": {"entity": "deal", "key": f"k_{_tag()}", "label": "Поле", "type": "number"}
        },
        on_record=False,
    ),
    "update_custom_field": OrgLevel(
        lambda s: f"/custom-fields/{s.custom_field}", _ORG, method="PATCH", request=_json({})
    ),
    "delete_custom_field": OrgLevel(
        lambda s: f"/custom-fields/{s.custom_field}",
        _ORG,
        204,
        method="DELETE",
        fresh="custom_field",
    ),
    "list_document_types": OrgLevel(_at("/document-types"), None, on_record=False),
    "create_document_type": OrgLevel(
        _at("/document-types"),
        _ORG,
        201,
        method="POST",
        request=lambda _: {"json": {"code": f"t_{_tag()}", "name": "Тип"}},
        on_record=False,
    ),
    "update_document_type": OrgLevel(
        lambda s: f"/document-types/{s.document_type}", _ORG, method="PATCH", request=_json({})
    ),
    "reorder_document_types": OrgLevel(
        _at("/document-types/reorder"),
        _ORG,
        method="POST",
        request=lambda _: {"json": {"type_ids": [str(uuid.uuid4())]}},
        on_record=False,
        expect=lambda role: 422 if _holds(role, _ORG) else 403,
    ),
    "list_relationship_follow_ups": OrgLevel(
        _at("/relationship-follow-ups"), (P.CLIENTS_READ,), on_record=False
    ),
    "create_relationship_follow_up": OrgLevel(
        _at("/relationship-follow-ups"),
        _ORG,
        201,
        method="POST",
        request=lambda _: {"json": {"relationship_type": "current", "task_title": _tag()}},
        on_record=False,
    ),
    "update_relationship_follow_up": OrgLevel(
        lambda s: f"/relationship-follow-ups/{s.follow_up}", _ORG, method="PATCH", request=_json({})
    ),
    "delete_relationship_follow_up": OrgLevel(
        lambda s: f"/relationship-follow-ups/{s.follow_up}",
        _ORG,
        204,
        method="DELETE",
        fresh="follow_up",
    ),
    # --- automation rules: managed with automation:manage; the runs on a deal are read by
    # whoever sees the deal (tests/api/automation) ---
    "list_automation_rules": OrgLevel(
        _at("/automation/rules"), (P.AUTOMATION_MANAGE,), on_record=False
    ),
    "create_automation_rule": OrgLevel(
        _at("/automation/rules"),
        (P.AUTOMATION_MANAGE,),
        201,
        method="POST",
        request=_json(_AUTOMATION_RULE),
        on_record=False,
    ),
    "dry_run_automation_rule_body": OrgLevel(
        _at("/automation/dry-run"),
        (P.AUTOMATION_MANAGE,),
        method="POST",
        request=_json(_AUTOMATION_RULE),
        on_record=False,
    ),
    "get_automation_rule": OrgLevel(
        lambda s: f"/automation/rules/{s.automation_rule}", (P.AUTOMATION_MANAGE,)
    ),
    "update_automation_rule": OrgLevel(
        lambda s: f"/automation/rules/{s.automation_rule}",
        (P.AUTOMATION_MANAGE,),
        method="PATCH",
        request=_json({"is_enabled": True}),
    ),
    "delete_automation_rule": OrgLevel(
        lambda s: f"/automation/rules/{s.automation_rule}",
        (P.AUTOMATION_MANAGE,),
        204,
        method="DELETE",
        fresh="automation_rule",
    ),
    "list_automation_rule_runs": OrgLevel(
        lambda s: f"/automation/rules/{s.automation_rule}/runs", (P.AUTOMATION_MANAGE,)
    ),
    "dry_run_automation_rule": OrgLevel(
        lambda s: f"/automation/rules/{s.automation_rule}/dry-run",
        (P.AUTOMATION_MANAGE,),
        method="POST",
    ),
    # --- API keys and webhooks -------------------------------------------------------------
    "list_api_keys": OrgLevel(_at("/api-keys"), (P.API_KEYS_MANAGE,), on_record=False),
    "create_api_key": OrgLevel(
        _at("/api-keys"),
        (P.API_KEYS_MANAGE,),
        201,
        method="POST",
        request=lambda _: {"json": {"name": f"Ключ {_tag()}", "permissions": []}},
        on_record=False,
    ),
    "revoke_api_key": OrgLevel(
        lambda s: f"/api-keys/{s.api_key}",
        (P.API_KEYS_MANAGE,),
        204,
        method="DELETE",
        fresh="api_key",
    ),
    "list_webhook_event_types": OrgLevel(_at("/webhooks/event-types"), None, on_record=False),
    "list_webhook_endpoints": OrgLevel(_at("/webhooks"), (P.WEBHOOKS_MANAGE,), on_record=False),
    "create_webhook_endpoint": OrgLevel(
        _at("/webhooks"),
        (P.WEBHOOKS_MANAGE,),
        201,
        method="POST",
        request=_json({"url": "https://93.184.215.14/other", "events": ["deal.won"]}),
        on_record=False,
    ),
    "get_webhook_endpoint": OrgLevel(lambda s: f"/webhooks/{s.webhook}", (P.WEBHOOKS_MANAGE,)),
    "update_webhook_endpoint": OrgLevel(
        lambda s: f"/webhooks/{s.webhook}", (P.WEBHOOKS_MANAGE,), method="PATCH", request=_json({})
    ),
    "delete_webhook_endpoint": OrgLevel(
        lambda s: f"/webhooks/{s.webhook}",
        (P.WEBHOOKS_MANAGE,),
        204,
        method="DELETE",
        fresh="webhook",
    ),
    "rotate_webhook_secret": OrgLevel(
        lambda s: f"/webhooks/{s.webhook}/rotate-secret", (P.WEBHOOKS_MANAGE,), method="POST"
    ),
    "list_webhook_deliveries": OrgLevel(
        lambda s: f"/webhooks/{s.webhook}/deliveries", (P.WEBHOOKS_MANAGE,)
    ),
    "redeliver_webhook": OrgLevel(
        lambda s: f"/webhooks/{s.webhook}/deliveries/{s.delivery}/redeliver",
        (P.WEBHOOKS_MANAGE,),
        202,
        method="POST",
    ),
    "send_webhook_test": OrgLevel(
        lambda s: f"/webhooks/{s.webhook}/test", (P.WEBHOOKS_MANAGE,), 202, method="POST"
    ),
    # --- lead intake: forms and the inbox ---------------------------------------------------
    "list_intake_forms": OrgLevel(_at("/intake/form-settings"), _INTAKE, on_record=False),
    "create_intake_form": OrgLevel(
        _at("/intake/form-settings"),
        _INTAKE,
        201,
        method="POST",
        request=lambda _: {"json": {"name": f"Форма {_tag()}"}},
        on_record=False,
    ),
    "get_intake_form": OrgLevel(lambda s: f"/intake/form-settings/{s.intake_form}", _INTAKE),
    "update_intake_form": OrgLevel(
        lambda s: f"/intake/form-settings/{s.intake_form}",
        _INTAKE,
        method="PATCH",
        request=_json({}),
    ),
    "rotate_intake_form_secret": OrgLevel(
        lambda s: f"/intake/form-settings/{s.intake_form}/rotate-secret", _INTAKE, method="POST"
    ),
    "delete_intake_form": OrgLevel(
        lambda s: f"/intake/form-settings/{s.intake_form}",
        _INTAKE,
        204,
        method="DELETE",
        fresh="intake_form",
    ),
    "list_intake_inbox": OrgLevel(_at("/intake/inbox"), _INTAKE, on_record=False),
    "get_intake_inbox_item": OrgLevel(lambda s: f"/intake/inbox/{s.inbox_item}", _INTAKE),
    # The request was just stored and no worker runs here: still pending, it is not retried
    # (409) by those who may retry; the others are refused before that (403).
    "retry_intake_inbox_item": OrgLevel(
        lambda s: f"/intake/inbox/{s.inbox_item}/retry",
        _INTAKE,
        method="POST",
        expect=lambda role: 409 if _holds(role, _INTAKE) else 403,
    ),
    # --- lead intake: telephony --------------------------------------------------------------
    "list_telephony_integrations": OrgLevel(
        _at("/intake/telephony-settings"), _INTAKE, on_record=False
    ),
    "create_telephony_integration": OrgLevel(
        _at("/intake/telephony-settings"),
        _INTAKE,
        201,
        method="POST",
        request=lambda _: {"json": {"name": f"АТС {_tag()}", "provider": "generic"}},
        on_record=False,
    ),
    "get_telephony_integration": OrgLevel(
        lambda s: f"/intake/telephony-settings/{s.telephony_integration}", _INTAKE
    ),
    "update_telephony_integration": OrgLevel(
        lambda s: f"/intake/telephony-settings/{s.telephony_integration}",
        _INTAKE,
        method="PATCH",
        request=_json({}),
    ),
    "delete_telephony_integration": OrgLevel(
        lambda s: f"/intake/telephony-settings/{s.telephony_integration}",
        _INTAKE,
        204,
        method="DELETE",
        fresh="telephony_integration",
    ),
    # Everyone who reads deals lists the calls of the people whose deals they see.
    "get_click_to_call_line": OrgLevel(_at("/intake/click-to-call/line"), None, on_record=False),
    "list_click_to_calls": OrgLevel(_at("/intake/click-to-call"), None, on_record=False),
    "list_calls": OrgLevel(
        _at("/intake/calls"), (P.INTAKE_MANAGE, P.CALLS_REVIEW, P.DEALS_READ), on_record=False
    ),
    # --- 1C exchange ---------------------------------------------------------------------
    "list_onec_integrations": OrgLevel(_at("/onec/integrations"), _ORG, on_record=False),
    "create_onec_integration": OrgLevel(
        _at("/onec/integrations"),
        _ORG,
        201,
        method="POST",
        request=lambda _: {"json": {"name": f"1С {_tag()}", "login": "site"}},
        on_record=False,
    ),
    "get_onec_integration": OrgLevel(lambda s: f"/onec/integrations/{s.onec_integration}", _ORG),
    "update_onec_integration": OrgLevel(
        lambda s: f"/onec/integrations/{s.onec_integration}",
        _ORG,
        method="PATCH",
        request=_json({}),
    ),
    "delete_onec_integration": OrgLevel(
        lambda s: f"/onec/integrations/{s.onec_integration}",
        _ORG,
        204,
        method="DELETE",
        fresh="onec_integration",
    ),
    "list_onec_exchanges": OrgLevel(_at("/onec/exchanges"), _ORG, on_record=False),
    "get_onec_exchange": OrgLevel(lambda s: f"/onec/exchanges/{s.onec_exchange}", _ORG),
    # The catalogue is read by whoever reads deals (product lines).
    "list_products": OrgLevel(_at("/onec/products"), (P.DEALS_READ,), on_record=False),
    # --- lead distribution ------------------------------------------------------------------
    "list_distribution_rules": OrgLevel(
        _at("/intake/distribution-rules"), _INTAKE, on_record=False
    ),
    "create_distribution_rule": OrgLevel(
        _at("/intake/distribution-rules"),
        _INTAKE,
        201,
        method="POST",
        request=lambda s: {
            "json": {"name": f"Правило {_tag()}", "kind": "least_loaded", "user_ids": [str(s.user)]}
        },
        on_record=False,
    ),
    "get_distribution_rule": OrgLevel(
        lambda s: f"/intake/distribution-rules/{s.distribution_rule}", _INTAKE
    ),
    "update_distribution_rule": OrgLevel(
        lambda s: f"/intake/distribution-rules/{s.distribution_rule}",
        _INTAKE,
        method="PATCH",
        request=_json({}),
    ),
    "delete_distribution_rule": OrgLevel(
        lambda s: f"/intake/distribution-rules/{s.distribution_rule}",
        _INTAKE,
        204,
        method="DELETE",
        fresh="distribution_rule",
    ),
    # Everyone whose deals the caller sees (a seller: themselves), with their names.
    "get_workload": OrgLevel(
        _at("/intake/workload"),
        (P.DEALS_READ,),
        on_record=False,
        expect=lambda role: (
            200 if _holds(role, (P.DEALS_READ,)) and _holds(role, (P.USERS_READ,)) else 403
        ),
    ),
    # --- the lead inbox -------------------------------------------------------------------
    "list_leads": OrgLevel(_at("/intake/leads"), (P.INTAKE_WRITE,), on_record=False),
    "count_leads": OrgLevel(_at("/intake/leads/counts"), (P.INTAKE_WRITE,), on_record=False),
    # --- lead intake reports (what they count follows the caller's reach over deals) --------
    "get_intake_lead_report": OrgLevel(
        _at("/intake/reports/leads"), (P.REPORTS_READ,), on_record=False
    ),
    "get_intake_call_report": OrgLevel(
        _at("/intake/reports/calls"), (P.REPORTS_READ,), on_record=False
    ),
    "get_intake_callback_report": OrgLevel(
        _at("/intake/reports/missed-calls"), (P.REPORTS_READ,), on_record=False
    ),
    "get_intake_response_report": OrgLevel(
        _at("/intake/reports/response-times"), (P.REPORTS_READ,), on_record=False
    ),
}


# --- operations that need no token ---------------------------------------------------------


@dataclass(slots=True)
class PublicContext:
    http: AsyncClient
    session: Session  # a signed-in user of its own, so the checks disturb no caller


def _post(path: str, **kwargs: Any) -> Callable[[PublicContext], Awaitable[Response]]:
    return lambda p: p.http.post(API + path, **kwargs)


PUBLIC: dict[str, Public] = {
    "login": Public(
        "signing in is how a token is obtained",
        lambda p: p.http.post(
            f"{API}/auth/login", json={"email": p.session.user.email, "password": PASSWORD}
        ),
        200,
    ),
    "refresh_tokens": Public(
        "the refresh token (cookie) is the credential, for when the access token has expired",
        lambda p: p.http.post(
            f"{API}/auth/refresh", json={"refresh_token": p.session.refresh_token}
        ),
        200,
    ),
    "logout": Public(
        "ends the session named by its refresh token, even after the access token expired",
        _post("/auth/logout", json={"refresh_token": uuid.uuid4().hex}),
        204,
    ),
    "request_password_reset": Public(
        "for someone who cannot sign in; answers alike for unknown addresses",
        _post("/auth/password/forgot", json={"email": f"nobody.{_tag()}@example.com"}),
        202,
    ),
    "set_password": Public(
        "the e-mailed one-time token is the credential (reset, invitation acceptance)",
        _post("/auth/password/set", json={"token": "x" * 43, "password": "another-horse-42"}),
        422,
    ),
    "post_intake_form": Public(
        "a website posts its form without signing in: the form's key in the URL names it "
        "(an unknown key is not found)",
        _post(f"/intake/forms/unknown-{_tag()}", content=b"name=Bot"),
        404,
    ),
    "post_intake_order": Public(
        "a web shop's server posts its orders without signing in as a user: the form's key in "
        "the URL names it and the form's secret is checked (an unknown key is not found)",
        _post(f"/intake/orders/unknown-{_tag()}", json={"order_id": "1"}),
        404,
    ),
    "get_public_survey": Public(
        "a client opens the loyalty survey from its link; the token in it is the credential "
        "(an unknown token is not found)",
        lambda p: p.http.get(f"{API}/public/surveys/{'x' * 43}"),
        404,
    ),
    "answer_public_survey": Public(
        "a client answers the loyalty survey from its link without an account (an unknown "
        "token is not found)",
        _post(f"/public/surveys/{'x' * 43}", json={"score": 9}),
        404,
    ),
    "get_intake_form_embed": Public(
        "a website loads the form's script without signing in (an unknown key is not found)",
        lambda p: p.http.get(f"{API}/intake/forms/unknown-{_tag()}/embed.js"),
        404,
    ),
    "echo_telephony_check": Public(
        "a PBX checks its event URL without signing in (an unknown integration is not found)",
        lambda p: p.http.get(f"{API}/intake/telephony/zadarma/{uuid.uuid4()}?zd_echo=x"),
        404,
    ),
    "post_telephony_event": Public(
        "a PBX posts call events without signing in: the integration in the URL names it and "
        "its signature is checked (an unknown integration is not found)",
        _post(f"/intake/telephony/zadarma/{uuid.uuid4()}", content=b"event=NOTIFY_START"),
        404,
    ),
    "post_telephony_event_at_path": Public(
        "Mango Office posts each kind of event to its own path (an unknown integration is "
        "not found)",
        _post(f"/intake/telephony/mango/{uuid.uuid4()}/events/call", content=b"json=%7B%7D"),
        404,
    ),
    "exchange_with_onec": Public(
        "1C:Enterprise signs in with the integration's own login (HTTP Basic at checkauth, "
        "then its session cookie), not a user's token (an unknown integration is not found)",
        lambda p: p.http.get(
            f"{API}/onec/{uuid.uuid4()}/exchange", params={"type": "catalog", "mode": "init"}
        ),
        404,
    ),
    "post_exchange_with_onec": Public(
        "1C:Enterprise posts the files of an exchange with its session cookie (an unknown "
        "integration is not found)",
        _post(
            f"/onec/{uuid.uuid4()}/exchange?type=catalog&mode=file&filename=a.xml", content=b"<a/>"
        ),
        404,
    ),
    "healthz": Public("a liveness probe", lambda p: p.http.get("/healthz"), 200),
    "readyz": Public("a readiness probe", lambda p: p.http.get("/readyz"), 200),
}

STREAMS: dict[str, Stream] = {"stream_notifications": Stream("/notifications/stream")}

TABLE: dict[str, Entry] = {**OWNED, **ORG_LEVEL, **PUBLIC, **STREAMS}


def operation_ids(app: FastAPI) -> set[str]:
    return {
        operation["operationId"]
        for methods in app.openapi()["paths"].values()
        for method, operation in methods.items()
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_every_operation_has_an_entry(app: FastAPI) -> None:
    # A key "operation#variant" is a second check of the same kind for one operation.
    kinds: dict[str, set[type]] = {}
    for key, entry in TABLE.items():
        kinds.setdefault(key.split("#")[0], set()).add(type(entry))
    missing = sorted(operation_ids(app) - kinds.keys())
    assert missing == [], f"add these operations to the role matrix: {missing}"
    stale = sorted(kinds.keys() - operation_ids(app))
    assert stale == [], f"these matrix entries name no operation: {stale}"
    mixed = sorted(op for op, found in kinds.items() if len(found) > 1)
    assert mixed == [], f"these operations have more than one kind of check: {mixed}"


def test_the_roles_in_the_matrix_are_the_built_in_ones() -> None:
    assert set(ROLES) == set(BUILTIN_ROLES)


# --- expectations from the role table ------------------------------------------------------


def expected(role: str, relation: str, entry: Owned) -> int:
    if entry.expect is not None:
        return entry.expect(role, relation)
    if (role, relation) in entry.overrides:
        return entry.overrides[(role, relation)]
    if not _holds(role, entry.needs):
        return 403
    if relation == "other_org":
        return 404
    if not _reaches(role, relation, entry.resource):
        return 404
    admin_exempt = entry.author_only == "admin" and role == "admin"
    if entry.author_only and relation != "own" and not admin_exempt:
        return 403
    return entry.success


def expected_org(role: str, entry: OrgLevel) -> int:
    if entry.expect is not None:
        return entry.expect(role)
    return entry.success if _holds(role, entry.needs) else 403


# --- the world, once per module ------------------------------------------------------------


@dataclass(slots=True)
class World:
    http: AsyncClient
    builder: Builder
    callers: dict[str, Session]
    # records and their owner by (role of the caller, relation)
    records: dict[tuple[str, str], Records]
    owners: dict[tuple[str, str], Owner]
    settings: Settings
    settings_builder: SettingsBuilder
    foreign: Settings
    public: PublicContext


@pytest.fixture(scope="module")
async def matrix_world(app: FastAPI, container: Container) -> AsyncIterator[World]:
    ip = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
    transport = ASGITransport(app=app, client=(ip, 50000))
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        factory = Factory(container, http)
        builder = Builder(factory)
        org, admin = await factory.admin_session()
        north = await factory.department(org, "Север")
        south = await factory.department(org, "Юг")
        other_org, other_admin = await factory.admin_session()
        here = SettingsBuilder(factory, org, admin)
        there = SettingsBuilder(factory, other_org, other_admin)
        admin_owner = Owner(org, org.admin, admin)
        settings = await here.settings(await builder.client(admin_owner))
        stranger_owner = Owner(other_org, await factory.user(other_org, "seller"), other_admin)
        foreign = await there.settings(await builder.client(stranger_owner))
        shared_owners = {
            "team": Owner(org, await factory.user(org, "seller", department=north), admin),
            "other_team": Owner(org, await factory.user(org, "seller", department=south), admin),
            "other_org": stranger_owner,
        }
        reasons = {"team": settings, "other_team": settings, "other_org": foreign}
        shared = {
            relation: await builder.records(owner, reasons[relation].loss_reason)
            for relation, owner in shared_owners.items()
        }
        callers: dict[str, Session] = {}
        records: dict[tuple[str, str], Records] = {}
        owners: dict[tuple[str, str], Owner] = {}
        for role in ROLES:
            user = await factory.user(org, role, department=north)
            callers[role] = await factory.login(user)
            owners[(role, "own")] = Owner(org, user, admin)
            records[(role, "own")] = await builder.records(
                owners[(role, "own")], settings.loss_reason
            )
            for relation, found in shared.items():
                records[(role, relation)] = found
                owners[(role, relation)] = shared_owners[relation]
        public_user = await factory.user(org, "seller")
        yield World(
            http=http,
            builder=builder,
            callers=callers,
            records=records,
            owners=owners,
            settings=settings,
            settings_builder=here,
            foreign=foreign,
            public=PublicContext(http, await factory.login(public_user)),
        )


def _report(wrong: list[tuple[Any, ...]]) -> str:
    return "\n".join(" / ".join(str(part) for part in cell) for cell in wrong)


def _success(status: int) -> bool:
    return 200 <= status < 300


# Cells run concurrently (bounded by the database pool) except those that would write to a
# record other cells share (a change, or a creation under it) without a fresh copy: those
# collide with each other (503, "try again") and run one at a time.
_CONCURRENCY = asyncio.Semaphore(8)


async def _run(cells: list[tuple[bool, Callable[[], Awaitable[None]]]]) -> None:
    async def bounded(cell: Callable[[], Awaitable[None]]) -> None:
        async with _CONCURRENCY:
            await cell()

    await asyncio.gather(*(bounded(cell) for shared, cell in cells if not shared))
    for shared, cell in cells:
        if shared:
            await cell()


def _changes_shared(method: str, fresh: str | None, want: int, own: bool = False) -> bool:
    return method != "GET" and fresh is None and _success(want) and not own


async def test_owned_records_answer_as_the_role_allows(matrix_world: World) -> None:
    w = matrix_world
    wrong: list[tuple[Any, ...]] = []

    def cell(operation: str, entry: Owned, role: str, relation: str, want: int) -> Any:
        async def check() -> None:
            records = w.records[(role, relation)]
            if entry.fresh and _success(want):
                records = await w.builder.fresh(entry.fresh, w.owners[(role, relation)], records)
            response = await w.http.request(
                entry.method,
                API + entry.path(records),
                headers=w.callers[role].headers,
                **(entry.request(records) if entry.request else {}),
            )
            if response.status_code != want:
                got = f"got {response.status_code}"
                wrong.append((operation, role, relation, got, f"want {want}", response.text[:200]))

        return check

    for operation, entry in OWNED.items():
        cells = []
        for role in ROLES:
            for relation in RELATIONS:
                want = expected(role, relation, entry)
                shared = _changes_shared(entry.method, entry.fresh, want, relation == "own")
                cells.append((shared, cell(operation, entry, role, relation, want)))
        await _run(cells)
    assert wrong == [], _report(sorted(wrong))


async def test_organisation_operations_answer_as_the_role_allows(matrix_world: World) -> None:
    w = matrix_world
    wrong: list[tuple[Any, ...]] = []

    def cell(operation: str, entry: OrgLevel, role: str, want: int) -> Any:
        async def check() -> None:
            settings = w.settings
            if entry.fresh and _success(want):
                settings = await w.settings_builder.fresh(entry.fresh, settings)
            response = await w.http.request(
                entry.method,
                API + entry.path(settings),
                headers=w.callers[role].headers,
                **(entry.request(settings) if entry.request else {}),
            )
            if response.status_code != want:
                got = f"got {response.status_code}"
                wrong.append((operation, role, got, f"want {want}", response.text[:200]))
            if not entry.on_record:
                return
            # Another organisation's record: not found for whoever could act on their own.
            foreign = await w.http.request(
                entry.method,
                API + entry.path(w.foreign),
                headers=w.callers[role].headers,
                **(entry.request(w.foreign) if entry.request else {}),
            )
            allowed = {404} if _success(want) else {403, 404}
            if foreign.status_code not in allowed:
                got = f"got {foreign.status_code}"
                wrong.append((operation, role, "other_org", got, f"want {allowed}", foreign.text))

        return check

    for operation, entry in ORG_LEVEL.items():
        cells = []
        for role in ROLES:
            want = expected_org(role, entry)
            shared = _changes_shared(entry.method, entry.fresh, want)
            cells.append((shared, cell(operation, entry, role, want)))
        await _run(cells)
    assert wrong == [], _report(sorted(wrong))


async def test_public_operations_work_without_a_token(matrix_world: World) -> None:
    wrong = []
    for operation, entry in PUBLIC.items():
        response = await entry.send(matrix_world.public)
        if response.status_code != entry.success:
            wrong.append((operation, entry.why, response.status_code, response.text[:200]))
    assert wrong == [], _report(wrong)


async def _stream_status(app: FastAPI, path: str, headers: dict[str, str]) -> int:
    """The status an endless response starts with, straight over ASGI: httpx's transport
    would wait for a body that never ends."""
    started: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    disconnect = asyncio.Event()

    async def receive() -> dict[str, Any]:
        await disconnect.wait()
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start" and not started.done():
            started.set_result(message["status"])

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("10.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    task = asyncio.create_task(app(scope, receive, send))
    try:
        return await asyncio.wait_for(started, 10)
    finally:
        disconnect.set()
        try:
            await asyncio.wait_for(task, 5)
        except TimeoutError:
            task.cancel()


async def test_streams_open_for_every_role_and_not_without_a_token(
    app: FastAPI, matrix_world: World
) -> None:
    wrong = []
    for operation, entry in STREAMS.items():
        for role in ROLES:
            got = await _stream_status(app, API + entry.path, matrix_world.callers[role].headers)
            if got != 200:
                wrong.append((operation, role, got, 200))
        anonymous = await _stream_status(app, API + entry.path, {})
        if anonymous != 401:
            wrong.append((operation, "no token", anonymous, 401))
    assert wrong == [], _report(wrong)
