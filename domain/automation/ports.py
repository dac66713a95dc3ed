"""What automation needs from persistence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from domain.automation.model import Condition, Rule, RuleRun, Trigger
from domain.shared.scope import Scope


@dataclass(frozen=True, slots=True)
class RunFilter:
    rule_id: UUID | None = None
    deal_id: UUID | None = None
    client_id: UUID | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DealMatch:
    """A deal a rule would touch now (the dry run)."""

    id: UUID
    title: str
    client_id: UUID
    funnel_id: UUID
    stage_id: UUID
    responsible_id: UUID
    amount: Decimal
    currency: str
    stage_entered_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Stay:
    """A deal's stay in a stage that a time-based rule has not run for yet."""

    deal_id: UUID
    stage_entered_at: datetime


class AutomationRepository(Protocol):
    async def add(self, rule: Rule) -> None: ...
    async def get(self, scope: Scope, rule_id: UUID, *, for_update: bool = False) -> Rule | None:
        """One of the scope's organisation's rules."""
        ...

    async def update(self, rule: Rule, expected_version: int) -> None:
        """Raises PreconditionFailed when the stored version is not ``expected_version``."""
        ...

    async def delete(self, scope: Scope, rule_id: UUID) -> None: ...
    async def list(
        self, scope: Scope, *, limit: int, after: tuple[datetime, UUID] | None = None
    ) -> Sequence[Rule]:
        """Newest first, after the keyset (created_at, id)."""
        ...

    async def enabled_for_event(self, organisation_id: UUID, event_name: str) -> Sequence[Rule]:
        """The organisation's enabled rules whose trigger listens to ``event_name``, oldest
        first (rules run in the order they were made)."""
        ...

    async def enabled_time_based(self, *, limit: int) -> Sequence[Rule]:
        """Unscoped, for the worker's sweep: enabled rules of every organisation with a
        time-based trigger."""
        ...

    async def claim_run(self, run: RuleRun) -> bool:
        """Store the run unless the rule already ran for that event; returns whether it was
        stored (False: the event was handled before and nothing must be done again)."""
        ...

    async def save_run(self, run: RuleRun) -> None:
        """The claimed run's outcome (status, reason, actions), in the same transaction."""
        ...

    async def list_runs(
        self,
        scope: Scope,
        found: RunFilter,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[RuleRun]:
        """Newest first, after the keyset (at, id)."""
        ...

    async def due_stays(
        self, rule: Rule, *, entered_before: datetime, limit: int
    ) -> Sequence[Stay]:
        """Open deals in the rule's stage since before ``entered_before`` whose stay the rule
        has not run for."""
        ...

    async def matching_deals(
        self,
        scope: Scope,
        trigger: Trigger,
        conditions: Sequence[Condition],
        *,
        now: datetime,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[DealMatch]:
        """Open deals the caller sees that satisfy the trigger's state (in its stage, for as
        long as it asks) and every condition; by stage_entered_at, newest first."""
        ...

    async def least_loaded_user(self, organisation_id: UUID, role_code: str) -> UUID | None:
        """The active user of that role with the fewest open tasks (the oldest account on a
        tie); None when nobody holds the role."""
        ...
