"""The PBX readers on their own: the providers' documented signature vectors, numbers read in
E.164, events read whatever order and shape they come in, hostile bodies never raising."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from domain.intake.calls import (
    Call,
    CallDirection,
    CallResult,
    EventStage,
    IntegrationRoute,
    Provider,
    TelephonyIntegration,
    TrackingNumber,
    new_call,
    phone_key,
)
from domain.intake.providers import check_event, read_event

SAMPLES = Path(__file__).parents[2] / "api" / "intake" / "samples"
MOSCOW = ZoneInfo("Europe/Moscow")


def route(provider: Provider, secret: str, api_key: str = "") -> IntegrationRoute:
    return IntegrationRoute(uuid.uuid4(), uuid.uuid4(), provider, True, api_key, secret)


class TestSignatures:
    @pytest.mark.parametrize(
        ("name", "signature"),
        [
            ("notify_start", "ZmVlZjU4MDNkYzQyNDFiMjEwYmRiZmYzZjU5MTFhNjEwYWQyYTBjNg=="),
            ("notify_end", "MGNmN2IwNzkyZTNhODhiZTA2ZGYwZDA0ZWNjYzYxMDhhMDQ5ZWRmYw=="),
        ],
    )
    def test_zadarmas_vectors_hold_and_another_secret_does_not(
        self, name: str, signature: str
    ) -> None:
        body = (SAMPLES / f"zadarma/{name}.urlencoded.txt").read_bytes()
        headers = {"signature": signature}
        ok = check_event(route(Provider.ZADARMA, "TEST_SECRET"), "", body, None, headers)
        assert ok.refusal is None
        assert ok.event_key is not None
        assert ok.event_key.startswith("in_")
        wrong = check_event(route(Provider.ZADARMA, "OTHER"), "", body, None, headers)
        assert wrong.refusal is not None

    def test_mangos_vector_holds_and_the_key_must_match(self) -> None:
        body = (SAMPLES / "mango/events_call.form.urlencoded.txt").read_bytes()
        ok = check_event(
            route(Provider.MANGO, "TESTSALT", "TESTKEY"), "events/call", body, None, {}
        )
        assert ok.refusal is None
        assert ok.event_key == "call:MToxMDA3MTYxNToxNjE6Nzc2MTY1NjA4OjE=:1"
        other = check_event(
            route(Provider.MANGO, "TESTSALT", "OTHER"), "events/call", body, None, {}
        )
        assert other.refusal is not None

    @pytest.mark.parametrize(
        "body",
        [b"", b"\xff\xfe\x00garbage", b"event=" + b"A" * 5000, b"%%%&&&==", b"json=%7B%7B%7B"],
    )
    @pytest.mark.parametrize("provider", list(Provider))
    def test_hostile_bodies_are_refused_or_only_kept_never_raise(
        self, provider: Provider, body: bytes
    ) -> None:
        checked = check_event(route(provider, "s3cret", "key"), "events/call", body, None, {})
        # Refused (a signature that cannot hold), or an event type nobody signs in a known
        # way: kept as ignored, never processed.
        assert checked.refusal is not None or checked.unknown is not None
        event = read_event(provider, "events/call", body, None, MOSCOW)
        assert event.stage in set(EventStage)


class TestReading:
    def test_zadarmas_end_reads_as_an_answered_inbound_call(self) -> None:
        body = (SAMPLES / "zadarma/notify_end.urlencoded.txt").read_bytes()
        event = read_event(Provider.ZADARMA, "", body, None, MOSCOW)
        assert event.stage is EventStage.END
        assert event.direction is CallDirection.INBOUND
        assert event.result is CallResult.ANSWERED
        assert event.started_at == datetime(2022, 3, 16, 13, 1, 28, tzinfo=UTC)
        assert (event.extension, event.duration_seconds) == ("100", 14)
        assert event.recording_id == "1647439288.1115107"

    def test_an_end_before_its_start_keeps_the_result_and_the_earliest_start(self) -> None:
        end = read_event(
            Provider.ZADARMA,
            "",
            b"event=NOTIFY_END&call_start=2026-11-30+10%3A00%3A05&pbx_call_id=in_1"
            b"&caller_id=79165550190&called_did=74994509495&duration=0&disposition=busy",
            None,
            MOSCOW,
        )
        start = read_event(
            Provider.ZADARMA,
            "",
            b"event=NOTIFY_START&call_start=2026-11-30+10%3A00%3A00&pbx_call_id=in_1"
            b"&caller_id=79165550190&called_did=74994509495",
            None,
            MOSCOW,
        )
        integration = TelephonyIntegration(
            organisation_id=uuid.uuid4(),
            name="АТС",
            provider=Provider.ZADARMA,
            tracking=(TrackingNumber("+74994509495", "yandex", "winter"),),
        )
        call: Call = new_call(
            integration.organisation_id, integration.id, "zadarma", end, at=datetime.now(UTC)
        )
        assert call.fold(end, integration) is True
        assert call.fold(start, integration) is False
        assert call.result is CallResult.BUSY
        assert call.is_missed
        assert call.started_at == datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
        assert (call.source, call.campaign) == ("yandex", "winter")
        assert call.event_names == ["NOTIFY_END", "NOTIFY_START"]


class TestNumbers:
    @pytest.mark.parametrize(
        ("raw", "region", "expected"),
        [
            ("79587628385", "RU", "+79587628385"),
            ("+7 (958) 762-83-85", "RU", "+79587628385"),
            ("89587628385", "RU", "+79587628385"),
            ("380931775529", "RU", "+380931775529"),
            ("0931775529", "UA", "+380931775529"),
            ("100", "RU", "100"),
            (
                "sip:roistat-0758@vpbx400076322.mangosip.ru",
                "RU",
                "sip:roistat-0758@vpbx400076322.mangosip.ru",
            ),
            ("  ", "RU", None),
        ],
    )
    def test_phone_key(self, raw: str, region: str, expected: str | None) -> None:
        assert phone_key(raw, region) == expected
