from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from api.deps import CurrentPrincipal, EmployeeKarmaServiceDep, KpiServiceDep
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.pagination import Cursor, Limit, day, decode_cursor, encode_cursor, ident
from api.schemas.base import Day
from api.schemas.kpi import (
    FulfilmentRead,
    LeaderboardRead,
    PlanCreate,
    PlanPage,
    PlanRead,
    PlanUpdate,
)
from domain.kpi.model import Metric, PeriodKind, Plan
from domain.kpi.ports import PlanFilter

router = APIRouter(prefix="/kpi", tags=["kpi"])

PeriodQuery = Annotated[PeriodKind, Query(description="The period's kind")]
StartQuery = Annotated[
    Day, Query(description="The period's first day (a Monday, the 1st of a month...)")
]


def _read(plan: Plan, response: Response) -> PlanRead:
    set_etag(response, plan.version)
    return PlanRead.of(plan)


@router.get("/plans", response_model=PlanPage, responses=problems(401, 422))
async def list_plans(
    principal: CurrentPrincipal,
    service: KpiServiceDep,
    period_kind: PeriodKind | None = None,
    period_start: Day | None = None,
    user_id: UUID | None = None,
    department_id: UUID | None = None,
    metric: Metric | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> PlanPage:
    """Plans of the people (and whole departments) the caller sees, latest period first."""
    filters = PlanFilter(
        period_kind=period_kind,
        period_start=period_start,
        user_id=user_id,
        department_id=department_id,
        metric=metric,
    )
    plans = await service.list_plans(
        principal, filters, limit=limit + 1, after=decode_cursor(cursor, day, ident)
    )
    last = plans[limit - 1] if len(plans) > limit else None
    return PlanPage(
        items=[PlanRead.of(p) for p in plans[:limit]],
        next_cursor=encode_cursor(last.period.start, last.id) if last else None,
    )


@router.post(
    "/plans",
    response_model=PlanRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 409, 422),
)
async def create_plan(
    body: PlanCreate, principal: CurrentPrincipal, service: KpiServiceDep, response: Response
) -> PlanRead:
    """Set a plan for a user or a department one sees (kpi:manage); one per subject, metric
    and period (422 on period_start otherwise); not in closed months (409 period-closed)."""
    return _read(await service.create_plan(principal, body.to_command()), response)


@router.get("/plans/{plan_id}", response_model=PlanRead, responses=problems(401, 404))
async def get_plan(
    plan_id: UUID, principal: CurrentPrincipal, service: KpiServiceDep, response: Response
) -> PlanRead:
    return _read(await service.get_plan(principal, plan_id), response)


@router.patch(
    "/plans/{plan_id}",
    response_model=PlanRead,
    responses=problems(401, 403, 404, 409, 412, 422),
)
async def update_plan(
    plan_id: UUID,
    body: PlanUpdate,
    principal: CurrentPrincipal,
    service: KpiServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> PlanRead:
    """Change a plan's target (kpi:manage); a plan of closed months no longer changes (409
    period-closed)."""
    plan = await service.update_plan(
        principal, plan_id, body.to_command(), expected_version=expected_version(if_match)
    )
    return _read(plan, response)


@router.delete(
    "/plans/{plan_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(401, 403, 404, 409, 412),
)
async def delete_plan(
    plan_id: UUID, principal: CurrentPrincipal, service: KpiServiceDep, if_match: IfMatch = None
) -> None:
    """Remove a plan (kpi:manage), unless its months are closed (409 period-closed)."""
    await service.delete_plan(principal, plan_id, expected_version=expected_version(if_match))


@router.get("/fulfilment", response_model=FulfilmentRead, responses=problems(401, 422))
async def get_fulfilment(
    principal: CurrentPrincipal,
    service: KpiServiceDep,
    period: PeriodQuery,
    start: StartQuery,
    department_id: Annotated[UUID | None, Query(description="That department's subtree")] = None,
    user_id: Annotated[UUID | None, Query(description="One employee, no departments")] = None,
) -> FulfilmentRead:
    """Plan, fact, forecast and fulfilment per metric for each employee and department the
    caller sees: a seller their own row, a head their department's, an admin all."""
    result = await service.fulfilment(
        principal, period, start, department_id=department_id, user_id=user_id
    )
    return FulfilmentRead.of(result)


@router.get("/leaderboard", response_model=LeaderboardRead, responses=problems(401, 422))
async def get_leaderboard(
    principal: CurrentPrincipal,
    service: KpiServiceDep,
    karma: EmployeeKarmaServiceDep,
    period: PeriodQuery,
    start: StartQuery,
) -> LeaderboardRead:
    """Everyone with a turnover plan for the period, ranked by its fulfilment: open to the
    whole organisation by design, so it shows names, percentages and (for a month) karma,
    never amounts or deals."""
    board = await service.leaderboard(principal, period, start)
    scores = await karma.scores(principal, start) if period is PeriodKind.MONTH else None
    return LeaderboardRead.of(board, scores)
