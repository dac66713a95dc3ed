"""The intake reports' read model: GROUP BY over one period's leads (``intake_leads``, on its
index by organisation and received_at) and calls (``calls``, by organisation and started_at),
restricted to the owners the caller sees; one query for the groups (the largest first, capped)
and one for the totals."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from adapters.db.repositories.base import SqlRepository
from adapters.db.repositories.deals import stale_sql
from adapters.db.repositories.visibility import owned_by, visible_owner_ids
from adapters.db.tables.activities import tasks
from adapters.db.tables.clients import clients
from adapters.db.tables.deals import deals
from adapters.db.tables.distribution import intake_leads
from adapters.db.tables.funnels import stages
from adapters.db.tables.intake import intake_forms
from adapters.db.tables.staff import users
from adapters.db.tables.telephony import calls, telephony_integrations
from domain.intake.reports import (
    CallbackDimension,
    CallbackRow,
    CallDimension,
    CallRow,
    LeadDimension,
    LeadRow,
    Period,
    ResponseRow,
)
from domain.shared.scope import Scope

Row = TypeVar("Row")
_ANSWERED = "answered"
_NOT_OVER = "in_progress"
_INBOUND = "inbound"
_OUTBOUND = "outbound"
_SPAM = "spam"
# What the reports read of a call.
_CALL_COLUMNS = (
    "organisation_id",
    "started_at",
    "direction",
    "result",
    "client_number",
    "company_number",
    "source",
    "campaign",
    "integration_id",
    "employee_id",
    "callback_task_id",
)


def _day(moment: ColumnElement[Any], period: Period) -> ColumnElement[Any]:
    """The organisation's calendar day of ``moment`` (a date; shown as YYYY-MM-DD)."""
    return sa.cast(sa.func.timezone(period.time_zone, moment), sa.Date)


def _text(column: ColumnElement[Any]) -> ColumnElement[Any]:
    return sa.cast(column, sa.String)


def _seconds(later: ColumnElement[Any], earlier: ColumnElement[Any]) -> ColumnElement[Any]:
    return sa.func.extract("epoch", later - earlier)


def _whole(value: Any) -> int | None:
    return None if value is None else round(float(value))


def _missed(c: Any) -> ColumnElement[bool]:
    return sa.and_(c.direction == _INBOUND, c.result.notin_([_ANSWERED, _NOT_OVER]))


class SqlIntakeReportQueries(SqlRepository):
    # --- leads --------------------------------------------------------------------------

    async def leads(
        self, scope: Scope, period: Period, by: LeadDimension, *, limit: int
    ) -> tuple[Sequence[LeadRow], LeadRow]:
        lead = intake_leads
        owners = await visible_owner_ids(self._conn, scope)
        source: Any = lead
        key: ColumnElement[Any]
        label: ColumnElement[Any]
        if by is LeadDimension.CHANNEL:
            form = intake_forms.alias("form")
            line = telephony_integrations.alias("line")
            source = lead.outerjoin(
                form,
                sa.and_(
                    form.c.organisation_id == lead.c.organisation_id,
                    form.c.id == lead.c.channel_id,
                ),
            ).outerjoin(
                line,
                sa.and_(
                    line.c.organisation_id == lead.c.organisation_id,
                    line.c.id == lead.c.channel_id,
                ),
            )
            key, label = _text(lead.c.channel_id), sa.func.coalesce(form.c.name, line.c.name)
        elif by is LeadDimension.MANAGER:
            source = lead.outerjoin(
                users,
                sa.and_(
                    users.c.organisation_id == lead.c.organisation_id,
                    users.c.id == lead.c.assignee_id,
                ),
            )
            key, label = _text(lead.c.assignee_id), users.c.full_name
        elif by is LeadDimension.DAY:
            key = label = _day(lead.c.received_at, period)
        else:
            key = label = lead.c[by.value]
        inner = (
            sa.select(
                key.label("key"),
                label.label("label"),
                lead.c.deal_id,
                lead.c.assignee_id,
                lead.c.first_response_at,
                lead.c.status,
            )
            .select_from(source)
            .where(
                lead.c.organisation_id == scope.organisation_id,
                lead.c.received_at >= period.starts_at,
                lead.c.received_at < period.ends_at,
                owned_by(lead.c.assignee_id, owners),
            )
        )

        def aggregates(r: Any) -> list[ColumnElement[Any]]:
            return [
                sa.func.count().label("leads"),
                sa.func.count(r.c.deal_id).label("with_deal"),
                sa.func.count(r.c.assignee_id).label("assigned"),
                sa.func.count(r.c.first_response_at).label("responded"),
                sa.func.count().filter(r.c.status == _SPAM).label("spam"),
            ]

        return await self._measure(
            inner, aggregates, _lead_row, limit=limit, by_day=by is LeadDimension.DAY
        )

    async def _measure(
        self,
        inner: sa.Select[Any],
        aggregates: Callable[[Any], list[ColumnElement[Any]]],
        build: Callable[[Any], Row],
        *,
        limit: int,
        by_day: bool = False,
    ) -> tuple[list[Row], Row]:
        """``inner`` yields one row per lead or call with its ``key`` and ``label``: the
        groups by (key, label), the largest (first aggregate) first (days in order), and the
        totals, from one pass over the rows (GROUPING SETS: the groups and the grand total;
        the total's row comes first)."""
        rows = inner.subquery("rows")
        measured = aggregates(rows)
        is_total = sa.func.grouping(rows.c.key, rows.c.label)
        grouped = (
            sa.select(rows.c.key, rows.c.label, *measured)
            .group_by(sa.func.grouping_sets(sa.tuple_(rows.c.key, rows.c.label), sa.text("()")))
            .order_by(
                is_total.desc(),
                *([] if by_day else [measured[0].desc()]),
                rows.c.key.asc().nulls_last(),
            )
            .limit(limit + 1)
        )
        found = [build(r) for r in await self._conn.execute(grouped)]
        return found[1:], found[0]

    # --- calls ----------------------------------------------------------------------------

    def _calls_seen(self, c: Any) -> tuple[Any, ColumnElement[Any]]:
        """Calls (``c``: the table, or a subquery of its columns) with their owner: who
        answered, else who was given the callback task."""
        task = tasks.alias("callback")
        joined = c.outerjoin(
            task,
            sa.and_(
                task.c.organisation_id == c.c.organisation_id,
                task.c.id == c.c.callback_task_id,
            ),
        )
        return joined, sa.func.coalesce(c.c.employee_id, task.c.assignee_id)

    def _call_key(
        self,
        c: Any,
        by: CallDimension | CallbackDimension,
        period: Period,
        owner: ColumnElement[Any],
    ) -> tuple[Any, ColumnElement[Any], ColumnElement[Any]]:
        """Extra joins, key and label of a calls report's grouping."""
        value = by.value
        if value == "manager":
            person = users.alias("person")
            return (
                (
                    person,
                    sa.and_(person.c.organisation_id == c.c.organisation_id, person.c.id == owner),
                ),
                _text(owner),
                person.c.full_name,
            )
        if value == "channel":
            line = telephony_integrations.alias("line")
            return (
                (
                    line,
                    sa.and_(
                        line.c.organisation_id == c.c.organisation_id,
                        line.c.id == c.c.integration_id,
                    ),
                ),
                _text(c.c.integration_id),
                line.c.name,
            )
        if value == "day":
            day = _day(c.c.started_at, period)
            return None, day, day
        if value == "client":
            client = clients.alias("client")
            return (
                (
                    client,
                    sa.and_(
                        client.c.organisation_id == c.c.organisation_id,
                        client.c.id == c.c.client_id,
                    ),
                ),
                _text(c.c.client_id),
                client.c.name,
            )
        if value in ("deal", "stale_deal"):
            # The stale deals' join is inner, with the staleness among its conditions.
            return None, _text(deals.c.id), deals.c.title
        column = c.c.company_number if value == "tracking_number" else calls.c[value]
        return None, column, column

    async def calls(
        self,
        scope: Scope,
        period: Period,
        by: CallDimension,
        *,
        limit: int,
        now: datetime | None = None,
    ) -> tuple[Sequence[CallRow], CallRow]:
        owners = await visible_owner_ids(self._conn, scope)
        source, owner = self._calls_seen(calls)
        extra, key, label = self._call_key(calls, by, period, owner)
        if extra is not None:
            source = source.outerjoin(*extra)
        on_deal = sa.and_(
            deals.c.organisation_id == calls.c.organisation_id, deals.c.id == calls.c.deal_id
        )
        if by is CallDimension.DEAL:
            source = source.outerjoin(deals, on_deal)
        elif by is CallDimension.STALE_DEAL:
            on_stage = sa.and_(
                stages.c.organisation_id == deals.c.organisation_id,
                stages.c.id == deals.c.stage_id,
            )
            source = source.join(deals, on_deal).join(
                stages, sa.and_(on_stage, stale_sql(now or period.ends_at))
            )
        inner = (
            sa.select(
                key.label("key"),
                label.label("label"),
                calls.c.direction,
                calls.c.result,
                calls.c.talk_seconds,
            )
            .select_from(source)
            .where(*self._call_period(calls, scope, period, owner, owners))
        )

        def aggregates(r: Any) -> list[ColumnElement[Any]]:
            return [
                sa.func.count().label("calls"),
                sa.func.count().filter(r.c.direction == _INBOUND).label("inbound"),
                sa.func.count().filter(r.c.direction == _OUTBOUND).label("outbound"),
                sa.func.count().filter(r.c.result == _ANSWERED).label("answered"),
                sa.func.count().filter(_missed(r.c)).label("missed"),
                sa.func.coalesce(sa.func.sum(r.c.talk_seconds), 0).label("talk_seconds"),
            ]

        return await self._measure(
            inner, aggregates, _call_row, limit=limit, by_day=by is CallDimension.DAY
        )

    def _call_period(
        self,
        c: Any,
        scope: Scope,
        period: Period,
        owner: ColumnElement[Any],
        owners: list[Any] | None,
    ) -> list[ColumnElement[bool]]:
        return [
            c.c.organisation_id == scope.organisation_id,
            c.c.started_at >= period.starts_at,
            c.c.started_at < period.ends_at,
            owned_by(owner, owners),
        ]

    async def callbacks(
        self, scope: Scope, period: Period, by: CallbackDimension, *, limit: int
    ) -> tuple[Sequence[CallbackRow], CallbackRow]:
        owners = await visible_owner_ids(self._conn, scope)
        # Every call of the organisation from the period's start on (later ones too: a call
        # missed on the last day may be returned the next), each with the start of the first
        # answered call, either way, with its number after it: one pass, sorted by number and
        # start, instead of a look-up per missed call.
        after = sa.func.min(calls.c.started_at).filter(calls.c.result == _ANSWERED)
        timeline = (
            sa.select(
                *[calls.c[name] for name in _CALL_COLUMNS],
                sa.case(
                    (calls.c.client_number.is_(None), None),
                    else_=after.over(
                        partition_by=calls.c.client_number,
                        order_by=calls.c.started_at,
                        rows=(1, None),
                    ),
                ).label("called_back_at"),
            )
            .where(
                calls.c.organisation_id == scope.organisation_id,
                calls.c.started_at >= period.starts_at,
            )
            .subquery("timeline")
        )
        source, owner = self._calls_seen(timeline)
        extra, key, label = self._call_key(timeline, by, period, owner)
        if extra is not None:
            source = source.outerjoin(*extra)
        inner = (
            sa.select(
                key.label("key"),
                label.label("label"),
                _seconds(timeline.c.called_back_at, timeline.c.started_at).label("wait"),
            )
            .select_from(source)
            .where(
                *self._call_period(timeline, scope, period, owner, owners),
                _missed(timeline.c),
            )
        )

        def aggregates(r: Any) -> list[ColumnElement[Any]]:
            return [
                sa.func.count().label("missed"),
                sa.func.count(r.c.wait).label("called_back"),
                sa.func.avg(r.c.wait).label("average"),
                sa.func.percentile_cont(0.5).within_group(r.c.wait).label("median"),
                sa.func.max(r.c.wait).label("longest"),
            ]

        return await self._measure(
            inner, aggregates, _callback_row, limit=limit, by_day=by is CallbackDimension.DAY
        )

    # --- response time -----------------------------------------------------------------

    async def response_times(
        self, scope: Scope, period: Period, *, limit: int
    ) -> tuple[Sequence[ResponseRow], ResponseRow]:
        lead = intake_leads
        owners = await visible_owner_ids(self._conn, scope)
        inner = (
            sa.select(
                _text(lead.c.assignee_id).label("key"),
                users.c.full_name.label("label"),
                lead.c.first_response_at,
                _seconds(lead.c.first_response_at, lead.c.assigned_at).label("wait"),
            )
            .select_from(
                lead.join(
                    users,
                    sa.and_(
                        users.c.organisation_id == lead.c.organisation_id,
                        users.c.id == lead.c.assignee_id,
                    ),
                )
            )
            .where(
                lead.c.organisation_id == scope.organisation_id,
                lead.c.received_at >= period.starts_at,
                lead.c.received_at < period.ends_at,
                lead.c.assignee_id.is_not(None),
                owned_by(lead.c.assignee_id, owners),
            )
        )

        def aggregates(r: Any) -> list[ColumnElement[Any]]:
            return [
                sa.func.count().label("assigned"),
                sa.func.count(r.c.first_response_at).label("responded"),
                sa.func.avg(r.c.wait).label("average"),
                sa.func.percentile_cont(0.5).within_group(r.c.wait).label("median"),
                sa.func.percentile_cont(0.9).within_group(r.c.wait).label("p90"),
            ]

        return await self._measure(inner, aggregates, _response_row, limit=limit)


def _label(r: Any) -> tuple[str | None, str | None]:
    return (
        None if r.key is None else str(r.key),
        None if r.label is None else str(r.label),
    )


def _lead_row(r: Any) -> LeadRow:
    key, label = _label(r)
    return LeadRow(
        key=key,
        label=label,
        leads=r.leads,
        with_deal=r.with_deal,
        assigned=r.assigned,
        responded=r.responded,
        spam=r.spam,
    )


def _call_row(r: Any) -> CallRow:
    key, label = _label(r)
    return CallRow(
        key=key,
        label=label,
        calls=r.calls,
        inbound=r.inbound,
        outbound=r.outbound,
        answered=r.answered,
        missed=r.missed,
        talk_seconds=int(r.talk_seconds or 0),
    )


def _callback_row(r: Any) -> CallbackRow:
    key, label = _label(r)
    return CallbackRow(
        key=key,
        label=label,
        missed=r.missed,
        called_back=r.called_back,
        average_seconds=_whole(r.average),
        median_seconds=_whole(r.median),
        max_seconds=_whole(r.longest),
    )


def _response_row(r: Any) -> ResponseRow:
    key, label = _label(r)
    return ResponseRow(
        key=key,
        label=label,
        assigned=r.assigned,
        responded=r.responded,
        average_seconds=_whole(r.average),
        median_seconds=_whole(r.median),
        p90_seconds=_whole(r.p90),
    )
