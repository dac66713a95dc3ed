"""Fixtures of the deals API tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from adapters.db.repositories import deal_totals
from api.deps import ClockDep, UowDep, get_deal_service
from domain.deals.services import DealService


@pytest.fixture
def exact_up_to_one(app: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Totals beyond the counters are exact up to one deal only; an estimate samples the whole
    table (so that here it comes out right, whatever else the table holds)."""

    def service(uow: UowDep, clock: ClockDep) -> DealService:
        return DealService(uow, clock, exact_totals_up_to=1)

    monkeypatch.setattr(deal_totals, "SAMPLE_ROWS", 10**12)
    app.dependency_overrides[get_deal_service] = service
    try:
        yield
    finally:
        del app.dependency_overrides[get_deal_service]
