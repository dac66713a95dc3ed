"""What the call scripts context needs from the database."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.callscripts.model import CallScript, ScriptReport, ScriptRun


@dataclass(frozen=True, slots=True)
class Assignments:
    """Where a script applies: funnel stages (a stage has at most one script) and call lists."""

    stage_ids: tuple[UUID, ...] = ()
    call_list_ids: tuple[UUID, ...] = ()


@dataclass(frozen=True, slots=True)
class RunRow:
    run: ScriptRun
    script_name: str
    user_name: str | None


@dataclass(frozen=True, slots=True)
class RunFilter:
    """Exactly one record: the runs on a deal, a client or a call list number."""

    deal_id: UUID | None = None
    client_id: UUID | None = None
    call_list_item_id: UUID | None = None


class CallScriptRepository(Protocol):
    async def add(self, script: CallScript) -> None: ...
    async def get(
        self, organisation_id: UUID, script_id: UUID, *, for_update: bool = False
    ) -> CallScript | None: ...
    async def update(self, script: CallScript) -> None:
        """Saves the script and moves its version on."""
        ...

    async def list(
        self,
        organisation_id: UUID,
        *,
        active: bool | None,
        limit: int,
        after: tuple[str, UUID] | None,
    ) -> Sequence[CallScript]:
        """By name, then id."""
        ...

    async def assignments(
        self, organisation_id: UUID, script_ids: Sequence[UUID]
    ) -> dict[UUID, Assignments]: ...
    async def existing_stages(
        self, organisation_id: UUID, stage_ids: Sequence[UUID]
    ) -> set[UUID]: ...
    async def existing_call_lists(
        self, organisation_id: UUID, list_ids: Sequence[UUID]
    ) -> set[UUID]: ...
    async def assign(self, organisation_id: UUID, script_id: UUID, to: Assignments) -> None:
        """Makes ``to`` the script's stages and call lists: a stage given is taken from the
        script it had, a stage or list no longer given loses this script."""
        ...

    async def for_stage(self, organisation_id: UUID, stage_id: UUID) -> UUID | None: ...
    async def call_list_of_item(
        self, organisation_id: UUID, item_id: UUID
    ) -> tuple[UUID, UUID | None, UUID | None] | None:
        """The item's call list, client and deal."""
        ...

    async def call_exists(self, organisation_id: UUID, call_id: UUID) -> bool: ...
    async def activity_exists(self, organisation_id: UUID, activity_id: UUID) -> bool: ...
    async def add_run(self, run: ScriptRun) -> None: ...
    async def run(self, organisation_id: UUID, run_id: UUID) -> RunRow | None: ...
    async def runs(
        self,
        organisation_id: UUID,
        filters: RunFilter,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None,
    ) -> builtins.list[RunRow]:
        """Newest first by (finished_at, id)."""
        ...

    async def report(
        self, organisation_id: UUID, script_id: UUID, start: datetime, end: datetime
    ) -> ScriptReport:
        """Over the runs finished in [start, end): how many, by outcome; per step the runs
        that reached it; per answer the runs that chose it, by their outcome."""
        ...
