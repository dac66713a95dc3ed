"""schemathesis over the whole openapi.yaml, as an organisation's admin and as its seller:
no answer is a server error, every answer matches its declared status and schema.

The app runs in-process on the suite's database and Redis. Its engine and Redis pool belong
to the test's event loop, so schemathesis (synchronous, hypothesis-driven) runs in a worker
thread and hands each request back to that loop, where httpx sends it to the ASGI app.
Examples are few per operation and derandomized: the same cases on every run.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from api.cli import OPENAPI_PATH
from tests.api.attachments.support import make_client, make_deal
from tests.factories import Factory, Session

MAX_EXAMPLES = 8
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

# Operations left out, each with its reason. Keep this short: an entry is a known defect or a
# request the run cannot make safely, not a way to silence a failure.
SKIPPED: dict[str, str] = {
    # Signs the caller out: every later request of the run would be a 401.
    "logout": "revokes the session the run uses",
    # A server-sent event stream: it never ends, so a call never returns.
    "stream_notifications": "an endless event stream",
}


@dataclass(slots=True)
class Report:
    failures: dict[str, str] = field(default_factory=dict)
    calls: int = 0


def _send_in(
    loop: asyncio.AbstractEventLoop, http: httpx.AsyncClient
) -> Callable[[dict[str, Any]], httpx.Response]:
    def send(kwargs: dict[str, Any]) -> httpx.Response:
        request = http.build_request(**kwargs)
        # Read now, so the checks can look at a multipart body after it was sent.
        request.read()
        future = asyncio.run_coroutine_threadsafe(http.send(request), loop)
        return future.result(timeout=60)

    return send


def _request_kwargs(case: Any, headers: dict[str, str]) -> dict[str, Any]:
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    sent = {k: v for k, v in kwargs.items() if k in ("method", "url", "params")}
    sent["headers"] = {**(kwargs.get("headers") or {}), **headers}
    if kwargs.get("cookies"):
        sent["headers"]["Cookie"] = "; ".join(f"{k}={v}" for k, v in kwargs["cookies"].items())
    if kwargs.get("json") is not None:
        sent["json"] = kwargs["json"]
    if kwargs.get("files"):
        sent["files"] = [(name, _file(value)) for name, value in _pairs(kwargs["files"])]
        if isinstance(kwargs.get("data"), dict):
            sent["data"] = kwargs["data"]
    elif isinstance(kwargs.get("data"), dict):
        sent["data"] = kwargs["data"]
    elif kwargs.get("data") is not None:
        data = kwargs["data"]
        sent["content"] = data.encode() if isinstance(data, str) else data
    return sent


def _pairs(files: Any) -> list[tuple[str, Any]]:
    return list(files.items()) if isinstance(files, dict) else list(files)


def _file(value: Any) -> Any:
    """A multipart part as httpx takes it; generated negative cases may hold any JSON."""
    if isinstance(value, tuple):
        return (value[0], _content(value[1]), *value[2:])
    return _content(value)


def _content(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    return (value if isinstance(value, str) else str(value)).encode()


def _run(
    schema: Any, send: Callable[[dict[str, Any]], httpx.Response], headers: dict[str, str]
) -> Report:
    report = Report()
    for result in schema.get_all_operations():
        operation = result.ok()
        operation_id = operation.definition.raw.get("operationId", operation.label)
        if operation_id in SKIPPED:
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
        )
        def check(case: Any) -> None:
            response = send(_request_kwargs(case, headers))
            report.calls += 1
            case.validate_response(response, checks=CHECKS)

        try:
            check()
        except (Exception, BaseExceptionGroup) as error:
            report.failures[f"{operation_id} ({operation.label})"] = str(error)[:1500]
    return report


async def _world(factory: Factory) -> tuple[Session, Session]:
    """A fresh organisation with an admin, a seller and a few records of both."""
    org, admin = await factory.admin_session()
    seller = await factory.login(await factory.user(org, "seller"))
    for owner in (admin.user, seller.user):
        client = await make_client(factory.container, org, owner)
        await make_deal(factory.container, org, owner, client)
    return admin, seller


@pytest.mark.parametrize("role", ["admin", "seller"])
async def test_the_api_keeps_its_contract_under_generated_requests(
    factory: Factory, role: str
) -> None:
    admin, seller = await _world(factory)
    session = admin if role == "admin" else seller
    schema = schemathesis.openapi.from_path(OPENAPI_PATH)
    send = _send_in(asyncio.get_running_loop(), factory.client)
    started = time.monotonic()
    report = await asyncio.to_thread(_run, schema, send, session.headers)
    elapsed = time.monotonic() - started
    assert report.calls > 0
    assert not report.failures, (
        f"{len(report.failures)} operations broke the contract as {role} "
        f"({report.calls} calls, {elapsed:.0f} s):\n\n"
        + "\n\n".join(f"{op}: {msg}" for op, msg in sorted(report.failures.items()))
    )
