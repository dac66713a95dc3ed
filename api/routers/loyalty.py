from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query, Response, status

from api.deps import CurrentPrincipal, LoyaltyServiceDep, PublicBaseDep
from api.errors import problems
from api.schemas.base import Day
from api.schemas.loyalty import (
    NpsRead,
    NpsRowRead,
    PublicSurveyRead,
    SurveyAnswer,
    SurveyLinkRead,
    SurveyRead,
)
from domain.loyalty.model import NpsRow

router = APIRouter(tags=["loyalty"])
# Opened by clients from the link, without signing in.
public_router = APIRouter(prefix="/public/surveys", tags=["loyalty"])

Token = Annotated[str, Path(min_length=20, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]


@router.get(
    "/deals/{deal_id}/survey",
    response_model=SurveyRead | None,
    responses=problems(401, 403, 404),
)
async def get_deal_survey(
    deal_id: UUID, principal: CurrentPrincipal, service: LoyaltyServiceDep
) -> SurveyRead | None:
    """The loyalty survey of a closed deal (null while the deal is open)."""
    survey = await service.deal_survey(principal, deal_id)
    return None if survey is None else SurveyRead.of(survey)


@router.post(
    "/deals/{deal_id}/survey/link",
    response_model=SurveyLinkRead,
    responses=problems(401, 403, 404, 409),
)
async def issue_survey_link(
    deal_id: UUID, principal: CurrentPrincipal, service: LoyaltyServiceDep, base: PublicBaseDep
) -> SurveyLinkRead:
    """A link to send the client (deals:write on a deal one sees): valid for 60 days, until
    answered; a new link replaces the previous one. 409 once the client has answered."""
    issued = await service.issue_link(principal, deal_id)
    return SurveyLinkRead(survey=SurveyRead.of(issued.survey), url=f"{base}/survey/{issued.token}")


@router.get("/kpi/nps", response_model=NpsRead, responses=problems(401, 403, 422))
async def get_nps(
    principal: CurrentPrincipal,
    service: LoyaltyServiceDep,
    first_day: Annotated[Day, Query(alias="from")],
    last_day: Annotated[Day, Query(alias="to", description="At most 366 days after from")],
) -> NpsRead:
    """Net promoter score per account manager the caller sees (deals:read): answers that came
    in the period, by the deal's responsible."""
    rows = await service.nps(principal, first_day, last_day)
    total = (
        NpsRow(
            user_id=principal.organisation_id,
            name="",
            promoters=sum(r.promoters for r in rows),
            passives=sum(r.passives for r in rows),
            detractors=sum(r.detractors for r in rows),
            surveys=sum(r.surveys for r in rows),
        )
        if rows
        else None
    )
    return NpsRead(
        date_from=first_day,
        date_to=last_day,
        items=[NpsRowRead.of(r) for r in rows],
        total=None if total is None else NpsRowRead.of(total),
    )


@public_router.get("/{token}", response_model=PublicSurveyRead, responses=problems(404, 422))
async def get_public_survey(token: Token, service: LoyaltyServiceDep) -> PublicSurveyRead:
    """What the link shows the client: the company asking and whether the survey is open."""
    return PublicSurveyRead.of(await service.public(token))


@public_router.post(
    "/{token}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(404, 409, 422),
)
async def answer_public_survey(
    token: Token, body: SurveyAnswer, service: LoyaltyServiceDep
) -> Response:
    """The client's answer, once: 409 when answered already or the link expired."""
    await service.answer(token, body.score, body.comment)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
