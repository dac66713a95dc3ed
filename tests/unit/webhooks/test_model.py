from __future__ import annotations

import ipaddress
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

import domain.deals.events  # noqa: F401 - registers the deal event names
from domain.shared.errors import InvalidInput
from domain.webhooks.model import (
    DeliveryAttempt,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookMessage,
    retry_delay,
    validate_events,
)
from domain.webhooks.signing import sign
from domain.webhooks.targets import check_target, forbidden_reason

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
BASE = timedelta(seconds=5)


def delivery() -> WebhookDelivery:
    org = uuid4()
    return WebhookDelivery(
        organisation_id=org,
        endpoint_id=uuid4(),
        message=WebhookMessage(
            event_id=uuid4(), event_name="deal.won", organisation_id=org, occurred_at=NOW, fields={}
        ),
        next_attempt_at=NOW,
    )


def failed(d: WebhookDelivery, at: datetime) -> DeliveryAttempt:
    return DeliveryAttempt(
        organisation_id=d.organisation_id, delivery_id=d.id, attempted_at=at, succeeded=False
    )


class TestSigning:
    def test_matches_the_standard_webhooks_reference_vector(self) -> None:
        signature = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            '{"test": 2432232314}',
        )
        assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


class TestRetrySchedule:
    def test_full_jitter_stays_below_the_nominal_step(self) -> None:
        rng = random.Random(1)
        nominal = [5, 30, 120, 300, 1800, 7200, 18000, 36000, 36000]
        for attempts, ceiling in enumerate(nominal, start=1):
            for _ in range(50):
                assert (
                    timedelta(0) <= retry_delay(attempts, BASE, rng) <= timedelta(seconds=ceiling)
                )

    def test_a_delivery_fails_once_its_day_is_over(self) -> None:
        d = delivery()
        at = NOW
        while d.status is DeliveryStatus.PENDING:
            d.record_attempt(failed(d, at), base_delay=BASE, rng=random.Random(2))
            assert d.next_attempt_at is None or d.next_attempt_at <= NOW + timedelta(hours=24)
            at = d.next_attempt_at or at
        assert d.status is DeliveryStatus.FAILED
        assert at <= NOW + timedelta(hours=24)

    def test_success_ends_the_delivery(self) -> None:
        d = delivery()
        ok = DeliveryAttempt(
            organisation_id=d.organisation_id, delivery_id=d.id, attempted_at=NOW, succeeded=True
        )
        d.record_attempt(ok, base_delay=BASE)
        assert d.status is DeliveryStatus.SUCCEEDED
        assert d.next_attempt_at is None


class TestEndpointHealth:
    def endpoint(self) -> WebhookEndpoint:
        return WebhookEndpoint.create(
            uuid4(), url="https://example.com/h", events=["*"], created_at=NOW
        )

    def test_disabled_after_a_day_without_success_and_reset_by_a_success(self) -> None:
        e = self.endpoint()
        assert e.record_failure(NOW) is False
        assert e.record_failure(NOW + timedelta(hours=23)) is False
        e.record_success()
        assert e.record_failure(NOW + timedelta(hours=25)) is False
        assert e.record_failure(NOW + timedelta(hours=49)) is True
        assert e.is_active is False
        assert e.disabled_reason
        e.change(is_active=True)
        assert e.failing_since is None
        assert e.disabled_reason is None

    def test_secret_is_standard_webhooks_format(self) -> None:
        assert self.endpoint().secret.startswith("whsec_")


class TestEventNames:
    def test_star_alone_or_known_names(self) -> None:
        assert validate_events(["deal.won", "deal.won"]) == ("deal.won",)
        assert validate_events(["*"]) == ("*",)
        for bad in (["*", "deal.won"], ["deal.nope"], []):
            with pytest.raises(InvalidInput):
                validate_events(bad)


class FakeResolver:
    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers

    async def resolve(self, host: str) -> Sequence[str]:
        if host not in self.answers:
            raise OSError("no such host")
        return self.answers[host]


class TestTargets:
    @pytest.mark.parametrize(
        "address",
        [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.0.1",
            "192.168.0.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",  # noqa: S104 - an address to refuse, not to bind
            "224.0.0.1",
            "240.0.0.1",
            "::1",
            "fe80::1",
            "fc00::1",
            "::ffff:127.0.0.1",
            "::",
        ],
    )
    def test_non_public_addresses_are_refused(self, address: str) -> None:
        assert forbidden_reason(ipaddress.ip_address(address)) is not None

    def test_public_addresses_pass(self) -> None:
        assert forbidden_reason(ipaddress.ip_address("93.184.215.14")) is None
        assert forbidden_reason(ipaddress.ip_address("2606:4700::1111")) is None

    async def test_every_resolved_address_must_be_public(self) -> None:
        resolver = FakeResolver(
            {"mixed.test": ["93.184.215.14", "10.0.0.5"], "ok.test": ["1.1.1.1"]}
        )
        with pytest.raises(InvalidInput) as refused:
            await check_target("https://mixed.test/h", resolver, allow_private=False)
        assert refused.value.problems[0].loc == ("url",)
        await check_target("https://ok.test/h", resolver, allow_private=False)
        await check_target("https://mixed.test/h", resolver, allow_private=True)
        with pytest.raises(InvalidInput):
            await check_target("https://missing.test/h", resolver, allow_private=False)

    async def test_the_attempt_is_pinned_to_the_address_that_was_checked(self) -> None:
        # A second lookup could answer with a private address (DNS rebinding); the check
        # hands back what it approved, and the sender connects there.
        resolver = FakeResolver({"ok.test": ["1.1.1.1"], "v6.test": ["2606:4700::1111"]})
        assert await check_target("https://ok.test/h", resolver, allow_private=False) == "1.1.1.1"
        pinned = await check_target("https://v6.test/h", resolver, allow_private=False)
        assert pinned == "2606:4700::1111"
        assert await check_target("http://1.1.1.1/h", resolver, allow_private=False) == "1.1.1.1"
        assert await check_target("https://ok.test/h", resolver, allow_private=True) is None
