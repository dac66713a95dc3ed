"""Funnel analytics for a period (issue 12): who may ask (deals:read), over which period and
filters (each one the caller may see, or 404 as for any record out of sight), and the read
model assembled from the database's aggregates. ``domain.analytics.model`` defines the
figures."""

from __future__ import annotations

from domain.analytics.model import (
    AnalyticsPeriod,
    CohortQuery,
    FunnelAnalytics,
    FunnelAnalyticsFilter,
    StageRef,
    assemble,
)
from domain.analytics.ports import FunnelAnalyticsQueries
from domain.auth.principal import Principal
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import NotFound
from domain.staff.permissions import Permission, Resource


class AnalyticsService:
    def __init__(self, uow: UnitOfWork, clock: Clock, queries: FunnelAnalyticsQueries) -> None:
        self._uow = uow
        self._clock = clock
        self._queries = queries

    async def funnel(self, principal: Principal, asked: FunnelAnalyticsFilter) -> FunnelAnalytics:
        """The funnel's figures for the period over the deals the caller sees: a seller their
        own, a head their department's, an admin all."""
        principal.require(Permission.DEALS_READ)
        period = AnalyticsPeriod.of(asked.first_day, asked.last_day)
        now = self._clock.now()
        async with self._uow as uow:
            organisation = await uow.organisations.get(principal.organisation_id)
            if organisation is None:
                raise NotFound("Organisation", principal.organisation_id)
            scope = principal.organisation_scope
            if asked.funnel_id is None:
                funnel = await uow.funnels.default(scope)
            else:
                funnel = await uow.funnels.get(scope, asked.funnel_id)
            if funnel is None:
                raise NotFound("Funnel", asked.funnel_id)
        deals_scope = principal.scope_for(Resource.DEALS)
        if asked.responsible_id is not None and not await self._queries.user_visible(
            deals_scope, asked.responsible_id
        ):
            raise NotFound("User", asked.responsible_id)
        if asked.department_id is not None and not await self._queries.department_visible(
            deals_scope, asked.department_id
        ):
            raise NotFound("Department", asked.department_id)
        starts_at, ends_at = period.bounds(organisation.time_zone)
        figures = await self._queries.cohort(
            deals_scope,
            CohortQuery(
                funnel_id=funnel.id,
                first_day=period.first_day,
                last_day=period.last_day,
                starts_at=starts_at,
                ends_at=ends_at,
                now=now,
                responsible_id=asked.responsible_id,
                department_id=asked.department_id,
                source=asked.source,
            ),
        )
        return assemble(
            funnel.id,
            funnel.name,
            period,
            [StageRef(s.id, s.name, s.position) for s in funnel.stages],
            figures,
        )
