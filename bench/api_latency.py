"""Measure sign-in and authenticated read latency against a running server (`make run`).

    .venv/bin/python bench/api_latency.py --base http://127.0.0.1:8000 --requests 500

Prints percentiles; it asserts nothing. Bounded in count and time; loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from urllib.parse import urlparse

import httpx


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))
    return ordered[index]


async def _timed(call) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    response = await call()
    response.raise_for_status()
    return (time.perf_counter() - started) * 1000


async def main(base: str, requests: int, concurrency: int, email: str, password: str) -> None:
    host = urlparse(base).hostname or ""
    if not (host.startswith("127.") or host in {"localhost", "::1"}):
        raise SystemExit("bench only targets servers on this machine")
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        logins = [
            await _timed(
                lambda: client.post(
                    "/api/v1/auth/login", json={"email": email, "password": password}
                )
            )
            for _ in range(3)
        ]
        token = (
            await client.post("/api/v1/auth/login", json={"email": email, "password": password})
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        semaphore = asyncio.Semaphore(concurrency)

        async def one() -> float:
            async with semaphore:
                return await _timed(lambda: client.get("/api/v1/users/me", headers=headers))

        started = time.perf_counter()
        samples = await asyncio.gather(*(one() for _ in range(requests)))
        elapsed = time.perf_counter() - started
    print(f"login (argon2 verify + token issue): median {statistics.median(logins):.1f} ms")
    print(
        f"GET /api/v1/users/me x{requests} (concurrency {concurrency}): "
        f"p50 {_percentile(samples, 50):.1f} ms, p95 {_percentile(samples, 95):.1f} ms, "
        f"p99 {_percentile(samples, 99):.1f} ms, {requests / elapsed:.0f} req/s"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--email", default="admin@example.com")
    parser.add_argument("--password", default="change-me-now")
    args = parser.parse_args()
    asyncio.run(
        main(
            args.base,
            min(args.requests, 20000),
            max(1, min(args.concurrency, 100)),
            args.email,
            args.password,
        )
    )
