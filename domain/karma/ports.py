"""What the karma context needs from persistence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from domain.karma.model import Fact, FlagKind, KarmaEntry, KarmaFlag, KarmaRule, RuleSet


@dataclass(frozen=True, slots=True)
class FactQuery:
    """Which source rows count: money only in ``currency``; turnover from paid invoices or
    from won deals (the organisation's fulfilment basis); days in ``time_zone``."""

    organisation_id: UUID
    currency: str
    turnover_from_invoices: bool
    time_zone: str


@dataclass(frozen=True, slots=True)
class Score:
    score: Decimal
    entries: int


@dataclass(frozen=True, slots=True)
class SectorKarma:
    sector: str | None
    clients: int
    average: Decimal


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    day: date
    change: Decimal
    score: Decimal


class KarmaRepository(Protocol):
    async def rules(self, organisation_id: UUID) -> RuleSet: ...
    async def save_rules(
        self, organisation_id: UUID, rules: Sequence[KarmaRule], version: int
    ) -> None: ...

    async def facts(self, query: FactQuery, client_ids: Sequence[UUID]) -> list[Fact]: ...
    async def sync(
        self, organisation_id: UUID, client_ids: Sequence[UUID], entries: Sequence[KarmaEntry]
    ) -> None:
        """Make the derived (non-manual) entries of these clients exactly ``entries`` (upserted
        on their source key, the others removed) and their cached scores the sums; locks the
        clients' karma for the transaction, so two recomputations of a client queue up."""
        ...

    async def absorb(self, organisation_id: UUID, survivor_id: UUID, merged_id: UUID) -> None:
        """The merged client's manual entries and flags move to the survivor (a flag the
        survivor already has is dropped); idempotent."""
        ...

    async def add_manual(self, entry: KarmaEntry) -> None:
        """Store a manual adjustment and move the client's cached score with it."""
        ...

    async def score(self, organisation_id: UUID, client_id: UUID) -> Score | None: ...
    async def sector_average(self, organisation_id: UUID, sector: str | None) -> Decimal | None: ...
    async def sectors(self, organisation_id: UUID) -> list[SectorKarma]: ...
    async def history(
        self, organisation_id: UUID, client_id: UUID, time_zone: str, *, days: int
    ) -> list[HistoryPoint]: ...
    async def entries(
        self,
        organisation_id: UUID,
        client_id: UUID,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> list[KarmaEntry]:
        """Newest first, after the keyset cursor (occurred_at, id)."""
        ...

    async def client_batch(
        self, organisation_id: UUID, *, after: UUID | None, limit: int
    ) -> list[UUID]: ...
    async def count_clients(self, organisation_id: UUID) -> int: ...

    async def add_flag(self, flag: KarmaFlag) -> KarmaFlag:
        """Store the flag, or return the one already standing (same subject and kind)."""
        ...

    async def sync_complaint_flag(
        self, organisation_id: UUID, client_id: UUID, at: datetime
    ) -> None:
        """The client's public-conflict flag as its complaints say: while one of them records
        a public conflict a flag stands (keyed by the earliest such complaint, unless one set
        by hand stands already); when none does, a flag a complaint recorded goes. Idempotent."""
        ...

    async def remove_flag(
        self,
        organisation_id: UUID,
        kind: FlagKind,
        *,
        client_id: UUID | None = None,
        deal_id: UUID | None = None,
    ) -> bool: ...
    async def flags(
        self,
        organisation_id: UUID,
        *,
        client_id: UUID | None = None,
        deal_id: UUID | None = None,
    ) -> list[KarmaFlag]: ...
