"""Lead intake reports (issue 11, item 8), for holders of reports:read, counting what the
caller sees (the visibility of deals their role has: own, team or all)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentPrincipal, IntakeReportServiceDep
from api.errors import problems
from api.schemas.base import Day
from api.schemas.intake_reports import CallbackReport, CallReport, LeadReport, ResponseReport
from domain.intake.reports import CallbackDimension, CallDimension, LeadDimension

router = APIRouter(prefix="/intake/reports", tags=["intake"])

DateFrom = Annotated[
    Day | None,
    Query(
        description="The first day counted, in the organisation's time zone (default: 30 days "
        "before date_to)"
    ),
]
DateTo = Annotated[
    Day | None,
    Query(description="The last day counted (default: today); a period is at most 366 days"),
]
_PROBLEMS = problems(401, 403, 422)


@router.get("/leads", response_model=LeadReport, responses=_PROBLEMS)
async def get_intake_lead_report(
    principal: CurrentPrincipal,
    reports: IntakeReportServiceDep,
    group_by: LeadDimension = LeadDimension.SOURCE,
    date_from: DateFrom = None,
    date_to: DateTo = None,
) -> LeadReport:
    """Leads received in the period by source, campaign, channel (form or telephony
    integration), kind, manager or day: how many, how many have a deal, an assignee, an answer,
    or were spam."""
    return LeadReport.of(await reports.leads(principal, group_by, date_from, date_to))


@router.get("/calls", response_model=CallReport, responses=_PROBLEMS)
async def get_intake_call_report(
    principal: CurrentPrincipal,
    reports: IntakeReportServiceDep,
    group_by: CallDimension = CallDimension.TRACKING_NUMBER,
    date_from: DateFrom = None,
    date_to: DateTo = None,
) -> CallReport:
    """Calls started in the period by source, campaign, tracking number, channel (telephony
    integration), manager or day: inbound, outbound, answered, missed and talk time."""
    return CallReport.of(await reports.calls(principal, group_by, date_from, date_to))


@router.get("/missed-calls", response_model=CallbackReport, responses=_PROBLEMS)
async def get_intake_callback_report(
    principal: CurrentPrincipal,
    reports: IntakeReportServiceDep,
    group_by: CallbackDimension = CallbackDimension.MANAGER,
    date_from: DateFrom = None,
    date_to: DateTo = None,
) -> CallbackReport:
    """Missed calls of the period by manager (who must call back), tracking number or day:
    how many were called back and how long that took."""
    return CallbackReport.of(await reports.callbacks(principal, group_by, date_from, date_to))


@router.get("/response-times", response_model=ResponseReport, responses=_PROBLEMS)
async def get_intake_response_report(
    principal: CurrentPrincipal,
    reports: IntakeReportServiceDep,
    date_from: DateFrom = None,
    date_to: DateTo = None,
) -> ResponseReport:
    """Per manager, the leads of the period given to them and how fast they first answered
    (average, median, 90th percentile)."""
    return ResponseReport.of(await reports.response_times(principal, date_from, date_to))
