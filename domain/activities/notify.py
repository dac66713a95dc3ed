"""Notifications: one function every context calls to tell a user something."""

from __future__ import annotations

from uuid import UUID

from domain.activities.model import Notification
from domain.platform.ports import UnitOfWork


async def notify(
    uow: UnitOfWork,
    *,
    organisation_id: UUID,
    user_id: UUID,
    kind: str,
    title: str,
    body: str | None = None,
    entity_type: str | None = None,
    entity_id: UUID | None = None,
    dedup_key: str | None = None,
) -> bool:
    """Store a notification for ``user_id`` in the caller's transaction and push it to their
    live streams after commit. With ``dedup_key`` a user is told at most once per key (e.g.
    ``stale:<deal id>:<stage entered at>``); returns whether the notification is new."""
    notification = Notification(
        organisation_id=organisation_id,
        user_id=user_id,
        kind=kind,
        title=title[:300],
        body=body,
        entity_type=entity_type,
        entity_id=entity_id,
        dedup_key=dedup_key,
    )
    repository = uow.notifications
    created = await repository.add_if_new(notification)
    if created:

        async def publish() -> None:
            await repository.publish(notification)

        uow.on_commit(publish)
    return created
