"""The staleness rule, stated once.

A deal is **stale** when it is open and has spent more than its stage's ``max_days`` days
(``max_days x 86 400`` seconds, not calendar days: a DST change does not move the line) in
the stage. Past ``CLOSE_FACTOR`` times that limit, closing it with a refusal is proposed (the
"hope client"). Exactly at the limit a deal is not yet stale.

The domain (``Deal.staleness``, the sweep) calls ``past_limit``; the SQL filter
(``adapters/db/repositories/deals.py`` ``stale_sql``) builds the same comparison from
``SECONDS_PER_DAY`` and ``CLOSE_FACTOR``, so the two cannot drift (a test checks them against
each other at and just past both lines).
"""

from __future__ import annotations

from datetime import datetime, timedelta

SECONDS_PER_DAY = 86_400
# Past this many times the limit, propose closing the deal as lost.
CLOSE_FACTOR = 2


def limit_seconds(max_days: int, factor: int = 1) -> int:
    """The stage's limit (times ``factor``) in seconds."""
    return max_days * factor * SECONDS_PER_DAY


def past_limit(stage_entered_at: datetime, now: datetime, max_days: int, factor: int = 1) -> bool:
    """Strictly longer in the stage than ``factor`` times its limit."""
    return now - stage_entered_at > timedelta(seconds=limit_seconds(max_days, factor))


def whole_days(stage_entered_at: datetime, now: datetime) -> int:
    """Full days spent in the stage, as alerts state them."""
    return max(0, int((now - stage_entered_at).total_seconds() // SECONDS_PER_DAY))
