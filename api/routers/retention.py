from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from api.deps import ClockDep, CurrentPrincipal, RetentionServiceDep
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.pagination import Cursor, Limit, decode_cursor, encode_cursor, ident, moment
from api.schemas.base import Day, Name
from api.schemas.retention import (
    AbcReportRead,
    CrossSellRuleCreate,
    CrossSellRuleList,
    CrossSellRuleRead,
    CrossSellRuleUpdate,
    RetentionSettingsRead,
    RetentionSettingsWrite,
    SleepingClientPage,
    SleepingClientRead,
)
from domain.retention.model import SEGMENT_MAX_LENGTH, AbcBasis, AbcClass
from domain.retention.ports import SleepingFilter

router = APIRouter(prefix="/retention", tags=["retention"])

# Ranks past this are not a page anyone reads; a forged cursor stops here.
_RANK_MAX = 10_000_000


def _rank(raw: object) -> int:
    if not isinstance(raw, str) or not raw.isdigit() or len(raw) > 8:
        raise ValueError("not a rank")
    value = int(raw)
    if value > _RANK_MAX:
        raise ValueError("not a rank")
    return value


@router.get("/settings", response_model=RetentionSettingsRead, responses=problems(401))
async def get_retention_settings(
    principal: CurrentPrincipal, service: RetentionServiceDep, response: Response
) -> RetentionSettingsRead:
    """The ABC shares and sleeping days (the defaults until the organisation saves its own)."""
    settings = await service.get_settings(principal)
    set_etag(response, settings.version)
    return RetentionSettingsRead.of(settings)


@router.put(
    "/settings", response_model=RetentionSettingsRead, responses=problems(401, 403, 412, 422)
)
async def put_retention_settings(
    body: RetentionSettingsWrite,
    principal: CurrentPrincipal,
    service: RetentionServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> RetentionSettingsRead:
    """Save the ABC shares and sleeping days (organisation:manage)."""
    settings = await service.change_settings(
        principal,
        abc_a_share=body.abc_a_share,
        abc_b_share=body.abc_b_share,
        sleeping_days=body.sleeping_days,
        sleeping_days_by_segment=body.sleeping_days_by_segment,
        expected_version=expected_version(if_match),
    )
    set_etag(response, settings.version)
    return RetentionSettingsRead.of(settings)


@router.get("/abc", response_model=AbcReportRead, responses=problems(401, 403, 422))
async def get_abc_report(
    principal: CurrentPrincipal,
    service: RetentionServiceDep,
    basis: Annotated[AbcBasis, Query(description="Rank by turnover or by margin")] = (
        AbcBasis.TURNOVER
    ),
    date_from: Annotated[
        Day | None, Query(alias="from", description="First day (default: a year before 'to')")
    ] = None,
    date_to: Annotated[Day | None, Query(alias="to", description="Last day (default: today)")] = (
        None
    ),
    abc_class: Annotated[AbcClass | None, Query(alias="class", description="One class")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> AbcReportRead:
    """Clients ranked by turnover (payments received, or won deals' amounts, by the
    organisation's fulfilment basis) or by margin (won deals' expected margin) in the period,
    over the deals the caller sees; each with its class, and the classes' totals. At most 731
    days."""
    after = decode_cursor(cursor, _rank, ident)
    result = await service.abc(
        principal,
        basis=basis,
        first_day=date_from,
        last_day=date_to,
        abc_class=abc_class,
        after_rank=after[0] if after else 0,
        limit=limit + 1,
    )
    rows = result.report.rows
    last = rows[limit - 1] if len(rows) > limit else None
    return AbcReportRead.of(
        result, rows[:limit], encode_cursor(str(last.rank), last.client_id) if last else None
    )


@router.get("/sleeping", response_model=SleepingClientPage, responses=problems(401, 403, 422))
async def list_sleeping_clients(
    principal: CurrentPrincipal,
    service: RetentionServiceDep,
    clock: ClockDep,
    segment: Annotated[
        Name | None, Query(max_length=SEGMENT_MAX_LENGTH, description="One segment tag")
    ] = None,
    responsible_id: UUID | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> SleepingClientPage:
    """Current and permanent clients the caller sees with no purchase (won deal) for longer
    than their limit, longest asleep first, each with its responsible's name; `total` counts
    all the filters select."""
    found = await service.sleeping(
        principal,
        SleepingFilter(segment=segment, responsible_id=responsible_id),
        limit=limit + 1,
        after=decode_cursor(cursor, moment, ident),
    )
    now = clock.now()
    items = found.items
    last = items[limit - 1] if len(items) > limit else None
    return SleepingClientPage(
        items=[SleepingClientRead.of(s, now) for s in items[:limit]],
        next_cursor=encode_cursor(last.last_purchase_at, last.client_id) if last else None,
        total=found.total,
    )


@router.get("/cross-sell-rules", response_model=CrossSellRuleList, responses=problems(401))
async def list_cross_sell_rules(
    principal: CurrentPrincipal, service: RetentionServiceDep
) -> CrossSellRuleList:
    """The organisation's cross-sell rules (at most 200), oldest first."""
    rules = await service.list_rules(principal)
    return CrossSellRuleList(items=[CrossSellRuleRead.of(r) for r in rules])


@router.post(
    "/cross-sell-rules",
    response_model=CrossSellRuleRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 409, 422),
)
async def create_cross_sell_rule(
    body: CrossSellRuleCreate,
    principal: CurrentPrincipal,
    service: RetentionServiceDep,
    response: Response,
) -> CrossSellRuleRead:
    """N days after a deal is won with a product whose name holds the pattern, its responsible
    gets a task to offer the suggestion (organisation:manage). Sales won before the rule was
    made are not reminded of."""
    rule = await service.create_rule(
        principal,
        product_pattern=body.product_pattern,
        after_days=body.after_days,
        suggestion=body.suggestion,
        is_active=body.is_active,
    )
    set_etag(response, rule.version)
    return CrossSellRuleRead.of(rule)


@router.patch(
    "/cross-sell-rules/{rule_id}",
    response_model=CrossSellRuleRead,
    responses=problems(401, 403, 404, 412, 422),
)
async def update_cross_sell_rule(
    rule_id: UUID,
    body: CrossSellRuleUpdate,
    principal: CurrentPrincipal,
    service: RetentionServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> CrossSellRuleRead:
    rule = await service.update_rule(
        principal,
        rule_id,
        product_pattern=body.product_pattern,
        after_days=body.after_days,
        suggestion=body.suggestion,
        is_active=body.is_active,
        expected_version=expected_version(if_match),
    )
    set_etag(response, rule.version)
    return CrossSellRuleRead.of(rule)


@router.delete(
    "/cross-sell-rules/{rule_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(401, 403, 404, 412),
)
async def delete_cross_sell_rule(
    rule_id: UUID,
    principal: CurrentPrincipal,
    service: RetentionServiceDep,
    if_match: IfMatch = None,
) -> None:
    await service.delete_rule(principal, rule_id, expected_version=expected_version(if_match))
