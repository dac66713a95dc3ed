"""Deals: where a sale stands, how it got there and how likely it is to close."""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.clients.model import clean_utm
from domain.deals.errors import Requirement, StageRequirementsMissing
from domain.deals.events import (
    DealBecameStale,
    DealCreated,
    DealFollowUpDue,
    DealLost,
    DealReopened,
    DealStageChanged,
    DealUpdated,
    DealWarrantyEnding,
    DealWon,
)
from domain.deals.staleness import CLOSE_FACTOR, limit_seconds, past_limit, whole_days
from domain.funnels.model import CUSTOM_PREFIX, Stage
from domain.shared.errors import NEGATIVE_CODE, FieldProblem, InvalidInput, InvalidTransition
from domain.shared.events import DomainEvent
from domain.shared.ids import new_id
from domain.shared.money import (
    AMOUNT_MAX,
    CENT,
    QUANTITY_MAX,
    bounded_decimal,
    to_amount,
    validate_currency,
)
from domain.shared.patch import UNSET
from domain.shared.text import clean_name, clean_text

if TYPE_CHECKING:
    from domain.deals.commands import LoseDeal, ProductLineInput, UpdateDeal

MAX_PRODUCT_LINES = 200
# Field limits, shared with the API schema (api/schemas/deals.py).
DEAL_TITLE_MAX = 300
PRODUCT_NAME_MAX = 300
SOURCE_CHANNEL_MAX = 100
SOURCE_CAMPAIGN_MAX = 200
LOSS_COMMENT_MAX = 5000
# "Remind every N days" of a postponed deal, and "N days before" the warranty ends.
REMIND_DAYS_MIN = 1
REMIND_DAYS_MAX = 365


class DealStatus(enum.StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class MoveKind(enum.StrEnum):
    CREATED = "created"
    MOVED = "moved"
    WON = "won"
    LOST = "lost"
    REOPENED = "reopened"


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductLine:
    name: str
    quantity: Decimal
    price: Decimal
    # The catalogue's product (domain/onec) the line was picked from; None for a free line or
    # once the product is deleted. Its article is shown with the line, not kept on it.
    product_id: UUID | None = None
    article: str | None = None

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.price).quantize(CENT)


def product_lines(lines: Iterable[ProductLineInput | ProductLine]) -> list[ProductLine]:
    """Validated lines; every problem named by its index."""
    result: list[ProductLine] = []
    problems: list[FieldProblem] = []
    for i, raw in enumerate(lines):
        if isinstance(raw, ProductLine):
            result.append(raw)
            continue
        name = ""
        try:
            name = clean_name(raw.name or "", ("products", i, "name"), max_length=PRODUCT_NAME_MAX)
        except InvalidInput as exc:
            problems.extend(exc.problems)
        try:
            quantity = bounded_decimal(
                raw.quantity, ("products", i, "quantity"), limit=QUANTITY_MAX
            ).quantize(Decimal("0.001"))
            if quantity <= 0:
                raise InvalidOperation
        except (InvalidInput, InvalidOperation):
            problems.append(
                FieldProblem(
                    ("products", i, "quantity"), f"must be a number above 0, at most {QUANTITY_MAX}"
                )
            )
            continue
        if raw.price is None:
            problems.append(FieldProblem(("products", i, "price"), "is required"))
            continue
        try:
            price = to_amount(raw.price, "price")
            if price < 0:
                raise InvalidOperation
        except (InvalidInput, InvalidOperation):
            problems.append(
                FieldProblem(("products", i, "price"), f"must be a number from 0 to {AMOUNT_MAX}")
            )
            continue
        result.append(
            ProductLine(
                name=name,
                quantity=quantity,
                price=price,
                product_id=raw.product_id,
                article=raw.article,
            )
        )
    if len(result) > MAX_PRODUCT_LINES:
        problems.append(FieldProblem(("products",), f"at most {MAX_PRODUCT_LINES} lines"))
    elif not problems and lines_total(result) > AMOUNT_MAX:
        problems.append(FieldProblem(("products",), f"the total must be at most {AMOUNT_MAX}"))
    if problems:
        raise InvalidInput(problems=problems)
    return result


def lines_total(lines: Sequence[ProductLine]) -> Decimal:
    return sum((line.amount for line in lines), Decimal("0.00"))


def non_negative_amount(value: Decimal | int | str, field_name: str) -> Decimal:
    amount = to_amount(value, field_name)
    if amount < 0:
        raise InvalidInput(field_name, "must not be negative", code=NEGATIVE_CODE)
    return amount


def _source_channel(value: str | None) -> str | None:
    return clean_text(
        value,
        "source_channel",
        max_length=SOURCE_CHANNEL_MAX,
        required=False,
        collapse_spaces=True,
    )


def _source_campaign(value: str | None) -> str | None:
    return clean_text(
        value,
        "source_campaign",
        max_length=SOURCE_CAMPAIGN_MAX,
        required=False,
        collapse_spaces=True,
    )


@dataclass(slots=True, kw_only=True)
class StageMove:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    deal_id: UUID
    kind: MoveKind
    from_stage_id: UUID | None
    to_stage_id: UUID | None
    from_status: DealStatus | None
    to_status: DealStatus
    seconds_in_previous: int | None
    at: datetime
    by_user_id: UUID | None


def _remind_days(value: int | None, field_name: str) -> int | None:
    if value is not None and not REMIND_DAYS_MIN <= value <= REMIND_DAYS_MAX:
        raise InvalidInput(
            (field_name,), f"must be from {REMIND_DAYS_MIN} to {REMIND_DAYS_MAX} days"
        )
    return value


def _seconds_between(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds()))


@dataclass(slots=True, kw_only=True)
class Deal:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    client_id: UUID
    contact_id: UUID | None = None
    title: str
    amount: Decimal = Decimal("0.00")
    currency: str
    expected_margin: Decimal | None = None
    products: list[ProductLine] = field(default_factory=list)
    funnel_id: UUID
    stage_id: UUID
    status: DealStatus = DealStatus.OPEN
    responsible_id: UUID
    source_channel: str | None = None
    source_campaign: str | None = None
    utm: dict[str, str] = field(default_factory=dict)
    expected_close_date: date | None = None
    custom_fields: dict[str, Any] = field(default_factory=dict)
    stage_entered_at: datetime
    closed_at: datetime | None = None
    loss_reason_id: UUID | None = None
    loss_comment: str | None = None
    lost_tender: bool = False
    loss_making: bool = False
    public_conflict: bool = False
    # stage_entered_at of the stay the stale alerts went out for: once per breach.
    stale_notified_for: datetime | None = None
    stale_close_proposed_for: datetime | None = None
    # Postponed: a follow-up task every N days while the deal stays open in its stage (a stage
    # move or closing clears it); when the next one is due.
    follow_up_every_days: int | None = None
    follow_up_next_at: datetime | None = None
    # A warranty or service end date, reminded N days before it, once per end date.
    warranty_ends_on: date | None = None
    warranty_remind_days: int | None = None
    warranty_reminded_for: date | None = None
    created_by: UUID | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    # --- creation ----------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        *,
        organisation_id: UUID,
        client_id: UUID,
        title: str,
        currency: str,
        stage: Stage,
        responsible_id: UUID,
        at: datetime,
        by: UUID | None,
        amount: Decimal | int | str | None = None,
        products: Sequence[ProductLine] = (),
        contact_id: UUID | None = None,
        expected_margin: Decimal | None = None,
        source_channel: str | None = None,
        source_campaign: str | None = None,
        utm: Mapping[str, str] | None = None,
        expected_close_date: date | None = None,
        custom_fields: Mapping[str, object] | None = None,
    ) -> tuple[Deal, StageMove]:
        """A new open deal in ``stage``; without an amount it is the sum of the product lines.
        Entering the stage checks its requirements (a new deal has no documents yet)."""
        lines = list(products)
        deal = cls(
            organisation_id=organisation_id,
            client_id=client_id,
            title=clean_name(title, "title", max_length=DEAL_TITLE_MAX),
            amount=(
                non_negative_amount(amount, "amount") if amount is not None else lines_total(lines)
            ),
            currency=validate_currency(currency),
            products=lines,
            funnel_id=stage.funnel_id,
            stage_id=stage.id,
            responsible_id=responsible_id,
            stage_entered_at=at,
            created_by=by,
            created_at=at,
            updated_at=at,
            contact_id=contact_id,
            expected_margin=(
                None if expected_margin is None else to_amount(expected_margin, "expected_margin")
            ),
            source_channel=_source_channel(source_channel),
            source_campaign=_source_campaign(source_campaign),
            utm=clean_utm(utm or {}, "utm"),
            expected_close_date=expected_close_date,
            custom_fields=dict(custom_fields or {}),
        )
        deal._require_entry(stage, documents=())
        move = StageMove(
            organisation_id=organisation_id,
            deal_id=deal.id,
            kind=MoveKind.CREATED,
            from_stage_id=None,
            to_stage_id=stage.id,
            from_status=None,
            to_status=DealStatus.OPEN,
            seconds_in_previous=None,
            at=at,
            by_user_id=by,
        )
        deal.events.append(
            DealCreated(
                organisation_id=organisation_id,
                deal_id=deal.id,
                occurred_at=at,
                actor_id=by,
                client_id=client_id,
                funnel_id=stage.funnel_id,
                stage_id=stage.id,
                responsible_id=responsible_id,
            )
        )
        return deal, move

    # --- stages ------------------------------------------------------------------------

    def missing_for(self, stage: Stage, documents: Collection[str]) -> list[Requirement]:
        """What ``stage`` requires that this deal lacks."""
        missing = [
            Requirement("fields", name)
            for name in stage.required_fields
            if not self._field_filled(name)
        ]
        missing.extend(
            Requirement("documents", code)
            for code in stage.required_documents
            if code not in documents
        )
        return missing

    def _field_filled(self, name: str) -> bool:
        if name.startswith(CUSTOM_PREFIX):
            value = self.custom_fields.get(name[len(CUSTOM_PREFIX) :])
            return value not in (None, "", [], {})
        if name == "amount":
            return self.amount > 0
        if name == "products":
            return bool(self.products)
        return getattr(self, name, None) not in (None, "")

    def _require_entry(self, stage: Stage, documents: Collection[str]) -> None:
        missing = self.missing_for(stage, documents)
        if missing:
            raise StageRequirementsMissing(stage.name, missing)

    def move_to(
        self, stage: Stage, *, at: datetime, by: UUID | None, documents: Collection[str] = ()
    ) -> StageMove | None:
        """Enter ``stage`` (of this funnel or another one of the organisation). Refused with
        every missing requirement named; None when the deal is already there."""
        self._require_open("moved")
        if stage.id == self.stage_id:
            return None
        self._require_entry(stage, documents)
        seconds = _seconds_between(self.stage_entered_at, at)
        move = StageMove(
            organisation_id=self.organisation_id,
            deal_id=self.id,
            kind=MoveKind.MOVED,
            from_stage_id=self.stage_id,
            to_stage_id=stage.id,
            from_status=self.status,
            to_status=self.status,
            seconds_in_previous=seconds,
            at=at,
            by_user_id=by,
        )
        self.events.append(
            DealStageChanged(
                organisation_id=self.organisation_id,
                deal_id=self.id,
                client_id=self.client_id,
                occurred_at=at,
                actor_id=by,
                from_stage_id=self.stage_id,
                to_stage_id=stage.id,
                seconds_in_previous=seconds,
            )
        )
        self.stage_id = stage.id
        self.funnel_id = stage.funnel_id
        self.stage_entered_at = at
        self.updated_at = at
        self._stop_follow_up()
        return move

    # --- closing -----------------------------------------------------------------------

    def win(self, *, at: datetime, by: UUID | None) -> StageMove:
        self._require_open("won")
        move = self._close(DealStatus.WON, MoveKind.WON, at, by)
        self.events.append(
            DealWon(
                organisation_id=self.organisation_id,
                deal_id=self.id,
                occurred_at=at,
                actor_id=by,
                client_id=self.client_id,
                stage_id=self.stage_id,
            )
        )
        return move

    def lose(self, command: LoseDeal, *, at: datetime, by: UUID | None) -> StageMove:
        """The caller checks that the reason is an active one of the organisation."""
        self._require_open("lost")
        cleaned = clean_text(
            command.comment, "comment", max_length=LOSS_COMMENT_MAX, required=False, multiline=True
        )
        move = self._close(DealStatus.LOST, MoveKind.LOST, at, by)
        self.loss_reason_id = command.loss_reason_id
        self.loss_comment = cleaned
        self.lost_tender = command.lost_tender
        self.loss_making = command.loss_making
        self.public_conflict = command.public_conflict
        self.events.append(
            DealLost(
                organisation_id=self.organisation_id,
                deal_id=self.id,
                occurred_at=at,
                actor_id=by,
                client_id=self.client_id,
                stage_id=self.stage_id,
                loss_reason_id=command.loss_reason_id,
                lost_tender=command.lost_tender,
                loss_making=command.loss_making,
                public_conflict=command.public_conflict,
            )
        )
        return move

    def reopen(self, *, at: datetime, by: UUID | None) -> StageMove:
        """Back to open in the same stage; the stay (and its day limit) starts afresh. The
        loss reason and flags are cleared; the stage history and audit log keep them."""
        if self.status is DealStatus.OPEN:
            raise InvalidTransition("The deal is open already")
        move = StageMove(
            organisation_id=self.organisation_id,
            deal_id=self.id,
            kind=MoveKind.REOPENED,
            from_stage_id=self.stage_id,
            to_stage_id=self.stage_id,
            from_status=self.status,
            to_status=DealStatus.OPEN,
            seconds_in_previous=None,
            at=at,
            by_user_id=by,
        )
        self.status = DealStatus.OPEN
        self.closed_at = None
        self.loss_reason_id = None
        self.loss_comment = None
        self.lost_tender = self.loss_making = self.public_conflict = False
        self.stage_entered_at = at
        self.updated_at = at
        self.events.append(
            DealReopened(
                organisation_id=self.organisation_id,
                deal_id=self.id,
                occurred_at=at,
                actor_id=by,
                client_id=self.client_id,
                stage_id=self.stage_id,
            )
        )
        return move

    def _close(
        self, status: DealStatus, kind: MoveKind, at: datetime, by: UUID | None
    ) -> StageMove:
        move = StageMove(
            organisation_id=self.organisation_id,
            deal_id=self.id,
            kind=kind,
            from_stage_id=self.stage_id,
            to_stage_id=self.stage_id,
            from_status=self.status,
            to_status=status,
            seconds_in_previous=_seconds_between(self.stage_entered_at, at),
            at=at,
            by_user_id=by,
        )
        self.status = status
        self.closed_at = at
        self.updated_at = at
        self._stop_follow_up()
        return move

    def _stop_follow_up(self) -> None:
        """A stage move or closing ends the postponement."""
        self.follow_up_every_days = None
        self.follow_up_next_at = None

    def _require_open(self, verb: str) -> None:
        if self.status is not DealStatus.OPEN:
            raise InvalidTransition(
                f"The deal is {self.status.value}; reopen it before it can be {verb}"
            )

    # --- editing -----------------------------------------------------------------------

    def apply(
        self,
        update: UpdateDeal,
        *,
        at: datetime,
        by: UUID | None,
        custom_fields: Mapping[str, object] | None = None,
    ) -> tuple[str, ...]:
        """Set the fields ``update`` gives (UNSET ones stay). Products without an amount set
        the amount to their total; a new client drops the old client's contact unless a
        contact is given. Records ``deal.updated`` naming what really changed, and returns
        those names. ``custom_fields``: the complete values as the service validated them from
        ``custom_fields_with(update.custom_fields)``; without them the merge is taken as is."""
        before = self.snapshot()
        self._assign(update)
        if self.follow_up_every_days != before["follow_up_every_days"]:
            self.follow_up_next_at = (
                None
                if self.follow_up_every_days is None
                else at + timedelta(days=self.follow_up_every_days)
            )
        if custom_fields is not None:
            self.custom_fields = dict(custom_fields)
        elif update.custom_fields is not UNSET:
            self.custom_fields = self.custom_fields_with(update.custom_fields)
        self.updated_at = at
        after = self.snapshot()
        changed = tuple(name for name in after if after[name] != before.get(name))
        if changed:
            self.events.append(
                DealUpdated(
                    organisation_id=self.organisation_id,
                    deal_id=self.id,
                    client_id=self.client_id,
                    occurred_at=at,
                    actor_id=by,
                    changed=changed,
                    previous_client_id=(
                        before["client_id"] if before["client_id"] != self.client_id else None
                    ),
                )
            )
        return changed

    def custom_fields_with(self, changes: Mapping[str, object]) -> dict[str, Any]:
        """The custom fields with ``changes`` merged in; None for a key removes it."""
        merged = {**self.custom_fields, **changes}
        return {key: value for key, value in merged.items() if value is not None}

    def _assign(self, update: UpdateDeal) -> None:
        if update.title is not UNSET:
            self.title = clean_name(update.title, "title", max_length=DEAL_TITLE_MAX)
        if update.currency is not UNSET:
            self.currency = validate_currency(update.currency)
        if update.products is not UNSET:
            self.products = product_lines(update.products or ())
            if update.amount is UNSET and self.products:
                self.amount = lines_total(self.products)
        if update.amount is not UNSET:
            self.amount = non_negative_amount(update.amount, "amount")
        if update.expected_margin is not UNSET:
            margin = update.expected_margin
            self.expected_margin = None if margin is None else to_amount(margin, "expected_margin")
        if update.client_id is not UNSET and update.client_id != self.client_id:
            self.client_id = update.client_id
            if update.contact_id is UNSET:
                self.contact_id = None  # the old contact is another client's
        if update.contact_id is not UNSET:
            self.contact_id = update.contact_id
        if update.responsible_id is not UNSET:
            self.responsible_id = update.responsible_id
        if update.source_channel is not UNSET:
            self.source_channel = _source_channel(update.source_channel)
        if update.source_campaign is not UNSET:
            self.source_campaign = _source_campaign(update.source_campaign)
        if update.utm is not UNSET:
            self.utm = clean_utm(update.utm or {}, "utm")
        if update.expected_close_date is not UNSET:
            self.expected_close_date = update.expected_close_date
        if update.follow_up_every_days is not UNSET:
            every = _remind_days(update.follow_up_every_days, "follow_up_every_days")
            if every is not None and self.status is not DealStatus.OPEN:
                raise InvalidInput(("follow_up_every_days",), "only an open deal is postponed")
            self.follow_up_every_days = every
        if update.warranty_ends_on is not UNSET:
            self.warranty_ends_on = update.warranty_ends_on
        if update.warranty_remind_days is not UNSET:
            self.warranty_remind_days = _remind_days(
                update.warranty_remind_days, "warranty_remind_days"
            )

    def snapshot(self) -> dict[str, Any]:
        """The fields the audit log compares."""
        return {
            "client_id": self.client_id,
            "contact_id": self.contact_id,
            "title": self.title,
            "amount": self.amount,
            "currency": self.currency,
            "expected_margin": self.expected_margin,
            "products": [
                {
                    "name": p.name,
                    "quantity": str(p.quantity),
                    "price": str(p.price),
                    "product_id": str(p.product_id) if p.product_id else None,
                }
                for p in self.products
            ],
            "funnel_id": self.funnel_id,
            "stage_id": self.stage_id,
            "status": self.status,
            "responsible_id": self.responsible_id,
            "source_channel": self.source_channel,
            "source_campaign": self.source_campaign,
            "utm": self.utm,
            "expected_close_date": self.expected_close_date,
            "custom_fields": self.custom_fields,
            "loss_reason_id": self.loss_reason_id,
            "loss_comment": self.loss_comment,
            "lost_tender": self.lost_tender,
            "loss_making": self.loss_making,
            "public_conflict": self.public_conflict,
            "follow_up_every_days": self.follow_up_every_days,
            "warranty_ends_on": self.warranty_ends_on,
            "warranty_remind_days": self.warranty_remind_days,
        }

    # --- reminders (the follow-up sweep) -----------------------------------------------

    def follow_up_due(self, at: datetime) -> bool:
        """The postponement's interval came round: deal.follow_up_due, and the next one N
        days on. False when not postponed, closed or not yet due."""
        if (
            self.status is not DealStatus.OPEN
            or self.follow_up_every_days is None
            or self.follow_up_next_at is None
            or self.follow_up_next_at > at
        ):
            return False
        self.follow_up_next_at = at + timedelta(days=self.follow_up_every_days)
        self.events.append(
            DealFollowUpDue(
                organisation_id=self.organisation_id,
                occurred_at=at,
                deal_id=self.id,
                client_id=self.client_id,
                responsible_id=self.responsible_id,
                deal_title=self.title,
                every_days=self.follow_up_every_days,
            )
        )
        return True

    def warranty_reminder_due(self, today: date, at: datetime) -> bool:
        """``warranty_remind_days`` (or fewer) days left until the warranty ends and not yet
        reminded for this end date: deal.warranty_ending, once."""
        ends, days = self.warranty_ends_on, self.warranty_remind_days
        if (
            ends is None
            or days is None
            or self.status is DealStatus.LOST
            or self.warranty_reminded_for == ends
            or not ends - timedelta(days=days) <= today <= ends
        ):
            return False
        self.warranty_reminded_for = ends
        self.events.append(
            DealWarrantyEnding(
                organisation_id=self.organisation_id,
                occurred_at=at,
                deal_id=self.id,
                client_id=self.client_id,
                responsible_id=self.responsible_id,
                deal_title=self.title,
                ends_on=ends,
                days_before=days,
            )
        )
        return True

    # --- derived figures ---------------------------------------------------------------

    def time_in_stage(self, now: datetime) -> timedelta:
        """How long the deal has been in its stage (until it closed, for closed deals)."""
        end = self.closed_at if self.status is not DealStatus.OPEN and self.closed_at else now
        return max(timedelta(0), end - self.stage_entered_at)

    def weighted_amount(self, stage: Stage) -> Decimal:
        return weighted_amount(self.amount, self.status, stage.probability)

    def staleness(self, stage: Stage, now: datetime) -> Staleness:
        return staleness(self.status, self.stage_entered_at, stage.max_days, now)

    def mark_stale(self, now: datetime, max_days: int | None) -> tuple[bool, bool]:
        """Raise deal.became_stale once per stay past the stage's limit, and once more (with
        ``close_proposed``) past twice the limit; returns (alerted, close proposed) now. The
        stale_* fields remember the stay the events went out for."""
        state = staleness(self.status, self.stage_entered_at, max_days, now)
        if not state.is_stale:
            return False, False
        entered = self.stage_entered_at
        alerted = self.stale_notified_for != entered
        proposed = state.close_proposed and self.stale_close_proposed_for != entered
        if alerted:
            self.stale_notified_for = entered
            self._record_stale(now, close_proposed=False)
        if proposed:
            self.stale_close_proposed_for = entered
            self._record_stale(now, close_proposed=True)
        return alerted, proposed

    def _record_stale(self, now: datetime, *, close_proposed: bool) -> None:
        self.events.append(
            DealBecameStale(
                organisation_id=self.organisation_id,
                occurred_at=now,
                deal_id=self.id,
                client_id=self.client_id,
                stage_id=self.stage_id,
                responsible_id=self.responsible_id,
                stage_entered_at=self.stage_entered_at,
                days_in_stage=whole_days(self.stage_entered_at, now),
                close_proposed=close_proposed,
            )
        )


def weighted_amount(amount: Decimal, status: DealStatus, probability: Decimal) -> Decimal:
    """Amount x stage probability for open deals; a won deal counts in full, a lost one not
    at all."""
    if status is DealStatus.WON:
        return amount
    if status is DealStatus.LOST:
        return Decimal("0.00")
    return (amount * probability / Decimal(100)).quantize(CENT)


@dataclass(frozen=True, slots=True)
class Staleness:
    is_stale: bool
    close_proposed: bool
    overdue: timedelta  # past the limit; zero when not stale


def staleness(
    status: DealStatus, stage_entered_at: datetime, max_days: int | None, now: datetime
) -> Staleness:
    """Stale: open and longer in the stage than its day limit. Twice the limit: propose
    closing it as lost (the "hope client"). The rule itself is ``domain.deals.staleness``."""
    if status is not DealStatus.OPEN or max_days is None:
        return Staleness(False, False, timedelta(0))
    if not past_limit(stage_entered_at, now, max_days):
        return Staleness(False, False, timedelta(0))
    return Staleness(
        True,
        past_limit(stage_entered_at, now, max_days, CLOSE_FACTOR),
        now - stage_entered_at - timedelta(seconds=limit_seconds(max_days)),
    )
