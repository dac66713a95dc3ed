from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from api.schemas.base import Schema, Text
from domain.loyalty.model import COMMENT_MAX, SCORE_MAX, NpsRow, Survey
from domain.loyalty.services import PublicSurvey


class SurveyRead(Schema):
    id: UUID
    deal_id: UUID
    client_id: UUID
    responsible_id: UUID
    created_at: datetime = Field(description="When the deal closed")
    link_expires_at: datetime | None = Field(description="null until a link is issued")
    answered_at: datetime | None
    score: int | None
    comment: str | None

    @classmethod
    def of(cls, s: Survey) -> SurveyRead:
        return cls(
            id=s.id,
            deal_id=s.deal_id,
            client_id=s.client_id,
            responsible_id=s.responsible_id,
            created_at=s.created_at,
            link_expires_at=s.link_expires_at,
            answered_at=s.answered_at,
            score=s.score,
            comment=s.comment,
        )


class SurveyLinkRead(Schema):
    survey: SurveyRead
    url: str = Field(description="For the client: opens the survey without signing in")


class PublicSurveyRead(Schema):
    organisation_name: str
    state: Literal["open", "answered", "expired"]
    score: int | None = Field(description="The answer given, once answered")

    @classmethod
    def of(cls, s: PublicSurvey) -> PublicSurveyRead:
        return cls(
            organisation_name=s.organisation_name,
            state=s.state,
            score=s.score,
        )


class SurveyAnswer(Schema):
    score: Annotated[int, Field(ge=0, le=SCORE_MAX, strict=True)] = Field(
        description="How likely the client is to recommend the company, 0 to 10"
    )
    comment: Annotated[Text, Field(max_length=COMMENT_MAX)] | None = None


class NpsRowRead(Schema):
    user_id: UUID
    name: str
    surveys: int = Field(description="Surveys made (deals closed) in the period")
    answers: int = Field(description="Answers that came in the period")
    promoters: int
    passives: int
    detractors: int
    nps: Decimal | None = Field(
        description="% promoters (9-10) - % detractors (0-6) of the answers; null without any"
    )

    @classmethod
    def of(cls, r: NpsRow) -> NpsRowRead:
        return cls(
            user_id=r.user_id,
            name=r.name,
            surveys=r.surveys,
            answers=r.answers,
            promoters=r.promoters,
            passives=r.passives,
            detractors=r.detractors,
            nps=r.score,
        )


class NpsRead(Schema):
    date_from: date
    date_to: date
    items: list[NpsRowRead] = Field(description="Per account manager, best score first")
    total: NpsRowRead | None = Field(description="Everyone in the list together")
