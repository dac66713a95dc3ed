"""Deals: where a sale stands, how it got there and how likely it is to close."""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from domain.deals.errors import Requirement, StageRequirementsMissing
from domain.deals.events import (
    DealCreated,
    DealLost,
    DealReopened,
    DealStageChanged,
    DealUpdated,
    DealWon,
)
from domain.funnels.model import CUSTOM_PREFIX, Stage
from domain.shared.errors import FieldProblem, InvalidInput, InvalidTransition
from domain.shared.events import DomainEvent
from domain.shared.ids import new_id
from domain.shared.money import CENT, to_amount, validate_currency

MAX_PRODUCT_LINES = 200


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

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.price).quantize(CENT)


def product_lines(lines: Iterable[Mapping[str, Any] | ProductLine]) -> list[ProductLine]:
    """Validated lines; every problem named by its index."""
    result: list[ProductLine] = []
    problems: list[FieldProblem] = []
    for i, raw in enumerate(lines):
        if isinstance(raw, ProductLine):
            result.append(raw)
            continue
        name = " ".join(str(raw.get("name") or "").split())
        if not name or len(name) > 300:
            problems.append(FieldProblem(("products", i, "name"), "must be 1 to 300 characters"))
        try:
            quantity = Decimal(str(raw.get("quantity", 1))).quantize(Decimal("0.001"))
            if not quantity.is_finite() or quantity <= 0:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            problems.append(FieldProblem(("products", i, "quantity"), "must be a positive number"))
            continue
        try:
            price = to_amount(raw.get("price", 0), "price")
            if price < 0:
                raise InvalidOperation
        except (InvalidInput, InvalidOperation):
            problems.append(FieldProblem(("products", i, "price"), "must be a number, 0 or more"))
            continue
        result.append(ProductLine(name=name, quantity=quantity, price=price))
    if len(result) > MAX_PRODUCT_LINES:
        problems.append(FieldProblem(("products",), f"at most {MAX_PRODUCT_LINES} lines"))
    if problems:
        raise InvalidInput(problems=problems)
    return result


def lines_total(lines: Sequence[ProductLine]) -> Decimal:
    return sum((line.amount for line in lines), Decimal("0.00"))


def non_negative_amount(value: Decimal | int | str, field_name: str) -> Decimal:
    amount = to_amount(value, field_name)
    if amount < 0:
        raise InvalidInput(field_name, "must not be negative")
    return amount


def clean_title(value: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned or len(cleaned) > 300:
        raise InvalidInput("title", "must be 1 to 300 characters")
    return cleaned


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
        **fields: Any,
    ) -> tuple[Deal, StageMove]:
        """A new open deal in ``stage``; without an amount it is the sum of the product lines.
        Entering the stage checks its requirements (a new deal has no documents yet)."""
        lines = list(products)
        deal = cls(
            organisation_id=organisation_id,
            client_id=client_id,
            title=clean_title(title),
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
            **fields,
        )
        if deal.expected_margin is not None:
            deal.expected_margin = to_amount(deal.expected_margin, "expected_margin")
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

    def lose(
        self,
        *,
        reason_id: UUID,
        at: datetime,
        by: UUID | None,
        comment: str | None = None,
        lost_tender: bool = False,
        loss_making: bool = False,
        public_conflict: bool = False,
    ) -> StageMove:
        """The caller checks that the reason is an active one of the organisation."""
        self._require_open("lost")
        cleaned = (comment or "").strip() or None
        if cleaned is not None and len(cleaned) > 5000:
            raise InvalidInput("comment", "must be at most 5000 characters")
        move = self._close(DealStatus.LOST, MoveKind.LOST, at, by)
        self.loss_reason_id = reason_id
        self.loss_comment = cleaned
        self.lost_tender = lost_tender
        self.loss_making = loss_making
        self.public_conflict = public_conflict
        self.events.append(
            DealLost(
                organisation_id=self.organisation_id,
                deal_id=self.id,
                occurred_at=at,
                actor_id=by,
                client_id=self.client_id,
                stage_id=self.stage_id,
                loss_reason_id=reason_id,
                lost_tender=lost_tender,
                loss_making=loss_making,
                public_conflict=public_conflict,
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
        return move

    def _require_open(self, verb: str) -> None:
        if self.status is not DealStatus.OPEN:
            raise InvalidTransition(
                f"The deal is {self.status.value}; reopen it before it can be {verb}"
            )

    # --- editing -----------------------------------------------------------------------

    def change(self, at: datetime, *, by: UUID | None = None, **changes: Any) -> None:
        """Apply edited fields (already validated by type); products without an amount set
        the amount to their total. Records ``deal.updated`` naming what really changed."""
        before = self.snapshot()
        self._apply(at, changes)
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

    def _apply(self, at: datetime, changes: dict[str, Any]) -> None:
        if "title" in changes:
            self.title = clean_title(changes.pop("title"))
        if "currency" in changes:
            self.currency = validate_currency(changes.pop("currency"))
        if "products" in changes:
            self.products = list(changes.pop("products"))
            if "amount" not in changes and self.products:
                self.amount = lines_total(self.products)
        if "amount" in changes:
            self.amount = non_negative_amount(changes.pop("amount"), "amount")
        if "expected_margin" in changes:
            margin = changes.pop("expected_margin")
            self.expected_margin = None if margin is None else to_amount(margin, "expected_margin")
        for name, value in changes.items():
            if name not in _EDITABLE:
                raise InvalidInput(name, "cannot be changed here")
            setattr(self, name, value)
        self.updated_at = at

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
                {"name": p.name, "quantity": str(p.quantity), "price": str(p.price)}
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
        }

    # --- derived figures ---------------------------------------------------------------

    def time_in_stage(self, now: datetime) -> timedelta:
        """How long the deal has been in its stage (until it closed, for closed deals)."""
        end = self.closed_at if self.status is not DealStatus.OPEN and self.closed_at else now
        return max(timedelta(0), end - self.stage_entered_at)

    def weighted_amount(self, stage: Stage) -> Decimal:
        return weighted_amount(self.amount, self.status, stage.probability)

    def staleness(self, stage: Stage, now: datetime) -> Staleness:
        return staleness(self.status, self.stage_entered_at, stage.max_days, now)


_EDITABLE = frozenset(
    {
        "client_id",
        "contact_id",
        "responsible_id",
        "source_channel",
        "source_campaign",
        "utm",
        "expected_close_date",
        "custom_fields",
    }
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
    closing it as lost (the "hope client")."""
    if status is not DealStatus.OPEN or max_days is None:
        return Staleness(False, False, timedelta(0))
    limit = timedelta(days=max_days)
    spent = now - stage_entered_at
    if spent <= limit:
        return Staleness(False, False, timedelta(0))
    return Staleness(True, spent > 2 * limit, spent - limit)
