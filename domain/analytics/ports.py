"""What the analytics context needs from persistence: aggregates computed by the database
over the caller's visible deals, never the deals themselves."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from domain.analytics.model import CohortFigures, CohortQuery
from domain.analytics.sales import SalesFigures, SalesQuery
from domain.analytics.worktime import WorkTimeFigures, WorkTimeQuery
from domain.shared.scope import Scope


class FunnelAnalyticsQueries(Protocol):
    async def user_visible(self, scope: Scope, user_id: UUID) -> bool:
        """Whether the caller sees this user's deals (a user of the organisation, active or
        not: a former employee's deals still count in the periods they worked)."""
        ...

    async def department_visible(self, scope: Scope, department_id: UUID) -> bool:
        """Whether the caller sees the department whole: any with visibility all, their
        subtree with team, none with own."""
        ...

    async def cohort(self, scope: Scope, query: CohortQuery) -> CohortFigures:
        """Every figure of the cohort the caller may see, in one round trip."""
        ...


class WorkTimeQueries(Protocol):
    async def user_visible(self, scope: Scope, user_id: UUID) -> bool: ...
    async def department_visible(self, scope: Scope, department_id: UUID) -> bool: ...
    async def work_time(self, scope: Scope, query: WorkTimeQuery) -> WorkTimeFigures:
        """Per employee and per weekday and hour, counted by the database in one statement."""
        ...


class SalesQueries(Protocol):
    async def user_visible(self, scope: Scope, user_id: UUID) -> bool: ...
    async def department_visible(self, scope: Scope, department_id: UUID) -> bool: ...
    async def sales(self, scope: Scope, query: SalesQuery) -> SalesFigures:
        """The won deals' structure and the products' demand, counted by the database."""
        ...
