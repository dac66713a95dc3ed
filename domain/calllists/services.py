"""Call list use cases.

Heads (call_lists:manage) create lists, fill them from a client filter, a segment or an
uploaded list, assign telemarketers and follow the progress; a telemarketer (call_lists:work)
sees only the lists assigned to them and works them: "next" leases a number, an outcome
closes it or makes it due again. Another organisation's list, or one the caller does not
work, is not found.

An interested number is a qualified lead handed to sales the way an inbound request is
(``domain.intake.matching.take_in``): its client found by the phone or created, a deal opened
in the list's funnel (or the default one) for whom distribution chooses, the lead recorded in
the lead inbox. Each outcome on a known client is a call on the client's timeline.
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.activities.model import Activity, ActivityKind, Direction
from domain.auth.principal import Principal
from domain.calllists.events import CallListLeadQualified
from domain.calllists.model import (
    LEASE,
    MAX_ITEMS,
    AgentProgress,
    BuildReport,
    CallItem,
    CallList,
    CallListStatus,
    ItemCard,
    Outcome,
    Progress,
    RetryPolicy,
)
from domain.calllists.ports import ItemFilter
from domain.calllists.sources import client_filter, columns_of, read_entries, segment_filter
from domain.clients.custom_fields import FieldEntity
from domain.clients.ports import ClientFilter
from domain.clients.services.loading import phone_region_for
from domain.imports.model import SheetFormat
from domain.imports.ports import SpreadsheetFiles
from domain.intake.lead_inbox import LeadKind
from domain.intake.matching import take_in
from domain.intake.model import Form, InboxItem, Source
from domain.platform.audit import record_change
from domain.platform.model import Job
from domain.platform.ports import UnitOfWork
from domain.platform.saved_filters import SavedFilterList
from domain.shared.clock import Clock
from domain.shared.errors import InvalidInput, NotFound, PermissionDenied, PreconditionFailed
from domain.shared.ids import new_id
from domain.shared.patch import UNSET, Patch
from domain.staff.permissions import Permission, Resource
from domain.staff.services.colleagues import require_active_colleague

BUILD_JOB = "call_lists.build"
# Rows added per statement (and per progress report) of an uploaded list.
BATCH = 1000
LEAD_SOURCE = "call_list"
_SUBJECTS = {
    Outcome.NO_ANSWER: "Обзвон: не ответил",
    Outcome.CALL_BACK: "Обзвон: перезвонить",
    Outcome.WRONG_NUMBER: "Обзвон: неверный номер",
    Outcome.NOT_INTERESTED: "Обзвон: не интересно",
    Outcome.INTERESTED: "Обзвон: заинтересован",
}
ProgressReport = Callable[[int, str | None], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class CallListView:
    call_list: CallList
    progress: Progress


@dataclass(frozen=True, slots=True)
class NewCallList:
    name: str
    description: str | None = None
    assignee_ids: tuple[UUID, ...] = ()
    funnel_id: UUID | None = None
    script_id: UUID | None = None
    max_attempts: int = 3
    retry_interval_minutes: int = 120


@dataclass(frozen=True, slots=True)
class CallListChanges:
    name: Patch[str] = UNSET
    description: Patch[str | None] = UNSET
    assignee_ids: Patch[tuple[UUID, ...]] = UNSET
    funnel_id: Patch[UUID | None] = UNSET
    script_id: Patch[UUID | None] = UNSET
    max_attempts: Patch[int] = UNSET
    retry_interval_minutes: Patch[int] = UNSET
    status: Patch[CallListStatus] = UNSET


@dataclass(frozen=True, slots=True)
class ClientSource:
    """Exactly one: the clients list's query string, a saved filter of the caller's, or a
    segment's tags."""

    query: str | None = None
    saved_filter_id: UUID | None = None
    tags: tuple[str, ...] = ()


def _require_reader(principal: Principal) -> None:
    if not (
        principal.can(Permission.CALL_LISTS_MANAGE) or principal.can(Permission.CALL_LISTS_WORK)
    ):
        raise PermissionDenied("This requires the permission call_lists:work or call_lists:manage")


def _manages(principal: Principal) -> bool:
    return principal.can(Permission.CALL_LISTS_MANAGE)


def _caller(principal: Principal) -> UUID:
    if principal.user_id is None:
        raise PermissionDenied("Only a person calls numbers")
    return principal.user_id


async def _load(
    uow: UnitOfWork, principal: Principal, list_id: UUID, *, for_update: bool = False
) -> CallList:
    _require_reader(principal)
    found = await uow.call_lists.get(principal.organisation_id, list_id, for_update=for_update)
    if found is None or not (_manages(principal) or found.is_worked_by(principal.user_id)):
        raise NotFound("Call list", list_id)
    return found


async def _managed(
    uow: UnitOfWork, principal: Principal, list_id: UUID, expected_version: int | None = None
) -> CallList:
    found = await _load(uow, principal, list_id, for_update=True)
    principal.require(Permission.CALL_LISTS_MANAGE)
    if expected_version is not None and expected_version != found.version:
        raise PreconditionFailed("The call list changed since you read it")
    return found


async def _check_references(uow: UnitOfWork, principal: Principal, call_list: CallList) -> None:
    for index, user_id in enumerate(call_list.assignee_ids):
        await require_active_colleague(uow, principal, user_id, ("assignee_ids", index))
    if call_list.funnel_id is not None:
        funnel = await uow.funnels.get(principal.organisation_scope, call_list.funnel_id)
        if funnel is None:
            raise InvalidInput("funnel_id", "no such funnel")
    if call_list.script_id is not None:
        script = await uow.call_scripts.get(principal.organisation_id, call_list.script_id)
        if script is None:
            raise InvalidInput("script_id", "no such call script")


class CallListService:
    def __init__(
        self, uow: UnitOfWork, clock: Clock, files: SpreadsheetFiles | None = None
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._files = files

    # --- lists ----------------------------------------------------------------------------

    async def list(
        self,
        principal: Principal,
        *,
        status: CallListStatus | None,
        limit: int,
        after: tuple[datetime, UUID] | None,
    ) -> Sequence[CallListView]:
        _require_reader(principal)
        async with self._uow as uow:
            found = await uow.call_lists.list(
                principal.organisation_id,
                worked_by=None if _manages(principal) else _caller(principal),
                status=status,
                limit=limit,
                after=after,
            )
            progress = await uow.call_lists.progress(
                principal.organisation_id, [c.id for c in found], self._clock.now()
            )
        return [CallListView(c, progress.get(c.id, Progress())) for c in found]

    async def get(self, principal: Principal, list_id: UUID) -> CallListView:
        async with self._uow as uow:
            found = await _load(uow, principal, list_id)
            progress = await uow.call_lists.progress(
                principal.organisation_id, [found.id], self._clock.now()
            )
        return CallListView(found, progress.get(found.id, Progress()))

    async def create(self, principal: Principal, new: NewCallList) -> CallListView:
        principal.require(Permission.CALL_LISTS_MANAGE)
        now = self._clock.now()
        call_list = CallList(
            organisation_id=principal.organisation_id,
            name=new.name,
            description=new.description,
            assignee_ids=new.assignee_ids,
            funnel_id=new.funnel_id,
            script_id=new.script_id,
            retry=RetryPolicy(new.max_attempts, new.retry_interval_minutes),
            created_by=principal.user_id,
            created_at=now,
            updated_at=now,
        )
        async with self._uow as uow:
            await _check_references(uow, principal, call_list)
            await uow.call_lists.add(call_list)
            await record_change(
                uow,
                principal,
                entity_type="call_list",
                entity_id=call_list.id,
                action="create",
                after=call_list.snapshot(),
                at=now,
            )
            await uow.commit()
        return CallListView(call_list, Progress())

    async def update(
        self,
        principal: Principal,
        list_id: UUID,
        changes: CallListChanges,
        *,
        expected_version: int | None = None,
    ) -> CallListView:
        now = self._clock.now()
        async with self._uow as uow:
            call_list = await _managed(uow, principal, list_id, expected_version)
            before = call_list.snapshot()
            if changes.name is not UNSET:
                call_list.name = changes.name
            if changes.description is not UNSET:
                call_list.description = changes.description
            if changes.assignee_ids is not UNSET:
                call_list.assign(changes.assignee_ids)
            if changes.funnel_id is not UNSET:
                call_list.funnel_id = changes.funnel_id
            if changes.script_id is not UNSET:
                call_list.script_id = changes.script_id
            if changes.max_attempts is not UNSET or changes.retry_interval_minutes is not UNSET:
                call_list.retry = RetryPolicy(
                    call_list.retry.max_attempts
                    if changes.max_attempts is UNSET
                    else changes.max_attempts,
                    call_list.retry.interval_minutes
                    if changes.retry_interval_minutes is UNSET
                    else changes.retry_interval_minutes,
                )
            call_list.__post_init__()  # the name and description rules again
            if changes.status is not UNSET:
                call_list.move_to(changes.status)
            if (
                changes.assignee_ids is not UNSET
                or changes.funnel_id is not UNSET
                or changes.script_id is not UNSET
            ):
                await _check_references(uow, principal, call_list)
            call_list.updated_at = now
            await uow.call_lists.update(call_list)
            await record_change(
                uow,
                principal,
                entity_type="call_list",
                entity_id=call_list.id,
                action="update",
                before=before,
                after=call_list.snapshot(),
                at=now,
            )
            await uow.commit()
            progress = await uow.call_lists.progress(principal.organisation_id, [call_list.id], now)
        return CallListView(call_list, progress.get(call_list.id, Progress()))

    # --- building -------------------------------------------------------------------------

    async def add_clients(
        self, principal: Principal, list_id: UUID, source: ClientSource
    ) -> BuildReport:
        """The primary phone of every client the filter or segment selects, as the caller's
        clients list shows them, in one statement."""
        principal.require(Permission.CLIENTS_READ)
        given = sum(
            (source.query is not None, source.saved_filter_id is not None, bool(source.tags))
        )
        if given != 1:
            raise InvalidInput("source", "give one of query, saved_filter_id or tags")
        now = self._clock.now()
        async with self._uow as uow:
            call_list = await _managed(uow, principal, list_id)
            call_list.require_buildable()
            filters = await self._client_filter(uow, principal, source)
            room = MAX_ITEMS - await uow.call_lists.count_items(principal.organisation_id, list_id)
            added = await uow.call_lists.add_clients(
                principal.scope_for(Resource.CLIENTS),
                list_id,
                filters,
                limit=max(room, 0),
                at=now,
            )
            report = BuildReport(added=added.added, duplicates=added.matched - added.added)
            call_list.build = {**report.as_json(), "source": "clients", "at": now.isoformat()}
            await uow.call_lists.update(call_list)
            await uow.commit()
        return report

    async def _client_filter(
        self, uow: UnitOfWork, principal: Principal, source: ClientSource
    ) -> ClientFilter:
        if source.tags:
            return segment_filter(source.tags)
        query = source.query
        if source.saved_filter_id is not None:
            saved = await uow.saved_filters.get(
                principal.organisation_id, _caller(principal), source.saved_filter_id
            )
            if saved is None or saved.list is not SavedFilterList.CLIENTS:
                raise InvalidInput("saved_filter_id", "no such saved filter of the clients list")
            query = saved.query
        definitions = await uow.custom_fields.list(principal.organisation_scope, FieldEntity.CLIENT)
        return client_filter(query or "", definitions)

    async def add_entries(
        self, principal: Principal, list_id: UUID, rows: Sequence[tuple[str, str | None]]
    ) -> BuildReport:
        """Numbers given as a JSON array: normalised, one item per phone."""
        if len(rows) > MAX_ITEMS:
            raise InvalidInput("entries", f"at most {MAX_ITEMS} numbers")
        now = self._clock.now()
        report = BuildReport()
        async with self._uow as uow:
            call_list = await _managed(uow, principal, list_id)
            call_list.require_buildable()
            region = await phone_region_for(uow, principal, None)
            entries = read_entries(
                ((i, phone, name) for i, (phone, name) in enumerate(rows)), report, region=region
            )
            room = MAX_ITEMS - await uow.call_lists.count_items(principal.organisation_id, list_id)
            if len(entries) > room:
                report.truncated = len(entries) - max(room, 0)
                entries = entries[: max(room, 0)]
            for start in range(0, len(entries), BATCH):
                chunk = entries[start : start + BATCH]
                added = await uow.call_lists.add_entries(
                    principal.organisation_id, list_id, chunk, now
                )
                report.added += added
                report.duplicates += len(chunk) - added
            call_list.build = {**report.as_json(), "source": "entries", "at": now.isoformat()}
            await uow.call_lists.update(call_list)
            await uow.commit()
        return report

    async def upload(
        self,
        principal: Principal,
        list_id: UUID,
        *,
        filename: str | None,
        content: AsyncIterator[bytes],
    ) -> Job:
        """A CSV or XLSX file of phones (and names): stored, then added by a job."""
        files = self._require_files()
        async with self._uow as uow:
            call_list = await _managed(uow, principal, list_id)
            call_list.require_buildable()
        name = (filename or "list.csv")[:255]
        key = f"{principal.organisation_id}/call-lists/{list_id}/{new_id()}"
        await files.save(key, content)
        try:
            fmt = SheetFormat.XLSX if name.lower().endswith((".xlsx", ".xlsm")) else None
            preview = await files.preview(
                key, filename=name, format=fmt, encoding=None, delimiter=None
            )
            now = self._clock.now()
            async with self._uow as uow:
                call_list = await _managed(uow, principal, list_id)
                job = Job(
                    organisation_id=principal.organisation_id,
                    kind=BUILD_JOB,
                    params={
                        "call_list_id": str(list_id),
                        "key": key,
                        "format": preview.layout.format.value,
                        "encoding": preview.layout.encoding,
                        "delimiter": preview.layout.delimiter,
                        "header": list(preview.header),
                        "region": await phone_region_for(uow, principal, None),
                    },
                    created_by=principal.user_id,
                    created_at=now,
                )
                call_list.build = {"source": "upload", "job_id": str(job.id), "at": now.isoformat()}
                await uow.call_lists.update(call_list)
                await uow.enqueue(job)
                await uow.commit()
        except BaseException:
            await files.delete(key)
            raise
        return job

    async def build_from_upload(
        self, organisation_id: UUID, params: dict[str, Any], progress: ProgressReport
    ) -> dict[str, Any]:
        """The worker's half of an upload: reads the file row by row, adds its numbers in
        batches (a retried job adds nothing twice: a number already there is skipped)."""
        files = self._require_files()
        list_id = UUID(params["call_list_id"])
        header: list[str] = list(params.get("header") or [])
        phone_col, name_col = columns_of(header)
        report = BuildReport()
        seen: set[str] = set()
        # A file without a header row: its first row is a number too.
        pending: list[tuple[int, str, str | None]] = []
        if header and _looks_like_phone(header[phone_col] if phone_col < len(header) else ""):
            pending.append((1, header[phone_col], _cell(header, name_col)))
        async with self._uow as uow:
            room = MAX_ITEMS - await uow.call_lists.count_items(organisation_id, list_id)
        async with files.open(
            params["key"],
            format=SheetFormat(params["format"]),
            encoding=params.get("encoding"),
            delimiter=params.get("delimiter"),
        ) as sheet:
            total = max(sheet.total, 1)
            done = 0
            async for number, cells in sheet.rows():
                pending.append((number + 1, _cell(cells, phone_col) or "", _cell(cells, name_col)))
                done += 1
                if len(pending) >= BATCH:
                    room = await self._add_batch(
                        organisation_id, list_id, pending, report, seen, room, params["region"]
                    )
                    pending = []
                    await progress(min(99, done * 100 // total), f"{report.added} added")
            if pending:
                await self._add_batch(
                    organisation_id, list_id, pending, report, seen, room, params["region"]
                )
        await files.delete(params["key"])
        now = self._clock.now()
        async with self._uow as uow:
            call_list = await uow.call_lists.get(organisation_id, list_id, for_update=True)
            if call_list is not None:
                call_list.build = {**report.as_json(), "source": "upload", "at": now.isoformat()}
                await uow.call_lists.update(call_list)
                await uow.commit()
        return report.as_json()

    async def _add_batch(
        self,
        organisation_id: UUID,
        list_id: UUID,
        rows: builtins.list[tuple[int, str, str | None]],
        report: BuildReport,
        seen: set[str],
        room: int,
        region: str,
    ) -> int:
        entries = [
            e for e in read_entries(rows, report, region=region) if _first(e.phone, seen, report)
        ]
        if len(entries) > room:
            report.truncated += len(entries) - max(room, 0)
            entries = entries[: max(room, 0)]
        if not entries:
            return room
        async with self._uow as uow:
            added = await uow.call_lists.add_entries(
                organisation_id, list_id, entries, self._clock.now()
            )
            await uow.commit()
        report.added += added
        report.duplicates += len(entries) - added
        return room - added

    def _require_files(self) -> SpreadsheetFiles:
        if self._files is None:
            raise RuntimeError("CallListService needs the spreadsheet files for uploads")
        return self._files

    # --- working ----------------------------------------------------------------------------

    async def next(self, principal: Principal, list_id: UUID) -> ItemCard | None:
        """The number the caller holds in this list, else the next due one, leased to them;
        None when nothing is due now."""
        user_id = _caller(principal)
        principal.require(Permission.CALL_LISTS_WORK)
        now = self._clock.now()
        async with self._uow as uow:
            call_list = await _load(uow, principal, list_id)
            if not call_list.is_worked_by(user_id):
                raise PermissionDenied("Only the telemarketers assigned to the list call from it")
            call_list.require_active()
            item = await uow.call_lists.next_item(
                principal.organisation_id, list_id, user_id, now, now + LEASE
            )
            await uow.commit()
            return await uow.call_lists.card(item) if item is not None else None

    async def record(
        self,
        principal: Principal,
        list_id: UUID,
        item_id: UUID,
        outcome: Outcome,
        *,
        call_back_at: datetime | None = None,
        note: str | None = None,
        duration_seconds: int | None = None,
    ) -> ItemCard:
        user_id = _caller(principal)
        principal.require(Permission.CALL_LISTS_WORK)
        now = self._clock.now()
        async with self._uow as uow:
            call_list = await _load(uow, principal, list_id)
            item = await uow.call_lists.get_item(
                principal.organisation_id, list_id, item_id, for_update=True
            )
            if item is None:
                raise NotFound("Call list item", item_id)
            item.require_held_by(user_id)
            if outcome is Outcome.INTERESTED:
                await self._qualify(uow, call_list, item, user_id, now)
            activity_id = await self._log_call(
                uow, call_list, item, outcome, user_id, now, note, duration_seconds
            )
            item.record(
                outcome,
                by=user_id,
                at=now,
                retry=call_list.retry,
                call_back_at=call_back_at,
                activity_id=activity_id,
            )
            await uow.call_lists.save_item(item)
            await uow.call_lists.record_call(item, outcome, user_id, now)
            await uow.commit()
            return await uow.call_lists.card(item)

    async def _qualify(
        self, uow: UnitOfWork, call_list: CallList, item: CallItem, user_id: UUID, now: datetime
    ) -> None:
        """The same path as an inbound request: the client by the phone (or a new one), the
        deal in the list's funnel, for whom distribution picks (never the telemarketer because
        they are the client's manager), the lead in the inbox."""
        inbox_item = InboxItem(
            id=item.id,
            organisation_id=item.organisation_id,
            source=Source.API,
            provider=LEAD_SOURCE,
            channel_id=call_list.id,
            received_at=now,
        )
        form = Form(
            id=call_list.id,
            organisation_id=item.organisation_id,
            name=call_list.name,
            funnel_id=call_list.funnel_id,
        )
        lead: dict[str, Any] = {
            "name": item.name,
            "phone": item.phone,
            "source": LEAD_SOURCE,
            "campaign": call_list.name,
        }
        found = await take_in(
            uow, self._clock, inbox_item, form, lead, not_to=user_id, lead_kind=LeadKind.CALL_LIST
        )
        item.client_id = UUID(found["client_id"]) if found.get("client_id") else item.client_id
        item.deal_id = UUID(found["deal_id"]) if found.get("deal_id") else None
        item.lead_id = UUID(found["lead_id"]) if found.get("lead_id") else None
        assignee = await uow.call_lists.lead_assignee(item.organisation_id, item.lead_id)
        item.events.append(
            CallListLeadQualified(
                organisation_id=item.organisation_id,
                occurred_at=now,
                actor_id=user_id,
                call_list_id=call_list.id,
                item_id=item.id,
                telemarketer_id=user_id,
                lead_id=item.lead_id,
                client_id=item.client_id,
                deal_id=item.deal_id,
                assignee_id=assignee,
            )
        )

    async def _log_call(
        self,
        uow: UnitOfWork,
        call_list: CallList,
        item: CallItem,
        outcome: Outcome,
        user_id: UUID,
        now: datetime,
        note: str | None,
        duration_seconds: int | None,
    ) -> UUID | None:
        if item.client_id is None and item.deal_id is None:
            return None
        activity = Activity(
            organisation_id=item.organisation_id,
            client_id=item.client_id,
            deal_id=item.deal_id,
            kind=ActivityKind.CALL,
            subject=f"{_SUBJECTS[outcome]} ({call_list.name})"[:200],
            body=note,
            direction=Direction.OUTBOUND,
            occurred_at=now,
            duration_seconds=duration_seconds,
            author_id=user_id,
        )
        activity.record_logged(at=now)
        await uow.activities.add(activity)
        return activity.id

    async def items(
        self,
        principal: Principal,
        list_id: UUID,
        filters: ItemFilter,
        *,
        limit: int,
        after: tuple[str, UUID] | None,
    ) -> Sequence[CallItem]:
        async with self._uow as uow:
            await _load(uow, principal, list_id)
            return await uow.call_lists.items(
                principal.organisation_id,
                list_id,
                filters,
                self._clock.now(),
                limit=limit,
                after=after,
            )

    async def agents(self, principal: Principal, list_id: UUID | None) -> Sequence[AgentProgress]:
        """Per telemarketer; a telemarketer sees only their own row."""
        async with self._uow as uow:
            if list_id is not None:
                await _load(uow, principal, list_id)
            else:
                _require_reader(principal)
            only = None if _manages(principal) else [_caller(principal)]
            return await uow.call_lists.agents(principal.organisation_id, list_id, only)


def _cell(cells: Sequence[str], index: int | None) -> str | None:
    if index is None or index >= len(cells):
        return None
    return cells[index] or None


def _looks_like_phone(text: str) -> bool:
    digits = sum(ch.isdigit() for ch in text)
    return digits >= 7 and digits >= len(text.strip()) * 0.6


def _first(phone: str, seen: set[str], report: BuildReport) -> bool:
    """Whether ``phone`` is new in this upload (a repeat is counted as a duplicate)."""
    if phone in seen:
        report.duplicates += 1
        return False
    seen.add(phone)
    return True
