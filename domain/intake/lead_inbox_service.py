"""The lead inbox's use cases: list, count, take, assign, convert, mark as spam (the rules
are in ``domain.intake.lead_inbox``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.auth.principal import Principal
from domain.clients.commands import CreateClient, NewContact, PhoneInput, UpdateClient
from domain.clients.model import ClientKind
from domain.clients.services.clients import ClientService
from domain.deals.commands import CreateDeal, UpdateDeal
from domain.deals.model import DealStatus
from domain.deals.services import DealService
from domain.intake.lead_inbox import RESPONSE_TIME, InboxLead, LeadCounts, LeadFilter, LeadKind
from domain.intake.leads import Assignment, LeadStatus
from domain.platform.audit import record_change
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
)
from domain.shared.scope import Scope, Visibility
from domain.staff.permissions import Permission, Resource
from domain.staff.services.colleagues import require_active_colleague


class LeadInboxService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def list(
        self,
        principal: Principal,
        filters: LeadFilter,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[InboxLead]:
        principal.require(Permission.INTAKE_WRITE)
        async with self._uow as uow:
            return await uow.lead_inbox.list(_scope(principal), filters, limit=limit, after=after)

    async def counts(self, principal: Principal) -> LeadCounts:
        principal.require(Permission.INTAKE_WRITE)
        async with self._uow as uow:
            return await uow.lead_inbox.counts(
                _scope(principal), overdue_before=self._clock.now() - RESPONSE_TIME
            )

    async def get(self, principal: Principal, lead_id: UUID) -> InboxLead:
        principal.require(Permission.INTAKE_WRITE)
        async with self._uow as uow:
            return await _lead(uow, principal, lead_id)

    async def take(
        self, principal: Principal, lead_id: UUID, *, expected_version: int | None = None
    ) -> InboxLead:
        """The caller takes the lead; a lead someone else has (or took a moment ago) is a
        conflict."""
        principal.require(Permission.INTAKE_WRITE)
        user_id = principal.user_id
        if user_id is None:
            raise PermissionDenied("Only a person can take a lead")
        async with self._uow as uow:
            lead = await _lead(uow, principal, lead_id, expected_version)
            lead.take(user_id)
            if lead.is_held_by(user_id):
                return lead  # already theirs: its response time keeps counting
            await self._hand_to(uow, principal, lead, user_id, "take", user_id, lead.version)
            await uow.commit()
            return await _lead(uow, principal, lead_id)

    async def assign(
        self,
        principal: Principal,
        lead_id: UUID,
        assignee_id: UUID,
        *,
        expected_version: int | None = None,
    ) -> InboxLead:
        """A head hands the lead to someone in their reach."""
        principal.require(Permission.INTAKE_WRITE)
        if not may_assign(principal):
            raise PermissionDenied("Only a head (who sees a team's deals) assigns leads")
        async with self._uow as uow:
            lead = await _lead(uow, principal, lead_id, expected_version)
            lead.require_open()
            await require_active_colleague(uow, principal, assignee_id, "assignee_id")
            scope = _scope(principal)
            if not await uow.lead_inbox.reaches(scope, assignee_id):
                raise InvalidInput("assignee_id", "is not in your team")
            await self._hand_to(uow, principal, lead, assignee_id, "reassign", None, lead.version)
            await uow.commit()
            return await _lead(uow, principal, lead_id)

    async def convert(
        self, principal: Principal, lead_id: UUID, *, expected_version: int | None = None
    ) -> InboxLead:
        """Opens the client and deal the lead does not have yet, and closes it; an unassigned
        lead becomes the caller's."""
        principal.require(Permission.INTAKE_WRITE)
        async with self._uow as uow:
            lead = await _lead(uow, principal, lead_id, expected_version)
            lead.require_open()
            if lead.is_free:
                if principal.user_id is None:
                    raise PermissionDenied("Only a person can take a lead")
                lead.take(principal.user_id)
                await self._hand_to(
                    uow, principal, lead, principal.user_id, "take", principal.user_id, lead.version
                )
            client_id, deal_id = await self._open_client_and_deal(uow, principal, lead)
            # Moving the deal may have moved the lead along with it: close what is there now.
            current = await _lead(uow, principal, lead_id)
            await self._close(uow, principal, current, LeadStatus.CLOSED, client_id, deal_id)
            await uow.commit()
            return await _lead(uow, principal, lead_id)

    async def mark_spam(
        self, principal: Principal, lead_id: UUID, *, expected_version: int | None = None
    ) -> InboxLead:
        principal.require(Permission.INTAKE_WRITE)
        async with self._uow as uow:
            lead = await _lead(uow, principal, lead_id, expected_version)
            lead.require_open()
            await self._close(uow, principal, lead, LeadStatus.SPAM, lead.client_id, lead.deal_id)
            await uow.commit()
            return await _lead(uow, principal, lead_id)

    # --- helpers ------------------------------------------------------------------------

    async def _hand_to(
        self,
        uow: UnitOfWork,
        principal: Principal,
        lead: InboxLead,
        assignee_id: UUID,
        action: str,
        only_from: UUID | None,
        expected_version: int,
    ) -> None:
        now = self._clock.now()
        applied = await uow.lead_inbox.assign(
            lead.organisation_id,
            lead.id,
            assignee_id=assignee_id,
            assignment=Assignment.MANUAL,
            at=now,
            only_from=only_from,
            expected_version=expected_version,
        )
        if not applied:
            raise Conflict("Someone changed this lead a moment ago (it may have been taken)")
        await record_change(
            uow,
            principal,
            organisation_id=lead.organisation_id,
            entity_type="lead",
            entity_id=lead.id,
            action=action,
            before={"assignee_id": lead.assignee_id},
            after={"assignee_id": assignee_id},
            at=now,
        )
        previous, lead.assignee_id = lead.assignee_id, assignee_id
        if previous == assignee_id:
            return
        acting = _acting_for(principal)
        if lead.deal_id is not None and lead.match != "open_deal":
            deal = await uow.deals.get(Scope.organisation_wide(lead.organisation_id), lead.deal_id)
            if (
                deal is not None
                and deal.responsible_id != assignee_id
                and deal.status is DealStatus.OPEN
            ):
                await DealService(uow, self._clock).update(
                    acting, lead.deal_id, UpdateDeal(responsible_id=assignee_id)
                )
        if lead.client_id is not None and lead.match == "new_client":
            await ClientService(uow, self._clock).update(
                acting, lead.client_id, UpdateClient(responsible_id=assignee_id)
            )

    async def _open_client_and_deal(
        self, uow: UnitOfWork, principal: Principal, lead: InboxLead
    ) -> tuple[UUID | None, UUID | None]:
        assert lead.assignee_id is not None
        acting = _acting_for(principal)
        client_id, contact_id = lead.client_id, None
        if client_id is None:
            view = await ClientService(uow, self._clock).create(
                acting, _new_client(lead, lead.assignee_id), confirm_duplicate=True
            )
            client_id = view.client.id
            contact_id = view.contacts[0].id if view.contacts else None
        if lead.deal_id is not None:
            return client_id, lead.deal_id
        scope = Scope.organisation_wide(lead.organisation_id)
        form = (
            await uow.intake.get_form(scope, lead.channel_id)
            if lead.kind == LeadKind.FORM and lead.channel_id is not None
            else None
        )
        funnel = (
            await uow.funnels.get(scope, form.funnel_id) if form and form.funnel_id else None
        ) or await uow.funnels.default(scope)
        if funnel is None:
            raise InvalidInput("funnel_id", "the organisation has no funnel to open a deal in")
        deal = await DealService(uow, self._clock).create(
            acting,
            CreateDeal(
                client_id=client_id,
                contact_id=contact_id,
                title=_title(lead),
                funnel_id=funnel.id,
                responsible_id=lead.assignee_id,
                source_channel=_cut(lead.source, 100),
                source_campaign=_cut(lead.campaign, 200),
            ),
        )
        return client_id, deal.deal.id

    async def _close(
        self,
        uow: UnitOfWork,
        principal: Principal,
        lead: InboxLead,
        status: LeadStatus,
        client_id: UUID | None,
        deal_id: UUID | None,
    ) -> None:
        closed = await uow.lead_inbox.close(
            lead.organisation_id,
            lead.id,
            status=status,
            client_id=client_id,
            deal_id=deal_id,
            expected_version=lead.version,
        )
        if not closed:
            raise Conflict("Someone changed this lead a moment ago; reload it")
        await record_change(
            uow,
            principal,
            organisation_id=lead.organisation_id,
            entity_type="lead",
            entity_id=lead.id,
            action="close" if status is LeadStatus.CLOSED else "spam",
            before={"status": lead.status.value},
            after={"status": status.value, "client_id": client_id, "deal_id": deal_id},
            at=self._clock.now(),
        )


def may_assign(principal: Principal) -> bool:
    """A head (who sees a team's deals, or all of them) assigns leads to others."""
    return principal.can(Permission.INTAKE_WRITE) and (
        principal.reach(Resource.DEALS) is not Visibility.OWN
    )


def _scope(principal: Principal) -> Scope:
    return principal.scope_for(Resource.DEALS)


def _acting_for(principal: Principal) -> Principal:
    """The caller, with the right to change the lead's deal and client whoever holds them
    now (an unassigned lead's deal is held by an administrator): the audit log names them."""
    return Principal(
        organisation_id=principal.organisation_id,
        user_id=principal.user_id,
        permissions=frozenset(),
        is_admin=True,
        today=principal.today,
    )


async def _lead(
    uow: UnitOfWork, principal: Principal, lead_id: UUID, expected_version: int | None = None
) -> InboxLead:
    lead = await uow.lead_inbox.get(_scope(principal), lead_id)
    if lead is None:
        raise NotFound("Lead", lead_id)
    if expected_version is not None and expected_version != lead.version:
        raise PreconditionFailed("The lead was changed by someone else; reload and try again")
    return lead


def _new_client(lead: InboxLead, responsible_id: UUID) -> CreateClient:
    person = lead.person_name or lead.phone or lead.email or "Заявка"
    contact = NewContact(
        full_name=_cut(person, 200) or "—",
        phones=[PhoneInput(lead.phone)] if lead.phone else [],
        emails=[lead.email] if lead.email else [],
        is_primary=True,
    )
    return CreateClient(
        name=_cut(person, 200) or "—",
        kind=ClientKind.PERSON,
        source_channel=_cut(lead.source, 100),
        source_campaign=_cut(lead.campaign, 200),
        responsible_id=responsible_id,
        notes=_cut(lead.comment, 5000),
        contacts=[contact],
    )


def _title(lead: InboxLead) -> str:
    subject = lead.person_name or lead.phone or lead.email or ""
    prefix = lead.channel_name or ("Звонок" if lead.kind == LeadKind.TELEPHONY else "Заявка")
    return (_cut(f"{prefix}: {subject}" if subject else prefix, 200)) or prefix


def _cut(value: Any, limit: int) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text[:limit] or None
