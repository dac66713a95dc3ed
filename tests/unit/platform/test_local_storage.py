"""The local folder storage: atomic writes, reads in chunks, safe keys."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.storage.local import LocalFileStorage
from domain.shared.errors import NotFound


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def read_all(stream: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in stream])


async def test_put_open_delete(tmp_path: Path) -> None:
    storage = LocalFileStorage(tmp_path)
    await storage.put("org/a", chunks(b"x" * 100_000, b"y"))
    assert await read_all(await storage.open("org/a")) == b"x" * 100_000 + b"y"
    await storage.delete("org/a")
    with pytest.raises(NotFound):
        await storage.open("org/a")
    await storage.delete("org/a")


async def test_a_failing_stream_leaves_no_file(tmp_path: Path) -> None:
    storage = LocalFileStorage(tmp_path)

    async def broken() -> AsyncIterator[bytes]:
        yield b"part"
        raise RuntimeError("client went away")

    with pytest.raises(RuntimeError):
        await storage.put("org/b", broken())
    assert list((tmp_path / "org").iterdir()) == []


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs", "a//b", "a/../b", ".hidden", ""])
async def test_keys_cannot_leave_the_folder(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError, match="invalid storage key"):
        await LocalFileStorage(tmp_path).put(key, chunks(b"x"))
