"""The plan check of bench/scale.py (issue 9): every request the bench measures is served once
more, in-process, while every statement the app sends is recorded; each is then explained
(EXPLAIN (FORMAT JSON), with the same parameters, so the planner sees the values the request
used) and a sequential scan over one of the bulk tables is a failure.

It runs on the loaded database, so at 1,000,000 deals the plans are the ones production would
get; CI never runs it (a small test database plans sequential scans, rightly).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

# A sequential scan over one of these fails the check: they are the ones that grow with the
# organisation's history. The small ones (users, stages, funnels) are read whole, rightly, and
# so is deal_counters: an organisation's rows are bounded by responsibles x stages x statuses x
# currencies (about 2,000 at 1,000,000 deals), and with the bench's one organisation the whole
# table is that organisation's, read faster whole than through its primary key.
SCANNED_NEVER = frozenset(
    {
        "deals",
        "clients",
        "contacts",
        "contact_phones",
        "contact_emails",
        "stage_moves",
        "deal_products",
        "duplicate_candidates",
        "relationship_transitions",
        "activities",
        "tasks",
        "comments",
    }
)


# Tables under this many rows may be scanned: their whole heap is a few pages.
SMALL = 10_000


@dataclass(slots=True)
class Statement:
    case: str
    sql: str
    parameters: Any


@dataclass(slots=True)
class Recorder:
    """Collects the SELECTs the app sends while ``case`` is set."""

    case: str | None = None
    statements: list[Statement] = field(default_factory=list)

    def __call__(
        self,
        conn: Any,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        head = statement.lstrip()[:6].upper()
        if self.case is not None and head in ("SELECT", "WITH S", "WITH R", "(SELE"):
            self.statements.append(Statement(self.case, statement, parameters))


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def seq_scans(plan_json: Any) -> list[str]:
    """The bulk tables a plan reads by a sequential scan (EXPLAIN (FORMAT JSON) output)."""
    document = json.loads(plan_json) if isinstance(plan_json, str) else plan_json
    found = []
    for root in document:
        for node in _nodes(root["Plan"]):
            if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in SCANNED_NEVER:
                found.append(str(node["Relation Name"]))
    return found


@dataclass(slots=True)
class Finding:
    case: str
    tables: list[str]
    sql: str


async def explain_all(engine: AsyncEngine, statements: Sequence[Statement]) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    async with engine.connect() as conn:
        await conn.execute(sa.text("SET statement_timeout = '60s'"))
        # A bulk table the bench leaves small (comments, say) is read whole, rightly.
        sizes = dict(
            (
                await conn.execute(
                    sa.text(
                        "SELECT relname, reltuples FROM pg_class "
                        "WHERE relkind = 'r' AND relname = ANY(:names)"
                    ),
                    {"names": sorted(SCANNED_NEVER)},
                )
            ).all()
        )
        for statement in statements:
            key = (statement.case, statement.sql)
            if key in seen:
                continue
            seen.add(key)
            result = await conn.exec_driver_sql(
                "EXPLAIN (FORMAT JSON) " + statement.sql, statement.parameters
            )
            tables = [t for t in seq_scans(result.scalar_one()) if sizes.get(t, 0) >= SMALL]
            if tables:
                findings.append(Finding(statement.case, sorted(set(tables)), statement.sql))
    return findings


async def record(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    recorder: Recorder,
    name: str,
    url: str,
) -> int:
    """Serves ``url`` once with the recorder on; the response's status."""
    recorder.case = name
    try:
        response = await http.get(url, headers=headers)
    finally:
        recorder.case = None
    return response.status_code
