"""File storage backends behind domain.attachments.ports.FileStorage."""

from __future__ import annotations

from adapters.settings import Settings
from domain.attachments.ports import FileStorage


def make_storage(settings: Settings) -> FileStorage:
    if settings.storage_backend == "s3":
        from adapters.storage.s3 import S3FileStorage

        return S3FileStorage.from_settings(settings)
    from adapters.storage.local import LocalFileStorage

    return LocalFileStorage(settings.var_dir / "files")
