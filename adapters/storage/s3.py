"""Files in an S3-compatible bucket (AWS S3, MinIO, Yandex Object Storage, ...).

boto3 is imported only when STORAGE_BACKEND=s3. Its calls block, so they run in worker
threads."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from typing import Any

import anyio

from adapters.settings import Settings, SettingsError
from domain.shared.errors import NotFound

_CHUNK = 64 * 1024
_SPOOL_MAX = 8 * 1024 * 1024


class S3FileStorage:
    def __init__(self, client: Any, bucket: str) -> None:
        self._client = client
        self._bucket = bucket

    @classmethod
    def from_settings(cls, settings: Settings) -> S3FileStorage:
        if not settings.s3_bucket:
            raise SettingsError("STORAGE_BACKEND=s3 needs S3_BUCKET")
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url,
            aws_access_key_id=settings.s3_access_key,
            aws_secret_access_key=(
                settings.s3_secret_key.get_secret_value() if settings.s3_secret_key else None
            ),
            region_name=settings.s3_region,
        )
        return cls(client, settings.s3_bucket)

    async def put(self, key: str, stream: AsyncIterator[bytes]) -> None:
        # Spooled first: the size is known only at the end, and an upload that fails half
        # way leaves nothing in the bucket (S3 objects appear whole or not at all).
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_MAX) as file:
            async for chunk in stream:
                file.write(chunk)
            file.seek(0)
            await anyio.to_thread.run_sync(
                lambda: self._client.upload_fileobj(file, self._bucket, key)
            )

    async def open(
        self, key: str, *, start: int = 0, length: int | None = None
    ) -> AsyncIterator[bytes]:
        ranged: dict[str, str] = {}
        if start or length is not None:
            last = "" if length is None else str(start + length - 1)
            ranged["Range"] = f"bytes={start}-{last}"

        def get() -> Any:
            try:
                return self._client.get_object(Bucket=self._bucket, Key=key, **ranged)["Body"]
            except self._client.exceptions.NoSuchKey as exc:
                raise NotFound("File", key) from exc

        body = await anyio.to_thread.run_sync(get)
        return _chunks(body)

    async def delete(self, key: str) -> None:
        await anyio.to_thread.run_sync(
            lambda: self._client.delete_object(Bucket=self._bucket, Key=key)
        )


async def _chunks(body: Any) -> AsyncIterator[bytes]:
    try:
        while chunk := await anyio.to_thread.run_sync(body.read, _CHUNK):
            yield chunk
    finally:
        body.close()
