"""Streamed exports through HTTP (the deals list uses the shared helper)."""

from __future__ import annotations

import csv
import io
import zipfile

from tests.api.attachments.support import API, make_client, make_deal, world
from tests.factories import Factory


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
