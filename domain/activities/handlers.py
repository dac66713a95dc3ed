"""In-transaction handlers of the activities context."""

from __future__ import annotations

from datetime import timedelta

from domain.activities.events import AssignmentReason
from domain.activities.model import Priority, Task
from domain.clients.events import ClientRelationshipChanged
from domain.clients.model import RelationshipType
from domain.deals.events import DealFollowUpDue, DealWarrantyEnding
from domain.platform.messagebus import EventBus
from domain.platform.ports import UnitOfWork
from domain.retention.events import ClientFellAsleep, CrossSellDue
from domain.shared.scope import Scope


async def create_follow_up_tasks(event: ClientRelationshipChanged, uow: UnitOfWork) -> None:
    """The follow-up tasks an administrator configured for the type the client entered,
    assigned to the client's responsible, in the transaction that changed the type."""
    follow_ups = await uow.relationship_follow_ups.list(
        Scope.organisation_wide(event.organisation_id), RelationshipType(event.to_type)
    )
    for follow_up in follow_ups:
        if not follow_up.is_active:
            continue
        task = Task(
            organisation_id=event.organisation_id,
            client_id=event.client_id,
            title=follow_up.task_title,
            assignee_id=event.responsible_id,
            due_at=event.occurred_at + timedelta(days=follow_up.due_in_days),
            priority=Priority(follow_up.priority),
            origin="follow_up",
            created_by=event.actor_id,
            created_at=event.occurred_at,
            updated_at=event.occurred_at,
        )
        task.record_creation(at=event.occurred_at, by=event.actor_id)
        await uow.tasks.add(task)


REACTIVATION_ORIGIN = "reactivation"
CROSS_SELL_ORIGIN = "cross_sell"
REACTIVATION_DUE = timedelta(days=3)
CROSS_SELL_DUE = timedelta(days=2)
_TITLE_MAX = 300


def _title(text: str) -> str:
    return text if len(text) <= _TITLE_MAX else text[: _TITLE_MAX - 1] + "…"


async def create_reactivation_task(event: ClientFellAsleep, uow: UnitOfWork) -> None:
    """A sleeping client's responsible is asked to wake it up."""
    last = event.last_purchase_at.date().isoformat()
    task = Task(
        organisation_id=event.organisation_id,
        client_id=event.client_id,
        title=_title(f"Реактивировать клиента: {event.client_name}"),
        description=(
            f"Последняя покупка {last}: больше {event.sleeping_days} дн. без покупок. "
            "Узнайте, что изменилось, и предложите следующую покупку."
        ),
        assignee_id=event.responsible_id,
        due_at=event.occurred_at + REACTIVATION_DUE,
        priority=Priority.NORMAL,
        origin=REACTIVATION_ORIGIN,
        created_at=event.occurred_at,
        updated_at=event.occurred_at,
    )
    task.record_creation(at=event.occurred_at, by=None, reason=AssignmentReason.SCHEDULED)
    await uow.tasks.add(task)


async def create_cross_sell_task(event: CrossSellDue, uow: UnitOfWork) -> None:
    """After a sale, the deal's responsible is reminded to offer what goes with it."""
    task = Task(
        organisation_id=event.organisation_id,
        client_id=event.client_id,
        deal_id=event.deal_id,
        title=_title(f"Предложить: {event.suggestion}"),
        description=f"Допродажа после сделки «{event.deal_title}».",
        assignee_id=event.responsible_id,
        due_at=event.occurred_at + CROSS_SELL_DUE,
        priority=Priority.NORMAL,
        origin=CROSS_SELL_ORIGIN,
        created_at=event.occurred_at,
        updated_at=event.occurred_at,
    )
    task.record_creation(at=event.occurred_at, by=None, reason=AssignmentReason.SCHEDULED)
    await uow.tasks.add(task)


FOLLOW_UP_ORIGIN = "deal_follow_up"
WARRANTY_ORIGIN = "warranty"
FOLLOW_UP_DUE = timedelta(days=1)


async def create_deal_follow_up_task(event: DealFollowUpDue, uow: UnitOfWork) -> None:
    """A postponed deal reminds its responsible every N days; no pile-up: while the last
    follow-up task is open, no other is made."""
    if await uow.tasks.has_open(event.organisation_id, event.deal_id, FOLLOW_UP_ORIGIN):
        return
    task = Task(
        organisation_id=event.organisation_id,
        client_id=event.client_id,
        deal_id=event.deal_id,
        title=_title(f"Вернуться к сделке: {event.deal_title}"),
        description=f"Сделка отложена: напоминание каждые {event.every_days} дн.",
        assignee_id=event.responsible_id,
        due_at=event.occurred_at + FOLLOW_UP_DUE,
        priority=Priority.NORMAL,
        origin=FOLLOW_UP_ORIGIN,
        created_at=event.occurred_at,
        updated_at=event.occurred_at,
    )
    task.record_creation(at=event.occurred_at, by=None, reason=AssignmentReason.SCHEDULED)
    await uow.tasks.add(task)


async def create_warranty_task(event: DealWarrantyEnding, uow: UnitOfWork) -> None:
    """The deal's warranty or service ends soon: its responsible is told, once per end date."""
    ends = event.ends_on.isoformat()
    task = Task(
        organisation_id=event.organisation_id,
        client_id=event.client_id,
        deal_id=event.deal_id,
        title=_title(f"Гарантия заканчивается {ends}: {event.deal_title}"),
        description="Свяжитесь с клиентом: продление обслуживания или новая покупка.",
        assignee_id=event.responsible_id,
        due_at=event.occurred_at + FOLLOW_UP_DUE,
        priority=Priority.NORMAL,
        origin=WARRANTY_ORIGIN,
        created_at=event.occurred_at,
        updated_at=event.occurred_at,
    )
    task.record_creation(at=event.occurred_at, by=None, reason=AssignmentReason.SCHEDULED)
    await uow.tasks.add(task)


def register(bus: EventBus) -> None:
    bus.handle(ClientRelationshipChanged, create_follow_up_tasks)
    bus.handle(ClientFellAsleep, create_reactivation_task)
    bus.handle(CrossSellDue, create_cross_sell_task)
    bus.handle(DealFollowUpDue, create_deal_follow_up_task)
    bus.handle(DealWarrantyEnding, create_warranty_task)
