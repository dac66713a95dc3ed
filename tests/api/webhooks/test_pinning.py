"""The sender connects to the address the target check approved, keeping the host name in the
Host header, so a second DNS answer cannot redirect the request (DNS rebinding)."""

from __future__ import annotations

from adapters.webhooks.http import HttpxWebhookSender
from tests.api.webhooks.support import receiver


class TestPinnedConnection:
    async def test_a_name_that_does_not_resolve_is_reached_at_the_pinned_address(self) -> None:
        sender = HttpxWebhookSender()
        try:
            async with receiver(200) as hook:
                # ``hooks.invalid`` cannot resolve (RFC 2606): only the pin can reach the server.
                url = f"http://hooks.invalid:{hook.port}/hook"
                result = await sender.send(
                    url,
                    headers={"content-type": "application/json"},
                    body=b"{}",
                    connect_to="127.0.0.1",
                )
                unpinned = await sender.send(url, headers={}, body=b"{}")
        finally:
            await sender.aclose()
        assert result.status_code == 200
        assert result.succeeded
        [request] = hook.requests
        assert request.headers["host"] == f"hooks.invalid:{hook.port}"
        assert request.path == "/hook"
        assert unpinned.status_code is None
        assert unpinned.error is not None
