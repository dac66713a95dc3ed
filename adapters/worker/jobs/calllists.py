"""Jobs of the call lists context: adding an uploaded file's numbers to a list."""

from __future__ import annotations

from typing import Any

from adapters.worker.runner import JobContext
from domain.calllists.services import CallListService


async def build_call_list(context: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    container = context.container
    service = CallListService(container.uow(), container.clock, container.spreadsheets())
    return await service.build_from_upload(
        context.organisation_id, params, progress=context.progress
    )
