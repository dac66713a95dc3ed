"""Taking a lead in: the client and contact it belongs to, and the deal it opens or joins.

A lead whose phone or e-mail belongs to a client (the duplicate control of the clients context,
across the organisation whoever owns it) is that client's; one that has an open deal joins
it (the newest), otherwise a deal opens in the first stage of the form's funnel (the default
funnel when the form names none). A lead nobody knows becomes a new client (a person, or a
company when the form sent one) with a contact, and a deal. The client and deal are created
through the clients' and deals' own use cases, acting for the system in the same transaction
as the inbox item's outcome, so the relationship type, the counters and the events follow as
for any other client and deal. Who is responsible is distribution's choice
(``domain/intake/distribution.py``): the known client's manager or their substitute, else the
applying distribution rule among the people on duty, else the form's own list, else the first
active administrator; a lead nobody on duty could take is recorded unassigned with its deal
held by the head it escalates to. Every lead taken in is recorded (``intake_leads``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from domain.auth.principal import Principal
from domain.clients.commands import CreateClient, NewContact, PhoneInput
from domain.clients.duplicates import DuplicateReason, identity_keys
from domain.clients.model import ClientKind
from domain.clients.services.clients import ClientService
from domain.deals.commands import CreateDeal
from domain.deals.services import DealService
from domain.intake.distribution import Choice, Distributor, record_lead
from domain.intake.model import Form, InboxItem
from domain.intake.orders import Order
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import InvalidInput
from domain.shared.scope import Scope

_CONTACT_REASONS = frozenset({DuplicateReason.PHONE, DuplicateReason.EMAIL})
TITLE_MAX = 200


class NobodyToAssign(InvalidInput):
    def __init__(self) -> None:
        super().__init__("responsible_id", "the organisation has no active person to take the lead")


def system_principal(organisation_id: UUID) -> Principal:
    """The worker acting for the organisation (as the audit log's "system")."""
    return Principal(
        organisation_id=organisation_id, user_id=None, permissions=frozenset(), is_admin=True
    )


async def take_in(
    uow: UnitOfWork,
    clock: Clock,
    item: InboxItem,
    form: Form,
    lead: Mapping[str, Any],
    *,
    order: Order | None = None,
    not_to: UUID | None = None,
    lead_kind: str | None = None,
) -> dict[str, Any]:
    """Matches or creates the client, contact and deal; returns their ids and how it went
    (``match``: "new_client", "client" or "open_deal"). An ``order`` is a purchase of its
    own: it always opens a deal, with the order's lines, total and currency. ``not_to``: a
    person the lead does not go to for being the client's manager (the telemarketer who
    qualified it); distribution chooses instead. ``lead_kind``: the recorded lead's kind when
    it is not the item's source."""
    organisation_id = item.organisation_id
    system = system_principal(organisation_id)
    phones = [lead["phone"]] if lead.get("phone") else []
    emails = [lead["email"]] if lead.get("email") else []
    client_id: UUID | None = None
    responsible_id: UUID | None = None
    if phones or emails:
        await uow.clients.lock_identities(
            organisation_id, identity_keys(phones=phones, emails=emails, inn=None, edrpou=None)
        )
        hits = await uow.clients.find_duplicates(
            organisation_id,
            name_key=None,
            phones=phones,
            emails=emails,
            inn=None,
            edrpou=None,
            exclude_id=None,
        )
        known = next((h for h in hits if h.reason in _CONTACT_REASONS), None)
        if known is not None:
            client_id = known.id
            responsible_id = known.responsible_id
            if not_to is not None and responsible_id == not_to:
                responsible_id = None
    scope = Scope.organisation_wide(organisation_id)
    funnel = (
        await uow.funnels.get(scope, form.funnel_id) if form.funnel_id else None
    ) or await uow.funnels.default(scope)
    choice = await Distributor(uow.distribution, uow.departments).choose(
        organisation_id,
        clock.now(),
        lead=lead,
        form_id=form.id,
        source=lead.get("source"),
        funnel_id=funnel.id if funnel else None,
        responsible_id=responsible_id,
        form_rule=form.distribution,
    )
    if client_id is not None and order is None:
        deal_id = await uow.intake.open_deal_of(organisation_id, client_id)
        if deal_id is not None:
            found = {"client_id": str(client_id), "deal_id": str(deal_id), "match": "open_deal"}
            found["lead_id"] = await _lead_of(uow, clock, item, lead, found, choice, lead_kind)
            return found
    owner_id = choice.owner_id
    if owner_id is None:
        raise NobodyToAssign()
    match = "client"
    contact_id: UUID | None = None
    if client_id is None:
        view = await ClientService(uow, clock).create(
            system,
            _new_client(lead, owner_id),
            confirm_duplicate=True,
        )
        client_id = view.client.id
        contact_id = view.contacts[0].id if view.contacts else None
        match = "new_client"
    found = {"client_id": str(client_id), "match": match}
    if contact_id is not None:
        found["contact_id"] = str(contact_id)
    if funnel is None:
        found["deal_note"] = "The organisation has no funnel yet: no deal was opened"
        found["lead_id"] = await _lead_of(uow, clock, item, lead, found, choice, lead_kind)
        return found
    deal = await DealService(uow, clock).create(
        system,
        CreateDeal(
            client_id=client_id,
            contact_id=contact_id,
            title=_order_title(order, form) if order else _title(lead, form),
            funnel_id=funnel.id,
            responsible_id=owner_id,
            source_channel=_cut(lead.get("source"), 100),
            source_campaign=_cut(lead.get("campaign"), 200),
            utm=dict(lead.get("utm") or {}),
            **_order_values(order),
        ),
    )
    found["deal_id"] = str(deal.deal.id)
    found["lead_id"] = await _lead_of(uow, clock, item, lead, found, choice, lead_kind)
    return found


async def _lead_of(
    uow: UnitOfWork,
    clock: Clock,
    item: InboxItem,
    lead: Mapping[str, Any],
    found: Mapping[str, Any],
    choice: Choice,
    kind: str | None = None,
) -> str:
    """Records the lead with whom it went to; its id, for the inbox item's outcome."""
    recorded = await record_lead(
        uow.distribution, clock.now(), item, lead, found, choice, kind=kind
    )
    return str(recorded.id)


def _new_client(lead: Mapping[str, Any], responsible_id: UUID) -> CreateClient:
    person = lead.get("name") or lead.get("phone") or lead.get("email") or "Заявка с сайта"
    company = lead.get("company")
    contact = NewContact(
        full_name=_cut(person, 200) or "—",
        phones=[PhoneInput(lead["phone"])] if lead.get("phone") else [],
        emails=[lead["email"]] if lead.get("email") else [],
        is_primary=True,
    )
    return CreateClient(
        name=_cut(company or person, 200) or "—",
        kind=ClientKind.COMPANY if company else ClientKind.PERSON,
        source_channel=_cut(lead.get("source"), 100),
        source_campaign=_cut(lead.get("campaign"), 200),
        utm=dict(lead.get("utm") or {}),
        responsible_id=responsible_id,
        notes=_cut(lead.get("comment"), 5000),
        contacts=[contact],
    )


def _title(lead: Mapping[str, Any], form: Form) -> str:
    subject = lead.get("product") or lead.get("name") or lead.get("phone") or lead.get("email")
    title = f"{form.name}: {subject}" if subject else form.name
    return _cut(title, TITLE_MAX) or form.name


def _order_title(order: Order, form: Form) -> str:
    title = f"{form.name} №{order.order_id}" if order.order_id else form.name
    return _cut(title, TITLE_MAX) or form.name


def _order_values(order: Order | None) -> dict[str, Any]:
    if order is None:
        return {}
    return {"products": order.product_lines(), "amount": order.total, "currency": order.currency}


def _cut(value: Any, limit: int) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text[:limit] or None
