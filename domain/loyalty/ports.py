"""What the loyalty context needs from persistence."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.loyalty.model import NpsRow, Survey
from domain.shared.scope import Scope


class SurveyRepository(Protocol):
    async def add(self, survey: Survey) -> bool:
        """False when the deal has its survey already."""
        ...

    async def of_deal(self, organisation_id: UUID, deal_id: UUID) -> Survey | None: ...
    async def by_token(self, token_hash: str) -> Survey | None:
        """The survey whose current link has this digest, across organisations (a link is
        presented without its organisation), locked for the answer."""
        ...

    async def save(self, survey: Survey) -> None: ...
    async def organisation_name(self, organisation_id: UUID) -> str: ...
    async def nps(self, scope: Scope, starts_at: datetime, ends_at: datetime) -> Sequence[NpsRow]:
        """Per responsible the caller sees: answers in the period by category, and surveys."""
        ...
