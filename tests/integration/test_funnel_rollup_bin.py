"""The funnel rollup's bins are computed twice: by ``funnel_rollup_bin`` in the database when the
triggers count a duration, and by ``domain.analytics.histogram`` when the reader turns the counts
back into a median. They must agree, or a median would be read from the wrong bins. On an edge
itself each computes in floating point and may pick either neighbour (the histogram module says
so); a hair away from it they agree exactly."""

from __future__ import annotations

import random
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from adapters.bootstrap import Container
from domain.analytics.histogram import BINS_PER_DOUBLING, bin_of

TEN_YEARS = 10 * 366 * 24 * 3600
HAIR = Decimal("1e-9")
LAST_BIN = bin_of(TEN_YEARS) + 1


async def database_bins(container: Container, values: list[Decimal]) -> list[int]:
    query = sa.text(
        "SELECT funnel_rollup_bin(v) FROM unnest(:values) WITH ORDINALITY AS t(v, i) ORDER BY i"
    ).bindparams(sa.bindparam("values", type_=ARRAY(sa.Numeric)))
    async with container.engine.connect() as conn:
        return list((await conn.execute(query, {"values": values})).scalars())


def edge(bin_: int) -> Decimal:
    """The lower edge of a bin, 2^((bin - 1) / 8) seconds, as a numeric the database gets."""
    return Decimal(repr(2 ** ((bin_ - 1) / BINS_PER_DOUBLING)))


async def test_the_database_bins_durations_as_the_reader_does(container: Container) -> None:
    rng = random.Random(20261204)
    values = [Decimal(0), Decimal("0.5"), Decimal("0.999"), Decimal(1), Decimal(TEN_YEARS)]
    values += [Decimal(rng.randrange(TEN_YEARS)) for _ in range(500)]
    values += [Decimal(repr(rng.uniform(0, 100_000))) for _ in range(500)]
    # Just either side of every edge up to ten years.
    values += [edge(b) * (1 + side) for b in range(1, LAST_BIN) for side in (HAIR, -HAIR)]

    assert await database_bins(container, values) == [bin_of(v) for v in values]


async def test_a_value_on_an_edge_lands_in_one_of_its_two_bins(container: Container) -> None:
    edges = [edge(b) for b in range(1, LAST_BIN)]
    found = await database_bins(container, edges)
    for bin_, value, in_database in zip(range(1, LAST_BIN), edges, found, strict=True):
        assert {in_database, bin_of(value)} <= {bin_ - 1, bin_}, value
