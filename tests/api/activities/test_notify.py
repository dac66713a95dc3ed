from __future__ import annotations

import asyncio

from adapters.bootstrap import Container
from domain.activities.model import NotificationKind
from domain.activities.notify import notify
from domain.shared.scope import Scope
from tests.factories import Factory


class TestNotify:
    async def test_stores_once_per_dedup_key_and_publishes_after_commit(
        self, factory: Factory, container: Container
    ) -> None:
        org = await factory.organisation()
        user = await factory.user(org)
        feed = container.notification_feed()
        async with feed.listen(user.id) as listener:
            async with container.uow() as uow:
                first = await notify(
                    uow,
                    organisation_id=org.id,
                    user_id=user.id,
                    kind=NotificationKind.STALE_DEAL,
                    params={"deal_title": "Ромашка", "days_in_stage": 8},
                    dedup_key="stale:1",
                )
                again = await notify(
                    uow,
                    organisation_id=org.id,
                    user_id=user.id,
                    kind=NotificationKind.STALE_DEAL,
                    params={"deal_title": "Ромашка", "days_in_stage": 8},
                    dedup_key="stale:1",
                )
                assert await listener.next(wait_seconds=0.2) is None  # nothing before commit
                await uow.commit()
            published = await listener.next(wait_seconds=2)
        assert (first, again) == (True, False)
        assert published is not None
        assert published.kind is NotificationKind.STALE_DEAL
        assert published.params == {"deal_title": "Ромашка", "days_in_stage": 8}
        assert published.user_id == user.id

    async def test_rolled_back_notification_is_not_published(
        self, factory: Factory, container: Container
    ) -> None:
        org = await factory.organisation()
        user = await factory.user(org)
        async with container.notification_feed().listen(user.id) as listener:
            async with container.uow() as uow:
                assert await notify(
                    uow,
                    organisation_id=org.id,
                    user_id=user.id,
                    kind=NotificationKind.MENTION,
                    params={},
                )
            await asyncio.sleep(0)
            assert await listener.next(wait_seconds=0.3) is None
        async with container.uow() as uow:
            rows = await uow.notifications.list(
                Scope.organisation_wide(org.id), user.id, unread=None, limit=10
            )
        assert rows == []
