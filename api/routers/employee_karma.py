from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import StreamingResponse

from api.deps import CurrentPrincipal, EmployeeKarmaServiceDep
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.export import Row, export_openapi_responses, export_response
from api.schemas.base import Day
from api.schemas.employee_karma import (
    EmployeeKarmaRulesRead,
    EmployeeKarmaRulesWrite,
    KarmaPeriodList,
    KarmaPeriodRead,
    MonthKarmaRead,
)

router = APIRouter(prefix="/karma", tags=["karma"])

MonthQuery = Annotated[Day, Query(description="The month's first day")]
MonthPath = Annotated[Day, Path(description="The month's first day")]

STATEMENT_COLUMNS = (
    ("name", "Сотрудник"),
    ("head", "Руководитель"),
    ("won_deals", "Выиграно сделок"),
    ("upsells", "Повторные продажи"),
    ("promoters", "Промоутеры"),
    ("detractors", "Критики"),
    ("plan_percent", "План, %"),
    ("overdue_tasks", "Просрочено задач"),
    ("own_score", "Своя карма"),
    ("score", "Карма"),
    ("bonus", "Премия"),
    ("currency", "Валюта"),
)


@router.get("/employee-rules", response_model=EmployeeKarmaRulesRead, responses=problems(401))
async def get_employee_karma_rules(
    principal: CurrentPrincipal, service: EmployeeKarmaServiceDep, response: Response
) -> EmployeeKarmaRulesRead:
    """The weights of employee karma's criteria and the bonus per point."""
    settings = await service.settings(principal)
    set_etag(response, settings.version)
    return EmployeeKarmaRulesRead.of(settings)


@router.put(
    "/employee-rules",
    response_model=EmployeeKarmaRulesRead,
    responses=problems(401, 403, 412, 422),
)
async def put_employee_karma_rules(
    body: EmployeeKarmaRulesWrite,
    principal: CurrentPrincipal,
    service: EmployeeKarmaServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> EmployeeKarmaRulesRead:
    """Change the weights and the bonus per point (karma:manage); open months follow at once,
    closed ones keep what they were closed with."""
    settings = await service.change_settings(
        principal,
        weights=body.weights.as_mapping(),
        bonus_per_point=body.bonus_per_point,
        expected_version=expected_version(if_match),
    )
    set_etag(response, settings.version)
    return EmployeeKarmaRulesRead.of(settings)


@router.get("/employees", response_model=MonthKarmaRead, responses=problems(401, 422))
async def get_employee_karma(
    principal: CurrentPrincipal, service: EmployeeKarmaServiceDep, month: MonthQuery
) -> MonthKarmaRead:
    """Each employee's karma for the month, of the people the caller sees (a seller themself,
    a head their department, an admin everyone): live while the month is open, as frozen once
    it is closed."""
    return MonthKarmaRead.of(await service.month(principal, month))


@router.get("/periods", response_model=KarmaPeriodList, responses=problems(401))
async def list_karma_periods(
    principal: CurrentPrincipal, service: EmployeeKarmaServiceDep
) -> KarmaPeriodList:
    """Closed months, latest first."""
    periods = await service.closed_periods(principal)
    return KarmaPeriodList(items=[KarmaPeriodRead.of(p) for p in periods])


@router.post(
    "/periods/{month}/close",
    response_model=MonthKarmaRead,
    responses=problems(401, 403, 409, 422),
)
async def close_karma_period(
    month: MonthPath, principal: CurrentPrincipal, service: EmployeeKarmaServiceDep
) -> MonthKarmaRead:
    """Close a month that is over (karma:manage): every active employee's karma and bonus are
    stored as they are now and never change again, nor do the month's plans and marketing
    costs (409 period-already-closed, or period-not-over before the month ends)."""
    return MonthKarmaRead.of(await service.close(principal, month))


@router.get(
    "/periods/{month}/bonus-statement.xlsx",
    response_class=StreamingResponse,
    responses={**export_openapi_responses(), **problems(401, 403, 404, 422)},
)
async def get_bonus_statement(
    month: MonthPath, principal: CurrentPrincipal, service: EmployeeKarmaServiceDep
) -> StreamingResponse:
    """The closed month's bonus statement as a spreadsheet (karma:manage or reports:read; the
    rows of the people the caller sees)."""
    result = await service.statement(principal, month)

    async def rows() -> AsyncIterator[Row]:
        for r in result.rows:
            f = r.facts
            yield (
                r.name,
                "да" if r.is_head else "",
                f.won_deals,
                f.upsells,
                f.promoters,
                f.detractors,
                f.plan_percent,
                f.overdue_tasks,
                r.own_score,
                r.score,
                r.bonus,
                result.currency,
            )

    return await export_response(
        rows(),
        STATEMENT_COLUMNS,
        fmt="xlsx",
        filename=f"Премии {month.strftime('%Y-%m')}",
        tz=ZoneInfo("UTC"),
        sheet_name=f"Премии {month.strftime('%Y-%m')}",
    )
