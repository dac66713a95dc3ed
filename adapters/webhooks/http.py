"""Outgoing webhook requests over httpx, and host resolution through the event loop."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Sequence
from uuid import UUID

import httpx
import structlog
from arq.connections import ArqRedis

from domain.webhooks.model import RESPONSE_EXCERPT_BYTES
from domain.webhooks.ports import SendResult

ATTEMPT_WEBHOOK = "attempt_webhook_deliveries"
log = structlog.get_logger(__name__)

TIMEOUT = httpx.Timeout(10.0, connect=3.0)
USER_AGENT = "crm-webhooks/1"


class HttpxWebhookSender:
    """One POST per attempt. Redirects are never followed (a 3xx is a failure: following
    one could lead to an address the target check never saw); only the first 2 KB of the
    answer is read, for the delivery log."""

    def __init__(self, client: httpx.AsyncClient | None = None) -> None:
        self._client = client or httpx.AsyncClient(
            timeout=TIMEOUT, follow_redirects=False, trust_env=False
        )

    async def send(
        self, url: str, *, headers: dict[str, str], body: bytes, connect_to: str | None = None
    ) -> SendResult:
        started = time.perf_counter()
        request = self._client.build_request(
            "POST", url, content=body, headers={**headers, "user-agent": USER_AGENT}
        )
        if connect_to is not None:
            pin(request, connect_to)
        try:
            async with asyncio.timeout(TIMEOUT.read or 10.0):
                response = await self._client.send(request, stream=True)
                try:
                    excerpt = await _excerpt(response)
                finally:
                    await response.aclose()
        except (httpx.HTTPError, TimeoutError, OSError) as exc:
            return SendResult(
                status_code=None,
                duration_ms=_ms_since(started),
                error=f"{type(exc).__name__}: {exc}"[:1000] or type(exc).__name__,
            )
        status = response.status_code
        error = None
        if 300 <= status < 400:
            error = f"Redirect to {response.headers.get('location', '?')} not followed"[:1000]
        return SendResult(
            status_code=status,
            duration_ms=_ms_since(started),
            response_body=excerpt,
            error=error,
        )

    async def aclose(self) -> None:
        await self._client.aclose()


def pin(request: httpx.Request, address: str) -> None:
    """Connect to ``address`` (already checked) instead of resolving the host again; the Host
    header keeps the name, and for https the TLS name (SNI and certificate check) too."""
    host = request.url.host
    request.headers["host"] = request.url.netloc.decode("ascii")
    request.url = request.url.copy_with(host=address)
    if request.url.scheme == "https":
        request.extensions["sni_hostname"] = host


async def _excerpt(response: httpx.Response) -> str:
    chunks = bytearray()
    async for chunk in response.aiter_raw():
        chunks.extend(chunk)
        if len(chunks) >= RESPONSE_EXCERPT_BYTES:
            break
    return bytes(chunks[:RESPONSE_EXCERPT_BYTES]).decode("utf-8", errors="replace")


def _ms_since(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


class LoopHostResolver:
    """Every address of a host name, from the event loop's getaddrinfo."""

    async def resolve(self, host: str) -> Sequence[str]:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        return sorted({str(info[4][0]) for info in infos})


class ArqDeliveryQueue:
    def __init__(self, pool: ArqRedis) -> None:
        self._pool = pool

    async def attempt_soon(self, organisation_id: UUID, delivery_ids: Sequence[UUID]) -> None:
        # Claims use SKIP LOCKED and a lease, so a delivery asked for twice is attempted once.
        try:
            await self._pool.enqueue_job(
                ATTEMPT_WEBHOOK, [str(i) for i in delivery_ids], str(organisation_id)
            )
        except Exception as exc:  # the rows are stored; the retry sweep attempts them
            log.warning("webhooks.enqueue_failed", error=str(exc))
