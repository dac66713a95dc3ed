from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query, Response, status

from api.deps import CurrentPrincipal, DealServiceDep, FunnelServiceDep
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.pagination import Cursor, decode_cursor, ident, moment
from api.routers.deals import DealFilterDep
from api.schemas.deals import BoardColumnPage, BoardRead, DealRead, board_cursor
from api.schemas.funnels import (
    FunnelCreate,
    FunnelOrder,
    FunnelRead,
    FunnelUpdate,
    StageAdd,
    StageOrder,
    StageUpdate,
)

router = APIRouter(prefix="/funnels", tags=["funnels"])


@router.get("", response_model=list[FunnelRead], responses=problems(401, 403))
async def list_funnels(principal: CurrentPrincipal, service: FunnelServiceDep) -> list[FunnelRead]:
    """Every funnel of the organisation with its stages in order."""
    funnels = await service.list(principal)
    return [FunnelRead.of(f) for f in funnels]


@router.post(
    "",
    response_model=FunnelRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 422),
)
async def create_funnel(
    body: FunnelCreate,
    principal: CurrentPrincipal,
    service: FunnelServiceDep,
    response: Response,
) -> FunnelRead:
    """From a template ("sales", "b2b_project" or "simple_sale") or from stages (at most 12;
    more than 7 answer with a warning). The organisation's first funnel becomes its default."""
    funnel = await service.create(principal, body.to_command())
    set_etag(response, funnel.version)
    return FunnelRead.of(funnel)


@router.post("/reorder", response_model=list[FunnelRead], responses=problems(401, 403, 412, 422))
async def reorder_funnels(
    body: FunnelOrder, principal: CurrentPrincipal, service: FunnelServiceDep
) -> list[FunnelRead]:
    """Sets the order funnels are listed in; answers with every funnel in that order. 412 when
    a funnel changed meanwhile."""
    funnels = await service.reorder(principal, body.funnel_ids)
    return [FunnelRead.of(f) for f in funnels]


@router.get("/{funnel_id}", response_model=FunnelRead, responses=problems(401, 403, 404))
async def get_funnel(
    funnel_id: UUID,
    principal: CurrentPrincipal,
    service: FunnelServiceDep,
    response: Response,
) -> FunnelRead:
    funnel = await service.get(principal, funnel_id)
    set_etag(response, funnel.version)
    return FunnelRead.of(funnel)


@router.patch(
    "/{funnel_id}", response_model=FunnelRead, responses=problems(401, 403, 404, 412, 422)
)
async def update_funnel(
    funnel_id: UUID,
    body: FunnelUpdate,
    principal: CurrentPrincipal,
    service: FunnelServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> FunnelRead:
    """Rename, or make it the default funnel."""
    funnel = await service.update(
        principal, funnel_id, body.to_command(), expected_version=expected_version(if_match)
    )
    set_etag(response, funnel.version)
    return FunnelRead.of(funnel)


@router.delete(
    "/{funnel_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(401, 403, 404, 409, 412),
)
async def delete_funnel(
    funnel_id: UUID,
    principal: CurrentPrincipal,
    service: FunnelServiceDep,
    if_match: IfMatch = None,
) -> None:
    """Only a funnel without deals."""
    await service.delete(principal, funnel_id, expected_version=expected_version(if_match))


@router.post(
    "/{funnel_id}/stages",
    response_model=FunnelRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 404, 412, 422),
)
async def add_stage(
    funnel_id: UUID,
    body: StageAdd,
    principal: CurrentPrincipal,
    service: FunnelServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> FunnelRead:
    """A new stage (at the end unless a position is given); answers with the whole funnel."""
    funnel, _ = await service.add_stage(
        principal,
        funnel_id,
        body.spec(),
        position=body.position,
        expected_version=expected_version(if_match),
    )
    set_etag(response, funnel.version)
    return FunnelRead.of(funnel)


@router.patch(
    "/{funnel_id}/stages/{stage_id}",
    response_model=FunnelRead,
    responses=problems(401, 403, 404, 412, 422),
)
async def update_stage(
    funnel_id: UUID,
    stage_id: UUID,
    body: StageUpdate,
    principal: CurrentPrincipal,
    service: FunnelServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> FunnelRead:
    """Edit a stage; null clears expected_result and max_days. If-Match takes the funnel's
    ETag."""
    funnel, _ = await service.update_stage(
        principal,
        funnel_id,
        stage_id,
        body.to_command(),
        expected_version=expected_version(if_match),
    )
    set_etag(response, funnel.version)
    return FunnelRead.of(funnel)


@router.delete(
    "/{funnel_id}/stages/{stage_id}",
    response_model=FunnelRead,
    responses=problems(401, 403, 404, 409, 412, 422),
)
async def delete_stage(
    funnel_id: UUID,
    stage_id: UUID,
    principal: CurrentPrincipal,
    service: FunnelServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> FunnelRead:
    """Only a stage no deal is in; answers with the funnel that remains."""
    funnel = await service.delete_stage(
        principal, funnel_id, stage_id, expected_version=expected_version(if_match)
    )
    set_etag(response, funnel.version)
    return FunnelRead.of(funnel)


@router.post(
    "/{funnel_id}/stages/reorder",
    response_model=FunnelRead,
    responses=problems(401, 403, 404, 412, 422),
)
async def reorder_stages(
    funnel_id: UUID,
    body: StageOrder,
    principal: CurrentPrincipal,
    service: FunnelServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> FunnelRead:
    funnel = await service.reorder_stages(
        principal, funnel_id, body.stage_ids, expected_version=expected_version(if_match)
    )
    set_etag(response, funnel.version)
    return FunnelRead.of(funnel)


@router.get("/{funnel_id}/board", response_model=BoardRead, responses=problems(401, 403, 404, 422))
async def get_funnel_board(
    funnel_id: UUID,
    filters: DealFilterDep,
    principal: CurrentPrincipal,
    service: DealServiceDep,
    per_stage: Annotated[int, Query(ge=1, le=100, description="Cards per stage")] = 20,
) -> BoardRead:
    """Open visible deals per stage: count, totals per currency (amount and weighted) and
    the first cards, for the kanban board. A column's `exact` is false when its count and
    totals are an estimate, as in GET /deals/totals: filters beyond stage, status and
    responsible selecting more deals than are cheap to count."""
    board = await service.board(principal, funnel_id, filters, per_stage=per_stage)
    return BoardRead.of(board)


@router.get(
    "/{funnel_id}/board/columns/{column_id}",
    response_model=BoardColumnPage,
    responses=problems(401, 403, 404, 422),
)
async def get_funnel_board_column(
    funnel_id: UUID,
    column_id: Annotated[UUID, Path(description="The column's stage")],
    filters: DealFilterDep,
    principal: CurrentPrincipal,
    service: DealServiceDep,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=100, description="Cards")] = 20,
) -> BoardColumnPage:
    """The next cards of one board column (open visible deals of the stage, most recently
    entered first), after the column's next_cursor; takes the board's filters."""
    views = await service.board_column(
        principal,
        funnel_id,
        column_id,
        filters,
        limit=limit + 1,
        after=decode_cursor(cursor, moment, ident),
    )
    page = views[:limit]
    return BoardColumnPage(
        stage_id=column_id,
        deals=[DealRead.of(v) for v in page],
        next_cursor=board_cursor(page[-1].deal) if len(views) > limit else None,
    )
