"""An inbox item's processing states: retries with backoff, dead after the last, retried by
an administrator."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain.intake.model import MAX_ATTEMPTS, InboxItem, InboxState, Outcome, Source
from domain.shared.errors import InvalidTransition

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _item() -> InboxItem:
    return InboxItem(
        organisation_id=uuid.uuid4(),
        source=Source.FORM,
        provider="generic",
        received_at=NOW,
        next_attempt_at=NOW,
    )


def test_a_failure_is_retried_later_then_dead_after_the_last_attempt() -> None:
    item = _item()
    rng = random.Random(1)
    delays = []
    for attempt in range(1, MAX_ATTEMPTS):
        item.fail("boom", NOW, rng=rng)
        assert item.state is InboxState.PENDING
        assert item.attempts == attempt
        assert item.next_attempt_at is not None
        delays.append(item.next_attempt_at - NOW)
    assert delays == sorted(delays)
    assert delays[0] >= timedelta(seconds=2.5)
    item.fail("boom", NOW, rng=rng)
    assert item.state is InboxState.DEAD
    assert item.next_attempt_at is None
    assert item.last_error == "boom"


def test_only_dead_rejected_or_ignored_items_are_retried() -> None:
    item = _item()
    item.conclude(Outcome.processed({"name": "A"}), NOW)
    with pytest.raises(InvalidTransition):
        item.retry(NOW)
    item.conclude(Outcome.rejected("no phone"), NOW)
    item.retry(NOW + timedelta(minutes=1))
    assert (item.state, item.attempts) == (InboxState.PENDING, 0)
    assert item.next_attempt_at == NOW + timedelta(minutes=1)
