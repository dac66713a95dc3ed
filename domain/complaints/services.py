"""Complaint use cases: record, read and list (visibility like deals: the owner within the
caller's own / team / all), edit, take in work, resolve or reject; the overdue sweep; the report
per owner. Every change is audited; the status changes are kept for the timelines."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from uuid import UUID

from domain.auth.principal import Principal
from domain.clients.services.loading import load_client
from domain.complaints.commands import EditComplaint, RecordComplaint
from domain.complaints.model import Complaint, OwnerFigures, default_deadline
from domain.complaints.ports import ComplaintFilter, ComplaintRow
from domain.platform.audit import record_change
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.concurrency import check_version
from domain.shared.errors import InvalidInput, NotFound
from domain.shared.scope import Scope
from domain.staff.model import Organisation
from domain.staff.permissions import Permission, Resource
from domain.staff.services.colleagues import require_active_colleague

REPORT_MAX_DAYS = 366
SWEEP_BATCH = 200
ENTITY = "complaint"


@dataclass(frozen=True, slots=True)
class ComplaintView:
    row: ComplaintRow
    # Open after its deadline's day, in the organisation's time zone.
    is_overdue: bool


@dataclass(frozen=True, slots=True)
class ComplaintReport:
    first_day: date
    last_day: date
    rows: list[OwnerFigures]


class ComplaintService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def _today(self, uow: UnitOfWork, organisation_id: UUID) -> tuple[Organisation, date]:
        organisation = await uow.organisations.get(organisation_id)
        if organisation is None:
            raise NotFound("Organisation", organisation_id)
        return organisation, organisation.today(self._clock.now())

    async def record(self, principal: Principal, command: RecordComplaint) -> ComplaintView:
        principal.require(Permission.COMPLAINTS_WRITE)
        now = self._clock.now()
        async with self._uow as uow:
            client = await load_client(uow, principal, command.client_id)
            if command.deal_id is not None:
                deal = await uow.deals.get(principal.scope_for(Resource.DEALS), command.deal_id)
                if deal is None or deal.client_id != client.id:
                    raise InvalidInput("deal_id", "is not a deal of this client that you see")
            owner_id = command.owner_id or client.responsible_id
            await require_active_colleague(uow, principal, owner_id, "owner_id")
            _, today = await self._today(uow, principal.organisation_id)
            complaint = Complaint.record(
                organisation_id=principal.organisation_id,
                client_id=client.id,
                deal_id=command.deal_id,
                kind=command.kind,
                description=command.description,
                owner_id=owner_id,
                deadline=command.deadline or default_deadline(command.kind, today),
                public_conflict=command.public_conflict,
                today=today,
                at=now,
                by=principal.user_id,
            )
            await uow.complaints.add(complaint)
            await record_change(
                uow,
                principal,
                entity_type=ENTITY,
                entity_id=complaint.id,
                action="create",
                after=complaint.snapshot(),
                at=now,
            )
            view = await self._view(uow, principal, complaint.id)
            await uow.commit()
            return view

    async def _view(
        self, uow: UnitOfWork, principal: Principal, complaint_id: UUID
    ) -> ComplaintView:
        row = await uow.complaints.row(principal.scope_for(Resource.COMPLAINTS), complaint_id)
        if row is None:
            raise NotFound("Complaint", complaint_id)
        _, today = await self._today(uow, principal.organisation_id)
        return ComplaintView(row, row.complaint.is_overdue(today))

    async def get(self, principal: Principal, complaint_id: UUID) -> ComplaintView:
        principal.require(Permission.COMPLAINTS_READ)
        async with self._uow as uow:
            return await self._view(uow, principal, complaint_id)

    async def list(
        self,
        principal: Principal,
        filters: ComplaintFilter,
        *,
        limit: int,
        after: tuple[date, UUID] | None = None,
    ) -> list[ComplaintView]:
        principal.require(Permission.COMPLAINTS_READ)
        async with self._uow as uow:
            _, today = await self._today(uow, principal.organisation_id)
            rows = await uow.complaints.list(
                principal.scope_for(Resource.COMPLAINTS),
                replace(filters, today=today),
                limit=limit,
                after=after,
            )
            return [ComplaintView(r, r.complaint.is_overdue(today)) for r in rows]

    async def _load(self, uow: UnitOfWork, principal: Principal, complaint_id: UUID) -> Complaint:
        complaint = await uow.complaints.get(
            principal.scope_for(Resource.COMPLAINTS), complaint_id, for_update=True
        )
        if complaint is None:
            raise NotFound("Complaint", complaint_id)
        return complaint

    async def edit(
        self,
        principal: Principal,
        complaint_id: UUID,
        command: EditComplaint,
        *,
        expected_version: int | None = None,
    ) -> ComplaintView:
        principal.require(Permission.COMPLAINTS_WRITE)
        now = self._clock.now()
        async with self._uow as uow:
            complaint = await self._load(uow, principal, complaint_id)
            version = check_version("Complaint", complaint.version, expected_version)
            if command.owner_id is not None and command.owner_id != complaint.owner_id:
                await require_active_colleague(uow, principal, command.owner_id, "owner_id")
            _, today = await self._today(uow, principal.organisation_id)
            before = complaint.snapshot()
            complaint.edit(
                today=today,
                at=now,
                by=principal.user_id,
                kind=command.kind,
                description=command.description,
                owner_id=command.owner_id,
                deadline=command.deadline,
                public_conflict=command.public_conflict,
            )
            return await self._save(uow, principal, complaint, version, before, "update")

    async def take_in_work(
        self, principal: Principal, complaint_id: UUID, *, expected_version: int | None = None
    ) -> ComplaintView:
        principal.require(Permission.COMPLAINTS_WRITE)
        async with self._uow as uow:
            complaint = await self._load(uow, principal, complaint_id)
            version = check_version("Complaint", complaint.version, expected_version)
            before = complaint.snapshot()
            complaint.take_in_work(at=self._clock.now(), by=principal.user_id)
            return await self._save(uow, principal, complaint, version, before, "take_in_work")

    async def close(
        self,
        principal: Principal,
        complaint_id: UUID,
        *,
        resolved: bool,
        resolution: str | None,
        expected_version: int | None = None,
    ) -> ComplaintView:
        """Resolve (``resolved``) or reject, with the resolution."""
        principal.require(Permission.COMPLAINTS_WRITE)
        async with self._uow as uow:
            complaint = await self._load(uow, principal, complaint_id)
            version = check_version("Complaint", complaint.version, expected_version)
            before = complaint.snapshot()
            at = self._clock.now()
            if resolved:
                complaint.resolve(resolution, at=at, by=principal.user_id)
            else:
                complaint.reject(resolution, at=at, by=principal.user_id)
            action = "resolve" if resolved else "reject"
            return await self._save(uow, principal, complaint, version, before, action)

    async def _save(
        self,
        uow: UnitOfWork,
        principal: Principal,
        complaint: Complaint,
        version: int,
        before: dict[str, object],
        action: str,
    ) -> ComplaintView:
        await uow.complaints.update(complaint, version)
        await record_change(
            uow,
            principal,
            entity_type=ENTITY,
            entity_id=complaint.id,
            action=action,
            before=before,
            after=complaint.snapshot(),
            at=self._clock.now(),
        )
        view = await self._view(uow, principal, complaint.id)
        await uow.commit()
        return view

    async def report(
        self, principal: Principal, first_day: date, last_day: date
    ) -> ComplaintReport:
        """Per owner the caller sees: complaints recorded in the period, open, overdue,
        resolved and rejected, and the median and average time to resolve (hours)."""
        principal.require(Permission.COMPLAINTS_READ)
        if last_day < first_day or last_day - first_day > timedelta(days=REPORT_MAX_DAYS):
            raise InvalidInput(
                ("query", "to"), f"must be from `from` up to {REPORT_MAX_DAYS} days after it"
            )
        async with self._uow as uow:
            organisation, today = await self._today(uow, principal.organisation_id)
            rows = await uow.complaints.report(
                principal.scope_for(Resource.COMPLAINTS),
                first_day,
                last_day,
                organisation.time_zone,
                today,
            )
            return ComplaintReport(first_day, last_day, rows)


@dataclass(frozen=True, slots=True)
class SweepResult:
    overdue: int


class OverdueComplaintSweep:
    """Run by the worker's cron, as often as wanted: complaint.overdue once per complaint and
    deadline (a new deadline may be announced again once it passes)."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def run(self, *, max_batches: int = 50) -> SweepResult:
        announced = 0
        now = self._clock.now()
        for _ in range(max_batches):
            async with self._uow as uow:
                batch = await uow.complaints.overdue_candidates(now, limit=SWEEP_BATCH)
                for candidate in batch:
                    complaint = await uow.complaints.get(
                        Scope.organisation_wide(candidate.organisation_id),
                        candidate.complaint_id,
                        for_update=True,
                    )
                    if complaint is None or not complaint.mark_overdue(candidate.today, now):
                        continue
                    await uow.complaints.save_overdue_mark(complaint)
                    announced += 1
                await uow.commit()
            if len(batch) < SWEEP_BATCH:
                break
        return SweepResult(overdue=announced)
