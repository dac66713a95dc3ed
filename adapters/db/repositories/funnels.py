"""SQL repositories for funnels with their stages, and loss reasons."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from adapters.db.repositories.base import SqlRepository, in_organisation
from adapters.db.tables.deals import deals
from adapters.db.tables.funnels import funnels, loss_reasons, stages
from domain.funnels.model import Funnel, FunnelTemplate, LossReason, Stage, StageGroup
from domain.shared.ids import new_id
from domain.shared.scope import Scope


class SqlFunnelRepository(SqlRepository):
    async def add(self, funnel: Funnel) -> None:
        await self._conn.execute(
            sa.insert(funnels).values(
                id=funnel.id,
                organisation_id=funnel.organisation_id,
                created_at=funnel.created_at or sa.func.now(),
                **_funnel_values(funnel),
            )
        )
        if funnel.stages:
            await self._conn.execute(sa.insert(stages), [_stage_row(s) for s in funnel.stages])

    async def get(
        self, scope: Scope, funnel_id: UUID, *, for_update: bool = False
    ) -> Funnel | None:
        query = sa.select(funnels).where(in_organisation(funnels, scope), funnels.c.id == funnel_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._conn.execute(query)).one_or_none()
        if row is None:
            return None
        return next(iter(await self._hydrate([row])))

    async def list(self, scope: Scope) -> Sequence[Funnel]:
        rows = (
            await self._conn.execute(
                sa.select(funnels)
                .where(in_organisation(funnels, scope))
                .order_by(funnels.c.position, funnels.c.name, funnels.c.id)
            )
        ).all()
        return await self._hydrate(rows)

    async def count(self, scope: Scope) -> int:
        return int(
            await self._conn.scalar(
                sa.select(sa.func.count()).where(in_organisation(funnels, scope))
            )
            or 0
        )

    async def default(self, scope: Scope) -> Funnel | None:
        row = (
            await self._conn.execute(
                sa.select(funnels)
                .where(in_organisation(funnels, scope))
                .order_by(funnels.c.is_default.desc(), funnels.c.position, funnels.c.id)
                .limit(1)
            )
        ).one_or_none()
        return next(iter(await self._hydrate([row]))) if row else None

    async def update(self, funnel: Funnel, expected_version: int) -> None:
        await self._update_versioned(
            funnels,
            entity="Funnel",
            ident=funnel.id,
            organisation_id=funnel.organisation_id,
            expected_version=expected_version,
            values=_funnel_values(funnel),
        )
        funnel.version = expected_version + 1
        existing = set(
            (
                await self._conn.execute(
                    sa.select(stages.c.id).where(
                        stages.c.organisation_id == funnel.organisation_id,
                        stages.c.funnel_id == funnel.id,
                    )
                )
            ).scalars()
        )
        wanted = {s.id for s in funnel.stages}
        gone = existing - wanted
        if gone:
            await self._conn.execute(
                sa.delete(stages).where(
                    stages.c.organisation_id == funnel.organisation_id, stages.c.id.in_(gone)
                )
            )
        # Positions and names move in two steps, so that swapping two names (or positions)
        # never trips the unique index halfway.
        changed = [s for s in funnel.stages if s.id in existing]

        def this(stage: Stage) -> sa.ColumnElement[bool]:
            return sa.and_(
                stages.c.organisation_id == funnel.organisation_id, stages.c.id == stage.id
            )

        for stage in changed:
            await self._conn.execute(
                sa.update(stages)
                .where(this(stage))
                .values(name=f"~{stage.id}", position=-1 - stage.position)
            )
        for stage in changed:
            row = _stage_row(stage)
            for key in ("id", "organisation_id", "funnel_id", "created_at"):
                row.pop(key)
            await self._conn.execute(sa.update(stages).where(this(stage)).values(**row))
        new = [s for s in funnel.stages if s.id not in existing]
        if new:
            await self._conn.execute(sa.insert(stages), [_stage_row(s) for s in new])

    async def update_position(self, funnel: Funnel, expected_version: int) -> None:
        await self._update_versioned(
            funnels,
            entity="Funnel",
            ident=funnel.id,
            organisation_id=funnel.organisation_id,
            expected_version=expected_version,
            values={"position": funnel.position},
        )
        funnel.version = expected_version + 1

    async def clear_default(self, scope: Scope, *, except_id: UUID) -> None:
        await self._conn.execute(
            sa.update(funnels)
            .where(in_organisation(funnels, scope), funnels.c.id != except_id, funnels.c.is_default)
            .values(is_default=False, version=funnels.c.version + 1)
        )

    async def delete(self, scope: Scope, funnel_id: UUID) -> None:
        await self._conn.execute(
            sa.delete(funnels).where(in_organisation(funnels, scope), funnels.c.id == funnel_id)
        )

    async def get_stage(self, scope: Scope, stage_id: UUID) -> Stage | None:
        row = (
            await self._conn.execute(
                sa.select(stages).where(in_organisation(stages, scope), stages.c.id == stage_id)
            )
        ).one_or_none()
        return _stage(row._mapping) if row else None

    async def stages_by_id(
        self, organisation_id: UUID, stage_ids: Sequence[UUID]
    ) -> dict[UUID, Stage]:
        if not stage_ids:
            return {}
        rows = await self._conn.execute(
            sa.select(stages).where(
                stages.c.organisation_id == organisation_id, stages.c.id.in_(stage_ids)
            )
        )
        return {r.id: _stage(r._mapping) for r in rows}

    async def count_deals(
        self, scope: Scope, *, funnel_id: UUID | None = None, stage_id: UUID | None = None
    ) -> int:
        query = sa.select(sa.func.count()).where(in_organisation(deals, scope))
        if funnel_id is not None:
            query = query.where(deals.c.funnel_id == funnel_id)
        if stage_id is not None:
            query = query.where(deals.c.stage_id == stage_id)
        return int(await self._conn.scalar(query) or 0)

    async def _hydrate(self, rows: Sequence[Any]) -> Sequence[Funnel]:
        if not rows:
            return []
        ids = [r.id for r in rows]
        stage_rows = await self._conn.execute(
            sa.select(stages)
            .where(stages.c.organisation_id == rows[0].organisation_id, stages.c.funnel_id.in_(ids))
            .order_by(stages.c.funnel_id, stages.c.position, stages.c.id)
        )
        by_funnel: dict[UUID, builtins.list[Stage]] = {}
        for r in stage_rows:
            by_funnel.setdefault(r.funnel_id, []).append(_stage(r._mapping))
        return [_funnel(r._mapping, by_funnel.get(r.id, [])) for r in rows]


def _funnel_values(f: Funnel) -> dict[str, Any]:
    return {
        "name": f.name,
        "template": f.template.value if f.template else None,
        "is_default": f.is_default,
        "position": f.position,
    }


def _funnel(m: Any, stage_list: list[Stage]) -> Funnel:
    return Funnel(
        id=m["id"],
        organisation_id=m["organisation_id"],
        name=m["name"],
        template=FunnelTemplate(m["template"]) if m["template"] else None,
        is_default=m["is_default"],
        position=m["position"],
        stages=stage_list,
        created_at=m["created_at"],
        version=m["version"],
    )


def _stage_row(s: Stage) -> dict[str, Any]:
    return {
        "id": s.id,
        "organisation_id": s.organisation_id,
        "funnel_id": s.funnel_id,
        "name": s.name,
        "position": s.position,
        "probability": s.probability,
        "expected_result": s.expected_result,
        "required_fields": list(s.required_fields),
        "required_documents": list(s.required_documents),
        "max_days": s.max_days,
        "group": s.group.value,
        "created_at": s.created_at or datetime.now(UTC),
    }


def _stage(m: Any) -> Stage:
    return Stage(
        id=m["id"],
        organisation_id=m["organisation_id"],
        funnel_id=m["funnel_id"],
        name=m["name"],
        position=m["position"],
        probability=m["probability"],
        expected_result=m["expected_result"],
        required_fields=list(m["required_fields"] or []),
        required_documents=list(m["required_documents"] or []),
        max_days=m["max_days"],
        group=StageGroup(m["group"]),
        created_at=m["created_at"],
    )


class SqlLossReasonRepository(SqlRepository):
    async def add(self, reason: LossReason) -> None:
        await self._conn.execute(
            sa.insert(loss_reasons).values(
                id=reason.id,
                organisation_id=reason.organisation_id,
                created_at=reason.created_at or sa.func.now(),
                **_reason_values(reason),
            )
        )

    async def get(self, scope: Scope, reason_id: UUID) -> LossReason | None:
        row = (
            await self._conn.execute(
                sa.select(loss_reasons).where(
                    in_organisation(loss_reasons, scope), loss_reasons.c.id == reason_id
                )
            )
        ).one_or_none()
        return _reason(row._mapping) if row else None

    async def list(self, scope: Scope, *, include_inactive: bool) -> Sequence[LossReason]:
        query = sa.select(loss_reasons).where(in_organisation(loss_reasons, scope))
        if not include_inactive:
            query = query.where(loss_reasons.c.is_active)
        query = query.order_by(loss_reasons.c.position, loss_reasons.c.name, loss_reasons.c.id)
        return [_reason(r._mapping) for r in await self._conn.execute(query)]

    async def update(self, reason: LossReason, expected_version: int) -> None:
        await self._update_versioned(
            loss_reasons,
            entity="Loss reason",
            ident=reason.id,
            organisation_id=reason.organisation_id,
            expected_version=expected_version,
            values=_reason_values(reason),
        )
        reason.version = expected_version + 1

    async def delete(self, scope: Scope, reason_id: UUID) -> None:
        await self._conn.execute(
            sa.delete(loss_reasons).where(
                in_organisation(loss_reasons, scope), loss_reasons.c.id == reason_id
            )
        )

    async def is_used(self, scope: Scope, reason_id: UUID) -> bool:
        found = await self._conn.scalar(
            sa.select(sa.literal(1))
            .where(in_organisation(deals, scope), deals.c.loss_reason_id == reason_id)
            .limit(1)
        )
        return found is not None

    async def ensure_defaults(
        self, organisation_id: UUID, names: Sequence[str], at: datetime
    ) -> None:
        # A row lock on nothing cannot serialise two first-time callers; the unique index
        # on (organisation_id, lower(name)) with ON CONFLICT DO NOTHING does.
        exists = await self._conn.scalar(
            sa.select(sa.literal(1))
            .where(loss_reasons.c.organisation_id == organisation_id)
            .limit(1)
        )
        if exists is not None:
            return
        await self._conn.execute(
            insert(loss_reasons)
            .values(
                [
                    {
                        "id": new_id(),
                        "organisation_id": organisation_id,
                        "name": name,
                        "position": i,
                        "created_at": at,
                    }
                    for i, name in enumerate(names)
                ]
            )
            .on_conflict_do_nothing()
        )


def _reason_values(r: LossReason) -> dict[str, Any]:
    return {"name": r.name, "is_active": r.is_active, "position": r.position}


def _reason(m: Any) -> LossReason:
    return LossReason(
        id=m["id"],
        organisation_id=m["organisation_id"],
        name=m["name"],
        is_active=m["is_active"],
        position=m["position"],
        created_at=m["created_at"],
        version=m["version"],
    )
