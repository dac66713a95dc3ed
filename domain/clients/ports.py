"""What the clients context needs from persistence, and what it offers to other contexts."""

from __future__ import annotations

import builtins
import enum
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.clients.custom_fields import CustomFieldDefinition, CustomFieldFilter, FieldEntity
from domain.clients.duplicates import DuplicateHit, DuplicatePair, DuplicateProbe, ScanProgress
from domain.clients.model import (
    Client,
    ClientKind,
    ClientWork,
    Contact,
    RelationshipFollowUp,
    RelationshipTransition,
    RelationshipType,
    Temperature,
)
from domain.shared.scope import Scope


class ClientSort(enum.StrEnum):
    NAME = "name"
    NAME_DESC = "-name"
    CREATED_AT = "created_at"
    CREATED_AT_DESC = "-created_at"
    UPDATED_AT = "updated_at"
    UPDATED_AT_DESC = "-updated_at"
    # Never contacted sorts as the oldest activity; nothing planned as the latest next task.
    LAST_ACTIVITY_AT = "last_activity_at"
    LAST_ACTIVITY_AT_DESC = "-last_activity_at"
    NEXT_TASK_AT = "next_task_at"
    NEXT_TASK_AT_DESC = "-next_task_at"

    @property
    def column(self) -> str:
        return self.value.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.value.startswith("-")

    @property
    def nullable(self) -> bool:
        """Whether a client may have no value to sort by."""
        return self.column in ("last_activity_at", "next_task_at")

    @property
    def nulls_low(self) -> bool:
        """Whether a missing value sorts before every value (first ascending, last
        descending) rather than after them."""
        return self.column == "last_activity_at"


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientFilter:
    responsible_ids: tuple[UUID, ...] = ()
    relationship_types: tuple[RelationshipType, ...] = ()
    source_channels: tuple[str, ...] = ()
    temperatures: tuple[Temperature, ...] = ()
    kind: ClientKind | None = None
    tags: tuple[str, ...] = ()
    all_tags: bool = False  # every tag (True) or any of them (False)
    created_from: datetime | None = None
    created_to: datetime | None = None
    updated_from: datetime | None = None
    updated_to: datetime | None = None
    search: str | None = None
    custom: tuple[CustomFieldFilter, ...] = ()


@dataclass(frozen=True, slots=True)
class RelationshipCounts:
    won_deals: int
    open_deals: int
    inbound_requests: int
    # When the latest won deal was won: the client's last purchase (sleeping clients).
    last_purchase_at: datetime | None = None


class ClientRepository(Protocol):
    async def add(self, client: Client) -> None: ...
    async def add_many(self, many: Sequence[Client]) -> None:
        """``add`` for a batch, in one statement."""
        ...

    async def get(
        self, scope: Scope, client_id: UUID, *, for_update: bool = False
    ) -> Client | None:
        """A visible client, merged ones included (the caller decides what a merged one means)."""
        ...

    async def get_unscoped(self, organisation_id: UUID, client_id: UUID) -> Client | None:
        """For system work inside the organisation (relationship recomputation)."""
        ...

    async def update(self, client: Client, expected_version: int) -> None: ...
    async def list(
        self,
        scope: Scope,
        filters: ClientFilter,
        *,
        sort: ClientSort,
        limit: int,
        after: tuple[object, UUID] | None = None,
    ) -> Sequence[Client]:
        """Visible, unmerged clients in ``sort`` order after the keyset ``after``."""
        ...

    async def count(self, scope: Scope, filters: ClientFilter, *, cap: int) -> int:
        """How many visible, unmerged clients ``list`` would give, counted up to ``cap``
        (a count beyond it is reported as ``cap``)."""
        ...

    async def work(
        self, organisation_id: UUID, client_ids: Sequence[UUID]
    ) -> dict[UUID, ClientWork]:
        """Responsible's name, last activity and next open task of the given (already
        visible) clients, in one query."""
        ...

    async def child_counts(self, organisation_id: UUID, client_id: UUID) -> dict[str, int]:
        """What a merge would move from this client: contacts, deals, tasks, activities,
        comments, attachments."""
        ...

    async def find_duplicates(
        self,
        organisation_id: UUID,
        *,
        name_key: str | None,
        phones: Sequence[str],
        emails: Sequence[str],
        inn: str | None,
        edrpou: str | None,
        exclude_id: UUID | None,
    ) -> Sequence[DuplicateHit]:
        """Across the whole organisation, whoever owns the match: the point is to tell the
        caller that someone else already works with this client."""
        ...

    async def list_duplicate_pairs(
        self, scope: Scope, *, limit: int, after: tuple[UUID, UUID] | None = None
    ) -> Sequence[DuplicatePair]:
        """Stored pairs of visible, unmerged clients ordered by (first_id, second_id)."""
        ...

    async def find_duplicates_many(
        self, organisation_id: UUID, probes: Sequence[DuplicateProbe]
    ) -> dict[int, builtins.list[DuplicateHit]]:
        """``find_duplicates`` for a batch in a few set-based statements: the hits of each
        probe by its key (probes without a hit are left out). Existing clients only: the
        probes are not compared with each other."""
        ...

    async def lock_identities(self, organisation_id: UUID, keys: Sequence[str]) -> None:
        """Hold ``keys`` (``identity_keys``) until the transaction ends; a concurrent
        transaction asking for one of them waits. Call before checking for duplicates."""
        ...

    async def refresh_duplicate_candidates(
        self, organisation_id: UUID, client_ids: Sequence[UUID], *, at: datetime
    ) -> None:
        """Recompute the stored pairs of these clients from their current values (a merged
        client keeps none). The clients asked for during a transaction are recomputed
        together, in one statement, when it commits (after the in-transaction handlers): a
        batch of a thousand new clients costs one refresh, not two per client."""
        ...

    def rescan_duplicate_candidates(
        self, organisation_id: UUID, *, at: datetime
    ) -> AsyncIterator[ScanProgress]:
        """Rebuild every stored pair of the organisation, reporting progress step by step;
        the new pairs replace the old when the caller commits."""
        ...

    async def move_children(self, organisation_id: UUID, *, from_id: UUID, to_id: UUID) -> None:
        """Merge: contacts, deals, tasks, activities, comments, attachments and relationship
        history of ``from_id`` become ``to_id``'s."""
        ...

    async def relationship_counts(
        self, organisation_id: UUID, client_id: UUID
    ) -> RelationshipCounts: ...
    async def set_last_purchase(
        self, organisation_id: UUID, client_id: UUID, at: datetime | None
    ) -> None:
        """Store when the client last bought (a no-op when it is already so)."""
        ...

    async def add_transition(self, transition: RelationshipTransition) -> None: ...
    async def list_transitions(
        self,
        organisation_id: UUID,
        client_id: UUID,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[RelationshipTransition]:
        """Newest first."""
        ...


class ContactRepository(Protocol):
    async def add(self, contact: Contact) -> None: ...
    async def add_many(self, many: Sequence[Contact]) -> None:
        """``add`` for a batch of new contacts, a statement per table."""
        ...

    async def get(self, scope: Scope, contact_id: UUID) -> Contact | None:
        """A contact of a visible, unmerged client."""
        ...

    async def update(self, contact: Contact, expected_version: int) -> None: ...
    async def delete(self, scope: Scope, contact_id: UUID) -> None: ...
    async def list_for_clients(
        self, organisation_id: UUID, client_ids: Sequence[UUID]
    ) -> dict[UUID, list[Contact]]:
        """Contacts of the given (already visible) clients, batch-loaded."""
        ...

    async def list(
        self,
        scope: Scope,
        *,
        client_id: UUID | None,
        search: str | None,
        limit: int,
        after: tuple[str, UUID] | None = None,
    ) -> Sequence[Contact]:
        """Contacts of visible clients by (full_name, id)."""
        ...

    async def find_duplicates(
        self,
        organisation_id: UUID,
        *,
        client_id: UUID,
        name_key: str,
        phones: Sequence[str],
        emails: Sequence[str],
        exclude_id: UUID | None,
    ) -> Sequence[DuplicateHit]:
        """Phones and e-mails across the organisation; similar names within the client."""
        ...


class CustomFieldRepository(Protocol):
    async def add(self, definition: CustomFieldDefinition) -> None: ...
    async def get(self, scope: Scope, definition_id: UUID) -> CustomFieldDefinition | None: ...
    async def list(
        self, scope: Scope, entity: FieldEntity | None = None
    ) -> Sequence[CustomFieldDefinition]: ...
    async def update(self, definition: CustomFieldDefinition, expected_version: int) -> None: ...
    async def delete(self, scope: Scope, definition_id: UUID) -> None: ...
    async def remove_values(self, scope: Scope, entity: FieldEntity, key: str) -> int:
        """Drops ``key`` from the custom fields of every client or deal (``entity``) of the
        organisation; returns how many records held it."""
        ...


class RelationshipFollowUpRepository(Protocol):
    async def add(self, follow_up: RelationshipFollowUp) -> None: ...
    async def get(self, scope: Scope, follow_up_id: UUID) -> RelationshipFollowUp | None: ...
    async def list(
        self, scope: Scope, relationship_type: RelationshipType | None = None
    ) -> Sequence[RelationshipFollowUp]: ...
    async def update(self, follow_up: RelationshipFollowUp, expected_version: int) -> None: ...
    async def delete(self, scope: Scope, follow_up_id: UUID) -> None: ...
