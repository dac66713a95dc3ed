"""Lead intake reports: per group (a source, campaign, channel, tracking number, manager or day)
and in total, over a period of the organisation's days."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from api.schemas.base import Schema
from domain.intake.reports import (
    CallbackDimension,
    CallbackRow,
    CallDimension,
    CallRow,
    LeadDimension,
    LeadRow,
    Period,
    Report,
    ResponseRow,
)

_KEY = Field(
    description="The group's value: a source, campaign, kind or tracking number as stored, a "
    "form's, integration's or user's id, a day (YYYY-MM-DD); null for the rows without one "
    "(no campaign, nobody assigned yet); null in the totals"
)
_LABEL = Field(description="What to show for the key: a form's or person's name, else the key")


class ReportPeriod(Schema):
    date_from: date
    date_to: date = Field(description="The last day counted (included)")
    time_zone: str = Field(description="The organisation's, in which the days are counted")

    @classmethod
    def of(cls, period: Period) -> ReportPeriod:
        return cls(date_from=period.first, date_to=period.last, time_zone=period.time_zone)


class LeadReportRow(Schema):
    key: str | None = _KEY
    label: str | None = _LABEL
    leads: int
    with_deal: int = Field(description="Leads that opened or joined a deal")
    assigned: int = Field(description="Leads someone was given")
    responded: int = Field(description="Leads whose assignee has answered them")
    spam: int = Field(description="Leads marked as spam")


class CallReportRow(Schema):
    key: str | None = _KEY
    label: str | None = _LABEL
    calls: int
    inbound: int
    outbound: int
    answered: int
    missed: int = Field(description="Inbound calls that ended unanswered")
    talk_seconds: int = Field(description="Conversation time of the answered calls")


class CallbackReportRow(Schema):
    key: str | None = _KEY
    label: str | None = _LABEL
    missed: int = Field(description="Inbound calls that ended unanswered")
    called_back: int = Field(
        description="Missed calls followed by an answered call with the same number, "
        "either way (the client called again or was called back)"
    )
    average_seconds: int | None = Field(description="From the missed call to that call")
    median_seconds: int | None
    max_seconds: int | None


class ResponseReportRow(Schema):
    key: str | None = Field(description="The manager's id; null in the totals")
    label: str | None = Field(description="The manager's name")
    assigned: int = Field(description="Leads given to the manager")
    responded: int = Field(description="Leads the manager has answered")
    average_seconds: int | None = Field(
        description="From assignment to the first activity, stage move or call"
    )
    median_seconds: int | None
    p90_seconds: int | None


def _report_fields(report: Report[Any], row: type[Schema]) -> dict[str, Any]:
    return {
        "period": ReportPeriod.of(report.period),
        "group_by": report.group_by,
        "rows": [row.model_validate(r) for r in report.rows],
        "total": row.model_validate(report.total),
        "truncated": report.truncated,
    }


_ROWS = "The largest groups first (at most 200); by day, every day of the period in order"
_TRUNCATED = Field(description="More groups than listed: the smallest were left out of rows")


class LeadReport(Schema):
    period: ReportPeriod
    group_by: LeadDimension
    rows: list[LeadReportRow] = Field(description=_ROWS)
    total: LeadReportRow
    truncated: bool = _TRUNCATED

    @classmethod
    def of(cls, report: Report[LeadRow]) -> LeadReport:
        return cls(**_report_fields(report, LeadReportRow))


class CallReport(Schema):
    period: ReportPeriod
    group_by: CallDimension
    rows: list[CallReportRow] = Field(description=_ROWS)
    total: CallReportRow
    truncated: bool = _TRUNCATED

    @classmethod
    def of(cls, report: Report[CallRow]) -> CallReport:
        return cls(**_report_fields(report, CallReportRow))


class CallbackReport(Schema):
    period: ReportPeriod
    group_by: CallbackDimension
    rows: list[CallbackReportRow] = Field(
        description="The groups with the most missed calls first (at most 200); by day, "
        "every day of the period in order"
    )
    total: CallbackReportRow
    truncated: bool = _TRUNCATED

    @classmethod
    def of(cls, report: Report[CallbackRow]) -> CallbackReport:
        return cls(**_report_fields(report, CallbackReportRow))


class ResponseReport(Schema):
    period: ReportPeriod
    rows: list[ResponseReportRow] = Field(description="Managers with the most leads first")
    total: ResponseReportRow
    truncated: bool = _TRUNCATED

    @classmethod
    def of(cls, report: Report[ResponseRow]) -> ResponseReport:
        fields = _report_fields(report, ResponseReportRow)
        del fields["group_by"]
        return cls(**fields)
