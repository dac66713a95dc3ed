"""Automation rules and their runs; the dry run's deal query and the least-loaded user."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from adapters.db.repositories.base import SqlRepository, in_organisation
from adapters.db.repositories.visibility import subtree_members, visible
from adapters.db.tables.activities import tasks
from adapters.db.tables.automation import automation_rule_runs, automation_rules
from adapters.db.tables.clients import clients
from adapters.db.tables.deals import deals
from adapters.db.tables.staff import roles, users
from domain.automation.model import (
    STAYED_EVENT,
    Condition,
    ConditionKind,
    Rule,
    RuleRun,
    RunStatus,
    Trigger,
    TriggerKind,
    parse_actions,
    parse_conditions,
)
from domain.automation.ports import DealMatch, RunFilter, Stay
from domain.shared.scope import Scope


def _rule(row: sa.RowMapping) -> Rule:
    return Rule(
        id=row["id"],
        organisation_id=row["organisation_id"],
        name=row["name"],
        is_enabled=row["is_enabled"],
        trigger=Trigger.parse(row["trigger"]),
        conditions=parse_conditions(row["conditions"]),
        actions=parse_actions(row["actions"]),
        created_by=row["created_by"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        last_run_at=row.get("last_run_at"),
        version=row["version"],
    )


def _rule_values(rule: Rule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "is_enabled": rule.is_enabled,
        "trigger_event": rule.trigger.event_name,
        "trigger": rule.trigger.to_json(),
        "conditions": [c.to_json() for c in rule.conditions],
        "actions": [a.to_json() for a in rule.actions],
        "updated_at": rule.updated_at or sa.func.now(),
    }


def _run(row: sa.RowMapping) -> RuleRun:
    return RuleRun(
        id=row["id"],
        organisation_id=row["organisation_id"],
        rule_id=row["rule_id"],
        event_id=row["event_id"],
        event_name=row["event_name"],
        status=RunStatus(row["status"]),
        reason=row["reason"],
        actions=tuple(row["actions"] or ()),
        deal_id=row["deal_id"],
        client_id=row["client_id"],
        depth=row["depth"],
        occurrence_at=row["occurrence_at"],
        at=row["at"],
    )


def _last_run() -> sa.Label[Any]:
    r = automation_rule_runs
    return (
        sa.select(sa.func.max(r.c.at))
        .where(
            r.c.organisation_id == automation_rules.c.organisation_id,
            r.c.rule_id == automation_rules.c.id,
        )
        .scalar_subquery()
        .label("last_run_at")
    )


class SqlAutomationRepository(SqlRepository):
    async def add(self, rule: Rule) -> None:
        await self._conn.execute(
            sa.insert(automation_rules).values(
                id=rule.id,
                organisation_id=rule.organisation_id,
                created_by=rule.created_by,
                created_at=rule.created_at or sa.func.now(),
                **_rule_values(rule),
            )
        )

    async def get(self, scope: Scope, rule_id: UUID, *, for_update: bool = False) -> Rule | None:
        t = automation_rules
        query = sa.select(t, _last_run()).where(in_organisation(t, scope), t.c.id == rule_id)
        if for_update:
            query = query.with_for_update(of=t)
        row = (await self._conn.execute(query)).mappings().first()
        return _rule(row) if row else None

    async def update(self, rule: Rule, expected_version: int) -> None:
        await self._update_versioned(
            automation_rules,
            entity="Automation rule",
            ident=rule.id,
            organisation_id=rule.organisation_id,
            expected_version=expected_version,
            values=_rule_values(rule),
        )
        rule.version = expected_version + 1

    async def delete(self, scope: Scope, rule_id: UUID) -> None:
        t = automation_rules
        await self._conn.execute(sa.delete(t).where(in_organisation(t, scope), t.c.id == rule_id))

    async def list(
        self, scope: Scope, *, limit: int, after: tuple[datetime, UUID] | None = None
    ) -> Sequence[Rule]:
        t = automation_rules
        query = sa.select(t, _last_run()).where(in_organisation(t, scope))
        if after is not None:
            query = query.where(sa.tuple_(t.c.created_at, t.c.id) < sa.tuple_(*after))
        rows = await self._conn.execute(
            query.order_by(t.c.created_at.desc(), t.c.id.desc()).limit(limit)
        )
        return [_rule(row) for row in rows.mappings()]

    async def enabled_for_event(self, organisation_id: UUID, event_name: str) -> Sequence[Rule]:
        t = automation_rules
        rows = await self._conn.execute(
            sa.select(t)
            .where(
                t.c.organisation_id == organisation_id,
                t.c.trigger_event == event_name,
                t.c.is_enabled,
            )
            .order_by(t.c.created_at, t.c.id)
        )
        return [_rule(row) for row in rows.mappings()]

    async def enabled_time_based(self, *, limit: int) -> Sequence[Rule]:
        t = automation_rules
        rows = await self._conn.execute(
            sa.select(t)
            .where(t.c.trigger_event == STAYED_EVENT, t.c.is_enabled)
            .order_by(t.c.organisation_id, t.c.created_at)
            .limit(limit)
        )
        return [_rule(row) for row in rows.mappings()]

    async def claim_run(self, run: RuleRun) -> bool:
        result = await self._conn.execute(
            insert(automation_rule_runs)
            .values(_run_values(run))
            .on_conflict_do_nothing(index_elements=["organisation_id", "rule_id", "event_id"])
            .returning(automation_rule_runs.c.id)
        )
        return result.first() is not None

    async def save_run(self, run: RuleRun) -> None:
        r = automation_rule_runs
        await self._conn.execute(
            sa.update(r)
            .where(r.c.organisation_id == run.organisation_id, r.c.id == run.id)
            .values(
                status=run.status.value,
                reason=run.reason,
                actions=list(run.actions),
                client_id=run.client_id,
            )
        )

    async def list_runs(
        self,
        scope: Scope,
        found: RunFilter,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[RuleRun]:
        r = automation_rule_runs
        query = sa.select(r).where(in_organisation(r, scope))
        if found.rule_id is not None:
            query = query.where(r.c.rule_id == found.rule_id)
        if found.deal_id is not None:
            query = query.where(r.c.deal_id == found.deal_id)
        if found.client_id is not None:
            query = query.where(r.c.client_id == found.client_id)
        if after is not None:
            query = query.where(sa.tuple_(r.c.at, r.c.id) < sa.tuple_(*after))
        rows = await self._conn.execute(query.order_by(r.c.at.desc(), r.c.id.desc()).limit(limit))
        return [_run(row) for row in rows.mappings()]

    async def due_stays(
        self, rule: Rule, *, entered_before: datetime, limit: int
    ) -> Sequence[Stay]:
        d, r = deals, automation_rule_runs
        ran = sa.exists().where(
            r.c.organisation_id == d.c.organisation_id,
            r.c.rule_id == rule.id,
            r.c.deal_id == d.c.id,
            r.c.occurrence_at == d.c.stage_entered_at,
        )
        rows = await self._conn.execute(
            sa.select(d.c.id, d.c.stage_entered_at)
            .where(
                d.c.organisation_id == rule.organisation_id,
                d.c.stage_id == rule.trigger.stage_id,
                d.c.status == "open",
                d.c.stage_entered_at <= entered_before,
                ~ran,
            )
            .order_by(d.c.stage_entered_at, d.c.id)
            .limit(limit)
        )
        return [Stay(deal_id=row.id, stage_entered_at=row.stage_entered_at) for row in rows]

    async def matching_deals(
        self,
        scope: Scope,
        trigger: Trigger,
        conditions: Sequence[Condition],
        *,
        now: datetime,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[DealMatch]:
        d = deals
        where: list[sa.ColumnElement[bool]] = [
            d.c.organisation_id == scope.organisation_id,
            visible(d.c.responsible_id, scope),
        ]
        match trigger.kind:
            case TriggerKind.DEAL_WON:
                where.append(d.c.status == "won")
            case TriggerKind.DEAL_LOST:
                where.append(d.c.status == "lost")
            case _:
                where.append(d.c.status == "open")
        if trigger.stage_id is not None and trigger.kind is not TriggerKind.DEAL_LEFT_STAGE:
            where.append(d.c.stage_id == trigger.stage_id)
        if trigger.kind is TriggerKind.DEAL_STAYED_IN_STAGE and trigger.days is not None:
            where.append(d.c.stage_entered_at <= now - timedelta(days=trigger.days))
        where.extend(self._condition(scope.organisation_id, c) for c in conditions)
        if after is not None:
            where.append(sa.tuple_(d.c.stage_entered_at, d.c.id) < sa.tuple_(*after))
        rows = await self._conn.execute(
            sa.select(
                d.c.id,
                d.c.title,
                d.c.client_id,
                d.c.funnel_id,
                d.c.stage_id,
                d.c.responsible_id,
                d.c.amount,
                d.c.currency,
                d.c.stage_entered_at,
            )
            .where(*where)
            .order_by(d.c.stage_entered_at.desc(), d.c.id.desc())
            .limit(limit)
        )
        return [DealMatch(**row._mapping) for row in rows]

    @staticmethod
    def _condition(organisation_id: UUID, condition: Condition) -> sa.ColumnElement[bool]:
        d = deals
        match condition.kind:
            case ConditionKind.FUNNEL:
                return d.c.funnel_id.in_(condition.ids)
            case ConditionKind.STAGE:
                return d.c.stage_id.in_(condition.ids)
            case ConditionKind.AMOUNT:
                parts: list[sa.ColumnElement[bool]] = []
                if condition.min_amount is not None:
                    parts.append(d.c.amount >= condition.min_amount)
                if condition.max_amount is not None:
                    parts.append(d.c.amount <= condition.max_amount)
                return sa.and_(*parts)
            case ConditionKind.SOURCE:
                return d.c.source_channel.in_(condition.values)
            case ConditionKind.TAGS:
                return sa.exists().where(
                    clients.c.organisation_id == d.c.organisation_id,
                    clients.c.id == d.c.client_id,
                    clients.c.segment_tags.overlap(list(condition.values)),
                )
            case ConditionKind.CUSTOM_FIELD:
                stored: sa.ColumnElement[bool] = (
                    d.c.custom_fields[condition.field or ""].astext == condition.value
                )
                return stored
            case ConditionKind.RESPONSIBLE_ROLE:
                return d.c.responsible_id.in_(
                    sa.select(users.c.id)
                    .join(
                        roles,
                        sa.and_(
                            roles.c.organisation_id == users.c.organisation_id,
                            roles.c.id == users.c.role_id,
                        ),
                    )
                    .where(
                        users.c.organisation_id == organisation_id,
                        roles.c.code.in_(condition.values),
                    )
                )
            case ConditionKind.RESPONSIBLE_DEPARTMENT:
                return sa.or_(
                    *(
                        d.c.responsible_id.in_(subtree_members(organisation_id, department_id))
                        for department_id in condition.ids
                    )
                )
        raise AssertionError(condition.kind)  # pragma: no cover

    async def least_loaded_user(self, organisation_id: UUID, role_code: str) -> UUID | None:
        u, t = users, tasks
        open_tasks = (
            sa.select(sa.func.count())
            .where(
                t.c.organisation_id == u.c.organisation_id,
                t.c.assignee_id == u.c.id,
                t.c.done_at.is_(None),
            )
            .scalar_subquery()
        )
        return await self._conn.scalar(
            sa.select(u.c.id)
            .join(
                roles,
                sa.and_(roles.c.organisation_id == u.c.organisation_id, roles.c.id == u.c.role_id),
            )
            .where(u.c.organisation_id == organisation_id, u.c.is_active, roles.c.code == role_code)
            .order_by(open_tasks, u.c.created_at, u.c.id)
            .limit(1)
        )


def _run_values(run: RuleRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "organisation_id": run.organisation_id,
        "rule_id": run.rule_id,
        "event_id": run.event_id,
        "event_name": run.event_name,
        "status": run.status.value,
        "reason": run.reason,
        "actions": list(run.actions),
        "deal_id": run.deal_id,
        "client_id": run.client_id,
        "depth": run.depth,
        "occurrence_at": run.occurrence_at,
        "at": run.at,
    }
