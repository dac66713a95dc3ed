"""One staleness rule: the list filter (SQL), the deal's own flags (domain) and the sweep's
alerts agree exactly at the limit, just past it, and at and just past twice it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.worker.jobs.deals import sweep_stale_deals
from domain.shared.clock import FixedClock
from tests.api.deals.support import API, create_deal, json_of, teams
from tests.api.deals.test_stale_job import enter_stage_at, notices
from tests.factories import Factory
from tests.worker import drain_queue

LIMIT = timedelta(days=2)  # "Заявка" of the sales template
TICK = timedelta(microseconds=1)  # the finest step both Python and PostgreSQL keep


async def test_the_list_filter_the_deal_and_the_sweep_agree_at_the_lines(
    factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await teams(factory)
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    spent = {
        "at the limit": LIMIT,
        "just past the limit": LIMIT + TICK,
        "at twice the limit": 2 * LIMIT,
        "just past twice the limit": 2 * LIMIT + TICK,
    }
    ids: dict[str, str] = {}
    for label, time_in_stage in spent.items():
        deal = await create_deal(factory, world.seller, title=label)
        await enter_stage_at(factory, deal["id"], now - time_in_stage)
        ids[label] = deal["id"]
    clock = FixedClock(now)
    monkeypatch.setattr(factory.container, "clock", clock)

    listed = json_of(
        await factory.client.get(f"{API}/deals?stale=true&limit=50", headers=world.seller.headers),
        200,
    )
    stale_in_list = {d["title"] for d in listed["items"]}
    flags = {
        label: json_of(
            await factory.client.get(f"{API}/deals/{ident}", headers=world.seller.headers), 200
        )
        for label, ident in ids.items()
    }
    await sweep_stale_deals(factory.container, clock)
    await drain_queue(factory.container)
    told = {
        label: {
            kind for user, kind in await notices(factory, ident) if user == world.seller.user.id
        }
        for label, ident in ids.items()
    }

    assert stale_in_list == {
        "just past the limit",
        "at twice the limit",
        "just past twice the limit",
    }
    assert {label for label, d in flags.items() if d["is_stale"]} == stale_in_list
    assert {label for label, kinds in told.items() if "stale_deal" in kinds} == stale_in_list
    assert {label for label, d in flags.items() if d["close_proposed"]} == {
        "just past twice the limit"
    }
    assert {label for label, kinds in told.items() if "stale_deal_close" in kinds} == {
        "just past twice the limit"
    }
