"""Streamed exports through HTTP (the deals list uses the shared helper)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

import pytest
from defusedxml.ElementTree import fromstring
from httpx import ASGITransport, AsyncClient

import api.routers.clients
import api.routers.deals
from api.export import EXPORT_FAILED, batched
from domain.clients.services.clients import ClientService
from domain.deals.services import DealService
from domain.staff.permissions import Permission
from tests.api.attachments.support import API, make_client, make_deal, world
from tests.api.auth.test_api_keys import create_key, key_headers, key_manager
from tests.factories import Factory

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def sheet_rows(data: bytes) -> list[list[str]]:
    """The first sheet's rows as text (constant-memory mode writes strings inline)."""
    sheet = fromstring(zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml"))
    return [
        ["".join(cell.itertext()) for cell in row.iterfind("m:c", NS)]
        for row in sheet.iterfind(".//m:sheetData/m:row", NS)
    ]


@pytest.fixture
def pages_of_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Exports read one row per page, so a second page exists with two records."""

    def one_per_page(fetch: Callable[[Any, int], Awaitable[Sequence[Any]]], _: int) -> Any:
        return batched(fetch, 1)

    monkeypatch.setattr(api.routers.deals, "batched", one_per_page)
    monkeypatch.setattr(api.routers.clients, "batched", one_per_page)


def fail_after_first_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """The deal list breaks on any page after the first, as a lost connection would."""
    real = DealService.list

    async def flaky(self: DealService, *args: Any, after: Any = None, **kwargs: Any) -> Any:
        if after is not None:
            raise ConnectionError("the database went away")
        return await real(self, *args, after=after, **kwargs)

    monkeypatch.setattr(DealService, "list", flaky)


class TestStreamedExport:
    async def test_csv_has_a_bom_cyrillic_and_the_chosen_delimiter(self, factory: Factory) -> None:
        w = await world(factory)
        client = await make_client(factory.container, w.org, w.seller.user, name="ЗАО «Берёзка»")
        deal = await make_deal(factory.container, w.org, w.seller.user, client)
        response = await factory.client.get(
            f"{API}/deals/export",
            params={"format": "csv", "delimiter": ";"},
            headers=w.seller.headers,
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.headers["content-disposition"] == 'attachment; filename="deals.csv"'
        assert response.headers["cache-control"] == "no-store"
        assert response.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        assert len(rows) == 2
        assert str(deal) in rows[1]
        assert "Поставка" in rows[1]

    async def test_xlsx_is_a_workbook(self, factory: Factory) -> None:
        w = await world(factory)
        await make_deal(factory.container, w.org, w.seller.user)
        response = await factory.client.get(
            f"{API}/deals/export", params={"format": "xlsx"}, headers=w.seller.headers
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].endswith("spreadsheetml.sheet")
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        assert "xl/worksheets/sheet1.xml" in archive.namelist()
        # Constant-memory mode writes strings inline in the sheet.
        assert "Поставка" in archive.read("xl/worksheets/sheet1.xml").decode()

    async def test_an_unknown_format_is_422(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.get(
            f"{API}/deals/export", params={"format": "pdf"}, headers=admin.headers
        )
        assert response.status_code == 422


class TestValidatedBeforeStreaming:
    """Whatever can fail fails before the first byte, as a problem+json answer."""

    async def test_a_filter_the_first_page_refuses_is_a_422(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        key = await create_key(factory, admin, ["tasks:read"])
        # An API key has no tasks of its own: the task list refuses the default mine filter.
        response = await factory.client.get(
            f"{API}/tasks/export", params={"format": "csv"}, headers=key_headers(key["key"])
        )
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    async def test_a_missing_permission_is_a_403(self, factory: Factory, fmt: str) -> None:
        org, _ = await factory.admin_session()
        reader = await key_manager(factory, org, {Permission.DEALS_READ})
        response = await factory.client.get(
            f"{API}/tasks/export", params={"format": fmt}, headers=reader.headers
        )
        assert response.status_code == 403, response.text
        assert response.headers["content-type"] == "application/problem+json"

    async def test_an_unknown_custom_field_filter_is_a_422(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.get(
            f"{API}/clients/export", params={"cf.nope": "1"}, headers=admin.headers
        )
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"

    async def test_the_first_page_failing_is_a_problem_not_a_broken_file(
        self, factory: Factory, app: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _, admin = await factory.admin_session()

        async def broken(*_: Any, **__: Any) -> AsyncIterator[Any]:
            raise ConnectionError("the database went away")

        async def fetcher(*_: Any, **__: Any) -> Any:
            return broken

        monkeypatch.setattr(ClientService, "export_pages", fetcher)
        transport = ASGITransport(app=app, raise_app_exceptions=False)
        async with AsyncClient(transport=transport, base_url="http://testserver") as http:
            response = await http.get(f"{API}/clients/export", headers=admin.headers)
        assert response.status_code == 500
        assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.usefixtures("pages_of_one")
class TestFailureMidStream:
    """After the 200 the file still ends properly, its last row saying the export failed."""

    async def test_csv_ends_with_an_error_row(
        self, factory: Factory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        w = await world(factory)
        await make_deal(factory.container, w.org, w.seller.user)
        await make_deal(factory.container, w.org, w.seller.user)
        fail_after_first_page(monkeypatch)
        response = await factory.client.get(
            f"{API}/deals/export", params={"format": "csv"}, headers=w.seller.headers
        )
        assert response.status_code == 200, response.text
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows) == 3
        assert len({len(row) for row in rows}) == 1  # every row as wide as the header
        assert rows[1][1] == "Поставка"  # the first page, whole
        assert rows[2][0].startswith(EXPORT_FAILED)
        assert response.headers["x-request-id"] in rows[2][0]
        assert "database went away" not in response.text

    async def test_xlsx_is_a_whole_workbook_ending_with_an_error_row(
        self, factory: Factory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        w = await world(factory)
        await make_deal(factory.container, w.org, w.seller.user)
        await make_deal(factory.container, w.org, w.seller.user)
        fail_after_first_page(monkeypatch)
        response = await factory.client.get(
            f"{API}/deals/export", params={"format": "xlsx"}, headers=w.seller.headers
        )
        assert response.status_code == 200, response.text
        rows = sheet_rows(response.content)  # a valid archive: it opens
        assert len(rows) == 3
        assert "Поставка" in rows[1]
        assert rows[2][0].startswith(EXPORT_FAILED)
        assert "database went away" not in rows[2][0]
