"""An import: an uploaded spreadsheet, how it reads (format, encoding, delimiter), which column
feeds which field, and what its dry run and its run did. Rows that could not be taken and rows
flagged as duplicates are kept as issues (a bounded number per run, with totals)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.shared.errors import INVALID_INPUT, InvalidInput, InvalidTransition
from domain.shared.ids import new_id

# Kept per run; the counts still say how many there were in all.
ISSUES_KEPT = 10_000
PREVIEW_ROWS = 20
MAX_COLUMNS = 200
# Every cell is cut to this many characters before anything parses it.
CELL_MAX = 4000
HEADER_MAX = 200
FILENAME_MAX = 255
# The jobs' kinds.
DRY_RUN_JOB = "imports.dry_run"
RUN_JOB = "imports.run"


class ImportEntity(enum.StrEnum):
    CLIENTS = "clients"  # clients with their contacts
    DEALS = "deals"


class SheetFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class ImportStatus(enum.StrEnum):
    UPLOADED = "uploaded"  # read, mapped (or being mapped); nothing checked yet
    CHECKING = "checking"  # the dry run is going
    CHECKED = "checked"  # the dry run is done: its counts and issues are there
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


_BUSY = (ImportStatus.CHECKING, ImportStatus.RUNNING)
_FINAL = (ImportStatus.DONE, ImportStatus.CANCELLED)


class OnDuplicate(enum.StrEnum):
    SKIP = "skip"  # leave the existing record, count the row as skipped
    UPDATE = "update"  # fill the existing record from the row (a sure match only)
    FLAG = "flag"  # leave it, and list the row with the records it matches


class IssueKind(enum.StrEnum):
    ERROR = "error"
    DUPLICATE = "duplicate"


COUNT_KEYS = ("created", "updated", "unchanged", "duplicates", "skipped", "errors")


def empty_counts() -> dict[str, int]:
    return dict.fromkeys(COUNT_KEYS, 0)


@dataclass(frozen=True, slots=True, kw_only=True)
class Layout:
    """How the file reads. ``encoding`` and ``delimiter`` are for CSV only."""

    format: SheetFormat
    encoding: str | None = None
    delimiter: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SheetPreview:
    layout: Layout
    header: list[str]
    rows: list[list[str]]


@dataclass(slots=True, kw_only=True)
class Import:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    entity: ImportEntity
    filename: str
    storage_key: str
    size: int
    format: SheetFormat
    encoding: str | None = None
    delimiter: str | None = None
    header: list[str] = field(default_factory=list)
    preview: list[list[str]] = field(default_factory=list)
    # Column index (as text, JSON keys are) -> field name; unmapped columns are left out.
    mapping: dict[str, str] = field(default_factory=dict)
    on_duplicate: OnDuplicate = OnDuplicate.FLAG
    status: ImportStatus = ImportStatus.UPLOADED
    job_id: UUID | None = None
    rows_total: int | None = None
    rows_done: int = 0
    # The run's last row (1-based, under the header) whose batch committed: a retried job
    # goes on after it.
    committed_rows: int = 0
    dry_run: dict[str, int] | None = None
    result: dict[str, int] | None = None
    cancel_requested: bool = False
    error: str | None = None
    created_by: UUID | None = None
    created_at: datetime
    updated_at: datetime
    version: int = 1

    @property
    def layout(self) -> Layout:
        return Layout(format=self.format, encoding=self.encoding, delimiter=self.delimiter)

    def read_as(self, preview: SheetPreview, at: datetime) -> None:
        self._require_idle()
        self.format = preview.layout.format
        self.encoding = preview.layout.encoding
        self.delimiter = preview.layout.delimiter
        self.header = preview.header
        self.preview = preview.rows
        self.mapping = {k: v for k, v in self.mapping.items() if int(k) < len(self.header)}
        self.updated_at = at

    def set_mapping(self, mapping: dict[int, str], on_duplicate: OnDuplicate, at: datetime) -> None:
        self._require_idle()
        for column in mapping:
            if not 0 <= column < len(self.header):
                raise InvalidInput(("mapping", str(column)), "no such column in the file")
        fields = list(mapping.values())
        repeated = sorted({f for f in fields if fields.count(f) > 1})
        if repeated:
            raise InvalidInput("mapping", f"a field can take one column: {', '.join(repeated)}")
        self.mapping = {str(k): v for k, v in sorted(mapping.items())}
        self.on_duplicate = on_duplicate
        # What was checked no longer describes what would run.
        if self.status is ImportStatus.CHECKED:
            self.status = ImportStatus.UPLOADED
            self.dry_run = None
        self.updated_at = at

    def start(self, *, dry_run: bool, job_id: UUID, at: datetime) -> None:
        self._require_idle()
        if not self.mapping:
            raise InvalidInput("mapping", "map at least one column to a field first")
        self.status = ImportStatus.CHECKING if dry_run else ImportStatus.RUNNING
        self.job_id = job_id
        self.rows_done = 0
        self.rows_total = None
        self.cancel_requested = False
        self.error = None
        if dry_run:
            self.dry_run = None
        else:
            self.committed_rows = 0
            self.result = empty_counts()
        self.updated_at = at

    def cancel(self, at: datetime) -> None:
        if self.status not in _BUSY:
            raise InvalidTransition("Only a dry run or an import that is going can be cancelled")
        self.cancel_requested = True
        self.updated_at = at

    def finish(self, *, at: datetime, cancelled: bool = False) -> None:
        if self.status is ImportStatus.CHECKING:
            self.status = ImportStatus.UPLOADED if cancelled else ImportStatus.CHECKED
        elif self.status is ImportStatus.RUNNING:
            self.status = ImportStatus.CANCELLED if cancelled else ImportStatus.DONE
        self.cancel_requested = False
        self.updated_at = at

    def fail(self, error: str, at: datetime) -> None:
        if self.status in _BUSY:
            self.status = ImportStatus.FAILED
        self.error = error[:1000]
        self.updated_at = at

    def _require_idle(self) -> None:
        if self.status in _BUSY:
            raise InvalidTransition("The import is busy; wait for it or cancel it")
        if self.status in _FINAL:
            raise InvalidTransition("The import has run; upload the file again for another")

    def snapshot(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "mapping": dict(self.mapping),
            "on_duplicate": self.on_duplicate.value,
        }


class IssueCode(enum.StrEnum):
    """The import's own reasons for a row (the domain's field codes name the rest)."""

    AMBIGUOUS_USER = "ambiguous_user"
    UNKNOWN_USER = "unknown_user"
    MONEY_WITHOUT_CURRENCY = "money_without_currency"
    UNKNOWN_ID = "unknown_id"
    UNKNOWN_FUNNEL = "unknown_funnel"
    UNKNOWN_STAGE = "unknown_stage"  # params: funnel
    CLIENT_KIND = "client_kind"
    TEMPERATURE = "temperature"
    NOT_A_DATE = "not_a_date"
    DUPLICATE_CLIENT = "duplicate_client"
    DUPLICATE_UNCLEAR = "duplicate_unclear"
    DUPLICATE_ROW = "duplicate_row"  # params: row
    DUPLICATE_DEAL = "duplicate_deal"
    REJECTED = "rejected"  # a rule without a code of its own: the English reason only


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportIssue:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    import_id: UUID
    dry_run: bool
    kind: IssueKind
    row_number: int  # 1-based, the header not counted
    column: str | None = None  # the header of the column (or the field) it is about
    reason: str  # in English
    # The reason as a stable code (``domain.shared.errors``' field codes or ``IssueCode``) and
    # what it names ({"max": "..."}, {"funnel": "..."}, {"row": "3"}), for the reader's language.
    code: str = INVALID_INPUT
    params: dict[str, str] = field(default_factory=dict)
    # The existing records the row matches: {"id", "name", "reasons"}; or {"row": n} for an
    # earlier row of the same file (dry run).
    matches: list[dict[str, Any]] = field(default_factory=list)
