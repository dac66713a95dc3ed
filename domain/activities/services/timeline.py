"""Timeline use cases: everything that happened with a client or a deal, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from domain.activities.ports import TimelineItem, TimelineKind
from domain.activities.services.subjects import resolve_subject, subject_scopes
from domain.auth.principal import Principal
from domain.platform.ports import UnitOfWork
from domain.staff.permissions import Permission

ALL_TIMELINE_KINDS = frozenset(TimelineKind)


class TimelineService:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def for_client(
        self,
        principal: Principal,
        client_id: UUID,
        *,
        kinds: frozenset[TimelineKind] = ALL_TIMELINE_KINDS,
        limit: int,
        after: tuple[datetime, str, UUID] | None = None,
    ) -> Sequence[TimelineItem]:
        principal.require(Permission.CLIENTS_READ)
        return await self._page(principal, client_id, None, kinds, limit, after)

    async def for_deal(
        self,
        principal: Principal,
        deal_id: UUID,
        *,
        kinds: frozenset[TimelineKind] = ALL_TIMELINE_KINDS,
        limit: int,
        after: tuple[datetime, str, UUID] | None = None,
    ) -> Sequence[TimelineItem]:
        principal.require(Permission.DEALS_READ)
        return await self._page(principal, None, deal_id, kinds, limit, after)

    async def _page(
        self,
        principal: Principal,
        client_id: UUID | None,
        deal_id: UUID | None,
        kinds: frozenset[TimelineKind],
        limit: int,
        after: tuple[datetime, str, UUID] | None,
    ) -> Sequence[TimelineItem]:
        async with self._uow as uow:
            # 404 unless the caller may see the client or deal itself.
            await resolve_subject(uow, principal, client_id, deal_id)
            return await uow.timeline.for_subject(
                subject_scopes(principal),
                client_id=client_id,
                deal_id=deal_id,
                kinds=kinds or ALL_TIMELINE_KINDS,
                limit=limit,
                after=after,
            )
