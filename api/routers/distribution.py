"""Lead distribution: the rules (intake:manage), where a lead went and how fast it was
answered (per manager: the intake reports), and the heads' workload view."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response, status

from api.deps import CurrentPrincipal, ResponseTimesDep, RuleServiceDep, WorkloadServiceDep
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.pagination import Cursor, Limit, decode_time_id_cursor, encode_cursor
from api.schemas.distribution import (
    LeadAssignmentRead,
    ManagerLoadRead,
    RuleCreate,
    RulePage,
    RuleRead,
    RuleUpdate,
    WorkloadRead,
)

router = APIRouter(prefix="/intake", tags=["intake"])


@router.get("/distribution-rules", response_model=RulePage, responses=problems(401, 403, 422))
async def list_distribution_rules(
    principal: CurrentPrincipal, rules: RuleServiceDep, limit: Limit = 50, cursor: Cursor = None
) -> RulePage:
    """The organisation's distribution rules, newest first."""
    found = await rules.list(principal, limit=limit + 1, after=decode_time_id_cursor(cursor))
    last = found[limit - 1] if len(found) > limit else None
    return RulePage(
        items=[RuleRead.of(r) for r in found[:limit]],
        next_cursor=encode_cursor(last.created_at.isoformat(), last.id)
        if last and last.created_at
        else None,
    )


@router.post(
    "/distribution-rules",
    response_model=RuleRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 422),
)
async def create_distribution_rule(
    body: RuleCreate, principal: CurrentPrincipal, rules: RuleServiceDep, response: Response
) -> RuleRead:
    """A new rule: whom a form's, a source's or a funnel's leads go to, and how."""
    rule = await rules.create(principal, body.values())
    set_etag(response, rule.version)
    return RuleRead.of(rule)


@router.get(
    "/distribution-rules/{rule_id}", response_model=RuleRead, responses=problems(401, 403, 404)
)
async def get_distribution_rule(
    rule_id: UUID, principal: CurrentPrincipal, rules: RuleServiceDep, response: Response
) -> RuleRead:
    rule = await rules.get(principal, rule_id)
    set_etag(response, rule.version)
    return RuleRead.of(rule)


@router.patch(
    "/distribution-rules/{rule_id}",
    response_model=RuleRead,
    responses=problems(401, 403, 404, 412, 422),
)
async def update_distribution_rule(
    rule_id: UUID,
    body: RuleUpdate,
    principal: CurrentPrincipal,
    rules: RuleServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> RuleRead:
    """Change the fields sent (null clears form, source, funnel, tag, department and
    escalation); the next lead follows the change."""
    rule = await rules.update(
        principal, rule_id, body.values(), expected_version=expected_version(if_match)
    )
    set_etag(response, rule.version)
    return RuleRead.of(rule)


@router.delete(
    "/distribution-rules/{rule_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(401, 403, 404),
)
async def delete_distribution_rule(
    rule_id: UUID, principal: CurrentPrincipal, rules: RuleServiceDep
) -> None:
    """The rule goes; the leads it assigned keep their assignee."""
    await rules.delete(principal, rule_id)


@router.get(
    "/leads/{lead_id}/assignment",
    response_model=LeadAssignmentRead,
    responses=problems(401, 403, 404),
)
async def get_lead_assignment(
    lead_id: UUID, principal: CurrentPrincipal, times: ResponseTimesDep
) -> LeadAssignmentRead:
    """Who has the lead, since when and why (rule, responsible, substitute, escalation), and
    its first response: the assignee's first activity, stage move or call on its deal."""
    return LeadAssignmentRead.of(await times.lead(principal, lead_id))


@router.get("/workload", response_model=WorkloadRead, responses=problems(401, 403))
async def get_workload(principal: CurrentPrincipal, workload: WorkloadServiceDep) -> WorkloadRead:
    """Per person whose deals the caller sees (a head: their team): open leads and deals,
    overdue tasks, today's calls, on duty now, and their most recently changed open deals
    (20 each). Give a deal to someone else with PATCH /deals/{id} (responsible_id, If-Match:
    the card's version); its open lead follows."""
    rows = await workload.view(principal)
    return WorkloadRead(managers=[ManagerLoadRead.of(r) for r in rows])
