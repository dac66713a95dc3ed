"""What the call lists context needs from the database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.calllists.model import (
    AgentProgress,
    CallItem,
    CallList,
    CallListStatus,
    Entry,
    ItemCard,
    Outcome,
    Progress,
)
from domain.clients.ports import ClientFilter
from domain.shared.scope import Scope


@dataclass(frozen=True, slots=True)
class ItemFilter:
    outcome: Outcome | None = None
    # Who called it last (a call-back: who agreed it).
    assignee_id: UUID | None = None
    # Open and due now (True), open and not due yet (False).
    due: bool | None = None
    closed: bool | None = None


@dataclass(frozen=True, slots=True)
class ClientsAdded:
    matched: int  # clients the filter selects that have a phone (up to the cap)
    added: int


class CallListRepository(Protocol):
    async def add(self, call_list: CallList) -> None: ...
    async def get(
        self, organisation_id: UUID, list_id: UUID, *, for_update: bool = False
    ) -> CallList | None: ...
    async def update(self, call_list: CallList) -> None: ...
    async def list(
        self,
        organisation_id: UUID,
        *,
        worked_by: UUID | None,
        status: CallListStatus | None,
        limit: int,
        after: tuple[datetime, UUID] | None,
    ) -> Sequence[CallList]:
        """Newest first; ``worked_by``: only the lists that person is assigned to."""
        ...

    async def progress(
        self, organisation_id: UUID, list_ids: Sequence[UUID], now: datetime
    ) -> dict[UUID, Progress]: ...
    async def agents(
        self, organisation_id: UUID, list_id: UUID | None, user_ids: Sequence[UUID] | None
    ) -> Sequence[AgentProgress]:
        """Per telemarketer: calls made, numbers closed, calls by outcome, qualified leads (of
        one list, or of every list when ``list_id`` is None)."""
        ...

    async def count_items(self, organisation_id: UUID, list_id: UUID) -> int: ...
    async def add_entries(
        self, organisation_id: UUID, list_id: UUID, entries: Sequence[Entry], at: datetime
    ) -> int:
        """Adds the numbers not in the list yet; how many were added."""
        ...

    async def add_clients(
        self,
        scope: Scope,
        list_id: UUID,
        filters: ClientFilter,
        *,
        limit: int,
        at: datetime,
    ) -> ClientsAdded:
        """The primary phone of each client the filters select (as the clients list does,
        within ``scope``), in one INSERT ... SELECT; numbers already there are skipped."""
        ...

    async def next_item(
        self, organisation_id: UUID, list_id: UUID, user_id: UUID, now: datetime, until: datetime
    ) -> CallItem | None:
        """The item the user holds in this list, else the first open, due item nobody holds
        (a call-back only for whoever agreed it), locked with SKIP LOCKED and leased to the
        user ``until``."""
        ...

    async def get_item(
        self, organisation_id: UUID, list_id: UUID, item_id: UUID, *, for_update: bool = False
    ) -> CallItem | None: ...
    async def save_item(self, item: CallItem) -> None: ...
    async def record_call(
        self, item: CallItem, outcome: Outcome, user_id: UUID, at: datetime
    ) -> None: ...
    async def items(
        self,
        organisation_id: UUID,
        list_id: UUID,
        filters: ItemFilter,
        now: datetime,
        *,
        limit: int,
        after: tuple[str, UUID] | None,
    ) -> Sequence[CallItem]:
        """By phone, then id."""
        ...

    async def card(self, item: CallItem) -> ItemCard: ...
    async def lead_assignee(self, organisation_id: UUID, lead_id: UUID | None) -> UUID | None:
        """Who has the lead now (distribution's choice)."""
        ...
