"""Errors with webhook meaning."""

from __future__ import annotations

from domain.shared.errors import Conflict


class EndpointDisabled(Conflict):
    title = "Endpoint disabled"

    def __init__(self) -> None:
        super().__init__("The endpoint is disabled; enable it before sending to it")
