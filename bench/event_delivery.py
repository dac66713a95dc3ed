"""From a deal's stage move to its signed webhook, against a running server (`make run`):

    .venv/bin/python bench/event_delivery.py --base http://127.0.0.1:8000 --deals 200

Starts a receiver on 127.0.0.1, lets the organisation target it (private targets on), creates
an endpoint for deal.stage_changed, then moves up to --deals open demo deals, one after
another (or --rate per second), between two stages of the default funnel that have no entry
requirements. Prints the
API latency of a move (median, p95) and the time from each move's response to the arrival of
its webhook with a valid Standard Webhooks signature (median, p95, max), and how many arrived.
Exits 1 unless every move's webhook arrived within --timeout seconds after the last move.
Afterwards it deletes the endpoint, moves the deals back and restores the setting. Loopback
only, bounded in count and time. BASE_URL in the environment is the default for --base.
The moves back are events too: give the worker a few seconds before running it again.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlparse

import httpx

EVENT = "deal.stage_changed"
MAX_DEALS = 1000


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


@dataclass
class Arrivals:
    """What the receiver got, keyed by (deal id, stage entered); written by its threads."""

    secret: str = ""
    at: dict[tuple[str, str], float] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)
    bad_signatures: int = 0
    duplicates: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    changed: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self.changed = threading.Condition(self.lock)

    def verified(self, headers: Any, body: bytes) -> bool:
        message_id = headers.get("webhook-id", "")
        timestamp = headers.get("webhook-timestamp", "")
        key = base64.b64decode(self.secret.removeprefix("whsec_"))
        signed = f"{message_id}.{timestamp}.".encode() + body
        expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        offered = headers.get("webhook-signature", "").split()
        return any(hmac.compare_digest(expected, candidate) for candidate in offered)

    def record(self, headers: Any, body: bytes) -> None:
        arrived = time.perf_counter()
        with self.lock:
            if not self.verified(headers, body):
                self.bad_signatures += 1
                return
            message_id = headers["webhook-id"]
            if message_id in self.ids:
                self.duplicates += 1  # a retry the receiver already answered
                return
            self.ids.add(message_id)
            document = json.loads(body)
            if document.get("type") == EVENT:
                fields = document["event"]
                self.at.setdefault((fields["deal_id"], fields["to_stage_id"]), arrived)
            self.changed.notify_all()

    def wait_for(self, keys: set[tuple[str, str]], deadline: float) -> None:
        with self.changed:
            while not keys <= self.at.keys():
                left = deadline - time.perf_counter()
                if left <= 0:
                    return
                self.changed.wait(left)


def start_receiver(arrivals: Arrivals) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver would

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            arrivals.record(self.headers, body)
            self.send_response(200)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


async def pick_deals(
    client: httpx.AsyncClient, headers: dict[str, str], count: int
) -> tuple[list[tuple[str, str]], str, str, str]:
    """Open deals of the default funnel in two requirement-free stages, with the stage each
    one is in; returns (deals, stage A, stage B, the funnel's name)."""
    funnels = (await client.get("/api/v1/funnels", headers=headers)).raise_for_status().json()
    funnel = next((f for f in funnels if f["is_default"]), funnels[0])
    free = [
        s
        for s in sorted(funnel["stages"], key=lambda s: s["position"])
        if not s["required_fields"] and not s["required_documents"]
    ]
    if len(free) < 2:
        raise SystemExit(f"the funnel {funnel['name']} has no two stages without requirements")
    first, second = free[0]["id"], free[1]["id"]
    deals: list[tuple[str, str]] = []
    cursor: str | None = None
    while len(deals) < count:
        params: dict[str, Any] = {"stage_id": [first, second], "status": "open", "limit": 200}
        if cursor:
            params["cursor"] = cursor
        page = (
            (await client.get("/api/v1/deals", params=params, headers=headers))
            .raise_for_status()
            .json()
        )
        deals += [(d["id"], d["stage_id"]) for d in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    return deals[:count], first, second, funnel["name"]


async def main(
    base: str, count: int, rate: float, wait_seconds: float, email: str, password: str
) -> int:
    host = urlparse(base).hostname or ""
    if not (host.startswith("127.") or host in {"localhost", "::1"}):
        raise SystemExit("bench only targets servers on this machine")
    arrivals = Arrivals()
    receiver = start_receiver(arrivals)
    receiver_url = f"http://127.0.0.1:{receiver.server_address[1]}/bench-hooks"
    async with httpx.AsyncClient(base_url=base, timeout=30, trust_env=False) as client:
        login = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

        organisation = (
            (await client.get("/api/v1/organisation", headers=headers)).raise_for_status().json()
        )
        was_allowed = organisation["webhooks_allow_private_targets"]
        endpoint_id: str | None = None
        moved: list[tuple[str, str]] = []  # (deal id, the stage it came from)
        try:
            if not was_allowed:
                await _allow_private(client, headers, True)
            created = await client.post(
                "/api/v1/webhooks",
                json={"url": receiver_url, "events": [EVENT], "description": "bench"},
                headers=headers,
            )
            created.raise_for_status()
            endpoint_id = created.json()["id"]
            arrivals.secret = created.json()["secret"]

            deals, first, second, funnel = await pick_deals(client, headers, count)
            if not deals:
                raise SystemExit("no open deals in the two stages")
            pace = f"{rate:g} per second" if rate else "one after another"
            print(f"moving {len(deals)} deals of {funnel!r} between two stages, {pace}")

            latencies: list[float] = []
            answered: dict[tuple[str, str], float] = {}
            refused = 0
            started = time.perf_counter()
            for index, (deal_id, stage_id) in enumerate(deals):
                if rate:  # paced: the n-th move starts n/rate seconds after the first
                    await asyncio.sleep(max(0.0, started + index / rate - time.perf_counter()))
                target = second if stage_id == first else first
                sent = time.perf_counter()
                response = await client.post(
                    f"/api/v1/deals/{deal_id}/move", json={"stage_id": target}, headers=headers
                )
                done = time.perf_counter()
                if response.status_code != 200:
                    refused += 1
                    continue
                latencies.append((done - sent) * 1000)
                answered[(deal_id, target)] = done
                moved.append((deal_id, stage_id))
            moves_took = time.perf_counter() - started

            deadline = time.perf_counter() + wait_seconds
            await asyncio.to_thread(arrivals.wait_for, set(answered), deadline)
            waited = time.perf_counter() - started

            with arrivals.lock:
                delays = [
                    (arrivals.at[key] - at) * 1000
                    for key, at in answered.items()
                    if key in arrivals.at
                ]
                bad, duplicates = arrivals.bad_signatures, arrivals.duplicates
            print(
                f"moves: {len(latencies)} in {moves_took:.1f} s "
                f"({len(latencies) / moves_took:.0f}/s), refused {refused}"
            )
            if latencies:
                print(
                    f"move API latency        median {statistics.median(latencies):7.1f} ms   "
                    f"p95 {_percentile(latencies, 95):7.1f} ms"
                )
            if delays:
                print(
                    f"response -> webhook     median {statistics.median(delays):7.1f} ms   "
                    f"p95 {_percentile(delays, 95):7.1f} ms   max {max(delays):7.1f} ms"
                )
            print(
                f"webhooks arrived: {len(delays)}/{len(answered)} within {waited:.1f} s of the "
                f"first move; bad signatures {bad}, repeated deliveries {duplicates}"
            )
            return 0 if len(delays) == len(answered) and refused == 0 and bad == 0 else 1
        finally:
            # Clean up whatever happened above; the endpoint goes first so that the moves
            # back are not delivered.
            if endpoint_id:
                await client.delete(f"/api/v1/webhooks/{endpoint_id}", headers=headers)
            for deal_id, stage_id in moved:
                await client.post(
                    f"/api/v1/deals/{deal_id}/move", json={"stage_id": stage_id}, headers=headers
                )
            if not was_allowed:
                await _allow_private(client, headers, False)
            receiver.shutdown()
            receiver.server_close()


async def _allow_private(client: httpx.AsyncClient, headers: dict[str, str], on: bool) -> None:
    response = await client.patch(
        "/api/v1/organisation", json={"webhooks_allow_private_targets": on}, headers=headers
    )
    response.raise_for_status()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default=os.environ.get("BASE_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--deals", type=int, default=200)
    parser.add_argument("--rate", type=float, default=0.0, help="moves per second; 0: unpaced")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds after the last move")
    parser.add_argument("--email", default="admin@example.com")
    parser.add_argument("--password", default="change-me-now")
    args = parser.parse_args()
    sys.exit(
        asyncio.run(
            main(
                args.base.rstrip("/"),
                max(1, min(args.deals, MAX_DEALS)),
                max(0.0, min(args.rate, 1000.0)),
                max(1.0, min(args.timeout, 600.0)),
                args.email,
                args.password,
            )
        )
    )
