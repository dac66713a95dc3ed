"""Every fact the domain records is attended to: a handler, a subscriber of its own, or a
declaration that it exists for integrators only."""

from __future__ import annotations

from adapters.bootstrap import Container


def test_every_event_type_has_a_handler_or_subscriber_or_is_webhook_only(
    container: Container,
) -> None:
    assert container.bus.unattended() == []
