"""What callers ask of the activities context: typed inputs of its update use cases.

A field left ``UNSET`` keeps its value; ``None`` clears it (where the field may be empty)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.activities.model import ActivityKind, Direction
from domain.shared.patch import UNSET, Patch


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateActivity:
    kind: Patch[ActivityKind] = UNSET
    subject: Patch[str | None] = UNSET
    body: Patch[str | None] = UNSET
    direction: Patch[Direction | None] = UNSET
    occurred_at: Patch[datetime] = UNSET
    duration_seconds: Patch[int | None] = UNSET
