from __future__ import annotations

from uuid import UUID

from pydantic import Field

from api.schemas.base import Schema
from domain.funnels.model import LOSS_REASON_NAME_MAX


class LossReasonCreate(Schema):
    name: str = Field(min_length=1, max_length=LOSS_REASON_NAME_MAX)
    position: int | None = Field(default=None, ge=0)


class LossReasonUpdate(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=LOSS_REASON_NAME_MAX)
    is_active: bool | None = None
    position: int | None = Field(default=None, ge=0)


class LossReasonRead(Schema):
    id: UUID
    name: str
    is_active: bool
    position: int
    version: int
