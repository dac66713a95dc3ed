from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import structlog
from httpx import ASGITransport, AsyncClient
from structlog.testing import capture_logs

from adapters.bootstrap import Container
from api.app import create_app
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


@pytest.fixture
async def failing_client(container: Container) -> AsyncIterator[AsyncClient]:
    """An app with one route that fails unexpectedly, as a bug would."""
    app = create_app(container=container)

    @app.get("/api/v1/boom", include_in_schema=False)
    async def boom() -> None:
        raise RuntimeError("the database password is hunter2")

    # Exceptions the app lets out would surface here instead of as the server's answer.
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


class TestUnexpectedErrors:
    async def test_a_500_is_a_problem_with_the_request_id(
        self, failing_client: AsyncClient
    ) -> None:
        response = await failing_client.get("/api/v1/boom", headers={"X-Request-ID": "boom-1"})
        assert response.status_code == 500
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["x-request-id"] == "boom-1"
        assert response.headers["x-content-type-options"] == "nosniff"
        body = response.json()
        assert body["status"] == 500
        # The exception's text stays in the log, not in the answer.
        assert "hunter2" not in response.text

    async def test_the_logged_error_carries_the_request_id(
        self, failing_client: AsyncClient
    ) -> None:
        with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logs:
            await failing_client.get("/api/v1/boom", headers={"X-Request-ID": "boom-2"})
        [failure] = [e for e in logs if e["event"] == "request.failed"]
        assert failure["request_id"] == "boom-2"
        assert failure["log_level"] == "error"
        [access] = [e for e in logs if e["event"] == "request"]
        assert (access["request_id"], access["status"]) == ("boom-2", 500)


class TestSecurityHeaders:
    async def test_api_answers_are_never_sniffed(self, factory: Factory) -> None:
        for response in (
            await factory.client.get("/healthz"),
            await factory.client.get("/api/v1/users/me"),
            await factory.client.get("/api/v1/no-such-thing"),
        ):
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"

    async def test_the_spa_is_served_with_a_content_security_policy(
        self, spa_client: AsyncClient
    ) -> None:
        for path in ("/", "/deals/board", "/favicon.svg", "/assets/index-abc.js"):
            response = await spa_client.get(path)
            assert response.status_code == 200, path
            csp = response.headers["content-security-policy"]
            directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
            assert directives["default-src"] == "'self'"
            assert directives["frame-ancestors"] == "'none'"
            assert "unsafe-eval" not in csp
            assert "'unsafe-inline'" not in directives.get("script-src", "")
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"

    async def test_a_204_has_no_content_type_and_no_body(self, factory: Factory) -> None:
        _, session = await factory.admin_session()
        created = await factory.client.post(
            "/api/v1/api-keys",
            json={"name": "edge", "permissions": ["clients:read"]},
            headers=session.headers,
        )
        response = await factory.client.delete(
            f"/api/v1/api-keys/{created.json()['id']}", headers=session.headers
        )
        assert response.status_code == 204
        assert "content-type" not in response.headers
        assert response.content == b""


@pytest.fixture
async def spa_client(container: Container, tmp_path: Path) -> AsyncIterator[AsyncClient]:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><div id=root></div>")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    (tmp_path / "assets" / "index-abc.js").write_text("console.log(1)")
    app = create_app(
        settings=container.settings.model_copy(update={"frontend_dist": tmp_path}),
        container=container,
    )
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as http:
        yield http
