"""The world of the role matrix (test_role_matrix.py): two organisations, a caller of every
built-in role, records owned by each relation, the organisation-level settings the settings
endpoints act on, and cheap builders of fresh records for the cells that change or delete one.

Records go straight into the database (one INSERT each); settings go through the API as the
organisation's admin, since their services keep invariants (stage positions, secrets) that a
raw row would have to copy.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from httpx import AsyncClient

from adapters.bootstrap import Container
from adapters.db.tables.activities import activities, comments, notifications, tasks
from adapters.db.tables.billing import invoice_payments, invoices
from adapters.db.tables.callscripts import call_scripts
from adapters.db.tables.clients import clients, contacts
from adapters.db.tables.complaints import complaints
from adapters.db.tables.deals import deals
from adapters.db.tables.distribution import intake_leads
from adapters.db.tables.funnels import funnels, stages
from adapters.db.tables.kpi import kpi_plans
from adapters.db.tables.platform import saved_filters
from adapters.db.tables.staff import absences
from adapters.db.tables.telephony import calls
from domain.staff.model import User
from tests.api.attachments.support import API, insert
from tests.factories import Factory, Org, Session

# A call script of one step (the settings' script, and the body of the cells that write one).
MATRIX_SCRIPT: dict[str, Any] = {
    "name": "Скрипт",
    "steps": [
        {
            "id": "start",
            "text": "Интересно?",
            "answers": [{"id": "yes", "text": "Да", "outcome": "interested"}],
        }
    ],
}
PUBLIC_HOOK = "https://93.184.215.14/hooks"  # a literal public address: nothing is resolved

# Absences of one person must not overlap: every absence the matrix makes gets its own days.
_ABSENCE_DAYS = itertools.count()
# Plans are unique per subject, metric and period: every plan the matrix makes has its own week.
_PLAN_WEEKS = itertools.count()


def absence_days() -> tuple[str, str]:
    start = date(2090, 1, 1) + timedelta(days=3 * next(_ABSENCE_DAYS))
    return start.isoformat(), (start + timedelta(days=1)).isoformat()


@dataclass(frozen=True, slots=True)
class Settings:
    """One organisation's settings records, for the organisation-level operations."""

    role: uuid.UUID
    department: uuid.UUID
    funnel: uuid.UUID
    stages: tuple[uuid.UUID, ...]
    loss_reason: uuid.UUID
    custom_field: uuid.UUID
    document_type: uuid.UUID
    follow_up: uuid.UUID
    api_key: uuid.UUID
    webhook: uuid.UUID
    delivery: uuid.UUID
    job: uuid.UUID
    # A colleague with no records, so writes on them (schedule, reassign) disturb no cell.
    user: uuid.UUID
    successor: uuid.UUID
    inactive_user: uuid.UUID
    seller_role: uuid.UUID
    # An organisation's record another organisation's caller must not reach (audit).
    client: uuid.UUID
    # A website form and a request posted to it (the inbox).
    intake_form: uuid.UUID
    inbox_item: uuid.UUID
    # A PBX integration (telephony).
    telephony_integration: uuid.UUID
    # A 1C integration and an exchange session 1C opened with it.
    onec_integration: uuid.UUID
    onec_exchange: uuid.UUID
    # A lead distribution rule (round robin over a colleague).
    distribution_rule: uuid.UUID
    # A cross-sell reminder rule (retention).
    cross_sell_rule: uuid.UUID
    # A month's cost of a source (marketing).
    marketing_cost: uuid.UUID
    # An uploaded spreadsheet import of clients, mapped, not started.
    spreadsheet_import: uuid.UUID
    # An automation rule (a won deal notifies its responsible).
    automation_rule: uuid.UUID
    # A draft call list nobody is assigned to yet.
    call_list: uuid.UUID
    # A call script (a cold call of one step).
    call_script: uuid.UUID


@dataclass(frozen=True, slots=True)
class Records:
    """The records of one owner: a client with a second one (for merges), a deal in a funnel
    of two stages, and what hangs on them."""

    client: uuid.UUID
    spare_client: uuid.UUID
    deal: uuid.UUID
    next_stage: uuid.UUID
    loss_reason: uuid.UUID
    task: uuid.UUID
    activity: uuid.UUID
    comment: uuid.UUID
    attachment: str
    contact: uuid.UUID
    absence: uuid.UUID
    notification: uuid.UUID
    saved_filter: uuid.UUID
    # A lead the owner has taken (on the owner's deal), and the owner (to hand it to).
    lead: uuid.UUID
    holder: uuid.UUID
    # A partly paid invoice on the owner's deal, and its payment.
    invoice: uuid.UUID
    payment: uuid.UUID
    # A plan for the owner (a week's turnover).
    plan: uuid.UUID
    # A PBX's call on the owner's deal, its recording stored.
    call: uuid.UUID
    # A new complaint on the owner's client, the owner answering it.
    complaint: uuid.UUID
    # A call script of the owner's organisation (a run of it is saved on the owner's deal).
    call_script: uuid.UUID


@dataclass(slots=True)
class Owner:
    """Who owns a relation's records, and the organisation's admin who uploads for them."""

    org: Org
    user: User
    admin: Session


class Builder:
    """Records for an owner, each one INSERT (an upload is one API call)."""

    def __init__(self, factory: Factory) -> None:
        self.factory = factory
        self.c: Container = factory.container

    async def client(self, owner: Owner) -> uuid.UUID:
        name = f"ООО Матрица {uuid.uuid4().hex[:8]}"
        return await insert(
            self.c,
            clients,
            organisation_id=owner.org.id,
            kind="company",
            name=name,
            name_key=name.lower(),
            responsible_id=owner.user.id,
            created_by=owner.user.id,
        )

    async def deal(
        self, owner: Owner, client: uuid.UUID, *, status: str = "open"
    ) -> tuple[uuid.UUID, uuid.UUID]:
        """A deal in the first stage of a funnel of its own, and the funnel's second stage."""
        org = owner.org.id
        funnel = await insert(
            self.c, funnels, organisation_id=org, name=f"Воронка {uuid.uuid4().hex[:6]}"
        )
        first, second = [
            await insert(
                self.c,
                stages,
                organisation_id=org,
                funnel_id=funnel,
                name=name,
                position=position,
                probability=0,
            )
            for position, name in enumerate(("Заявка", "Переговоры"))
        ]
        now = datetime.now(UTC)
        deal = await insert(
            self.c,
            deals,
            organisation_id=org,
            client_id=client,
            title="Поставка",
            amount=100000,
            currency="RUB",
            funnel_id=funnel,
            stage_id=first,
            responsible_id=owner.user.id,
            stage_entered_at=now,
            created_by=owner.user.id,
            status=status,
            closed_at=None if status == "open" else now,
        )
        return deal, second

    def _on(self, owner: Owner, r: Records) -> dict[str, Any]:
        return {"organisation_id": owner.org.id, "client_id": r.client, "deal_id": r.deal}

    async def task(self, owner: Owner, r: Records, *, done: bool = False) -> uuid.UUID:
        now = datetime.now(UTC)
        return await insert(
            self.c,
            tasks,
            **self._on(owner, r),
            title="Перезвонить",
            assignee_id=owner.user.id,
            due_at=now + timedelta(days=1),
            created_by=owner.user.id,
            done_at=now if done else None,
        )

    async def complaint(self, owner: Owner, r: Records) -> uuid.UUID:
        return await insert(
            self.c,
            complaints,
            organisation_id=owner.org.id,
            client_id=r.client,
            kind="quality",
            description="Брак",
            owner_id=owner.user.id,
            deadline=datetime.now(UTC).date() + timedelta(days=3),
            created_by=owner.user.id,
        )

    async def activity(self, owner: Owner, r: Records) -> uuid.UUID:
        return await insert(
            self.c,
            activities,
            **self._on(owner, r),
            kind="call",
            subject="Звонок",
            occurred_at=datetime.now(UTC),
            author_id=owner.user.id,
        )

    async def comment(self, owner: Owner, r: Records) -> uuid.UUID:
        return await insert(
            self.c, comments, **self._on(owner, r), body="Обсуждение", author_id=owner.user.id
        )

    async def contact(self, owner: Owner, r: Records) -> uuid.UUID:
        name = f"Иван {uuid.uuid4().hex[:6]}"
        return await insert(
            self.c,
            contacts,
            organisation_id=owner.org.id,
            client_id=r.client,
            full_name=name,
            name_key=name.lower(),
            created_by=owner.user.id,
        )

    async def absence(self, owner: Owner) -> uuid.UUID:
        starts, ends = absence_days()
        return await insert(
            self.c,
            absences,
            organisation_id=owner.org.id,
            user_id=owner.user.id,
            kind="vacation",
            starts_on=date.fromisoformat(starts),
            ends_on=date.fromisoformat(ends),
            created_by=owner.user.id,
        )

    async def notification(self, owner: Owner) -> uuid.UUID:
        return await insert(
            self.c,
            notifications,
            organisation_id=owner.org.id,
            user_id=owner.user.id,
            kind="task_assigned",
            params={"task_title": "Матрица"},
        )

    async def saved_filter(self, owner: Owner) -> uuid.UUID:
        return await insert(
            self.c,
            saved_filters,
            organisation_id=owner.org.id,
            user_id=owner.user.id,
            list="clients",
            name=f"Фильтр {uuid.uuid4().hex[:8]}",
            query="temperature=hot",
        )

    async def plan(self, owner: Owner) -> uuid.UUID:
        return await insert(
            self.c,
            kpi_plans,
            organisation_id=owner.org.id,
            user_id=owner.user.id,
            metric="turnover",
            period_kind="week",
            period_start=date(2030, 1, 7) + timedelta(weeks=next(_PLAN_WEEKS)),
            target=1000,
        )

    async def lead(self, owner: Owner, r: Records) -> uuid.UUID:
        now = datetime.now(UTC)
        return await insert(
            self.c,
            intake_leads,
            organisation_id=owner.org.id,
            inbox_item_id=uuid.uuid4(),
            kind="form",
            person_name="Лид",
            client_id=r.client,
            deal_id=r.deal,
            received_at=now,
            assignee_id=owner.user.id,
            assigned_at=now,
            assignment="manual",
        )

    async def invoice(
        self, owner: Owner, r: Records, *, paid: bool = True
    ) -> tuple[uuid.UUID, uuid.UUID]:
        """An invoice on the owner's deal with one payment (``paid``), or with none."""
        org = owner.org.id
        invoice = await insert(
            self.c,
            invoices,
            organisation_id=org,
            deal_id=r.deal,
            client_id=r.client,
            number=f"M-{uuid.uuid4().hex[:12]}",
            issued_on=date(2026, 3, 2),
            amount=100000,
            currency="RUB",
            status="partly_paid" if paid else "issued",
            created_by=owner.user.id,
        )
        if not paid:
            return invoice, uuid.uuid4()
        payment = await insert(
            self.c,
            invoice_payments,
            organisation_id=org,
            invoice_id=invoice,
            paid_on=date(2026, 3, 3),
            amount=10,
            created_by=owner.user.id,
        )
        return invoice, payment

    async def attachment(self, owner: Owner, r: Records) -> str:
        # The organisation's admin uploads onto the owner's deal: the file is the deal's.
        uploaded = await self.factory.client.post(
            f"{API}/attachments",
            data={"document_type": "contract", "deal_id": str(r.deal)},
            files={"file": ("Договор.pdf", b"%PDF-1.4 matrix", "application/pdf")},
            headers=owner.admin.headers,
        )
        assert uploaded.status_code == 201, uploaded.text
        ident: str = uploaded.json()["id"]
        return ident

    async def call(self, owner: Owner, r: Records) -> uuid.UUID:
        ident = uuid.uuid4()
        key = f"{owner.org.id}/calls/{ident}"

        async def audio() -> AsyncIterator[bytes]:
            yield b"ID3 matrix"

        await self.c.storage.put(key, audio())
        return await insert(
            self.c,
            calls,
            id=ident,
            organisation_id=owner.org.id,
            provider="generic",
            provider_call_id=f"matrix-{ident}",
            direction="inbound",
            started_at=datetime.now(UTC),
            result="answered",
            employee_id=owner.user.id,
            client_id=r.client,
            deal_id=r.deal,
            recording_status="stored",
            recording_key=key,
            recording_size=10,
            recording_content_type="audio/mpeg",
        )

    async def call_script(self, owner: Owner) -> uuid.UUID:
        step = {
            "id": "start",
            "kind": "question",
            "text": "Интересно?",
            "answers": [
                {
                    "id": "yes",
                    "kind": "answer",
                    "text": "Да",
                    "next_step_id": None,
                    "outcome": "interested",
                }
            ],
        }
        return await insert(
            self.c,
            call_scripts,
            organisation_id=owner.org.id,
            name="Скрипт матрицы",
            start_step_id="start",
            steps=[step],
        )

    async def records(self, owner: Owner, loss_reason: uuid.UUID) -> Records:
        client = await self.client(owner)
        deal, next_stage = await self.deal(owner, client)
        base = Records(
            client=client,
            spare_client=await self.client(owner),
            deal=deal,
            next_stage=next_stage,
            loss_reason=loss_reason,
            task=uuid.uuid4(),
            activity=uuid.uuid4(),
            comment=uuid.uuid4(),
            attachment="",
            contact=uuid.uuid4(),
            absence=await self.absence(owner),
            notification=await self.notification(owner),
            saved_filter=await self.saved_filter(owner),
            lead=uuid.uuid4(),
            holder=owner.user.id,
            invoice=uuid.uuid4(),
            payment=uuid.uuid4(),
            plan=await self.plan(owner),
            call=uuid.uuid4(),
            complaint=uuid.uuid4(),
            call_script=await self.call_script(owner),
        )
        invoice, payment = await self.invoice(owner, base)
        return replace(
            base,
            invoice=invoice,
            payment=payment,
            task=await self.task(owner, base),
            activity=await self.activity(owner, base),
            comment=await self.comment(owner, base),
            attachment=await self.attachment(owner, base),
            contact=await self.contact(owner, base),
            lead=await self.lead(owner, base),
            call=await self.call(owner, base),
            complaint=await self.complaint(owner, base),
        )

    async def fresh(self, kind: str, owner: Owner, r: Records) -> Records:
        """``r`` with the record a mutating cell consumes made anew."""
        match kind:
            case "clients":
                return replace(
                    r, client=await self.client(owner), spare_client=await self.client(owner)
                )
            case "deal":
                deal, next_stage = await self.deal(owner, r.client)
                return replace(r, deal=deal, next_stage=next_stage)
            case "closed_deal":
                deal, next_stage = await self.deal(owner, r.client, status="won")
                return replace(r, deal=deal, next_stage=next_stage)
            case "task":
                return replace(r, task=await self.task(owner, r))
            case "done_task":
                return replace(r, task=await self.task(owner, r, done=True))
            case "activity":
                return replace(r, activity=await self.activity(owner, r))
            case "comment":
                return replace(r, comment=await self.comment(owner, r))
            case "contact":
                return replace(r, contact=await self.contact(owner, r))
            case "attachment":
                return replace(r, attachment=await self.attachment(owner, r))
            case "saved_filter":
                return replace(r, saved_filter=await self.saved_filter(owner))
            case "lead":
                return replace(r, lead=await self.lead(owner, r))
            case "invoice" | "unpaid_invoice":
                invoice, payment = await self.invoice(owner, r, paid=kind == "invoice")
                return replace(r, invoice=invoice, payment=payment)
            case "absence":
                return replace(r, absence=await self.absence(owner))
            case "plan":
                return replace(r, plan=await self.plan(owner))
            case "complaint":
                return replace(r, complaint=await self.complaint(owner, r))
        raise AssertionError(f"no fresh record of kind {kind}")


class SettingsBuilder:
    """Organisation-level records, made through the API as the organisation's admin."""

    def __init__(self, factory: Factory, org: Org, admin: Session) -> None:
        self.factory = factory
        self.org = org
        self.admin = admin
        self.http: AsyncClient = factory.client

    async def _post(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.http.post(API + path, json=body, headers=self.admin.headers)
        assert response.status_code in {200, 201, 202}, (path, response.text)
        found: dict[str, Any] = response.json()
        return found

    @staticmethod
    def _tag() -> str:
        return uuid.uuid4().hex[:8]

    async def role(self) -> uuid.UUID:
        return uuid.UUID((await self._post("/roles", {"name": f"Роль {self._tag()}"}))["id"])

    async def department(self) -> uuid.UUID:
        made = await self._post("/departments", {"name": f"Отдел {self._tag()}"})
        return uuid.UUID(made["id"])

    async def funnel(self) -> tuple[uuid.UUID, tuple[uuid.UUID, ...]]:
        made = await self._post(
            "/funnels",
            {"name": f"Воронка {self._tag()}", "stages": [{"name": "Один"}, {"name": "Два"}]},
        )
        return uuid.UUID(made["id"]), tuple(uuid.UUID(s["id"]) for s in made["stages"])

    async def loss_reason(self) -> uuid.UUID:
        made = await self._post("/loss-reasons", {"name": f"Причина {self._tag()}"})
        return uuid.UUID(made["id"])

    async def custom_field(self) -> uuid.UUID:
        made = await self._post(
            "/custom-fields",
            {"entity": "client", "key": f"f_{self._tag()}", "label": "Поле", "type": "string"},
        )
        return uuid.UUID(made["id"])

    async def document_type(self) -> uuid.UUID:
        made = await self._post("/document-types", {"code": f"d_{self._tag()}", "name": "Тип"})
        return uuid.UUID(made["id"])

    async def follow_up(self) -> uuid.UUID:
        made = await self._post(
            "/relationship-follow-ups",
            {"relationship_type": "potential", "task_title": f"Позвонить {self._tag()}"},
        )
        return uuid.UUID(made["id"])

    async def api_key(self) -> uuid.UUID:
        made = await self._post("/api-keys", {"name": f"Ключ {self._tag()}", "permissions": []})
        return uuid.UUID(made["id"])

    async def webhook(self) -> uuid.UUID:
        made = await self._post("/webhooks", {"url": PUBLIC_HOOK, "events": ["*"]})
        return uuid.UUID(made["id"])

    async def delivery(self, webhook: uuid.UUID) -> uuid.UUID:
        return uuid.UUID((await self._post(f"/webhooks/{webhook}/test"))["id"])

    async def job(self) -> uuid.UUID:
        return uuid.UUID((await self._post("/clients/duplicates/rescan"))["id"])

    async def user(self, *, is_active: bool = True) -> uuid.UUID:
        return (await self.factory.user(self.org, "seller", is_active=is_active)).id

    async def intake_form(self) -> tuple[uuid.UUID, str]:
        made = await self._post(
            "/intake/form-settings", {"name": f"Форма {self._tag()}", "rate_limit_per_minute": None}
        )
        return uuid.UUID(made["id"]), str(made["key"])

    async def inbox_item(self, form_key: str) -> uuid.UUID:
        posted = await self.http.post(
            f"{API}/intake/forms/{form_key}",
            content="name=Иван&phone=%2B79123456789".encode(),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert posted.status_code == 200, posted.text
        return uuid.UUID(posted.json()["id"])

    async def telephony_integration(self) -> uuid.UUID:
        made = await self._post(
            "/intake/telephony-settings", {"name": f"АТС {self._tag()}", "provider": "generic"}
        )
        return uuid.UUID(made["id"])

    async def onec_integration(self) -> uuid.UUID:
        made = await self._post(
            "/onec/integrations",
            {"name": f"1С {self._tag()}", "login": "site", "password": "1c-matrix-password"},
        )
        return uuid.UUID(made["id"])

    async def onec_exchange(self, integration: uuid.UUID) -> uuid.UUID:
        """An exchange session, opened as 1C opens it (checkauth with HTTP Basic)."""
        opened = await self.http.get(
            f"{API}/onec/{integration}/exchange",
            params={"type": "catalog", "mode": "checkauth"},
            auth=("site", "1c-matrix-password"),
        )
        assert opened.text.startswith("success\n"), opened.text
        self.http.cookies.clear()
        return uuid.UUID(opened.text.splitlines()[3].removeprefix("sessid="))

    async def distribution_rule(self) -> uuid.UUID:
        made = await self._post(
            "/intake/distribution-rules",
            {
                "name": f"Правило {self._tag()}",
                "kind": "round_robin",
                "user_ids": [str(await self.user())],
            },
        )
        return uuid.UUID(made["id"])

    async def cross_sell_rule(self) -> uuid.UUID:
        made = await self._post(
            "/retention/cross-sell-rules",
            {"product_pattern": f"Товар {self._tag()}", "after_days": 30, "suggestion": "Сервис"},
        )
        return uuid.UUID(made["id"])

    async def marketing_cost(self) -> uuid.UUID:
        made = await self._post(
            "/marketing/costs",
            {"month": "2026-11-01", "source": f"Источник {self._tag()}", "amount": "100"},
        )
        return uuid.UUID(made["id"])

    async def spreadsheet_import(self) -> uuid.UUID:
        response = await self.http.post(
            API + "/imports",
            data={"entity": "clients"},
            files={"file": ("clients.csv", f"Клиент\nИмпорт {self._tag()}\n".encode(), "text/csv")},
            headers=self.admin.headers,
        )
        assert response.status_code == 201, response.text
        return uuid.UUID(response.json()["id"])

    async def automation_rule(self) -> uuid.UUID:
        made = await self._post(
            "/automation/rules",
            {
                "name": f"Правило {self._tag()}",
                "trigger": {"kind": "deal_won"},
                "actions": [
                    {"kind": "notify", "recipient": {"kind": "responsible"}, "text": "Ура"}
                ],
            },
        )
        return uuid.UUID(made["id"])

    async def call_list(self) -> uuid.UUID:
        made = await self._post("/call-lists", {"name": f"Обзвон {self._tag()}"})
        return uuid.UUID(made["id"])

    async def call_script(self) -> uuid.UUID:
        made = await self._post("/call-scripts", MATRIX_SCRIPT)
        return uuid.UUID(made["id"])

    async def settings(self, client: uuid.UUID) -> Settings:
        funnel, funnel_stages = await self.funnel()
        webhook = await self.webhook()
        form, form_key = await self.intake_form()
        onec = await self.onec_integration()
        return Settings(
            role=await self.role(),
            department=await self.department(),
            funnel=funnel,
            stages=funnel_stages,
            loss_reason=await self.loss_reason(),
            custom_field=await self.custom_field(),
            document_type=await self.document_type(),
            follow_up=await self.follow_up(),
            api_key=await self.api_key(),
            webhook=webhook,
            delivery=await self.delivery(webhook),
            job=await self.job(),
            user=await self.user(),
            successor=await self.user(),
            inactive_user=await self.user(is_active=False),
            seller_role=self.org.roles["seller"].id,
            client=client,
            intake_form=form,
            inbox_item=await self.inbox_item(form_key),
            telephony_integration=await self.telephony_integration(),
            onec_integration=onec,
            onec_exchange=await self.onec_exchange(onec),
            distribution_rule=await self.distribution_rule(),
            cross_sell_rule=await self.cross_sell_rule(),
            marketing_cost=await self.marketing_cost(),
            spreadsheet_import=await self.spreadsheet_import(),
            automation_rule=await self.automation_rule(),
            call_list=await self.call_list(),
            call_script=await self.call_script(),
        )

    async def fresh(self, kind: str, s: Settings) -> Settings:
        """``s`` with the settings record a mutating cell consumes made anew."""
        match kind:
            case "role":
                return replace(s, role=await self.role())
            case "spreadsheet_import":
                return replace(s, spreadsheet_import=await self.spreadsheet_import())
            case "automation_rule":
                return replace(s, automation_rule=await self.automation_rule())
            case "intake_form":
                return replace(s, intake_form=(await self.intake_form())[0])
            case "telephony_integration":
                return replace(s, telephony_integration=await self.telephony_integration())
            case "onec_integration":
                return replace(s, onec_integration=await self.onec_integration())
            case "distribution_rule":
                return replace(s, distribution_rule=await self.distribution_rule())
            case "cross_sell_rule":
                return replace(s, cross_sell_rule=await self.cross_sell_rule())
            case "marketing_cost":
                return replace(s, marketing_cost=await self.marketing_cost())
            case "department":
                return replace(s, department=await self.department())
            case "funnel":
                funnel, funnel_stages = await self.funnel()
                return replace(s, funnel=funnel, stages=funnel_stages)
            case "loss_reason":
                return replace(s, loss_reason=await self.loss_reason())
            case "custom_field":
                return replace(s, custom_field=await self.custom_field())
            case "follow_up":
                return replace(s, follow_up=await self.follow_up())
            case "api_key":
                return replace(s, api_key=await self.api_key())
            case "webhook":
                webhook = await self.webhook()
                return replace(s, webhook=webhook, delivery=await self.delivery(webhook))
            case "user":
                return replace(s, user=await self.user())
            case "inactive_user":
                return replace(s, inactive_user=await self.user(is_active=False))
        raise AssertionError(f"no fresh setting of kind {kind}")
