"""The S3 storage adapter against moto's in-process S3 (no network)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import boto3
import moto
import pytest

from adapters.settings import Settings
from domain.shared.errors import NotFound


@pytest.fixture
def storage(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Any]:
    from adapters.storage import make_storage

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with moto.mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="crm-files")
        settings = Settings(
            storage_backend="s3",
            s3_bucket="crm-files",
            s3_access_key="testing",
            s3_secret_key="testing",
            var_dir=tmp_path,
        )
        yield make_storage(settings)


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def read_all(stream: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in stream])


async def test_put_open_delete(storage: Any) -> None:
    await storage.put("org/one", chunks(b"Hello, ", "мир".encode()))
    assert await read_all(await storage.open("org/one")) == "Hello, мир".encode()
    await storage.delete("org/one")
    with pytest.raises(NotFound):
        await storage.open("org/one")
    await storage.delete("org/one")  # a missing file is not an error


async def test_a_failing_stream_leaves_nothing(storage: Any) -> None:
    async def broken() -> AsyncIterator[bytes]:
        yield b"part"
        raise RuntimeError("client went away")

    with pytest.raises(RuntimeError):
        await storage.put("org/two", broken())
    with pytest.raises(NotFound):
        await storage.open("org/two")
