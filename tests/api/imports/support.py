"""Helpers for the spreadsheet import API tests."""

from __future__ import annotations

import io
import random
from typing import Any

import xlsxwriter

from tests.api.clients.support import API, json_of
from tests.factories import Factory, Session
from tests.worker import drain_queue

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)


def random_inn() -> str:
    """A valid 10-digit ИНН (an organisation's), random enough not to meet another test's."""
    digits = "".join(random.choice("0123456789") for _ in range(9))
    if digits == "0" * 9:
        digits = "100000000"
    check = sum(int(d) * w for d, w in zip(digits, _INN10_WEIGHTS, strict=True)) % 11 % 10
    return digits + str(check)


def random_phone() -> str:
    return "+7912" + "".join(random.choice("0123456789") for _ in range(7))


def csv_bytes(rows: list[list[str]], *, delimiter: str, encoding: str) -> bytes:
    import csv

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("Лист1")
    date_format = workbook.add_format({"num_format": "dd.mm.yyyy"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if hasattr(value, "isoformat") and not isinstance(value, str):
                sheet.write_datetime(r, c, value, date_format)
            else:
                sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


async def upload(
    factory: Factory,
    session: Session,
    content: bytes,
    *,
    filename: str = "clients.csv",
    entity: str = "clients",
    status: int = 201,
    **form: str,
) -> dict[str, Any]:
    response = await factory.client.post(
        f"{API}/imports",
        data={"entity": entity, **form},
        files={"file": (filename, content, "application/octet-stream")},
        headers=session.headers,
    )
    return json_of(response, status)  # type: ignore[no-any-return]


async def map_columns(
    factory: Factory,
    session: Session,
    import_id: str,
    mapping: dict[str, str],
    *,
    on_duplicate: str = "flag",
    status: int = 200,
) -> dict[str, Any]:
    response = await factory.client.put(
        f"{API}/imports/{import_id}/mapping",
        json={"mapping": mapping, "on_duplicate": on_duplicate},
        headers=session.headers,
    )
    return json_of(response, status)  # type: ignore[no-any-return]


async def get_import(factory: Factory, session: Session, import_id: str) -> dict[str, Any]:
    response = await factory.client.get(f"{API}/imports/{import_id}", headers=session.headers)
    return json_of(response, 200)  # type: ignore[no-any-return]


async def start(
    factory: Factory, session: Session, import_id: str, *, dry_run: bool, status: int = 202
) -> dict[str, Any]:
    step = "dry-run" if dry_run else "run"
    response = await factory.client.post(
        f"{API}/imports/{import_id}/{step}", headers=session.headers
    )
    return json_of(response, status)  # type: ignore[no-any-return]


async def check(factory: Factory, session: Session, import_id: str) -> dict[str, Any]:
    """The dry run, run to the end."""
    await start(factory, session, import_id, dry_run=True)
    await drain_queue(factory.container)
    return await get_import(factory, session, import_id)


async def run(factory: Factory, session: Session, import_id: str) -> dict[str, Any]:
    await start(factory, session, import_id, dry_run=False)
    await drain_queue(factory.container)
    return await get_import(factory, session, import_id)


async def issues(
    factory: Factory, session: Session, import_id: str, **params: Any
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, "limit": 2, **({"cursor": cursor} if cursor else {})}
        response = await factory.client.get(
            f"{API}/imports/{import_id}/issues", params=query, headers=session.headers
        )
        page = json_of(response, 200)
        found += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return found


async def clients_named(factory: Factory, session: Session, name: str) -> list[dict[str, Any]]:
    """The clients whose name holds ``name`` (a ``unique_name``: found by its random word)."""
    word = max(name.replace('"', " ").split(), key=len)
    response = await factory.client.get(
        f"{API}/clients", params={"q": word, "limit": 200}, headers=session.headers
    )
    items: list[dict[str, Any]] = json_of(response, 200)["items"]
    return [c for c in items if name in c["name"]]


async def count_clients(factory: Factory, session: Session) -> int:
    response = await factory.client.get(f"{API}/clients/count", headers=session.headers)
    return json_of(response, 200)["total"]  # type: ignore[no-any-return]
