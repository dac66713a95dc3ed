"""Delivery (issue 10, item 11): compressed answers, and the built SPA's caching headers."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from httpx import ASGITransport, AsyncClient

from adapters.bootstrap import Container
from api.app import create_app
from tests.api.attachments.support import make_client, upload, world
from tests.factories import Factory

GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}
IMMUTABLE = "public, max-age=31536000, immutable"
# A built chunk: large, repetitive, the kind of text gzip shrinks several times over.
SCRIPT = "export function f(){return 'Сделка';}\n" * 400


@pytest.fixture
async def spa(container: Container, tmp_path: Path) -> AsyncIterator[AsyncClient]:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(
        '<!doctype html><script type="module" src="/assets/index-3f9a1c.js"></script>'
    )
    (tmp_path / "favicon.svg").write_text("<svg/>")
    (tmp_path / "assets" / "index-3f9a1c.js").write_text(SCRIPT)
    app = create_app(
        settings=container.settings.model_copy(update={"frontend_dist": tmp_path}),
        container=container,
    )
    # Sent raw, so the test sees the bytes on the wire rather than httpx's decoded body.
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as http:
        yield http


async def raw_get(
    http: AsyncClient, path: str, headers: dict[str, str]
) -> tuple[int, dict[str, str], bytes]:
    async with http.stream("GET", path, headers=headers) as response:
        body = b"".join([chunk async for chunk in response.aiter_raw()])
        return response.status_code, dict(response.headers), body


class TestCompression:
    async def test_a_json_list_is_gzipped_for_a_client_that_accepts_it(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        status, headers, body = await raw_get(
            factory.client, "/api/v1/roles", headers={**admin.headers, **GZIP}
        )
        assert status == 200
        assert headers["content-encoding"] == "gzip"
        assert "accept-encoding" in headers["vary"].lower()
        plain = gzip.decompress(body)
        assert int(headers["content-length"]) == len(body) < len(plain)
        assert plain.startswith(b"[") or plain.startswith(b"{")

    async def test_not_compressed_without_accept_encoding(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        status, headers, body = await raw_get(
            factory.client, "/api/v1/roles", headers={**admin.headers, **IDENTITY}
        )
        assert status == 200
        assert "content-encoding" not in headers
        assert body.startswith(b"[") or body.startswith(b"{")

    async def test_a_tiny_body_is_sent_as_is(self, factory: Factory) -> None:
        status, headers, body = await raw_get(factory.client, "/healthz", headers=GZIP)
        assert status == 200
        assert len(body) < 1024
        assert "content-encoding" not in headers

    async def test_a_stored_file_is_downloaded_as_uploaded(self, factory: Factory) -> None:
        w = await world(factory)
        client_id = await make_client(factory.container, w.org, w.seller.user)
        content = b"%PDF-1.4 " + "Договор поставки".encode() * 500
        created = await upload(factory, w.seller, content=content, client_id=client_id)
        assert created.status_code == 201, created.text
        status, headers, body = await raw_get(
            factory.client,
            f"/api/v1/attachments/{created.json()['id']}/content",
            headers={**w.seller.headers, **GZIP},
        )
        assert status == 200
        assert "content-encoding" not in headers
        assert headers["content-length"] == str(len(content))
        assert body == content


class TestSpaCaching:
    async def test_hashed_assets_are_immutable_for_a_year_and_gzipped(
        self, spa: AsyncClient
    ) -> None:
        status, headers, body = await raw_get(spa, "/assets/index-3f9a1c.js", headers=GZIP)
        assert status == 200
        assert headers["cache-control"] == IMMUTABLE
        assert headers["content-encoding"] == "gzip"
        assert gzip.decompress(body).decode() == SCRIPT
        assert len(body) * 5 < len(SCRIPT.encode())
        assert "content-security-policy" in headers

    async def test_a_revalidated_asset_keeps_its_caching(self, spa: AsyncClient) -> None:
        first = await spa.get("/assets/index-3f9a1c.js")
        again = await spa.get(
            "/assets/index-3f9a1c.js", headers={"If-None-Match": first.headers["etag"]}
        )
        assert again.status_code == 304
        assert again.headers["cache-control"] == IMMUTABLE

    async def test_a_missing_asset_is_not_cached(self, spa: AsyncClient) -> None:
        response = await spa.get("/assets/index-000000.js")
        assert response.status_code == 404
        assert "immutable" not in response.headers.get("cache-control", "")

    @pytest.mark.parametrize("path", ["/", "/deals/42", "/index.html", "/favicon.svg"])
    async def test_index_and_unhashed_files_are_always_revalidated(
        self, spa: AsyncClient, path: str
    ) -> None:
        response = await spa.get(path)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-cache"
        assert "etag" in response.headers or "last-modified" in response.headers
