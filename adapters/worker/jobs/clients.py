"""Jobs of the clients context."""

from __future__ import annotations

from typing import Any

from adapters.worker.runner import JobContext
from domain.clients.services.clients import ClientService


async def rescan_duplicates(context: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """Rebuild the organisation's stored duplicate pairs (clients.rescan_duplicates)."""
    service = ClientService(context.container.uow(), context.container.clock)
    return await service.rescan_duplicates(context.organisation_id, progress=context.progress)
