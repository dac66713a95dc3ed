"""Lead intake under load: N website form posts (and N call events, when a telephony URL is
given) sent concurrently to a running server, against the anchor in the same run.

    .venv/bin/python bench/ingest_anchor.py --database-url postgresql://... --port 8001 &
    .venv/bin/python bench/ingest.py --base http://127.0.0.1:8000 \
        --anchor http://127.0.0.1:8001 --posts 20000 --connections 64

For each target it prints requests per second, p50/p99 latency, the answers that were not 2xx
and how many were lost: answered 2xx but not stored afterwards (the real endpoint: looked up in
GET /api/v1/intake/inbox by the form; the anchor: counted by its run marker). Then the real
endpoint's rate as a share of the anchor's (the goal: at least 75 %, p99 under 50 ms at 64
connections, none lost).

The load is sent over keep-alive HTTP/1.1 connections by wrk when it is on the PATH (Debian's
package wrk: a C load generator, so the server under test keeps most of a small machine's
cores; bench/ingest_wrk.lua builds the requests and collects the ids), otherwise, and always
for call events, by a minimal client in this file (an HTTP library would cost more CPU than the
server under test). ``--driver`` chooses. It signs in as --email (the demo admin by default),
creates a form without a rate limit for the run, and deletes it afterwards (its requests stay
in the inbox). Loopback only, bounded in count.
``--calls-url`` (a telephony integration's path, e.g. /api/v1/intake/telephony/zadarma/<id>)
adds N Zadarma NOTIFY_START events, signed with ``--zadarma-secret``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import quote, urlparse

import httpx

MAX_REQUESTS = 200_000
URLENCODED = "application/x-www-form-urlencoded"


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


@dataclass(frozen=True)
class Request:
    path: str
    body: bytes
    headers: dict[str, str]


@dataclass
class Result:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    accepted_ids: list[str] = field(default_factory=list)
    accepted: int = 0
    errors: int = 0
    seconds: float = 0.0
    # Set when the load generator reports its own percentiles (wrk) instead of latencies_ms.
    percentiles_ms: dict[int, float] | None = None

    def percentile(self, pct: int) -> float:
        if self.percentiles_ms is not None:
            return self.percentiles_ms[pct]
        return _percentile(self.latencies_ms, pct)

    def record(self, status: int, body: bytes, latency_ms: float) -> None:
        self.latencies_ms.append(latency_ms)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if 200 <= status < 300:
            self.accepted += 1
            if body.startswith(b"{"):
                document = json.loads(body)
                if "id" in document and not document.get("duplicate"):
                    self.accepted_ids.append(document["id"])


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split(b" ", 2)[1])
    length = 0
    chunked = False
    close = False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.partition(b":")
        lowered = name.strip().lower()
        if lowered == b"content-length":
            length = int(value.strip())
        elif lowered == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
        elif lowered == b"connection" and b"close" in value.lower():
            close = True
    if chunked:
        parts = []
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            if size == 0:
                await reader.readline()
                break
            parts.append(await reader.readexactly(size))
            await reader.readline()
        return status, b"".join(parts), close
    return status, await reader.readexactly(length) if length else b"", close


async def _send_all(base: str, requests: list[Request], connections: int) -> Result:
    parsed = urlparse(base)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    result = Result()
    next_index = 0

    async def connection() -> None:
        nonlocal next_index
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while next_index < len(requests):
                request = requests[next_index]
                next_index += 1
                head = [f"POST {request.path} HTTP/1.1", f"Host: {host}:{port}"]
                head += [f"{k}: {v}" for k, v in request.headers.items()]
                head.append(f"Content-Length: {len(request.body)}")
                payload = ("\r\n".join(head) + "\r\n\r\n").encode() + request.body
                started = time.perf_counter()
                try:
                    writer.write(payload)
                    await writer.drain()
                    status, body, close = await _read_response(reader)
                except (ConnectionError, asyncio.IncompleteReadError, ValueError):
                    result.errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
                    continue
                result.record(status, body, (time.perf_counter() - started) * 1000)
                if close:
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    result.seconds = time.perf_counter() - started
    return result


WRK_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ingest_wrk.lua")
WRK_THREADS = 2


def _send_wrk(base: str, path: str, run: str, count: int, connections: int) -> Result:
    """``count`` form posts (the same bodies as form_posts) sent by wrk over ``connections``
    connections. Its threads stop after their share of answers and say so with a file; wrk
    runs until interrupted, so it is interrupted then, and writes its figures. The rate is
    counted over the time until the last thread was done."""
    wrk = shutil.which("wrk")
    assert wrk is not None
    with tempfile.TemporaryDirectory(prefix="ingest-wrk-") as folder:
        env = {
            **os.environ,
            "INGEST_RUN": run,
            "INGEST_PATH": path,
            "INGEST_COUNT": str(count),
            "INGEST_THREADS": str(WRK_THREADS),
            "INGEST_DIR": folder,
        }
        command = [wrk, "-t", str(WRK_THREADS), "-c", str(connections), "-d", "600s"]
        command += ["--timeout", "30s", "-s", WRK_SCRIPT, base.rstrip("/") + path]
        started = time.perf_counter()
        # The command is wrk with our own arguments (the targets are checked to be loopback).
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
        markers = [os.path.join(folder, f"done-{i}") for i in range(WRK_THREADS)]
        while not all(os.path.exists(m) for m in markers) and process.poll() is None:
            time.sleep(0.005)
        seconds = time.perf_counter() - started
        process.send_signal(signal.SIGINT)  # wrk stops, then its done() writes the figures
        if process.wait(timeout=60) not in (0, -signal.SIGINT):
            raise SystemExit(f"wrk failed with exit code {process.returncode}")
        with open(os.path.join(folder, "summary")) as f:
            requests, p50, p99, non_2xx, errors = f.read().split()
        with open(os.path.join(folder, "ids")) as f:
            ids = [line.strip() for line in f if line.strip()]
    result = Result(seconds=seconds, errors=int(errors))
    result.percentiles_ms = {50: float(p50), 99: float(p99)}
    total = int(requests)
    result.accepted = total - int(non_2xx)
    # wrk counts the answers, not their statuses: the non-2xx ones are shown as 0.
    result.statuses = {202: result.accepted, **({0: int(non_2xx)} if int(non_2xx) else {})}
    result.accepted_ids = ids
    return result


def form_posts(path: str, run: str, count: int) -> list[Request]:
    return [
        Request(
            path,
            (
                f"name={quote('Нагрузка')}+{i}&phone=%2B7916{i % 10_000_000:07d}"
                f"&comment=run+{run}&utm_source=bench"
            ).encode(),
            {"Content-Type": URLENCODED, "Idempotency-Key": f"{run}-form-{i}"},
        )
        for i in range(count)
    ]


def call_events(path: str, run: str, count: int, secret: str | None) -> list[Request]:
    requests = []
    for i in range(count):
        fields = {
            "event": "NOTIFY_START",
            "call_start": "2026-12-01 10:00:00",
            "pbx_call_id": f"in_{run}_{i}",
            "caller_id": f"7916{i % 10_000_000:07d}",
            "called_did": "74951234567",
        }
        headers = {"Content-Type": URLENCODED}
        if secret:
            signed = fields["caller_id"] + fields["called_did"] + fields["call_start"]
            digest = hmac.new(secret.encode(), signed.encode(), hashlib.sha1).hexdigest()
            headers["Signature"] = base64.b64encode(digest.encode()).decode()
        body = "&".join(f"{k}={quote(v)}" for k, v in fields.items())
        requests.append(Request(path, body.encode(), headers))
    return requests


def report(label: str, result: Result, lost: int | None) -> None:
    total = sum(result.statuses.values())
    rate = total / result.seconds if result.seconds else 0.0
    non_2xx = total - result.accepted
    print(
        f"{label:<28} {total:>7} requests in {result.seconds:6.2f} s = {rate:8.0f}/s  "
        f"p50 {result.percentile(50):6.1f} ms  "
        f"p99 {result.percentile(99):6.1f} ms  "
        f"non-2xx {non_2xx}  connection errors {result.errors}  "
        f"lost {'?' if lost is None else lost}"
    )
    if non_2xx:
        print(f"{'':<28} statuses: {dict(sorted(result.statuses.items()))}")


async def _stored_ids(
    client: httpx.AsyncClient, headers: dict[str, str], query: dict[str, str]
) -> set[str]:
    found: set[str] = set()
    cursor: str | None = None
    while True:
        params = {**query, "limit": "200", **({"cursor": cursor} if cursor else {})}
        page = await client.get("/api/v1/intake/inbox", params=params, headers=headers)
        page.raise_for_status()
        body = page.json()
        found.update(item["id"] for item in body["items"])
        cursor = body["next_cursor"]
        if not cursor:
            return found


async def main(args: argparse.Namespace) -> int:
    for url in filter(None, (args.base, args.anchor)):
        host = urlparse(url).hostname or ""
        if not (host.startswith("127.") or host in {"localhost", "::1"}):
            raise SystemExit("bench only targets servers on this machine")
    if not 1 <= args.posts <= MAX_REQUESTS or not 0 <= args.calls <= MAX_REQUESTS:
        raise SystemExit(f"--posts and --calls: at most {MAX_REQUESTS}")
    run = uuid.uuid4().hex[:12]
    calls = args.calls if args.calls_url else 0
    driver = args.driver
    if driver == "auto":
        driver = "wrk" if shutil.which("wrk") and not calls else "python"
    if driver == "wrk" and (calls or not shutil.which("wrk")):
        raise SystemExit("--driver wrk: wrk must be on the PATH and sends form posts only")
    print(f"load generator: {'wrk' if driver == 'wrk' else 'the asyncio client of this file'}")
    anchor_rate = real_rate = None
    failed = False
    if args.anchor:
        if driver == "wrk":
            result = await asyncio.to_thread(
                _send_wrk, args.anchor, "/ingest", run, args.posts, args.connections
            )
        else:
            posts = form_posts("/ingest", run, args.posts) + call_events(
                "/ingest", run, calls, args.zadarma_secret
            )
            result = await _send_all(args.anchor, posts, args.connections)
        async with httpx.AsyncClient(base_url=args.anchor, timeout=60) as client:
            counted = (await client.get("/ingest/count", params={"run": run})).json()["count"]
        report("anchor (Starlette+asyncpg)", result, max(0, result.accepted - counted))
        anchor_rate = sum(result.statuses.values()) / result.seconds
    async with httpx.AsyncClient(base_url=args.base, timeout=60) as client:
        login = await client.post(
            "/api/v1/auth/login", json={"email": args.email, "password": args.password}
        )
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        created = await client.post(
            "/api/v1/intake/form-settings",
            json={"name": f"Нагрузочный тест {run}", "rate_limit_per_minute": None},
            headers=headers,
        )
        created.raise_for_status()
        form = created.json()
        try:
            if driver == "wrk":
                result = await asyncio.to_thread(
                    _send_wrk, args.base, form["post_path"], run, args.posts, args.connections
                )
                expected = args.posts
            else:
                requests = form_posts(form["post_path"], run, args.posts)
                if calls:
                    requests += call_events(args.calls_url, run, calls, args.zadarma_secret)
                result = await _send_all(args.base, requests, args.connections)
                expected = len(requests)
            stored = await _stored_ids(client, headers, {"channel_id": form["id"]})
            if calls:
                stored |= await _stored_ids(client, headers, {"source": "telephony"})
            lost = len(set(result.accepted_ids) - stored)
            report("intake endpoint (CRM)", result, lost)
            real_rate = sum(result.statuses.values()) / result.seconds
            p99 = result.percentile(99)
            failed = lost > 0 or result.accepted < expected
            if args.settle:
                deadline = time.monotonic() + args.settle
                while time.monotonic() < deadline:
                    page = await client.get(
                        "/api/v1/intake/inbox",
                        params={"channel_id": form["id"], "state": "pending", "limit": "1"},
                        headers=headers,
                    )
                    if not page.json()["items"]:
                        break
                    await asyncio.sleep(1)
                pending = bool(page.json()["items"])
                print(
                    f"processed by the worker within {args.settle} s: {'no' if pending else 'yes'}"
                )
        finally:
            await client.delete(f"/api/v1/intake/form-settings/{form['id']}", headers=headers)
    if calls == 0 and args.calls:
        print("call events: not sent (no --calls-url: no telephony endpoint given)")
    if anchor_rate and real_rate:
        print(
            f"ratio: {real_rate / anchor_rate:.0%} of the anchor's rate "
            f"(goal >= 75 %, p99 {p99:.1f} ms, goal < 50 ms at 64 connections)"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=os.environ.get("BASE_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--anchor", default=None, help="the anchor's base URL (optional)")
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=0)
    parser.add_argument("--calls-url", default=None)
    parser.add_argument("--zadarma-secret", default=None)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--driver",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="the load generator: wrk when on the PATH and no call events are sent (auto)",
    )
    parser.add_argument("--settle", type=float, default=0, help="seconds to wait for the worker")
    parser.add_argument("--email", default="admin@example.com")
    parser.add_argument("--password", default="change-me-now")
    sys.exit(asyncio.run(main(parser.parse_args())))
