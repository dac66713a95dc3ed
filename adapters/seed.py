"""The demo organisation, created once on first start: realistic Russian-language data for a
sales team — 3 departments, 12 users, both funnels, 2,000 clients with contacts, 5,000 deals
with stage histories over the last 12 months, tasks and activities, and invoices with payments
on the sellers' won deals.

Staff, roles and funnels go through the domain services; the bulk of clients and deals is
written with set-based inserts (through the same tables the repositories use), so a first
start takes seconds, not minutes. Everything is derived from one seeded random generator, so
the demo is the same on every machine.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters import seed_data as words
from adapters.bootstrap import Container
from adapters.db.tables.activities import activities, tasks
from adapters.db.tables.billing import invoice_number_sequences, invoice_payments, invoices
from adapters.db.tables.calllists import call_lists
from adapters.db.tables.clients import (
    clients,
    contact_emails,
    contact_phones,
    contacts,
    relationship_transitions,
)
from adapters.db.tables.complaints import complaint_transitions, complaints
from adapters.db.tables.deals import deal_products, deals, stage_moves
from adapters.db.tables.loyalty import surveys
from adapters.db.tables.staff import roles, users
from adapters.db.tables.telephony import calls
from domain.auth.loading import load_principal
from domain.automation.services import AutomationService, RuleBody
from domain.calllists.model import CallListStatus
from domain.calllists.services import CallListChanges, CallListService, NewCallList
from domain.callscripts.model import Answer, AnswerKind, ScriptOutcome, Step, StepKind
from domain.callscripts.ports import Assignments
from domain.callscripts.services import CallScriptService, ScriptDraft
from domain.clients.model import contact_name_key, derive_relationship, name_key
from domain.clients.services.clients import ClientService
from domain.funnels.commands import CreateFunnel
from domain.funnels.model import Funnel, FunnelTemplate
from domain.funnels.services import FunnelService, LossReasonService
from domain.karma.services import recalculate_all
from domain.kpi.model import Metric, Period, PeriodKind, Plan
from domain.shared.scope import Scope
from domain.staff.model import Department, User
from domain.staff.services.organisations import provision_organisation

DEMO_ORGANISATION = "Demo"
DEMO_ADMIN_EMAIL = "admin@example.com"
DEMO_ADMIN_PASSWORD = "change-me-now"  # noqa: S105 (documented demo credential)
DEMO_STAFF_PASSWORD = "demo-password"  # noqa: S105 (documented demo credential)

CLIENTS = 2000
DEALS = 5000
SEED = 20261125
BATCH = 1000

# (e-mail, name, role code, department key, language, heads the department)
STAFF: tuple[tuple[str, str, str, str | None, str, bool], ...] = (
    ("i.petrova@example.com", "Ирина Петрова", "head_of_sales", "sales", "ru", True),
    ("a.sidorov@example.com", "Алексей Сидоров", "seller", "sales", "ru", False),
    ("o.kovalenko@example.com", "Олена Коваленко", "seller", "sales", "uk", False),
    ("d.morozov@example.com", "Дмитрий Морозов", "seller", "sales", "ru", False),
    ("m.ivanova@example.com", "Мария Иванова", "telemarketer", "telemarketing", "ru", True),
    ("t.tkachenko@example.com", "Тарас Ткаченко", "telemarketer", "telemarketing", "uk", False),
    ("n.novikov@example.com", "Николай Новиков", "account_manager", "key_accounts", "ru", True),
    ("e.sokolova@example.com", "Елена Соколова", "account_manager", "key_accounts", "ru", False),
    ("y.shevchenko@example.com", "Юлия Шевченко", "marketer", None, "uk", False),
    ("s.kuznetsova@example.com", "Светлана Кузнецова", "lawyer", None, "ru", False),
    ("p.volkov@example.com", "Павел Волков", "project_manager", "key_accounts", "ru", False),
)
DEPARTMENTS = (
    ("sales", "Отдел продаж", None),
    ("telemarketing", "Телемаркетинг", "sales"),
    ("key_accounts", "Ключевые клиенты", "sales"),
)


@dataclass(frozen=True, slots=True)
class SeedResult:
    created: bool
    organisation_id: str


@dataclass(slots=True)
class _Org:
    id: UUID
    admin: User
    sellers: list[UUID] = field(default_factory=list)
    telemarketers: list[UUID] = field(default_factory=list)
    key_account: list[UUID] = field(default_factory=list)
    funnels: list[Funnel] = field(default_factory=list)
    loss_reasons: list[UUID] = field(default_factory=list)


async def seed_demo(container: Container, *, now: datetime | None = None) -> SeedResult:
    async with container.uow() as uow:
        existing = await uow.organisations.get_by_name(DEMO_ORGANISATION)
    if existing is not None:
        return SeedResult(created=False, organisation_id=str(existing.id))
    org = await _staff(container)
    await _funnels(container, org)
    rng = random.Random(SEED)  # noqa: S311 (reproducible demo data, not secrets)
    await _bulk(container, org, rng, now or container.clock.now())
    await analyze(container, _BULK_TABLES)
    # The bulk rows bypassed the unit of work and its handlers: find their duplicate pairs
    # the way the rescan job does.
    await ClientService(container.uow(), container.clock).rescan_duplicates(org.id)
    await _plans(container, org, now or container.clock.now())
    await _surveys(container, org, now or container.clock.now())
    await _calls(container, org, rng, now or container.clock.now())
    await _complaints_and_follow_ups(container, org, now or container.clock.now())
    await _call_list(container, org)
    await _call_script(container, org)
    await _automation_rules(container, org)
    # The bulk deals and invoices raised no events either: every client's karma from them.
    await recalculate_all(container.uow, org.id, _no_progress)
    return SeedResult(created=True, organisation_id=str(org.id))


async def _automation_rules(container: Container, org: _Org) -> None:
    """Two rules through the automation use cases: a deal entering the sales funnel's
    contract stage gives the least-loaded lawyer a task, and a complaint past its deadline
    tells its owner's head."""
    async with container.uow() as uow:
        admin = await load_principal(uow, org.admin.id, org.id, clock=container.clock)
    sales = org.funnels[0]
    contract = next(
        (stage for stage in sales.stages if stage.name.startswith("Договор")), sales.stages[0]
    )
    service = AutomationService(container.uow(), container.clock)
    await service.create(
        admin,
        RuleBody(
            name="Договор: задача юристу",
            trigger={"kind": "deal_entered_stage", "stage_id": str(contract.id)},
            actions=[
                {
                    "kind": "create_task",
                    "recipient": {"kind": "role", "role": "lawyer"},
                    "title": "Проверить договор по сделке «{deal}»",
                    "text": "Клиент: {client}. Сумма: {amount}.",
                    "due_in_days": 1,
                }
            ],
        ),
    )
    await service.create(
        admin,
        RuleBody(
            name="Просроченная рекламация: руководителю",
            trigger={"kind": "complaint_overdue"},
            actions=[
                {
                    "kind": "notify",
                    "recipient": {"kind": "responsible_head"},
                    "text": "Рекламация клиента {client} не решена в срок",
                }
            ],
        ),
    )


# The demo call list: this many cold clients of the sellers, for the two telemarketers.
CALL_LIST_SIZE = 30


async def _call_list(container: Container, org: _Org) -> None:
    """An active call list of cold clients whose manager is a seller, not the head (an
    interested number's lead goes to that seller), assigned to the two telemarketers; built
    through the call lists' use cases from the clients' primary phones."""
    async with container.engine.connect() as conn:
        rows = (
            await conn.execute(
                sa.select(sa.func.min(contact_phones.c.e164).label("e164"), clients.c.name)
                .select_from(
                    clients.join(
                        contact_phones,
                        sa.and_(
                            contact_phones.c.organisation_id == clients.c.organisation_id,
                            contact_phones.c.client_id == clients.c.id,
                        ),
                    )
                )
                .where(
                    clients.c.organisation_id == org.id,
                    clients.c.relationship_type == "cold",
                    clients.c.responsible_id.in_(
                        sa.select(users.c.id)
                        .join(
                            roles,
                            sa.and_(
                                roles.c.organisation_id == users.c.organisation_id,
                                roles.c.id == users.c.role_id,
                            ),
                        )
                        .where(users.c.organisation_id == org.id, roles.c.code == "seller")
                    ),
                )
                .group_by(clients.c.id, clients.c.name)
                .order_by(clients.c.id)
                .limit(CALL_LIST_SIZE)
            )
        ).all()
    async with container.uow() as uow:
        admin = await load_principal(uow, org.admin.id, org.id, clock=container.clock)
    service = CallListService(container.uow(), container.clock)
    view = await service.create(
        admin,
        NewCallList(
            name="Холодные клиенты: декабрь",
            description="Обзвон холодных клиентов: выявить интерес и передать лид продавцу.",
            assignee_ids=tuple(org.telemarketers),
            funnel_id=org.funnels[0].id if org.funnels else None,
            max_attempts=3,
            retry_interval_minutes=120,
        ),
    )
    await service.add_entries(admin, view.call_list.id, [(r.e164, r.name) for r in rows])
    await service.update(admin, view.call_list.id, CallListChanges(status=CallListStatus.ACTIVE))


async def _complaints_and_follow_ups(container: Container, org: _Org, now: datetime) -> None:
    """A complaint past its deadline on a seller's client (the overdue sweep announces it
    when the worker starts) and a postponed deal reminding its seller every 7 days."""
    async with container.engine.begin() as conn:
        deal = (
            await conn.execute(
                sa.select(deals.c.id, deals.c.client_id, deals.c.responsible_id)
                .where(
                    deals.c.organisation_id == org.id,
                    deals.c.status == "open",
                    deals.c.responsible_id.in_(org.sellers),
                )
                .order_by(deals.c.created_at.desc(), deals.c.id)
                .limit(2)
            )
        ).all()
        if len(deal) < 2:
            return
        complained, postponed = deal
        complaint_id = uuid4()
        recorded = now - timedelta(days=6)
        await conn.execute(
            sa.insert(complaints).values(
                id=complaint_id,
                organisation_id=org.id,
                client_id=complained.client_id,
                deal_id=complained.id,
                kind="delivery",
                description="Поставка задержана на неделю, клиент требует скидку за просрочку.",
                owner_id=complained.responsible_id,
                deadline=(now - timedelta(days=2)).date(),
                status="in_work",
                created_by=complained.responsible_id,
                created_at=recorded,
                updated_at=recorded + timedelta(hours=3),
            )
        )
        await conn.execute(
            sa.insert(complaint_transitions),
            [
                {
                    "id": uuid4(),
                    "organisation_id": org.id,
                    "complaint_id": complaint_id,
                    "client_id": complained.client_id,
                    "deal_id": complained.id,
                    "from_status": before,
                    "to_status": after,
                    "kind": "delivery",
                    "actor_id": complained.responsible_id,
                    "at": at,
                }
                for before, after, at in (
                    (None, "new", recorded),
                    ("new", "in_work", recorded + timedelta(hours=3)),
                )
            ],
        )
        await conn.execute(
            sa.update(deals)
            .where(deals.c.organisation_id == org.id, deals.c.id == postponed.id)
            .values(follow_up_every_days=7, follow_up_next_at=now + timedelta(days=2))
        )


async def _no_progress(_percent: int, _note: str | None) -> None:
    """The seed reports no job progress."""


# Deals closed this many days before seeding have their loyalty survey; about half answered.
SURVEY_DAYS = 120
_SCORES = (3, 5, 6, 7, 8, 8, 9, 9, 9, 10, 10, 10)


async def _surveys(container: Container, org: _Org, now: datetime) -> None:
    """A survey for each deal closed lately, as closing it through the app would have made;
    drawn from a generator of their own, so the rest of the demo stays as it was."""
    rng = random.Random(SEED + 1)  # noqa: S311 (reproducible demo data, not secrets)
    async with container.engine.begin() as conn:
        closed = await conn.execute(
            sa.select(deals.c.id, deals.c.client_id, deals.c.responsible_id, deals.c.closed_at)
            .where(
                deals.c.organisation_id == org.id,
                deals.c.status != "open",
                deals.c.closed_at >= now - timedelta(days=SURVEY_DAYS),
            )
            .order_by(deals.c.closed_at, deals.c.id)
        )
        rows = []
        for deal in closed:
            answered_at = deal.closed_at + timedelta(hours=rng.uniform(2, 240))
            answered = rng.random() < 0.5 and answered_at < now
            rows.append(
                {
                    "id": uuid4(),
                    "organisation_id": org.id,
                    "client_id": deal.client_id,
                    "deal_id": deal.id,
                    "responsible_id": deal.responsible_id,
                    "score": rng.choice(_SCORES) if answered else None,
                    "answered_at": answered_at if answered else None,
                    "created_at": deal.closed_at,
                }
            )
        if rows:
            await conn.execute(sa.insert(surveys), rows)


async def analyze(container: Container, tables: Sequence[sa.TableClause]) -> None:
    """Fresh planner statistics after a bulk load: without them PostgreSQL plans the loaded
    tables as if they were empty (the duplicate scan of the 2,000 demo clients took more than
    18 minutes before ANALYZE)."""
    async with container.engine.connect() as conn:
        await conn.execute(sa.text("ANALYZE " + ", ".join(t.name for t in tables)))
        await conn.commit()


async def _staff(container: Container) -> _Org:
    async with container.uow() as uow:
        provisioned = await provision_organisation(
            uow,
            container.hasher,
            name=DEMO_ORGANISATION,
            admin_email=DEMO_ADMIN_EMAIL,
            admin_password=DEMO_ADMIN_PASSWORD,
            admin_name="Администратор Демо",
        )
        org = _Org(id=provisioned.organisation.id, admin=provisioned.admin)
        departments: dict[str, Department] = {}
        for key, name, parent in DEPARTMENTS:
            departments[key] = Department(
                organisation_id=org.id,
                name=name,
                parent_id=departments[parent].id if parent else None,
            )
            await uow.departments.add(departments[key])
        password_hash = container.hasher.hash(DEMO_STAFF_PASSWORD)
        for email, name, role_code, department_key, language, heads in STAFF:
            user = User(
                organisation_id=org.id,
                email=email,
                full_name=name,
                role_id=provisioned.roles[role_code].id,
                department_id=departments[department_key].id if department_key else None,
                password_hash=password_hash,
                language=language,
            )
            await uow.users.add(user)
            if heads and department_key:
                department = departments[department_key]
                department.head_id = user.id
                await uow.departments.update(department, department.version)
            if role_code in ("seller", "head_of_sales"):
                org.sellers.append(user.id)
            elif role_code == "telemarketer":
                org.telemarketers.append(user.id)
            elif role_code == "account_manager":
                org.key_account.append(user.id)
        await uow.commit()
    return org


# Monthly targets of each seller (and the head, who sells too) for the current month, and the
# sales department's turnover: what the Plans screen and the leaderboard show on a first start.
SELLER_MONTHLY_TARGETS = {
    Metric.TURNOVER: Decimal(1_500_000),
    Metric.WON_DEALS: Decimal(6),
    Metric.CALLS: Decimal(120),
    Metric.MEETINGS: Decimal(12),
}


async def _plans(container: Container, org: _Org, now: datetime) -> None:
    """The sellers' plans for the organisation's current month, through the domain; written
    after the bulk data and from no random draw, so the rest of the demo stays as it was."""
    async with container.uow() as uow:
        organisation = await uow.organisations.get(org.id)
        today = organisation.today(now) if organisation else now.date()
        period = Period.of(PeriodKind.MONTH, today.replace(day=1))
        scope = Scope.organisation_wide(org.id)
        sales = next(d for d in await uow.departments.list(scope) if d.parent_id is None)
        subjects: list[tuple[UUID | None, UUID | None, Metric, Decimal]] = [
            (seller, None, metric, target)
            for seller in org.sellers
            for metric, target in SELLER_MONTHLY_TARGETS.items()
        ]
        subjects.append(
            (None, sales.id, Metric.TURNOVER, SELLER_MONTHLY_TARGETS[Metric.TURNOVER] * 5)
        )
        for user_id, department_id, metric, target in subjects:
            await uow.plans.add(
                Plan.new(
                    organisation_id=org.id,
                    user_id=user_id,
                    department_id=department_id,
                    metric=metric,
                    period=period,
                    target=target,
                    at=now,
                    by=org.admin.id,
                )
            )
        await uow.commit()


def _demo_script() -> ScriptDraft:
    """A cold call: the greeting, a qualifying question, the two usual objections."""
    interested = Answer(id="yes", text="Да, интересно", outcome=ScriptOutcome.INTERESTED)
    not_interested = Answer(id="no", text="Нет, не интересно", outcome=ScriptOutcome.NOT_INTERESTED)
    return ScriptDraft(
        name="Холодный звонок",
        is_active=True,
        start_step_id="greeting",
        steps=(
            Step(
                id="greeting",
                kind=StepKind.STATEMENT,
                text="Добрый день! Меня зовут …, компания «Демо». Удобно говорить пару минут?",
                answers=(
                    Answer(id="ok", text="Да, слушаю", next_step_id="qualify"),
                    Answer(
                        id="busy",
                        kind=AnswerKind.OBJECTION,
                        text="Нет времени",
                        next_step_id="no_time",
                    ),
                ),
            ),
            Step(
                id="qualify",
                text="Вы сейчас закупаете упаковку для своей продукции? Сколько в месяц?",
                answers=(
                    interested,
                    Answer(
                        id="expensive",
                        kind=AnswerKind.OBJECTION,
                        text="Дорого",
                        next_step_id="price",
                    ),
                    Answer(
                        id="busy",
                        kind=AnswerKind.OBJECTION,
                        text="Нет времени",
                        next_step_id="no_time",
                    ),
                    not_interested,
                ),
            ),
            Step(
                id="price",
                text="Понимаю. При объёме от 1 000 штук цена ниже рыночной на 10–15 %, "
                "а первая партия — с бесплатной доставкой. Подготовить расчёт?",
                answers=(interested, not_interested),
            ),
            Step(
                id="no_time",
                text="Понимаю. Когда удобно перезвонить? Займёт не больше двух минут.",
                answers=(
                    Answer(id="later", text="Перезвоните позже", outcome=ScriptOutcome.CALL_BACK),
                    Answer(id="now", text="Давайте сейчас", next_step_id="qualify"),
                    not_interested,
                ),
            ),
        ),
    )


async def _call_script(container: Container, org: _Org) -> None:
    """The cold-call script through the call scripts' use cases, attached to the demo call
    list and to the first stage of the sales funnel."""
    async with container.uow() as uow:
        admin = await load_principal(uow, org.admin.id, org.id, clock=container.clock)
    async with container.engine.connect() as conn:
        list_ids = (
            await conn.scalars(
                sa.select(call_lists.c.id).where(call_lists.c.organisation_id == org.id)
            )
        ).all()
    service = CallScriptService(container.uow(), container.clock)
    view = await service.create(admin, _demo_script())
    stage_ids = (org.funnels[0].stages[0].id,) if org.funnels else ()
    await service.assign(admin, view.script.id, Assignments(stage_ids, tuple(list_ids)))


async def _funnels(container: Container, org: _Org) -> None:
    async with container.uow() as uow:
        admin = await load_principal(uow, org.admin.id, org.id, clock=container.clock)
    service = FunnelService(container.uow(), container.clock)
    for template in (FunnelTemplate.SALES, FunnelTemplate.B2B_PROJECT):
        org.funnels.append(
            await service.create(
                admin,
                CreateFunnel(template=template, is_default=template is FunnelTemplate.SALES),
            )
        )
    reasons = await LossReasonService(container.uow(), container.clock).list(
        admin, include_inactive=False
    )
    org.loss_reasons = [r.id for r in reasons]


@dataclass(slots=True)
class _Rows:
    clients: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    phones: list[dict[str, Any]] = field(default_factory=list)
    emails: list[dict[str, Any]] = field(default_factory=list)
    deals: list[dict[str, Any]] = field(default_factory=list)
    products: list[dict[str, Any]] = field(default_factory=list)
    moves: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)
    transitions: list[dict[str, Any]] = field(default_factory=list)
    invoices: list[dict[str, Any]] = field(default_factory=list)
    payments: list[dict[str, Any]] = field(default_factory=list)


async def _bulk(container: Container, org: _Org, rng: random.Random, now: datetime) -> None:
    rows = _Rows()
    owners = org.sellers + org.telemarketers + org.key_account
    client_info = [_client(rows, org, rng, now, owners) for _ in range(CLIENTS)]
    outcomes: dict[UUID, list[str]] = defaultdict(list)
    for _ in range(DEALS):
        client_id, contact_id, responsible_id = rng.choice(client_info)
        status = _deal(rows, org, rng, now, client_id, contact_id, responsible_id)
        outcomes[client_id].append(status)
    first_deal: dict[UUID, datetime] = {}
    last_purchase: dict[UUID, datetime] = {}
    for deal_row in rows.deals:
        client_id = deal_row["client_id"]
        first_deal[client_id] = min(deal_row["created_at"], first_deal.get(client_id, now))
        if deal_row["status"] == "won":
            last_purchase[client_id] = max(
                deal_row["closed_at"], last_purchase.get(client_id, deal_row["closed_at"])
            )
    for row in (*rows.clients, *rows.contacts):
        first = first_deal.get(row.get("client_id") or row["id"])
        if first is not None and first < row["created_at"]:
            row["created_at"] = row["updated_at"] = first - timedelta(days=1)
    for client_row in rows.clients:
        client_row["last_purchase_at"] = last_purchase.get(client_row["id"])
        statuses = outcomes.get(client_row["id"], [])
        relationship = derive_relationship(
            won_deals=statuses.count("won"),
            open_deals=statuses.count("open"),
            inbound_requests=0,
        )
        client_row["relationship_type"] = relationship.value
        if relationship.value != "cold":
            rows.transitions.append(
                {
                    "id": uuid4(),
                    "organisation_id": org.id,
                    "client_id": client_row["id"],
                    "from_type": "cold",
                    "to_type": relationship.value,
                    "reason": "demo_data",
                    "at": client_row["updated_at"],
                }
            )
    _invoices(rows, org, now)
    async with container.engine.begin() as conn:
        for table, data in (
            (clients, rows.clients),
            (contacts, rows.contacts),
            (contact_phones, rows.phones),
            (contact_emails, rows.emails),
            (deals, rows.deals),
            (deal_products, rows.products),
            (stage_moves, rows.moves),
            (tasks, rows.tasks),
            (activities, rows.activities),
            (relationship_transitions, rows.transitions),
            (invoices, rows.invoices),
            (invoice_payments, rows.payments),
        ):
            await _insert(conn, table, data)
        # Numbers issued from here on continue after the demo's.
        await conn.execute(
            sa.insert(invoice_number_sequences).values(
                organisation_id=org.id, last_number=len(rows.invoices)
            )
        )


_BULK_TABLES = (
    clients,
    contacts,
    contact_phones,
    contact_emails,
    deals,
    deal_products,
    stage_moves,
    tasks,
    activities,
    relationship_transitions,
    invoices,
    invoice_payments,
)


async def _insert(conn: AsyncConnection, table: sa.Table, data: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(data), BATCH):
        await conn.execute(sa.insert(table), list(data[start : start + BATCH]))


def _client(
    rows: _Rows, org: _Org, rng: random.Random, now: datetime, owners: list[UUID]
) -> tuple[UUID, UUID, UUID]:
    is_company = rng.random() < 0.8
    name = words.company_name(rng) if is_company else words.person_name(rng)
    created = now - timedelta(days=rng.uniform(30, 540))
    responsible_id = (
        rng.choice(org.key_account) if is_company and rng.random() < 0.2 else rng.choice(owners)
    )
    channel, _ = rng.choice(words.SOURCES)
    client_id = uuid4()
    ukrainian = rng.random() < 0.15
    rows.clients.append(
        {
            "id": client_id,
            "organisation_id": org.id,
            "kind": "company" if is_company else "person",
            "name": name,
            "name_key": name_key(name),
            "legal_name": name if is_company else None,
            "inn": words.inn(rng) if is_company and not ukrainian else None,
            "edrpou": f"{rng.randint(10_000_000, 99_999_999)}"
            if is_company and ukrainian
            else None,
            "sector": rng.choice(words.SECTORS),
            "segment_tags": rng.sample(words.SEGMENTS, k=rng.randint(0, 2)),
            "source_channel": channel,
            "source_campaign": rng.choice(words.CAMPAIGNS),
            "utm": {"utm_source": "yandex", "utm_medium": "cpc"}
            if channel == "yandex_direct"
            else {},
            "temperature": rng.choices(("cold", "warm", "hot"), weights=(5, 3, 2))[0],
            "relationship_type": "cold",
            "responsible_id": responsible_id,
            "created_by": responsible_id,
            "created_at": created,
            "updated_at": created,
        }
    )
    primary: UUID | None = None
    for index in range(1 if not is_company else rng.randint(1, 3)):
        contact_id = uuid4()
        primary = primary or contact_id
        full_name = name if not is_company else words.person_name(rng)
        rows.contacts.append(
            {
                "id": contact_id,
                "organisation_id": org.id,
                "client_id": client_id,
                "full_name": full_name,
                "name_key": contact_name_key(full_name),
                "position": rng.choice(words.POSITIONS) if is_company else None,
                "is_primary": index == 0,
                "created_by": responsible_id,
                "created_at": created,
                "updated_at": created,
            }
        )
        phone = words.ua_mobile(rng) if ukrainian else words.ru_mobile(rng)
        rows.phones.append(
            {
                "id": uuid4(),
                "organisation_id": org.id,
                "contact_id": contact_id,
                "client_id": client_id,
                "e164": phone,
                "raw": phone,
            }
        )
        rows.emails.append(
            {
                "id": uuid4(),
                "organisation_id": org.id,
                "contact_id": contact_id,
                "client_id": client_id,
                "email": f"contact{len(rows.emails) + 1}@client{len(rows.clients)}.example.ru",
            }
        )
    assert primary is not None
    return client_id, primary, responsible_id


def _deal(
    rows: _Rows,
    org: _Org,
    rng: random.Random,
    now: datetime,
    client_id: UUID,
    contact_id: UUID,
    responsible_id: UUID,
) -> str:
    funnel = org.funnels[0] if rng.random() < 0.8 else org.funnels[1]
    stages = funnel.stages
    deal_id = uuid4()
    # Evenly over the year (a client met later is dated back to its first deal, in _bulk):
    # drawn after the client's own date, deals would crowd into the last weeks.
    created = now - timedelta(days=365) * rng.random()
    outcome = rng.choices(("won", "lost", "open"), weights=(30, 25, 45))[0]
    reached = len(stages) - 1 if outcome == "won" else rng.randint(0, len(stages) - 2)
    # Days spent in each stage passed (and in the last one when closed). A history that would
    # run past now is cut there: the deal stands where it is by now, still open, as a young deal
    # does (squeezing it into the time left would pile closings up in the days before seeding).
    days = [rng.uniform(0.5, (s.max_days or 10) * 1.3) for s in stages[: reached + 1]]
    cutoff = now - timedelta(minutes=5)
    at = created
    previous_entered = created
    lines = [rng.choice(words.PRODUCTS) for _ in range(rng.randint(1, 3))]
    products = []
    amount = Decimal("0")
    for position, (product, base_price) in enumerate(lines):
        quantity = Decimal(rng.randint(1, 5))
        price = Decimal(int(base_price * rng.uniform(0.6, 1.8)) // 100 * 100)
        amount += quantity * price
        products.append(
            {
                "id": uuid4(),
                "organisation_id": org.id,
                "deal_id": deal_id,
                "position": position,
                "name": product,
                "quantity": quantity,
                "price": price,
            }
        )
    rows.products.extend(products)
    moves: list[dict[str, Any]] = [
        _move(org, deal_id, "created", None, stages[0].id, None, "open", None, at, responsible_id)
    ]
    planned = outcome
    for index in range(1, reached + 1):
        at = previous_entered + timedelta(days=days[index - 1])
        if at > cutoff:
            reached, outcome = index - 1, "open"
            break
        moves.append(
            _move(
                org,
                deal_id,
                "moved",
                stages[index - 1].id,
                stages[index].id,
                "open",
                "open",
                int((at - previous_entered).total_seconds()),
                at,
                responsible_id,
            )
        )
        previous_entered = at
    stage = stages[reached]
    closed_at = None
    # executemany needs the same keys in every row.
    loss: dict[str, Any] = {
        "loss_reason_id": None,
        "lost_tender": False,
        "loss_making": False,
        "public_conflict": False,
    }
    if outcome in ("won", "lost") and previous_entered + timedelta(days=days[reached]) > cutoff:
        outcome = "open"
    if outcome in ("won", "lost"):
        closed_at = previous_entered + timedelta(days=days[reached])
        moves.append(
            _move(
                org,
                deal_id,
                outcome,
                stage.id,
                stage.id,
                "open",
                outcome,
                int((closed_at - previous_entered).total_seconds()),
                closed_at,
                responsible_id,
            )
        )
    if planned == "lost":
        # Drawn for every deal meant to be lost, so the draws after it do not depend on now.
        drawn = {
            "loss_reason_id": rng.choice(org.loss_reasons),
            "lost_tender": rng.random() < 0.1,
            "loss_making": rng.random() < 0.05,
            "public_conflict": rng.random() < 0.02,
        }
        if outcome == "lost":
            loss = drawn
    rows.moves.extend(moves)
    title = f"{lines[0][0]} — {rng.choice(words.COMPANY_WORDS)}"
    rows.deals.append(
        {
            "id": deal_id,
            "organisation_id": org.id,
            "client_id": client_id,
            "contact_id": contact_id,
            "title": title,
            "amount": amount,
            "currency": "RUB",
            "expected_margin": (amount * Decimal(rng.uniform(0.1, 0.35))).quantize(Decimal("0.01")),
            "funnel_id": funnel.id,
            "stage_id": stage.id,
            "status": outcome,
            "responsible_id": responsible_id,
            "source_channel": rng.choice(words.SOURCES)[0],
            "expected_close_date": (previous_entered + timedelta(days=rng.randint(5, 60))).date(),
            "stage_entered_at": previous_entered,
            "closed_at": closed_at,
            "created_by": responsible_id,
            "created_at": created,
            "updated_at": closed_at or previous_entered,
            **loss,
        }
    )
    _work(rows, org, rng, now, deal_id, client_id, responsible_id, created, outcome)
    return outcome


def _invoices(rows: _Rows, org: _Org, now: datetime) -> None:
    """An invoice for each won deal of the sellers, dated the day it was won: most paid (in one
    or two payments within three weeks), some partly paid, a few still unpaid, so the paid
    turnover has data by month and by seller. A generator of its own, so the rest of the demo
    stays as it was."""
    rng = random.Random(SEED + 1)  # noqa: S311 (reproducible demo data, not secrets)
    sellers = set(org.sellers)
    won = [
        d
        for d in rows.deals
        if d["status"] == "won" and d["responsible_id"] in sellers and d["amount"] > 0
    ]
    won.sort(key=lambda d: d["closed_at"])
    today = now.date()
    for number, deal in enumerate(won, start=1):
        issued = deal["closed_at"]
        amount: Decimal = deal["amount"]
        invoice_id = uuid4()
        fate = rng.choices(("paid", "partly_paid", "issued"), weights=(75, 15, 10))[0]
        parts: list[Decimal] = []
        if fate == "paid":
            first = (amount * Decimal(rng.choice((1, 1, 0.5, 0.3)))).quantize(Decimal("0.01"))
            parts = [first, amount - first] if first < amount else [amount]
        elif fate == "partly_paid":
            parts = [(amount * Decimal("0.5")).quantize(Decimal("0.01"))]
        paid_days = sorted(
            min(today, (issued + timedelta(days=rng.randint(0, 21))).date()) for _ in parts
        )
        for part, day in zip(parts, paid_days, strict=True):
            rows.payments.append(
                {
                    "id": uuid4(),
                    "organisation_id": org.id,
                    "invoice_id": invoice_id,
                    "paid_on": day,
                    "amount": part,
                    "created_by": deal["responsible_id"],
                    "created_at": issued,
                }
            )
        rows.invoices.append(
            {
                "id": invoice_id,
                "organisation_id": org.id,
                "deal_id": deal["id"],
                "client_id": deal["client_id"],
                "number": str(number),
                "issued_on": issued.date(),
                "due_on": (issued + timedelta(days=14)).date(),
                "amount": amount,
                "currency": deal["currency"],
                "status": fate,
                "paid_on": paid_days[-1] if fate == "paid" else None,
                "created_by": deal["responsible_id"],
                "created_at": issued,
                "updated_at": issued,
            }
        )


def _move(
    org: _Org,
    deal_id: UUID,
    kind: str,
    from_stage: UUID | None,
    to_stage: UUID | None,
    from_status: str | None,
    to_status: str,
    seconds: int | None,
    at: datetime,
    by: UUID,
) -> dict[str, Any]:
    return {
        "id": uuid4(),
        "organisation_id": org.id,
        "deal_id": deal_id,
        "kind": kind,
        "from_stage_id": from_stage,
        "to_stage_id": to_stage,
        "from_status": from_status,
        "to_status": to_status,
        "seconds_in_previous": seconds,
        "at": at,
        "by_user_id": by,
    }


def _work(
    rows: _Rows,
    org: _Org,
    rng: random.Random,
    now: datetime,
    deal_id: UUID,
    client_id: UUID,
    responsible_id: UUID,
    created: datetime,
    outcome: str,
) -> None:
    """Calls, meetings, mail and notes over the deal's life; a next step for open deals."""
    for _ in range(rng.randint(0, 3)):
        kind = rng.choices(("call", "meeting", "email", "note"), weights=(5, 2, 3, 2))[0]
        occurred = created + (now - created) * rng.random()
        rows.activities.append(
            {
                "id": uuid4(),
                "organisation_id": org.id,
                "client_id": client_id,
                "deal_id": deal_id,
                "kind": kind,
                "subject": rng.choice(words.ACTIVITY_SUBJECTS[kind]),
                "direction": rng.choice(("inbound", "outbound"))
                if kind in ("call", "email")
                else None,
                "occurred_at": occurred,
                "duration_seconds": rng.randint(60, 1800) if kind in ("call", "meeting") else None,
                "author_id": responsible_id,
                "created_at": occurred,
            }
        )
    if outcome == "open" or rng.random() < 0.2:
        due = now + timedelta(days=rng.uniform(-10, 14))
        done = outcome != "open" or (due < now and rng.random() < 0.6)
        rows.tasks.append(
            {
                "id": uuid4(),
                "organisation_id": org.id,
                "client_id": client_id,
                "deal_id": deal_id,
                "title": rng.choice(words.TASK_TITLES),
                "assignee_id": responsible_id,
                "due_at": due,
                "priority": rng.choices(("low", "normal", "high"), weights=(2, 6, 2))[0],
                "done_at": min(due, now) if done else None,
                "done_by": responsible_id if done else None,
                "created_by": responsible_id,
                "created_at": min(created, due),
                "updated_at": min(created, due),
            }
        )


async def _calls(container: Container, org: _Org, rng: random.Random, now: datetime) -> None:
    """The sellers' calls of the last two weeks on their open deals, as a PBX would have
    reported them (no recordings: the demo has no audio), for the head to review and for the
    talk-time reports."""
    async with container.engine.begin() as conn:
        found = (
            await conn.execute(
                sa.select(
                    deals.c.id,
                    deals.c.client_id,
                    deals.c.responsible_id,
                    contact_phones.c.e164,
                )
                .join(
                    contacts,
                    sa.and_(
                        contacts.c.organisation_id == deals.c.organisation_id,
                        contacts.c.client_id == deals.c.client_id,
                    ),
                )
                .join(
                    contact_phones,
                    sa.and_(
                        contact_phones.c.organisation_id == contacts.c.organisation_id,
                        contact_phones.c.contact_id == contacts.c.id,
                    ),
                )
                .where(
                    deals.c.organisation_id == org.id,
                    deals.c.status == "open",
                    deals.c.responsible_id.in_(org.sellers),
                )
                .order_by(deals.c.created_at.desc(), deals.c.id)
                .limit(40)
            )
        ).all()
        rows = []
        for n, (deal_id, client_id, seller_id, phone) in enumerate(found):
            started = now - timedelta(days=rng.randint(0, 13), minutes=rng.randint(30, 600))
            answered = rng.random() < 0.8
            talk = rng.randint(40, 900) if answered else None
            rows.append(
                {
                    "id": uuid4(),
                    "organisation_id": org.id,
                    "provider": "generic",
                    "provider_call_id": f"demo-{n}",
                    "direction": rng.choice(("inbound", "outbound")),
                    "client_number": phone,
                    "company_number": "+74994509495",
                    "employee_id": seller_id,
                    "started_at": started,
                    "answered_at": started + timedelta(seconds=8) if answered else None,
                    "ended_at": started + timedelta(seconds=(talk or 0) + 8),
                    "result": "answered" if answered else "no_answer",
                    "duration_seconds": (talk or 0) + 8,
                    "talk_seconds": talk,
                    "client_id": client_id,
                    "deal_id": deal_id,
                    "last_heard_at": started,
                }
            )
        if rows:
            await _insert(conn, calls, rows)
