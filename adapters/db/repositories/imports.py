"""Spreadsheet imports and their issues."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from adapters.db.repositories.base import SqlRepository
from adapters.db.tables.imports import import_issues, imports
from domain.imports.model import (
    Import,
    ImportEntity,
    ImportIssue,
    ImportStatus,
    IssueKind,
    OnDuplicate,
    SheetFormat,
)
from domain.shared.scope import Scope


def _import(row: Any) -> Import:
    return Import(
        id=row.id,
        organisation_id=row.organisation_id,
        entity=ImportEntity(row.entity),
        filename=row.filename,
        storage_key=row.storage_key,
        size=row.size,
        format=SheetFormat(row.format),
        encoding=row.encoding,
        delimiter=row.delimiter,
        header=list(row.header),
        preview=[list(r) for r in row.preview],
        mapping=dict(row.mapping),
        on_duplicate=OnDuplicate(row.on_duplicate),
        status=ImportStatus(row.status),
        job_id=row.job_id,
        rows_total=row.rows_total,
        rows_done=row.rows_done,
        committed_rows=row.committed_rows,
        dry_run=row.dry_run,
        result=row.result,
        cancel_requested=row.cancel_requested,
        error=row.error,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def _values(record: Import) -> dict[str, Any]:
    return {
        "entity": record.entity.value,
        "filename": record.filename,
        "storage_key": record.storage_key,
        "size": record.size,
        "format": record.format.value,
        "encoding": record.encoding,
        "delimiter": record.delimiter,
        "header": record.header,
        "preview": record.preview,
        "mapping": record.mapping,
        "on_duplicate": record.on_duplicate.value,
        "status": record.status.value,
        "job_id": record.job_id,
        "rows_total": record.rows_total,
        "rows_done": record.rows_done,
        "committed_rows": record.committed_rows,
        "dry_run": record.dry_run,
        "result": record.result,
        "cancel_requested": record.cancel_requested,
        "error": record.error,
        "updated_at": record.updated_at,
    }


def _issue(row: Any) -> ImportIssue:
    return ImportIssue(
        id=row.id,
        organisation_id=row.organisation_id,
        import_id=row.import_id,
        dry_run=row.dry_run,
        kind=IssueKind(row.kind),
        row_number=row.row_number,
        column=row.column,
        reason=row.reason,
        code=row.code,
        params=dict(row.params),
        matches=list(row.matches),
    )


class SqlImportRepository(SqlRepository):
    async def add(self, record: Import) -> None:
        await self._conn.execute(
            imports.insert().values(
                id=record.id,
                organisation_id=record.organisation_id,
                created_by=record.created_by,
                created_at=record.created_at,
                **_values(record),
            )
        )

    async def get(
        self, scope: Scope, import_id: UUID, *, for_update: bool = False
    ) -> Import | None:
        query = sa.select(imports).where(
            imports.c.organisation_id == scope.organisation_id, imports.c.id == import_id
        )
        if for_update:
            query = query.with_for_update()
        row = (await self._conn.execute(query)).one_or_none()
        return None if row is None else _import(row)

    async def update(self, record: Import) -> None:
        record.version = (
            await self._conn.execute(
                imports.update()
                .where(
                    imports.c.organisation_id == record.organisation_id,
                    imports.c.id == record.id,
                )
                .values(**_values(record), version=imports.c.version + 1)
                .returning(imports.c.version)
            )
        ).scalar_one()

    async def list(
        self, scope: Scope, *, limit: int, after: tuple[datetime, UUID] | None
    ) -> Sequence[Import]:
        query = sa.select(imports).where(imports.c.organisation_id == scope.organisation_id)
        if after is not None:
            query = query.where(sa.tuple_(imports.c.created_at, imports.c.id) < after)
        query = query.order_by(imports.c.created_at.desc(), imports.c.id.desc()).limit(limit)
        return [_import(row) for row in await self._conn.execute(query)]

    async def add_issues(self, issues: Sequence[ImportIssue]) -> None:
        if not issues:
            return
        await self._conn.execute(
            import_issues.insert(),
            [
                {
                    "id": i.id,
                    "organisation_id": i.organisation_id,
                    "import_id": i.import_id,
                    "dry_run": i.dry_run,
                    "kind": i.kind.value,
                    "row_number": i.row_number,
                    "column": i.column[:200] if i.column else None,
                    "reason": i.reason[:1000],
                    "code": i.code[:50],
                    "params": i.params,
                    "matches": i.matches,
                }
                for i in issues
            ],
        )

    @staticmethod
    def _of(scope: Scope, import_id: UUID, dry_run: bool) -> tuple[sa.ColumnElement[bool], ...]:
        return (
            import_issues.c.organisation_id == scope.organisation_id,
            import_issues.c.import_id == import_id,
            import_issues.c.dry_run.is_(dry_run),
        )

    async def clear_issues(self, scope: Scope, import_id: UUID, *, dry_run: bool) -> None:
        await self._conn.execute(import_issues.delete().where(*self._of(scope, import_id, dry_run)))

    async def delete_issues_after(
        self, scope: Scope, import_id: UUID, *, dry_run: bool, after_row: int
    ) -> None:
        await self._conn.execute(
            import_issues.delete().where(
                *self._of(scope, import_id, dry_run), import_issues.c.row_number > after_row
            )
        )

    async def count_issues(
        self, scope: Scope, import_id: UUID, *, dry_run: bool, after_row: int
    ) -> int:
        return int(
            (
                await self._conn.execute(
                    sa.select(sa.func.count()).where(
                        *self._of(scope, import_id, dry_run),
                        import_issues.c.row_number > after_row,
                    )
                )
            ).scalar_one()
        )

    async def issues(
        self,
        scope: Scope,
        import_id: UUID,
        *,
        dry_run: bool,
        kind: IssueKind | None,
        limit: int,
        after: tuple[int, UUID] | None,
    ) -> Sequence[ImportIssue]:
        query = sa.select(import_issues).where(*self._of(scope, import_id, dry_run))
        if kind is not None:
            query = query.where(import_issues.c.kind == kind.value)
        if after is not None:
            query = query.where(sa.tuple_(import_issues.c.row_number, import_issues.c.id) > after)
        query = query.order_by(import_issues.c.row_number, import_issues.c.id).limit(limit)
        return [_issue(row) for row in await self._conn.execute(query)]
