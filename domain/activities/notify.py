"""Storing a notification: what the notifications subscriber (and the bulk reassignment,
which has no event of its own) calls to tell a user something."""

from __future__ import annotations

from uuid import UUID

from domain.activities.model import Notification, NotificationKind, NotificationParams
from domain.platform.ports import UnitOfWork


async def notify(
    uow: UnitOfWork,
    *,
    organisation_id: UUID,
    user_id: UUID,
    kind: NotificationKind,
    params: NotificationParams,
    entity_type: str | None = None,
    entity_id: UUID | None = None,
    dedup_key: str | None = None,
) -> bool:
    """Store a notification for ``user_id`` in the caller's transaction and push it to their
    live streams after commit. No text is stored: the reader's SPA renders ``kind`` with
    ``params`` in their language. With ``dedup_key`` a user is told at most once per key;
    returns whether the notification is new."""
    notification = Notification(
        organisation_id=organisation_id,
        user_id=user_id,
        kind=kind,
        params=params,
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
