"""Analytics bench (issue 12, item 13): every dashboard widget's endpoint timed on the scale
bench's database (bench/scale.py) as the administrator (every deal) and as the head of sales
(her department's), over last month and last quarter, p50 and p99 per line against 200 ms:
funnel analytics, plan fulfilment, the leaderboard (with karma), employee karma, ABC by
turnover and by margin, sleeping clients, the work-time map, marketing effectiveness, the
sales structure and NPS.

    .venv/bin/python bench/scale.py --only-load          # once: 1,000,000 deals, kept
    .venv/bin/python bench/analytics.py                  # on that database
    .venv/bin/python bench/analytics.py --deals 20000    # no loaded database: load, measure, drop

The database and servers are bench/scale.py's (BENCH_DATABASE, BENCH_DATABASE_URL, BENCH_DIR,
REDIS_URL); `crm web` runs on a free port against them. A database it loaded itself is dropped
at the end unless --keep. Exit status 1 when a line misses the target.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from adapters.seed import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, DEMO_STAFF_PASSWORD  # noqa: E402
from bench.scale import (  # noqa: E402
    ANALYTICS_TABLES,
    BENCH_DIR,
    DATABASE,
    SEED,
    Case,
    Phases,
    Servers,
    _admin,
    _env,
    _free_port,
    _measure_case,
    add_analytics_rows,
    load,
    load_average,
    loaded_deals,
    start_servers,
)

TARGET_MS = 200.0
HEAD_EMAIL = "i.petrova@example.com"


def periods(today: date) -> list[tuple[str, date, date]]:
    """Last calendar month and last calendar quarter, first and last day."""
    month_end = today.replace(day=1) - timedelta(days=1)
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    quarter_end = quarter_start - timedelta(days=1)
    first_month = 3 * ((quarter_end.month - 1) // 3) + 1
    return [
        ("month", month_end.replace(day=1), month_end),
        ("quarter", date(quarter_end.year, first_month, 1), quarter_end),
    ]


async def measure(args: argparse.Namespace, servers: Servers) -> list[str]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = (BENCH_DIR / "web-analytics.log").open("wb")
    web = subprocess.Popen(  # noqa: S603, ASYNC220 - our own CLI, started once
        [sys.executable, "-m", "api.cli", "web", "--host", "127.0.0.1", "--port", str(port)],
        env=_env(servers),
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    failed: list[str] = []
    try:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            for _ in range(600):
                if web.poll() is not None:
                    raise SystemExit(f"crm web exited; see {BENCH_DIR}/web-analytics.log")
                with contextlib.suppress(httpx.TransportError):
                    if (await http.get("/readyz")).status_code == 200:
                        break
                await asyncio.sleep(0.2)
            else:
                raise SystemExit("crm web did not become ready in 120 s")
            for who, email, password in (
                ("admin", DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD),
                ("head", HEAD_EMAIL, DEMO_STAFF_PASSWORD),
            ):
                login = await http.post(
                    "/api/v1/auth/login", json={"email": email, "password": password}
                )
                login.raise_for_status()
                headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
                for name, first, last in periods(datetime.now(ZoneInfo("Europe/Moscow")).date()):
                    span = {"from": first.isoformat(), "to": last.isoformat()}
                    funnel = "/api/v1/analytics/funnel?" + urlencode(span)
                    deals = (await http.get(funnel, headers=headers)).json()["totals"]["deals"]
                    lines = [(f"funnel analytics, {name} ({deals:,} deals)", funnel)]
                    lines += [
                        (f"{label}, {name}", f"/api/v1/{path}?" + urlencode({**span, **extra}))
                        for label, path, extra in (
                            ("work-time map", "analytics/work-time", {}),
                            ("sales structure", "analytics/sales", {}),
                            ("marketing effectiveness", "marketing/effectiveness", {}),
                            ("ABC by turnover", "retention/abc", {"basis": "turnover"}),
                            ("ABC by margin", "retention/abc", {"basis": "margin"}),
                            ("NPS", "kpi/nps", {}),
                        )
                    ]
                    if name == "month":
                        month = {"period": "month", "start": first.isoformat()}
                        lines += [
                            (
                                "plan fulfilment, month",
                                "/api/v1/kpi/fulfilment?" + urlencode(month),
                            ),
                            ("leaderboard, month", "/api/v1/kpi/leaderboard?" + urlencode(month)),
                            (
                                "employee karma, month",
                                "/api/v1/karma/employees?"
                                + urlencode({"month": first.isoformat()}),
                            ),
                            ("sleeping clients", "/api/v1/retention/sleeping"),
                        ]
                    for label, url in lines:

                        async def urls(_: int, url: str = url) -> str:
                            return url

                        case = Case(label, TARGET_MS, urls)
                        result = await _measure_case(
                            http, headers, case, args.repeat, args.line_seconds
                        )
                        print(f"{case.name + ' (' + who + ')':52s} {result}", flush=True)
                        if not result.startswith("p50") or "SLOW" in result:
                            failed.append(f"{case.name} ({who})")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(web.pid, signal.SIGTERM)
        try:
            web.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(web.pid, signal.SIGKILL)
            web.wait(timeout=5)
        log.close()
    return failed


async def run(args: argparse.Namespace, servers: Servers) -> tuple[list[str], bool]:
    """The lines that missed the target, and whether this run loaded the database."""
    loaded = await loaded_deals(servers)
    if loaded is None:
        if args.deals is None:
            raise SystemExit(
                f"no loaded {DATABASE} database: run bench/scale.py --only-load, or give --deals"
            )
        print(f"loading {args.deals:,} deals into {DATABASE}")
        await load(args, servers, Phases())
    else:
        print(f"on {DATABASE} ({loaded:,} deals requested when it was loaded)")
        # A database loaded before the loader wrote them gets them now (each step only once).
        engine = create_async_engine(servers.database_url)
        try:
            async with engine.connect() as conn:
                await conn.execute(sa.text("SET statement_timeout = 0"))
                for line in await add_analytics_rows(conn):
                    print(f"  {line}")
                await conn.execute(sa.text("ANALYZE " + ", ".join(ANALYTICS_TABLES)))
                await conn.commit()
        finally:
            await engine.dispose()
    return await measure(args, servers), loaded is None


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--deals", type=int, help="load this many when no database is loaded")
    parser.add_argument("--keep", action="store_true", help="keep a database this run loaded")
    parser.add_argument("--repeat", type=int, default=30, help="requests per line (max 500)")
    parser.add_argument("--line-seconds", type=float, default=30.0, help="time budget per line")
    args = parser.parse_args()
    args.repeat = max(1, min(args.repeat, 500))
    if args.deals is not None:
        # What bench/scale.py's load reads.
        args.deals = max(1000, args.deals)
        args.clients = max(100, args.deals // 5)
        args.seed = SEED
        args.rescan_seconds = 120.0
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    print(f"load average at start: {load_average()}")
    failed: list[str] = []
    with contextlib.ExitStack() as stack:
        servers = start_servers(stack)
        loaded_here = False
        try:
            failed, loaded_here = asyncio.run(run(args, servers))
        finally:
            if loaded_here and not args.keep:
                asyncio.run(_admin(servers, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
            print(f"load average at end: {load_average()}")
    if loaded_here and not args.keep:
        for sub, server in (("pg", servers.embedded_pg), ("redis", servers.embedded_redis)):
            if server is not None:
                shutil.rmtree(BENCH_DIR / sub, ignore_errors=True)
    if failed:
        print(f"FAILED: {', '.join(failed)}")
        return 1
    print(f"every line under {TARGET_MS:.0f} ms at p50")
    return 0


if __name__ == "__main__":
    sys.exit(main())
