"""Reassignment use cases: moving a user's work to a colleague in bulk, and the worker's
hand-over of absent people's tasks to their substitutes."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.activities.model import NotificationKind
from domain.activities.notify import notify
from domain.activities.services.assignees import require_active_user
from domain.auth.principal import Principal
from domain.platform.audit import entry
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import InvalidInput, NotFound
from domain.staff.permissions import Permission


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
            if await uow.users.get(scope, from_user_id) is None:
                raise NotFound("User", from_user_id)
            await require_active_user(uow, principal, to_user_id, "to_user_id")
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
                await uow.audit.add(
                    entry(
                        principal,
                        organisation_id=principal.organisation_id,
                        entity_type="user",
                        entity_id=from_user_id,
                        action="reassign",
                        changes={
                            f"{entity_type}s": {
                                "before": str(from_user_id),
                                "after": str(to_user_id),
                                "count": len(moved.ids),
                                "ids": [str(i) for i in moved.ids],
                            }
                        },
                        at=now,
                    )
                )
            if any(counts.values()):
                await notify(
                    uow,
                    organisation_id=principal.organisation_id,
                    user_id=to_user_id,
                    kind=NotificationKind.ASSIGNMENT,
                    title="Вам передана работа коллеги",
                    body=(
                        f"Клиентов: {counts.get('client', 0)}, сделок: {counts.get('deal', 0)}, "
                        f"задач: {counts.get('task', 0)}"
                    ),
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
    substitute named on the absence; each move is audited and the substitute told."""
    async with uow:
        moved = await uow.tasks.hand_over_to_substitutes(organisation_id)
        now = clock.now()
        for item in moved:
            await uow.audit.add(
                entry(
                    None,
                    organisation_id=item.organisation_id,
                    entity_type="task",
                    entity_id=item.task_id,
                    action="hand_over",
                    changes={
                        "assignee_id": {
                            "before": str(item.from_user_id),
                            "after": str(item.to_user_id),
                        }
                    },
                    at=now,
                )
            )
            await notify(
                uow,
                organisation_id=item.organisation_id,
                user_id=item.to_user_id,
                kind=NotificationKind.HAND_OVER,
                title=f"Вам передана задача отсутствующего коллеги: {item.title}",
                entity_type="task",
                entity_id=item.task_id,
                dedup_key=f"handover:{item.task_id}:{item.to_user_id}",
            )
        await uow.commit()
        return len(moved)
