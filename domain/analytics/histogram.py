"""Medians from histograms: what the funnel rollup keeps instead of every duration.

A median cannot be summed over days and people, a count per bin can. Durations in seconds go
into log-scale bins, BINS_PER_DOUBLING to a doubling: bin 0 holds [0, 1) seconds, bin k >= 1
holds [2^((k-1)/8), 2^(k/8)). The database computes the same bins (``funnel_rollup_bin`` in
migration 0034, in floating point: a value on a bin's edge may land in either neighbour, which
only moves it within the precision below).

The median is estimated as ``percentile_cont(0.5)`` would compute it from the sorted values,
each value read as its bin's geometric midpoint. A value and its midpoint differ by at most a
factor of 2^(1/16), and an interpolation between two values stays within the same factor of
the true one, so an estimated median is within MEDIAN_PRECISION of the exact one (or half a
second, for values under a second).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal

BINS_PER_DOUBLING = 8
# 2^(1/16) - 1: the largest relative error of an estimated median.
MEDIAN_PRECISION = 2 ** (1 / (2 * BINS_PER_DOUBLING)) - 1
_SECONDS = Decimal("0.001")


def bin_of(seconds: float | Decimal) -> int:
    """The bin ``seconds`` falls into (what ``funnel_rollup_bin`` answers)."""
    value = float(seconds)
    if value < 1:
        return 0
    return math.floor(BINS_PER_DOUBLING * math.log2(value)) + 1


def representative(bin_: int) -> float:
    """The value a bin stands for: the geometric midpoint of its bounds (0.5 for bin 0)."""
    if bin_ <= 0:
        return 0.5
    return float(2 ** ((bin_ - 0.5) / BINS_PER_DOUBLING))


def median(counts: Mapping[int, int]) -> Decimal | None:
    """The estimated median of the values counted per bin; None when there are none."""
    bins = sorted((b, n) for b, n in counts.items() if n > 0)
    total = sum(n for _, n in bins)
    if total == 0:
        return None
    position = (total - 1) / 2
    low_rank = math.floor(position)
    high_rank = math.ceil(position)

    def value_at(rank: int) -> float:
        seen = 0
        for bin_, n in bins:
            seen += n
            if rank < seen:
                return representative(bin_)
        raise AssertionError("rank beyond the count")  # pragma: no cover - total bounds rank

    low = value_at(low_rank)
    estimate = low + (position - low_rank) * (value_at(high_rank) - low)
    return Decimal(repr(estimate)).quantize(_SECONDS)
