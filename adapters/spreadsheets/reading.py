"""Reading one spreadsheet file from local disk, synchronously (run it in a worker thread).

CSV: the encoding is UTF-8 when the file starts with a BOM or its first part decodes as strict
UTF-8, windows-1251 otherwise; the delimiter is ``csv.Sniffer``'s guess over a bounded sample
(the most frequent of ``; , tab |`` in the first line when it cannot tell); quoting is the csv
module's. XLSX: openpyxl in read-only mode, which streams the first sheet's rows (it parses XML
with defusedxml when that is installed, as it is here). Every cell comes out as text without
control characters, cut to ``CELL_MAX``; a leading quote that an export put before a
formula-like value (CSV injection guard) is taken off."""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from itertools import islice
from pathlib import Path

import openpyxl

from domain.imports.model import (
    CELL_MAX,
    HEADER_MAX,
    MAX_COLUMNS,
    PREVIEW_ROWS,
    Layout,
    SheetFormat,
    SheetPreview,
)
from domain.shared.errors import InvalidInput

SAMPLE_BYTES = 64 * 1024
DELIMITERS = ";,\t|"
ENCODINGS = ("utf-8", "utf-8-sig", "cp1251")
_CONTROLS = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]"
)
_BREAKS = re.compile(r"[\t\r\n]+")
_GUARDED = re.compile(r"^'[=+\-@\t\r]")
_ZIP = b"PK\x03\x04"


def clean_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    elif isinstance(value, (date, time)):
        text = value.isoformat()
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    elif isinstance(value, (int, Decimal)):
        text = str(value)
    else:
        text = str(value)
    text = text[: CELL_MAX * 2]
    text = _CONTROLS.sub("", _BREAKS.sub(" ", text)).strip()
    if _GUARDED.match(text):
        text = text[1:]
    return text[:CELL_MAX]


def detect_format(path: Path, filename: str) -> SheetFormat:
    with path.open("rb") as file:
        head = file.read(4)
    if head == _ZIP or filename.lower().endswith((".xlsx", ".xlsm")):
        return SheetFormat.XLSX
    return SheetFormat.CSV


def detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        # Not final: the sample may end inside a character.
        codecs.getincrementaldecoder("utf-8")("strict").decode(sample, final=False)
    except UnicodeDecodeError:
        return "cp1251"
    return "utf-8"


def detect_delimiter(text: str) -> str:
    try:
        found = csv.Sniffer().sniff(text, delimiters=DELIMITERS).delimiter
    except csv.Error:
        found = ""
    if found in DELIMITERS and found:
        return found
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _sample(path: Path) -> bytes:
    with path.open("rb") as file:
        return file.read(SAMPLE_BYTES)


def layout_of(
    path: Path,
    *,
    filename: str,
    format: SheetFormat | None,
    encoding: str | None,
    delimiter: str | None,
) -> Layout:
    fmt = format or detect_format(path, filename)
    if fmt is SheetFormat.XLSX:
        return Layout(format=fmt)
    sample = _sample(path)
    if encoding is not None and encoding not in ENCODINGS:
        raise InvalidInput("encoding", f"must be one of: {', '.join(ENCODINGS)}")
    enc = encoding or detect_encoding(sample)
    if enc == "utf-8" and sample.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"
    if delimiter is not None and (len(delimiter) != 1 or delimiter in '"\r\n'):
        raise InvalidInput("delimiter", "must be one character other than a quote")
    text = sample.decode(enc, errors="replace")
    # Cut at the last line break so the sniffer sees whole rows.
    if len(sample) == SAMPLE_BYTES and "\n" in text:
        text = text[: text.rfind("\n")]
    return Layout(format=fmt, encoding=enc, delimiter=delimiter or detect_delimiter(text))


def raw_rows(path: Path, layout: Layout) -> Iterator[list[object]]:
    """Every row of the file (the header first) as its cells' values."""
    if layout.format is SheetFormat.XLSX:
        yield from _xlsx_rows(path)
        return
    encoding = layout.encoding or "utf-8"
    with path.open("r", encoding=encoding, errors="replace", newline="") as file:
        reader = csv.reader(file, delimiter=layout.delimiter or ",", strict=False)
        try:
            for row in reader:
                yield list(row)
        except csv.Error as exc:
            raise InvalidInput("file", f"line {reader.line_num}: {exc}") from None


def _xlsx_rows(path: Path) -> Iterator[list[object]]:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a broken zip or workbook says many things
        raise InvalidInput(
            "file", f"is not a readable XLSX workbook ({type(exc).__name__})"
        ) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            return
        for row in sheet.iter_rows(values_only=True):
            yield list(row[:MAX_COLUMNS])
    finally:
        workbook.close()


def cells(row: list[object]) -> list[str]:
    return [clean_cell(v) for v in row[:MAX_COLUMNS]]


def preview(path: Path, layout: Layout) -> SheetPreview:
    rows = raw_rows(path, layout)
    header_row = next(rows, None)
    if header_row is None:
        raise InvalidInput("file", "is empty: no header row")
    header = [c[:HEADER_MAX] for c in cells(header_row)]
    while header and not header[-1]:
        header.pop()
    if not any(header):
        raise InvalidInput("file", "the first row must name the columns")
    first = [cells(r)[: len(header)] for r in islice((r for r in rows if any(r)), PREVIEW_ROWS)]
    if (
        layout.format is SheetFormat.CSV
        and len(header) == 1
        and any(d in header[0] for d in DELIMITERS)
    ):
        # One column that has delimiters in it: the guess was wrong; say so rather than go on.
        raise InvalidInput("delimiter", "the file reads as one column; choose the delimiter")
    return SheetPreview(layout=layout, header=header, rows=first)


def count_rows(path: Path, layout: Layout) -> int:
    """Data rows (the header not counted). XLSX takes the sheet's own dimension when it has
    one, a pass over the rows otherwise."""
    if layout.format is SheetFormat.XLSX:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0] if workbook.worksheets else None
            if sheet is None:
                return 0
            if sheet.max_row is not None and sheet.max_row > 0:
                return max(0, int(sheet.max_row) - 1)
        finally:
            workbook.close()
    return max(0, sum(1 for _ in raw_rows(path, layout)) - 1)
