"""Reassignment use cases: moving a user's work to a colleague in bulk, and the worker's
hand-over of absent people's tasks to their substitutes."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.activities.events import AssignmentReason
from domain.activities.model import NotificationKind, Task
from domain.activities.notify import notify
from domain.auth.principal import Principal
from domain.platform.audit import record_change
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import InvalidInput, NotFound
from domain.staff.permissions import Permission
from domain.staff.services.colleagues import require_active_colleague


@dataclass(frozen=True, slots=True)
class ReassignResult:
    clients: int = 0
    deals: int = 0
    tasks: int = 0


class ReassignService:
    """Moves a user's clients, deals and tasks to a colleague in one transaction."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def reassign(
        self,
        principal: Principal,
        from_user_id: UUID,
        *,
        to_user_id: UUID,
        clients: bool = True,
        deals: bool = True,
        tasks: bool = True,
        only_open: bool = True,
    ) -> ReassignResult:
        principal.require(Permission.USERS_MANAGE)
        if from_user_id == to_user_id:
            raise InvalidInput("to_user_id", "must be someone else")
        scope = principal.organisation_scope
        counts: dict[str, int] = {}
        async with self._uow as uow:
            from_user = await uow.users.get(scope, from_user_id)
            if from_user is None:
                raise NotFound("User", from_user_id)
            await require_active_colleague(uow, principal, to_user_id, "to_user_id")
            now = self._clock.now()
            wanted = [("client", clients), ("deal", deals), ("task", tasks)]
            for entity_type, include in wanted:
                if not include:
                    continue
                moved = await uow.reassignment.move(
                    scope,
                    entity_type=entity_type,
                    from_user_id=from_user_id,
                    to_user_id=to_user_id,
                    only_open=only_open,
                )
                counts[entity_type] = len(moved.ids)
                if not moved.ids:
                    continue
                await record_change(
                    uow,
                    principal,
                    entity_type="user",
                    entity_id=from_user_id,
                    action="reassign",
                    at=now,
                    extra={
                        f"{entity_type}s": {
                            "before": from_user_id,
                            "after": to_user_id,
                            "count": len(moved.ids),
                            "ids": moved.ids,
                        }
                    },
                )
            if any(counts.values()):
                await notify(
                    uow,
                    organisation_id=principal.organisation_id,
                    user_id=to_user_id,
                    kind=NotificationKind.WORK_HANDED_OVER,
                    params={
                        "from_user_id": str(from_user_id),
                        "from_user_name": from_user.full_name,
                        "clients": counts.get("client", 0),
                        "deals": counts.get("deal", 0),
                        "tasks": counts.get("task", 0),
                    },
                    entity_type="user",
                    entity_id=from_user_id,
                )
            await uow.commit()
        return ReassignResult(
            clients=counts.get("client", 0),
            deals=counts.get("deal", 0),
            tasks=counts.get("task", 0),
        )


async def hand_over_absent_tasks(
    uow: UnitOfWork, clock: Clock, organisation_id: UUID | None = None
) -> int:
    """Open tasks of people absent today, due up to the end of their absence, go to the
    substitute named on the absence; each move is audited and raises task.assigned (reason
    hand_over), whose subscriber tells the substitute."""
    async with uow:
        now = clock.now()
        moved: list[Task] = []
        for task, substitute_id in await uow.tasks.due_for_hand_over(organisation_id):
            previous = task.assignee_id
            if not task.assign(substitute_id, at=now, by=None, reason=AssignmentReason.HAND_OVER):
                continue
            moved.append(task)
            await record_change(
                uow,
                None,
                organisation_id=task.organisation_id,
                entity_type="task",
                entity_id=task.id,
                action="hand_over",
                before={"assignee_id": previous},
                after={"assignee_id": substitute_id},
                at=now,
            )
        await uow.tasks.save_assignees(moved)
        await uow.commit()
        return len(moved)
