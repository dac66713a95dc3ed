"""The funnel rollup's histograms (domain.analytics.histogram): which bin a duration falls in,
the value a bin stands for, and a median read back from the counts within the precision the API
states (MEDIAN_PRECISION of the exact median, half a second below one second)."""

from __future__ import annotations

import statistics
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.analytics.histogram import (
    BINS_PER_DOUBLING,
    MEDIAN_PRECISION,
    bin_of,
    median,
    representative,
)

TEN_YEARS = 10 * 366 * 24 * 3600
# A hair either side of an edge: far below a bin's width, far above float rounding.
HAIR = 1e-9
# The estimate is rounded to milliseconds, and computed in floating point.
ROUNDING = 0.0005 + 1e-9


def lower_edge(bin_: int) -> float:
    return float(2 ** ((bin_ - 1) / BINS_PER_DOUBLING))


def counted(values: list[float]) -> Counter[int]:
    return Counter(bin_of(v) for v in values)


def assert_within_precision(estimate: Decimal | None, values: list[float]) -> None:
    exact = statistics.median(values)
    assert estimate is not None
    assert abs(float(estimate) - exact) <= exact * MEDIAN_PRECISION + 0.5 + ROUNDING


class TestBins:
    def test_under_a_second_is_bin_zero(self) -> None:
        assert [bin_of(s) for s in (0, 0.25, 1 - HAIR)] == [0, 0, 0]

    @pytest.mark.parametrize("bin_", [1, 2, 8, 9, 17, 100, 227])
    def test_a_bin_starts_at_its_lower_edge(self, bin_: int) -> None:
        edge = lower_edge(bin_)
        assert bin_of(edge * (1 + HAIR)) == bin_
        assert bin_of(edge * (1 - HAIR)) == bin_ - 1

    @pytest.mark.parametrize("doublings", [0, 1, 5, 20])
    def test_each_doubling_is_eight_bins(self, doublings: int) -> None:
        # Powers of two are exact in floating point: on the edge, in the upper bin.
        assert bin_of(2**doublings) == BINS_PER_DOUBLING * doublings + 1

    def test_decimals_fall_where_their_floats_do(self) -> None:
        assert bin_of(Decimal("3600.5")) == bin_of(3600.5) == 95

    def test_ten_years_fit_the_databases_smallint(self) -> None:
        assert bin_of(TEN_YEARS) < 2**15


class TestRepresentative:
    def test_bin_zero_stands_for_half_a_second(self) -> None:
        assert representative(0) == 0.5

    @pytest.mark.parametrize("bin_", [1, 2, 9, 50, 227])
    def test_a_bin_stands_for_its_geometric_midpoint(self, bin_: int) -> None:
        value = representative(bin_)
        assert bin_of(value) == bin_
        half_width = 2 ** (1 / (2 * BINS_PER_DOUBLING))
        assert value / lower_edge(bin_) == pytest.approx(half_width)
        assert lower_edge(bin_ + 1) / value == pytest.approx(half_width)
        assert half_width - 1 == pytest.approx(MEDIAN_PRECISION)


class TestMedian:
    def test_no_values_have_no_median(self) -> None:
        assert median({}) is None
        assert median({12: 0, 40: 0}) is None

    def test_an_odd_count_reads_the_middle_values_bin(self) -> None:
        assert median({3: 1, 9: 1, 40: 5}) == Decimal(repr(representative(40))).quantize(
            Decimal("0.001")
        )

    def test_an_even_count_interpolates_between_the_middle_two(self) -> None:
        middle = (representative(9) + representative(17)) / 2
        assert median({9: 2, 17: 2}) == Decimal(repr(middle)).quantize(Decimal("0.001"))

    @given(
        st.lists(
            st.one_of(
                st.integers(min_value=0, max_value=TEN_YEARS),
                st.floats(min_value=0, max_value=TEN_YEARS, allow_nan=False),
            ),
            min_size=1,
            max_size=300,
        )
    )
    def test_is_within_the_precision_of_the_exact_median(self, values: list[float]) -> None:
        assert_within_precision(median(counted(values)), values)

    @given(st.lists(st.floats(min_value=1, max_value=TEN_YEARS), min_size=1, max_size=300))
    def test_from_a_second_on_the_error_is_relative(self, values: list[float]) -> None:
        estimate = median(counted(values))
        exact = statistics.median(values)
        assert estimate is not None
        assert abs(float(estimate) - exact) <= exact * MEDIAN_PRECISION + ROUNDING

    @pytest.mark.parametrize("bin_", [1, 9, 100])
    def test_values_on_bin_edges_stay_within_the_precision(self, bin_: int) -> None:
        # Where floating point may put an edge in either neighbour (funnel_rollup_bin too).
        values = [lower_edge(bin_), lower_edge(bin_ + 1), lower_edge(bin_ + 2)]
        assert_within_precision(median(counted(values)), values)
