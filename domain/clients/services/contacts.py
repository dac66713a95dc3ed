"""Contact use cases: the people of a client, their phones, e-mails and messengers, with
duplicate control."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.auth.principal import Principal
from domain.clients.duplicates import DuplicateFound, group_hits
from domain.clients.model import Contact, emails_of, messengers_of, optional_text, phones_of
from domain.clients.services.loading import load_client, phone_region_for
from domain.platform.audit import diff, entry
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.concurrency import check_version
from domain.shared.errors import InvalidInput, NotFound
from domain.staff.permissions import Permission, Resource


def contact_from(
    values: Mapping[str, Any],
    *,
    organisation_id: UUID,
    client_id: UUID,
    region: str,
    created_by: UUID | None,
    at: datetime,
) -> Contact:
    """A new contact from caller input: phones to E.164, e-mails lower-cased."""
    contact = Contact(
        organisation_id=organisation_id,
        client_id=client_id,
        full_name=values.get("full_name") or "",
        created_by=created_by,
        created_at=at,
        updated_at=at,
    )
    _apply_contact(contact, {k: v for k, v in values.items() if k != "full_name"}, region)
    return contact


def _apply_contact(contact: Contact, values: Mapping[str, Any], region: str) -> None:
    for key, value in values.items():
        if key == "full_name":
            contact.rename(value or "")
        elif key == "position":
            contact.position = optional_text(value, "position", 200)
        elif key == "notes":
            contact.notes = optional_text(value, "notes", 20000)
        elif key == "phones":
            contact.phones = phones_of(value or (), region=region)
        elif key == "emails":
            contact.emails = emails_of(value or ())
        elif key == "messengers":
            contact.messengers = messengers_of(value or ())
        elif key == "is_primary":
            contact.is_primary = bool(value)
        elif key == "client_id":
            contact.client_id = value
        else:
            raise InvalidInput(key, "cannot be changed")


class ContactService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def create(
        self,
        principal: Principal,
        client_id: UUID,
        values: Mapping[str, Any],
        *,
        confirm_duplicate: bool = False,
        region: str | None = None,
    ) -> Contact:
        principal.require(Permission.CLIENTS_WRITE)
        async with self._uow as uow:
            await load_client(uow, principal, client_id)
            contact = contact_from(
                values,
                organisation_id=principal.organisation_id,
                client_id=client_id,
                region=await phone_region_for(uow, principal, region),
                created_by=principal.user_id,
                at=self._clock.now(),
            )
            if not confirm_duplicate:
                await self._check_duplicates(uow, principal, contact, None)
            contact.record_creation(at=self._clock.now(), by=principal.user_id)
            await uow.contacts.add(contact)
            await self._audit(uow, principal, contact.id, "create", {}, contact.snapshot())
            await uow.commit()
            return contact

    async def get(self, principal: Principal, contact_id: UUID) -> Contact:
        principal.require(Permission.CLIENTS_READ)
        async with self._uow as uow:
            return await self._load(uow, principal, contact_id)

    async def list(
        self,
        principal: Principal,
        *,
        client_id: UUID | None = None,
        search: str | None = None,
        limit: int = 50,
        after: tuple[str, UUID] | None = None,
    ) -> Sequence[Contact]:
        principal.require(Permission.CLIENTS_READ)
        async with self._uow as uow:
            if client_id is not None:
                await load_client(uow, principal, client_id)
            return await uow.contacts.list(
                principal.scope_for(Resource.CLIENTS),
                client_id=client_id,
                search=search,
                limit=limit,
                after=after,
            )

    async def update(
        self,
        principal: Principal,
        contact_id: UUID,
        changes: Mapping[str, Any],
        *,
        expected_version: int | None = None,
        confirm_duplicate: bool = False,
        region: str | None = None,
    ) -> Contact:
        principal.require(Permission.CLIENTS_WRITE)
        async with self._uow as uow:
            contact = await self._load(uow, principal, contact_id)
            version = check_version("Contact", contact.version, expected_version)
            before = contact.snapshot()
            old_phones = {p.e164 for p in contact.phones}
            old_emails = set(contact.emails)
            old_name = contact.name_key
            if changes.get("client_id") not in (None, contact.client_id):
                await load_client(uow, principal, changes["client_id"])
            _apply_contact(
                contact,
                {k: v for k, v in changes.items() if not (k == "client_id" and v is None)},
                await phone_region_for(uow, principal, region),
            )
            if not confirm_duplicate:
                await self._check_duplicates(
                    uow,
                    principal,
                    contact,
                    contact.id,
                    phones=[p.e164 for p in contact.phones if p.e164 not in old_phones],
                    emails=[e for e in contact.emails if e not in old_emails],
                    check_name=contact.name_key != old_name,
                )
            contact.record_update(before, at=self._clock.now(), by=principal.user_id)
            await uow.contacts.update(contact, version)
            await self._audit(uow, principal, contact.id, "update", before, contact.snapshot())
            await uow.commit()
            return contact

    async def delete(
        self, principal: Principal, contact_id: UUID, *, expected_version: int | None = None
    ) -> None:
        principal.require(Permission.CLIENTS_WRITE)
        async with self._uow as uow:
            contact = await self._load(uow, principal, contact_id)
            check_version("Contact", contact.version, expected_version)
            await uow.contacts.delete(principal.scope_for(Resource.CLIENTS), contact_id)
            await self._audit(uow, principal, contact.id, "delete", contact.snapshot(), {})
            await uow.commit()

    @staticmethod
    async def _load(uow: UnitOfWork, principal: Principal, contact_id: UUID) -> Contact:
        contact = await uow.contacts.get(principal.scope_for(Resource.CLIENTS), contact_id)
        if contact is None:
            raise NotFound("Contact", contact_id)
        return contact

    @staticmethod
    async def _check_duplicates(
        uow: UnitOfWork,
        principal: Principal,
        contact: Contact,
        exclude_id: UUID | None,
        *,
        phones: Sequence[str] | None = None,
        emails: Sequence[str] | None = None,
        check_name: bool = True,
    ) -> None:
        hits = await uow.contacts.find_duplicates(
            principal.organisation_id,
            client_id=contact.client_id,
            name_key=contact.name_key if check_name else "",
            phones=[p.e164 for p in contact.phones] if phones is None else phones,
            emails=list(contact.emails) if emails is None else emails,
            exclude_id=exclude_id,
        )
        if hits:
            raise DuplicateFound(
                "contact", group_hits(hits, await uow.users.names(principal.organisation_scope))
            )

    async def _audit(
        self,
        uow: UnitOfWork,
        principal: Principal,
        contact_id: UUID,
        action: str,
        before: Mapping[str, object],
        after: Mapping[str, object],
    ) -> None:
        changes = diff(before, after)
        if not changes and action == "update":
            return
        await uow.audit.add(
            entry(
                principal,
                organisation_id=principal.organisation_id,
                entity_type="contact",
                entity_id=contact_id,
                action=action,
                changes=changes,
                at=self._clock.now(),
            )
        )
