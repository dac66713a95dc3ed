from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from api.deps import AnalyticsServiceDep, CurrentPrincipal, SalesServiceDep, WorkTimeServiceDep
from api.errors import problems
from api.schemas.analytics import FunnelAnalyticsRead, SalesStructureRead, WorkTimeRead
from api.schemas.base import Day, Name
from domain.analytics.model import MAX_PERIOD_DAYS, FunnelAnalyticsFilter

router = APIRouter(prefix="/analytics", tags=["analytics"])

# The query parameters every analytics view shares: a period of whole days of the
# organisation's time zone, both ends inclusive, and the usual narrowing filters.
FirstDay = Annotated[Day, Query(alias="from", description="The period's first day")]
LastDay = Annotated[
    Day,
    Query(
        alias="to",
        description=f"The period's last day, inclusive; at most {MAX_PERIOD_DAYS} days after from",
    ),
]
ResponsibleFilter = Annotated[UUID | None, Query(description="Deals of this user")]
DepartmentFilter = Annotated[
    UUID | None, Query(description="Deals of the users of this department and its sub-departments")
]
SourceFilter = Annotated[Name | None, Query(description="The deals' source channel")]
FunnelFilter = Annotated[
    UUID | None, Query(description="The organisation's default funnel when absent")
]


@router.get("/funnel", response_model=FunnelAnalyticsRead, responses=problems(401, 403, 404, 422))
async def get_funnel_analytics(
    principal: CurrentPrincipal,
    service: AnalyticsServiceDep,
    first_day: FirstDay,
    last_day: LastDay,
    funnel_id: FunnelFilter = None,
    responsible_id: ResponsibleFilter = None,
    department_id: DepartmentFilter = None,
    source: SourceFilter = None,
) -> FunnelAnalyticsRead:
    """Funnel analytics (deals:read) over a cohort: the funnel's deals created in the period
    (days of the organisation's time zone, both ends inclusive) that the caller sees (a seller
    their own, a head their department's, an admin all), narrowed by the filters; a user or
    department out of sight is 404, to before from or a period over 366 days 422. Per stage:
    deals that reached it, conversions, time in stage, stale deals; totals: status counts,
    win rate, average won deal per currency, cycle length; and the loss reasons. Every figure
    is computed by the database."""
    result = await service.funnel(
        principal,
        FunnelAnalyticsFilter(
            first_day=first_day,
            last_day=last_day,
            funnel_id=funnel_id,
            responsible_id=responsible_id,
            department_id=department_id,
            source=source,
        ),
    )
    return FunnelAnalyticsRead.of(result)


@router.get("/work-time", response_model=WorkTimeRead, responses=problems(401, 403, 404, 422))
async def get_work_time_map(
    principal: CurrentPrincipal,
    service: WorkTimeServiceDep,
    first_day: FirstDay,
    last_day: LastDay,
    user_id: Annotated[UUID | None, Query(description="One employee")] = None,
    department_id: Annotated[
        UUID | None, Query(description="The employees of this department and below it")
    ] = None,
) -> WorkTimeRead:
    """When people work (deals:read): calls and meetings logged, tasks done and deal moves
    (stage moves, wins, losses, reopenings) by weekday and hour of the organisation's time
    zone, over the employees the caller sees (a seller themself, a head their department, an
    admin everyone), with each employee's totals; a user or department out of sight is 404."""
    result = await service.work_time(
        principal,
        first_day=first_day,
        last_day=last_day,
        user_id=user_id,
        department_id=department_id,
    )
    return WorkTimeRead.of(result)


@router.get("/sales", response_model=SalesStructureRead, responses=problems(401, 403, 404, 422))
async def get_sales_structure(
    principal: CurrentPrincipal,
    service: SalesServiceDep,
    first_day: FirstDay,
    last_day: LastDay,
    funnel_id: Annotated[
        UUID | None, Query(description="Deals of this funnel; all when absent")
    ] = None,
    responsible_id: ResponsibleFilter = None,
    department_id: DepartmentFilter = None,
    source: SourceFilter = None,
) -> SalesStructureRead:
    """The structure of the period's sales over the deals the caller sees (deals:read): won
    deals, the share of repeat purchases and among them upsells (only products the client had
    bought) and cross-sells (something new), the average check per currency, and demand by
    product: deals that asked for it (opened in the period) against deals that bought it (won
    in it), the 50 most asked for."""
    result = await service.structure(
        principal,
        first_day=first_day,
        last_day=last_day,
        funnel_id=funnel_id,
        responsible_id=responsible_id,
        department_id=department_id,
        source=source,
    )
    return SalesStructureRead.of(result)
