"""Loyalty use cases: a closed deal's survey and its link (for whoever may change the deal),
the client's answer through the link (no sign-in), and NPS per account manager (the deals
scope: a seller their own, a head their department's, an admin everyone)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.auth.ports import SecretGenerator
from domain.auth.principal import Principal
from domain.loyalty.model import NpsRow, Survey, SurveyClosed
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock, validate_day
from domain.shared.errors import AT_MOST_CODE, InvalidInput, NotFound
from domain.staff.permissions import Permission, Resource

NPS_MAX_DAYS = 366


@dataclass(frozen=True, slots=True)
class PublicSurvey:
    """What the client sees behind a link: whose survey it is and whether it is still open."""

    organisation_name: str
    state: str  # open | answered | expired
    score: int | None


@dataclass(frozen=True, slots=True)
class IssuedLink:
    survey: Survey
    token: str


class LoyaltyService:
    def __init__(self, uow: UnitOfWork, clock: Clock, secrets: SecretGenerator) -> None:
        self._uow = uow
        self._clock = clock
        self._secrets = secrets

    async def deal_survey(self, principal: Principal, deal_id: UUID) -> Survey | None:
        principal.require(Permission.DEALS_READ)
        async with self._uow as uow:
            await _visible_deal(uow, principal, deal_id)
            return await uow.surveys.of_deal(principal.organisation_id, deal_id)

    async def issue_link(self, principal: Principal, deal_id: UUID) -> IssuedLink:
        """A new link for the deal's survey (the previous one stops working)."""
        principal.require(Permission.DEALS_WRITE)
        now = self._clock.now()
        async with self._uow as uow:
            await _visible_deal(uow, principal, deal_id)
            survey = await uow.surveys.of_deal(principal.organisation_id, deal_id)
            if survey is None:
                raise NotFound("Survey of the deal (it is made when the deal closes)", deal_id)
            token = self._secrets.token()
            survey.issue_link(self._secrets.digest(token), now)
            await uow.surveys.save(survey)
            await uow.commit()
        return IssuedLink(survey, token)

    async def public(self, token: str) -> PublicSurvey:
        async with self._uow as uow:
            survey = await self._by_token(uow, token)
            name = await uow.surveys.organisation_name(survey.organisation_id)
        now = self._clock.now()
        state = (
            "answered"
            if survey.answered
            else "expired"
            if survey.link_expires_at is None or now >= survey.link_expires_at
            else "open"
        )
        return PublicSurvey(organisation_name=name, state=state, score=survey.score)

    async def answer(self, token: str, score: int, comment: str | None) -> None:
        now = self._clock.now()
        async with self._uow as uow:
            survey = await self._by_token(uow, token)
            survey.answer(score, comment, now)
            await uow.surveys.save(survey)
            await uow.commit()

    async def _by_token(self, uow: UnitOfWork, token: str) -> Survey:
        # A spent or replaced link finds nothing: the same answer as a made-up one.
        survey = await uow.surveys.by_token(self._secrets.digest(token))
        if survey is None:
            raise NotFound("Survey")
        return survey

    async def nps(self, principal: Principal, first_day: date, last_day: date) -> list[NpsRow]:
        principal.require(Permission.DEALS_READ)
        validate_day(first_day, ("query", "from"))
        validate_day(last_day, ("query", "to"))
        if last_day < first_day:
            raise InvalidInput(("query", "to"), "must not be before from")
        if (last_day - first_day).days + 1 > NPS_MAX_DAYS:
            raise InvalidInput(
                ("query", "to"),
                f"the period spans at most {NPS_MAX_DAYS} days",
                code=AT_MOST_CODE,
                ctx={"le": str(NPS_MAX_DAYS)},
            )
        async with self._uow as uow:
            organisation = await uow.organisations.get(principal.organisation_id)
            if organisation is None:
                raise NotFound("Organisation", principal.organisation_id)
            zone = ZoneInfo(organisation.time_zone)
            rows: Sequence[NpsRow] = await uow.surveys.nps(
                principal.scope_for(Resource.DEALS),
                datetime.combine(first_day, time(), zone),
                datetime.combine(last_day + timedelta(days=1), time(), zone),
            )
        return sorted(
            rows,
            key=lambda r: (r.score is None, -(r.score or 0), -r.answers, r.name, str(r.user_id)),
        )


async def _visible_deal(uow: UnitOfWork, principal: Principal, deal_id: UUID) -> None:
    if await uow.deals.get(principal.scope_for(Resource.DEALS), deal_id) is None:
        raise NotFound("Deal", deal_id)


__all__ = ["IssuedLink", "LoyaltyService", "PublicSurvey", "SurveyClosed"]
