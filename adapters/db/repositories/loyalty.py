"""Loyalty surveys in SQL, and NPS per account manager counted by PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from adapters.db.repositories.base import SqlRepository
from adapters.db.repositories.visibility import owned_by, visible_owner_ids
from adapters.db.tables.loyalty import surveys
from adapters.db.tables.staff import organisations, users
from domain.loyalty.model import NpsRow, Survey
from domain.shared.scope import Scope


def _survey(row: Any) -> Survey:
    return Survey(
        id=row.id,
        organisation_id=row.organisation_id,
        client_id=row.client_id,
        deal_id=row.deal_id,
        responsible_id=row.responsible_id,
        token_hash=row.token_hash,
        link_expires_at=row.link_expires_at,
        score=row.score,
        comment=row.comment,
        answered_at=row.answered_at,
        created_at=row.created_at,
    )


class SqlSurveyRepository(SqlRepository):
    async def add(self, survey: Survey) -> bool:
        result = await self._conn.execute(
            insert(surveys)
            .values(
                id=survey.id,
                organisation_id=survey.organisation_id,
                client_id=survey.client_id,
                deal_id=survey.deal_id,
                responsible_id=survey.responsible_id,
                created_at=survey.created_at,
            )
            .on_conflict_do_nothing()
        )
        return bool(result.rowcount)

    async def of_deal(self, organisation_id: UUID, deal_id: UUID) -> Survey | None:
        row = (
            await self._conn.execute(
                sa.select(surveys).where(
                    surveys.c.organisation_id == organisation_id, surveys.c.deal_id == deal_id
                )
            )
        ).one_or_none()
        return None if row is None else _survey(row)

    async def by_token(self, token_hash: str) -> Survey | None:
        row = (
            await self._conn.execute(
                sa.select(surveys).where(surveys.c.token_hash == token_hash).with_for_update()
            )
        ).one_or_none()
        return None if row is None else _survey(row)

    async def save(self, survey: Survey) -> None:
        await self._conn.execute(
            sa.update(surveys)
            .where(surveys.c.organisation_id == survey.organisation_id, surveys.c.id == survey.id)
            .values(
                token_hash=survey.token_hash,
                link_expires_at=survey.link_expires_at,
                score=survey.score,
                comment=survey.comment,
                answered_at=survey.answered_at,
            )
        )

    async def organisation_name(self, organisation_id: UUID) -> str:
        name = await self._conn.scalar(
            sa.select(organisations.c.name).where(organisations.c.id == organisation_id)
        )
        return str(name or "")

    async def nps(self, scope: Scope, starts_at: datetime, ends_at: datetime) -> Sequence[NpsRow]:
        owners = await visible_owner_ids(self._conn, scope)
        org = scope.organisation_id
        owner = surveys.c.responsible_id
        answered = (
            sa.select(
                owner.label("user_id"),
                sa.func.count().filter(surveys.c.score >= 9).label("promoters"),
                sa.func.count().filter(surveys.c.score.between(7, 8)).label("passives"),
                sa.func.count().filter(surveys.c.score <= 6).label("detractors"),
                sa.literal(0).label("surveys"),
            )
            .where(
                surveys.c.organisation_id == org,
                surveys.c.answered_at >= starts_at,
                surveys.c.answered_at < ends_at,
                owned_by(owner, owners),
            )
            .group_by(owner)
        )
        made = (
            sa.select(
                owner.label("user_id"),
                sa.literal(0),
                sa.literal(0),
                sa.literal(0),
                sa.func.count(),
            )
            .where(
                surveys.c.organisation_id == org,
                surveys.c.created_at >= starts_at,
                surveys.c.created_at < ends_at,
                owned_by(owner, owners),
            )
            .group_by(owner)
        )
        both = sa.union_all(answered, made).subquery("both")
        rows = await self._conn.execute(
            sa.select(
                both.c.user_id,
                users.c.full_name,
                sa.func.sum(both.c.promoters).label("promoters"),
                sa.func.sum(both.c.passives).label("passives"),
                sa.func.sum(both.c.detractors).label("detractors"),
                sa.func.sum(both.c.surveys).label("surveys"),
            )
            .join(users, sa.and_(users.c.organisation_id == org, users.c.id == both.c.user_id))
            .group_by(both.c.user_id, users.c.full_name)
        )
        return [
            NpsRow(
                user_id=r.user_id,
                name=r.full_name,
                promoters=int(r.promoters),
                passives=int(r.passives),
                detractors=int(r.detractors),
                surveys=int(r.surveys),
            )
            for r in rows
        ]
