"""What the funnels context needs from persistence."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.funnels.model import Funnel, LossReason, Stage
from domain.shared.scope import Scope


class FunnelRepository(Protocol):
    async def add(self, funnel: Funnel) -> None:
        """The funnel with its stages."""
        ...

    async def get(
        self, scope: Scope, funnel_id: UUID, *, for_update: bool = False
    ) -> Funnel | None:
        """With its stages in order."""
        ...

    async def list(self, scope: Scope) -> Sequence[Funnel]:
        """Every funnel of the organisation by (position, name), stages batch-loaded."""
        ...

    async def count(self, scope: Scope) -> int: ...
    async def default(self, scope: Scope) -> Funnel | None:
        """The default funnel, or the first one."""
        ...

    async def update(self, funnel: Funnel, expected_version: int) -> None:
        """The funnel row (name, default flag) and its stages: new ones inserted, changed ones
        updated, missing ones deleted. Bumps the funnel's version."""
        ...

    async def update_position(self, funnel: Funnel, expected_version: int) -> None:
        """Only the funnel's display position. Bumps its version."""
        ...

    async def clear_default(self, scope: Scope, *, except_id: UUID) -> None: ...
    async def delete(self, scope: Scope, funnel_id: UUID) -> None: ...
    async def get_stage(self, scope: Scope, stage_id: UUID) -> Stage | None: ...
    async def stages_by_id(
        self, organisation_id: UUID, stage_ids: Sequence[UUID]
    ) -> dict[UUID, Stage]: ...
    async def count_deals(
        self, scope: Scope, *, funnel_id: UUID | None = None, stage_id: UUID | None = None
    ) -> int:
        """Deals of every status in the funnel or stage, whoever owns them."""
        ...


class LossReasonRepository(Protocol):
    async def add(self, reason: LossReason) -> None: ...
    async def get(self, scope: Scope, reason_id: UUID) -> LossReason | None: ...
    async def list(self, scope: Scope, *, include_inactive: bool) -> Sequence[LossReason]: ...
    async def update(self, reason: LossReason, expected_version: int) -> None: ...
    async def delete(self, scope: Scope, reason_id: UUID) -> None: ...
    async def is_used(self, scope: Scope, reason_id: UUID) -> bool: ...
    async def ensure_defaults(
        self, organisation_id: UUID, names: Sequence[str], at: datetime
    ) -> None:
        """Create ``names`` for an organisation that has no loss reasons yet."""
        ...
