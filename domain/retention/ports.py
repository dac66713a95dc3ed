"""What the retention context needs from persistence. The ABC ranking and the sleeping list
are computed by the database (one statement each), never by loading deals into Python."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from domain.retention.model import (
    AbcBasis,
    AbcClass,
    AbcReport,
    CrossSellCandidate,
    CrossSellReminder,
    CrossSellRule,
    Reactivation,
    RetentionSettings,
    SleepingClient,
    SleepingClients,
)
from domain.shared.scope import Scope


@dataclass(frozen=True, slots=True, kw_only=True)
class AbcQuery:
    """Whose figures (the caller's deals scope), over which days (payments are dated) and
    moments (deals are won at a moment), in the organisation's currency."""

    basis: AbcBasis
    first_day: date
    end_day: date  # exclusive
    starts_at: datetime
    ends_at: datetime  # exclusive
    currency: str
    turnover_from_payments: bool
    a_share: Decimal = Decimal(80)  # set by the service from the settings
    b_share: Decimal = Decimal(15)
    abc_class: AbcClass | None = None
    after_rank: int = 0
    limit: int = 50


@dataclass(frozen=True, slots=True, kw_only=True)
class SleepingFilter:
    segment: str | None = None
    responsible_id: UUID | None = None


class RetentionRepository(Protocol):
    async def settings(self, organisation_id: UUID) -> RetentionSettings | None: ...
    async def save_settings(self, settings: RetentionSettings, expected_version: int) -> None:
        """Insert (expected version 0) or update at the expected version; PreconditionFailed
        when another save came first."""
        ...

    async def abc(self, scope: Scope, query: AbcQuery) -> AbcReport: ...

    async def sleeping(
        self,
        scope: Scope,
        settings: RetentionSettings,
        now: datetime,
        filters: SleepingFilter,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None,
    ) -> SleepingClients:
        """Visible sleeping clients with their responsible's name, longest asleep first (last
        purchase, then id), and how many the filters select in all (the cursor aside)."""
        ...

    async def organisation_ids(self) -> Sequence[UUID]: ...

    async def unwoken_sleepers(
        self, settings: RetentionSettings, now: datetime, *, limit: int
    ) -> Sequence[SleepingClient]:
        """Sleeping clients of the settings' organisation whose current sleep has no
        reactivation yet."""
        ...

    async def add_reactivation(self, reactivation: Reactivation) -> bool:
        """False when this sleep was already woken (another sweep came first)."""
        ...

    async def cross_sell_candidates(
        self, rule: CrossSellRule, now: datetime, *, limit: int
    ) -> Sequence[CrossSellCandidate]:
        """Deals won with a product the rule names, whose reminder moment (won + the rule's
        days) has come, came after the rule existed, and has no reminder of the rule yet."""
        ...

    async def add_cross_sell_reminder(self, reminder: CrossSellReminder) -> bool: ...

    async def add_rule(self, rule: CrossSellRule) -> None: ...
    async def get_rule(self, organisation_id: UUID, rule_id: UUID) -> CrossSellRule | None: ...
    async def update_rule(self, rule: CrossSellRule, expected_version: int) -> None: ...
    async def delete_rule(self, organisation_id: UUID, rule_id: UUID) -> None: ...
    async def list_rules(
        self, organisation_id: UUID, *, active_only: bool = False
    ) -> Sequence[CrossSellRule]: ...
    async def count_rules(self, organisation_id: UUID) -> int: ...
