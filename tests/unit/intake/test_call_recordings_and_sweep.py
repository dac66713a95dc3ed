"""A call's recording state and the sweep's end, on the entity: which events make a recording
due, how retries back off and when they give up, and what an end never reported becomes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest

from domain.intake.calls import (
    RECORDING_MAX_ATTEMPTS,
    SWEEP_EVENT,
    Call,
    CallDirection,
    CallEvent,
    CallResult,
    EventStage,
    IntegrationRoute,
    Provider,
    RecordingStatus,
)
from domain.intake.providers import check_event, mango_sign, read_event

T = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
BASE = timedelta(seconds=30)


def call(direction: CallDirection = CallDirection.INBOUND) -> Call:
    return Call(
        organisation_id=uuid.uuid4(),
        integration_id=uuid.uuid4(),
        provider="generic",
        provider_call_id="c-1",
        direction=direction,
        started_at=T,
    )


def event(stage: EventStage, **fields: object) -> CallEvent:
    return CallEvent(name=stage.value, stage=stage, call_id="c-1", **fields)  # type: ignore[arg-type]


class TestRecordingDue:
    def test_an_end_naming_a_recording_id_does_not_make_it_due_its_ready_event_does(
        self,
    ) -> None:
        c = call()
        c.fold(event(EventStage.END, recording_id="1647.11"), None, received_at=T)
        assert c.recording_status is None
        c.fold(event(EventStage.RECORDING, recording_id="1647.11"), None, received_at=T)
        assert c.recording_status is RecordingStatus.PENDING
        assert c.recording_next_attempt_at == T

    def test_a_direct_link_makes_it_due_and_a_stored_one_stays_stored(self) -> None:
        c = call()
        c.fold(
            event(EventStage.END, recording_url="https://pbx.example/1.mp3"), None, received_at=T
        )
        assert c.recording_status is RecordingStatus.PENDING
        c.recording_stored("org/calls/1", 100, "audio/mpeg")
        c.fold(
            event(EventStage.RECORDING, recording_url="https://pbx.example/1.mp3"),
            None,
            received_at=T,
        )
        assert c.recording_status is RecordingStatus.STORED
        assert c.recording_available

    def test_retries_back_off_and_give_up(self) -> None:
        c = call()
        c.want_recording(T)
        delays = []
        for attempt in range(1, RECORDING_MAX_ATTEMPTS):
            c.recording_failed("HTTP 503", at=T, retry=True, base_delay=BASE)
            assert c.recording_status is RecordingStatus.PENDING
            assert c.recording_attempts == attempt
            assert c.recording_next_attempt_at is not None
            delays.append(c.recording_next_attempt_at - T)
        assert delays[:3] == [BASE, BASE * 4, BASE * 16]
        c.recording_failed("HTTP 503", at=T, retry=True, base_delay=BASE)
        assert c.recording_status is RecordingStatus.FAILED
        assert c.recording_next_attempt_at is None
        assert c.recording_error == "HTTP 503"

    def test_a_failure_that_will_not_pass_gives_up_at_once(self) -> None:
        c = call()
        c.want_recording(T)
        c.recording_failed("HTTP 404", at=T, retry=False, base_delay=BASE)
        assert (c.recording_status, c.recording_attempts) == (RecordingStatus.FAILED, 1)


class TestSweepEnd:
    @pytest.mark.parametrize(
        ("direction", "answered", "result"),
        [
            (CallDirection.INBOUND, False, CallResult.MISSED),
            (CallDirection.OUTBOUND, False, CallResult.NO_ANSWER),
            (CallDirection.INBOUND, True, CallResult.ANSWERED),
            (CallDirection.OUTBOUND, True, CallResult.ANSWERED),
        ],
    )
    def test_the_result_is_what_was_seen(
        self, direction: CallDirection, answered: bool, result: CallResult
    ) -> None:
        c = call(direction)
        c.is_new = True
        c.fold(event(EventStage.START, at=T, direction=direction), None, received_at=T)
        last = T + timedelta(seconds=40)
        if answered:
            c.fold(event(EventStage.ANSWER, at=T + timedelta(seconds=10)), None)
        heard = T + timedelta(hours=3)  # when it came, by our clock
        c.fold(event(EventStage.OTHER, at=last), None, received_at=heard)
        assert (c.last_event_at, c.last_heard_at) == (last, heard)
        assert c.fold(c.sweep_event(), None) is True
        assert c.result is result
        assert c.ended_at == last
        assert c.duration_seconds == 40
        assert c.talk_seconds == (30 if answered else None)
        assert c.event_names[-1] == SWEEP_EVENT
        # An end that comes after changes the facts, but is not a new end.
        assert c.fold(event(EventStage.END, result=CallResult.MISSED, at=last), None) is False


def mango_recording(state: str | None) -> tuple[bytes, str]:
    document = '{"entry_id": "e1", "recording_id": "r1"'
    document += f', "recording_state": "{state}"}}' if state else "}"
    body = urlencode(
        {"vpbx_api_key": "K", "sign": mango_sign("K", document, "S"), "json": document}
    )
    return body.encode(), document


class TestMangoRecordingEvents:
    def test_only_a_finished_recording_is_ready_and_its_start_is_another_event(self) -> None:
        route = IntegrationRoute(uuid.uuid4(), uuid.uuid4(), Provider.MANGO, True, "K", "S")
        keys = set()
        for state, stage in (
            ("Started", EventStage.OTHER),
            ("Completed", EventStage.RECORDING),
            (None, EventStage.RECORDING),
        ):
            body, _ = mango_recording(state)
            check = check_event(route, "events/recording", body, None, {})
            assert check.refusal is None
            keys.add(check.event_key)
            read = read_event(Provider.MANGO, "events/recording", body, None, ZoneInfo("UTC"))
            assert (read.stage, read.recording_id) == (stage, "r1")
        assert len(keys) == 2  # Completed and a state-less one are the same event
