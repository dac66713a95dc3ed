"""What the imports context needs from outside: its records, and the spreadsheet files
(stored, detected and read row by row, never whole)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.imports.model import Import, ImportIssue, IssueKind, SheetFormat, SheetPreview
from domain.shared.scope import Scope


class ImportRepository(Protocol):
    async def add(self, record: Import) -> None: ...
    async def get(
        self, scope: Scope, import_id: UUID, *, for_update: bool = False
    ) -> Import | None: ...
    async def update(self, record: Import) -> None: ...
    async def list(
        self, scope: Scope, *, limit: int, after: tuple[datetime, UUID] | None
    ) -> Sequence[Import]:
        """Newest first."""
        ...

    async def add_issues(self, issues: Sequence[ImportIssue]) -> None: ...
    async def clear_issues(self, scope: Scope, import_id: UUID, *, dry_run: bool) -> None: ...
    async def count_issues(
        self, scope: Scope, import_id: UUID, *, dry_run: bool, after_row: int
    ) -> int:
        """Issues of rows after ``after_row`` (a retried run drops those it will find again)."""
        ...

    async def delete_issues_after(
        self, scope: Scope, import_id: UUID, *, dry_run: bool, after_row: int
    ) -> None: ...
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
        """By row number, then id."""
        ...


class Sheet(Protocol):
    """An opened spreadsheet: its data rows (the header row left out) one by one."""

    total: int  # data rows

    def rows(self, *, after: int = 0) -> AsyncIterator[tuple[int, list[str]]]:
        """(row number from 1, cells as text) of each row after row ``after``; empty rows are
        skipped but keep their numbers."""
        ...


class SpreadsheetFiles(Protocol):
    async def save(self, key: str, content: AsyncIterator[bytes]) -> int:
        """Stores the upload; its size. InvalidInput("file") when it is empty or too big."""
        ...

    async def preview(
        self,
        key: str,
        *,
        filename: str,
        format: SheetFormat | None,
        encoding: str | None,
        delimiter: str | None,
    ) -> SheetPreview:
        """The header and the first rows, with the format, encoding and delimiter detected
        (those given are used as they are). InvalidInput("file") when it cannot be read."""
        ...

    def open(
        self, key: str, *, format: SheetFormat, encoding: str | None, delimiter: str | None
    ) -> AbstractAsyncContextManager[Sheet]: ...

    async def delete(self, key: str) -> None: ...
