"""Duplicate pairs at scale: loads 200,000 clients (each with a contact, a phone and an e-mail,
about 2% of them real duplicates by phone, e-mail, tax id, equal or similar name) into a fresh
organisation with COPY, runs the rescan as a stored job with the worker's handler and budget,
then measures GET /clients/duplicates against a running server:

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python bench/duplicates.py --base http://127.0.0.1:8124

Targets: the rescan under 60 s, the endpoint under 50 ms p50. Prints the figures and whether
they were met. Loopback only; the organisation it creates is left in place (--drop removes it).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

import httpx
import sqlalchemy as sa

from adapters.bootstrap import Container, build
from adapters.db.tables.clients import clients
from adapters.seed import analyze
from adapters.settings import load_settings
from adapters.worker.main import HANDLERS
from adapters.worker.runner import run_stored_job
from domain.clients.duplicates import RESCAN_JOB
from domain.clients.model import contact_name_key, name_key
from domain.platform.model import Job
from domain.staff.services.organisations import provision_organisation

PASSWORD = "bench-password-0123456789"  # noqa: S105 (a throwaway bench account)
# Syllables from the whole alphabet, so names vary as real ones do (a small vocabulary would
# make most names similar to thousands of others).
SYLLABLES = tuple(c + v for c in "бвгджзклмнпрстфхцчшщ" for v in "аеиоуыэюя")
LEGAL = ("ООО", "АО", "ИП", "ТОВ", "")


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def _rows(org_id: uuid.UUID, owner: uuid.UUID, count: int, seed: int) -> dict[str, list[tuple]]:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    out: dict[str, list[tuple]] = {"clients": [], "contacts": [], "phones": [], "emails": []}
    originals: list[tuple[str, str, str, str]] = []
    for i in range(count):
        name = f"{rng.choice(LEGAL)} {_word(rng)} {_word(rng)}".strip()
        phone = f"+7{rng.randint(900_000_0000, 999_999_9999)}"
        email = f"c{i}.{rng.randint(0, 10**6)}@{_word(rng).lower()}.example"
        inn = f"{rng.randint(10**9, 10**10 - 1)}" if rng.random() < 0.5 else ""
        if originals and rng.random() < 0.02:  # a real duplicate of an earlier client
            o_name, o_phone, o_email, o_inn = rng.choice(originals)
            match rng.randrange(5):
                case 0:
                    phone = o_phone
                case 1:
                    email = o_email
                case 2:
                    inn = o_inn or inn
                case 3:
                    name = o_name
                case _:  # similar, not equal: its words in another order, another legal form
                    words = name_key(o_name).split()
                    name = f"{rng.choice(LEGAL)} {' '.join(reversed(words))}".strip()
        originals.append((name, phone, email, inn))
        client_id, contact_id = uuid.uuid4(), uuid.uuid4()
        out["clients"].append(
            (client_id, org_id, "company", name, name_key(name), inn or None, owner, now, now)
        )
        person = f"{_word(rng)} {_word(rng)}"
        out["contacts"].append((contact_id, org_id, client_id, person, contact_name_key(person)))
        out["phones"].append((uuid.uuid4(), org_id, contact_id, client_id, phone, phone))
        out["emails"].append((uuid.uuid4(), org_id, contact_id, client_id, email))
    return out


COLUMNS = {
    "clients": (
        "id",
        "organisation_id",
        "kind",
        "name",
        "name_key",
        "inn",
        "responsible_id",
        "created_at",
        "updated_at",
    ),
    "contacts": ("id", "organisation_id", "client_id", "full_name", "name_key"),
    "contact_phones": ("id", "organisation_id", "contact_id", "client_id", "e164", "raw"),
    "contact_emails": ("id", "organisation_id", "contact_id", "client_id", "email"),
}


async def load(container: Container, count: int, seed: int) -> tuple[uuid.UUID, str]:
    async with container.uow() as uow:
        admin_email = f"bench-{uuid.uuid4().hex[:8]}@bench.example"
        result = await provision_organisation(
            uow,
            container.hasher,
            name=f"Bench duplicates {uuid.uuid4().hex[:6]}",
            admin_email=admin_email,
            admin_password=PASSWORD,
            admin_name="Bench Admin",
        )
        await uow.commit()
    org_id, owner = result.organisation.id, result.admin.id
    rows = _rows(org_id, owner, count, seed)
    started = time.perf_counter()
    async with container.engine.connect() as conn:
        raw: Any = (await conn.get_raw_connection()).driver_connection
        async with raw.transaction():
            for table, key in (
                ("clients", "clients"),
                ("contacts", "contacts"),
                ("contact_phones", "phones"),
                ("contact_emails", "emails"),
            ):
                await raw.copy_records_to_table(table, records=rows[key], columns=COLUMNS[table])
    await analyze(
        container,
        [clients, *(sa.table(t) for t in ("contacts", "contact_phones", "contact_emails"))],
    )
    loaded_in = time.perf_counter() - started
    print(f"loaded {count:,} clients with contacts, phones, e-mails in {loaded_in:.1f} s")
    return org_id, admin_email


async def rescan(container: Container, org_id: uuid.UUID) -> float:
    job = Job(organisation_id=org_id, kind=RESCAN_JOB, created_at=container.clock.now())
    async with container.uow() as uow:
        await uow.jobs.add(job)  # stored, not queued: this process runs it
        await uow.commit()
    started = time.perf_counter()
    outcome = await run_stored_job(container, job.organisation_id, job.id, HANDLERS)
    elapsed = time.perf_counter() - started
    async with container.uow() as uow:
        stored = await uow.jobs.get_for_update(job.organisation_id, job.id)
    assert stored is not None
    print(
        f"rescan job: {outcome}, {elapsed:.1f} s (target < 60 s), result {stored.result}, "
        f"progress {stored.progress}%"
    )
    async with container.engine.connect() as conn:
        counts = await conn.execute(
            sa.text(
                "SELECT reason, count(*) FROM duplicate_candidates, unnest(reasons) AS reason "
                "WHERE organisation_id = :org GROUP BY reason ORDER BY reason"
            ),
            {"org": org_id},
        )
        print("pairs by reason: " + ", ".join(f"{r} {n:,}" for r, n in counts))
    return elapsed


async def measure(base: str, email: str, repeat: int) -> float:
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        login = await http.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        samples: list[float] = []
        cursor: str | None = None
        for _ in range(repeat):
            url = "/api/v1/clients/duplicates?limit=50" + (f"&cursor={cursor}" if cursor else "")
            started = time.perf_counter()
            response = await http.get(url, headers=headers)
            samples.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
            cursor = response.json()["next_cursor"]  # walk the pages, then start over
    samples.sort()
    p50 = statistics.median(samples)
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    p99 = samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]
    print(
        f"GET /clients/duplicates: p50 {p50:.1f} ms (target < 50 ms), p95 {p95:.1f} ms, "
        f"p99 {p99:.1f} ms over {len(samples)} requests"
    )
    return p50


async def main(args: argparse.Namespace) -> int:
    host = urlparse(args.base).hostname or ""
    if not (host.startswith("127.") or host in {"localhost", "::1"}):
        raise SystemExit("bench only targets servers on this machine")
    container = await build(load_settings(), workload="jobs")
    try:
        org_id, email = await load(container, args.clients, args.seed)
        elapsed = await rescan(container, org_id)
        p50 = await measure(args.base, email, args.repeat)
        if args.drop:
            async with container.engine.begin() as conn:
                await conn.execute(
                    sa.text("DELETE FROM organisations WHERE id = :id"), {"id": org_id}
                )
    finally:
        await container.aclose()
    met = elapsed < 60 and p50 < 50
    print("targets met" if met else "targets MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="http://127.0.0.1:8124")
    parser.add_argument("--clients", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=500)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--drop", action="store_true", help="delete the organisation afterwards")
    raise SystemExit(asyncio.run(main(parser.parse_args())))
