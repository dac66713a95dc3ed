"""An exchange's files on local disk: VAR_DIR/onec/<organisation>/<exchange>/<path>.

1C sends big files in chunks under one name, so a file is appended to; names may have folders
(``import_files/ab/abcd.jpg``), kept as folders under the exchange's own. Archives are
unpacked next to themselves with every member's name checked (no traversal, no absolute
names), at most ``MEMBERS_MAX`` members and a bounded total of uncompressed bytes, counted as
they are written rather than believed from the archive's directory.
"""

from __future__ import annotations

import shutil
import stat
import zipfile
from collections.abc import Sequence
from pathlib import Path
from uuid import UUID

import anyio

from domain.onec.model import FILE_MAX_BYTES, ExchangeRefused, safe_path

MEMBERS_MAX = 10_000
_CHUNK = 1024 * 1024


class LocalExchangeFiles:
    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, organisation_id: UUID, exchange_id: UUID) -> Path:
        return self.root / str(organisation_id) / str(exchange_id)

    def location(self, organisation_id: UUID, exchange_id: UUID, path: str) -> Path:
        folder = self.folder(organisation_id, exchange_id)
        target = folder / safe_path(path)
        # safe_path already refuses traversal; this holds even if it did not.
        if not target.resolve().is_relative_to(folder.resolve()):
            raise ExchangeRefused(f"unsafe file name: {path}")
        return target

    def spool(self, organisation_id: UUID, exchange_id: UUID, path: str) -> Path:
        """Where a checked document's records are kept for its slices: beside the exchange's
        folder, so no received name can reach it."""
        spool = self.root / str(organisation_id) / f"{exchange_id}.spool"
        return spool / f"{safe_path(path)}.jsonl"

    async def append(
        self, organisation_id: UUID, exchange_id: UUID, path: str, chunk: bytes
    ) -> None:
        target = self.location(organisation_id, exchange_id, path)

        def run() -> None:
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("ab") as file:
                file.write(chunk)

        await anyio.to_thread.run_sync(run)

    async def exists(self, organisation_id: UUID, exchange_id: UUID, path: str) -> bool:
        return self.location(organisation_id, exchange_id, path).is_file()

    async def discard(self, organisation_id: UUID, exchange_id: UUID) -> None:
        folder = self.folder(organisation_id, exchange_id)
        spool = self.root / str(organisation_id) / f"{exchange_id}.spool"

        def run() -> None:
            for path in (folder, spool):
                shutil.rmtree(path, ignore_errors=True)

        await anyio.to_thread.run_sync(run)

    async def unpack(
        self, organisation_id: UUID, exchange_id: UUID, path: str, *, max_bytes: int
    ) -> Sequence[tuple[str, int]]:
        archive = self.location(organisation_id, exchange_id, path)
        folder = self.folder(organisation_id, exchange_id)
        return await anyio.to_thread.run_sync(_unpack, archive, folder, max_bytes)


def _unpack(archive: Path, folder: Path, max_bytes: int) -> list[tuple[str, int]]:
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = [m for m in zipped.infolist() if not m.is_dir()]
            if len(members) > MEMBERS_MAX:
                raise ExchangeRefused(f"the archive has more than {MEMBERS_MAX} files")
            # Every name is checked before anything is written.
            names = []
            declared = 0
            for member in members:
                mode = member.external_attr >> 16
                if stat.S_ISLNK(mode):
                    raise ExchangeRefused(f"the archive has a symbolic link: {member.filename}")
                try:
                    names.append(safe_path(member.filename))
                except ExchangeRefused as refused:
                    raise ExchangeRefused(f"the archive is refused: {refused.reason}") from None
                declared += member.file_size
                if member.file_size > FILE_MAX_BYTES or declared > max_bytes:
                    raise ExchangeRefused("the archive unpacks to more bytes than allowed")
            written = 0
            unpacked: list[tuple[str, int]] = []
            for member, name in zip(members, names, strict=True):
                target = folder / name
                if not target.resolve().is_relative_to(folder.resolve()):
                    raise ExchangeRefused(f"the archive is refused: unsafe name {name}")
                target.parent.mkdir(parents=True, exist_ok=True)
                size = 0
                with zipped.open(member) as source, target.open("wb") as out:
                    while chunk := source.read(_CHUNK):
                        size += len(chunk)
                        written += len(chunk)
                        if size > FILE_MAX_BYTES or written > max_bytes:
                            raise ExchangeRefused("the archive unpacks to more bytes than allowed")
                        out.write(chunk)
                unpacked.append((name, size))
            return unpacked
    except zipfile.BadZipFile as exc:
        raise ExchangeRefused(f"not a zip archive: {exc}") from exc
    except (OSError, RuntimeError, NotImplementedError, EOFError) as exc:
        raise ExchangeRefused(f"the archive cannot be unpacked: {exc}") from exc
