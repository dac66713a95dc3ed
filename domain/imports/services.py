"""Import use cases: upload a spreadsheet, map its columns, check it (a dry run that writes
nothing), then run it as a job; read its progress, counts and issues.

Rows go through the clients' and deals' own use cases (acting as the person who started the
import), so permissions, visibility, events, audit entries and the relationship type hold as
for a record typed in by hand. A run commits in batches, one transaction per batch, and
remembers the last committed row: a job retried after a crash goes on from there. Duplicates
are found by the duplicate control of the clients context: tax id, then phone and e-mail, then
a similar name; and by the ``id`` column of the product's own exports."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.auth.loading import load_principal
from domain.auth.principal import Principal
from domain.clients.commands import CreateClient, NewContact, PhoneInput, UpdateClient
from domain.clients.custom_fields import (
    CustomFieldDefinition,
    FieldEntity,
    FieldType,
    validate_custom_fields,
)
from domain.clients.duplicates import (
    DuplicateCandidate,
    DuplicateHit,
    DuplicateProbe,
    DuplicateReason,
    group_hits,
)
from domain.clients.model import Client, Contact
from domain.clients.services.clients import ClientService
from domain.clients.services.loading import phone_region_for
from domain.deals.commands import CreateDeal, UpdateDeal
from domain.deals.services import DealService
from domain.funnels.model import Funnel
from domain.imports import fields as f
from domain.imports.model import (
    CELL_MAX,
    DRY_RUN_JOB,
    ISSUES_KEPT,
    RUN_JOB,
    Import,
    ImportEntity,
    ImportIssue,
    ImportStatus,
    IssueCode,
    IssueKind,
    OnDuplicate,
    SheetFormat,
    empty_counts,
)
from domain.imports.ports import SpreadsheetFiles
from domain.platform.audit import record_change
from domain.platform.model import Job
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import BLANK_CODE, INVALID_INPUT, DomainError, InvalidInput, NotFound
from domain.shared.ids import new_id
from domain.shared.scope import Scope
from domain.shared.text import clean_text
from domain.staff.permissions import Permission

# Rows per transaction. A batch's clients are checked for duplicates together (one statement
# per kind of value), and their duplicate pairs refreshed together when it commits.
BATCH = 500
Progress = Callable[[int, str | None], Awaitable[None]]
_STRONG = frozenset(
    {DuplicateReason.INN, DuplicateReason.EDRPOU, DuplicateReason.PHONE, DuplicateReason.EMAIL}
)
_USERS_PAGE = 500


@dataclass(frozen=True, slots=True)
class ImportView:
    record: Import
    fields: list[str]  # what a column can be mapped to
    suggested: dict[int, str]  # column index -> field, from the headers


def _write_permission(entity: ImportEntity) -> Permission:
    return Permission.CLIENTS_WRITE if entity is ImportEntity.CLIENTS else Permission.DEALS_WRITE


def _field_entity(entity: ImportEntity) -> FieldEntity:
    return FieldEntity.CLIENT if entity is ImportEntity.CLIENTS else FieldEntity.DEAL


class ImportService:
    def __init__(self, uow: UnitOfWork, clock: Clock, files: SpreadsheetFiles) -> None:
        self._uow = uow
        self._clock = clock
        self._files = files

    # --- the API's use cases ----------------------------------------------------------------

    async def upload(
        self,
        principal: Principal,
        *,
        entity: ImportEntity,
        filename: str | None,
        content: AsyncIterator[bytes],
        format: SheetFormat | None = None,
        encoding: str | None = None,
        delimiter: str | None = None,
    ) -> ImportView:
        principal.require(Permission.IMPORTS_RUN)
        principal.require(_write_permission(entity))
        name = clean_text(filename or "", "file", max_length=255, required=False) or "import"
        if format is None and name.lower().endswith((".xlsx", ".xlsm")):
            format = SheetFormat.XLSX
        import_id = new_id()
        key = f"{principal.organisation_id}/imports/{import_id}"
        size = await self._files.save(key, content)
        try:
            preview = await self._files.preview(
                key, filename=name, format=format, encoding=encoding, delimiter=delimiter
            )
            now = self._clock.now()
            record = Import(
                id=import_id,
                organisation_id=principal.organisation_id,
                entity=entity,
                filename=name,
                storage_key=key,
                size=size,
                format=preview.layout.format,
                created_by=principal.user_id,
                created_at=now,
                updated_at=now,
            )
            record.read_as(preview, now)
            async with self._uow as uow:
                definitions = await self._definitions(uow, principal, entity)
                suggested = f.suggest_mapping(entity, record.header, definitions)
                record.mapping = {str(k): v for k, v in suggested.items()}
                await uow.imports.add(record)
                await record_change(
                    uow,
                    principal,
                    entity_type="import",
                    entity_id=record.id,
                    action="create",
                    after=record.snapshot(),
                    at=now,
                )
                await uow.commit()
        except BaseException:
            await self._files.delete(key)
            raise
        return ImportView(record, f.field_names(entity, definitions), suggested)

    async def get(self, principal: Principal, import_id: UUID) -> ImportView:
        principal.require(Permission.IMPORTS_RUN)
        async with self._uow as uow:
            record = await self._load(uow, principal, import_id)
            return await self._view(uow, principal, record)

    async def recent(
        self, principal: Principal, *, limit: int, after: tuple[datetime, UUID] | None
    ) -> Sequence[Import]:
        principal.require(Permission.IMPORTS_RUN)
        async with self._uow as uow:
            return await uow.imports.list(principal.organisation_scope, limit=limit, after=after)

    async def set_mapping(
        self,
        principal: Principal,
        import_id: UUID,
        *,
        mapping: dict[int, str],
        on_duplicate: OnDuplicate,
        encoding: str | None = None,
        delimiter: str | None = None,
    ) -> ImportView:
        """The columns' fields and what to do with duplicates; a new encoding or delimiter
        reads the file again (its header and preview)."""
        principal.require(Permission.IMPORTS_RUN)
        async with self._uow as uow:
            record = await self._load(uow, principal, import_id, for_update=True)
            principal.require(_write_permission(record.entity))
            before = record.snapshot()
            now = self._clock.now()
            if record.format is SheetFormat.CSV and (
                (encoding and encoding != record.encoding)
                or (delimiter and delimiter != record.delimiter)
            ):
                preview = await self._files.preview(
                    record.storage_key,
                    filename=record.filename,
                    format=SheetFormat.CSV,
                    encoding=encoding or record.encoding,
                    delimiter=delimiter or record.delimiter,
                )
                record.read_as(preview, now)
            definitions = await self._definitions(uow, principal, record.entity)
            known = set(f.field_names(record.entity, definitions))
            for column, name in mapping.items():
                if name not in known:
                    raise InvalidInput(("mapping", str(column)), f"no such field: {name}")
            record.set_mapping(mapping, on_duplicate, now)
            await uow.imports.update(record)
            await record_change(
                uow,
                principal,
                entity_type="import",
                entity_id=record.id,
                action="update",
                before=before,
                after=record.snapshot(),
                at=now,
            )
            await uow.commit()
            return ImportView(
                record,
                f.field_names(record.entity, definitions),
                f.suggest_mapping(record.entity, record.header, definitions),
            )

    async def start(self, principal: Principal, import_id: UUID, *, dry_run: bool) -> ImportView:
        """Starts the dry run or the import as a job."""
        principal.require(Permission.IMPORTS_RUN)
        async with self._uow as uow:
            record = await self._load(uow, principal, import_id, for_update=True)
            principal.require(_write_permission(record.entity))
            now = self._clock.now()
            job = Job(
                organisation_id=principal.organisation_id,
                kind=DRY_RUN_JOB if dry_run else RUN_JOB,
                params={"import_id": str(record.id)},
                created_by=principal.user_id,
                created_at=now,
            )
            record.start(dry_run=dry_run, job_id=job.id, at=now)
            await uow.imports.update(record)
            await uow.enqueue(job)
            await uow.commit()
            return await self._view(uow, principal, record)

    async def cancel(self, principal: Principal, import_id: UUID) -> ImportView:
        """Asks the job to stop after its current batch (what committed stays)."""
        principal.require(Permission.IMPORTS_RUN)
        async with self._uow as uow:
            record = await self._load(uow, principal, import_id, for_update=True)
            record.cancel(self._clock.now())
            await uow.imports.update(record)
            await uow.commit()
            return await self._view(uow, principal, record)

    async def issues(
        self,
        principal: Principal,
        import_id: UUID,
        *,
        dry_run: bool,
        kind: IssueKind | None,
        limit: int,
        after: tuple[int, UUID] | None,
    ) -> Sequence[ImportIssue]:
        principal.require(Permission.IMPORTS_RUN)
        async with self._uow as uow:
            record = await self._load(uow, principal, import_id)
            return await uow.imports.issues(
                principal.organisation_scope,
                record.id,
                dry_run=dry_run,
                kind=kind,
                limit=limit,
                after=after,
            )

    async def _load(
        self, uow: UnitOfWork, principal: Principal, import_id: UUID, *, for_update: bool = False
    ) -> Import:
        record = await uow.imports.get(
            principal.organisation_scope, import_id, for_update=for_update
        )
        if record is None:
            raise NotFound("Import", import_id)
        return record

    async def _view(self, uow: UnitOfWork, principal: Principal, record: Import) -> ImportView:
        definitions = await self._definitions(uow, principal, record.entity)
        return ImportView(
            record,
            f.field_names(record.entity, definitions),
            f.suggest_mapping(record.entity, record.header, definitions),
        )

    @staticmethod
    async def _definitions(
        uow: UnitOfWork, principal: Principal, entity: ImportEntity
    ) -> list[CustomFieldDefinition]:
        return list(
            await uow.custom_fields.list(principal.organisation_scope, _field_entity(entity))
        )

    # --- the worker's use case --------------------------------------------------------------

    async def execute(
        self, organisation_id: UUID, import_id: UUID, *, progress: Progress
    ) -> dict[str, Any]:
        """Runs the dry run or the import the record is in; the counts."""
        async with self._uow as uow:
            found = await uow.imports.get(Scope.organisation_wide(organisation_id), import_id)
            if found is None or found.status not in (ImportStatus.CHECKING, ImportStatus.RUNNING):
                return {"skipped": True}
            record = found
            if record.created_by is None:
                raise InvalidInput("created_by", "the import's author is gone")
            principal = await load_principal(
                uow, record.created_by, organisation_id, clock=self._clock
            )
        try:
            return await self._execute(principal, record, progress)
        except Exception as exc:
            async with self._uow as uow:
                found = await uow.imports.get(
                    principal.organisation_scope, import_id, for_update=True
                )
                if found is not None:
                    found.fail(f"{type(exc).__name__}: {exc}", self._clock.now())
                    await uow.imports.update(found)
                    await uow.commit()
            raise

    async def _execute(
        self, principal: Principal, record: Import, progress: Progress
    ) -> dict[str, Any]:
        dry_run = record.status is ImportStatus.CHECKING
        scope = principal.organisation_scope
        async with self._uow as uow:
            context = await _RowContext.load(uow, principal, record, self._clock, dry_run=dry_run)
            if dry_run:
                await uow.imports.clear_issues(scope, record.id, dry_run=True)
                counts, start_after = empty_counts(), 0
            else:
                start_after = record.committed_rows
                counts = dict(record.result or empty_counts())
                # Issues of rows after the last commit are found again by this attempt.
                await uow.imports.delete_issues_after(
                    scope, record.id, dry_run=False, after_row=start_after
                )
            context.issues_kept = await uow.imports.count_issues(
                scope, record.id, dry_run=dry_run, after_row=0
            )
            await uow.commit()
        cancelled = False
        async with self._files.open(
            record.storage_key,
            format=record.format,
            encoding=record.encoding,
            delimiter=record.delimiter,
        ) as sheet:
            total = sheet.total
            await self._save_progress(principal, record.id, rows_total=total, rows_done=start_after)
            batch: list[tuple[int, list[str]]] = []
            async for number, cells in sheet.rows(after=start_after):
                batch.append((number, cells))
                if len(batch) >= BATCH:
                    cancelled = await self._batch(principal, record, context, batch, counts)
                    await progress(min(99, batch[-1][0] * 100 // max(total, 1)), None)
                    batch = []
                    if cancelled:
                        break
            if batch and not cancelled:
                cancelled = await self._batch(principal, record, context, batch, counts)
        async with self._uow as uow:
            found = await uow.imports.get(scope, record.id, for_update=True)
            if found is not None:
                if dry_run:
                    found.dry_run = counts
                else:
                    found.result = counts
                if not cancelled:
                    found.rows_done = found.rows_total or found.rows_done
                found.finish(at=self._clock.now(), cancelled=cancelled)
                await uow.imports.update(found)
                await uow.commit()
        return {"dry_run": dry_run, "cancelled": cancelled, **counts}

    async def _save_progress(
        self, principal: Principal, import_id: UUID, *, rows_total: int, rows_done: int
    ) -> None:
        async with self._uow as uow:
            found = await uow.imports.get(principal.organisation_scope, import_id, for_update=True)
            if found is not None:
                found.rows_total = rows_total
                found.rows_done = rows_done
                await uow.imports.update(found)
                await uow.commit()

    async def _batch(
        self,
        principal: Principal,
        record: Import,
        context: _RowContext,
        batch: list[tuple[int, list[str]]],
        counts: dict[str, int],
    ) -> bool:
        """One transaction for the batch; when something other than a row's own problem
        breaks it (the database refused a row), each row again in a transaction of its own.
        Whether the import was asked to stop."""
        try:
            return await self._commit_rows(principal, record, context, batch, counts)
        except DomainError:
            raise
        except Exception:
            if len(batch) == 1:
                raise
        cancelled = False
        for row in batch:
            try:
                cancelled = await self._commit_rows(principal, record, context, [row], counts)
            except Exception as exc:
                if isinstance(exc, DomainError):
                    raise
                tally: dict[str, int] = empty_counts()
                issue = context.error(row[0], None, "could not be saved")
                cancelled = await self._store(principal, record, context, [row], tally, [issue])
                _add(counts, tally)
        return cancelled

    async def _commit_rows(
        self,
        principal: Principal,
        record: Import,
        context: _RowContext,
        rows: list[tuple[int, list[str]]],
        counts: dict[str, int],
    ) -> bool:
        tally = empty_counts()
        issues: list[ImportIssue] = []
        async with self._uow as uow:
            await context.prepare(uow, rows)
            for number, cells in rows:
                outcome, issue = await context.process(uow, number, cells)
                tally[outcome] += 1
                if issue is not None:
                    issues.append(issue)
            await context.flush(uow)
            cancelled = await self._store(principal, record, context, rows, tally, issues)
            await uow.commit()
        _add(counts, tally)
        return cancelled

    async def _store(
        self,
        principal: Principal,
        record: Import,
        context: _RowContext,
        rows: list[tuple[int, list[str]]],
        tally: dict[str, int],
        issues: list[ImportIssue],
    ) -> bool:
        """Records what the rows did with the rows' own changes, in their transaction."""
        async with self._uow as uow:
            kept = issues[: max(0, ISSUES_KEPT - context.issues_kept)]
            context.issues_kept += len(kept)
            if kept:
                await uow.imports.add_issues(kept)
            found = await uow.imports.get(principal.organisation_scope, record.id, for_update=True)
            if found is None:
                raise NotFound("Import", record.id)
            found.rows_done = rows[-1][0]
            if context.dry_run:
                found.dry_run = _sum(found.dry_run, tally)
            else:
                found.committed_rows = rows[-1][0]
                found.result = _sum(found.result, tally)
            await uow.imports.update(found)
            await uow.commit()
            return found.cancel_requested


def _add(counts: dict[str, int], tally: dict[str, int]) -> None:
    for key, value in tally.items():
        counts[key] = counts.get(key, 0) + value


def _sum(stored: dict[str, int] | None, tally: dict[str, int]) -> dict[str, int]:
    result = dict(stored or empty_counts())
    _add(result, tally)
    return result


# --- one row ----------------------------------------------------------------------------------


class _BatchRefused(Exception):
    """Creating the batch's clients together was refused."""


class RowProblem(Exception):
    def __init__(
        self,
        field_name: str | None,
        reason: str,
        code: str = IssueCode.REJECTED,
        params: dict[str, str] | None = None,
    ) -> None:
        super().__init__(reason)
        self.field_name = field_name
        self.reason = reason
        self.code = code
        self.params = params or {}


@dataclass(slots=True)
class _RowContext:
    record: Import
    principal: Principal
    clock: Clock
    dry_run: bool
    columns: dict[int, str]  # column index -> field
    definitions: dict[str, CustomFieldDefinition]
    users_by_email: dict[str, UUID]
    users_by_name: dict[str, list[UUID]]
    funnels: list[Funnel]
    region: str
    issues_kept: int = 0
    # Dry run: identities of the rows that would be created, so a second row of the same
    # client in the file counts as its duplicate (a run finds the first in the database).
    seen: dict[str, int] = field(default_factory=dict)
    # The batch's client rows, read and checked against the database at once (prepare).
    prepared: dict[int, tuple[_ClientRow, list[DuplicateHit]]] = field(default_factory=dict)
    # Run: the clients the batch created so far, by identity key (_identity), as the matches
    # of a later row of the batch (the database check ran before they existed).
    created: dict[str, DuplicateHit] = field(default_factory=dict)
    # Run of a batch of rows: the clients to create, together, when its rows are through.
    pending: list[tuple[UUID, CreateClient]] = field(default_factory=list)
    bulk: bool = False

    @classmethod
    async def load(
        cls, uow: UnitOfWork, principal: Principal, record: Import, clock: Clock, *, dry_run: bool
    ) -> _RowContext:
        scope = principal.organisation_scope
        definitions = await uow.custom_fields.list(scope, _field_entity(record.entity))
        by_email: dict[str, UUID] = {}
        by_name: dict[str, list[UUID]] = {}
        after: tuple[str, UUID] | None = None
        while True:
            page = await uow.users.list(scope, limit=_USERS_PAGE, after=after, is_active=True)
            for user in page:
                by_email[user.email.lower()] = user.id
                by_name.setdefault(f.fold(user.full_name), []).append(user.id)
            if len(page) < _USERS_PAGE:
                break
            after = (page[-1].full_name, page[-1].id)
        return cls(
            record=record,
            principal=principal,
            clock=clock,
            dry_run=dry_run,
            columns={int(k): v for k, v in record.mapping.items()},
            definitions={d.key: d for d in definitions},
            users_by_email=by_email,
            users_by_name=by_name,
            funnels=list(await uow.funnels.list(scope))
            if record.entity is ImportEntity.DEALS
            else [],
            region=await phone_region_for(uow, principal, None),
        )

    def header_of(self, field_name: str | None) -> str | None:
        if field_name is None:
            return None
        for index, name in self.columns.items():
            if name == field_name:
                header = self.record.header[index] if index < len(self.record.header) else ""
                return header or f"#{index + 1}"
        return field_name

    def error(
        self,
        row: int,
        field_name: str | None,
        reason: str,
        code: str = IssueCode.REJECTED,
        params: Mapping[str, str] | None = None,
    ) -> ImportIssue:
        return ImportIssue(
            organisation_id=self.record.organisation_id,
            import_id=self.record.id,
            dry_run=self.dry_run,
            kind=IssueKind.ERROR,
            row_number=row,
            column=self.header_of(field_name),
            reason=reason[:1000],
            code=str(code),
            params={str(k): str(v)[:200] for k, v in (params or {}).items()},
        )

    def duplicate(
        self,
        row: int,
        reason: str,
        matches: list[dict[str, Any]],
        code: IssueCode,
        params: dict[str, str] | None = None,
    ) -> ImportIssue:
        return ImportIssue(
            organisation_id=self.record.organisation_id,
            import_id=self.record.id,
            dry_run=self.dry_run,
            kind=IssueKind.DUPLICATE,
            row_number=row,
            reason=reason,
            code=str(code),
            params=params or {},
            matches=matches[:20],
        )

    def values(self, cells: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for index, name in self.columns.items():
            if index < len(cells):
                text = cells[index][:CELL_MAX].strip()
                if text:
                    found[name] = text
        return found

    async def prepare(self, uow: UnitOfWork, rows: list[tuple[int, list[str]]]) -> None:
        """Reads the batch's client rows and finds their duplicates among the existing
        clients in one go; a row that does not read is left to ``process`` to report."""
        self.prepared, self.created, self.pending = {}, {}, []
        self.bulk = len(rows) > 1 and not self.dry_run
        if self.record.entity is not ImportEntity.CLIENTS:
            return
        for number, cells in rows:
            values = self.values(cells)
            if not values:
                continue
            try:
                self.prepared[number] = (self._client_row(values), [])
            except (RowProblem, DomainError):
                continue
        probes = [
            DuplicateProbe(
                key=number,
                name_key=parsed.probe.name_key,
                phones=tuple(parsed.phones),
                emails=tuple(parsed.emails),
                inn=parsed.probe.inn,
                edrpou=parsed.probe.edrpou,
            )
            for number, (parsed, _) in self.prepared.items()
        ]
        if probes:
            hits = await uow.clients.find_duplicates_many(self.principal.organisation_id, probes)
            for number, found in hits.items():
                self.prepared[number][1].extend(found)

    async def flush(self, uow: UnitOfWork) -> None:
        """Creates the clients the batch's rows decided on so far."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        try:
            await ClientService(uow, self.clock).create_many(self.principal, pending)
        except DomainError as exc:
            # Whose row it was the batch cannot tell: ``_batch`` goes through its rows again,
            # one by one, which creates each client on its own.
            raise _BatchRefused(str(exc)) from exc

    async def process(
        self, uow: UnitOfWork, row: int, cells: list[str]
    ) -> tuple[str, ImportIssue | None]:
        """What the row did ("created", "updated", ...) and its issue, if any."""
        values = self.values(cells)
        if not values:
            return "skipped", None
        try:
            if self.record.entity is ImportEntity.CLIENTS:
                return await self._client(uow, row, values)
            return await self._deal(uow, row, values)
        except RowProblem as problem:
            return "errors", self.error(
                row, problem.field_name, problem.reason, problem.code, problem.params
            )
        except InvalidInput as exc:
            p = exc.problems[0] if exc.problems else None
            name = str(p.loc[0]) if p and p.loc else None
            if name == "custom_fields" and p and len(p.loc) > 1:
                name = f.CUSTOM_PREFIX + str(p.loc[1])
            if p is None:
                return "errors", self.error(row, None, str(exc))
            code = IssueCode.REJECTED if p.code == INVALID_INPUT else p.code
            return "errors", self.error(row, _known(name, values), p.msg, code, p.ctx)
        except DomainError as exc:
            return "errors", self.error(row, None, str(exc) or exc.title)

    # --- shared parsing

    def _responsible(self, values: dict[str, str]) -> UUID | None:
        text = values.get("responsible")
        if text is None:
            return None
        found = self.users_by_email.get(text.lower())
        if found is not None:
            return found
        named = self.users_by_name.get(f.fold(text), [])
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            raise RowProblem(
                "responsible",
                "several people have this name; use the e-mail",
                IssueCode.AMBIGUOUS_USER,
            )
        raise RowProblem(
            "responsible", "no active user with this e-mail or name", IssueCode.UNKNOWN_USER
        )

    def _custom(self, values: dict[str, str]) -> dict[str, object]:
        custom: dict[str, object] = {}
        for name, text in values.items():
            if not name.startswith(f.CUSTOM_PREFIX):
                continue
            key = name[len(f.CUSTOM_PREFIX) :]
            definition = self.definitions.get(key)
            if definition is None:
                continue
            if definition.type is FieldType.NUMBER:
                custom[key] = f.number(text, name)
            elif definition.type is FieldType.DATE:
                custom[key] = f.day(text, name).isoformat()
            elif definition.type is FieldType.MONEY:
                amount, currency = f.money(text, name)
                if currency is None:
                    raise RowProblem(
                        name,
                        "write the currency after the amount: 1500 RUB",
                        IssueCode.MONEY_WITHOUT_CURRENCY,
                    )
                custom[key] = {"amount": str(amount), "currency": currency}
            else:
                custom[key] = text
        return validate_custom_fields(self.definitions.values(), custom) if custom else {}

    # --- clients

    def _client_command(self, values: dict[str, str], responsible: UUID | None) -> CreateClient:
        name = values.get("name")
        names = f.split_list(values.get("contact_name", ""))
        if name is None:
            if not names:
                raise RowProblem("name", "is required", BLANK_CODE)
            name = names[0]
        phones = [PhoneInput(number=p) for p in f.split_list(values.get("phones", ""))]
        emails = f.split_list(values.get("emails", ""))
        contacts: list[NewContact] = []
        for index, contact_name in enumerate(names or ([name] if phones or emails else [])):
            contacts.append(
                NewContact(
                    full_name=contact_name,
                    position=values.get("contact_position") if index == 0 else None,
                    phones=phones if index == 0 else (),
                    emails=emails if index == 0 else (),
                    is_primary=index == 0,
                )
            )
        return CreateClient(
            name=name,
            kind=f.kind(values["kind"], "kind") if "kind" in values else f.kind("company", "kind"),
            legal_name=values.get("legal_name"),
            inn=values.get("inn"),
            kpp=values.get("kpp"),
            ogrn=values.get("ogrn"),
            edrpou=values.get("edrpou"),
            sector=values.get("sector"),
            segment_tags=f.split_list(values.get("segment_tags", "")),
            source_channel=values.get("source_channel"),
            source_campaign=values.get("source_campaign"),
            temperature=f.temperature(values["temperature"], "temperature")
            if "temperature" in values
            else f.temperature("cold", "temperature"),
            responsible_id=responsible,
            custom_fields=self._custom(values),
            notes=values.get("notes"),
            contacts=contacts,
        )

    def _client_row(self, values: dict[str, str]) -> _ClientRow:
        """The row as a client command, and its values as the client would store them (tax
        ids, phones in E.164, the name key) for the duplicate control."""
        principal = self.principal
        responsible = self._responsible(values)
        command = self._client_command(values, responsible)
        now = self.clock.now()
        # The values as the client would store them (tax ids, phones in E.164, the name key),
        # for the duplicate control.
        probe = Client.create(
            command,
            organisation_id=principal.organisation_id,
            responsible_id=responsible or principal.user_id or new_id(),
            custom_fields=command.custom_fields,
            at=now,
            by=principal.user_id,
        )
        phones: list[str] = []
        emails: list[str] = []
        for index, contact in enumerate(command.contacts):
            try:
                made = Contact.create(
                    contact,
                    organisation_id=principal.organisation_id,
                    client_id=probe.id,
                    region=self.region,
                    at=now,
                    by=principal.user_id,
                )
            except InvalidInput as exc:
                loc = exc.problems[0].loc if exc.problems else ()
                name = "emails" if loc and loc[0] == "emails" else "phones"
                if index > 0 or not loc or loc[0] not in ("phones", "emails"):
                    name = "contact_name"
                first = exc.problems[0] if exc.problems else None
                raise RowProblem(
                    name,
                    first.msg if first else str(exc),
                    first.code if first and first.code != INVALID_INPUT else IssueCode.REJECTED,
                    dict(first.ctx) if first else None,
                ) from None
            phones += [p.e164 for p in made.phones]
            emails += list(made.emails)
        return _ClientRow(command, probe, phones, emails)

    async def _client(
        self, uow: UnitOfWork, row: int, values: dict[str, str]
    ) -> tuple[str, ImportIssue | None]:
        principal = self.principal
        prepared = self.prepared.pop(row, None)
        if prepared is None:
            parsed = self._client_row(values)
            hits = list(
                await uow.clients.find_duplicates(
                    principal.organisation_id,
                    name_key=parsed.probe.name_key,
                    phones=parsed.phones,
                    emails=parsed.emails,
                    inn=parsed.probe.inn,
                    edrpou=parsed.probe.edrpou,
                    exclude_id=None,
                )
            )
        else:
            parsed, hits = prepared
        command, probe = parsed.command, parsed.probe
        keys = _identity(probe, parsed.phones, parsed.emails)
        # Equal values of a client created earlier in this batch.
        hits += [self.created[k] for k in keys if k in self.created]
        target: UUID | None = None
        if "id" in values:
            target = await self._existing_client(uow, values["id"])
        candidates = group_hits(hits)
        if target is None and not candidates:
            earlier = next((self.seen[k] for k in keys if k in self.seen), None)
            if self.dry_run:
                for k in keys:
                    self.seen.setdefault(k, row)
                if earlier is not None:
                    return self._duplicate_of_row(row, earlier)
                return "created", None
            if self.bulk:
                client_id = new_id()
                self.pending.append((client_id, command))
                name = probe.name
                responsible_id = command.responsible_id or principal.user_id
            else:
                view = await ClientService(uow, self.clock).create(
                    principal, command, confirm_duplicate=True
                )
                client_id, name = view.client.id, view.client.name
                responsible_id = view.client.responsible_id
            for k in keys:
                self.created.setdefault(
                    k,
                    DuplicateHit(
                        id=client_id,
                        name=name,
                        responsible_id=responsible_id,
                        reason=_KEY_REASONS[k.split(":", 1)[0]],
                    ),
                )
            return "created", None
        mode = self.record.on_duplicate
        if mode is OnDuplicate.SKIP:
            return "skipped", None
        strong = [c for c in candidates if set(c.reasons) & _STRONG]
        if target is None and len(strong) == 1:
            target = strong[0].id
        if mode is OnDuplicate.FLAG or target is None:
            if mode is OnDuplicate.FLAG:
                reason, code = "matches an existing client", IssueCode.DUPLICATE_CLIENT
            else:
                reason = "matches several clients, or only by a similar name: not updated"
                code = IssueCode.DUPLICATE_UNCLEAR
            return "duplicates", self.duplicate(row, reason, _matches(candidates, target), code)
        await self.flush(uow)  # the client to update may be one the batch creates
        update = await self._client_changes(uow, target, values, command)
        if update is None:
            return "unchanged", None
        if not self.dry_run:
            await ClientService(uow, self.clock).update(
                principal, target, update, confirm_duplicate=True
            )
        return "updated", None

    async def _existing_client(self, uow: UnitOfWork, text: str) -> UUID | None:
        try:
            client_id = UUID(text)
        except ValueError:
            raise RowProblem("id", "is not an id of this CRM", IssueCode.UNKNOWN_ID) from None
        try:
            view = await ClientService(uow, self.clock).get(self.principal, client_id)
        except NotFound:
            return None
        return view.client.id

    async def _client_changes(
        self, uow: UnitOfWork, client_id: UUID, values: dict[str, str], command: CreateClient
    ) -> UpdateClient | None:
        """The fields the row fills with other values than the client's; an empty cell changes
        nothing."""
        client = (await ClientService(uow, self.clock).get(self.principal, client_id)).client
        changes: dict[str, Any] = {}
        simple = (
            "name",
            "legal_name",
            "inn",
            "kpp",
            "ogrn",
            "edrpou",
            "sector",
            "source_channel",
            "source_campaign",
            "notes",
        )
        for name in simple:
            if name in values and getattr(command, name) != getattr(client, name):
                # Compare as stored: the probe normalised tax ids and names.
                changes[name] = getattr(command, name)
        if "kind" in values and command.kind != client.kind:
            changes["kind"] = command.kind
        if "temperature" in values and command.temperature != client.temperature:
            changes["temperature"] = command.temperature
        if "segment_tags" in values and list(command.segment_tags) != list(client.segment_tags):
            changes["segment_tags"] = list(command.segment_tags)
        if command.responsible_id is not None and command.responsible_id != client.responsible_id:
            changes["responsible_id"] = command.responsible_id
        custom = {
            k: v for k, v in command.custom_fields.items() if client.custom_fields.get(k) != v
        }
        if custom:
            changes["custom_fields"] = custom
        if changes:
            probe = Client.create(
                CreateClient(**{**_command_fields(command), **changes}),
                organisation_id=client.organisation_id,
                responsible_id=client.responsible_id,
                custom_fields={},
                at=self.clock.now(),
                by=None,
            )
            # Only what differs once normalised (ИНН with spaces, a name's extra spaces).
            changes = {
                k: v
                for k, v in changes.items()
                if k in ("responsible_id", "custom_fields", "segment_tags")
                or getattr(probe, k) != getattr(client, k)
            }
        return UpdateClient(**changes) if changes else None

    def _duplicate_of_row(self, row: int, earlier: int) -> tuple[str, ImportIssue | None]:
        mode = self.record.on_duplicate
        if mode is OnDuplicate.SKIP:
            return "skipped", None
        if mode is OnDuplicate.UPDATE:
            return "updated", None
        return "duplicates", self.duplicate(
            row,
            f"repeats row {earlier} of this file",
            [{"row": earlier}],
            IssueCode.DUPLICATE_ROW,
            {"row": str(earlier)},
        )

    # --- deals

    def _stage(self, values: dict[str, str]) -> tuple[UUID | None, UUID | None]:
        funnel: Funnel | None = None
        if "funnel" in values:
            funnel = next(
                (x for x in self.funnels if f.fold(x.name) == f.fold(values["funnel"])), None
            )
            if funnel is None:
                raise RowProblem("funnel", "no funnel of this name", IssueCode.UNKNOWN_FUNNEL)
        elif "stage" in values:
            funnel = next((x for x in self.funnels if x.is_default), None) or (
                self.funnels[0] if self.funnels else None
            )
        if "stage" not in values:
            return (funnel.id if funnel else None), None
        assert funnel is not None
        stage = next((s for s in funnel.stages if f.fold(s.name) == f.fold(values["stage"])), None)
        if stage is None:
            raise RowProblem(
                "stage",
                f"no stage of this name in the funnel {funnel.name}",
                IssueCode.UNKNOWN_STAGE,
                {"funnel": funnel.name},
            )
        return funnel.id, stage.id

    async def _deal_client(
        self, uow: UnitOfWork, values: dict[str, str]
    ) -> tuple[UUID | None, CreateClient | None]:
        """The deal's client: by tax id, else by its name; or the client to create."""
        name = values.get("client")
        inn = values.get("client_inn")
        if name is None and inn is None:
            raise RowProblem("client", "is required", BLANK_CODE)
        command = CreateClient(
            name=name or inn or "",
            inn=inn if inn and len(inn) != 8 else None,
            edrpou=inn if inn and len(inn) == 8 else None,
        )
        probe = Client.create(
            command,
            organisation_id=self.principal.organisation_id,
            responsible_id=self.principal.user_id or new_id(),
            custom_fields={},
            at=self.clock.now(),
            by=None,
        )
        hits = await uow.clients.find_duplicates(
            self.principal.organisation_id,
            name_key=probe.name_key if name else None,
            phones=[],
            emails=[],
            inn=probe.inn,
            edrpou=probe.edrpou,
            exclude_id=None,
        )
        by_tax = [h for h in hits if h.reason in (DuplicateReason.INN, DuplicateReason.EDRPOU)]
        if by_tax:
            return by_tax[0].id, None
        same = [h for h in hits if name and f.fold(h.name) == f.fold(name)]
        if same:
            return same[0].id, None
        return None, command

    def _deal_fields(self, values: dict[str, str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if "title" in values:
            found["title"] = values["title"]
        if "amount" in values:
            amount, currency = f.money(values["amount"], "amount")
            found["amount"] = amount
            if currency:
                found["currency"] = currency
        if "currency" in values:
            found["currency"] = f.currency(values["currency"], "currency")
        if "expected_margin" in values:
            found["expected_margin"] = f.money(values["expected_margin"], "expected_margin")[0]
        for name in ("source_channel", "source_campaign"):
            if name in values:
                found[name] = values[name]
        if "expected_close_date" in values:
            found["expected_close_date"] = f.day(
                values["expected_close_date"], "expected_close_date"
            )
        custom = self._custom(values)
        if custom:
            found["custom_fields"] = custom
        return found

    async def _deal(
        self, uow: UnitOfWork, row: int, values: dict[str, str]
    ) -> tuple[str, ImportIssue | None]:
        principal = self.principal
        responsible = self._responsible(values)
        found = self._deal_fields(values)
        service = DealService(uow, self.clock)
        if "id" in values:
            try:
                deal_id = UUID(values["id"])
            except ValueError:
                raise RowProblem("id", "is not an id of this CRM", IssueCode.UNKNOWN_ID) from None
            try:
                deal = (await service.get(principal, deal_id)).deal
            except NotFound:
                deal = None
            if deal is not None:
                mode = self.record.on_duplicate
                if mode is OnDuplicate.SKIP:
                    return "skipped", None
                if mode is OnDuplicate.FLAG:
                    match = {"id": str(deal.id), "name": deal.title, "reasons": ["id"]}
                    return "duplicates", self.duplicate(
                        row, "matches an existing deal", [match], IssueCode.DUPLICATE_DEAL
                    )
                if responsible is not None:
                    found["responsible_id"] = responsible
                changes = {
                    k: v
                    for k, v in found.items()
                    if (
                        {**deal.custom_fields, **v} != deal.custom_fields
                        if k == "custom_fields"
                        else getattr(deal, k) != v
                    )
                }
                if not changes:
                    return "unchanged", None
                if not self.dry_run:
                    await service.update(principal, deal.id, UpdateDeal(**changes))
                return "updated", None
        if "title" not in found:
            raise RowProblem("title", "is required", BLANK_CODE)
        funnel_id, stage_id = self._stage(values)
        client_id, new_client = await self._deal_client(uow, values)
        if self.dry_run:
            return "created", None
        if client_id is None:
            assert new_client is not None
            view = await ClientService(uow, self.clock).create(
                principal,
                CreateClient(
                    name=new_client.name,
                    inn=new_client.inn,
                    edrpou=new_client.edrpou,
                    responsible_id=responsible,
                ),
                confirm_duplicate=True,
            )
            client_id = view.client.id
        await service.create(
            principal,
            CreateDeal(
                client_id=client_id,
                funnel_id=funnel_id,
                stage_id=stage_id,
                responsible_id=responsible,
                **found,
            ),
        )
        return "created", None


def _known(name: str | None, values: dict[str, str]) -> str | None:
    if name is None:
        return None
    if name in values:
        return name
    if name in ("contacts",):
        return "contact_name"
    return name


@dataclass(frozen=True, slots=True)
class _ClientRow:
    command: CreateClient
    probe: Client  # the values as stored, never saved
    phones: list[str]
    emails: list[str]


_KEY_REASONS = {
    "phone": DuplicateReason.PHONE,
    "email": DuplicateReason.EMAIL,
    "inn": DuplicateReason.INN,
    "edrpou": DuplicateReason.EDRPOU,
    "name": DuplicateReason.NAME,
}


def _identity(client: Client, phones: list[str], emails: list[str]) -> list[str]:
    keys = [f"phone:{p}" for p in phones] + [f"email:{e}" for e in emails]
    if client.inn:
        keys.append(f"inn:{client.inn}")
    if client.edrpou:
        keys.append(f"edrpou:{client.edrpou}")
    if client.name_key:
        keys.append(f"name:{client.name_key}")
    return keys


def _matches(candidates: Sequence[DuplicateCandidate], target: UUID | None) -> list[dict[str, Any]]:
    found = [c.as_dict() for c in candidates]
    if target is not None and all(c.id != target for c in candidates):
        found.insert(0, {"id": str(target), "name": "", "reasons": ["id"]})
    return found


def _command_fields(command: CreateClient) -> dict[str, Any]:
    return {
        name: getattr(command, name)
        for name in (
            "name",
            "kind",
            "legal_name",
            "inn",
            "kpp",
            "ogrn",
            "edrpou",
            "sector",
            "segment_tags",
            "source_channel",
            "source_campaign",
            "temperature",
            "notes",
        )
    }
