"""A funnel with known history for the analytics tests: deals and stage moves written straight
into the database at chosen moments (their own lanes test how the API records them)."""

from __future__ import annotations

import statistics
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from adapters.bootstrap import Container
from adapters.db.tables.deals import deals, stage_moves
from adapters.db.tables.funnel_rollup import (
    funnel_cohort_bins,
    funnel_cohort_deals,
    funnel_cohort_stages,
)
from adapters.db.tables.funnels import loss_reasons
from domain.analytics.histogram import MEDIAN_PRECISION
from domain.staff.model import User
from tests.api.analytics.rollup_support import Counted
from tests.api.attachments.support import API, World, insert, make_client, make_deal, world
from tests.api.deals.support import create_funnel, json_of, unique_name
from tests.factories import Factory, Org, Session

# The cohort rollup's tables (migration 0034), each row counting when a figure in it is not 0.
FUNNEL_ROLLUP: tuple[Counted, ...] = (
    (
        funnel_cohort_deals,
        sa.or_(
            funnel_cohort_deals.c.deals != 0,
            funnel_cohort_deals.c.amount != 0,
            funnel_cohort_deals.c.cycle_seconds != 0,
        ),
    ),
    (
        funnel_cohort_stages,
        sa.or_(
            funnel_cohort_stages.c.reached != 0,
            funnel_cohort_stages.c.stays != 0,
            funnel_cohort_stages.c.stay_seconds != 0,
        ),
    ),
    (funnel_cohort_bins, funnel_cohort_bins.c.n != 0),
)


@dataclass(frozen=True, slots=True)
class Step:
    """A move ``hours`` after the deal's creation: into ``to`` (a stage name) or closing it
    ("won" / "lost") in the stage it is in."""

    hours: float
    to: str


@dataclass(frozen=True, slots=True)
class Estimated:
    """A median as the API gives it, estimated from the rollup's histogram: equal to a figure
    (a string with one decimal) within MEDIAN_PRECISION of the exact median of ``values``, plus
    the half tenth the figure is rounded by."""

    values: tuple[float, ...]

    def __eq__(self, figure: object) -> bool:
        if not isinstance(figure, str):
            return NotImplemented
        exact = statistics.median(self.values)
        return abs(float(figure) - exact) <= exact * MEDIAN_PRECISION + 0.05

    def __repr__(self) -> str:
        return f"≈{statistics.median(self.values)} (±{MEDIAN_PRECISION:.1%})"


def estimated(*values: float) -> Estimated:
    return Estimated(values)


@dataclass(slots=True)
class Shop:
    w: World
    funnel: dict[str, Any]
    stage: dict[str, uuid.UUID]
    expensive: uuid.UUID
    now: datetime
    base: datetime
    deals: dict[str, uuid.UUID]

    @property
    def period(self) -> dict[str, str]:
        """The last three weeks, in the organisation's days (Moscow)."""
        today = self.now.astimezone(ZoneInfo("Europe/Moscow")).date()
        return {"from": (today - timedelta(days=20)).isoformat(), "to": today.isoformat()}


async def add_deal(
    container: Container,
    org: Org,
    owner: User,
    *,
    funnel_id: uuid.UUID,
    stage: dict[str, uuid.UUID],
    created: datetime,
    steps: list[Step],
    amount: str,
    currency: str = "RUB",
    loss_reason_id: uuid.UUID | None = None,
    source: str | None = None,
) -> uuid.UUID:
    client_id = await make_client(container, org, owner)
    at, where, status, closed = created, "A", "open", None
    moves: list[dict[str, Any]] = [
        {"kind": "created", "to_stage_id": stage["A"], "to_status": "open", "at": created}
    ]
    for step in steps:
        moment = created + timedelta(hours=step.hours)
        seconds = int((moment - at).total_seconds())
        if step.to in ("won", "lost"):
            moves.append(
                {
                    "kind": step.to,
                    "from_stage_id": stage[where],
                    "to_stage_id": stage[where],
                    "from_status": "open",
                    "to_status": step.to,
                    "seconds_in_previous": seconds,
                    "at": moment,
                }
            )
            status, closed = step.to, moment
        else:
            moves.append(
                {
                    "kind": "moved",
                    "from_stage_id": stage[where],
                    "to_stage_id": stage[step.to],
                    "from_status": "open",
                    "to_status": "open",
                    "seconds_in_previous": seconds,
                    "at": moment,
                }
            )
            where = step.to
        at = moment
    deal_id = await insert(
        container,
        deals,
        organisation_id=org.id,
        client_id=client_id,
        title="Поставка",
        amount=Decimal(amount),
        currency=currency,
        funnel_id=funnel_id,
        stage_id=stage[where],
        status=status,
        responsible_id=owner.id,
        stage_entered_at=at,
        closed_at=closed,
        loss_reason_id=loss_reason_id if status == "lost" else None,
        source_channel=source,
        created_at=created,
        created_by=owner.id,
    )
    for move in moves:
        await insert(container, stage_moves, organisation_id=org.id, deal_id=deal_id, **move)
    return deal_id


async def shop(factory: Factory) -> Shop:
    """A funnel A → B (day limit 1) → C, made the default, and seven deals created ten days
    ago (hours after creation):

    ====  ======  ========  =========================================  =========
    deal  owner   amount    history                                    reason
    ====  ======  ========  =========================================  =========
    d1    seller  RUB 1000  B at 10, C at 30, won at 120 (source site)
    d2    seller  RUB 3000  B at 20, lost at 24                         expensive
    d3    junior  USD 500   B at 30, C at 40, won at 48
    d4    rival   RUB 2000  lost at 2 in A                              none
    d5    seller  RUB 700   B at 210, open there (30 h ago: stale)
    d6    rival   EUR 400   B at 5, lost at 11                          expensive
    d7    rival   RUB 5000  B at 1, C at 3, won at 51
    ====  ======  ========  =========================================  =========

    and, not in the cohort, a seller's deal created 40 days ago and one of another funnel."""
    w = await world(factory)
    funnel = await create_funnel(
        factory,
        w.admin,
        name=unique_name("Воронка"),
        is_default=True,
        stages=[
            {"name": "A", "probability": 10},
            {"name": "B", "probability": 50, "max_days": 1},
            {"name": "C", "probability": 90},
        ],
    )
    stage = {s["name"]: uuid.UUID(s["id"]) for s in funnel["stages"]}
    now = datetime.now(UTC).replace(microsecond=0)
    base = now - timedelta(hours=240)
    expensive = await insert(
        factory.container,
        loss_reasons,
        organisation_id=w.org.id,
        name=unique_name("Дорого"),
    )
    funnel_id = uuid.UUID(funnel["id"])
    people = {
        "seller": w.seller.user,
        "junior": w.junior.user,
        "rival": w.rival.user,
    }
    plan: dict[str, tuple[str, str, str, list[Step], uuid.UUID | None, str | None]] = {
        "d1": (
            "seller",
            "1000",
            "RUB",
            [Step(10, "B"), Step(30, "C"), Step(120, "won")],
            None,
            "site",
        ),
        "d2": ("seller", "3000", "RUB", [Step(20, "B"), Step(24, "lost")], expensive, None),
        "d3": ("junior", "500", "USD", [Step(30, "B"), Step(40, "C"), Step(48, "won")], None, None),
        "d4": ("rival", "2000", "RUB", [Step(2, "lost")], None, None),
        "d5": ("seller", "700", "RUB", [Step(210, "B")], None, None),
        "d6": ("rival", "400", "EUR", [Step(5, "B"), Step(11, "lost")], expensive, None),
        "d7": ("rival", "5000", "RUB", [Step(1, "B"), Step(3, "C"), Step(51, "won")], None, None),
    }
    made = {}
    for name, (owner, amount, currency, steps, reason, source) in plan.items():
        made[name] = await add_deal(
            factory.container,
            w.org,
            people[owner],
            funnel_id=funnel_id,
            stage=stage,
            created=base,
            steps=steps,
            amount=amount,
            currency=currency,
            loss_reason_id=reason,
            source=source,
        )
    await add_deal(
        factory.container,
        w.org,
        w.seller.user,
        funnel_id=funnel_id,
        stage=stage,
        created=now - timedelta(days=40),
        steps=[Step(1, "won")],
        amount="99",
    )
    await make_deal(factory.container, w.org, w.seller.user)
    return Shop(w, funnel, stage, expensive, now, base, made)


async def analytics(
    factory: Factory, session: Session, params: dict[str, Any], status: int = 200
) -> Any:
    response = await factory.client.get(
        f"{API}/analytics/funnel",
        params={k: str(v) for k, v in params.items()},
        headers=session.headers,
    )
    return json_of(response, status)


def stage_rows(result: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (
            s["name"],
            s["reached"],
            s["conversion_to_next"],
            s["conversion_from_first"],
            s["stays"],
            s["average_hours"],
            s["median_hours"],
            s["stale"],
        )
        for s in result["stages"]
    ]
