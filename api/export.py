"""Streamed CSV and XLSX exports of any list.

A route checks permissions, then hands ``export_response`` an async iterator of rows (one value
per column) and the columns. The response body is produced after the route has returned, so
the rows must not come from a unit of work the route opened: feed it with ``batched`` over a
``fetch_page`` that opens its own short unit of work per keyset page::

    async def page(after: Client | None, limit: int) -> Sequence[Client]:
        async with container.uow() as uow:
            return await uow.clients.list(scope, filters, after=key_of(after), limit=limit)

    rows = ((c.name, c.inn, c.created_at) async for c in batched(page, 500))
    return await export_response(rows, COLUMNS, fmt=fmt, filename="clients")

Nothing that can fail is left for after the status line: ``export_response`` reads the first
row (so the first page's query, with its filters and permission checks) before it returns, so a
bad request is a problem+json 4xx as anywhere else. Once the 200 has gone out an error cannot
change it any more; then the file is finished with a last row that says the export failed
(``EXPORT_FAILED``, with the request id), never cut off mid-row. In CSV that is a row whose
first cell is the message; in XLSX, whose body is only sent once the workbook is closed, the
message row is bold red across the columns, the sheet tab turns red and the workbook is still
closed properly, so it opens and shows what is missing.

CSV is written with the csv module as UTF-8 with a BOM (Excel in ru/uk locales then opens
Cyrillic correctly; ``delimiter=";"`` suits their list separator) and sent chunk by chunk.
XLSX is written by xlsxwriter in constant-memory mode into a spooled temporary file, then
sent: numbers, Decimals and dates stay numbers and dates in the sheet.
"""

from __future__ import annotations

import csv
import enum
import io
import re
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import quote
from uuid import UUID

import anyio
import structlog
import xlsxwriter
from fastapi import Query
from fastapi.responses import StreamingResponse

ExportFormat = Literal["csv", "xlsx"]
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Query parameters for export routes, so every list exports the same way.
FormatQuery = Annotated[ExportFormat, Query(description="csv or xlsx")]
DelimiterQuery = Annotated[
    Literal[",", ";"],
    Query(description="CSV field separator; ';' suits Excel in ru/uk locales"),
]

_CHUNK = 64 * 1024
_SPOOL_MAX = 8 * 1024 * 1024  # XLSX kept in memory up to this size, on disk beyond
_XLSX_MAX_CELL = 32767
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")

# The last row of a file whose export failed after the 200 went out.
EXPORT_FAILED = (
    "ОШИБКА ЭКСПОРТА: файл неполный, повторите выгрузку. "
    "Export failed: this file is incomplete, please try again."
)

T = TypeVar("T")
Row = Sequence[object]
log = structlog.get_logger(__name__)


async def batched(
    fetch_page: Callable[[T | None, int], Awaitable[Sequence[T]]], page_size: int
) -> AsyncIterator[T]:
    """Every item of a keyset-paginated source: ``fetch_page(last_item_of_previous_page or
    None, page_size)`` returns the next page; a short page ends the iteration."""
    if page_size < 1:
        raise ValueError("page_size must be positive")
    after: T | None = None
    while True:
        page = await fetch_page(after, page_size)
        for item in page:
            yield item
        if len(page) < page_size:
            return
        after = page[-1]


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """RFC 6266 with an RFC 5987 ``filename*`` for non-ASCII names and an ASCII fallback."""
    fallback = "".join(
        ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in filename
    ).strip()
    value = f'{disposition}; filename="{fallback or "download"}"'
    if fallback != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value


async def export_response(
    rows: AsyncIterator[Row],
    columns: Sequence[tuple[str, str]],
    *,
    fmt: ExportFormat,
    filename: str,
    delimiter: str = ",",
    tz: tzinfo = UTC,
    sheet_name: str = "Export",
) -> StreamingResponse:
    """A streamed download of ``rows`` under the ``columns`` (key, header) headers.
    Aware datetimes are shown in ``tz``. The first row is read now, so what fails on it
    (filters, permissions, the first query) raises here, before any byte is sent."""
    rows = await _primed(rows)
    if not filename.lower().endswith(f".{fmt}"):
        filename = f"{filename}.{fmt}"
    headers = {
        "Content-Disposition": content_disposition(filename),
        # Exports carry personal data: keep them out of shared caches.
        "Cache-Control": "no-store",
    }
    if fmt == "csv":
        body = _csv_chunks(rows, columns, delimiter=delimiter, tz=tz)
        return StreamingResponse(body, media_type=CSV_MEDIA_TYPE, headers=headers)
    body = _xlsx_chunks(rows, columns, tz=tz, sheet_name=sheet_name)
    return StreamingResponse(body, media_type=XLSX_MEDIA_TYPE, headers=headers)


def export_openapi_responses() -> dict[int | str, dict[str, Any]]:
    """The 200 response of an export route, for ``responses=`` so OpenAPI shows both types."""
    return {
        200: {
            "description": "The file, streamed",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }


async def _primed(rows: AsyncIterator[Row]) -> AsyncIterator[Row]:
    """``rows`` with its first row already read."""
    try:
        first = await anext(rows)
    except StopAsyncIteration:
        return _chain(None, rows)
    return _chain((first,), rows)


async def _chain(first: tuple[Row] | None, rest: AsyncIterator[Row]) -> AsyncIterator[Row]:
    if first is None:
        return
    yield first[0]
    async for row in rest:
        yield row


def _failure_message(error: Exception) -> str:
    """Logs an export that broke after its 200 and says so in the file, with the request id
    that finds the log line (never the error itself: it may hold internals)."""
    log.error("export_failed", exc_info=error)
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    return f"{EXPORT_FAILED} (request id: {request_id})" if request_id else EXPORT_FAILED


# --- CSV ---------------------------------------------------------------------------------


async def _csv_chunks(
    rows: AsyncIterator[Row],
    columns: Sequence[tuple[str, str]],
    *,
    delimiter: str,
    tz: tzinfo,
) -> AsyncIterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([header for _, header in columns])
    try:
        async for row in rows:
            writer.writerow([_csv_cell(value, tz) for value in row])
            if buffer.tell() >= _CHUNK:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
    except Exception as error:
        # A partly written row stays in the buffer as whole rows only: writerow builds the
        # line before writing it.
        writer.writerow([_failure_message(error)] + [""] * (len(columns) - 1))
    yield buffer.getvalue().encode("utf-8")


def _csv_cell(value: object, tz: tzinfo) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(tz)
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    return _guard_formula(_text(value))


def _guard_formula(text: str) -> str:
    """A cell that a spreadsheet would run as a formula is prefixed with a quote (CSV
    injection), except signed numbers such as +79123456789."""
    if text[:1] in ("=", "@", "\t", "\r") or (text[:1] in ("+", "-") and not _NUMBER.match(text)):
        return "'" + text
    return text


def _text(value: object) -> str:
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return ", ".join(_text(v) for v in items)
    return str(value)


# --- XLSX --------------------------------------------------------------------------------


async def _xlsx_chunks(
    rows: AsyncIterator[Row],
    columns: Sequence[tuple[str, str]],
    *,
    tz: tzinfo,
    sheet_name: str,
) -> AsyncIterator[bytes]:
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_MAX) as file:
        workbook = xlsxwriter.Workbook(
            file,
            {"constant_memory": True, "remove_timezone": True},
        )
        try:
            sheet = workbook.add_worksheet(_sheet_title(sheet_name))
            formats = {
                "header": workbook.add_format({"bold": True}),
                "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
                "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
                "time": workbook.add_format({"num_format": "hh:mm"}),
                "failed": workbook.add_format({"bold": True, "font_color": "#C00000"}),
            }
            for col, (_, header) in enumerate(columns):
                sheet.set_column(col, col, min(max(len(header) + 2, 12), 60))
                sheet.write_string(0, col, header, formats["header"])
            sheet.freeze_panes(1, 0)
            row_number = 0
            failure: str | None = None
            try:
                async for row in rows:
                    row_number += 1
                    for col, value in enumerate(row):
                        _xlsx_cell(sheet, row_number, col, value, formats, tz)
            except Exception as error:
                failure = _failure_message(error)
            if columns:
                sheet.autofilter(0, 0, row_number, len(columns) - 1)
            if failure is not None:
                # Constant-memory mode flushes a row once the next one starts: a row that broke
                # half-way keeps the cells it got, and the message goes on the row after it.
                row_number += 1
                sheet.write_string(row_number, 0, failure, formats["failed"])
                sheet.set_tab_color("#C00000")
        finally:
            # Zipping is blocking work; keep it off the event loop.
            await anyio.to_thread.run_sync(workbook.close)
        file.seek(0)
        while chunk := file.read(_CHUNK):
            yield chunk


def _xlsx_cell(
    sheet: Any, row: int, col: int, value: object, formats: dict[str, Any], tz: tzinfo
) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, (int, float, Decimal)):
        sheet.write_number(row, col, value)
    elif isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(tz)
        sheet.write_datetime(row, col, value, formats["datetime"])
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value, formats["date"])
    elif isinstance(value, time):
        sheet.write_datetime(row, col, value, formats["time"])
    else:
        # write_string, never write(): text starting with "=" must not become a formula.
        sheet.write_string(row, col, _text(value)[:_XLSX_MAX_CELL])


def _sheet_title(name: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", name).strip("' ")[:31]
    return cleaned or "Export"
