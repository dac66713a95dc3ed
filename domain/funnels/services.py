"""Funnel and loss reason administration (organisation:manage); reading needs deals:read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.auth.principal import Principal
from domain.funnels.commands import (
    CreateFunnel,
    CreateLossReason,
    UpdateFunnel,
    UpdateLossReason,
    UpdateStage,
)
from domain.funnels.model import (
    DEFAULT_LOSS_REASONS,
    Funnel,
    LossReason,
    Stage,
    StageSpec,
    build_funnel,
)
from domain.funnels.templates import TEMPLATE_NAMES, TEMPLATES
from domain.platform.audit import record_change
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.concurrency import check_version
from domain.shared.errors import Conflict, FieldProblem, InvalidInput, NotFound
from domain.shared.ordering import renumber
from domain.shared.patch import UNSET
from domain.staff.permissions import Permission


class FunnelService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def list(self, principal: Principal) -> Sequence[Funnel]:
        principal.require(Permission.DEALS_READ)
        async with self._uow as uow:
            return await uow.funnels.list(principal.organisation_scope)

    async def get(self, principal: Principal, funnel_id: UUID) -> Funnel:
        principal.require(Permission.DEALS_READ)
        async with self._uow as uow:
            return await _load(uow, principal, funnel_id)

    async def create(self, principal: Principal, command: CreateFunnel) -> Funnel:
        """From a template (its stages; ``name`` overrides the template's) or from ``stages``."""
        principal.require(Permission.ORGANISATION_MANAGE)
        name, template, stages = command.name, command.template, command.stages
        if template is not None and stages:
            raise InvalidInput("stages", "give a template or stages, not both")
        if template is not None:
            specs: Sequence[StageSpec] = TEMPLATES[template]
            name = name or TEMPLATE_NAMES[template]
        else:
            specs = stages
        if not name:
            raise InvalidInput("name", "is required without a template")
        funnel = build_funnel(principal.organisation_id, name, specs, template=template)
        now = self._clock.now()
        async with self._uow as uow:
            scope = principal.organisation_scope
            await _ensure_organisation_defaults(uow, principal.organisation_id, now)
            await _require_document_types(uow, principal, funnel.stages, prefix=("stages",))
            existing = await uow.funnels.list(scope)
            if any(f.name.casefold() == funnel.name.casefold() for f in existing):
                raise InvalidInput("name", f"a funnel named {funnel.name!r} already exists")
            funnel.is_default = command.is_default or not existing
            funnel.position = max((f.position for f in existing), default=-1) + 1
            funnel.created_at = now
            for stage in funnel.stages:
                stage.created_at = now
            await uow.funnels.add(funnel)
            if funnel.is_default:
                await uow.funnels.clear_default(scope, except_id=funnel.id)
            await record_change(
                uow,
                principal,
                organisation_id=funnel.organisation_id,
                entity_type="funnel",
                entity_id=funnel.id,
                action="create",
                after=_funnel_snapshot(funnel),
                at=now,
            )
            await uow.commit()
            return funnel

    async def update(
        self,
        principal: Principal,
        funnel_id: UUID,
        update: UpdateFunnel,
        *,
        expected_version: int | None = None,
    ) -> Funnel:
        principal.require(Permission.ORGANISATION_MANAGE)
        scope = principal.organisation_scope
        async with self._uow as uow:
            funnel = await _load(uow, principal, funnel_id, for_update=True)
            before = _funnel_snapshot(funnel)
            others = await uow.funnels.list(scope) if update.name is not UNSET else ()
            funnel.apply(update, others=others)
            if update.is_default is True:
                await uow.funnels.clear_default(scope, except_id=funnel.id)
            return await self._save(uow, principal, funnel, before, expected_version, "update")

    async def delete(
        self, principal: Principal, funnel_id: UUID, *, expected_version: int | None = None
    ) -> None:
        principal.require(Permission.ORGANISATION_MANAGE)
        scope = principal.organisation_scope
        async with self._uow as uow:
            funnel = await _load(uow, principal, funnel_id, for_update=True)
            check_version("Funnel", funnel.version, expected_version)
            if await uow.funnels.count_deals(scope, funnel_id=funnel.id):
                raise Conflict("The funnel has deals; move or delete them first")
            if funnel.is_default and await uow.funnels.count(scope) > 1:
                raise Conflict("Make another funnel the default before deleting this one")
            await uow.funnels.delete(scope, funnel.id)
            await record_change(
                uow,
                principal,
                organisation_id=funnel.organisation_id,
                entity_type="funnel",
                entity_id=funnel.id,
                action="delete",
                before=_funnel_snapshot(funnel),
                at=self._clock.now(),
            )
            await uow.commit()

    async def reorder(self, principal: Principal, funnel_ids: Sequence[UUID]) -> Sequence[Funnel]:
        """The organisation's funnels in a new display order; ``funnel_ids`` names each once.
        Every moved funnel's version goes up, so an edit made against the old one is refused."""
        principal.require(Permission.ORGANISATION_MANAGE)
        now = self._clock.now()
        async with self._uow as uow:
            funnels = list(await uow.funnels.list(principal.organisation_scope))
            for funnel, was in renumber(funnels, funnel_ids, field="funnel_ids"):
                await uow.funnels.update_position(funnel, funnel.version)
                await _record_move(uow, principal, "funnel", funnel.id, was, funnel.position, now)
            await uow.commit()
        return sorted(funnels, key=lambda f: f.position)

    async def add_stage(
        self,
        principal: Principal,
        funnel_id: UUID,
        spec: StageSpec,
        *,
        position: int | None = None,
        expected_version: int | None = None,
    ) -> tuple[Funnel, Stage]:
        principal.require(Permission.ORGANISATION_MANAGE)
        async with self._uow as uow:
            funnel = await _load(uow, principal, funnel_id, for_update=True)
            before = _funnel_snapshot(funnel)
            stage = funnel.add_stage(spec, position=position)
            await _ensure_organisation_defaults(uow, principal.organisation_id, self._clock.now())
            await _require_document_types(uow, principal, [stage], prefix=None)
            stage.created_at = self._clock.now()
            await record_change(
                uow,
                principal,
                organisation_id=stage.organisation_id,
                entity_type="stage",
                entity_id=stage.id,
                action="create",
                after=stage.snapshot(),
                at=self._clock.now(),
            )
            funnel = await self._save(uow, principal, funnel, before, expected_version, "update")
            return funnel, stage

    async def update_stage(
        self,
        principal: Principal,
        funnel_id: UUID,
        stage_id: UUID,
        update: UpdateStage,
        *,
        expected_version: int | None = None,
    ) -> tuple[Funnel, Stage]:
        principal.require(Permission.ORGANISATION_MANAGE)
        async with self._uow as uow:
            funnel = await _load(uow, principal, funnel_id, for_update=True)
            before = _funnel_snapshot(funnel)
            current = funnel.stage(stage_id)
            if current is None:
                raise NotFound("Stage", stage_id)
            stage_before = current.snapshot()
            stage = funnel.change_stage(stage_id, update)
            if update.required_documents is not UNSET and update.required_documents:
                await _ensure_organisation_defaults(
                    uow, principal.organisation_id, self._clock.now()
                )
                await _require_document_types(uow, principal, [stage], prefix=None)
            await record_change(
                uow,
                principal,
                organisation_id=stage.organisation_id,
                entity_type="stage",
                entity_id=stage.id,
                action="update",
                before=stage_before,
                after=stage.snapshot(),
                at=self._clock.now(),
            )
            funnel = await self._save(uow, principal, funnel, before, expected_version, "update")
            return funnel, stage

    async def delete_stage(
        self,
        principal: Principal,
        funnel_id: UUID,
        stage_id: UUID,
        *,
        expected_version: int | None = None,
    ) -> Funnel:
        """Only a stage no deal is in (of any status) can go; moves that passed through it
        keep their time but lose the stage reference."""
        principal.require(Permission.ORGANISATION_MANAGE)
        async with self._uow as uow:
            funnel = await _load(uow, principal, funnel_id, for_update=True)
            before = _funnel_snapshot(funnel)
            if funnel.stage(stage_id) is None:
                raise NotFound("Stage", stage_id)
            if await uow.funnels.count_deals(principal.organisation_scope, stage_id=stage_id):
                raise Conflict("Deals are in this stage; move them to another stage first")
            stage = funnel.remove_stage(stage_id)
            await record_change(
                uow,
                principal,
                organisation_id=stage.organisation_id,
                entity_type="stage",
                entity_id=stage.id,
                action="delete",
                before=stage.snapshot(),
                at=self._clock.now(),
            )
            return await self._save(uow, principal, funnel, before, expected_version, "update")

    async def reorder_stages(
        self,
        principal: Principal,
        funnel_id: UUID,
        stage_ids: Sequence[UUID],
        *,
        expected_version: int | None = None,
    ) -> Funnel:
        principal.require(Permission.ORGANISATION_MANAGE)
        async with self._uow as uow:
            funnel = await _load(uow, principal, funnel_id, for_update=True)
            before = _funnel_snapshot(funnel)
            funnel.reorder(stage_ids)
            return await self._save(uow, principal, funnel, before, expected_version, "reorder")

    async def _save(
        self,
        uow: UnitOfWork,
        principal: Principal,
        funnel: Funnel,
        before: dict[str, Any],
        expected_version: int | None,
        action: str,
    ) -> Funnel:
        version = funnel.version if expected_version is None else expected_version
        await uow.funnels.update(funnel, version)
        await record_change(
            uow,
            principal,
            organisation_id=funnel.organisation_id,
            entity_type="funnel",
            entity_id=funnel.id,
            action=action,
            before=before,
            after=_funnel_snapshot(funnel),
            at=self._clock.now(),
        )
        await uow.commit()
        return funnel


async def _record_move(
    uow: UnitOfWork,
    principal: Principal,
    entity_type: str,
    entity_id: UUID,
    was: int,
    now_at: int,
    at: datetime,
) -> None:
    await record_change(
        uow,
        principal,
        organisation_id=principal.organisation_id,
        entity_type=entity_type,
        entity_id=entity_id,
        action="reorder",
        before={"position": was},
        after={"position": now_at},
        at=at,
    )


def _funnel_snapshot(funnel: Funnel) -> dict[str, Any]:
    return {
        "name": funnel.name,
        "is_default": funnel.is_default,
        "template": funnel.template,
        "stages": [s.name for s in funnel.stages],
    }


async def _load(
    uow: UnitOfWork, principal: Principal, funnel_id: UUID, *, for_update: bool = False
) -> Funnel:
    funnel = await uow.funnels.get(principal.organisation_scope, funnel_id, for_update=for_update)
    if funnel is None:
        raise NotFound("Funnel", funnel_id)
    return funnel


async def _ensure_organisation_defaults(
    uow: UnitOfWork, organisation_id: UUID, now: datetime
) -> None:
    """The default document types (stage requirements name them) and loss reasons, the first
    time the organisation sets up funnels."""
    await uow.document_types.ensure_defaults(organisation_id, now)
    await uow.loss_reasons.ensure_defaults(organisation_id, DEFAULT_LOSS_REASONS, now)


async def _require_document_types(
    uow: UnitOfWork,
    principal: Principal,
    stages: Sequence[Stage],
    *,
    prefix: tuple[str, ...] | None,
) -> None:
    """Every required document names an active document type of the organisation."""
    wanted = {code for s in stages for code in s.required_documents}
    if not wanted:
        return
    known = {
        t.code
        for t in await uow.document_types.list(principal.organisation_scope, include_inactive=False)
    }

    def loc(i: int, j: int) -> tuple[str | int, ...]:
        stage: tuple[str | int, ...] = (*prefix, i) if prefix else ()
        return (*stage, "required_documents", j)

    problems = [
        FieldProblem(
            loc=loc(i, j),
            msg=f"no active document type {code!r}",
        )
        for i, stage in enumerate(stages)
        for j, code in enumerate(stage.required_documents)
        if code not in known
    ]
    if problems:
        raise InvalidInput(problems=problems)


class LossReasonService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def list(self, principal: Principal, *, include_inactive: bool) -> Sequence[LossReason]:
        principal.require(Permission.DEALS_READ)
        async with self._uow as uow:
            return await uow.loss_reasons.list(
                principal.organisation_scope, include_inactive=include_inactive
            )

    async def get(self, principal: Principal, reason_id: UUID) -> LossReason:
        principal.require(Permission.DEALS_READ)
        async with self._uow as uow:
            return await self._load(uow, principal, reason_id)

    async def create(self, principal: Principal, command: CreateLossReason) -> LossReason:
        principal.require(Permission.ORGANISATION_MANAGE)
        now = self._clock.now()
        async with self._uow as uow:
            existing = await uow.loss_reasons.list(
                principal.organisation_scope, include_inactive=True
            )
            reason = LossReason(
                organisation_id=principal.organisation_id,
                name=command.name,
                position=(
                    command.position
                    if command.position is not None
                    else max((r.position for r in existing), default=-1) + 1
                ),
                created_at=now,
            )
            _require_unique(reason, existing)
            await uow.loss_reasons.add(reason)
            await record_change(
                uow,
                principal,
                organisation_id=reason.organisation_id,
                entity_type="loss_reason",
                entity_id=reason.id,
                action="create",
                after=_reason_snapshot(reason),
                at=self._clock.now(),
            )
            await uow.commit()
            return reason

    async def update(
        self,
        principal: Principal,
        reason_id: UUID,
        update: UpdateLossReason,
        *,
        expected_version: int | None = None,
    ) -> LossReason:
        principal.require(Permission.ORGANISATION_MANAGE)
        async with self._uow as uow:
            reason = await self._load(uow, principal, reason_id)
            before = _reason_snapshot(reason)
            reason.apply(update)
            if update.name is not UNSET:
                _require_unique(
                    reason,
                    await uow.loss_reasons.list(
                        principal.organisation_scope, include_inactive=True
                    ),
                )
            version = reason.version if expected_version is None else expected_version
            await uow.loss_reasons.update(reason, version)
            await record_change(
                uow,
                principal,
                organisation_id=reason.organisation_id,
                entity_type="loss_reason",
                entity_id=reason.id,
                action="update",
                before=before,
                after=_reason_snapshot(reason),
                at=self._clock.now(),
            )
            await uow.commit()
            return reason

    async def reorder(
        self, principal: Principal, reason_ids: Sequence[UUID]
    ) -> Sequence[LossReason]:
        """Every reason (deactivated ones too) in a new display order."""
        principal.require(Permission.ORGANISATION_MANAGE)
        now = self._clock.now()
        async with self._uow as uow:
            reasons = list(
                await uow.loss_reasons.list(principal.organisation_scope, include_inactive=True)
            )
            for reason, was in renumber(reasons, reason_ids, field="reason_ids"):
                await uow.loss_reasons.update(reason, reason.version)
                await _record_move(
                    uow, principal, "loss_reason", reason.id, was, reason.position, now
                )
            await uow.commit()
        return sorted(reasons, key=lambda r: r.position)

    async def delete(
        self, principal: Principal, reason_id: UUID, *, expected_version: int | None = None
    ) -> LossReason | None:
        """Deletes an unused reason (None); one that lost deals name is deactivated instead,
        so their history keeps it (the deactivated reason is returned)."""
        principal.require(Permission.ORGANISATION_MANAGE)
        scope = principal.organisation_scope
        async with self._uow as uow:
            reason = await self._load(uow, principal, reason_id)
            check_version("Loss reason", reason.version, expected_version)
            before = _reason_snapshot(reason)
            result: LossReason | None
            if await uow.loss_reasons.is_used(scope, reason_id):
                reason.deactivate()
                await uow.loss_reasons.update(reason, reason.version)
                await record_change(
                    uow,
                    principal,
                    organisation_id=reason.organisation_id,
                    entity_type="loss_reason",
                    entity_id=reason.id,
                    action="deactivate",
                    before=before,
                    after=_reason_snapshot(reason),
                    at=self._clock.now(),
                )
                result = reason
            else:
                await uow.loss_reasons.delete(scope, reason_id)
                await record_change(
                    uow,
                    principal,
                    organisation_id=reason.organisation_id,
                    entity_type="loss_reason",
                    entity_id=reason.id,
                    action="delete",
                    before=before,
                    at=self._clock.now(),
                )
                result = None
            await uow.commit()
            return result

    @staticmethod
    async def _load(uow: UnitOfWork, principal: Principal, reason_id: UUID) -> LossReason:
        reason = await uow.loss_reasons.get(principal.organisation_scope, reason_id)
        if reason is None:
            raise NotFound("Loss reason", reason_id)
        return reason


def _reason_snapshot(reason: LossReason) -> dict[str, Any]:
    return {"name": reason.name, "is_active": reason.is_active, "position": reason.position}


def _require_unique(reason: LossReason, existing: Sequence[LossReason]) -> None:
    folded = reason.name.casefold()
    if any(r.id != reason.id and r.name.casefold() == folded for r in existing):
        raise InvalidInput("name", f"a loss reason named {reason.name!r} already exists")
