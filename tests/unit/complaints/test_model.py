"""Complaint rules without I/O: the deadline by kind in working days and its bounds, the status
flow with a required resolution, overdue once per deadline, the public-conflict event."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from domain.complaints.events import (
    ComplaintCreated,
    ComplaintOverdue,
    ComplaintPublicConflictChanged,
    ComplaintStatusChanged,
)
from domain.complaints.model import (
    Complaint,
    ComplaintKind,
    ComplaintStatus,
    add_working_days,
    default_deadline,
)
from domain.shared.errors import InvalidInput, InvalidTransition

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)  # a Friday
TODAY = date(2026, 12, 4)


def record(**fields: object) -> Complaint:
    values: dict[str, object] = {
        "organisation_id": uuid.uuid4(),
        "client_id": uuid.uuid4(),
        "deal_id": None,
        "kind": ComplaintKind.DELIVERY,
        "description": "Привезли не то",
        "owner_id": uuid.uuid4(),
        "deadline": TODAY + timedelta(days=3),
        "public_conflict": False,
        "today": TODAY,
        "at": NOW,
        "by": uuid.uuid4(),
    }
    values.update(fields)
    return Complaint.record(**values)  # type: ignore[arg-type]


class TestDeadline:
    def test_working_days_skip_the_weekend(self) -> None:
        assert add_working_days(TODAY, 1) == date(2026, 12, 7)  # Friday -> Monday
        assert add_working_days(TODAY, 3) == date(2026, 12, 9)
        assert default_deadline(ComplaintKind.QUALITY, TODAY) == date(2026, 12, 11)

    @pytest.mark.parametrize("offset", [-1, 367])
    def test_a_deadline_lies_from_today_up_to_366_days_ahead(self, offset: int) -> None:
        with pytest.raises(InvalidInput) as refused:
            record(deadline=TODAY + timedelta(days=offset))
        assert refused.value.problems[0].loc == ("deadline",)


class TestStatus:
    def test_new_in_work_resolved_records_every_change(self) -> None:
        complaint = record()
        assert [type(e) for e in complaint.events] == [ComplaintCreated]
        complaint.take_in_work(at=NOW, by=None)
        with pytest.raises(InvalidInput):
            complaint.resolve("   ", at=NOW, by=None)
        complaint.resolve("Заменили", at=NOW, by=None)
        assert (complaint.status, complaint.resolution) == (ComplaintStatus.RESOLVED, "Заменили")
        changes = [e for e in complaint.events if isinstance(e, ComplaintStatusChanged)]
        assert [(e.from_status, e.to_status) for e in changes] == [
            ("new", "in_work"),
            ("in_work", "resolved"),
        ]
        assert [t.to_status for t in complaint.transitions] == [
            ComplaintStatus.NEW,
            ComplaintStatus.IN_WORK,
            ComplaintStatus.RESOLVED,
        ]
        with pytest.raises(InvalidTransition):
            complaint.reject("Нет", at=NOW, by=None)
        with pytest.raises(InvalidTransition):
            complaint.edit(today=TODAY, at=NOW, by=None, description="Иначе")

    def test_only_a_new_one_is_taken_in_work(self) -> None:
        complaint = record()
        complaint.take_in_work(at=NOW, by=None)
        with pytest.raises(InvalidTransition):
            complaint.take_in_work(at=NOW, by=None)


class TestOverdue:
    def test_announced_once_per_deadline(self) -> None:
        complaint = record(deadline=TODAY)
        assert complaint.mark_overdue(TODAY, NOW) is False  # due today: not late yet
        later = TODAY + timedelta(days=1)
        assert complaint.mark_overdue(later, NOW) is True
        assert complaint.mark_overdue(later, NOW) is False
        complaint.edit(today=later, at=NOW, by=None, deadline=later + timedelta(days=2))
        assert complaint.mark_overdue(later + timedelta(days=3), NOW) is True
        overdue = [e for e in complaint.events if isinstance(e, ComplaintOverdue)]
        assert [e.deadline for e in overdue] == [TODAY, later + timedelta(days=2)]

    def test_a_closed_one_is_never_overdue(self) -> None:
        complaint = record(deadline=TODAY)
        complaint.reject("Не подтвердилось", at=NOW, by=None)
        assert complaint.mark_overdue(TODAY + timedelta(days=5), NOW) is False


class TestPublicConflict:
    def test_setting_and_clearing_it_tells_karma(self) -> None:
        complaint = record(public_conflict=True)
        complaint.edit(today=TODAY, at=NOW, by=None, public_conflict=True)  # unchanged
        complaint.edit(today=TODAY, at=NOW, by=None, public_conflict=False)
        told = [e for e in complaint.events if isinstance(e, ComplaintPublicConflictChanged)]
        assert [e.public_conflict for e in told] == [True, False]
