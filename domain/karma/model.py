"""Client karma: rules (a weight per kind of event) and the entries they produce.

A client's karma is the sum of its entries. Entries derived from source rows (won and lost
deals, paid invoices, flags) are recomputed from those rows with the current rules, so they
are never patched by hand; a manual adjustment is the one entry a person writes, with a reason.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from domain.shared.errors import InvalidInput
from domain.shared.ids import new_id
from domain.shared.text import clean_text


class RuleKind(enum.StrEnum):
    # Points per ``per_unit`` of money in the organisation's currency.
    TURNOVER = "turnover"
    PROFIT = "profit"
    # Points per event.
    LOST_TENDER = "lost_tender"
    LOSS_MAKING = "loss_making"
    PUBLIC_CONFLICT = "public_conflict"


class EntryKind(enum.StrEnum):
    TURNOVER = "turnover"
    PROFIT = "profit"
    LOST_TENDER = "lost_tender"
    LOSS_MAKING = "loss_making"
    PUBLIC_CONFLICT = "public_conflict"
    MANUAL = "manual"


class SourceKind(enum.StrEnum):
    DEAL = "deal"
    INVOICE = "invoice"
    FLAG = "flag"
    MANUAL = "manual"


class FlagKind(enum.StrEnum):
    """A fact recorded for karma at any time: a won deal that made a loss, a public conflict
    with the client."""

    LOSS_MAKING = "loss_making"
    PUBLIC_CONFLICT = "public_conflict"


MONEY_RULES = frozenset({RuleKind.TURNOVER, RuleKind.PROFIT})
WEIGHT_MAX = Decimal(10_000)
PER_UNIT_MAX = Decimal(10) ** 15
ADJUSTMENT_MAX = Decimal(10_000)
REASON_MAX = 500
NOTE_MAX = 1000
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class KarmaRule:
    """``weight`` points per event, or per ``per_unit`` of money for turnover and profit."""

    kind: RuleKind
    weight: Decimal
    per_unit: Decimal | None = None

    def __post_init__(self) -> None:
        if not -WEIGHT_MAX <= self.weight <= WEIGHT_MAX:
            raise InvalidInput(("weight",), f"must be between {-WEIGHT_MAX} and {WEIGHT_MAX}")
        if self.kind in MONEY_RULES:
            if self.per_unit is None or not 0 < self.per_unit <= PER_UNIT_MAX:
                raise InvalidInput(("per_unit",), "must be above 0 for turnover and profit")
        elif self.per_unit is not None:
            raise InvalidInput(("per_unit",), "only turnover and profit count per unit")

    def points(self, amount: Decimal | None = None) -> Decimal:
        """The points of one event (``amount``: the money it brought, for money rules)."""
        if self.kind in MONEY_RULES:
            assert self.per_unit is not None
            value = self.weight * (amount or Decimal(0)) / self.per_unit
        else:
            value = self.weight
        return value.quantize(_CENT, rounding=ROUND_HALF_UP)


DEFAULT_RULES: tuple[KarmaRule, ...] = (
    KarmaRule(RuleKind.TURNOVER, Decimal(1), Decimal(100_000)),
    KarmaRule(RuleKind.PROFIT, Decimal(1), Decimal(10_000)),
    KarmaRule(RuleKind.LOST_TENDER, Decimal(-10)),
    KarmaRule(RuleKind.LOSS_MAKING, Decimal(-20)),
    KarmaRule(RuleKind.PUBLIC_CONFLICT, Decimal(-30)),
)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The organisation's rules, one per kind; ``version`` 0 until first saved (the defaults)."""

    rules: Mapping[RuleKind, KarmaRule]
    version: int = 0

    @classmethod
    def of(cls, rules: Iterable[KarmaRule], version: int = 0) -> RuleSet:
        merged = {r.kind: r for r in DEFAULT_RULES}
        merged.update({r.kind: r for r in rules})
        return cls({kind: merged[kind] for kind in RuleKind}, version)

    def __getitem__(self, kind: RuleKind) -> KarmaRule:
        return self.rules[kind]

    def changed(self, rules: Iterable[KarmaRule]) -> RuleSet:
        given = list(rules)
        kinds = [r.kind for r in given]
        if len(set(kinds)) != len(kinds):
            raise InvalidInput(("rules",), "each kind at most once")
        return RuleSet.of([*self.rules.values(), *given], self.version + 1)


@dataclass(frozen=True, slots=True)
class Fact:
    """A source row that counts for karma: a won deal's amount, a lost tender, a flag..."""

    client_id: UUID
    kind: RuleKind
    source_kind: SourceKind
    source_id: UUID
    occurred_at: datetime
    amount: Decimal | None = None


@dataclass(slots=True, kw_only=True)
class KarmaEntry:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    client_id: UUID
    kind: EntryKind
    points: Decimal
    reason: str | None = None
    source_kind: SourceKind
    source_id: UUID
    occurred_at: datetime
    # Who wrote a manual adjustment (None for entries the rules make, and for an API key) and
    # when; the name is read with the entry for its history, never stored with it.
    created_by: UUID | None = None
    created_at: datetime | None = None
    created_by_name: str | None = None

    @classmethod
    def adjustment(
        cls,
        *,
        organisation_id: UUID,
        client_id: UUID,
        points: Decimal,
        reason: str,
        by: UUID | None,
        at: datetime,
    ) -> KarmaEntry:
        """A manual adjustment: non-zero points within the bound, and a reason."""
        if points == 0 or not -ADJUSTMENT_MAX <= points <= ADJUSTMENT_MAX:
            raise InvalidInput(
                ("points",), f"must be non-zero, between {-ADJUSTMENT_MAX} and {ADJUSTMENT_MAX}"
            )
        ident = new_id()
        return cls(
            id=ident,
            organisation_id=organisation_id,
            client_id=client_id,
            kind=EntryKind.MANUAL,
            points=points.quantize(_CENT, rounding=ROUND_HALF_UP),
            reason=clean_text(reason, ("reason",), max_length=REASON_MAX, multiline=True),
            source_kind=SourceKind.MANUAL,
            source_id=ident,
            occurred_at=at,
            created_by=by,
            created_at=at,
        )


def score_facts(organisation_id: UUID, rules: RuleSet, facts: Iterable[Fact]) -> list[KarmaEntry]:
    """The entries the facts are worth under the rules; a fact worth nothing (a zero weight, a
    sum too small to round to a cent) makes no entry."""
    entries = []
    for fact in facts:
        points = rules[fact.kind].points(fact.amount)
        if points == 0:
            continue
        entries.append(
            KarmaEntry(
                organisation_id=organisation_id,
                client_id=fact.client_id,
                kind=EntryKind(fact.kind.value),
                points=points,
                source_kind=fact.source_kind,
                source_id=fact.source_id,
                occurred_at=fact.occurred_at,
            )
        )
    return entries


@dataclass(slots=True, kw_only=True)
class KarmaFlag:
    """A loss-making flag on a won deal, or a public-conflict flag on a client: one entry
    each while it stands; removing it removes the entry."""

    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    kind: FlagKind
    client_id: UUID | None = None
    deal_id: UUID | None = None
    note: str | None = None
    # The complaint that recorded a public conflict (domain/complaints); None when set by hand.
    complaint_id: UUID | None = None
    created_by: UUID | None = None
    created_at: datetime

    def __post_init__(self) -> None:
        if (self.client_id is None) == (self.deal_id is None):
            raise ValueError("a flag is on a client or on a deal")
        self.note = clean_text(
            self.note, ("note",), max_length=NOTE_MAX, required=False, multiline=True
        )
