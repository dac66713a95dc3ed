from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from api.deps import CurrentPrincipal, MarketingServiceDep
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.pagination import Cursor, Limit, day, decode_cursor, encode_cursor, ident
from api.schemas.base import Day, Name
from api.schemas.marketing import (
    CostCreate,
    CostPage,
    CostRead,
    CostUpdate,
    EffectivenessRead,
)
from domain.marketing.model import SOURCE_MAX_LENGTH
from domain.marketing.ports import CostFilter

router = APIRouter(prefix="/marketing", tags=["marketing"])


@router.get("/costs", response_model=CostPage, responses=problems(401, 403, 422))
async def list_marketing_costs(
    principal: CurrentPrincipal,
    service: MarketingServiceDep,
    first_month: Annotated[Day | None, Query(alias="from", description="From this month")] = None,
    last_month: Annotated[Day | None, Query(alias="to", description="To this month")] = None,
    source: Annotated[Name | None, Query(max_length=SOURCE_MAX_LENGTH)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> CostPage:
    """Costs, latest month first (reports:read or marketing:manage)."""
    found = await service.list_costs(
        principal,
        CostFilter(
            first_month=first_month.replace(day=1) if first_month else None,
            last_month=last_month.replace(day=1) if last_month else None,
            source=source,
        ),
        limit=limit + 1,
        after=decode_cursor(cursor, day, ident),
    )
    last = found[limit - 1] if len(found) > limit else None
    return CostPage(
        items=[CostRead.of(c) for c in found[:limit]],
        next_cursor=encode_cursor(last.month, last.id) if last else None,
    )


@router.post(
    "/costs",
    response_model=CostRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 409, 422),
)
async def create_marketing_cost(
    body: CostCreate, principal: CurrentPrincipal, service: MarketingServiceDep, response: Response
) -> CostRead:
    """What a source (or one of its campaigns) cost in a month (marketing:manage); one per
    month, source and campaign (409 conflict otherwise: change that one); not in a closed
    month (409 period-closed)."""
    cost = await service.create_cost(
        principal,
        month=body.month,
        source=body.source,
        campaign=body.campaign,
        amount=body.amount,
        comment=body.comment,
    )
    set_etag(response, cost.version)
    return CostRead.of(cost)


@router.patch(
    "/costs/{cost_id}",
    response_model=CostRead,
    responses=problems(401, 403, 404, 409, 412, 422),
)
async def update_marketing_cost(
    cost_id: UUID,
    body: CostUpdate,
    principal: CurrentPrincipal,
    service: MarketingServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> CostRead:
    """A new amount or comment (marketing:manage), unless the month is closed (409
    period-closed)."""
    cost = await service.update_cost(
        principal,
        cost_id,
        amount=body.amount,
        comment=body.comment,
        clear_comment="comment" in body.model_fields_set and body.comment is None,
        expected_version=expected_version(if_match),
    )
    set_etag(response, cost.version)
    return CostRead.of(cost)


@router.delete(
    "/costs/{cost_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(401, 403, 404, 409, 412),
)
async def delete_marketing_cost(
    cost_id: UUID,
    principal: CurrentPrincipal,
    service: MarketingServiceDep,
    if_match: IfMatch = None,
) -> None:
    """Remove a cost (marketing:manage), unless its month is closed (409 period-closed)."""
    await service.delete_cost(principal, cost_id, expected_version=expected_version(if_match))


@router.get("/effectiveness", response_model=EffectivenessRead, responses=problems(401, 403, 422))
async def get_marketing_effectiveness(
    principal: CurrentPrincipal,
    service: MarketingServiceDep,
    first_day: Annotated[Day, Query(alias="from", description="A day of the first month")],
    last_day: Annotated[Day, Query(alias="to", description="A day of the last month")],
    funnel_id: Annotated[
        UUID | None, Query(description="Also the cost per deal that entered each stage")
    ] = None,
) -> EffectivenessRead:
    """Per source and campaign over whole months (at most 24): cost, leads (deals created),
    won deals, revenue, cost per lead and per won deal, return on spend. Costs are the
    organisation's; deals those the caller sees. Needs reports:read or marketing:manage."""
    report = await service.effectiveness(
        principal, first_day=first_day, last_day=last_day, funnel_id=funnel_id
    )
    return EffectivenessRead.of(report)
