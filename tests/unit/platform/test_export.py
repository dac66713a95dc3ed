"""The streamed export helper: CSV and XLSX bodies, headers and keyset batching."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from uuid import UUID

import pytest
from defusedxml.ElementTree import fromstring

from api.export import EXPORT_FAILED, batched, content_disposition, export_response

COLUMNS = [("name", "Название"), ("amount", "Сумма"), ("closed_on", "Закрыта")]
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


async def aiter(rows: Sequence[Sequence[object]]) -> AsyncIterator[Sequence[object]]:
    for row in rows:
        yield row


async def body_of(response) -> bytes:  # type: ignore[no-untyped-def]
    chunks = [
        chunk if isinstance(chunk, bytes) else chunk.encode()
        async for chunk in response.body_iterator
    ]
    return b"".join(chunks)


class TestCsv:
    async def test_starts_with_a_bom_and_keeps_cyrillic(self) -> None:
        rows = [("ООО «Ромашка»", Decimal("1500.50"), date(2026, 3, 1))]
        response = await export_response(aiter(rows), COLUMNS, fmt="csv", filename="клиенты")
        body = await body_of(response)
        assert body.startswith(b"\xef\xbb\xbf")
        text = body.decode("utf-8-sig")
        assert text.splitlines() == ["Название,Сумма,Закрыта", "ООО «Ромашка»,1500.50,2026-03-01"]
        assert response.media_type == "text/csv; charset=utf-8"

    async def test_semicolon_delimiter_and_quoting(self) -> None:
        rows = [("Иванов; Петров", None, True)]
        response = await export_response(
            aiter(rows), COLUMNS, fmt="csv", filename="x", delimiter=";"
        )
        text = (await body_of(response)).decode("utf-8-sig")
        assert text.splitlines()[1] == '"Иванов; Петров";;true'

    async def test_formulas_are_defused_but_phone_numbers_are_kept(self) -> None:
        rows = [("=HYPERLINK(1)", "+79123456789", "-5"), ("@SUM(A1)", "+7 (912)", "-x")]
        response = await export_response(aiter(rows), COLUMNS, fmt="csv", filename="x")
        lines = (await body_of(response)).decode("utf-8-sig").splitlines()
        assert lines[1] == "'=HYPERLINK(1),+79123456789,-5"
        assert lines[2] == "'@SUM(A1),'+7 (912),'-x"

    async def test_aware_datetimes_are_shown_in_the_given_zone(self) -> None:
        moscow = timezone(timedelta(hours=3))
        rows = [("a", 1, datetime(2026, 1, 1, 21, 30, tzinfo=UTC))]
        response = await export_response(aiter(rows), COLUMNS, fmt="csv", filename="x", tz=moscow)
        lines = (await body_of(response)).decode("utf-8-sig").splitlines()
        assert lines[1] == "a,1,2026-01-02 00:30:00+03:00"

    async def test_large_exports_are_sent_in_several_chunks(self) -> None:
        rows = [(f"Клиент {i}", i, None) for i in range(20000)]
        response = await export_response(aiter(rows), COLUMNS, fmt="csv", filename="x")
        chunks = [c async for c in response.body_iterator]
        assert len(chunks) > 3
        text = b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks)
        assert len(text.decode("utf-8-sig").splitlines()) == 20001

    async def test_lists_uuids_and_enums_are_text(self) -> None:
        ident = UUID("12345678-1234-5678-1234-567812345678")
        rows = [(["vip", "опт"], ident, {"b", "a"})]
        response = await export_response(aiter(rows), COLUMNS, fmt="csv", filename="x")
        lines = (await body_of(response)).decode("utf-8-sig").splitlines()
        assert lines[1] == f'"vip, опт",{ident},"a, b"'


def sheet_cells(data: bytes) -> tuple[list[list[tuple[str | None, str | None, str]]], list[str]]:
    """(rows of (type, style, value), shared strings) of the first sheet."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    shared: list[str] = []
    if "xl/sharedStrings.xml" in archive.namelist():
        root = fromstring(archive.read("xl/sharedStrings.xml"))
        shared = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")) for si in root]
    sheet = fromstring(archive.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iterfind(".//m:sheetData/m:row", NS):
        cells = []
        for cell in row.iterfind("m:c", NS):
            v = cell.find("m:v", NS)
            inline = cell.find("m:is/m:t", NS)
            text = v.text if v is not None else (inline.text if inline is not None else "")
            cells.append((cell.get("t"), cell.get("s"), text or ""))
        rows.append(cells)
    return rows, shared


def text_of(cell: tuple[str | None, str | None, str], shared: list[str]) -> str:
    kind, _, value = cell
    return shared[int(value)] if kind == "s" else value


class TestXlsx:
    async def test_is_a_workbook_with_typed_cells(self) -> None:
        rows = [
            ("ООО «Ромашка»", Decimal("1500.50"), date(2026, 3, 1)),
            ("=1+1", 7, datetime(2026, 3, 1, 12, 0, tzinfo=UTC)),
        ]
        response = await export_response(aiter(rows), COLUMNS, fmt="xlsx", filename="сделки")
        data = await body_of(response)
        assert data[:2] == b"PK"
        assert response.media_type.endswith("spreadsheetml.sheet")
        rows_xml, shared = sheet_cells(data)
        assert [text_of(c, shared) for c in rows_xml[0]] == ["Название", "Сумма", "Закрыта"]
        name, amount, closed = rows_xml[1]
        assert text_of(name, shared) == "ООО «Ромашка»"
        assert amount[0] in (None, "n")
        assert float(amount[2]) == 1500.5
        # Dates are serial numbers with a date format, not text.
        assert closed[0] in (None, "n")
        assert float(closed[2]) == 46082.0
        assert closed[1]  # a style: the date format
        formula, number, moment = rows_xml[2]
        assert text_of(formula, shared) == "=1+1"  # kept as text, never a formula
        assert float(number[2]) == 7
        assert float(moment[2]) == 46082.5

    async def test_empty_export_has_only_the_header(self) -> None:
        response = await export_response(aiter([]), COLUMNS, fmt="xlsx", filename="x.xlsx")
        rows_xml, _ = sheet_cells(await body_of(response))
        assert len(rows_xml) == 1
        assert response.headers["content-disposition"] == 'attachment; filename="x.xlsx"'


class TestContentDisposition:
    def test_ascii_names_are_plain(self) -> None:
        assert content_disposition("deals.csv") == 'attachment; filename="deals.csv"'

    def test_cyrillic_names_get_an_rfc5987_form_and_a_fallback(self) -> None:
        value = content_disposition("Клиенты 2026.xlsx")
        assert value.startswith('attachment; filename="_______ 2026.xlsx"; ')
        assert value.endswith(
            "filename*=UTF-8''%D0%9A%D0%BB%D0%B8%D0%B5%D0%BD%D1%82%D1%8B%202026.xlsx"
        )

    def test_quotes_cannot_break_the_header(self) -> None:
        assert re.fullmatch(
            r'attachment; filename="a_b_.txt"; filename\*=\S+', content_disposition('a"b;.txt')
        )


class TestBatched:
    async def test_walks_pages_by_the_last_item(self) -> None:
        calls: list[tuple[int | None, int]] = []

        async def fetch(after: int | None, limit: int) -> list[int]:
            calls.append((after, limit))
            start = 0 if after is None else after + 1
            return list(range(start, min(start + limit, 7)))

        items = [i async for i in batched(fetch, 3)]
        assert items == list(range(7))
        assert calls == [(None, 3), (2, 3), (5, 3)]

    async def test_an_exact_multiple_ends_with_an_empty_page(self) -> None:
        async def fetch(after: int | None, limit: int) -> list[int]:
            start = 0 if after is None else after + 1
            return list(range(start, min(start + limit, 4)))

        assert [i async for i in batched(fetch, 2)] == [0, 1, 2, 3]


async def failing_after(rows: Sequence[Sequence[object]]) -> AsyncIterator[Sequence[object]]:
    for row in rows:
        yield row
    raise ConnectionError("secret internals")


class TestFailures:
    async def test_an_error_on_the_first_row_raises_before_a_response_exists(self) -> None:
        with pytest.raises(ConnectionError):
            await export_response(failing_after([]), COLUMNS, fmt="csv", filename="x")

    async def test_csv_broken_mid_stream_ends_with_an_error_row(self) -> None:
        rows = [("a", 1, None), ("b", 2, None)]
        response = await export_response(failing_after(rows), COLUMNS, fmt="csv", filename="x")
        lines = list(csv.reader(io.StringIO((await body_of(response)).decode("utf-8-sig"))))
        assert [line[0] for line in lines[:3]] == ["Название", "a", "b"]
        assert lines[3] == [EXPORT_FAILED, "", ""]
        assert len(lines) == 4

    async def test_xlsx_broken_mid_stream_is_a_whole_workbook_with_an_error_row(self) -> None:
        rows = [("a", 1, None), ("b", 2, None)]
        response = await export_response(failing_after(rows), COLUMNS, fmt="xlsx", filename="x")
        rows_xml, shared = sheet_cells(await body_of(response))
        assert [text_of(r[0], shared) for r in rows_xml] == ["Название", "a", "b", EXPORT_FAILED]
        assert rows_xml[3][0][1]  # styled: bold red
