from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import structlog
from structlog.testing import capture_logs

from tests.factories import Factory

PROBLEM = "application/problem+json"
LIMIT = 64 * 1024  # max_body_bytes of the test settings


class TestMalformedInput:
    async def test_malformed_json_is_a_400_problem(self, factory: Factory) -> None:
        response = await factory.client.post(
            "/api/v1/auth/login",
            content=b'{"email": "a@example.com", "password": ',
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 400
        assert response.headers["content-type"] == PROBLEM
        body = response.json()
        assert (body["status"], body["type"]) == (
            400,
            "https://crm.example/problems/malformed-json",
        )

    async def test_a_wrong_field_type_is_422_naming_the_field(self, factory: Factory) -> None:
        response = await factory.client.post(
            "/api/v1/auth/login", json={"email": "a@example.com", "password": ["not", "text"]}
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        assert [e["loc"] for e in response.json()["errors"]] == [["body", "password"]]

    async def test_an_unknown_field_is_422_naming_it(self, factory: Factory) -> None:
        response = await factory.client.post(
            "/api/v1/auth/login",
            json={"email": "a@example.com", "password": "x", "remember": True},
        )
        assert response.status_code == 422
        assert [e["loc"] for e in response.json()["errors"]] == [["body", "remember"]]


class TestBodySizeLimit:
    async def test_a_declared_length_over_the_limit_is_413(self, factory: Factory) -> None:
        response = await factory.client.post(
            "/api/v1/auth/login",
            content=b"x" * (LIMIT + 1),
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 413
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["status"] == 413

    async def test_a_streamed_body_over_the_limit_is_413(self, factory: Factory) -> None:
        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(10):
                yield b" " * (LIMIT // 8)

        response = await factory.client.post(
            "/api/v1/auth/login", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert "content-length" not in response.request.headers
        assert response.status_code == 413
        assert response.headers["content-type"] == PROBLEM

    async def test_a_streamed_body_under_the_limit_is_read_normally(self, factory: Factory) -> None:
        async def chunks() -> AsyncIterator[bytes]:
            yield b'{"email": "nobody@example.com",'
            yield b' "password": "wrong-password"}'

        response = await factory.client.post(
            "/api/v1/auth/login", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 401


class TestRouting:
    @pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
    async def test_an_unknown_api_route_is_a_404_problem(
        self, factory: Factory, method: str
    ) -> None:
        response = await factory.client.request(method, "/api/v1/no-such-thing")
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM

    async def test_a_wrong_method_on_a_known_route_is_a_405_problem(self, factory: Factory) -> None:
        response = await factory.client.put("/api/v1/auth/login", json={})
        assert response.status_code == 405
        assert response.headers["content-type"] == PROBLEM


class TestRequestId:
    async def test_every_response_carries_a_fresh_request_id(self, factory: Factory) -> None:
        ok = await factory.client.get("/healthz")
        missing = await factory.client.get("/api/v1/no-such-thing")
        refused = await factory.client.get("/api/v1/users/me")
        ids = [r.headers.get("x-request-id") for r in (ok, missing, refused)]
        assert all(ids)
        assert len(set(ids)) == 3

    async def test_a_sane_incoming_request_id_is_echoed(self, factory: Factory) -> None:
        response = await factory.client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.42:1"})
        assert response.headers["x-request-id"] == "lb-7f3a.42:1"

    @pytest.mark.parametrize("incoming", ["has spaces in it", "x" * 129, "<script>"])
    async def test_an_unsafe_request_id_is_replaced(self, factory: Factory, incoming: str) -> None:
        response = await factory.client.get("/healthz", headers={"X-Request-ID": incoming})
        assert response.headers["x-request-id"] not in ("", incoming)

    async def test_log_lines_carry_the_request_id(self, factory: Factory) -> None:
        with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logs:
            response = await factory.client.get(
                "/api/v1/users/me", headers={"X-Request-ID": "trace-123"}
            )
        assert response.status_code == 401
        [line] = [e for e in logs if e["event"] == "request"]
        assert line["request_id"] == "trace-123"
        assert (line["path"], line["status"], line["method"]) == ("/api/v1/users/me", 401, "GET")
        # The id is unbound afterwards, so it cannot leak into the next request's lines.
        assert "request_id" not in structlog.contextvars.get_contextvars()
