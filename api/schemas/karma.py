from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from pydantic import Field

from api.schemas.base import Schema, Text, number
from api.schemas.jobs import JobRead
from domain.karma.model import (
    ADJUSTMENT_MAX,
    NOTE_MAX,
    PER_UNIT_MAX,
    REASON_MAX,
    WEIGHT_MAX,
    EntryKind,
    FlagKind,
    KarmaEntry,
    KarmaFlag,
    KarmaRule,
    RuleKind,
    RuleSet,
    SourceKind,
)
from domain.karma.ports import HistoryPoint, SectorKarma
from domain.karma.services import ClientKarma

if TYPE_CHECKING:
    Weight = Decimal
    PerUnit = Decimal
    Points = Decimal
else:
    Weight = number(WEIGHT_MAX)
    PerUnit = number(PER_UNIT_MAX, gt=Decimal(0))
    Points = number(ADJUSTMENT_MAX)


class KarmaRuleIn(Schema):
    kind: RuleKind
    weight: Weight = Field(description="Points per event, or per per_unit of money")
    per_unit: PerUnit | None = Field(
        default=None,
        description="Turnover and profit: the weight counts per this many units of the "
        "organisation's currency (amounts in other currencies do not count)",
    )

    def to_rule(self) -> KarmaRule:
        return KarmaRule(self.kind, self.weight, self.per_unit)


class KarmaRulesUpdate(Schema):
    rules: list[KarmaRuleIn] = Field(min_length=1, max_length=len(RuleKind))


class KarmaRuleRead(Schema):
    kind: RuleKind
    weight: Decimal
    per_unit: Decimal | None

    @classmethod
    def of(cls, rule: KarmaRule) -> KarmaRuleRead:
        return cls(kind=rule.kind, weight=rule.weight, per_unit=rule.per_unit)


class KarmaRulesRead(Schema):
    rules: list[KarmaRuleRead]
    version: int = Field(description="0 while the defaults stand")
    recalculation: JobRead | None = Field(
        default=None, description="After a change: the job recalculating every client"
    )

    @classmethod
    def of(cls, rules: RuleSet, job: JobRead | None = None) -> KarmaRulesRead:
        return cls(
            rules=[KarmaRuleRead.of(r) for r in rules.rules.values()],
            version=rules.version,
            recalculation=job,
        )


class KarmaAdjustmentCreate(Schema):
    points: Points = Field(description="Non-zero; negative lowers the karma")
    reason: Text = Field(min_length=1, max_length=REASON_MAX)


class KarmaEntryRead(Schema):
    id: UUID
    kind: EntryKind
    points: Decimal
    reason: str | None
    source_kind: SourceKind
    source_id: UUID
    occurred_at: datetime
    created_by: UUID | None = Field(
        description="Who made a manual adjustment (the caller, never taken from the request)"
    )
    created_by_name: str | None = Field(description="Their full name")
    created_at: datetime | None = Field(description="When the entry was written")

    @classmethod
    def of(cls, e: KarmaEntry) -> KarmaEntryRead:
        return cls(
            id=e.id,
            kind=e.kind,
            points=e.points,
            reason=e.reason,
            source_kind=e.source_kind,
            source_id=e.source_id,
            occurred_at=e.occurred_at,
            created_by=e.created_by,
            created_by_name=e.created_by_name,
            created_at=e.created_at,
        )


class KarmaEntryPage(Schema):
    items: list[KarmaEntryRead]
    next_cursor: str | None


class KarmaHistoryPoint(Schema):
    day: date
    change: Decimal
    score: Decimal = Field(description="The karma at the end of the day")

    @classmethod
    def of(cls, p: HistoryPoint) -> KarmaHistoryPoint:
        return cls(day=p.day, change=p.change, score=p.score)


class KarmaFlagIn(Schema):
    note: Text | None = Field(default=None, max_length=NOTE_MAX)


class KarmaFlagRead(Schema):
    id: UUID
    kind: FlagKind
    client_id: UUID | None
    deal_id: UUID | None
    note: str | None
    created_by: UUID | None
    created_at: datetime

    @classmethod
    def of(cls, f: KarmaFlag) -> KarmaFlagRead:
        return cls(
            id=f.id,
            kind=f.kind,
            client_id=f.client_id,
            deal_id=f.deal_id,
            note=f.note,
            created_by=f.created_by,
            created_at=f.created_at,
        )


class ClientKarmaRead(Schema):
    client_id: UUID
    score: Decimal | None = Field(description="The sum of the entries; null without entries")
    expected: Decimal | None = Field(
        description="Without entries: the average karma of the client's sector"
    )
    entries: int
    sector: str | None
    sector_average: Decimal | None
    history: list[KarmaHistoryPoint] = Field(description="The karma by day, oldest first")
    public_conflict: KarmaFlagRead | None

    @classmethod
    def of(cls, k: ClientKarma) -> ClientKarmaRead:
        return cls(
            client_id=k.client_id,
            score=k.score,
            expected=k.expected,
            entries=k.entries,
            sector=k.sector,
            sector_average=k.sector_average,
            history=[KarmaHistoryPoint.of(p) for p in k.history],
            public_conflict=KarmaFlagRead.of(k.public_conflict) if k.public_conflict else None,
        )


class SectorKarmaRead(Schema):
    sector: str | None
    clients: int = Field(description="Clients of the sector with entries")
    average: Decimal

    @classmethod
    def of(cls, s: SectorKarma) -> SectorKarmaRead:
        return cls(sector=s.sector, clients=s.clients, average=s.average)
