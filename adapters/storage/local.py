"""Files in a local folder (VAR_DIR/files by default). Writes go to a temporary file in the
same folder and are renamed into place, so a reader never sees half a file."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import anyio

from domain.shared.errors import NotFound

_KEY = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$")
_CHUNK = 64 * 1024


class LocalFileStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if len(key) > 500 or not _KEY.match(key):
            raise ValueError(f"invalid storage key {key!r}")
        return self.root / key

    async def put(self, key: str, stream: AsyncIterator[bytes]) -> None:
        path = self._path(key)
        await anyio.Path(path.parent).mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
        try:
            async with await anyio.open_file(temporary, "wb") as file:
                async for chunk in stream:
                    await file.write(chunk)
                await file.flush()
                await anyio.to_thread.run_sync(os.fsync, file.wrapped.fileno())
            await anyio.to_thread.run_sync(os.replace, temporary, path)
        except BaseException:
            with anyio.CancelScope(shield=True):
                await anyio.Path(temporary).unlink(missing_ok=True)
            raise

    async def open(
        self, key: str, *, start: int = 0, length: int | None = None
    ) -> AsyncIterator[bytes]:
        path = self._path(key)
        try:
            file = await anyio.open_file(path, "rb")
        except FileNotFoundError as exc:
            raise NotFound("File", key) from exc
        if start:
            await file.seek(start)
        return _chunks(file, length)

    async def delete(self, key: str) -> None:
        await anyio.Path(self._path(key)).unlink(missing_ok=True)


async def _chunks(file: anyio.AsyncFile[bytes], length: int | None) -> AsyncIterator[bytes]:
    async with file:
        left = length
        while left is None or left > 0:
            chunk = await file.read(_CHUNK if left is None else min(_CHUNK, left))
            if not chunk:
                break
            if left is not None:
                left -= len(chunk)
            yield chunk
