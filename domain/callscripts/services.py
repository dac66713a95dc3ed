"""Call script use cases.

Whoever manages scripts (scripts:manage) writes them, attaches them to funnel stages and call
lists and reads their report (reports:read reads it too). Whoever works deals or call lists
reads the scripts, asks which one applies to a deal (its stage's) or a call list number (its
list's), and saves the run of a call on the records they see: a deal, client or call list
number beyond the caller's reach is not found, as is another organisation's script.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.auth.principal import Principal
from domain.callscripts.model import (
    MAX_CALL_LISTS,
    MAX_STAGES,
    REPORT_MAX_DAYS,
    CallScript,
    PathEntry,
    ScriptOutcome,
    ScriptReport,
    ScriptRun,
    Step,
)
from domain.callscripts.ports import Assignments, RunFilter, RunRow
from domain.clients.services.loading import load_client
from domain.platform.audit import record_change
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.concurrency import check_version
from domain.shared.errors import AT_MOST_CODE, InvalidInput, NotFound, PermissionDenied
from domain.staff.permissions import Permission, Resource

ENTITY = "call_script"
_READERS = (
    Permission.SCRIPTS_MANAGE,
    Permission.DEALS_READ,
    Permission.CALL_LISTS_WORK,
    Permission.CALL_LISTS_MANAGE,
    Permission.INTAKE_WRITE,
)


@dataclass(frozen=True, slots=True)
class ScriptDraft:
    name: str
    is_active: bool
    start_step_id: str | None
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class ScriptView:
    script: CallScript
    assignments: Assignments


@dataclass(frozen=True, slots=True)
class Resolved:
    """The script for a call: from the deal's stage or the number's call list, or none."""

    script: ScriptView | None
    source: str | None  # "stage" | "call_list"


@dataclass(frozen=True, slots=True)
class NewRun:
    script_id: UUID
    path: tuple[PathEntry, ...]
    outcome: ScriptOutcome | None = None
    deal_id: UUID | None = None
    client_id: UUID | None = None
    call_list_item_id: UUID | None = None
    call_id: UUID | None = None
    activity_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class ReportView:
    script: CallScript
    first_day: date
    last_day: date
    report: ScriptReport


def _require_reader(principal: Principal) -> None:
    if not any(principal.can(p) for p in _READERS):
        raise PermissionDenied(
            "Reading call scripts needs deals:read, call_lists:work or scripts:manage"
        )


async def _script(
    uow: UnitOfWork, principal: Principal, script_id: UUID, *, for_update: bool = False
) -> CallScript:
    found = await uow.call_scripts.get(principal.organisation_id, script_id, for_update=for_update)
    if found is None:
        raise NotFound("Call script", script_id)
    return found


class CallScriptService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    # --- scripts --------------------------------------------------------------------------

    async def list(
        self,
        principal: Principal,
        *,
        active: bool | None,
        limit: int,
        after: tuple[str, UUID] | None,
    ) -> list[ScriptView]:
        _require_reader(principal)
        async with self._uow as uow:
            found = await uow.call_scripts.list(
                principal.organisation_id, active=active, limit=limit, after=after
            )
            assigned = await uow.call_scripts.assignments(
                principal.organisation_id, [s.id for s in found]
            )
        return [ScriptView(s, assigned.get(s.id, Assignments())) for s in found]

    async def get(self, principal: Principal, script_id: UUID) -> ScriptView:
        _require_reader(principal)
        async with self._uow as uow:
            return await self._view(uow, principal, await _script(uow, principal, script_id))

    async def _view(self, uow: UnitOfWork, principal: Principal, script: CallScript) -> ScriptView:
        assigned = await uow.call_scripts.assignments(principal.organisation_id, [script.id])
        return ScriptView(script, assigned.get(script.id, Assignments()))

    async def create(self, principal: Principal, draft: ScriptDraft) -> ScriptView:
        principal.require(Permission.SCRIPTS_MANAGE)
        now = self._clock.now()
        script = CallScript(
            organisation_id=principal.organisation_id,
            name=draft.name,
            is_active=draft.is_active,
            start_step_id=draft.start_step_id,
            steps=draft.steps,
            created_by=principal.user_id,
            created_at=now,
            updated_at=now,
        )
        async with self._uow as uow:
            await uow.call_scripts.add(script)
            await record_change(
                uow,
                principal,
                entity_type=ENTITY,
                entity_id=script.id,
                action="create",
                after=script.snapshot(),
                at=now,
            )
            await uow.commit()
        return ScriptView(script, Assignments())

    async def replace(
        self,
        principal: Principal,
        script_id: UUID,
        draft: ScriptDraft,
        *,
        expected_version: int | None = None,
    ) -> ScriptView:
        principal.require(Permission.SCRIPTS_MANAGE)
        now = self._clock.now()
        async with self._uow as uow:
            script = await _script(uow, principal, script_id, for_update=True)
            check_version("Call script", script.version, expected_version)
            before = script.snapshot()
            script.replace(
                name=draft.name,
                is_active=draft.is_active,
                start_step_id=draft.start_step_id,
                steps=draft.steps,
            )
            script.updated_at = now
            await uow.call_scripts.update(script)
            await record_change(
                uow,
                principal,
                entity_type=ENTITY,
                entity_id=script.id,
                action="update",
                before=before,
                after=script.snapshot(),
                at=now,
            )
            view = await self._view(uow, principal, script)
            await uow.commit()
        return view

    async def assign(
        self,
        principal: Principal,
        script_id: UUID,
        to: Assignments,
        *,
        expected_version: int | None = None,
    ) -> ScriptView:
        """Makes ``to`` the stages and call lists the script applies to; a stage given leaves
        the script it had (a stage has one script at most)."""
        principal.require(Permission.SCRIPTS_MANAGE)
        stage_ids = tuple(dict.fromkeys(to.stage_ids))
        list_ids = tuple(dict.fromkeys(to.call_list_ids))
        for name, ids, most in (
            ("stage_ids", stage_ids, MAX_STAGES),
            ("call_list_ids", list_ids, MAX_CALL_LISTS),
        ):
            if len(ids) > most:
                raise InvalidInput(
                    name, f"at most {most}", code=AT_MOST_CODE, ctx={"le": str(most)}
                )
        now = self._clock.now()
        async with self._uow as uow:
            script = await _script(uow, principal, script_id, for_update=True)
            check_version("Call script", script.version, expected_version)
            org = principal.organisation_id
            stages = await uow.call_scripts.existing_stages(org, stage_ids)
            for i, stage_id in enumerate(stage_ids):
                if stage_id not in stages:
                    raise InvalidInput(("stage_ids", i), "no such funnel stage")
            lists = await uow.call_scripts.existing_call_lists(org, list_ids)
            for i, list_id in enumerate(list_ids):
                if list_id not in lists:
                    raise InvalidInput(("call_list_ids", i), "no such call list")
            before = (await self._view(uow, principal, script)).assignments
            await uow.call_scripts.assign(org, script.id, Assignments(stage_ids, list_ids))
            # The version moves on, so a stale editor of the assignments gets 412.
            script.updated_at = now
            await uow.call_scripts.update(script)
            await record_change(
                uow,
                principal,
                entity_type=ENTITY,
                entity_id=script.id,
                action="assign",
                before=_assignment_json(before),
                after=_assignment_json(Assignments(stage_ids, list_ids)),
                at=now,
            )
            view = await self._view(uow, principal, script)
            await uow.commit()
        return view

    # --- which script ---------------------------------------------------------------------

    async def resolve(
        self,
        principal: Principal,
        *,
        deal_id: UUID | None = None,
        call_list_item_id: UUID | None = None,
    ) -> Resolved:
        """The active script of the deal's stage, or of the number's call list."""
        _require_reader(principal)
        if (deal_id is None) == (call_list_item_id is None):
            raise InvalidInput(("query", "deal_id"), "give either deal_id or call_list_item_id")
        org = principal.organisation_id
        async with self._uow as uow:
            script_id: UUID | None
            if deal_id is not None:
                deal = await uow.deals.get(principal.scope_for(Resource.DEALS), deal_id)
                if deal is None:
                    raise NotFound("Deal", deal_id)
                script_id, source = await uow.call_scripts.for_stage(org, deal.stage_id), "stage"
            else:
                assert call_list_item_id is not None
                list_id, _, _ = await self._call_list_item(uow, principal, call_list_item_id)
                call_list = await uow.call_lists.get(org, list_id)
                script_id = call_list.script_id if call_list else None
                source = "call_list"
            script = await uow.call_scripts.get(org, script_id) if script_id else None
            if script is None or not script.is_active:
                return Resolved(None, None)
            return Resolved(await self._view(uow, principal, script), source)

    async def _call_list_item(
        self, uow: UnitOfWork, principal: Principal, item_id: UUID
    ) -> tuple[UUID, UUID | None, UUID | None]:
        """A number of a call list the caller manages or works: its list, client and deal."""
        found = await uow.call_scripts.call_list_of_item(principal.organisation_id, item_id)
        if found is not None:
            call_list = await uow.call_lists.get(principal.organisation_id, found[0])
            if call_list is not None and (
                principal.can(Permission.CALL_LISTS_MANAGE)
                or call_list.is_worked_by(principal.user_id)
            ):
                return found
        raise NotFound("Call list item", item_id)

    # --- runs -----------------------------------------------------------------------------

    async def finish_run(self, principal: Principal, new: NewRun) -> RunRow:
        """Saves the path an employee took and how the call ended, on the records named (at
        least one of the deal, the client and the call list number, each one the caller
        sees)."""
        _require_reader(principal)
        if new.deal_id is None and new.client_id is None and new.call_list_item_id is None:
            raise InvalidInput("deal_id", "give the deal, the client or the call list number")
        now = self._clock.now()
        org = principal.organisation_id
        async with self._uow as uow:
            script = await _script(uow, principal, new.script_id)
            client_id, deal_id, list_id = new.client_id, new.deal_id, None
            if new.call_list_item_id is not None:
                list_id, item_client, item_deal = await self._call_list_item(
                    uow, principal, new.call_list_item_id
                )
                client_id = client_id or item_client
                deal_id = deal_id or item_deal
            if new.deal_id is not None:
                deal = await uow.deals.get(principal.scope_for(Resource.DEALS), new.deal_id)
                if deal is None:
                    raise NotFound("Deal", new.deal_id)
                if new.client_id is not None and new.client_id != deal.client_id:
                    raise InvalidInput("client_id", "is not the deal's client")
                client_id = deal.client_id
            elif new.client_id is not None:
                await load_client(uow, principal, new.client_id)
            if new.call_id is not None and not await uow.call_scripts.call_exists(org, new.call_id):
                raise InvalidInput("call_id", "no such call")
            if new.activity_id is not None and not await uow.call_scripts.activity_exists(
                org, new.activity_id
            ):
                raise InvalidInput("activity_id", "no such activity")
            try:
                run = ScriptRun.finish(
                    script,
                    path=new.path,
                    outcome=new.outcome,
                    now=now,
                    user_id=principal.user_id,
                    client_id=client_id,
                    deal_id=deal_id,
                    call_list_id=list_id,
                    call_list_item_id=new.call_list_item_id,
                    call_id=new.call_id,
                    activity_id=new.activity_id,
                )
            except InvalidInput as exc:
                # "path" alone would read as the URL's path: the request body's field is meant.
                raise exc.under("body") from exc
            await uow.call_scripts.add_run(run)
            row = await uow.call_scripts.run(org, run.id)
            await uow.commit()
        return row or RunRow(run, script.name, None)

    async def runs(
        self,
        principal: Principal,
        filters: RunFilter,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None,
    ) -> builtins.list[RunRow]:
        """The runs on one record the caller sees, newest first."""
        _require_reader(principal)
        given = [f for f in (filters.deal_id, filters.client_id, filters.call_list_item_id) if f]
        if len(given) != 1:
            raise InvalidInput(
                ("query", "deal_id"), "give one of deal_id, client_id or call_list_item_id"
            )
        async with self._uow as uow:
            if filters.deal_id is not None:
                if (
                    await uow.deals.get(principal.scope_for(Resource.DEALS), filters.deal_id)
                    is None
                ):
                    raise NotFound("Deal", filters.deal_id)
            elif filters.client_id is not None:
                await load_client(uow, principal, filters.client_id)
            elif filters.call_list_item_id is not None:
                await self._call_list_item(uow, principal, filters.call_list_item_id)
            return await uow.call_scripts.runs(
                principal.organisation_id, filters, limit=limit, after=after
            )

    # --- report ---------------------------------------------------------------------------

    async def report(
        self, principal: Principal, script_id: UUID, first_day: date, last_day: date
    ) -> ReportView:
        """Per step of the script, the runs finished in the period (days in the
        organisation's time zone) that reached it, and per answer the outcomes of the runs
        that chose it. Over every run of the organisation: the figures judge the script, not
        the people."""
        if not (principal.can(Permission.SCRIPTS_MANAGE) or principal.can(Permission.REPORTS_READ)):
            raise PermissionDenied("The script report needs scripts:manage or reports:read")
        if last_day < first_day or last_day - first_day > timedelta(days=REPORT_MAX_DAYS):
            raise InvalidInput(
                ("query", "to"), f"must be from `from` up to {REPORT_MAX_DAYS} days after it"
            )
        async with self._uow as uow:
            script = await _script(uow, principal, script_id)
            organisation = await uow.organisations.get(principal.organisation_id)
            zone = ZoneInfo(organisation.time_zone if organisation else "UTC")
            start = datetime.combine(first_day, time(), zone)
            end = datetime.combine(last_day + timedelta(days=1), time(), zone)
            report = await uow.call_scripts.report(principal.organisation_id, script.id, start, end)
        return ReportView(script, first_day, last_day, report)


def _assignment_json(a: Assignments) -> dict[str, object]:
    return {
        "stage_ids": sorted(str(s) for s in a.stage_ids),
        "call_list_ids": sorted(str(c) for c in a.call_list_ids),
    }
