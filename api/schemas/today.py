from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from pydantic import Field

from api.schemas.base import Schema
from api.schemas.notifications import NotificationRead
from api.schemas.tasks import TaskListItem
from domain.activities.model import Task
from domain.activities.ports import Counted, DealDigest, SubjectLabels
from domain.activities.services.today import COUNT_CAP, TodaySummary

_COUNT = f"How many there are, counted up to {COUNT_CAP}"
_CAPPED = f"true: more than {COUNT_CAP}"


class TodayDeal(Schema):
    id: UUID
    title: str
    client_id: UUID
    client_name: str
    stage_id: UUID
    stage_name: str
    stage_entered_at: datetime
    amount: Decimal
    currency: str
    responsible_id: UUID

    @classmethod
    def of(cls, deal: DealDigest) -> TodayDeal:
        return cls.model_validate(deal, from_attributes=True)


class TodayTasks(Schema):
    count: int = Field(description=_COUNT)
    capped: bool = Field(description=_CAPPED)
    items: list[TaskListItem] = Field(description="The first ones, due first")

    @classmethod
    def of(cls, section: Counted[Task], labels: SubjectLabels) -> TodayTasks:
        return cls(
            count=section.count,
            capped=section.capped,
            items=[TaskListItem.labelled(t, labels) for t in section.items],
        )


class TodayDeals(Schema):
    count: int = Field(description=_COUNT)
    capped: bool = Field(description=_CAPPED)
    items: list[TodayDeal] = Field(description="The first ones, longest in their stage first")

    @classmethod
    def of(cls, section: Counted[DealDigest]) -> TodayDeals:
        return cls(
            count=section.count,
            capped=section.capped,
            items=[TodayDeal.of(d) for d in section.items],
        )


class TodayNotifications(Schema):
    count: int = Field(description=_COUNT)
    capped: bool = Field(description=_CAPPED)
    items: list[NotificationRead] = Field(description="The newest unread ones")


class TodayRead(Schema):
    day: date = Field(description="The organisation's calendar day")
    overdue_tasks: TodayTasks | None = Field(
        description="Your open tasks due before now; null without tasks:read"
    )
    today_tasks: TodayTasks | None = Field(
        description="Your open tasks due from now to the end of the day; null without tasks:read"
    )
    stale_deals: TodayDeals | None = Field(
        description="Open deals you see past their stage's day limit; null without deals:read"
    )
    deals_without_next_task: TodayDeals | None = Field(
        description="Open deals you see with no open task; null without deals:read"
    )
    notifications: TodayNotifications

    @classmethod
    def of(cls, s: TodaySummary) -> TodayRead:
        return cls(
            day=s.day,
            overdue_tasks=TodayTasks.of(s.overdue_tasks, s.labels) if s.overdue_tasks else None,
            today_tasks=TodayTasks.of(s.today_tasks, s.labels) if s.today_tasks else None,
            stale_deals=TodayDeals.of(s.stale_deals) if s.stale_deals else None,
            deals_without_next_task=(
                TodayDeals.of(s.deals_without_next_task) if s.deals_without_next_task else None
            ),
            notifications=TodayNotifications(
                count=s.notifications.count,
                capped=s.notifications.capped,
                items=[NotificationRead.model_validate(n) for n in s.notifications.items],
            ),
        )
