"""Jobs of the imports context: a spreadsheet's dry run and its import."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from adapters.worker.runner import JobContext
from domain.imports.services import ImportService


async def run_import(context: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """imports.dry_run and imports.run: the record says which."""
    container = context.container
    service = ImportService(container.uow(), container.clock, container.spreadsheets())
    return await service.execute(
        context.organisation_id, UUID(params["import_id"]), progress=context.progress
    )
