from __future__ import annotations

from uuid import UUID

from pydantic import Field

from api.schemas.base import Name, Schema, given_unless_null
from domain.funnels.commands import CreateLossReason, UpdateLossReason
from domain.funnels.model import LOSS_REASON_NAME_MAX, POSITION_MAX


class LossReasonCreate(Schema):
    name: Name = Field(min_length=1, max_length=LOSS_REASON_NAME_MAX)
    position: int | None = Field(default=None, ge=0, le=POSITION_MAX)

    def to_command(self) -> CreateLossReason:
        return CreateLossReason(name=self.name, position=self.position)


class LossReasonUpdate(Schema):
    name: Name | None = Field(default=None, min_length=1, max_length=LOSS_REASON_NAME_MAX)
    is_active: bool | None = None
    position: int | None = Field(default=None, ge=0, le=POSITION_MAX)

    def to_command(self) -> UpdateLossReason:
        """Null changes nothing."""
        return UpdateLossReason(
            name=given_unless_null(self, "name", self.name),
            is_active=given_unless_null(self, "is_active", self.is_active),
            position=given_unless_null(self, "position", self.position),
        )


class LossReasonRead(Schema):
    id: UUID
    name: str
    is_active: bool
    position: int
    version: int


class LossReasonOrder(Schema):
    reason_ids: list[UUID] = Field(
        max_length=1000,
        description="Every loss reason of the organisation (deactivated ones too), in the new "
        "order",
    )
