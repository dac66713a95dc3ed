from __future__ import annotations

import asyncio
import json
from typing import Any

import sqlalchemy as sa

from adapters.bootstrap import Container
from adapters.worker.jobs.outbox import sweep_outbox
from adapters.worker.jobs.webhooks import retry_webhook_deliveries
from tests.api.deals.support import create_deal, if_match, json_of, teams
from tests.api.webhooks.support import (
    API,
    allow_private_targets,
    backdate,
    create_endpoint,
    deliveries,
    make_due,
    receiver,
    verify_standard_webhook,
)
from tests.factories import Factory
from tests.worker import drain_queue


async def retry_now(container: Container, endpoint_id: str) -> None:
    await make_due(container, endpoint_id)
    await retry_webhook_deliveries({"container": container})


async def win_a_deal(factory: Factory, world: Any) -> dict[str, Any]:
    deal = await create_deal(factory, world.seller, amount="500")
    return json_of(  # type: ignore[no-any-return]
        await factory.client.post(
            f"{API}/deals/{deal['id']}/win",
            headers={**world.seller.headers, **if_match(deal["version"])},
        ),
        200,
    )


class TestRetries:
    async def test_two_500s_then_200_deliver_exactly_three_identically_signed_requests(
        self, factory: Factory, container: Container
    ) -> None:
        _, admin = await factory.admin_session()
        await allow_private_targets(factory, admin)
        async with receiver(500, 500, 200) as hook:
            endpoint = await create_endpoint(factory, admin, url=hook.url)
            sent = await factory.client.post(
                f"{API}/webhooks/{endpoint['id']}/test", headers=admin.headers
            )
            assert sent.status_code == 202, sent.text
            await drain_queue(container)
            assert len(hook.requests) == 1
            for _ in range(4):  # two retries are due; the later sweeps find nothing
                await retry_now(container, endpoint["id"])
        assert len(hook.requests) == 3
        assert len({r.body for r in hook.requests}) == 1
        assert {r.headers["webhook-id"] for r in hook.requests} == {sent.json()["event_id"]}
        for request in hook.requests:
            assert request.headers["content-type"] == "application/json"
            assert verify_standard_webhook(endpoint["secret"], request)
        assert not verify_standard_webhook("whsec_" + "A" * 43 + "=", hook.requests[0]), (
            "a wrong secret must not verify"
        )
        payload = json.loads(hook.requests[0].body)
        assert payload["type"] == "webhook.test"
        assert payload["version"] == 1
        assert payload["id"] == sent.json()["event_id"]
        assert payload["data"]["endpoint_id"] == endpoint["id"]
        [delivery] = await deliveries(factory, admin, endpoint["id"])
        assert delivery["status"] == "succeeded"
        assert [a["status_code"] for a in delivery["attempts"]] == [500, 500, 200]
        assert [a["succeeded"] for a in delivery["attempts"]] == [False, False, True]
        assert delivery["attempts"][0]["response_body"] == '{"ok": true}'
        assert all(a["duration_ms"] is not None for a in delivery["attempts"])
        assert delivery["payload"] == hook.requests[0].body.decode()

    async def test_redeliver_sends_the_same_body_again_with_a_fresh_attempt(
        self, factory: Factory, container: Container
    ) -> None:
        _, admin = await factory.admin_session()
        await allow_private_targets(factory, admin)
        async with receiver(200) as hook:
            endpoint = await create_endpoint(factory, admin, url=hook.url)
            await factory.client.post(
                f"{API}/webhooks/{endpoint['id']}/test", headers=admin.headers
            )
            await drain_queue(container)
            [delivery] = await deliveries(factory, admin, endpoint["id"])
            again = await factory.client.post(
                f"{API}/webhooks/{endpoint['id']}/deliveries/{delivery['id']}/redeliver",
                headers=admin.headers,
            )
            assert again.status_code == 202, again.text
            await drain_queue(container)
        assert len(hook.requests) == 2
        assert hook.requests[0].body == hook.requests[1].body
        assert hook.requests[0].headers["webhook-id"] == hook.requests[1].headers["webhook-id"]
        [after] = await deliveries(factory, admin, endpoint["id"])
        assert [a["status_code"] for a in after["attempts"]] == [200, 200]

    async def test_a_private_target_is_refused_at_the_attempt_without_a_request(
        self, factory: Factory, container: Container
    ) -> None:
        org, admin = await factory.admin_session()
        await allow_private_targets(factory, admin)
        async with receiver(200) as hook:
            endpoint = await create_endpoint(factory, admin, url=hook.url)
            await backdate(
                container,
                "UPDATE organisations SET webhooks_allow_private_targets = false WHERE id = :id",
                id=org.id,
            )
            await factory.client.post(
                f"{API}/webhooks/{endpoint['id']}/test", headers=admin.headers
            )
            await drain_queue(container)
        assert hook.requests == []
        [delivery] = await deliveries(factory, admin, endpoint["id"])
        [attempt] = delivery["attempts"]
        assert attempt["status_code"] is None
        assert "loopback" in attempt["error"]


class TestDisabling:
    async def test_a_day_of_failures_disables_the_endpoint_and_tells_the_admins(
        self, factory: Factory, container: Container
    ) -> None:
        org, admin = await factory.admin_session()
        other_admin = await factory.user(org, "admin")
        await allow_private_targets(factory, admin)
        async with receiver(503) as hook:
            endpoint = await create_endpoint(factory, admin, url=hook.url)
            await factory.client.post(
                f"{API}/webhooks/{endpoint['id']}/test", headers=admin.headers
            )
            await drain_queue(container)
            got = (
                await factory.client.get(f"{API}/webhooks/{endpoint['id']}", headers=admin.headers)
            ).json()
            assert got["is_active"] is True
            assert got["failing_since"] is not None
            await backdate(
                container,
                "UPDATE webhook_endpoints SET failing_since = failing_since - interval '25 hours' "
                "WHERE id = :id",
                id=endpoint["id"],
            )
            await retry_now(container, endpoint["id"])
            await drain_queue(container)  # webhook.endpoint_disabled tells the admins
        got = (
            await factory.client.get(f"{API}/webhooks/{endpoint['id']}", headers=admin.headers)
        ).json()
        assert got["is_active"] is False
        assert got["disabled_reason"]
        async with container.engine.connect() as conn:
            told = (
                (
                    await conn.execute(
                        sa.text(
                            "SELECT user_id FROM notifications WHERE kind = 'webhook_disabled' "
                            "AND entity_id = :id"
                        ),
                        {"id": endpoint["id"]},
                    )
                )
                .scalars()
                .all()
            )
        assert set(told) == {org.admin.id, other_admin.id}
        refused = await factory.client.post(
            f"{API}/webhooks/{endpoint['id']}/test", headers=admin.headers
        )
        assert refused.status_code == 409


class TestDealEvents:
    async def test_winning_a_deal_sends_a_signed_deal_won_with_the_deal_as_the_api_shows_it(
        self, factory: Factory, container: Container
    ) -> None:
        world = await teams(factory)
        await allow_private_targets(factory, world.admin)
        async with receiver(200) as hook:
            endpoint = await create_endpoint(
                factory, world.admin, url=hook.url, events=["deal.won"]
            )
            won = await win_a_deal(factory, world)
            async with asyncio.timeout(5):
                while not hook.requests:
                    await drain_queue(container)
        [request] = hook.requests
        assert verify_standard_webhook(endpoint["secret"], request)
        payload = json.loads(request.body)
        assert payload["type"] == "deal.won"
        assert payload["organisation_id"] == str(world.org.id)
        assert payload["data"]["id"] == won["id"]
        assert payload["data"]["status"] == "won"
        assert payload["data"]["amount"] == won["amount"]
        assert payload["data"]["client_name"] == won["client_name"]

    async def test_a_lost_direct_dispatch_is_delivered_by_the_outbox_sweeper(
        self, factory: Factory, container: Container
    ) -> None:
        world = await teams(factory)
        await allow_private_targets(factory, world.admin)
        async with receiver(200) as hook:
            endpoint = await create_endpoint(
                factory, world.admin, url=hook.url, events=["deal.won"]
            )
            await container.redis.delete("arq:queue")
            won = await win_a_deal(factory, world)
            # The worker died between the commit and the dispatch: its queue is gone.
            await container.redis.delete("arq:queue")
            await backdate(
                container,
                "UPDATE outbox_events SET next_attempt_at = next_attempt_at - interval '1 minute' "
                "WHERE organisation_id = :org AND dispatched_at IS NULL",
                org=world.org.id,
            )
            await sweep_outbox({"container": container})
            await drain_queue(container)
        [request] = hook.requests
        assert json.loads(request.body)["data"]["id"] == won["id"]
        assert len(await deliveries(factory, world.admin, endpoint["id"])) == 1

    async def test_replaying_an_event_changes_nothing(
        self, factory: Factory, container: Container
    ) -> None:
        world = await teams(factory)
        await allow_private_targets(factory, world.admin)
        async with receiver(200) as hook:
            endpoint = await create_endpoint(
                factory, world.admin, url=hook.url, events=["deal.won"]
            )
            await win_a_deal(factory, world)
            await drain_queue(container)
            await drain_queue(container)
            # Replay every event of the organisation through the dispatcher.
            await backdate(
                container,
                "UPDATE outbox_events SET dispatched_at = NULL, "
                "next_attempt_at = now() - interval '1 minute' WHERE organisation_id = :org",
                org=world.org.id,
            )
            await sweep_outbox({"container": container})
            await drain_queue(container)
        assert len(hook.requests) == 1
        assert len(await deliveries(factory, world.admin, endpoint["id"])) == 1
