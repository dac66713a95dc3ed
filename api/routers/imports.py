"""Spreadsheet import of clients (with contacts) and deals: upload a CSV or XLSX file, map its
columns (a preview and suggested fields come with the upload), check it with a dry run, then
run it; both are jobs whose progress, counts and issues (row errors, flagged duplicates) are
read here. Needs imports:run with clients:write (clients) or deals:write (deals)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, File, Form, Query, UploadFile, status

from api.deps import CurrentPrincipal, ImportServiceDep
from api.errors import problems
from api.pagination import Cursor, Limit, decode_cursor, decode_time_id_cursor, encode_cursor
from api.schemas.imports import (
    ImportIssuePage,
    ImportIssueRead,
    ImportMappingUpdate,
    ImportPage,
    ImportRead,
)
from domain.imports.model import ImportEntity, IssueKind, SheetFormat

router = APIRouter(prefix="/imports", tags=["imports"])

_CHUNK = 64 * 1024


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(_CHUNK):
        yield chunk


def _row_number(raw: object) -> int:
    if not isinstance(raw, str) or not raw.isdigit() or len(raw) > 10:
        raise ValueError("not a row number")
    return int(raw)


def _uuid(raw: object) -> UUID:
    if not isinstance(raw, str):
        raise ValueError("not an id")
    return UUID(raw)


@router.post(
    "",
    response_model=ImportRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 413, 422),
)
async def upload_import(
    principal: CurrentPrincipal,
    service: ImportServiceDep,
    file: Annotated[UploadFile, File(description="CSV or XLSX; IMPORT_MAX_BYTES at most")],
    entity: Annotated[ImportEntity, Form(description="clients (with contacts) or deals")],
    format: Annotated[SheetFormat | None, Form(description="Detected when left out")] = None,
    encoding: Annotated[
        str | None,
        Form(pattern="^(utf-8|utf-8-sig|cp1251)$", description="CSV; detected when left out"),
    ] = None,
    delimiter: Annotated[
        str | None, Form(min_length=1, max_length=1, description="CSV; detected when left out")
    ] = None,
) -> ImportRead:
    """Stores the file and reads its header and first rows; suggests a field per column."""
    view = await service.upload(
        principal,
        entity=entity,
        filename=file.filename,
        content=_chunks(file),
        format=format,
        encoding=encoding,
        delimiter=delimiter,
    )
    return ImportRead.of(view)


@router.get("", response_model=ImportPage, responses=problems(401, 403, 422))
async def list_imports(
    principal: CurrentPrincipal,
    service: ImportServiceDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ImportPage:
    """The organisation's imports, newest first."""
    found = await service.recent(principal, limit=limit + 1, after=decode_time_id_cursor(cursor))
    last = found[limit - 1] if len(found) > limit else None
    return ImportPage(
        items=[ImportRead.summary(r) for r in found[:limit]],
        next_cursor=encode_cursor(last.created_at, last.id) if last else None,
    )


@router.get("/{import_id}", response_model=ImportRead, responses=problems(401, 403, 404, 422))
async def get_import(
    import_id: UUID, principal: CurrentPrincipal, service: ImportServiceDep
) -> ImportRead:
    """The import with its status, progress (rows done of rows_total) and counts."""
    return ImportRead.of(await service.get(principal, import_id))


@router.put(
    "/{import_id}/mapping",
    response_model=ImportRead,
    responses=problems(401, 403, 404, 409, 422),
)
async def set_import_mapping(
    import_id: UUID,
    body: ImportMappingUpdate,
    principal: CurrentPrincipal,
    service: ImportServiceDep,
) -> ImportRead:
    """Which column feeds which field, and what to do with a row that matches an existing
    record (skip, update it, or flag it); a new encoding or delimiter reads the file again."""
    view = await service.set_mapping(
        principal,
        import_id,
        mapping={int(k): v for k, v in body.mapping.items()},
        on_duplicate=body.on_duplicate,
        encoding=body.encoding,
        delimiter=body.delimiter,
    )
    return ImportRead.of(view)


@router.post(
    "/{import_id}/dry-run",
    response_model=ImportRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses=problems(401, 403, 404, 409, 422),
)
async def dry_run_import(
    import_id: UUID, principal: CurrentPrincipal, service: ImportServiceDep
) -> ImportRead:
    """Checks every row as a job, writing nothing: what would be created, updated and
    flagged as duplicate, and the rows' errors."""
    return ImportRead.of(await service.start(principal, import_id, dry_run=True))


@router.post(
    "/{import_id}/run",
    response_model=ImportRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses=problems(401, 403, 404, 409, 422),
)
async def run_import(
    import_id: UUID, principal: CurrentPrincipal, service: ImportServiceDep
) -> ImportRead:
    """Imports the rows as a job, in batches (a transaction each)."""
    return ImportRead.of(await service.start(principal, import_id, dry_run=False))


@router.post(
    "/{import_id}/cancel",
    response_model=ImportRead,
    responses=problems(401, 403, 404, 409, 422),
)
async def cancel_import(
    import_id: UUID, principal: CurrentPrincipal, service: ImportServiceDep
) -> ImportRead:
    """Stops the dry run or the import after its current batch; what committed stays."""
    return ImportRead.of(await service.cancel(principal, import_id))


@router.get(
    "/{import_id}/issues",
    response_model=ImportIssuePage,
    responses=problems(401, 403, 404, 422),
)
async def list_import_issues(
    import_id: UUID,
    principal: CurrentPrincipal,
    service: ImportServiceDep,
    dry_run: Annotated[bool, Query(description="The dry run's issues, or the import's")] = False,
    kind: Annotated[IssueKind | None, Query(description="error or duplicate")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ImportIssuePage:
    """Row errors (row, column, reason) and flagged duplicates (with the records they
    match), by row; the first 10,000 of a run are kept, the counts have them all."""
    after = decode_cursor(cursor, _row_number, _uuid)
    found = await service.issues(
        principal, import_id, dry_run=dry_run, kind=kind, limit=limit + 1, after=after
    )
    last = found[limit - 1] if len(found) > limit else None
    return ImportIssuePage(
        items=[ImportIssueRead.of(i) for i in found[:limit]],
        next_cursor=encode_cursor(str(last.row_number), last.id) if last else None,
    )
