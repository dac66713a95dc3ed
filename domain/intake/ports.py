"""What the intake context needs from the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

from domain.intake.model import Form, FormRoute, InboxItem, InboxState, Source
from domain.shared.scope import Scope


class IntakeRepository(Protocol):
    """Forms and inbox items, inside a unit of work."""

    async def add_form(self, form: Form) -> None: ...
    async def get_form(self, scope: Scope, form_id: UUID) -> Form | None: ...
    async def list_forms(
        self, scope: Scope, *, limit: int, after: tuple[datetime, UUID] | None = None
    ) -> Sequence[Form]:
        """Newest first, after the keyset cursor (created_at, id)."""
        ...

    async def update_form(self, form: Form, expected_version: int) -> None: ...
    async def delete_form(self, scope: Scope, form_id: UUID) -> None: ...

    async def get_item(self, scope: Scope, item_id: UUID) -> InboxItem | None: ...
    async def list_items(
        self,
        scope: Scope,
        *,
        states: Sequence[InboxState] = (),
        sources: Sequence[Source] = (),
        channel_id: UUID | None = None,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[InboxItem]:
        """Newest first, after the keyset cursor (received_at, id)."""
        ...

    async def save_item(self, item: InboxItem) -> None:
        """Its processing state and lead; hands the item's events to the unit of work."""
        ...

    async def open_deal_of(self, organisation_id: UUID, client_id: UUID) -> UUID | None:
        """The client's most recently created open deal, if any."""
        ...

    async def first_active_admin(self, organisation_id: UUID) -> UUID | None:
        """Who takes a lead nobody else is named for (until distribution rules assign it)."""
        ...

    async def active_users(self, organisation_id: UUID, user_ids: Sequence[UUID]) -> set[UUID]:
        """Which of these users are active."""
        ...

    async def claim_due(
        self,
        *,
        now: datetime,
        lease: timedelta,
        organisation_id: UUID | None = None,
        ids: Sequence[UUID] | None = None,
        older_than: timedelta = timedelta(0),
        limit: int = 50,
    ) -> Sequence[InboxItem]:
        """Unscoped, for the worker: pending items due by ``now - older_than`` (among ``ids``
        of ``organisation_id`` when given), locked with SKIP LOCKED and pushed ``lease`` into
        the future, so two workers never process one item at once and a dead worker's claim
        expires."""
        ...


class InboxWriter(Protocol):
    """The hot path: one statement, in its own transaction, before the sender is answered."""

    async def store(self, item: InboxItem) -> UUID | None:
        """The item's id, or None when an item with the same event key is already stored
        (a redelivery)."""
        ...

    async def existing(self, organisation_id: UUID, source: Source, event_key: str) -> UUID | None:
        """The id of the stored item with this event key."""
        ...


class FormDirectory(Protocol):
    async def route(self, key: str) -> FormRoute | None:
        """The form whose public key this is, across organisations (it may answer from a
        short-lived cache: a change reaches the public endpoint within seconds)."""
        ...


class InboxQueue(Protocol):
    async def process_soon(self, organisation_id: UUID, item_ids: Sequence[UUID]) -> None:
        """Ask a worker to process these items now. Best effort: raises when the queue is
        unreachable, and the sweep picks the items up later."""
        ...


class RateLimiter(Protocol):
    async def hit(self, key: str, *, limit: int, window_seconds: int) -> int:
        """Counts one request under ``key``; the seconds to wait when over ``limit`` in the
        window, else 0. Raises when the store is unreachable (the caller lets requests in)."""
        ...
