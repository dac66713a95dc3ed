from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain.activities.commands import UpdateActivity
from domain.activities.model import (
    Activity,
    ActivityKind,
    Comment,
    Direction,
    Task,
    mentioned_user_ids,
)
from domain.shared.errors import InvalidInput, InvalidTransition

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
ORG = uuid.uuid4()


def task(**values: object) -> Task:
    fields: dict[str, object] = {
        "organisation_id": ORG,
        "client_id": uuid.uuid4(),
        "title": "Позвонить",
        "assignee_id": uuid.uuid4(),
        **values,
    }
    return Task(**fields)  # type: ignore[arg-type]


class TestTask:
    def test_needs_a_client_or_deal_and_a_title(self) -> None:
        with pytest.raises(InvalidInput):
            Task(organisation_id=ORG, title="x", assignee_id=uuid.uuid4())
        with pytest.raises(InvalidInput):
            task(title="  ")

    def test_complete_and_reopen_are_transitions(self) -> None:
        t = task()
        t.complete(None, NOW)
        with pytest.raises(InvalidTransition):
            t.complete(None, NOW)
        t.reopen()
        with pytest.raises(InvalidTransition):
            t.reopen()

    def test_overdue_only_while_open_and_past_due(self) -> None:
        t = task(due_at=NOW - timedelta(minutes=1))
        assert t.is_overdue(NOW)
        t.complete(None, NOW)
        assert not t.is_overdue(NOW)
        assert not task().is_overdue(NOW)

    def test_a_new_reminder_time_reminds_again(self) -> None:
        t = task(remind_at=NOW, reminded_at=NOW)
        t.change(remind_at=NOW + timedelta(hours=1), fields={"remind_at"})
        assert t.reminded_at is None

    def test_naive_times_are_refused(self) -> None:
        with pytest.raises(InvalidInput):
            task(due_at=datetime(2026, 1, 1))  # noqa: DTZ001


class TestActivity:
    def test_direction_only_for_calls_and_email(self) -> None:
        with pytest.raises(InvalidInput):
            Activity(
                organisation_id=ORG,
                client_id=uuid.uuid4(),
                kind=ActivityKind.MEETING,
                direction=Direction.INBOUND,
                occurred_at=NOW,
            )

    def test_a_change_sets_what_it_gives_and_none_clears(self) -> None:
        a = Activity(
            organisation_id=ORG,
            client_id=uuid.uuid4(),
            kind=ActivityKind.CALL,
            subject="Звонок",
            body="Обсудили цены",
            direction=Direction.INBOUND,
            occurred_at=NOW,
            duration_seconds=60,
        )
        a.change(UpdateActivity(subject=None, duration_seconds=90))
        assert a.subject is None
        assert a.duration_seconds == 90
        assert (a.body, a.direction, a.kind) == (
            "Обсудили цены",
            Direction.INBOUND,
            ActivityKind.CALL,
        )

    def test_a_change_is_checked_as_a_whole(self) -> None:
        a = Activity(
            organisation_id=ORG,
            client_id=uuid.uuid4(),
            kind=ActivityKind.CALL,
            direction=Direction.INBOUND,
            occurred_at=NOW,
        )
        with pytest.raises(InvalidInput):
            a.change(UpdateActivity(kind=ActivityKind.MEETING))
        a.change(UpdateActivity(kind=ActivityKind.MEETING, direction=None))
        assert a.kind is ActivityKind.MEETING


class TestMentions:
    def test_parses_ids_once_in_order(self) -> None:
        a, b = uuid.uuid4(), uuid.uuid4()
        body = f"@[Анна]({b}) и @[Иван Петров]({a}), @[Анна С.]({b}); @[bad](not-a-uuid)"
        assert mentioned_user_ids(body) == [b, a]

    def test_editing_reports_only_new_mentions(self) -> None:
        a, b = uuid.uuid4(), uuid.uuid4()
        c = Comment(organisation_id=ORG, deal_id=uuid.uuid4(), body=f"@[A]({a})")
        assert c.mentions == [a]
        assert c.edit(f"@[A]({a}) @[B]({b})", NOW) == [b]
        assert c.edited_at == NOW
