"""Automation rules (automation:manage): the rules, their run log, the dry run; and the runs
on one deal or client for whoever sees it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from uuid import UUID

from fastapi import APIRouter, Response, status

from api.deps import AutomationServiceDep, CurrentPrincipal
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.pagination import Cursor, Limit, decode_time_id_cursor, encode_cursor
from api.schemas.automation import (
    AutomationDryRunDeal,
    AutomationDryRunPage,
    AutomationRuleCreate,
    AutomationRulePage,
    AutomationRuleRead,
    AutomationRuleUpdate,
    AutomationRunPage,
    AutomationRunRead,
)
from domain.automation.model import RuleRun
from domain.automation.ports import DealMatch

router = APIRouter(prefix="/automation", tags=["automation"])


@router.get("/rules", response_model=AutomationRulePage, responses=problems(401, 403, 422))
async def list_automation_rules(
    principal: CurrentPrincipal,
    automation: AutomationServiceDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> AutomationRulePage:
    """The organisation's rules, newest first, each with its latest run's time."""
    found = await automation.list(principal, limit=limit + 1, after=decode_time_id_cursor(cursor))
    last = found[limit - 1] if len(found) > limit else None
    return AutomationRulePage(
        items=[AutomationRuleRead.of(rule) for rule in found[:limit]],
        next_cursor=encode_cursor(last.created_at.isoformat(), last.id)
        if last and last.created_at
        else None,
    )


@router.post(
    "/rules",
    response_model=AutomationRuleRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 422),
)
async def create_automation_rule(
    body: AutomationRuleCreate,
    principal: CurrentPrincipal,
    automation: AutomationServiceDep,
    response: Response,
) -> AutomationRuleRead:
    rule = await automation.create(principal, body.to_body())
    set_etag(response, rule.version)
    return AutomationRuleRead.of(rule)


@router.post("/dry-run", response_model=AutomationDryRunPage, responses=problems(401, 403, 422))
async def dry_run_automation_rule_body(
    body: AutomationRuleCreate,
    principal: CurrentPrincipal,
    automation: AutomationServiceDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> AutomationDryRunPage:
    """The deals an unsaved rule would touch now (nothing is changed)."""
    found = await automation.dry_run(
        principal, body=body.to_body(), limit=limit + 1, after=decode_time_id_cursor(cursor)
    )
    return _dry_run_page(found, limit)


@router.get(
    "/rules/{rule_id}", response_model=AutomationRuleRead, responses=problems(401, 403, 404)
)
async def get_automation_rule(
    rule_id: UUID, principal: CurrentPrincipal, automation: AutomationServiceDep, response: Response
) -> AutomationRuleRead:
    rule = await automation.get(principal, rule_id)
    set_etag(response, rule.version)
    return AutomationRuleRead.of(rule)


@router.patch(
    "/rules/{rule_id}",
    response_model=AutomationRuleRead,
    responses=problems(401, 403, 404, 412, 422),
)
async def update_automation_rule(
    rule_id: UUID,
    body: AutomationRuleUpdate,
    principal: CurrentPrincipal,
    automation: AutomationServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> AutomationRuleRead:
    """Change the rule, or enable / disable it (is_enabled)."""
    rule = await automation.update(
        principal, rule_id, body.to_patch(), expected_version=expected_version(if_match)
    )
    set_etag(response, rule.version)
    return AutomationRuleRead.of(rule)


@router.delete(
    "/rules/{rule_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problems(401, 403, 404)
)
async def delete_automation_rule(
    rule_id: UUID, principal: CurrentPrincipal, automation: AutomationServiceDep
) -> None:
    """The rule and its run log."""
    await automation.delete(principal, rule_id)


@router.get(
    "/rules/{rule_id}/runs",
    response_model=AutomationRunPage,
    responses=problems(401, 403, 404, 422),
)
async def list_automation_rule_runs(
    rule_id: UUID,
    principal: CurrentPrincipal,
    automation: AutomationServiceDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> AutomationRunPage:
    """The rule's log, newest first: done, skipped (with why) or failed (with the error)."""
    found = await automation.runs(
        principal, rule_id, limit=limit + 1, after=decode_time_id_cursor(cursor)
    )
    return _run_page(found, limit, {})


@router.post(
    "/rules/{rule_id}/dry-run",
    response_model=AutomationDryRunPage,
    responses=problems(401, 403, 404, 422),
)
async def dry_run_automation_rule(
    rule_id: UUID,
    principal: CurrentPrincipal,
    automation: AutomationServiceDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> AutomationDryRunPage:
    """The deals the rule would touch now, of those the caller sees (nothing is changed)."""
    found = await automation.dry_run(
        principal, rule_id=rule_id, limit=limit + 1, after=decode_time_id_cursor(cursor)
    )
    return _dry_run_page(found, limit)


@router.get("/runs", response_model=AutomationRunPage, responses=problems(401, 403, 404, 422))
async def list_automation_runs(
    principal: CurrentPrincipal,
    automation: AutomationServiceDep,
    deal_id: UUID | None = None,
    client_id: UUID | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> AutomationRunPage:
    """The rules' runs on one deal or client (give one), newest first, for whoever sees it."""
    found, names = await automation.record_runs(
        principal,
        deal_id=deal_id,
        client_id=client_id,
        limit=limit + 1,
        after=decode_time_id_cursor(cursor),
    )
    return _run_page(found, limit, names)


def _run_page(found: Sequence[RuleRun], limit: int, names: Mapping[UUID, str]) -> AutomationRunPage:
    last = found[limit - 1] if len(found) > limit else None
    return AutomationRunPage(
        items=[AutomationRunRead.of(run, names.get(run.rule_id)) for run in found[:limit]],
        next_cursor=encode_cursor(last.at.isoformat(), last.id) if last else None,
    )


def _dry_run_page(found: Sequence[DealMatch], limit: int) -> AutomationDryRunPage:
    last = found[limit - 1] if len(found) > limit else None
    return AutomationDryRunPage(
        items=[AutomationDryRunDeal.of(match) for match in found[:limit]],
        next_cursor=encode_cursor(last.stage_entered_at.isoformat(), last.id) if last else None,
    )
