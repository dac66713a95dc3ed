"""The lead inbox: open leads for telemarketers and heads, and what they do with them."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response

from api.deps import CurrentPrincipal, LeadInboxServiceDep
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.pagination import Cursor, Limit, decode_time_id_cursor, encode_cursor
from api.schemas.lead_inbox import LeadAssign, LeadCountsRead, LeadPage, LeadRead
from domain.intake.lead_inbox import (
    MAX_SOURCE_FILTER,
    AssigneeFilter,
    InboxLead,
    LeadFilter,
    LeadKind,
)
from domain.intake.lead_inbox_service import may_assign
from domain.intake.leads import LeadStatus

router = APIRouter(prefix="/intake/leads", tags=["intake"])

_ACTION_PROBLEMS = problems(401, 403, 404, 409, 412)


def _answer(response: Response, lead: InboxLead) -> LeadRead:
    set_etag(response, lead.version)
    return LeadRead.of(lead)


@router.get("", response_model=LeadPage, responses=problems(401, 403, 422))
async def list_leads(
    principal: CurrentPrincipal,
    leads: LeadInboxServiceDep,
    status: Annotated[list[LeadStatus], Query(max_length=3)] = [LeadStatus.OPEN],  # noqa: B006
    kind: Annotated[list[LeadKind], Query(max_length=3)] = [],  # noqa: B006
    source: Annotated[str | None, Query(min_length=1, max_length=MAX_SOURCE_FILTER)] = None,
    channel_id: Annotated[UUID | None, Query(description="One form's leads")] = None,
    assignee: Annotated[
        AssigneeFilter | UUID | None,
        Query(description="me, none (unassigned) or a person's id"),
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> LeadPage:
    """Leads newest first (by default the open ones): the unassigned, the caller's and, for a
    head, their team's; each with how long it has waited and its deadline."""
    found = await leads.list(
        principal,
        LeadFilter(
            statuses=status,
            kinds=[k.value for k in kind],
            source=source,
            channel_id=channel_id,
            assignee=assignee,
        ),
        limit=limit + 1,
        after=decode_time_id_cursor(cursor),
    )
    last = found[limit - 1] if len(found) > limit else None
    return LeadPage(
        items=[LeadRead.of(lead) for lead in found[:limit]],
        next_cursor=encode_cursor(last.received_at.isoformat(), last.id) if last else None,
        can_assign=may_assign(principal),
    )


@router.get("/counts", response_model=LeadCountsRead, responses=problems(401, 403))
async def count_leads(principal: CurrentPrincipal, leads: LeadInboxServiceDep) -> LeadCountsRead:
    """Open leads the caller sees, for the navigation's badge."""
    return LeadCountsRead.of(await leads.counts(principal))


@router.get("/{lead_id}", response_model=LeadRead, responses=problems(401, 403, 404))
async def get_lead(
    lead_id: UUID, principal: CurrentPrincipal, leads: LeadInboxServiceDep, response: Response
) -> LeadRead:
    return _answer(response, await leads.get(principal, lead_id))


@router.post("/{lead_id}/take", response_model=LeadRead, responses=_ACTION_PROBLEMS)
async def take_lead(
    lead_id: UUID,
    principal: CurrentPrincipal,
    leads: LeadInboxServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> LeadRead:
    """The caller takes the lead (its deal, and the client it opened, become theirs). 409 when
    someone else has it or took it a moment earlier."""
    lead = await leads.take(principal, lead_id, expected_version=expected_version(if_match))
    return _answer(response, lead)


@router.post(
    "/{lead_id}/assign", response_model=LeadRead, responses=problems(401, 403, 404, 409, 412, 422)
)
async def assign_lead(
    lead_id: UUID,
    body: LeadAssign,
    principal: CurrentPrincipal,
    leads: LeadInboxServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> LeadRead:
    """A head hands the lead to someone in their team."""
    lead = await leads.assign(
        principal, lead_id, body.assignee_id, expected_version=expected_version(if_match)
    )
    return _answer(response, lead)


@router.post(
    "/{lead_id}/convert", response_model=LeadRead, responses=problems(401, 403, 404, 409, 412, 422)
)
async def convert_lead(
    lead_id: UUID,
    principal: CurrentPrincipal,
    leads: LeadInboxServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> LeadRead:
    """Opens the client and deal the lead has not got yet and closes it (an unassigned lead
    becomes the caller's first)."""
    lead = await leads.convert(principal, lead_id, expected_version=expected_version(if_match))
    return _answer(response, lead)


@router.post("/{lead_id}/spam", response_model=LeadRead, responses=_ACTION_PROBLEMS)
async def mark_lead_spam(
    lead_id: UUID,
    principal: CurrentPrincipal,
    leads: LeadInboxServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> LeadRead:
    """The lead leaves the inbox as spam."""
    lead = await leads.mark_spam(principal, lead_id, expected_version=expected_version(if_match))
    return _answer(response, lead)
