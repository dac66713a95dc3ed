"""Spreadsheet import bench (issue 13, item 7): reading a 50,000-row file the way an import
does (detection over a bounded sample, then every row streamed, cleaned and numbered), as CSV
(windows-1251, ';') and as XLSX; prints rows/s and peak memory for each.

    .venv/bin/python bench/imports.py              # 50,000 rows
    .venv/bin/python bench/imports.py --rows 200000

This times the file side only. The database side (each row through the clients' use cases and
their duplicate control) is covered by tests/api/imports at a small scale.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.spreadsheets import reading

HEADER = ["Клиент", "ИНН", "Контактное лицо", "Телефон", "E-mail", "Сумма"]
_LETTERS = "абвгдежзийклмнопрстуфхцчшщэюя"


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_LETTERS) for _ in range(8))


def _rows(count: int) -> list[list[str]]:
    rng = random.Random(13)
    return [
        [
            f'ООО "{_word(rng)} {_word(rng)}"',
            "",
            f"{_word(rng)} {_word(rng)}",
            f"+7495{n:07d}",
            f"user{n}@example.com",
            f"{rng.randint(1, 10**6)},{rng.randint(0, 99):02d}",
        ]
        for n in range(count)
    ]


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("cp1251"))


def _write_xlsx(path: Path, rows: list[list[str]]) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(rows, start=1):
        sheet.write_row(r, 0, row)
    workbook.close()


def _measure(path: Path, name: str) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    layout = reading.layout_of(path, filename=path.name, format=None, encoding=None, delimiter=None)
    reading.preview(path, layout)
    total = reading.count_rows(path, layout)
    seen = 0
    rows = reading.raw_rows(path, layout)
    next(rows, None)
    for row in rows:
        reading.cells(row)
        seen += 1
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{name}: {seen} rows (counted {total}) in {seconds:.2f} s, "
        f"{seen / seconds:,.0f} rows/s, peak {peak / 2**20:.1f} MiB "
        f"[{layout.format} {layout.encoding or ''} {layout.delimiter or ''}]".rstrip()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    rows = _rows(args.rows)
    with tempfile.TemporaryDirectory() as folder:
        csv_path, xlsx_path = Path(folder) / "clients.csv", Path(folder) / "clients.xlsx"
        _write_csv(csv_path, rows)
        _write_xlsx(xlsx_path, rows)
        del rows
        _measure(csv_path, "CSV cp1251 ;")
        _measure(xlsx_path, "XLSX")


if __name__ == "__main__":
    main()
