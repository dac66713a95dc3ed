from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import Field

from api.schemas.base import Name, Percent, Schema, Text, given, given_unless_null
from domain.funnels.commands import CreateFunnel, UpdateFunnel, UpdateStage
from domain.funnels.model import (
    EXPECTED_RESULT_MAX,
    FUNNEL_NAME_MAX,
    POSITION_MAX,
    STAGE_NAME_MAX,
    Funnel,
    FunnelTemplate,
    Stage,
    StageGroup,
    StageSpec,
)

Probability = Annotated[Percent, Field(description="Win probability, percent")]


class StageCreate(Schema):
    name: Name = Field(min_length=1, max_length=STAGE_NAME_MAX)
    probability: Probability = Decimal(0)
    expected_result: Text | None = Field(default=None, max_length=EXPECTED_RESULT_MAX)
    required_fields: list[Name] = Field(
        default_factory=list,
        description="Deal fields to fill before entering: amount, contact_id, "
        "expected_close_date, expected_margin, products, source_channel or custom:<key>",
    )
    required_documents: list[Name] = Field(
        default_factory=list, description="Document type codes to attach before entering"
    )
    max_days: int | None = Field(default=None, ge=1, le=3650)
    group: StageGroup = StageGroup.SALE

    def spec(self) -> StageSpec:
        return StageSpec(
            name=self.name,
            probability=self.probability,
            expected_result=self.expected_result,
            required_fields=tuple(self.required_fields),
            required_documents=tuple(self.required_documents),
            max_days=self.max_days,
            group=self.group,
        )


class StageAdd(StageCreate):
    position: int | None = Field(
        default=None, ge=0, le=POSITION_MAX, description="0-based; the end by default"
    )


class StageUpdate(Schema):
    name: Name | None = Field(default=None, min_length=1, max_length=STAGE_NAME_MAX)
    probability: Probability | None = None
    expected_result: Text | None = Field(default=None, max_length=EXPECTED_RESULT_MAX)
    required_fields: list[Name] | None = None
    required_documents: list[Name] | None = None
    max_days: int | None = Field(default=None, ge=1, le=3650, description="null: no limit")
    group: StageGroup | None = None

    def to_command(self) -> UpdateStage:
        """Null clears expected_result and max_days; elsewhere it changes nothing."""
        return UpdateStage(
            name=given_unless_null(self, "name", self.name),
            probability=given_unless_null(self, "probability", self.probability),
            expected_result=given(self, "expected_result", self.expected_result),
            required_fields=given_unless_null(self, "required_fields", self.required_fields),
            required_documents=given_unless_null(
                self, "required_documents", self.required_documents
            ),
            max_days=given(self, "max_days", self.max_days),
            group=given_unless_null(self, "group", self.group),
        )


class StageRead(Schema):
    id: UUID
    funnel_id: UUID
    name: str
    position: int
    probability: Decimal
    expected_result: str | None
    required_fields: list[str]
    required_documents: list[str]
    max_days: int | None
    group: StageGroup

    @classmethod
    def of(cls, stage: Stage) -> StageRead:
        return cls(
            id=stage.id,
            funnel_id=stage.funnel_id,
            name=stage.name,
            position=stage.position,
            probability=stage.probability,
            expected_result=stage.expected_result,
            required_fields=list(stage.required_fields),
            required_documents=list(stage.required_documents),
            max_days=stage.max_days,
            group=stage.group,
        )


class FunnelCreate(Schema):
    template: FunnelTemplate | None = Field(
        default=None, description="sales, b2b_project or simple_sale: the template's stages"
    )
    name: Name | None = Field(
        default=None,
        min_length=1,
        max_length=FUNNEL_NAME_MAX,
        description="Required without a template",
    )
    stages: list[StageCreate] = Field(default_factory=list, description="Without a template")
    is_default: bool = False

    def to_command(self) -> CreateFunnel:
        return CreateFunnel(
            name=self.name,
            template=self.template,
            stages=[s.spec() for s in self.stages],
            is_default=self.is_default,
        )


class FunnelUpdate(Schema):
    name: Name | None = Field(default=None, min_length=1, max_length=FUNNEL_NAME_MAX)
    is_default: bool | None = Field(default=None, description="true makes it the default")

    def to_command(self) -> UpdateFunnel:
        """Null changes nothing."""
        return UpdateFunnel(
            name=given_unless_null(self, "name", self.name),
            is_default=given_unless_null(self, "is_default", self.is_default),
        )


class FunnelOrder(Schema):
    funnel_ids: list[UUID] = Field(
        max_length=1000, description="Every funnel of the organisation, in the new order"
    )


class StageOrder(Schema):
    stage_ids: list[UUID] = Field(description="Every stage of the funnel, in the new order")


class FunnelRead(Schema):
    id: UUID
    name: str
    template: FunnelTemplate | None
    is_default: bool
    position: int
    stages: list[StageRead]
    warnings: list[str] = Field(description="E.g. more than 7 stages")
    version: int

    @classmethod
    def of(cls, funnel: Funnel) -> FunnelRead:
        return cls(
            id=funnel.id,
            name=funnel.name,
            template=funnel.template,
            is_default=funnel.is_default,
            position=funnel.position,
            stages=[StageRead.of(s) for s in funnel.stages],
            warnings=funnel.warnings,
            version=funnel.version,
        )
