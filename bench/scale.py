"""Scale bench: a decade of a sales team's history — 1,000,000 deals, 200,000 clients with
contacts, phones and e-mails, about 6,000,000 stage moves — loaded into a fresh database, then
the list, board, search, card and duplicate requests measured against their targets:

    make bench-scale                                   # 1,000,000 deals
    .venv/bin/python bench/scale.py --deals 100000     # a first try
    .venv/bin/python bench/scale.py --keep             # load once, measure again later
    .venv/bin/python bench/scale.py --only-measure     # on the database --keep left

The database is `crm_bench_scale` (BENCH_DATABASE), created afresh on the server
BENCH_DATABASE_URL names (postgresql://user:pass@host:5432/postgres), or on an embedded
PostgreSQL under var/bench/pg (BENCH_DIR moves var/bench). Redis is REDIS_URL, or an embedded
one under var/bench/redis. The organisation is the demo's
(`crm seed-demo` code: 12 users, 3 departments, both funnels), plus custom fields, plus the bulk
written with COPY while the bulk tables' keys, indexes and foreign keys are dropped (re-created
afterwards, which also checks every reference) and the triggers keeping the rollups are off
(ROLLUPS: each rebuilt once afterwards), then ANALYZE and the duplicate rescan.

The measurements run against `crm web` started on a free port, as the administrator and as a
seller: 2 warm-up requests, then --repeat requests per line (each line also stops after
--line-seconds), p50 and p99 against the p50 target. Then every request is served once more
in-process and each statement it sent is explained: a sequential scan over a bulk table fails
the run (bench/plans.py). The exit status is 1 when a target or the plan check fails.
Everything it started is stopped at the end, and the data removed unless --keep, --only-load
or --only-measure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import sqlalchemy as sa
from asyncpg.pgproto.pgproto import UUID as PgUUID  # noqa: N811
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from adapters import seed_data as words  # noqa: E402
from adapters.bootstrap import Container, build  # noqa: E402
from adapters.seed import (  # noqa: E402
    DEMO_ADMIN_EMAIL,
    DEMO_ADMIN_PASSWORD,
    DEMO_STAFF_PASSWORD,
    seed_demo,
)
from adapters.settings import load_settings  # noqa: E402
from bench.plans import Finding, Recorder, explain_all, record  # noqa: E402
from domain.clients.model import contact_name_key, derive_relationship, name_key  # noqa: E402

# Both can be moved, so two benches can run on one machine side by side.
DATABASE = os.environ.get("BENCH_DATABASE", "crm_bench_scale")
BENCH_DIR = Path(os.environ.get("BENCH_DIR", ROOT / "var" / "bench")).resolve()
if not DATABASE.isidentifier():
    raise SystemExit(f"BENCH_DATABASE must be a plain identifier, not {DATABASE!r}")
SELLER_EMAIL = "a.sidorov@example.com"
SEED = 20261209
CHUNK = 25_000  # deals generated and copied at a time
YEARS = 10
_WRITES = ("insert", "update", "delete")


@dataclass(frozen=True, slots=True)
class Rollup:
    """Figures the database keeps exact with triggers on the bulk tables. The COPY load turns
    these triggers off (they would run once per batch, reading what each batch touched) and
    turns them back on afterwards, then ``rebuild(org)`` recomputes the rollup once, set-based,
    per organisation: the same state the triggers would have reached, in a fraction of the
    time."""

    name: str
    triggers: tuple[tuple[str, str], ...]  # (table, trigger)
    rebuild: str  # a function(org uuid) returning a bigint, ``counts`` says what of
    counts: str
    tables: tuple[str, ...] = ()  # its own tables, counted and analyzed after the rebuild


ROLLUPS = (
    Rollup(  # migration 0011
        "deal counters",
        tuple(("deals", f"deal_counters_{op}") for op in _WRITES),
        "deal_counters_rebuild",
        "counter rows",
        ("deal_counters",),
    ),
    Rollup(  # migration 0020: clients' last activity and next task (columns of clients)
        "client work",
        tuple(
            (table, f"clients_work_{kind}_{op}")
            for table, kind in (("activities", "activity"), ("tasks", "task"))
            for op in _WRITES
        ),
        "clients_work_rebuild",
        "clients with a last activity or a next task",
    ),
    Rollup(  # migration 0032
        "work time",
        tuple(
            (table, f"work_time_{table}_{op}")
            for table in ("activities", "tasks", "stage_moves")
            for op in _WRITES
        ),
        "work_time_rebuild",
        "employee-hours",
        ("work_time_hours",),
    ),
    Rollup(  # migration 0033
        "sales structure",
        (
            *(("deals", f"sales_deals_{op}") for op in _WRITES),
            ("deals", "sales_deal_forget"),
            *(("deal_products", f"sales_lines_{op}") for op in _WRITES),
        ),
        "sales_rebuild",
        "day rows of won deals",
        ("sales_deals", "sales_days", "sales_product_days"),
    ),
    Rollup(  # migration 0034
        "funnel cohorts",
        (
            *(("deals", f"funnel_rollup_{op}") for op in _WRITES),
            *(("stage_moves", f"funnel_rollup_moves_{op}") for op in _WRITES),
        ),
        "funnel_rollup_rebuild",
        "deals in cohorts",
        ("funnel_cohort_deals", "funnel_cohort_stages", "funnel_cohort_bins"),
    ),
)
BULK_TABLES = (
    "clients",
    "contacts",
    "contact_phones",
    "contact_emails",
    "relationship_transitions",
    "deals",
    "deal_products",
    "stage_moves",
    "activities",
    "tasks",
)
# Share of the bulk owned by each demo user (the skew: one strong seller, a long tail).
OWNER_WEIGHTS = {
    "a.sidorov@example.com": 26,
    "o.kovalenko@example.com": 17,
    "d.morozov@example.com": 12,
    "i.petrova@example.com": 6,
    "m.ivanova@example.com": 5,
    "t.tkachenko@example.com": 9,
    "n.novikov@example.com": 13,
    "e.sokolova@example.com": 12,
}
REGIONS = (
    "Москва",
    "Санкт-Петербург",
    "Екатеринбург",
    "Новосибирск",
    "Казань",
    "Київ",
    "Харків",
    "Львів",
    "Одеса",
    "Дніпро",
)


# --- names ------------------------------------------------------------------------------------

SYLLABLES = tuple(c + v for c in "бвгдзклмнпрстфх" for v in "аеиоу")
UA_SYLLABLES = tuple(c + v for c in "бвгдзклмнпрстх" for v in "аеиоуї")
RU_FIRST_M = (*words.FIRST_NAMES_M[:13], "Владимир", "Виктор", "Роман", "Григорий", "Степан")
RU_FIRST_F = (*words.FIRST_NAMES_F[:9], "Галина", "Вера", "Людмила", "Полина", "Алёна")
RU_PATRONYMIC = ("Александров", "Сергеев", "Иванов", "Петров", "Николаев", "Викторов", "Юрьев")
UA_FIRST_M = ("Олександр", "Андрій", "Богдан", "Тарас", "Василь", "Микола", "Петро", "Дмитро")
UA_FIRST_F = ("Оксана", "Олена", "Ганна", "Ірина", "Наталія", "Юлія", "Софія", "Людмила")
UA_LAST = ("Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Мельник", "Олійник")
UA_LAST_SUFFIX = ("енко", "ук", "чук", "ський", "ич")
RU_LAST_SUFFIX = ("ов", "ев", "ин", "ский", "енко")
TRANSLIT = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфхцыэ", "abvgdeziyklmnoprstufhcye", strict=True)),
        **{"ё": "e", "ж": "zh", "ч": "ch", "ш": "sh", "щ": "sch", "ю": "yu", "я": "ya"},
        **{"і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ь": "", "ъ": "", "'": ""},
    }
)
PRODUCTS_UA = (
    ("Постачання обладнання", 60_000),
    ("Монтажні роботи", 30_000),
    ("Сервісний контракт на рік", 90_000),
    ("Ліцензії ПЗ", 18_000),
    ("Проєктування", 50_000),
)
DOMAINS = ("mail.ru", "yandex.ru", "gmail.com", "bk.ru")
UA_DOMAINS = ("ukr.net", "gmail.com", "i.ua")


def _root(rng: random.Random, ukrainian: bool) -> str:
    pool = UA_SYLLABLES if ukrainian else SYLLABLES
    return "".join(rng.choice(pool) for _ in range(rng.randint(2, 3))).capitalize()


def _person(rng: random.Random, ukrainian: bool) -> tuple[str, str, str]:
    """(full name, first name, last name)."""
    female = rng.random() < 0.45
    if ukrainian:
        first = rng.choice(UA_FIRST_F if female else UA_FIRST_M)
        if rng.random() < 0.3:
            last = rng.choice(UA_LAST)
        else:
            last = _root(rng, True) + rng.choice(UA_LAST_SUFFIX)
            if female and last.endswith("ський"):
                last = last[:-3] + "ка"
        return f"{last} {first}", first, last
    first = rng.choice(RU_FIRST_F if female else RU_FIRST_M)
    if rng.random() < 0.3:
        last = rng.choice(words.LAST_NAMES)
    else:
        last = _root(rng, False) + rng.choice(RU_LAST_SUFFIX)
    if female and last.endswith(("ов", "ев", "ин")):
        last += "а"
    elif female and last.endswith("ский"):
        last = last[:-2] + "ая"
    middle = rng.choice(RU_PATRONYMIC) + ("на" if female else "ич")
    return f"{last} {first} {middle}", first, last


def _company(rng: random.Random, ukrainian: bool) -> tuple[str, str]:
    """(name, the distinctive word)."""
    core = _root(rng, ukrainian)
    if rng.random() < 0.3:
        core = rng.choice(words.COMPANY_WORDS) + core.lower()
    suffix = rng.choice(words.COMPANY_SUFFIXES)
    word = f"{core} {suffix}".strip() if suffix and rng.random() < 0.5 else core + suffix.lower()
    form = rng.choice(("ТОВ", "ПП", "ФОП")) if ukrainian else rng.choice(("ООО", "ООО", "АО", "ИП"))
    return f"{form} «{word}»", core


def _latin(text: str) -> str:
    return "".join(ch for ch in text.lower().translate(TRANSLIT) if ch.isalnum())


# --- ids ----------------------------------------------------------------------------------------


class Ids:
    """Random version-4 UUIDs, made in bulk (uuid.uuid4 costs 3 µs each, ~10 M are needed)."""

    def __init__(self) -> None:
        self._pool: list[PgUUID] = []

    def __call__(self) -> PgUUID:
        if not self._pool:
            raw = bytearray(os.urandom(16 * 65536))
            raw[6::16] = bytes((b & 0x0F) | 0x40 for b in raw[6::16])
            raw[8::16] = bytes((b & 0x3F) | 0x80 for b in raw[8::16])
            self._pool = [PgUUID(bytes(raw[i : i + 16])) for i in range(0, len(raw), 16)]
        return self._pool.pop()


# --- the organisation ---------------------------------------------------------------------------


@dataclass(slots=True)
class Stage:
    id: Any
    position: int
    max_days: int | None


@dataclass(slots=True)
class Org:
    id: Any
    admin_id: Any
    users: dict[str, Any]  # e-mail -> id
    funnels: list[tuple[Any, list[Stage]]]  # (funnel id, stages in order)
    loss_reasons: list[Any]
    owners: list[Any] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)


async def read_org(conn: AsyncConnection) -> Org:
    org_id, admin_id = (
        await conn.execute(
            sa.text("SELECT organisation_id, id FROM users WHERE email = :e"),
            {"e": DEMO_ADMIN_EMAIL},
        )
    ).one()
    users = {
        r.email: r.id
        for r in await conn.execute(
            sa.text("SELECT email, id FROM users WHERE organisation_id = :o"), {"o": org_id}
        )
    }
    funnels: dict[Any, list[Stage]] = {}
    rows = await conn.execute(
        sa.text(
            "SELECT f.id AS funnel_id, s.id, s.position, s.max_days FROM funnels f "
            "JOIN stages s ON s.funnel_id = f.id WHERE f.organisation_id = :o "
            "ORDER BY f.is_default DESC, f.name, s.position"
        ),
        {"o": org_id},
    )
    for r in rows:
        funnels.setdefault(r.funnel_id, []).append(Stage(r.id, r.position, r.max_days))
    reasons = list(
        (
            await conn.execute(
                sa.text("SELECT id FROM loss_reasons WHERE organisation_id = :o AND is_active"),
                {"o": org_id},
            )
        ).scalars()
    )
    org = Org(org_id, admin_id, users, list(funnels.items()), reasons)
    org.owners = [users[e] for e in OWNER_WEIGHTS]
    org.weights = list(OWNER_WEIGHTS.values())
    return org


async def add_custom_fields(container: Container, org: Org) -> None:
    from domain.auth.loading import load_principal
    from domain.clients.commands import CreateCustomField
    from domain.clients.custom_fields import FieldEntity, FieldType
    from domain.clients.services.custom_fields import CustomFieldService

    async with container.uow() as uow:
        admin = await load_principal(uow, org.admin_id, org.id, clock=container.clock)
    service = CustomFieldService(container.uow(), container.clock)
    for entity, key, label, kind, options in (
        (FieldEntity.DEAL, "region", "Регион поставки", FieldType.ENUM, REGIONS),
        (FieldEntity.DEAL, "contract_no", "Номер договора", FieldType.STRING, ()),
        (FieldEntity.DEAL, "lead_score", "Оценка лида", FieldType.NUMBER, ()),
        (FieldEntity.CLIENT, "employees", "Сотрудников", FieldType.NUMBER, ()),
    ):
        command = CreateCustomField(entity=entity, key=key, label=label, type=kind, options=options)
        await service.create(admin, command)


# As migration 0026 fills it; the relationship recompute keeps it afterwards.
LAST_PURCHASE_FILL = """
    UPDATE clients c SET last_purchase_at = w.last
    FROM (
        SELECT organisation_id, client_id, max(closed_at) AS last FROM deals
        WHERE status = 'won' GROUP BY organisation_id, client_id
    ) w
    WHERE c.organisation_id = w.organisation_id AND c.id = w.client_id
"""

# What the analytics bench (bench/analytics.py) reads besides deals, derived from the loaded deals
# in SQL, each only where missing (per deal, invoice, month): an invoice per won deal (8 in 10
# paid within three weeks, in one payment), a loyalty survey per deal closed in the last 120 days
# (half answered), and each source's monthly marketing cost for the last six months.
ANALYTICS_TABLES = ("invoices", "invoice_payments", "surveys", "marketing_costs")
ANALYTICS_ROWS = (
    (
        "invoices",
        """
        INSERT INTO invoices (id, organisation_id, deal_id, client_id, number, issued_on, amount,
                              currency, status, due_on, paid_on, created_at, updated_at)
        SELECT gen_random_uuid(), d.organisation_id, d.id, d.client_id, 'B-' || d.id,
               issued, d.amount, d.currency,
               CASE WHEN paid THEN 'paid' ELSE 'issued' END, issued + 14,
               CASE WHEN paid THEN least(issued + abs(hashtext(d.id::text)) % 21, current_date) END,
               d.closed_at, d.closed_at
        FROM deals d
        CROSS JOIN LATERAL (
            SELECT (d.closed_at AT TIME ZONE 'Europe/Moscow')::date AS issued,
                   abs(hashtext(d.id::text)) % 10 < 8 AS paid
        ) x
        WHERE d.status = 'won' AND d.amount > 0 AND NOT EXISTS (
            SELECT 1 FROM invoices i
            WHERE i.organisation_id = d.organisation_id AND i.deal_id = d.id
        )
        """,
    ),
    (
        "payments",
        """
        INSERT INTO invoice_payments (id, organisation_id, invoice_id, paid_on, amount, created_at)
        SELECT gen_random_uuid(), i.organisation_id, i.id, i.paid_on, i.amount, i.paid_on
        FROM invoices i
        WHERE i.status = 'paid' AND NOT EXISTS (
            SELECT 1 FROM invoice_payments p
            WHERE p.organisation_id = i.organisation_id AND p.invoice_id = i.id
        )
        """,
    ),
    (
        "surveys",
        """
        INSERT INTO surveys (id, organisation_id, client_id, deal_id, responsible_id, score,
                             answered_at, created_at)
        SELECT gen_random_uuid(), d.organisation_id, d.client_id, d.id, d.responsible_id,
               CASE WHEN answered THEN abs(hashtext(d.id::text || 's')) % 11 END,
               CASE WHEN answered THEN d.closed_at + interval '2 days' END, d.closed_at
        FROM deals d
        CROSS JOIN LATERAL (
            SELECT abs(hashtext(d.id::text)) % 2 = 0
                   AND d.closed_at + interval '2 days' < now() AS answered
        ) x
        WHERE d.status <> 'open' AND d.closed_at >= now() - interval '120 days'
        ON CONFLICT DO NOTHING
        """,
    ),
    (
        "marketing costs",
        """
        INSERT INTO marketing_costs (id, organisation_id, month, source, amount, currency,
                                     created_at, updated_at)
        SELECT gen_random_uuid(), d.organisation_id,
               date_trunc('month', d.created_at AT TIME ZONE 'Europe/Moscow')::date,
               d.source_channel, count(*) * 500, o.currency, now(), now()
        FROM deals d JOIN organisations o ON o.id = d.organisation_id
        WHERE d.source_channel IS NOT NULL AND d.created_at >= now() - interval '6 months'
        GROUP BY d.organisation_id, 3, d.source_channel, o.currency
        ON CONFLICT DO NOTHING
        """,
    ),
)


async def add_analytics_rows(conn: Any) -> list[str]:
    """Runs ANALYTICS_ROWS on ``conn`` (committing each): a line per step."""
    lines = []
    for name, sql in ANALYTICS_ROWS:
        result = await conn.execute(sa.text(sql))
        await conn.commit()
        lines.append(f"{name}: {result.rowcount:,} rows")
    return lines


# --- bulk rows ----------------------------------------------------------------------------------

CLIENT_COLUMNS = (
    "id",
    "organisation_id",
    "kind",
    "name",
    "name_key",
    "legal_name",
    "inn",
    "edrpou",
    "sector",
    "segment_tags",
    "source_channel",
    "source_campaign",
    "utm",
    "temperature",
    "relationship_type",
    "responsible_id",
    "custom_fields",
    "created_by",
    "created_at",
    "updated_at",
)
CONTACT_COLUMNS = (
    "id",
    "organisation_id",
    "client_id",
    "full_name",
    "name_key",
    "position",
    "is_primary",
    "created_by",
    "created_at",
    "updated_at",
)
PHONE_COLUMNS = ("id", "organisation_id", "contact_id", "client_id", "e164", "raw", "position")
EMAIL_COLUMNS = ("id", "organisation_id", "contact_id", "client_id", "email")
TRANSITION_COLUMNS = (
    "id",
    "organisation_id",
    "client_id",
    "from_type",
    "to_type",
    "reason",
    "deal_id",
    "at",
)
DEAL_COLUMNS = (
    "id",
    "organisation_id",
    "client_id",
    "contact_id",
    "title",
    "amount",
    "currency",
    "expected_margin",
    "funnel_id",
    "stage_id",
    "status",
    "responsible_id",
    "source_channel",
    "source_campaign",
    "utm",
    "expected_close_date",
    "custom_fields",
    "stage_entered_at",
    "closed_at",
    "loss_reason_id",
    "loss_comment",
    "lost_tender",
    "loss_making",
    "public_conflict",
    "created_by",
    "created_at",
    "updated_at",
)
PRODUCT_COLUMNS = ("id", "organisation_id", "deal_id", "position", "name", "quantity", "price")
MOVE_COLUMNS = (
    "id",
    "organisation_id",
    "deal_id",
    "kind",
    "from_stage_id",
    "to_stage_id",
    "from_status",
    "to_status",
    "seconds_in_previous",
    "at",
    "by_user_id",
)
ACTIVITY_COLUMNS = (
    "id",
    "organisation_id",
    "client_id",
    "deal_id",
    "kind",
    "subject",
    "direction",
    "occurred_at",
    "duration_seconds",
    "author_id",
    "created_at",
)
TASK_COLUMNS = (
    "id",
    "organisation_id",
    "client_id",
    "deal_id",
    "title",
    "assignee_id",
    "due_at",
    "priority",
    "done_at",
    "done_by",
    "created_by",
    "created_at",
    "updated_at",
)
LOSS_COMMENTS = (
    "Выбрали конкурента",
    "Дорого",
    "Проект заморожен",
    "Не вийшли на ОПР",
    "Бюджет перенесено на наступний рік",
    None,
)


@dataclass(slots=True)
class ClientInfo:
    id: Any
    contact_id: Any
    responsible_id: Any
    created: datetime
    ukrainian: bool
    core: str
    won: int = 0
    open: int = 0
    first_deal_at: datetime | None = None


class Generator:
    def __init__(self, org: Org, now: datetime, seed: int) -> None:
        self.org = org
        self.now = now
        self.rng = random.Random(seed)
        self.id = Ids()
        self.start = now - timedelta(days=365 * YEARS)
        self.clients: list[ClientInfo] = []
        self.client_rows: list[list[Any]] = []
        self.deal_no = 0

    def _when(self) -> datetime:
        """Over ten years, more of it recent (the team grew)."""
        return self.now - timedelta(days=365 * YEARS * self.rng.random() ** 1.6)

    def clients_and_contacts(self, count: int) -> dict[str, list[Sequence[Any]]]:
        rng, org, new_id = self.rng, self.org, self.id
        out: dict[str, list[Sequence[Any]]] = {
            "contacts": [],
            "contact_phones": [],
            "contact_emails": [],
        }
        created_list = sorted(
            (self._when() - timedelta(days=30) for _ in range(count)), reverse=False
        )
        earlier: list[tuple[str, str | None, str | None, str | None]] = []
        for created in created_list:
            ukrainian = rng.random() < 0.2
            is_company = rng.random() < 0.8
            if is_company:
                name, core = _company(rng, ukrainian)
            else:
                name, _, core = _person(rng, ukrainian)
            inn = words.inn(rng) if is_company and not ukrainian and rng.random() < 0.9 else None
            edrpou = f"{rng.randint(10_000_000, 99_999_999)}" if is_company and ukrainian else None
            dup_phone = dup_email = None
            if earlier and rng.random() < 0.015:  # the same client entered twice
                o_name, o_inn, o_phone, o_email = rng.choice(earlier)
                match rng.randrange(4):
                    case 0:
                        dup_phone = o_phone
                    case 1:
                        dup_email = o_email
                    case 2:
                        inn = o_inn or inn
                    case _:
                        name = o_name
            client_id = new_id()
            responsible = rng.choices(org.owners, org.weights)[0]
            channel = rng.choice(words.SOURCES)[0]
            updated = created + (self.now - created) * rng.random() * 0.3
            row = [
                client_id,
                org.id,
                "company" if is_company else "person",
                name,
                name_key(name),
                name if is_company else None,
                inn,
                edrpou,
                rng.choice(words.SECTORS),
                rng.sample(words.SEGMENTS, k=rng.choice((0, 0, 1, 1, 2))),
                channel,
                rng.choice(words.CAMPAIGNS),
                '{"utm_source": "yandex", "utm_medium": "cpc"}'
                if channel == "yandex_direct"
                else "{}",
                rng.choices(("cold", "warm", "hot"), weights=(5, 3, 2))[0],
                "cold",  # derived from the deals once they exist
                responsible,
                json.dumps({"employees": rng.choice((5, 12, 40, 150, 800, 3000))})
                if is_company and rng.random() < 0.4
                else "{}",
                responsible,
                created,
                updated,
            ]
            self.client_rows.append(row)
            primary = None
            first_phone = first_email = None
            n_contacts = 1 if not is_company else rng.choices((1, 2, 3), weights=(6, 3, 1))[0]
            for index in range(n_contacts):
                contact_id = new_id()
                primary = primary or contact_id
                if is_company:
                    full, first, last = _person(rng, ukrainian)
                else:
                    full, first, last = name, name.split()[1], name.split()[0]
                out["contacts"].append(
                    (
                        contact_id,
                        org.id,
                        client_id,
                        full,
                        contact_name_key(full),
                        rng.choice(words.POSITIONS) if is_company else None,
                        index == 0,
                        responsible,
                        created,
                        created,
                    )
                )
                for position in range(1 if rng.random() < 0.8 else 2):
                    phone = dup_phone if dup_phone and index == 0 and position == 0 else None
                    phone = phone or (words.ua_mobile(rng) if ukrainian else words.ru_mobile(rng))
                    first_phone = first_phone or phone
                    out["contact_phones"].append(
                        (new_id(), org.id, contact_id, client_id, phone, phone, position)
                    )
                if rng.random() < 0.8 or (dup_email and index == 0):
                    if dup_email and index == 0:
                        email = dup_email
                    elif is_company:
                        zone = "ua" if ukrainian else "ru"
                        email = f"{_latin(first)[:1]}.{_latin(last)}@{_latin(core)}.{zone}"
                    else:
                        domains = UA_DOMAINS if ukrainian else DOMAINS
                        number = rng.randint(1, 9999)
                        email = f"{_latin(last)}.{_latin(first)}{number}@{rng.choice(domains)}"
                    first_email = first_email or email
                    out["contact_emails"].append((new_id(), org.id, contact_id, client_id, email))
            earlier.append((name, inn or edrpou, first_phone, first_email))
            self.clients.append(
                ClientInfo(client_id, primary, responsible, created, ukrainian, core)
            )
        return out

    def finish_clients(self) -> dict[str, list[Sequence[Any]]]:
        """Relationship types derived from the deals, with the transition into them."""
        transitions: list[Sequence[Any]] = []
        for info, row in zip(self.clients, self.client_rows, strict=True):
            kind = derive_relationship(won_deals=info.won, open_deals=info.open, inbound_requests=0)
            row[14] = kind.value
            if kind.value != "cold":
                at = info.first_deal_at or info.created
                transitions.append(
                    (self.id(), self.org.id, info.id, "cold", kind.value, "bench_data", None, at)
                )
        return {"clients": self.client_rows, "relationship_transitions": transitions}

    def deals(self, count: int) -> dict[str, list[Sequence[Any]]]:
        out: dict[str, list[Sequence[Any]]] = {
            "deals": [],
            "deal_products": [],
            "stage_moves": [],
            "activities": [],
            "tasks": [],
        }
        n_clients = len(self.clients)
        for _ in range(count):
            # Older clients (lower index) have more deals: a long tail of one-deal clients.
            info = self.clients[min(n_clients - 1, int(n_clients * self.rng.random() ** 1.8))]
            self._deal(out, info)
        return out

    def _deal(self, out: dict[str, list[Sequence[Any]]], info: ClientInfo) -> None:
        rng, org, new_id, now = self.rng, self.org, self.id, self.now
        self.deal_no += 1
        funnel_id, stages = org.funnels[0] if rng.random() < 0.8 else org.funnels[1]
        last = len(stages) - 1
        responsible = (
            info.responsible_id if rng.random() < 0.8 else rng.choices(org.owners, org.weights)[0]
        )
        created = info.created + (now - info.created) * (1 - rng.random() ** 0.7)
        age_days = (now - created).days
        p_open = 0.85 if age_days < 30 else 0.5 if age_days < 120 else 0.12 if age_days < 365 else 0
        if rng.random() < p_open or rng.random() < 0.03:  # 3% never closed: the "hope" deals
            outcome = "open"
        else:
            outcome = "won" if rng.random() < 0.42 else "lost"
        # The path: forward with skips, a step back now and then; won deals end in the last
        # stage, lost and open ones somewhere before it.
        target = last if outcome == "won" else min(last - 1, int(rng.random() ** 1.7 * last))
        path = [0]
        while path[-1] < target:
            if path[-1] > 0 and rng.random() < 0.12:
                path.append(path[-1] - 1)
            path.append(min(target, path[-1] + (2 if rng.random() < 0.15 else 1)))
        steps: list[tuple[str, int, str, float]] = [("created", 0, "open", 0.0)]
        for index in path[1:]:
            stay = stages[steps[-1][1]].max_days or 30
            steps.append(("moved", index, "open", rng.uniform(0.1, 1.3) * stay))
        if outcome != "open" or rng.random() < 0.04:
            closing = outcome if outcome != "open" else "lost"
            stay = stages[target].max_days or 30
            steps.append((closing, target, closing, rng.uniform(0.2, 1.5) * stay))
            if outcome == "open":  # lost, then taken up again
                steps.append(("reopened", target, "open", rng.uniform(10, 200)))
        # Anchor the times: open deals end now (stale ones long in their stage).
        if outcome == "open":
            limit = stages[target].max_days or 30
            stale = rng.random() < 0.3
            final = limit * (rng.uniform(1.05, 4) if stale else rng.uniform(0.02, 0.95))
            if stale and rng.random() < 0.2:
                final = rng.uniform(60, 1500)
            total = sum(s[3] for s in steps) + final
            created = min(created, now - timedelta(days=total))
            if created < self.start:
                created = self.start
            scale = 1.0
            span = (now - created).total_seconds() / 86400 - final
            if sum(s[3] for s in steps) > span > 0:
                scale = span / sum(s[3] for s in steps)
        else:
            total = sum(s[3] for s in steps)
            room = (now - created).total_seconds() / 86400 - 0.01
            if room < total / 4:  # too recent for its history: it started earlier
                created = now - timedelta(days=total * 1.01)
                room = total
            scale = min(1.0, room / total)
        deal_id = new_id()
        at = created
        entered = created
        stage = 0
        status = "open"
        closed_at = None
        for kind, index, to_status, days in steps:
            at = at + timedelta(days=days * scale)
            seconds = (
                None if kind in ("created", "reopened") else int((at - entered).total_seconds())
            )
            out["stage_moves"].append(
                (
                    new_id(),
                    org.id,
                    deal_id,
                    kind,
                    None if kind == "created" else stages[stage].id,
                    stages[index].id,
                    None if kind == "created" else status,
                    to_status,
                    seconds,
                    at,
                    responsible,
                )
            )
            if kind in ("created", "moved", "reopened"):
                entered = at
            stage, status = index, to_status
            closed_at = at if status != "open" else None
        # Amount and products, in the client's currency.
        if info.ukrainian:
            currency, products = "UAH", PRODUCTS_UA
        else:
            currency, products = (
                ("USD", words.PRODUCTS) if rng.random() < 0.1 else ("RUB", words.PRODUCTS)
            )
        amount = Decimal(0)
        lines = rng.choice((1, 1, 2, 3))
        product_name = ""
        for position in range(lines):
            product_name, base = rng.choice(products)
            price = base * rng.uniform(0.5, 3) / (90 if currency == "USD" else 1)
            price_d = Decimal(int(price // 10 * 10) or 10)
            quantity = Decimal(rng.randint(1, 5))
            amount += price_d * quantity
            out["deal_products"].append(
                (new_id(), org.id, deal_id, position, product_name, quantity, price_d)
            )
        if stage < 3 and rng.random() < 0.05:  # no amount yet in the early stages
            amount = Decimal(0)
        loss: tuple[Any, ...] = (None, None, False, False, False)
        if status == "lost":
            loss = (
                rng.choice(org.loss_reasons),
                rng.choice(LOSS_COMMENTS),
                rng.random() < 0.1,
                rng.random() < 0.05,
                rng.random() < 0.02,
            )
        custom: dict[str, Any] = {}
        if rng.random() < 0.6:
            custom["region"] = REGIONS[rng.randrange(5, 10) if info.ukrainian else rng.randrange(5)]
        if status == "won":
            custom["contract_no"] = f"Д-{at.year}/{self.deal_no:07d}"
        if rng.random() < 0.4:
            custom["lead_score"] = rng.randint(0, 100)
        channel = rng.choice(words.SOURCES)[0]
        title = f"{product_name} — {info.core}" + (
            f" №{rng.randint(1, 999)}" if rng.random() < 0.5 else ""
        )
        out["deals"].append(
            (
                deal_id,
                org.id,
                info.id,
                info.contact_id,
                title,
                amount,
                currency,
                (amount * Decimal(rng.uniform(0.1, 0.35))).quantize(Decimal("0.01"))
                if rng.random() < 0.7
                else None,
                funnel_id,
                stages[stage].id,
                status,
                responsible,
                channel,
                rng.choice(words.CAMPAIGNS),
                '{"utm_source": "yandex", "utm_medium": "cpc"}'
                if channel == "yandex_direct"
                else "{}",
                (entered + timedelta(days=rng.randint(5, 60))).date(),
                json.dumps(custom, ensure_ascii=False),
                entered,
                closed_at,
                *loss,
                responsible,
                created,
                at,
            )
        )
        if status == "won":
            info.won += 1
        elif status == "open":
            info.open += 1
        if info.first_deal_at is None or created < info.first_deal_at:
            info.first_deal_at = created
        end = closed_at or now
        for _ in range(rng.choice((0, 1, 1, 2))):
            kind = rng.choices(("call", "meeting", "email", "note"), weights=(5, 2, 3, 2))[0]
            occurred = created + (end - created) * rng.random()
            out["activities"].append(
                (
                    new_id(),
                    org.id,
                    info.id,
                    deal_id,
                    kind,
                    rng.choice(words.ACTIVITY_SUBJECTS[kind]),
                    rng.choice(("inbound", "outbound")) if kind in ("call", "email") else None,
                    occurred,
                    rng.randint(60, 1800) if kind in ("call", "meeting") else None,
                    responsible,
                    occurred,
                )
            )
        if status == "open" or rng.random() < 0.15:
            due = (now + timedelta(days=rng.uniform(-10, 14))) if status == "open" else end
            done = status != "open" or (due < now and rng.random() < 0.6)
            made = min(created, due)
            out["tasks"].append(
                (
                    new_id(),
                    org.id,
                    info.id,
                    deal_id,
                    rng.choice(words.TASK_TITLES),
                    responsible,
                    due,
                    rng.choices(("low", "normal", "high"), weights=(2, 6, 2))[0],
                    min(due, now) if done else None,
                    responsible if done else None,
                    responsible,
                    made,
                    made,
                )
            )


COLUMNS = {
    "clients": CLIENT_COLUMNS,
    "contacts": CONTACT_COLUMNS,
    "contact_phones": PHONE_COLUMNS,
    "contact_emails": EMAIL_COLUMNS,
    "relationship_transitions": TRANSITION_COLUMNS,
    "deals": DEAL_COLUMNS,
    "deal_products": PRODUCT_COLUMNS,
    "stage_moves": MOVE_COLUMNS,
    "activities": ACTIVITY_COLUMNS,
    "tasks": TASK_COLUMNS,
}


# --- servers and database -----------------------------------------------------------------------


@dataclass(slots=True)
class Servers:
    database_url: str  # postgresql+asyncpg URL of DATABASE
    admin_url: str  # of the server's maintenance database
    redis_url: str
    embedded_pg: Any = None
    embedded_redis: Any = None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_servers(stack: contextlib.ExitStack) -> Servers:
    bench_url = os.environ.get("BENCH_DATABASE_URL")
    embedded_pg = embedded_redis = None
    if bench_url:
        url = make_url(bench_url).set(drivername="postgresql+asyncpg")
        admin_url = url.render_as_string(hide_password=False)
        database_url = url.set(database=DATABASE).render_as_string(hide_password=False)
    else:
        from adapters.embedded.postgres import EmbeddedPostgres

        embedded_pg = EmbeddedPostgres(BENCH_DIR / "pg")
        stack.callback(embedded_pg.stop)
        admin_url = embedded_pg.start()
        database_url = embedded_pg.url(DATABASE)
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        from adapters.embedded.redis import EmbeddedRedis

        embedded_redis = EmbeddedRedis(BENCH_DIR / "redis")
        stack.callback(embedded_redis.stop)
        redis_url = embedded_redis.start()
    return Servers(database_url, admin_url, redis_url, embedded_pg, embedded_redis)


async def _admin(servers: Servers, *statements: str) -> list[Any]:
    engine = create_async_engine(servers.admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            results = []
            for statement in statements:
                result = await conn.execute(sa.text(statement))
                results.append(result.all() if result.returns_rows else [])
            return results
    finally:
        await engine.dispose()


async def loaded_deals(servers: Servers) -> int | None:
    """The deal count a finished load left in the database comment, None if there is none."""
    (rows,) = await _admin(
        servers,
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database "  # noqa: S608 - a constant
        f"WHERE datname = '{DATABASE}'",
    )
    if not rows or not rows[0][0] or not rows[0][0].startswith("bench-scale deals="):
        return None
    return int(rows[0][0].split("=")[1])


def _env(servers: Servers) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": servers.database_url,
        "REDIS_URL": servers.redis_url,
        "VAR_DIR": str(BENCH_DIR),
        "LOG_LEVEL": "WARNING",
        "ACCESS_TOKEN_TTL_SECONDS": "3600",
        "PYTHONPATH": str(ROOT),
    }


def load_average() -> str:
    """The 1, 5 and 15 minute load averages and the cores: a bench's figures mean little
    without how busy the machine was."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


class Phases:
    def __init__(self) -> None:
        self.lines: list[tuple[str, float]] = []

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        print(f"  {name} ...", flush=True)
        yield
        elapsed = time.perf_counter() - started
        self.lines.append((name, elapsed))
        print(f"  {name}: {elapsed:.1f} s", flush=True)


async def _raw(conn: AsyncConnection) -> Any:
    return (await conn.get_raw_connection()).driver_connection


async def _copy(conn: AsyncConnection, rows: dict[str, list[Sequence[Any]]]) -> dict[str, int]:
    raw = await _raw(conn)
    counts = {}
    for table, records in rows.items():
        if records:
            await raw.copy_records_to_table(table, records=records, columns=COLUMNS[table])
        counts[table] = len(records)
    return counts


async def _definitions(conn: AsyncConnection) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """Keys, unique and foreign-key constraints touching the bulk tables (table, name, type,
    definition) and the CREATE INDEX statements of their other indexes."""
    tables = "ARRAY[" + ", ".join(f"'{t}'::regclass" for t in BULK_TABLES) + "]"
    constraints = [
        tuple(r)
        for r in await conn.execute(
            sa.text(
                "SELECT conrelid::regclass::text, conname, contype::text, "  # noqa: S608
                "pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype IN ('p', 'u', 'f', 'x') "
                f"AND (conrelid = ANY({tables}) OR confrelid = ANY({tables})) "
                "ORDER BY contype <> 'p', conname"
            )
        )
    ]
    indexes = list(
        (
            await conn.execute(
                sa.text(
                    "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "  # noqa: S608
                    f"WHERE i.indrelid = ANY({tables}) AND NOT EXISTS ("
                    "SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid "
                    "AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')) "
                    "ORDER BY i.indexrelid::regclass::text"
                )
            )
        ).scalars()
    )
    return constraints, indexes  # type: ignore[return-value]


# Each counts the deals breaking one rule of the domain; all must be 0.
INVARIANTS = {
    "stage of another funnel": (
        "SELECT count(*) FROM deals d "
        "JOIN stages s ON s.organisation_id = d.organisation_id AND s.id = d.stage_id "
        "WHERE s.funnel_id <> d.funnel_id"
    ),
    "status without closed_at (or open with it)": (
        "SELECT count(*) FROM deals WHERE status NOT IN ('open', 'won', 'lost') "
        "OR (status = 'open') <> (closed_at IS NULL)"
    ),
    "lost without a reason": (
        "SELECT count(*) FROM deals WHERE (status = 'lost') <> (loss_reason_id IS NOT NULL)"
    ),
    "history not ending in the current stay": (
        "SELECT count(*) FROM deals d JOIN ("
        " SELECT DISTINCT ON (organisation_id, deal_id)"
        " organisation_id, deal_id, to_stage_id, at, to_status FROM stage_moves"
        " ORDER BY organisation_id, deal_id, at DESC, kind IN ('won', 'lost') DESC) m"
        " ON m.organisation_id = d.organisation_id AND m.deal_id = d.id "
        "WHERE m.to_stage_id <> d.stage_id OR m.to_status <> d.status "
        "OR (d.status = 'open' AND m.at <> d.stage_entered_at) "
        "OR (d.status <> 'open' AND m.at <> d.closed_at)"
    ),
    "no history": (
        "SELECT count(*) FROM deals d WHERE NOT EXISTS "
        "(SELECT FROM stage_moves m WHERE m.organisation_id = d.organisation_id"
        " AND m.deal_id = d.id)"
    ),
}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def _rebuild(conn: AsyncConnection, rollup: Rollup) -> str:
    """Turns ``rollup``'s triggers back on and rebuilds it for every organisation, in one
    transaction; what it holds then, as a line."""
    for table, trigger in rollup.triggers:
        await conn.execute(sa.text(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}"))
    # Only this module's constants are interpolated.
    rebuild = f"SELECT sum({rollup.rebuild}(id)) FROM organisations"  # noqa: S608
    rebuilt = int(await conn.scalar(sa.text(rebuild)) or 0)  # a numeric sum, NULL for none
    sizes = []
    for table in rollup.tables:
        rows = await conn.scalar(sa.text(f"SELECT count(*) FROM {table}"))  # noqa: S608
        sizes.append(f"{table} {rows:,}")
    await conn.commit()
    return f"{rebuilt:,} {rollup.counts}" + (f" ({', '.join(sizes)} rows)" if sizes else "")


async def load(args: argparse.Namespace, servers: Servers, phases: Phases) -> None:
    with phases("fresh database and migrations"):
        await _admin(
            servers,
            f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)",
            f"CREATE DATABASE {DATABASE}",
        )
        if servers.embedded_pg is not None:
            # A bulk load writes gigabytes of WAL; fewer checkpoints while it does.
            await _admin(
                servers, "ALTER SYSTEM SET max_wal_size = '8GB'", "SELECT pg_reload_conf()"
            )
        await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "api.cli", "migrate"],
            env=_env(servers),
            check=True,
            cwd=ROOT,
        )
    os.environ.update(
        {k: v for k, v in _env(servers).items() if k in ("DATABASE_URL", "REDIS_URL", "VAR_DIR")}
    )
    container = await build(load_settings(), workload="jobs")
    try:
        with phases("demo organisation (seed-demo) and custom fields"):
            await seed_demo(container)
            async with container.engine.connect() as conn:
                org = await read_org(conn)
            await add_custom_fields(container, org)
        async with container.engine.connect() as conn:
            await conn.execute(sa.text("SET statement_timeout = 0"))
            await conn.execute(sa.text("SET synchronous_commit = off"))
            await conn.execute(sa.text("SET maintenance_work_mem = '512MB'"))
            await conn.execute(sa.text("SET max_parallel_maintenance_workers = 2"))
            await conn.commit()
            existing_deals, existing_clients = (
                await conn.execute(
                    sa.text("SELECT (SELECT count(*) FROM deals), (SELECT count(*) FROM clients)")
                )
            ).one()
            n_deals = max(0, args.deals - existing_deals)
            n_clients = max(1, args.clients - existing_clients)
            with phases("drop keys, indexes and foreign keys of the bulk tables"):
                constraints, indexes = await _definitions(conn)
                for table, name, kind, _ in sorted(constraints, key=lambda c: c[2] != "f"):
                    await conn.execute(sa.text(f"ALTER TABLE {table} DROP CONSTRAINT {_q(name)}"))
                    del kind
                for statement in indexes:
                    name = statement.split(" INDEX ", 1)[1].split(" ON ", 1)[0]
                    await conn.execute(sa.text(f"DROP INDEX {name}"))
                for rollup in ROLLUPS:
                    for table, trigger in rollup.triggers:
                        await conn.execute(
                            sa.text(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
                        )
                await conn.commit()
            gen = Generator(org, datetime.now(UTC), args.seed)
            counts: dict[str, int] = dict.fromkeys(BULK_TABLES, 0)

            def add(more: dict[str, int]) -> None:
                for k, v in more.items():
                    counts[k] += v

            with phases(f"clients: generate {n_clients:,} with contacts, phones, e-mails + COPY"):
                add(await _copy(conn, gen.clients_and_contacts(n_clients)))
                await conn.commit()
            with phases(
                f"deals: generate {n_deals:,} with stage moves, products, activities, tasks + COPY"
            ):
                # The next chunk is generated in a thread while the server takes this one.
                done = 0
                pending = asyncio.create_task(asyncio.to_thread(gen.deals, min(CHUNK, n_deals)))
                while done < n_deals:
                    rows = await pending
                    size = len(rows["deals"])
                    done += size
                    if done < n_deals:
                        pending = asyncio.create_task(
                            asyncio.to_thread(gen.deals, min(CHUNK, n_deals - done))
                        )
                    add(await _copy(conn, rows))
                    await conn.commit()
                    if done % (CHUNK * 8) == 0 or done == n_deals:
                        print(
                            f"    {done:,} deals, {counts['stage_moves']:,} stage moves",
                            flush=True,
                        )
                add(await _copy(conn, gen.finish_clients()))
                await conn.commit()
            print("  rows copied: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
            with phases(
                f"re-create {len(constraints)} keys/foreign keys and {len(indexes)} indexes"
            ):
                for table, name, kind, definition in constraints:
                    if kind != "f":
                        await conn.execute(
                            sa.text(f"ALTER TABLE {table} ADD CONSTRAINT {_q(name)} {definition}")
                        )
                await conn.commit()
                for statement in indexes:
                    await conn.execute(sa.text(statement))
                    await conn.commit()
                for table, name, kind, definition in constraints:
                    if kind == "f":
                        await conn.execute(
                            sa.text(f"ALTER TABLE {table} ADD CONSTRAINT {_q(name)} {definition}")
                        )
                await conn.commit()
            for rollup in ROLLUPS:
                with phases(f"{rollup.name}: triggers back on, {rollup.rebuild}"):
                    print(f"    {await _rebuild(conn, rollup)}")
            with phases("clients' last purchase (sleeping clients) from the won deals"):
                result = await conn.execute(sa.text(LAST_PURCHASE_FILL))
                await conn.commit()
                print(f"    {result.rowcount:,} clients with a purchase")
            with phases("invoices and payments, surveys, marketing costs (analytics)"):
                for line in await add_analytics_rows(conn):
                    print(f"    {line}")
            with phases("VACUUM ANALYZE"):
                raw = await _raw(conn)
                await raw.execute(
                    "VACUUM (ANALYZE) "
                    + ", ".join(
                        (
                            *BULK_TABLES,
                            *(t for rollup in ROLLUPS for t in rollup.tables),
                            *ANALYTICS_TABLES,
                        )
                    )
                )
        with phases("check the deals' invariants"):
            async with container.engine.connect() as conn:
                await conn.execute(sa.text("SET statement_timeout = 0"))
                broken = {
                    name: (await conn.execute(sa.text(sql))).scalar_one()
                    for name, sql in INVARIANTS.items()
                }
            print("    deals breaking " + ", ".join(f"{k}: {v}" for k, v in broken.items()))
            if any(broken.values()):
                print("    WARNING: the loaded deals break the domain's invariants (see above)")
                async with container.engine.connect() as conn:
                    sql = INVARIANTS["history not ending in the current stay"]
                    sql = sql.replace(
                        "SELECT count(*)",
                        "SELECT d.id, d.status, d.created_at, "
                        "d.stage_entered_at, d.closed_at, m.at, d.created_by",
                        1,
                    )
                    for row in await conn.execute(sa.text(sql + " LIMIT 3")):
                        print(f"    e.g. {tuple(row)}")
        with phases("duplicate rescan"):
            from domain.clients.services.clients import ClientService

            service = ClientService(container.uow(), container.clock)
            if hasattr(service, "rescan_duplicates"):
                try:
                    pairs = await asyncio.wait_for(
                        service.rescan_duplicates(org.id), args.rescan_seconds
                    )
                    print(f"    {pairs}")
                except Exception as exc:  # a slow or failing rescan must not lose the load
                    print(
                        f"    WARNING: the rescan did not finish ({type(exc).__name__}: {exc}); "
                        "GET /clients/duplicates will list the demo's pairs only"
                    )
            else:
                print("    (no rescan in this version of the app)")
        await _admin(servers, f"COMMENT ON DATABASE {DATABASE} IS 'bench-scale deals={args.deals}'")
    finally:
        await container.aclose()


# --- measuring ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Case:
    name: str
    target_ms: float | None
    urls: Callable[[int], Awaitable[str | None]]  # the i-th request's URL; None: not available
    note: str = ""


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


async def _measure_case(
    http: httpx.AsyncClient, headers: dict[str, str], case: Case, repeat: int, budget: float
) -> str:
    samples: list[float] = []
    failures: dict[int, int] = {}
    started = time.perf_counter()
    for i in range(repeat + 2):
        url = await case.urls(i)
        if url is None:
            return "n/a (no endpoint yet)" if i == 0 else "n/a (ran out of pages)"
        t0 = time.perf_counter()
        response = await http.get(url, headers=headers)
        elapsed = (time.perf_counter() - t0) * 1000
        if response.status_code >= 400:
            failures[response.status_code] = failures.get(response.status_code, 0) + 1
            if response.status_code in (401, 403, 404, 422) and not samples:
                return f"HTTP {response.status_code}: {response.text[:120]}"
        elif i >= 2:  # two warm-up requests
            samples.append(elapsed)
        if time.perf_counter() - started > budget and len(samples) >= 5:
            break
    if not samples:
        return f"failed: {failures}"
    p50, p99 = _pct(samples, 0.5), _pct(samples, 0.99)
    verdict = ""
    if case.target_ms is not None:
        verdict = f"target {case.target_ms:.0f} ms  " + ("OK" if p50 < case.target_ms else "SLOW")
    extra = f"  ({len(samples)} req" + (f", errors {failures}" if failures else "") + ")"
    return f"p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  {verdict}{extra}"


async def measure(args: argparse.Namespace, servers: Servers) -> list[str]:
    port = _free_port()
    log = (BENCH_DIR / "web.log").open("wb")
    web = subprocess.Popen(  # noqa: S603, ASYNC220 - our own CLI, started once
        [sys.executable, "-m", "api.cli", "web", "--host", "127.0.0.1", "--port", str(port)],
        env=_env(servers),
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        return await _measure_on(args, servers, f"http://127.0.0.1:{port}", web)
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


async def _measure_on(
    args: argparse.Namespace, servers: Servers, base: str, web: subprocess.Popen[bytes]
) -> list[str]:
    """Measures every case as both users, then checks the plans; the names of what failed."""
    failed: list[str] = []
    engine = create_async_engine(servers.database_url)
    try:
        async with engine.connect() as conn:
            org = await read_org(conn)
            totals = (
                await conn.execute(
                    sa.text(
                        "SELECT (SELECT count(*) FROM deals), (SELECT count(*) FROM clients), "
                        "(SELECT count(*) FROM stage_moves), (SELECT count(*) FROM deals "
                        "WHERE status = 'open'), (SELECT count(*) FROM duplicate_candidates)"
                    )
                )
            ).one()
            seller = org.users[SELLER_EMAIL]
            # Deals and clients to open: ones with a history, the admin's from everyone's, the
            # seller's from their own.
            sample: dict[str, list[Any]] = {}
            for who, cond in (("admin", "TRUE"), ("seller", "d.responsible_id = :s")):
                sample[who] = list(
                    (
                        await conn.execute(
                            sa.text(
                                "SELECT d.id, d.client_id FROM deals d "  # noqa: S608
                                "TABLESAMPLE SYSTEM (5) "
                                f"WHERE {cond} LIMIT 200"
                            ),
                            {"s": seller},
                        )
                    ).all()
                )
            client = (
                await conn.execute(
                    sa.text(
                        "SELECT c.name, p.e164 FROM clients c JOIN contact_phones p "
                        "ON p.client_id = c.id WHERE c.kind = 'company' "
                        "AND c.responsible_id = :s LIMIT 1"
                    ),
                    {"s": seller},
                )
            ).one()
    finally:
        await engine.dispose()
    print(
        f"data: {totals[0]:,} deals ({totals[3]:,} open), {totals[1]:,} clients, "
        f"{totals[2]:,} stage moves, {totals[4]:,} duplicate pairs"
    )
    # A fragment of a real client name: the distinctive word inside «...», 5 letters of it.
    name: str = client[0]
    word = name.split("«")[-1].rstrip("»").split()[0] if "«" in name else name.split()[0]
    fragment = word[1:6].lower()
    phone_digits = client[1][-7:]
    sales_id, sales_stages = org.funnels[0]
    kovalenko = org.users["o.kovalenko@example.com"]
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        for _ in range(600):
            if web.poll() is not None:
                raise SystemExit(f"crm web exited with {web.returncode}; see {BENCH_DIR}/web.log")
            with contextlib.suppress(httpx.TransportError):
                if (await http.get("/readyz")).status_code == 200:
                    break
            await asyncio.sleep(0.2)
        else:
            raise SystemExit("crm web did not become ready in 120 s")
        for who, email, password, responsible in (
            ("admin", DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, kovalenko),
            ("seller", SELLER_EMAIL, DEMO_STAFF_PASSWORD, seller),
        ):
            login = await http.post(
                "/api/v1/auth/login", json={"email": email, "password": password}
            )
            login.raise_for_status()
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            print(f"\n-- as the {who} ({email}) --")
            for case in _cases(
                http,
                headers,
                sample[who],
                who,
                responsible,
                sales_id,
                sales_stages,
                fragment,
                phone_digits,
            ):
                if args.lines and args.lines.lower() not in case.name.lower():
                    continue
                result = await _measure_case(http, headers, case, args.repeat, args.line_seconds)
                print(f"{case.name + ' (' + who + ')':46s} {result}", flush=True)
                if not result.startswith("p50") or "SLOW" in result:
                    failed.append(f"{case.name} ({who})")
    if args.lines:
        return failed  # a few lines, measured while working on them: no plan check
    roles = [(who, sample[who]) for who in ("admin", "seller")]
    findings = await _plan_check(
        servers, roles, kovalenko, seller, sales_id, sales_stages, fragment, phone_digits
    )
    if findings:
        failed.append("plans")
    return failed


async def _plan_check(
    servers: Servers,
    roles: list[tuple[str, list[Any]]],
    kovalenko: Any,
    seller: Any,
    funnel_id: Any,
    stages: list[Stage],
    fragment: str,
    phone_digits: str,
) -> list[Finding]:
    """Every measured request once more, in-process, its statements explained: a sequential
    scan over a bulk table is a failure (bench/plans.py)."""
    from sqlalchemy import event

    from adapters.logging import configure_logging
    from api.app import create_app

    print("\n-- plans: every statement of every request above, explained --")
    os.environ.update(
        {k: v for k, v in _env(servers).items() if k in ("DATABASE_URL", "REDIS_URL", "VAR_DIR")}
    )
    settings = load_settings()
    configure_logging("WARNING")
    container = await build(settings)
    recorder = Recorder()
    event.listen(container.engine.sync_engine, "before_cursor_execute", recorder)
    credentials = {
        "admin": (DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, kovalenko),
        "seller": (SELLER_EMAIL, DEMO_STAFF_PASSWORD, seller),
    }
    requests = 0
    try:
        transport = httpx.ASGITransport(app=create_app(container=container))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            for who, sample in roles:
                email, password, responsible = credentials[who]
                login = await http.post(
                    "/api/v1/auth/login", json={"email": email, "password": password}
                )
                login.raise_for_status()
                headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
                for case in _cases(
                    http,
                    headers,
                    sample,
                    who,
                    responsible,
                    funnel_id,
                    stages,
                    fragment,
                    phone_digits,
                ):
                    url = await case.urls(0)
                    if url is not None:
                        await record(http, headers, recorder, f"{case.name} ({who})", url)
                        requests += 1
        findings = await explain_all(container.engine, recorder.statements)
    finally:
        await container.aclose()
    print(
        f"{requests} requests, {len(recorder.statements)} statements explained: "
        + ("no sequential scan over a bulk table" if not findings else "SEQUENTIAL SCANS")
    )
    for finding in findings:
        sql = " ".join(finding.sql.split())
        print(f"  FAIL {finding.case}: Seq Scan on {', '.join(finding.tables)}: {sql[:300]}")
    return findings


def _fixed(url: str) -> Callable[[int], Awaitable[str | None]]:
    async def urls(i: int) -> str | None:
        return url

    return urls


def _cases(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    sample: list[Any],
    who: str,
    responsible: Any,
    funnel_id: Any,
    stages: list[Stage],
    fragment: str,
    phone_digits: str,
) -> list[Case]:
    def walk(first: str) -> Callable[[int], Awaitable[str | None]]:
        """Page after page of a list, following next_cursor."""
        state: dict[str, str | None] = {"cursor": None}

        async def urls(i: int) -> str | None:
            if i == 0 or state["cursor"] is None:
                page = (await http.get(first, headers=headers)).json()
                state["cursor"] = page.get("next_cursor")
            if state["cursor"] is None:
                return None
            url = f"{first}&cursor={quote(state['cursor'])}"
            page = (await http.get(url, headers=headers)).json()
            state["cursor"] = page.get("next_cursor") or state["cursor"]
            return url

        return urls

    def each(template: str, column: int) -> Callable[[int], Awaitable[str | None]]:
        async def urls(i: int) -> str | None:
            if not sample:
                return None
            return template.format(sample[i % len(sample)][column])

        return urls

    columns: list[tuple[str, str]] = []

    async def board_column(i: int) -> str | None:
        """The next page of one column (GET /funnels/{id}/board/columns/{stage}?cursor=),
        after the board's first cards, a different column each time."""
        if not columns:
            response = await http.get(f"/api/v1/funnels/{funnel_id}/board", headers=headers)
            if response.status_code != 200:
                return None
            board = response.json()
            columns.extend(
                (c["stage_id"], c["next_cursor"]) for c in board["columns"] if c["next_cursor"]
            )
        if not columns:
            return None
        stage, cursor = columns[i % len(columns)]
        return f"/api/v1/funnels/{funnel_id}/board/columns/{stage}?limit=20&cursor={quote(cursor)}"

    stage = stages[len(stages) // 3].id
    deals = "/api/v1/deals?limit=50"
    totals = "/api/v1/deals/totals"
    return [
        Case("deals first page", 20, _fixed(deals)),
        Case("deals cursor pages", 20, walk(deals)),
        Case("deals filter responsible", 30, _fixed(f"{deals}&responsible_id={responsible}")),
        Case("deals filter stage", 30, _fixed(f"{deals}&stage_id={stage}")),
        Case("deals filter status won", 30, _fixed(f"{deals}&status=won")),
        Case("deals filter source", 30, _fixed(f"{deals}&source_channel=exhibition")),
        Case(
            "deals filter amount range, by amount",
            30,
            _fixed(f"{deals}&amount_min=100000&amount_max=500000&sort=-amount"),
        ),
        Case(
            "deals filter created dates",
            30,
            _fixed(f"{deals}&created_from=2022-01-01T00:00:00Z&created_to=2022-07-01T00:00:00Z"),
        ),
        Case(
            "deals filter expected close dates",
            30,
            _fixed(f"{deals}&expected_close_from=2026-01-01&expected_close_to=2026-03-31"),
        ),
        Case("deals filter stale", 30, _fixed(f"{deals}&stale=true")),
        Case("deals filter custom field", 30, _fixed(f"{deals}&cf.region={quote('Київ')}")),
        Case("deals search title", 50, _fixed(f"{deals}&q={quote('монтаж')}")),
        Case("deals search client name", 50, _fixed(f"{deals}&q={quote(fragment)}")),
        Case(
            "deals totals, counter filters",
            30,
            _fixed(f"{totals}?funnel_id={funnel_id}&status=open&stage_id={stage}"),
        ),
        Case("deals totals, other filter", 30, _fixed(f"{totals}?source_channel=exhibition")),
        Case("board first 20 per column", 50, _fixed(f"/api/v1/funnels/{funnel_id}/board")),
        Case("board next page of a column", 20, board_column),
        Case("clients first page", 20, _fixed("/api/v1/clients?limit=50")),
        Case("clients cursor pages", 20, walk("/api/v1/clients?limit=50")),
        Case(
            "clients by last activity, pages",
            20,
            walk("/api/v1/clients?limit=50&sort=-last_activity_at"),
        ),
        Case("clients by next task, pages", 20, walk("/api/v1/clients?limit=50&sort=next_task_at")),
        Case("clients search name", 20, _fixed(f"/api/v1/clients?limit=50&q={quote(fragment)}")),
        Case("clients search phone", 20, _fixed(f"/api/v1/clients?limit=50&q={phone_digits}")),
        Case("single deal", 10, each("/api/v1/deals/{}", 0)),
        Case("deal timeline", 10, each("/api/v1/deals/{}/timeline", 0)),
        Case("client timeline", 10, each("/api/v1/clients/{}/timeline", 1)),
        Case("clients duplicates", 50, _fixed("/api/v1/clients/duplicates?limit=50")),
    ]


# --- main ---------------------------------------------------------------------------------------


async def run(args: argparse.Namespace, servers: Servers) -> list[str]:
    """Loads unless told to reuse, then measures; what missed its target or planned a
    sequential scan."""
    failed: list[str] = []
    phases = Phases()
    loaded = await loaded_deals(servers)
    if args.only_measure or (args.keep and loaded is not None and not args.only_load):
        if loaded is None:
            raise SystemExit(f"no loaded {DATABASE} database: run with --keep or --only-load first")
        print(f"reusing {DATABASE} ({loaded:,} deals requested when it was loaded)")
    else:
        print(f"loading {args.deals:,} deals and {args.clients:,} clients into {DATABASE}")
        started = time.perf_counter()
        await load(args, servers, phases)
        print(f"load total: {time.perf_counter() - started:.1f} s")
    if not args.only_load:
        failed = await measure(args, servers)
    if phases.lines:
        print("\nload phases: " + "; ".join(f"{n} {s:.1f} s" for n, s in phases.lines))
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, help="default: a fifth of --deals")
    parser.add_argument("--keep", action="store_true", help="reuse a loaded database; keep it")
    parser.add_argument("--only-load", action="store_true", help="load (and keep) only")
    parser.add_argument("--only-measure", action="store_true", help="measure a kept database")
    parser.add_argument("--repeat", type=int, default=30, help="requests per line (max 500)")
    parser.add_argument("--line-seconds", type=float, default=30.0, help="time budget per line")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--lines", default="", help="measure only the lines whose name contains this; no plans"
    )
    parser.add_argument(
        "--rescan-seconds", type=float, default=120.0, help="time allowed for the duplicate rescan"
    )
    args = parser.parse_args()
    args.deals = max(1000, args.deals)
    args.clients = max(100, args.clients or args.deals // 5)
    args.repeat = max(1, min(args.repeat, 500))
    keep = args.keep or args.only_load or args.only_measure
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    print(f"load average at start: {load_average()}")
    servers: Servers | None = None
    failed: list[str] = []
    try:
        with contextlib.ExitStack() as stack:
            servers = start_servers(stack)
            try:
                failed = asyncio.run(run(args, servers))
            finally:
                if not keep:
                    with contextlib.suppress(Exception):
                        asyncio.run(
                            _admin(servers, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
                        )
    finally:
        if not keep and servers is not None:
            for sub in ("pg", "redis"):
                if (servers.embedded_pg if sub == "pg" else servers.embedded_redis) is not None:
                    shutil.rmtree(BENCH_DIR / sub, ignore_errors=True)
        print(f"load average at end: {load_average()}")
    if failed:
        print(f"FAILED: {', '.join(failed)}")
        return 1
    if not args.only_load:
        print("every target holds; no sequential scan over a bulk table")
    return 0


if __name__ == "__main__":
    sys.exit(main())
