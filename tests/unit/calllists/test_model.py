"""Call list rules without I/O: the retry policy's bounds, the list's status moves, what each
outcome does to a number, and reading uploaded rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.calllists.model import (
    BuildReport,
    CallItem,
    CallList,
    CallListStatus,
    ItemStatus,
    Outcome,
    RetryPolicy,
)
from domain.calllists.sources import client_filter, columns_of, read_entries
from domain.clients.model import Temperature
from domain.shared.errors import Conflict, InvalidInput, InvalidTransition

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
AGENT = uuid4()


def item(**extra: object) -> CallItem:
    values: dict[str, object] = {
        "organisation_id": uuid4(),
        "call_list_id": uuid4(),
        "phone": "+79120000001",
        "due_at": NOW,
        "locked_by": AGENT,
        "locked_until": NOW + timedelta(minutes=15),
    }
    values.update(extra)
    return CallItem(**values)  # type: ignore[arg-type]


class TestRetryPolicy:
    @pytest.mark.parametrize(("attempts", "minutes"), [(0, 10), (11, 10), (3, 0), (3, 43_201)])
    def test_out_of_bounds_is_refused(self, attempts: int, minutes: int) -> None:
        with pytest.raises(InvalidInput):
            RetryPolicy(attempts, minutes)


class TestStatus:
    def test_a_list_starts_only_with_telemarketers_and_done_reopens(self) -> None:
        empty = CallList(organisation_id=uuid4(), name="Обзвон")
        with pytest.raises(InvalidInput):
            empty.move_to(CallListStatus.ACTIVE)
        staffed = CallList(organisation_id=uuid4(), name="Обзвон", assignee_ids=(AGENT, AGENT))
        assert staffed.assignee_ids == (AGENT,)
        staffed.move_to(CallListStatus.ACTIVE)
        staffed.move_to(CallListStatus.DONE)
        with pytest.raises(InvalidTransition):
            staffed.move_to(CallListStatus.PAUSED)
        staffed.move_to(CallListStatus.ACTIVE)
        assert staffed.status is CallListStatus.ACTIVE


class TestOutcomes:
    def test_no_answer_waits_the_interval_then_closes_after_the_last_attempt(self) -> None:
        number = item()
        number.record(Outcome.NO_ANSWER, by=AGENT, at=NOW, retry=RetryPolicy(2, 30))
        assert number.status is ItemStatus.OPEN
        assert number.due_at == NOW + timedelta(minutes=30)
        assert number.locked_by is None
        number.locked_by = AGENT
        number.record(Outcome.NO_ANSWER, by=AGENT, at=NOW, retry=RetryPolicy(2, 30))
        assert number.attempts == 2
        assert [getattr(e, "closed", None) for e in number.events] == [False, True]

    def test_a_call_back_is_the_callers_at_its_time(self) -> None:
        number = item()
        with pytest.raises(InvalidInput):
            number.record(Outcome.CALL_BACK, by=AGENT, at=NOW, retry=RetryPolicy())
        at = NOW + timedelta(hours=2)
        number.record(Outcome.CALL_BACK, by=AGENT, at=NOW, retry=RetryPolicy(), call_back_at=at)
        assert (number.due_at, number.assignee_id, number.status) == (at, AGENT, ItemStatus.OPEN)

    def test_only_the_holder_records(self) -> None:
        with pytest.raises(Conflict):
            item().record(Outcome.INTERESTED, by=uuid4(), at=NOW, retry=RetryPolicy())


class TestSources:
    def test_rows_are_normalised_once_each_and_bad_ones_reported(self) -> None:
        report = BuildReport()
        entries = read_entries(
            [(1, "8 912 000-00-01", "Пётр"), (2, "+79120000001", None), (3, "abc", None)],
            report,
            region="RU",
        )
        assert [e.phone for e in entries] == ["+79120000001"]
        assert (report.duplicates, report.invalid) == (1, 1)
        assert report.invalid_rows == [{"row": 3, "value": "abc", "reason": "not_a_phone"}]

    def test_the_header_names_the_phone_and_name_columns(self) -> None:
        assert columns_of(["Компания", "Телефон"]) == (1, 0)
        assert columns_of(["+79120000001", "Иван"]) == (0, 1)

    def test_a_clients_list_query_string_is_its_filter(self) -> None:
        found = client_filter("temperature=cold&tags=b2b&tags=retail&q=Ромашка")
        assert found.temperatures == (Temperature.COLD,)
        assert found.tags == ("b2b", "retail")
        assert found.search == "Ромашка"
        with pytest.raises(InvalidInput):
            client_filter("temperature=lukewarm")
