from __future__ import annotations

from domain.shared.errors import InvalidInput


class PlanExists(InvalidInput):
    """One plan per organisation, subject, metric and period."""

    def __init__(self) -> None:
        super().__init__(
            "period_start", "the subject has a plan for this metric and period already"
        )
