"""Spreadsheet import bench (issue 13, item 7).

The file side: reading a 50,000-row file the way an import does (detection over a bounded
sample, then every row streamed, cleaned and numbered), as CSV (windows-1251, ';') and as
XLSX; prints rows/s and peak memory for each.

    .venv/bin/python bench/imports.py              # 50,000 rows
    .venv/bin/python bench/imports.py --rows 200000

The database side (``--database``): a fresh database (``crm_bench_imports`` on the server
BENCH_DATABASE_URL names, e.g. postgresql://postgres@127.0.0.1:5432/postgres; REDIS_URL for
Redis), migrated, an organisation with --existing clients loaded by COPY; then the CSV is
uploaded, mapped and imported by the worker's job handler in this process, as the API and the
worker would. Prints rows/s and the counts: about 2 % of the rows repeat an existing client's
phone and 2 % an earlier row's e-mail, so both kinds of duplicates are flagged.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://... \
        .venv/bin/python bench/imports.py --database --rows 50000
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import os
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import xlsxwriter
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapters.spreadsheets import reading  # noqa: E402

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


# --- the database side -------------------------------------------------------------------

DATABASE = "crm_bench_imports"
PASSWORD = "bench-password-0123456789"  # noqa: S105 (a throwaway bench account)
MAPPING = {"0": "name", "1": "inn", "2": "contact_name", "3": "phones", "4": "emails"}


def _existing_phone(k: int) -> str:
    return f"+7499{k:07d}"


def _db_rows(count: int, existing: int) -> list[list[str]]:
    """The file: every 50th row (from the 7th) carries an existing client's phone, every 50th
    (from the 13th, after the first 100) an earlier row's e-mail."""
    rows = _rows(count)
    for n, row in enumerate(rows):
        if existing and n % 50 == 7:
            row[3] = _existing_phone(n % existing)
        elif n > 100 and n % 50 == 13:
            row[4] = f"user{n - 100}@example.com"
    return rows


async def _admin(admin_url: str, *statements: str) -> None:
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            for statement in statements:
                await conn.execute(sa.text(statement))
    finally:
        await engine.dispose()


async def _fresh_database() -> None:
    bench_url = os.environ.get("BENCH_DATABASE_URL")
    if not bench_url:
        raise SystemExit("set BENCH_DATABASE_URL (a server's maintenance database)")
    url = make_url(bench_url).set(drivername="postgresql+asyncpg")
    await _admin(
        url.render_as_string(hide_password=False),
        f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)",
        f"CREATE DATABASE {DATABASE}",
    )
    os.environ["DATABASE_URL"] = url.set(database=DATABASE).render_as_string(hide_password=False)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # The uploaded file goes to the file storage under VAR_DIR: a scratch one, not var/.
    os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="crm-bench-imports-"))
    await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "api.cli", "migrate"],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
        cwd=ROOT,
    )


async def _organisation(container: Any, existing: int) -> tuple[uuid.UUID, uuid.UUID]:
    from domain.clients.model import contact_name_key, name_key
    from domain.staff.services.organisations import provision_organisation

    async with container.uow() as uow:
        result = await provision_organisation(
            uow,
            container.hasher,
            name="Bench imports",
            admin_email="bench-imports@bench.example",
            admin_password=PASSWORD,
            admin_name="Bench Admin",
        )
        await uow.commit()
    org_id, owner = result.organisation.id, result.admin.id
    now = datetime.now(UTC)
    rng = random.Random(7)
    out: dict[str, list[tuple[Any, ...]]] = {
        "clients": [],
        "contacts": [],
        "contact_phones": [],
        "contact_emails": [],
    }
    for k in range(existing):
        client_id, contact_id = uuid.uuid4(), uuid.uuid4()
        name = f"АО {_word(rng)} {_word(rng)}"
        out["clients"].append((client_id, org_id, "company", name, name_key(name), owner, now, now))
        person = f"{_word(rng)} {_word(rng)}"
        out["contacts"].append((contact_id, org_id, client_id, person, contact_name_key(person)))
        phone = _existing_phone(k)
        out["contact_phones"].append((uuid.uuid4(), org_id, contact_id, client_id, phone, phone))
        email = f"existing{k}@example.com"
        out["contact_emails"].append((uuid.uuid4(), org_id, contact_id, client_id, email))
    columns = {
        "clients": (
            "id",
            "organisation_id",
            "kind",
            "name",
            "name_key",
            "responsible_id",
            "created_at",
            "updated_at",
        ),
        "contacts": ("id", "organisation_id", "client_id", "full_name", "name_key"),
        "contact_phones": ("id", "organisation_id", "contact_id", "client_id", "e164", "raw"),
        "contact_emails": ("id", "organisation_id", "contact_id", "client_id", "email"),
    }
    async with container.engine.connect() as conn:
        raw: Any = (await conn.get_raw_connection()).driver_connection
        async with raw.transaction():
            for table, records in out.items():
                await raw.copy_records_to_table(table, records=records, columns=columns[table])
    # As clients that have been there a while: statistics with every table holding rows
    # (planned for an empty contact_emails, the pair refresh joins every e-mail with every
    # other), and the trigram index's pending list merged (COPY leaves the names there, and
    # every lookup reads the list whole until autovacuum merges it).
    async with container.engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(sa.text("VACUUM ANALYZE " + ", ".join(out)))
    return org_id, owner


async def _import(args: argparse.Namespace, csv_path: Path) -> None:
    from adapters.bootstrap import build
    from adapters.settings import load_settings
    from adapters.worker.main import HANDLERS
    from adapters.worker.runner import run_stored_job
    from domain.auth.loading import load_principal
    from domain.imports.model import ImportEntity, OnDuplicate
    from domain.imports.services import ImportService

    await _fresh_database()
    container = await build(load_settings(), workload="jobs")
    try:
        org_id, owner = await _organisation(container, args.existing)
        service = ImportService(container.uow(), container.clock, container.spreadsheets())
        async with container.uow() as uow:
            principal = await load_principal(uow, owner, org_id, clock=container.clock)

        data = await asyncio.to_thread(csv_path.read_bytes)

        async def content() -> AsyncIterator[bytes]:
            yield data

        view = await service.upload(
            principal, entity=ImportEntity.CLIENTS, filename="clients.csv", content=content()
        )
        import_id = view.record.id
        await service.set_mapping(
            principal,
            import_id,
            mapping={int(k): v for k, v in MAPPING.items()},
            on_duplicate=OnDuplicate.FLAG,
        )
        for dry_run in (True, False):
            view = await service.start(principal, import_id, dry_run=dry_run)
            job_id = view.record.job_id
            assert job_id is not None
            started = time.perf_counter()
            outcome = await run_stored_job(container, org_id, job_id, HANDLERS)
            seconds = time.perf_counter() - started
            record = (await service.get(principal, import_id)).record
            counts = record.dry_run if dry_run else record.result
            print(
                f"{'dry run' if dry_run else 'import'}: {outcome}, {args.rows:,} rows in "
                f"{seconds:.1f} s, {args.rows / seconds:,.0f} rows/s; {counts}"
            )
        async with container.engine.connect() as conn:
            pairs = (
                await conn.execute(
                    sa.text("SELECT count(*) FROM duplicate_candidates WHERE organisation_id = :o"),
                    {"o": org_id},
                )
            ).scalar_one()
        print(f"stored duplicate pairs: {pairs:,}")
    finally:
        await container.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--database", action="store_true", help="import into a fresh database")
    parser.add_argument("--existing", type=int, default=5_000, help="clients there before")
    args = parser.parse_args()
    if args.database:
        with tempfile.TemporaryDirectory() as folder:
            csv_path = Path(folder) / "clients.csv"
            _write_csv(csv_path, _db_rows(args.rows, args.existing))
            asyncio.run(_import(args, csv_path))
        return
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
