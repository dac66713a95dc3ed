"""Retention settings and rules, and the ABC classification.

ABC: clients ranked by their turnover (or margin) in a period, largest first; a client is A
while the clients ranked above it hold less than the A share of the total, B while they hold
less than A + B, C after that (defaults 80 / 15 / 5). Deciding on the share *above* a client
keeps the top client in A even when it alone holds more than the A share.

Sleeping: a current or permanent client (the relationship type, which follows the sales
history) whose last purchase (won deal) is older than N days; N is the organisation's, or the
smallest one set for any of the client's segments.

Cross-sell: N days after a deal is won with a product whose name contains a rule's pattern,
the deal's responsible gets a task to offer the rule's suggestion.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from domain.retention.events import ClientFellAsleep, CrossSellDue
from domain.shared.errors import (
    AT_LEAST_CODE,
    AT_MOST_CODE,
    INVALID_INPUT,
    NOT_A_NUMBER_CODE,
    FieldProblem,
    InvalidInput,
)
from domain.shared.events import DomainEvent
from domain.shared.ids import new_id
from domain.shared.text import FieldName, clean_name, clean_text, search_key

ABC_A_DEFAULT = Decimal("80.00")
ABC_B_DEFAULT = Decimal("15.00")
_CENT = Decimal("0.01")
SLEEPING_DAYS_DEFAULT = 90
DAYS_MAX = 3650
SEGMENTS_MAX = 50
SEGMENT_MAX_LENGTH = 100  # as a client's segment tag
PATTERN_MAX_LENGTH = 200
SUGGESTION_MAX_LENGTH = 300
CROSS_SELL_RULES_MAX = 200


class AbcBasis(enum.StrEnum):
    TURNOVER = "turnover"
    MARGIN = "margin"


class AbcClass(enum.StrEnum):
    A = "A"
    B = "B"
    C = "C"


def abc_class(above: Decimal, total: Decimal, a_share: Decimal, b_share: Decimal) -> AbcClass:
    """The class of a client whose betters hold ``above`` of ``total`` (the rule the SQL
    applies; kept here as the reference the tests check it against)."""
    if total <= 0 or above * 100 < a_share * total:
        return AbcClass.A
    if above * 100 < (a_share + b_share) * total:
        return AbcClass.B
    return AbcClass.C


def _share(value: Decimal | int | str, name: FieldName) -> Decimal:
    try:
        share = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(name, "must be a number", code=NOT_A_NUMBER_CODE) from None
    if not share.is_finite() or share.as_tuple().exponent < -2:  # type: ignore[operator]
        raise InvalidInput(name, "must be a percentage with at most 2 decimals")
    if share <= 0:
        raise InvalidInput(name, "must be above 0", code=AT_LEAST_CODE, ctx={"ge": "0.01"})
    if share >= 100:
        raise InvalidInput(name, "must be below 100", code=AT_MOST_CODE, ctx={"le": "99.99"})
    return share.quantize(_CENT)


def _days(value: int, name: FieldName) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(name, "must be a whole number of days")
    if value < 1:
        raise InvalidInput(name, "must be at least 1", code=AT_LEAST_CODE, ctx={"ge": "1"})
    if value > DAYS_MAX:
        raise InvalidInput(
            name, f"must be at most {DAYS_MAX}", code=AT_MOST_CODE, ctx={"le": str(DAYS_MAX)}
        )
    return value


def _segments(values: Mapping[str, int]) -> dict[str, int]:
    if len(values) > SEGMENTS_MAX:
        raise InvalidInput(
            "sleeping_days_by_segment",
            f"at most {SEGMENTS_MAX} segments",
            code=AT_MOST_CODE,
            ctx={"le": str(SEGMENTS_MAX)},
        )
    cleaned: dict[str, int] = {}
    problems: list[FieldProblem] = []
    for raw, days in values.items():
        loc = ("sleeping_days_by_segment", raw)
        try:
            segment = clean_name(raw, loc, max_length=SEGMENT_MAX_LENGTH)
            cleaned[segment] = _days(days, loc)
        except InvalidInput as error:
            problems.extend(error.problems)
    if problems:
        raise InvalidInput(problems=problems)
    return cleaned


@dataclass(slots=True, kw_only=True)
class RetentionSettings:
    """One per organisation; the defaults stand until an administrator saves it (version 0)."""

    organisation_id: UUID
    abc_a_share: Decimal = ABC_A_DEFAULT
    abc_b_share: Decimal = ABC_B_DEFAULT
    sleeping_days: int = SLEEPING_DAYS_DEFAULT
    sleeping_days_by_segment: dict[str, int] = field(default_factory=dict)
    version: int = 0
    updated_at: datetime | None = None

    @property
    def abc_c_share(self) -> Decimal:
        return 100 - self.abc_a_share - self.abc_b_share

    def change(
        self,
        *,
        abc_a_share: Decimal,
        abc_b_share: Decimal,
        sleeping_days: int,
        sleeping_days_by_segment: Mapping[str, int],
        at: datetime,
    ) -> None:
        problems: list[FieldProblem] = []
        checked: dict[str, Any] = {}
        for name, check in (
            ("abc_a_share", lambda: _share(abc_a_share, "abc_a_share")),
            ("abc_b_share", lambda: _share(abc_b_share, "abc_b_share")),
            ("sleeping_days", lambda: _days(sleeping_days, "sleeping_days")),
            ("sleeping_days_by_segment", lambda: _segments(sleeping_days_by_segment)),
        ):
            try:
                checked[name] = check()
            except InvalidInput as error:
                problems.extend(error.problems)
        if not problems and checked["abc_a_share"] + checked["abc_b_share"] >= 100:
            problems.append(
                FieldProblem(
                    loc=("abc_b_share",),
                    msg="A and B together must leave a share for C (below 100)",
                    code=INVALID_INPUT,
                )
            )
        if problems:
            raise InvalidInput(problems=problems)
        self.abc_a_share = checked["abc_a_share"]
        self.abc_b_share = checked["abc_b_share"]
        self.sleeping_days = checked["sleeping_days"]
        self.sleeping_days_by_segment = checked["sleeping_days_by_segment"]
        self.updated_at = at

    def sleeping_days_for(self, segments: Iterable[str]) -> int:
        """Days without a purchase after which a client of ``segments`` is sleeping."""
        own = [
            self.sleeping_days_by_segment[s] for s in segments if s in self.sleeping_days_by_segment
        ]
        return min(own) if own else self.sleeping_days


@dataclass(slots=True, kw_only=True)
class CrossSellRule:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    # Matched against the deal's product names, ignoring case and ё/е: "лиценз" covers every
    # licence, a category's common word covers the category.
    product_pattern: str
    after_days: int
    suggestion: str
    is_active: bool = True
    created_by: UUID | None = None
    created_at: datetime
    updated_at: datetime
    version: int = 1

    @classmethod
    def new(
        cls,
        *,
        organisation_id: UUID,
        product_pattern: str,
        after_days: int,
        suggestion: str,
        is_active: bool = True,
        at: datetime,
        by: UUID | None,
    ) -> CrossSellRule:
        rule = cls(
            organisation_id=organisation_id,
            product_pattern="",
            after_days=1,
            suggestion="",
            created_by=by,
            created_at=at,
            updated_at=at,
        )
        rule.change(
            product_pattern=product_pattern,
            after_days=after_days,
            suggestion=suggestion,
            is_active=is_active,
            at=at,
        )
        return rule

    def change(
        self,
        *,
        product_pattern: str | None = None,
        after_days: int | None = None,
        suggestion: str | None = None,
        is_active: bool | None = None,
        at: datetime,
    ) -> None:
        problems: list[FieldProblem] = []
        pattern, days, text = self.product_pattern, self.after_days, self.suggestion
        try:
            if product_pattern is not None:
                pattern = clean_name(
                    product_pattern, "product_pattern", max_length=PATTERN_MAX_LENGTH
                )
        except InvalidInput as error:
            problems.extend(error.problems)
        try:
            if after_days is not None:
                days = _days(after_days, "after_days")
        except InvalidInput as error:
            problems.extend(error.problems)
        try:
            if suggestion is not None:
                text = clean_text(suggestion, "suggestion", max_length=SUGGESTION_MAX_LENGTH)
        except InvalidInput as error:
            problems.extend(error.problems)
        if problems:
            raise InvalidInput(problems=problems)
        self.product_pattern, self.after_days, self.suggestion = pattern, days, text
        if is_active is not None:
            self.is_active = is_active
        self.updated_at = at

    @property
    def pattern_key(self) -> str:
        """The pattern as product names' search keys are compared."""
        return search_key(self.product_pattern)

    def snapshot(self) -> dict[str, Any]:
        return {
            "product_pattern": self.product_pattern,
            "after_days": self.after_days,
            "suggestion": self.suggestion,
            "is_active": self.is_active,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class AbcRow:
    rank: int
    client_id: UUID
    client_name: str
    amount: Decimal
    share: Decimal  # percent of the total
    cumulative_share: Decimal  # percent held by this client and those above it
    abc_class: AbcClass


@dataclass(frozen=True, slots=True, kw_only=True)
class AbcClassTotal:
    abc_class: AbcClass
    clients: int
    amount: Decimal
    share: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class AbcReport:
    total: Decimal
    clients: int
    classes: tuple[AbcClassTotal, ...]
    rows: tuple[AbcRow, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SleepingClient:
    organisation_id: UUID
    client_id: UUID
    name: str
    responsible_id: UUID
    relationship_type: str
    segment_tags: tuple[str, ...]
    last_purchase_at: datetime
    sleeping_days: int
    # Read for the list only; the daily sweep has no use for it.
    responsible_name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SleepingClients:
    """A page of the sleeping list and how many sleep under the same filters in all."""

    items: tuple[SleepingClient, ...]
    total: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CrossSellCandidate:
    deal_id: UUID
    client_id: UUID
    responsible_id: UUID
    deal_title: str
    closed_at: datetime


@dataclass(slots=True, kw_only=True)
class Reactivation:
    """One sleep of a client (until its next purchase): woken once, by one task."""

    client: SleepingClient
    at: datetime
    events: list[DomainEvent] = field(default_factory=list)

    @classmethod
    def of(cls, client: SleepingClient, at: datetime) -> Reactivation:
        reactivation = cls(client=client, at=at)
        reactivation.events.append(
            ClientFellAsleep(
                organisation_id=client.organisation_id,
                occurred_at=at,
                client_id=client.client_id,
                client_name=client.name,
                responsible_id=client.responsible_id,
                last_purchase_at=client.last_purchase_at,
                sleeping_days=client.sleeping_days,
            )
        )
        return reactivation


@dataclass(slots=True, kw_only=True)
class CrossSellReminder:
    """A rule applied to a won deal: once."""

    organisation_id: UUID
    rule: CrossSellRule
    candidate: CrossSellCandidate
    at: datetime
    events: list[DomainEvent] = field(default_factory=list)

    @classmethod
    def of(
        cls, rule: CrossSellRule, candidate: CrossSellCandidate, at: datetime
    ) -> CrossSellReminder:
        reminder = cls(organisation_id=rule.organisation_id, rule=rule, candidate=candidate, at=at)
        reminder.events.append(
            CrossSellDue(
                organisation_id=rule.organisation_id,
                occurred_at=at,
                deal_id=candidate.deal_id,
                deal_title=candidate.deal_title,
                client_id=candidate.client_id,
                responsible_id=candidate.responsible_id,
                rule_id=rule.id,
                suggestion=rule.suggestion,
            )
        )
        return reminder
