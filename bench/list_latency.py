"""Latency of the list, search and timeline endpoints on the demo organisation (2,000 clients,
5,000 deals), against a running server (`make run`):

    .venv/bin/python bench/list_latency.py --base http://127.0.0.1:8000 --repeat 20

Prints median and p95 per request; asserts nothing. Loopback only, bounded in count.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from urllib.parse import urlparse

import httpx

CASES = (
    ("clients, first page", "/api/v1/clients?limit=50"),
    ("clients, search Cyrillic", "/api/v1/clients?q=%D1%81%D0%B8%D0%B1%D0%B8%D1%80%D1%8C&limit=50"),
    ("clients, search phone digits", "/api/v1/clients?q=912&limit=50"),
    (
        "clients, filter type+temperature",
        "/api/v1/clients?relationship_type=current&temperature=hot",
    ),
    ("deals, first page", "/api/v1/deals?limit=50"),
    ("deals, stale only", "/api/v1/deals?stale=true&limit=50"),
    ("deals, amount range sorted", "/api/v1/deals?amount_min=100000&sort=-amount&limit=50"),
    ("deals, search title", "/api/v1/deals?q=%D0%BF%D0%BE%D1%81%D1%82%D0%B0%D0%B2%D0%BA%D0%B0"),
    ("tasks, mine", "/api/v1/tasks?limit=50"),
)


async def main(base: str, repeat: int, email: str, password: str) -> None:
    host = urlparse(base).hostname or ""
    if not (host.startswith("127.") or host in {"localhost", "::1"}):
        raise SystemExit("bench only targets servers on this machine")
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        login = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        first = (await client.get("/api/v1/clients?limit=1", headers=headers)).json()["items"][0]
        cases = [*CASES, ("client timeline", f"/api/v1/clients/{first['id']}/timeline")]
        for name, url in cases:
            samples = []
            for _ in range(repeat):
                started = time.perf_counter()
                response = await client.get(url, headers=headers)
                samples.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
            samples.sort()
            p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
            print(f"{name:36s} median {statistics.median(samples):7.1f} ms   p95 {p95:7.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--email", default="admin@example.com")
    parser.add_argument("--password", default="change-me-now")
    args = parser.parse_args()
    asyncio.run(main(args.base, max(1, min(args.repeat, 500)), args.email, args.password))
