"""Call review (issue 14, item 3): heads listen to their people's calls and mark them reviewed
with a score and a comment.

Who sees which calls, here and in the call list: an intake manager every call of the
organisation; anyone else the calls owned by the people whose deals they see (own, team or
all, the deals' visibility of their role), the owner being who answered the call, else who
was given its callback task, as the intake reports count them. Reviewing takes
``calls:review`` on top of seeing the call. One review per call: a second one replaces the
first, and the audit log keeps both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

from domain.auth.principal import Principal
from domain.intake.calls import Call, CallResult
from domain.platform.audit import record_change
from domain.platform.messagebus import webhook_only
from domain.shared.clock import Clock
from domain.shared.errors import InvalidInput, NotFound
from domain.shared.events import DomainEvent, event
from domain.shared.scope import Scope
from domain.shared.text import clean_text
from domain.staff.permissions import Permission, Resource

if TYPE_CHECKING:
    from domain.platform.ports import UnitOfWork

MIN_SCORE = 1
MAX_SCORE = 5
MAX_COMMENT = 2000


@dataclass(frozen=True, slots=True, kw_only=True)
class CallReview:
    organisation_id: UUID
    call_id: UUID
    reviewer_id: UUID | None
    score: int
    comment: str
    reviewed_at: datetime

    @classmethod
    def make(
        cls,
        *,
        organisation_id: UUID,
        call_id: UUID,
        reviewer_id: UUID | None,
        score: int,
        comment: str | None,
        at: datetime,
    ) -> CallReview:
        if isinstance(score, bool) or not MIN_SCORE <= score <= MAX_SCORE:
            raise InvalidInput("score", f"must be a whole number from {MIN_SCORE} to {MAX_SCORE}")
        text = clean_text(
            comment, "comment", max_length=MAX_COMMENT, required=False, multiline=True
        )
        return cls(
            organisation_id=organisation_id,
            call_id=call_id,
            reviewer_id=reviewer_id,
            score=score,
            comment=text or "",
            reviewed_at=at,
        )

    def snapshot(self) -> dict[str, object]:
        return {"score": self.score, "comment": self.comment, "reviewer_id": self.reviewer_id}


@webhook_only
@event("call.reviewed")
@dataclass(frozen=True, slots=True, kw_only=True)
class CallReviewed(DomainEvent):
    """A head scored a call: integrators (quality dashboards) get the score."""

    call_id: UUID
    employee_id: UUID | None = None
    client_id: UUID | None = None
    deal_id: UUID | None = None
    score: int
    comment: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CallFilter:
    results: Sequence[CallResult] = ()
    integration_id: UUID | None = None
    client_id: UUID | None = None
    deal_id: UUID | None = None
    # Who answered the call, else who must call back.
    owner_id: UUID | None = None
    # True: reviewed only; False: not reviewed yet (answered calls worth a listen).
    reviewed: bool | None = None
    with_recording: bool | None = None


@dataclass(frozen=True, slots=True)
class ReviewedCall:
    call: Call
    review: CallReview | None


class CallReviewRepository(Protocol):
    """Calls as heads see them, and their reviews, inside a unit of work."""

    async def seen_calls(
        self,
        scope: Scope,
        *,
        everyone: bool,
        where: CallFilter,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[Call]:
        """Newest first, after the keyset cursor (started_at, id): every call of the
        organisation with ``everyone``, else those owned by the people ``scope`` sees."""
        ...

    async def seen_call(self, scope: Scope, call_id: UUID, *, everyone: bool) -> Call | None: ...

    async def reviews(self, scope: Scope, call_ids: Sequence[UUID]) -> Mapping[UUID, CallReview]:
        """The reviews of these calls (one query)."""
        ...

    async def save(self, review: CallReview, events: Sequence[DomainEvent] = ()) -> None:
        """Insert or replace the call's review; hands ``events`` to the unit of work."""
        ...


class CallReviewService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def calls(
        self,
        principal: Principal,
        where: CallFilter,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[ReviewedCall]:
        _require_calls(principal)
        async with self._uow as uow:
            found = await uow.call_reviews.seen_calls(
                _scope(principal),
                everyone=principal.can(Permission.INTAKE_MANAGE),
                where=where,
                limit=limit,
                after=after,
            )
            reviews = await uow.call_reviews.reviews(
                principal.organisation_scope, [c.id for c in found]
            )
        return [ReviewedCall(c, reviews.get(c.id)) for c in found]

    async def review(
        self, principal: Principal, call_id: UUID, *, score: int, comment: str | None
    ) -> ReviewedCall:
        principal.require(Permission.CALLS_REVIEW)
        now = self._clock.now()
        async with self._uow as uow:
            call = await uow.call_reviews.seen_call(
                _scope(principal), call_id, everyone=principal.can(Permission.INTAKE_MANAGE)
            )
            if call is None:
                raise NotFound("Call", call_id)
            if not call.is_over:
                raise InvalidInput("call_id", "the call is still in progress")
            before = (await uow.call_reviews.reviews(principal.organisation_scope, [call.id])).get(
                call.id
            )
            review = CallReview.make(
                organisation_id=principal.organisation_id,
                call_id=call.id,
                reviewer_id=principal.user_id,
                score=score,
                comment=comment,
                at=now,
            )
            if before is not None and (before.score, before.comment) == (
                review.score,
                review.comment,
            ):
                review = before  # the same word again: nothing changes
            else:
                reviewed = CallReviewed(
                    organisation_id=principal.organisation_id,
                    occurred_at=now,
                    actor_id=principal.user_id,
                    call_id=call.id,
                    employee_id=call.employee_id,
                    client_id=call.client_id,
                    deal_id=call.deal_id,
                    score=review.score,
                    comment=review.comment,
                )
                await uow.call_reviews.save(review, [reviewed])
                await record_change(
                    uow,
                    principal,
                    entity_type="call",
                    entity_id=call.id,
                    action="review",
                    before=before.snapshot() if before else None,
                    after=review.snapshot(),
                    at=now,
                )
            await uow.commit()
        return ReviewedCall(call, review)


def _require_calls(principal: Principal) -> None:
    """The call list: intake managers, reviewers, and anyone who reads deals (their own)."""
    if not (
        principal.can(Permission.INTAKE_MANAGE)
        or principal.can(Permission.CALLS_REVIEW)
        or principal.can(Permission.DEALS_READ)
    ):
        principal.require(Permission.CALLS_REVIEW)


def _scope(principal: Principal) -> Scope:
    return principal.scope_for(Resource.DEALS)


__all__: Sequence[str] = [
    "CallFilter",
    "CallReview",
    "CallReviewRepository",
    "CallReviewService",
    "CallReviewed",
    "ReviewedCall",
]
