"""The event backbone end to end: entities record events, the unit of work runs the
in-transaction handlers and writes the outbox in the same transaction, and the worker delivers
each committed event to its subscribers at least once (directly after commit, or through the
sweeper when the hand-off was lost)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Container
from adapters.db.tables.platform import outbox_events
from adapters.worker.jobs.outbox import dispatch_outbox, sweep_outbox
from domain.deals.events import DealWon
from domain.shared.events import DomainEvent
from tests.api.deals.support import (
    API,
    create_client,
    create_deal,
    json_of,
    move,
    stage_named,
    teams,
)
from tests.factories import Factory
from tests.worker import drain_queue


@dataclass
class Probe:
    """A subscriber that remembers what it was given for one organisation, and can be told
    to fail a number of times first."""

    organisation_id: UUID
    failures: int = 0
    seen: list[DomainEvent] = field(default_factory=list)

    @property
    def name(self) -> str:
        return "tests.probe"

    async def __call__(self, event: DomainEvent) -> None:
        if event.organisation_id != self.organisation_id:
            return
        if self.failures > 0:
            self.failures -= 1
            raise RuntimeError("the probe is down")
        self.seen.append(event)


@pytest.fixture
async def probe_factory(container: Container) -> AsyncIterator[Any]:
    probes: list[Probe] = []

    def make(organisation_id: UUID, *, failures: int = 0) -> Probe:
        probe = Probe(organisation_id, failures)
        container.bus.subscribe(DealWon, probe)
        probes.append(probe)
        return probe

    yield make
    for probe in probes:
        container.bus.unsubscribe(probe)


async def outbox_rows(
    container: Container, organisation_id: UUID, name: str | None = None
) -> list[Any]:
    query = sa.select(outbox_events).where(outbox_events.c.organisation_id == organisation_id)
    if name is not None:
        query = query.where(outbox_events.c.name == name)
    async with container.engine.connect() as conn:
        return list((await conn.execute(query.order_by(outbox_events.c.created_at))).all())


async def backdate(container: Container, organisation_id: UUID, by: timedelta) -> None:
    """As if the rows had waited that long (the sweeper leaves fresh rows to the hand-off)."""
    async with container.engine.begin() as conn:
        await conn.execute(
            sa.update(outbox_events)
            .where(outbox_events.c.organisation_id == organisation_id)
            .values(next_attempt_at=outbox_events.c.next_attempt_at - by)
        )


async def won_deal(factory: Factory) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    world = await teams(factory)
    client = await create_client(factory, world.seller)
    deal = await create_deal(factory, world.seller, client_id=client["id"])
    response = await factory.client.post(
        f"{API}/deals/{deal['id']}/win", headers=world.seller.headers
    )
    return world, client, json_of(response, 200)


class TestOutboxIsWrittenWithTheChange:
    async def test_one_stage_move_writes_exactly_one_stage_changed_row(
        self, factory: Factory, container: Container
    ) -> None:
        world = await teams(factory)
        deal = await create_deal(factory, world.seller)
        meeting = stage_named(world.funnel, "Встреча")
        json_of(await move(factory, world.seller, deal["id"], meeting["id"]), 200)
        rows = await outbox_rows(container, world.org.id, "deal.stage_changed")
        assert len(rows) == 1
        payload = rows[0].payload
        assert payload["deal_id"] == deal["id"]
        assert payload["to_stage_id"] == meeting["id"]
        assert payload["from_stage_id"] == deal["stage_id"]
        assert payload["actor_id"] == str(world.seller.user.id)

    async def test_winning_changes_the_relationship_through_the_in_transaction_handler(
        self, factory: Factory, container: Container
    ) -> None:
        world, client, deal = await won_deal(factory)
        # The client read right after the win already shows it: same transaction.
        body = json_of(
            await factory.client.get(f"{API}/clients/{client['id']}", headers=world.seller.headers),
            200,
        )
        assert body["relationship_type"] == "current"
        names = [row.name for row in await outbox_rows(container, world.org.id)]
        # Opening the deal made the client potential, winning it current; each change is an
        # event of its own, written in the order the handlers raised them.
        assert names.count("client.relationship_changed") == 2
        assert names.index("deal.won") < len(names) - 1
        assert names[names.index("deal.won") + 1] == "client.relationship_changed"
        changed = (await outbox_rows(container, world.org.id, "client.relationship_changed"))[-1]
        assert changed.payload["to_type"] == "current"
        assert changed.payload["deal_id"] == deal["id"]

    async def test_a_unit_left_without_commit_writes_no_event(
        self, factory: Factory, container: Container
    ) -> None:
        world = await teams(factory)
        deal = await create_deal(factory, world.seller)
        before = await outbox_rows(container, world.org.id)
        meeting = stage_named(world.funnel, "Договор")  # needs a contract: refused, rolled back
        assert (await move(factory, world.seller, deal["id"], meeting["id"])).status_code == 422
        assert len(await outbox_rows(container, world.org.id)) == len(before)


class TestDispatch:
    async def test_the_worker_delivers_each_committed_event_once(
        self, factory: Factory, container: Container, probe_factory: Any
    ) -> None:
        world = await teams(factory)
        probe = probe_factory(world.org.id)
        client = await create_client(factory, world.seller)
        deal = await create_deal(factory, world.seller, client_id=client["id"])
        json_of(
            await factory.client.post(
                f"{API}/deals/{deal['id']}/win", headers=world.seller.headers
            ),
            200,
        )
        await drain_queue(container)
        assert [e.name for e in probe.seen] == ["deal.won"]
        won = probe.seen[0]
        assert isinstance(won, DealWon)
        assert str(won.deal_id) == deal["id"]
        assert str(won.client_id) == client["id"]
        rows = await outbox_rows(container, world.org.id)
        assert all(row.dispatched_at is not None for row in rows)
        # Dispatching again (a duplicate hand-off) finds nothing left to deliver.
        assert await dispatch_outbox(container, ids=[won.event_id]) == 0
        assert len(probe.seen) == 1

    async def test_an_event_whose_hand_off_was_lost_is_delivered_by_the_sweeper(
        self, factory: Factory, container: Container, probe_factory: Any
    ) -> None:
        world = await teams(factory)
        probe = probe_factory(world.org.id)
        await won_deal_in(factory, world)
        # The worker died between commit and dispatch: the queued hand-off is gone.
        await container.arq.delete("arq:queue")
        await drain_queue(container)
        assert probe.seen == []
        rows = await outbox_rows(container, world.org.id, "deal.won")
        assert rows[0].dispatched_at is None
        # Fresh rows are left to the direct hand-off for a few seconds; these waited longer.
        await backdate(container, world.org.id, timedelta(minutes=1))
        assert await sweep_outbox({"container": container}) >= 1
        assert [e.name for e in probe.seen] == ["deal.won"]
        assert (await outbox_rows(container, world.org.id, "deal.won"))[0].dispatched_at is not None

    async def test_a_failing_subscriber_is_retried_with_backoff_until_it_succeeds(
        self, factory: Factory, container: Container, probe_factory: Any
    ) -> None:
        world = await teams(factory)
        probe = probe_factory(world.org.id, failures=1)
        await won_deal_in(factory, world)
        await drain_queue(container)
        assert probe.seen == []
        row = (await outbox_rows(container, world.org.id, "deal.won"))[0]
        assert row.dispatched_at is None
        assert row.attempts == 1
        assert "the probe is down" in row.last_error
        assert row.next_attempt_at > row.created_at
        await backdate(container, world.org.id, timedelta(hours=2))
        await sweep_outbox({"container": container})
        assert [e.name for e in probe.seen] == ["deal.won"]
        row = (await outbox_rows(container, world.org.id, "deal.won"))[0]
        assert row.dispatched_at is not None
        assert row.attempts == 2
        assert row.last_error is None


async def won_deal_in(factory: Factory, world: Any) -> dict[str, Any]:
    client = await create_client(factory, world.seller)
    deal = await create_deal(factory, world.seller, client_id=client["id"])
    response = await factory.client.post(
        f"{API}/deals/{deal['id']}/win", headers=world.seller.headers
    )
    return json_of(response, 200)
