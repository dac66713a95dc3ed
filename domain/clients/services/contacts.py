"""Contact use cases: the people of a client, their phones, e-mails and messengers, with
duplicate control."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from domain.auth.principal import Principal
from domain.clients.commands import NewContact, UpdateContact
from domain.clients.duplicates import DuplicateFound, group_hits, identity_keys
from domain.clients.model import Contact
from domain.clients.services.loading import load_client, phone_region_for
from domain.platform.audit import record_change
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.concurrency import check_version
from domain.shared.errors import NotFound
from domain.shared.patch import UNSET
from domain.staff.permissions import Permission, Resource


class ContactService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def create(
        self,
        principal: Principal,
        client_id: UUID,
        command: NewContact,
        *,
        confirm_duplicate: bool = False,
        region: str | None = None,
    ) -> Contact:
        principal.require(Permission.CLIENTS_WRITE)
        async with self._uow as uow:
            await load_client(uow, principal, client_id)
            contact = Contact.create(
                command,
                organisation_id=principal.organisation_id,
                client_id=client_id,
                region=await phone_region_for(uow, principal, region),
                at=self._clock.now(),
                by=principal.user_id,
            )
            await uow.clients.lock_identities(
                principal.organisation_id,
                identity_keys(phones=[p.e164 for p in contact.phones], emails=contact.emails),
            )
            if not confirm_duplicate:
                await self._check_duplicates(uow, principal, contact, None)
            contact.record_creation(at=self._clock.now(), by=principal.user_id)
            await uow.contacts.add(contact)
            await record_change(
                uow,
                principal,
                entity_type="contact",
                entity_id=contact.id,
                action="create",
                after=contact.snapshot(),
                at=self._clock.now(),
            )
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
        update: UpdateContact,
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
            if update.client_id is not UNSET and update.client_id != contact.client_id:
                await load_client(uow, principal, update.client_id)
            contact.apply(
                update,
                region=await phone_region_for(uow, principal, region),
                at=self._clock.now(),
                by=principal.user_id,
            )
            new_phones = [p.e164 for p in contact.phones if p.e164 not in old_phones]
            new_emails = [e for e in contact.emails if e not in old_emails]
            await uow.clients.lock_identities(
                principal.organisation_id, identity_keys(phones=new_phones, emails=new_emails)
            )
            if not confirm_duplicate:
                await self._check_duplicates(
                    uow,
                    principal,
                    contact,
                    contact.id,
                    phones=new_phones,
                    emails=new_emails,
                    check_name=contact.name_key != old_name,
                )
            await uow.contacts.update(contact, version)
            await record_change(
                uow,
                principal,
                entity_type="contact",
                entity_id=contact.id,
                action="update",
                before=before,
                after=contact.snapshot(),
                at=self._clock.now(),
            )
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
            # Its phones and e-mails no longer pair its client with others.
            await uow.clients.refresh_duplicate_candidates(
                principal.organisation_id, [contact.client_id], at=self._clock.now()
            )
            await record_change(
                uow,
                principal,
                entity_type="contact",
                entity_id=contact.id,
                action="delete",
                before=contact.snapshot(),
                at=self._clock.now(),
            )
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
