"""Loyalty surveys and the net promoter score.

A deal that closes (won or lost) gets one survey for its client, addressed on behalf of the
deal's responsible (the account manager whose score it counts for). Its link carries a random
token, stored only as a digest: whoever may see the deal issues a link (a new one replaces the
old), and the client answers once, 0 to 10 with an optional comment, until the survey expires.

NPS over answers = % promoters (9-10) - % detractors (0-6), passives (7-8) count in the total.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from domain.shared.errors import AT_LEAST_CODE, AT_MOST_CODE, Conflict, InvalidInput
from domain.shared.ids import new_id
from domain.shared.text import clean_text

SCORE_MAX = 10
COMMENT_MAX = 2000
# How long a link stays good after it is issued.
LINK_TTL = timedelta(days=60)
_TENTH = Decimal("0.1")


class Category(enum.StrEnum):
    PROMOTER = "promoter"
    PASSIVE = "passive"
    DETRACTOR = "detractor"


def category(score: int) -> Category:
    if score >= 9:
        return Category.PROMOTER
    if score >= 7:
        return Category.PASSIVE
    return Category.DETRACTOR


def nps(promoters: int, passives: int, detractors: int) -> Decimal | None:
    total = promoters + passives + detractors
    if total == 0:
        return None
    return (Decimal(promoters - detractors) * 100 / total).quantize(_TENTH, rounding=ROUND_HALF_UP)


class SurveyClosed(Conflict):
    """The survey was answered already, or its link expired."""


@dataclass(slots=True, kw_only=True)
class Survey:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    client_id: UUID
    deal_id: UUID
    responsible_id: UUID
    token_hash: str | None = None
    link_expires_at: datetime | None = None
    score: int | None = None
    comment: str | None = None
    answered_at: datetime | None = None
    created_at: datetime

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    def issue_link(self, token_hash: str, at: datetime) -> None:
        if self.answered:
            raise SurveyClosed("The client has answered this survey already")
        self.token_hash = token_hash
        self.link_expires_at = at + LINK_TTL

    def answer(self, score: int, comment: str | None, at: datetime) -> None:
        if self.answered:
            raise SurveyClosed("This survey has been answered already; thank you")
        if self.link_expires_at is None or at >= self.link_expires_at:
            raise SurveyClosed("This survey link has expired")
        if isinstance(score, bool) or not isinstance(score, int):
            raise InvalidInput("score", "must be a whole number from 0 to 10")
        if score < 0:
            raise InvalidInput("score", "must be at least 0", code=AT_LEAST_CODE, ctx={"ge": "0"})
        if score > SCORE_MAX:
            raise InvalidInput(
                "score", "must be at most 10", code=AT_MOST_CODE, ctx={"le": str(SCORE_MAX)}
            )
        self.comment = clean_text(
            comment, "comment", max_length=COMMENT_MAX, required=False, multiline=True
        )
        self.score = score
        self.answered_at = at
        # The link is spent.
        self.token_hash = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NpsRow:
    user_id: UUID
    name: str
    promoters: int
    passives: int
    detractors: int
    surveys: int  # sent out (with a link) in the period, answered or not

    @property
    def answers(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> Decimal | None:
        return nps(self.promoters, self.passives, self.detractors)
