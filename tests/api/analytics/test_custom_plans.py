"""The analytics over a period are planned for their values (issue 12, item 13).

asyncpg prepares each statement once per pooled connection, and from the sixth execution
PostgreSQL may keep a generic plan made without the values; at 1,000,000 deals that took plan
fulfilment from 0.2 to 2.5 s (bench/analytics.py). Each read model that aggregates a period
therefore asks for custom plans for the rest of its transaction (``plan_with_values``). A small
test database plans the same either way, so these tests check the request: the setting is sent
on the connection that then reads the period, inside its transaction, and does not outlive it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from adapters.bootstrap import Container
from adapters.db.repositories.base import plan_with_values
from tests.api.attachments.support import API, world
from tests.api.deals.support import create_funnel, json_of
from tests.api.kpi.support import this_month
from tests.factories import Factory

CUSTOM_PLANS = "SET LOCAL plan_cache_mode = force_custom_plan"


@dataclass(slots=True)
class Sent:
    """The statements the app's engine sent, with the connection each went on."""

    statements: list[tuple[int, str]] = field(default_factory=list)

    def after_custom_plans(self, table: str) -> bool:
        """A statement reading ``table`` went on a connection that had asked for custom plans
        earlier in the request."""
        asked: set[int] = set()
        for connection, sql in self.statements:
            if sql == CUSTOM_PLANS:
                asked.add(connection)
            elif table in sql and connection in asked:
                return True
        return False


@contextmanager
def recording(container: Container) -> Iterator[Sent]:
    sent = Sent()

    def record(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        sent.statements.append((id(conn.connection.dbapi_connection), statement.strip()))

    engine = container.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


START = this_month()
PERIOD = {"from": START.isoformat(), "to": (START + timedelta(days=27)).isoformat()}


class TestAnalyticsPlannedForTheirValues:
    @pytest.mark.parametrize(
        ("path", "params", "reads"),
        [
            ("analytics/funnel", PERIOD, "funnel_cohort_deals"),
            ("analytics/sales", PERIOD, "sales_product_days"),
            ("marketing/effectiveness", PERIOD, "marketing_costs"),
            (
                "kpi/fulfilment",
                {"period": "month", "start": START.isoformat()},
                "invoice_payments",
            ),
        ],
    )
    async def test_the_period_is_read_with_custom_plans(
        self, factory: Factory, path: str, params: dict[str, str], reads: str
    ) -> None:
        w = await world(factory)
        await create_funnel(factory, w.admin, is_default=True)
        with recording(factory.container) as sent:
            response = await factory.client.get(
                f"{API}/{path}", params=params, headers=w.head_north.headers
            )
        json_of(response, 200)
        assert sent.after_custom_plans(reads), [sql[:80] for _, sql in sent.statements]


class TestPlanWithValues:
    async def test_holds_until_the_transaction_ends(self, container: Container) -> None:
        async with container.engine.connect() as conn:
            await plan_with_values(conn)
            assert await conn.scalar(sa.text("SHOW plan_cache_mode")) == "force_custom_plan"
            await conn.commit()
            # Even after a commit, the same pooled connection's next transaction plans as it
            # did before (a plain SET would outlive the transaction that commits it).
            assert await conn.scalar(sa.text("SHOW plan_cache_mode")) == "auto"
