"""Jobs of the karma context."""

from __future__ import annotations

from typing import Any

from adapters.worker.runner import JobContext
from domain.karma.services import recalculate_all


async def recalculate_karma(context: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """Recompute every client's entries with the rules just saved (karma.recalculate)."""
    return await recalculate_all(context.container.uow, context.organisation_id, context.progress)
