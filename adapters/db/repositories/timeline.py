"""The timeline of a client or a deal: a read model over tasks, activities, comments, stage
moves, relationship transitions and calls, merged in SQL: one UNION ALL per page, newest first, of a
top-N per kind and subject."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from adapters.db.repositories.base import SqlRepository
from adapters.db.repositories.visibility import visible
from adapters.db.tables.activities import activities, comments, tasks
from adapters.db.tables.callscripts import call_script_runs, call_scripts
from adapters.db.tables.clients import relationship_transitions
from adapters.db.tables.complaints import complaint_transitions
from adapters.db.tables.deals import deals, stage_moves
from adapters.db.tables.funnels import stages
from adapters.db.tables.staff import users
from adapters.db.tables.telephony import calls
from domain.activities.ports import SubjectScopes, TimelineItem, TimelineKind


def _json(*pairs: Any) -> sa.ColumnElement[Any]:
    return sa.func.jsonb_build_object(*pairs, type_=JSONB)


def _of(table: sa.FromClause, reference: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    """The row of ``table`` a stage move's ``reference`` names, in its organisation."""
    return sa.and_(
        table.c.organisation_id == stage_moves.c.organisation_id, table.c.id == reference
    )


class SqlTimelineQueries(SqlRepository):
    async def for_subject(
        self,
        scopes: SubjectScopes,
        *,
        client_id: UUID | None,
        deal_id: UUID | None,
        kinds: frozenset[TimelineKind],
        limit: int,
        after: tuple[datetime, str, UUID] | None = None,
    ) -> Sequence[TimelineItem]:
        query = _statement(scopes, deal_id is not None, kinds, after[1] if after else None)
        if query is None:
            return []
        params: dict[str, object] = {"limit": limit}
        params["deal_id" if deal_id is not None else "client_id"] = deal_id or client_id
        if after is not None:
            params.update(after_at=after[0], after_kind=after[1], after_id=after[2])
        return [
            TimelineItem(
                at=r.at,
                kind=TimelineKind(r.kind),
                id=r.id,
                client_id=r.client_id,
                deal_id=r.deal_id,
                actor_id=r.actor_id,
                title=r.title,
                body=r.body,
                data=dict(r.data or {}),
                deal_title=r.deal_title,
                actor_name=r.actor_name,
            )
            for r in await self._conn.execute(query, params)
        ]


# The page's values travel as parameters, so one statement serves every subject and page of a
# shape: it is built, and its cache key computed, once per shape instead of on every request.
_CLIENT_ID = sa.bindparam("client_id", type_=deals.c.client_id.type)
_DEAL_ID = sa.bindparam("deal_id", type_=deals.c.id.type)
_LIMIT = sa.bindparam("limit", type_=sa.Integer())
_AFTER_AT = sa.bindparam("after_at", type_=tasks.c.created_at.type)
_AFTER_KIND = sa.bindparam("after_kind", type_=sa.String())
_AFTER_ID = sa.bindparam("after_id", type_=tasks.c.id.type)


@functools.lru_cache(maxsize=512)
def _statement(
    scopes: SubjectScopes,
    of_deal: bool,
    kinds: frozenset[TimelineKind],
    after_kind: str | None,
) -> sa.Select[Any] | None:
    """The timeline of a deal (``of_deal``) or of a client, as the caller ``scopes`` sees it,
    after a cursor of ``after_kind`` (the branches' conditions depend on it) or from the top;
    None when the caller may see none of ``kinds``. Cached by shape: a caller's scopes change
    with their role, department or day, which makes a new entry."""
    org = scopes.organisation_id
    client_id = _CLIENT_ID
    deal_id = _DEAL_ID
    limit = _LIMIT
    # The visible deals of the client as an array (one InitPlan), so each branch below
    # is an index scan on (organisation_id, deal_id, at) for those deals, not a scan of
    # the organisation's items tested against a set.
    visible_deal_ids = sa.select(sa.func.array_agg(deals.c.id)).where(
        deals.c.organisation_id == org,
        deals.c.client_id == client_id,
        visible(deals.c.responsible_id, scopes.deals),
    )
    # The cast makes it ANY(array), not ANY(subquery).
    any_visible_deal = sa.any_(sa.cast(visible_deal_ids.scalar_subquery(), ARRAY(deals.c.id.type)))

    def on_subject(table: sa.Table) -> list[sa.ColumnElement[bool]]:
        """Items of the deal; or of the client itself plus its deals the caller sees: one
        condition per index-served branch (the client's own items; its deals' items)."""
        if of_deal:
            return [sa.and_(table.c.organisation_id == org, table.c.deal_id == deal_id)]
        own = sa.and_(
            table.c.organisation_id == org,
            table.c.client_id == client_id,
            table.c.deal_id.is_(None),
        )
        if not scopes.deal_items:  # without deals:read, nothing of the client's deals
            return [own]
        of_deals = sa.and_(table.c.organisation_id == org, table.c.deal_id == any_visible_deal)
        return [own, of_deals]

    branches: list[sa.Select[Any]] = []

    def top(
        kind: TimelineKind,
        query: sa.Select[Any],
        at: sa.ColumnElement[datetime],
        ident: sa.ColumnElement[UUID],
    ) -> None:
        """A branch as its own top-N, newest first after the cursor, which the index on
        (organisation_id, client_id or deal_id, at) serves; the outer query merges the
        branches' few rows. The cursor's order is (at, kind, id) and every row of a branch
        has the same kind; the kinds are lower-case ASCII words, so Python orders them as
        the database does."""
        if after_kind is not None:
            if kind.value == after_kind:
                query = query.where(
                    at <= _AFTER_AT, sa.tuple_(at, ident) < sa.tuple_(_AFTER_AT, _AFTER_ID)
                )
            elif kind.value < after_kind:
                query = query.where(at <= _AFTER_AT)
            else:
                query = query.where(at < _AFTER_AT)
        branches.append(query.order_by(at.desc(), ident.desc()).limit(limit))

    if not scopes.tasks:
        kinds = kinds - {TimelineKind.TASK}
    if not scopes.deal_items:
        kinds = kinds - {TimelineKind.STAGE_MOVE}
    if TimelineKind.TASK in kinds:
        for condition in on_subject(tasks):
            top(
                TimelineKind.TASK,
                sa.select(
                    tasks.c.created_at.label("at"),
                    sa.literal(TimelineKind.TASK.value).label("kind"),
                    tasks.c.id,
                    tasks.c.client_id,
                    tasks.c.deal_id,
                    tasks.c.created_by.label("actor_id"),
                    tasks.c.title,
                    tasks.c.description.label("body"),
                    _json(
                        "assignee_id",
                        tasks.c.assignee_id,
                        "due_at",
                        tasks.c.due_at,
                        "done_at",
                        tasks.c.done_at,
                        "priority",
                        tasks.c.priority,
                    ).label("data"),
                ).where(condition),
                tasks.c.created_at,
                tasks.c.id,
            )
    if TimelineKind.ACTIVITY in kinds:
        for condition in on_subject(activities):
            top(
                TimelineKind.ACTIVITY,
                sa.select(
                    activities.c.occurred_at.label("at"),
                    sa.literal(TimelineKind.ACTIVITY.value).label("kind"),
                    activities.c.id,
                    activities.c.client_id,
                    activities.c.deal_id,
                    activities.c.author_id.label("actor_id"),
                    activities.c.subject.label("title"),
                    activities.c.body,
                    _json(
                        "kind",
                        activities.c.kind,
                        "direction",
                        activities.c.direction,
                        "duration_seconds",
                        activities.c.duration_seconds,
                    ).label("data"),
                ).where(condition),
                activities.c.occurred_at,
                activities.c.id,
            )
    if TimelineKind.COMMENT in kinds:
        for condition in on_subject(comments):
            top(
                TimelineKind.COMMENT,
                sa.select(
                    comments.c.created_at.label("at"),
                    sa.literal(TimelineKind.COMMENT.value).label("kind"),
                    comments.c.id,
                    comments.c.client_id,
                    comments.c.deal_id,
                    comments.c.author_id.label("actor_id"),
                    sa.null().label("title"),
                    comments.c.body,
                    _json(
                        "parent_id", comments.c.parent_id, "edited_at", comments.c.edited_at
                    ).label("data"),
                ).where(condition),
                comments.c.created_at,
                comments.c.id,
            )
    if TimelineKind.STAGE_MOVE in kinds:
        from_stage = stages.alias("from_stage")
        to_stage = stages.alias("to_stage")
        top(
            TimelineKind.STAGE_MOVE,
            sa.select(
                stage_moves.c.at,
                sa.literal(TimelineKind.STAGE_MOVE.value).label("kind"),
                stage_moves.c.id,
                deals.c.client_id if of_deal else client_id.label("client_id"),
                stage_moves.c.deal_id,
                stage_moves.c.by_user_id.label("actor_id"),
                sa.null().label("title"),
                sa.null().label("body"),
                _json(
                    "move",
                    stage_moves.c.kind,
                    "from_stage_id",
                    stage_moves.c.from_stage_id,
                    "from_stage",
                    from_stage.c.name,
                    "to_stage_id",
                    stage_moves.c.to_stage_id,
                    "to_stage",
                    to_stage.c.name,
                    "from_status",
                    stage_moves.c.from_status,
                    "to_status",
                    stage_moves.c.to_status,
                    "seconds_in_previous",
                    stage_moves.c.seconds_in_previous,
                ).label("data"),
            )
            .select_from(
                # A client's stage moves are those of its visible deals (the index on
                # organisation_id, deal_id, at), not a join the planner could drive from
                # the organisation's newest moves.
                (
                    stage_moves.join(deals, _of(deals, stage_moves.c.deal_id))
                    if of_deal
                    else stage_moves
                )
                .outerjoin(from_stage, _of(from_stage, stage_moves.c.from_stage_id))
                .outerjoin(to_stage, _of(to_stage, stage_moves.c.to_stage_id))
            )
            .where(
                stage_moves.c.organisation_id == org,
                stage_moves.c.deal_id == deal_id
                if of_deal
                else stage_moves.c.deal_id == any_visible_deal,
            ),
            stage_moves.c.at,
            stage_moves.c.id,
        )
    if TimelineKind.RELATIONSHIP in kinds:
        rt = relationship_transitions
        top(
            TimelineKind.RELATIONSHIP,
            sa.select(
                rt.c.at,
                sa.literal(TimelineKind.RELATIONSHIP.value).label("kind"),
                rt.c.id,
                rt.c.client_id,
                rt.c.deal_id,
                rt.c.actor_id,
                sa.null().label("title"),
                rt.c.reason.label("body"),
                _json(
                    "from_type", rt.c.from_type, "to_type", rt.c.to_type, "reason", rt.c.reason
                ).label("data"),
            ).where(
                rt.c.organisation_id == org,
                rt.c.deal_id == deal_id if of_deal else rt.c.client_id == client_id,
            ),
            rt.c.at,
            rt.c.id,
        )
    if TimelineKind.CALL in kinds:
        for condition in on_subject(calls):
            top(
                TimelineKind.CALL,
                sa.select(
                    calls.c.started_at.label("at"),
                    sa.literal(TimelineKind.CALL.value).label("kind"),
                    calls.c.id,
                    calls.c.client_id,
                    calls.c.deal_id,
                    calls.c.employee_id.label("actor_id"),
                    sa.null().label("title"),
                    sa.null().label("body"),
                    _json(
                        "direction",
                        calls.c.direction,
                        "result",
                        calls.c.result,
                        "duration_seconds",
                        calls.c.duration_seconds,
                        "talk_seconds",
                        calls.c.talk_seconds,
                        "client_number",
                        calls.c.client_number,
                        "company_number",
                        calls.c.company_number,
                        "source",
                        calls.c.source,
                        "campaign",
                        calls.c.campaign,
                        "extension",
                        calls.c.extension,
                        "recording_id",
                        calls.c.recording_id,
                        "recording_url",
                        calls.c.recording_url,
                        "recording_status",
                        calls.c.recording_status,
                        "recording_available",
                        calls.c.recording_status == "stored",
                        "callback_task_id",
                        calls.c.callback_task_id,
                    ).label("data"),
                ).where(condition),
                calls.c.started_at,
                calls.c.id,
            )
    if TimelineKind.COMPLAINT in kinds and scopes.complaints:
        ct = complaint_transitions
        for condition in on_subject(ct):
            top(
                TimelineKind.COMPLAINT,
                sa.select(
                    ct.c.at,
                    sa.literal(TimelineKind.COMPLAINT.value).label("kind"),
                    ct.c.id,
                    ct.c.client_id,
                    ct.c.deal_id,
                    ct.c.actor_id,
                    sa.null().label("title"),
                    ct.c.resolution.label("body"),
                    _json(
                        "complaint_id",
                        ct.c.complaint_id,
                        "complaint_kind",
                        ct.c.kind,
                        "from_status",
                        ct.c.from_status,
                        "to_status",
                        ct.c.to_status,
                    ).label("data"),
                ).where(condition),
                ct.c.at,
                ct.c.id,
            )
    if TimelineKind.CALL_SCRIPT in kinds:
        runs = call_script_runs
        script_name = (
            sa.select(call_scripts.c.name)
            .where(
                call_scripts.c.organisation_id == runs.c.organisation_id,
                call_scripts.c.id == runs.c.script_id,
            )
            .scalar_subquery()
        )
        for condition in on_subject(runs):
            top(
                TimelineKind.CALL_SCRIPT,
                sa.select(
                    runs.c.finished_at.label("at"),
                    sa.literal(TimelineKind.CALL_SCRIPT.value).label("kind"),
                    runs.c.id,
                    runs.c.client_id,
                    runs.c.deal_id,
                    runs.c.user_id.label("actor_id"),
                    script_name.label("title"),
                    sa.null().label("body"),
                    _json(
                        "script_id",
                        runs.c.script_id,
                        "outcome",
                        runs.c.outcome,
                        "steps",
                        sa.func.jsonb_array_length(runs.c.path),
                        "call_list_id",
                        runs.c.call_list_id,
                    ).label("data"),
                ).where(condition),
                runs.c.finished_at,
                runs.c.id,
            )
    if not branches:
        return None
    merged = sa.union_all(*branches).subquery("timeline")
    # The page's deal titles and actors' names by key, in the same statement: a join on
    # the page's few rows, not a lookup per item.
    deal = deals.alias("item_deal")
    query = sa.select(
        merged, deal.c.title.label("deal_title"), users.c.full_name.label("actor_name")
    ).select_from(
        merged.outerjoin(
            deal, sa.and_(deal.c.organisation_id == org, deal.c.id == merged.c.deal_id)
        ).outerjoin(users, sa.and_(users.c.organisation_id == org, users.c.id == merged.c.actor_id))
    )
    if after_kind is not None:
        query = query.where(
            sa.tuple_(merged.c.at, merged.c.kind, merged.c.id)
            < sa.tuple_(_AFTER_AT, _AFTER_KIND, _AFTER_ID)
        )
    return query.order_by(merged.c.at.desc(), merged.c.kind.desc(), merged.c.id.desc()).limit(limit)
