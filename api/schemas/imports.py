from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import Field

from api.schemas.base import Name, Schema
from domain.imports.model import (
    MAX_COLUMNS,
    Import,
    ImportEntity,
    ImportIssue,
    ImportStatus,
    IssueKind,
    OnDuplicate,
    SheetFormat,
)
from domain.imports.services import ImportView

FieldName = Annotated[Name, Field(min_length=1, max_length=80)]
ColumnKey = Annotated[str, Field(pattern=r"^\d{1,3}$")]


class ImportCounts(Schema):
    created: int = 0
    updated: int = 0
    unchanged: int = Field(default=0, description="Matched records the row would not change")
    duplicates: int = Field(default=0, description="Rows flagged as duplicates, not imported")
    skipped: int = Field(default=0, description="Duplicates skipped, and empty rows")
    errors: int = 0


class ImportRead(Schema):
    id: UUID
    entity: ImportEntity
    filename: str
    size: int
    format: SheetFormat
    encoding: str | None
    delimiter: str | None
    header: list[str]
    preview: list[list[str]] = Field(description="The first rows under the header")
    mapping: dict[str, str] = Field(description="Column index -> field")
    suggested_mapping: dict[str, str] = Field(description="Column index -> field, by headers")
    fields: list[str] = Field(description="What a column can be mapped to (cf.<key>: custom)")
    on_duplicate: OnDuplicate
    status: ImportStatus
    job_id: UUID | None
    rows_total: int | None
    rows_done: int
    progress: int = Field(ge=0, le=100)
    dry_run: ImportCounts | None
    result: ImportCounts | None
    cancel_requested: bool
    error: str | None
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def of(cls, view: ImportView) -> ImportRead:
        r = view.record
        return cls.summary(r).model_copy(
            update={
                "suggested_mapping": {str(k): v for k, v in view.suggested.items()},
                "fields": view.fields,
            }
        )

    @classmethod
    def summary(cls, r: Import) -> ImportRead:
        total = r.rows_total or 0
        done = min(r.rows_done, total) if total else 0
        progress = (
            100
            if r.status in (ImportStatus.CHECKED, ImportStatus.DONE)
            else (done * 100 // total if total else 0)
        )
        return cls(
            id=r.id,
            entity=r.entity,
            filename=r.filename,
            size=r.size,
            format=r.format,
            encoding=r.encoding,
            delimiter=r.delimiter,
            header=r.header,
            preview=r.preview,
            mapping=r.mapping,
            suggested_mapping={},
            fields=[],
            on_duplicate=r.on_duplicate,
            status=r.status,
            job_id=r.job_id,
            rows_total=r.rows_total,
            rows_done=r.rows_done,
            progress=progress,
            dry_run=ImportCounts(**r.dry_run) if r.dry_run is not None else None,
            result=ImportCounts(**r.result) if r.result is not None else None,
            cancel_requested=r.cancel_requested,
            error=r.error,
            created_by=r.created_by,
            created_at=r.created_at,
            updated_at=r.updated_at,
            version=r.version,
        )


class ImportPage(Schema):
    items: list[ImportRead]
    next_cursor: str | None


class ImportMappingUpdate(Schema):
    mapping: Annotated[dict[ColumnKey, FieldName], Field(max_length=MAX_COLUMNS)] = Field(
        description="Column index (from 0) -> field; columns left out are not imported"
    )
    on_duplicate: OnDuplicate = OnDuplicate.FLAG
    encoding: Annotated[str, Field(pattern="^(utf-8|utf-8-sig|cp1251)$")] | None = Field(
        default=None, description="CSV: read the file again in this encoding"
    )
    delimiter: Annotated[str, Field(min_length=1, max_length=1)] | None = Field(
        default=None, description="CSV: read the file again with this delimiter"
    )


class ImportIssueRead(Schema):
    id: UUID
    kind: IssueKind
    row_number: int = Field(description="From 1, the header row not counted")
    column: str | None = Field(description="The column's header")
    reason: str = Field(description="In English")
    code: str = Field(
        description="The reason as a stable code: the domain's field error codes "
        "(not_a_phone, date_outside_window, ...) or the import's own (unknown_user, "
        "duplicate_client, duplicate_row, ...)"
    )
    params: dict[str, str] = Field(
        description="What the reason names (a limit, a funnel, a row), for its wording"
    )
    matches: list[dict[str, Any]] = Field(
        description="Existing records it matches: id, name, reasons (or row: an earlier row)"
    )

    @classmethod
    def of(cls, i: ImportIssue) -> ImportIssueRead:
        return cls(
            id=i.id,
            kind=i.kind,
            row_number=i.row_number,
            column=i.column,
            reason=i.reason,
            code=i.code,
            params=i.params,
            matches=i.matches,
        )


class ImportIssuePage(Schema):
    items: list[ImportIssueRead]
    next_cursor: str | None
