"""Call scripts in SQL: the scripts, where they apply (stages in call_script_stages, call
lists by their script_id), the runs, and the report counted by PostgreSQL over the runs' paths
(jsonb_array_elements)."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from adapters.db.repositories.base import SqlRepository
from adapters.db.tables.activities import activities
from adapters.db.tables.calllists import call_list_items, call_lists
from adapters.db.tables.callscripts import call_script_runs, call_script_stages, call_scripts
from adapters.db.tables.funnels import stages
from adapters.db.tables.staff import users
from adapters.db.tables.telephony import calls
from domain.callscripts.model import (
    AnswerFigures,
    CallScript,
    PathEntry,
    ScriptOutcome,
    ScriptReport,
    ScriptRun,
    StepFigures,
    step_json,
    step_of,
)
from domain.callscripts.ports import Assignments, RunFilter, RunRow


def _script(m: Any) -> CallScript:
    script = CallScript.__new__(CallScript)
    # Stored scripts were checked when saved: read back without checking again.
    script.id = m["id"]
    script.organisation_id = m["organisation_id"]
    script.name = m["name"]
    script.is_active = m["is_active"]
    script.start_step_id = m["start_step_id"]
    script.steps = tuple(step_of(s) for s in m["steps"])
    script.created_by = m["created_by"]
    script.created_at = m["created_at"]
    script.updated_at = m["updated_at"]
    script.version = m["version"]
    return script


def _values(s: CallScript) -> dict[str, Any]:
    return {
        "name": s.name,
        "is_active": s.is_active,
        "start_step_id": s.start_step_id,
        "steps": [step_json(step) for step in s.steps],
        "updated_at": s.updated_at or sa.func.now(),
    }


def _run(m: Any) -> ScriptRun:
    return ScriptRun(
        id=m["id"],
        organisation_id=m["organisation_id"],
        script_id=m["script_id"],
        script_version=m["script_version"],
        user_id=m["user_id"],
        client_id=m["client_id"],
        deal_id=m["deal_id"],
        call_list_id=m["call_list_id"],
        call_list_item_id=m["call_list_item_id"],
        call_id=m["call_id"],
        activity_id=m["activity_id"],
        path=tuple(
            PathEntry(
                step_id=p["step_id"],
                answer_id=p.get("answer_id"),
                at=datetime.fromisoformat(p["at"]),
            )
            for p in m["path"]
        ),
        outcome=ScriptOutcome(m["outcome"]),
        started_at=m["started_at"],
        finished_at=m["finished_at"],
    )


_RUN_COLUMNS = (
    call_script_runs,
    call_scripts.c.name.label("script_name"),
    users.c.full_name.label("user_name"),
)


def _runs_from() -> Any:
    return call_script_runs.join(
        call_scripts,
        sa.and_(
            call_scripts.c.organisation_id == call_script_runs.c.organisation_id,
            call_scripts.c.id == call_script_runs.c.script_id,
        ),
    ).outerjoin(
        users,
        sa.and_(
            users.c.organisation_id == call_script_runs.c.organisation_id,
            users.c.id == call_script_runs.c.user_id,
        ),
    )


def _run_row(m: Any) -> RunRow:
    return RunRow(_run(m), m["script_name"], m["user_name"])


class SqlCallScriptRepository(SqlRepository):
    async def add(self, script: CallScript) -> None:
        await self._conn.execute(
            sa.insert(call_scripts).values(
                id=script.id,
                organisation_id=script.organisation_id,
                created_by=script.created_by,
                created_at=script.created_at or sa.func.now(),
                version=script.version,
                **_values(script),
            )
        )

    async def get(
        self, organisation_id: UUID, script_id: UUID, *, for_update: bool = False
    ) -> CallScript | None:
        query = sa.select(call_scripts).where(
            call_scripts.c.organisation_id == organisation_id, call_scripts.c.id == script_id
        )
        if for_update:
            query = query.with_for_update(key_share=True)
        row = (await self._conn.execute(query)).one_or_none()
        return _script(row._mapping) if row else None

    async def update(self, script: CallScript) -> None:
        await self._conn.execute(
            sa.update(call_scripts)
            .where(
                call_scripts.c.organisation_id == script.organisation_id,
                call_scripts.c.id == script.id,
            )
            .values(**_values(script), version=call_scripts.c.version + 1)
        )
        script.version += 1

    async def list(
        self,
        organisation_id: UUID,
        *,
        active: bool | None,
        limit: int,
        after: tuple[str, UUID] | None,
    ) -> Sequence[CallScript]:
        query = sa.select(call_scripts).where(call_scripts.c.organisation_id == organisation_id)
        if active is not None:
            query = query.where(call_scripts.c.is_active == active)
        if after is not None:
            query = query.where(
                sa.tuple_(call_scripts.c.name, call_scripts.c.id) > sa.tuple_(*after)
            )
        rows = await self._conn.execute(
            query.order_by(call_scripts.c.name, call_scripts.c.id).limit(limit)
        )
        return [_script(r._mapping) for r in rows]

    async def assignments(
        self, organisation_id: UUID, script_ids: Sequence[UUID]
    ) -> dict[UUID, Assignments]:
        if not script_ids:
            return {}
        stage_rows = await self._conn.execute(
            sa.select(call_script_stages.c.script_id, call_script_stages.c.stage_id)
            .where(
                call_script_stages.c.organisation_id == organisation_id,
                call_script_stages.c.script_id.in_(script_ids),
            )
            .order_by(call_script_stages.c.stage_id)
        )
        list_rows = await self._conn.execute(
            sa.select(call_lists.c.script_id, call_lists.c.id)
            .where(
                call_lists.c.organisation_id == organisation_id,
                call_lists.c.script_id.in_(script_ids),
            )
            .order_by(call_lists.c.id)
        )
        found: dict[UUID, tuple[list[UUID], list[UUID]]] = {}
        for script_id, stage_id in stage_rows:
            found.setdefault(script_id, ([], []))[0].append(stage_id)
        for script_id, list_id in list_rows:
            found.setdefault(script_id, ([], []))[1].append(list_id)
        return {k: Assignments(tuple(s), tuple(c)) for k, (s, c) in found.items()}

    async def existing_stages(self, organisation_id: UUID, stage_ids: Sequence[UUID]) -> set[UUID]:
        if not stage_ids:
            return set()
        rows = await self._conn.scalars(
            sa.select(stages.c.id).where(
                stages.c.organisation_id == organisation_id, stages.c.id.in_(stage_ids)
            )
        )
        return set(rows)

    async def existing_call_lists(
        self, organisation_id: UUID, list_ids: Sequence[UUID]
    ) -> set[UUID]:
        if not list_ids:
            return set()
        rows = await self._conn.scalars(
            sa.select(call_lists.c.id).where(
                call_lists.c.organisation_id == organisation_id, call_lists.c.id.in_(list_ids)
            )
        )
        return set(rows)

    async def assign(self, organisation_id: UUID, script_id: UUID, to: Assignments) -> None:
        await self._conn.execute(
            sa.delete(call_script_stages).where(
                call_script_stages.c.organisation_id == organisation_id,
                sa.or_(
                    call_script_stages.c.script_id == script_id,
                    call_script_stages.c.stage_id.in_(to.stage_ids),
                ),
            )
        )
        if to.stage_ids:
            await self._conn.execute(
                sa.insert(call_script_stages),
                [
                    {"organisation_id": organisation_id, "stage_id": s, "script_id": script_id}
                    for s in to.stage_ids
                ],
            )
        # A call list's script is the list's own column; its version moves on, so a call list
        # form opened before answers 412 rather than writing the old script back.
        mine = call_lists.c.script_id == script_id
        wanted = call_lists.c.id.in_(to.call_list_ids)
        if to.call_list_ids:
            await self._conn.execute(
                sa.update(call_lists)
                .where(
                    call_lists.c.organisation_id == organisation_id,
                    wanted,
                    call_lists.c.script_id.is_distinct_from(script_id),
                )
                .values(script_id=script_id, version=call_lists.c.version + 1)
            )
        await self._conn.execute(
            sa.update(call_lists)
            .where(call_lists.c.organisation_id == organisation_id, mine, sa.not_(wanted))
            .values(script_id=None, version=call_lists.c.version + 1)
        )

    async def for_stage(self, organisation_id: UUID, stage_id: UUID) -> UUID | None:
        found: UUID | None = await self._conn.scalar(
            sa.select(call_script_stages.c.script_id).where(
                call_script_stages.c.organisation_id == organisation_id,
                call_script_stages.c.stage_id == stage_id,
            )
        )
        return found

    async def call_list_of_item(
        self, organisation_id: UUID, item_id: UUID
    ) -> tuple[UUID, UUID | None, UUID | None] | None:
        row = (
            await self._conn.execute(
                sa.select(
                    call_list_items.c.call_list_id,
                    call_list_items.c.client_id,
                    call_list_items.c.deal_id,
                ).where(
                    call_list_items.c.organisation_id == organisation_id,
                    call_list_items.c.id == item_id,
                )
            )
        ).one_or_none()
        return (row[0], row[1], row[2]) if row else None

    async def call_exists(self, organisation_id: UUID, call_id: UUID) -> bool:
        return bool(
            await self._conn.scalar(
                sa.select(sa.literal(True)).where(
                    calls.c.organisation_id == organisation_id, calls.c.id == call_id
                )
            )
        )

    async def activity_exists(self, organisation_id: UUID, activity_id: UUID) -> bool:
        return bool(
            await self._conn.scalar(
                sa.select(sa.literal(True)).where(
                    activities.c.organisation_id == organisation_id,
                    activities.c.id == activity_id,
                )
            )
        )

    async def add_run(self, run: ScriptRun) -> None:
        await self._conn.execute(
            sa.insert(call_script_runs).values(
                id=run.id,
                organisation_id=run.organisation_id,
                script_id=run.script_id,
                script_version=run.script_version,
                user_id=run.user_id,
                client_id=run.client_id,
                deal_id=run.deal_id,
                call_list_id=run.call_list_id,
                call_list_item_id=run.call_list_item_id,
                call_id=run.call_id,
                activity_id=run.activity_id,
                outcome=run.outcome.value,
                path=[
                    {"step_id": p.step_id, "answer_id": p.answer_id, "at": p.at.isoformat()}
                    for p in run.path
                ],
                started_at=run.started_at,
                finished_at=run.finished_at,
            )
        )

    async def run(self, organisation_id: UUID, run_id: UUID) -> RunRow | None:
        row = (
            await self._conn.execute(
                sa.select(*_RUN_COLUMNS)
                .select_from(_runs_from())
                .where(
                    call_script_runs.c.organisation_id == organisation_id,
                    call_script_runs.c.id == run_id,
                )
            )
        ).one_or_none()
        return _run_row(row._mapping) if row else None

    async def runs(
        self,
        organisation_id: UUID,
        filters: RunFilter,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None,
    ) -> builtins.list[RunRow]:
        query = (
            sa.select(*_RUN_COLUMNS)
            .select_from(_runs_from())
            .where(call_script_runs.c.organisation_id == organisation_id)
        )
        if filters.deal_id is not None:
            query = query.where(call_script_runs.c.deal_id == filters.deal_id)
        if filters.client_id is not None:
            query = query.where(call_script_runs.c.client_id == filters.client_id)
        if filters.call_list_item_id is not None:
            query = query.where(call_script_runs.c.call_list_item_id == filters.call_list_item_id)
        if after is not None:
            query = query.where(
                sa.tuple_(call_script_runs.c.finished_at, call_script_runs.c.id) < sa.tuple_(*after)
            )
        rows = await self._conn.execute(
            query.order_by(
                call_script_runs.c.finished_at.desc(), call_script_runs.c.id.desc()
            ).limit(limit)
        )
        return [_run_row(r._mapping) for r in rows]

    async def report(
        self, organisation_id: UUID, script_id: UUID, start: datetime, end: datetime
    ) -> ScriptReport:
        runs = (
            sa.select(call_script_runs.c.id, call_script_runs.c.outcome, call_script_runs.c.path)
            .where(
                call_script_runs.c.organisation_id == organisation_id,
                call_script_runs.c.script_id == script_id,
                call_script_runs.c.finished_at >= start,
                call_script_runs.c.finished_at < end,
            )
            .cte("runs")
        )
        totals = await self._conn.execute(
            sa.select(runs.c.outcome, sa.func.count()).group_by(runs.c.outcome)
        )
        by_outcome: dict[str, int] = {o: n for o, n in totals}  # noqa: C416
        entry = sa.func.jsonb_array_elements(runs.c.path).table_valued("value").lateral("entry")
        step_id = entry.c.value.op("->>")("step_id")
        answer_id = entry.c.value.op("->>")("answer_id")
        # A run that came back to a step counts once for it (and once per answer chosen).
        reached = await self._conn.execute(
            sa.select(step_id.label("step_id"), sa.func.count(sa.distinct(runs.c.id)))
            .select_from(runs.join(entry, sa.true()))
            .group_by(step_id)
        )
        chosen = await self._conn.execute(
            sa.select(
                step_id.label("step_id"),
                answer_id.label("answer_id"),
                runs.c.outcome,
                sa.func.count(sa.distinct(runs.c.id)),
            )
            .select_from(runs.join(entry, sa.true()))
            .where(answer_id.is_not(None))
            .group_by(step_id, answer_id, runs.c.outcome)
        )
        answers: dict[str, dict[str, dict[str, int]]] = {}
        for step, answer, outcome, count in chosen:
            answers.setdefault(step, {}).setdefault(answer, {})[outcome] = count
        steps = tuple(
            StepFigures(
                step_id=step,
                reached=count,
                answers=tuple(
                    AnswerFigures(answer_id=a, chosen=sum(split.values()), by_outcome=split)
                    for a, split in sorted(answers.get(step, {}).items())
                ),
            )
            for step, count in sorted(reached)
        )
        return ScriptReport(runs=sum(by_outcome.values()), by_outcome=by_outcome, steps=steps)
