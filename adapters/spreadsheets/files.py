"""``SpreadsheetFiles`` over the file storage: an upload is stored as it streams in (bounded
by ``import_max_bytes``); reading copies it to a temporary local file and parses it in a worker
thread, a slice of rows at a time, so the event loop stays free and memory stays bounded."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio

from adapters.spreadsheets import reading
from domain.attachments.ports import FileStorage
from domain.imports.model import Layout, SheetFormat, SheetPreview
from domain.shared.errors import ContentTooLarge, InvalidInput

SLICE = 500


class _Sheet:
    def __init__(self, path: Path, layout: Layout, total: int) -> None:
        self._path = path
        self._layout = layout
        self.total = total

    async def rows(self, *, after: int = 0) -> AsyncIterator[tuple[int, list[str]]]:
        source = self._numbered()
        while True:
            chunk = await anyio.to_thread.run_sync(_take, source, after)
            if not chunk:
                return
            for item in chunk:
                yield item

    def _numbered(self) -> Iterator[tuple[int, list[str]]]:
        rows = reading.raw_rows(self._path, self._layout)
        next(rows, None)  # the header
        for number, row in enumerate(rows, start=1):
            if any(v is not None and v != "" for v in row):
                yield number, reading.cells(row)


def _take(source: Iterator[tuple[int, list[str]]], after: int) -> list[tuple[int, list[str]]]:
    taken: list[tuple[int, list[str]]] = []
    for number, cells in source:
        if number <= after:
            continue
        taken.append((number, cells))
        if len(taken) >= SLICE:
            break
    return taken


class StoredSpreadsheets:
    def __init__(self, storage: FileStorage, *, max_bytes: int) -> None:
        self._storage = storage
        self._max_bytes = max_bytes

    async def save(self, key: str, content: AsyncIterator[bytes]) -> int:
        size = 0

        async def metered() -> AsyncIterator[bytes]:
            nonlocal size
            async for chunk in content:
                size += len(chunk)
                if size > self._max_bytes:
                    raise ContentTooLarge(
                        f"The file is larger than the limit of {self._max_bytes} bytes"
                    )
                yield chunk

        await self._storage.put(key, metered())
        if size == 0:
            await self._storage.delete(key)
            raise InvalidInput("file", "is empty")
        return size

    @asynccontextmanager
    async def _local(self, key: str) -> AsyncIterator[Path]:
        with tempfile.TemporaryDirectory(prefix="crm-import-") as folder:
            path = Path(folder) / "sheet.xlsx"  # openpyxl reads only by a known suffix
            async with await anyio.open_file(path, "wb") as file:
                async for chunk in await self._storage.open(key):
                    await file.write(chunk)
            yield path

    async def preview(
        self,
        key: str,
        *,
        filename: str,
        format: SheetFormat | None,
        encoding: str | None,
        delimiter: str | None,
    ) -> SheetPreview:
        async with self._local(key) as path:

            def read() -> SheetPreview:
                layout = reading.layout_of(
                    path, filename=filename, format=format, encoding=encoding, delimiter=delimiter
                )
                return reading.preview(path, layout)

            return await anyio.to_thread.run_sync(read)

    @asynccontextmanager
    async def open(
        self, key: str, *, format: SheetFormat, encoding: str | None, delimiter: str | None
    ) -> AsyncIterator[_Sheet]:
        layout = Layout(format=format, encoding=encoding, delimiter=delimiter)
        async with self._local(key) as path:
            total = await anyio.to_thread.run_sync(reading.count_rows, path, layout)
            yield _Sheet(path, layout, total)

    async def delete(self, key: str) -> None:
        await self._storage.delete(key)
