"""In-transaction handlers of the activities context."""

from __future__ import annotations

from datetime import timedelta

from domain.activities.model import Priority, Task
from domain.clients.events import ClientRelationshipChanged
from domain.clients.model import RelationshipType
from domain.platform.messagebus import EventBus
from domain.platform.ports import UnitOfWork
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


def register(bus: EventBus) -> None:
    bus.handle(ClientRelationshipChanged, create_follow_up_tasks)
