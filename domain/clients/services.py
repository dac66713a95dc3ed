"""Use cases of the clients context: clients, contacts, duplicates and merge, custom field
definitions and relationship follow-ups."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.auth.principal import Principal
from domain.clients.custom_fields import (
    CustomFieldDefinition,
    FieldEntity,
    FieldType,
    parse_custom_filters,
    validate_custom_fields,
)
from domain.clients.duplicates import DuplicateFound, DuplicatePair, group_hits
from domain.clients.errors import ClientMerged
from domain.clients.model import (
    Client,
    ClientView,
    Contact,
    RelationshipFollowUp,
    RelationshipTransition,
    RelationshipType,
    emails_of,
    messengers_of,
    optional_text,
    phone_region,
    phones_of,
)
from domain.clients.ports import ClientFilter, ClientSort
from domain.clients.relationship import recompute_relationship
from domain.platform.audit import diff, entry, record_change
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.concurrency import check_version
from domain.shared.errors import InvalidInput, NotFound
from domain.staff.permissions import Permission, Resource

PageFetcher = Callable[[ClientView | None, int], Awaitable[Sequence[ClientView]]]


async def _require_active_user(
    uow: UnitOfWork, principal: Principal, user_id: UUID, field_name: str = "responsible_id"
) -> None:
    user = await uow.users.get(principal.organisation_scope, user_id)
    if user is None or not user.is_active:
        raise InvalidInput(field_name, "must be an active user of this organisation")


async def _region(uow: UnitOfWork, principal: Principal, requested: str | None) -> str:
    organisation = await uow.organisations.get(principal.organisation_id)
    return phone_region(organisation.currency if organisation else None, requested)


async def load_client(
    uow: UnitOfWork, principal: Principal, client_id: UUID, *, for_update: bool = False
) -> Client:
    """A client the caller may see; 404 otherwise, naming the survivor of a merge."""
    client = await uow.clients.get(
        principal.scope_for(Resource.CLIENTS), client_id, for_update=for_update
    )
    if client is None:
        raise NotFound("Client", client_id)
    if client.merged_into_id is not None:
        raise ClientMerged(client_id, client.merged_into_id)
    return client


def sort_key(view: ClientView, sort: ClientSort) -> tuple[object, UUID]:
    """The keyset of a client in ``sort`` order (for next_cursor)."""
    return getattr(view.client, sort.column), view.client.id


def _parse_after(sort: ClientSort, values: Sequence[str] | None) -> tuple[object, UUID] | None:
    if values is None:
        return None
    try:
        ident = UUID(values[1])
        if sort.column == "name":
            return values[0], ident
        moment = datetime.fromisoformat(values[0])
    except (ValueError, IndexError) as exc:
        raise InvalidInput(("query", "cursor"), "is not a cursor of this sort order") from exc
    if moment.tzinfo is None:
        raise InvalidInput(("query", "cursor"), "is not a cursor of this sort order")
    return moment, ident


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


class ClientService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def create(
        self,
        principal: Principal,
        fields: Mapping[str, Any],
        *,
        contacts: Sequence[Mapping[str, Any]] = (),
        confirm_duplicate: bool = False,
        region: str | None = None,
    ) -> ClientView:
        principal.require(Permission.CLIENTS_WRITE)
        values = dict(fields)
        custom = values.pop("custom_fields", None) or {}
        responsible_id = values.pop("responsible_id", None) or principal.user_id
        if responsible_id is None:
            raise InvalidInput("responsible_id", "is required when an API key creates a client")
        now = self._clock.now()
        async with self._uow as uow:
            await _require_active_user(uow, principal, responsible_id)
            client = Client(
                organisation_id=principal.organisation_id,
                name=str(values.get("name") or ""),
                responsible_id=responsible_id,
                created_by=principal.user_id,
                created_at=now,
                updated_at=now,
            )
            client.change(**values)
            definitions = await uow.custom_fields.list(
                principal.organisation_scope, FieldEntity.CLIENT
            )
            client.custom_fields = validate_custom_fields(definitions, custom)
            phone_region_code = await _region(uow, principal, region)
            new_contacts = [
                contact_from(
                    c,
                    organisation_id=principal.organisation_id,
                    client_id=client.id,
                    region=phone_region_code,
                    created_by=principal.user_id,
                    at=now,
                )
                for c in contacts
            ]
            if not confirm_duplicate:
                hits = await uow.clients.find_duplicates(
                    principal.organisation_id,
                    name_key=client.name_key,
                    phones=[p.e164 for c in new_contacts for p in c.phones],
                    emails=[e for c in new_contacts for e in c.emails],
                    inn=client.inn,
                    edrpou=client.edrpou,
                    exclude_id=None,
                )
                if hits:
                    raise DuplicateFound(
                        "client",
                        group_hits(hits, await uow.users.names(principal.organisation_scope)),
                    )
            await uow.clients.add(client)
            await self._audit(uow, principal, "client", client.id, "create", {}, client.snapshot())
            for contact in new_contacts:
                await uow.contacts.add(contact)
                await self._audit(
                    uow, principal, "contact", contact.id, "create", {}, contact.snapshot()
                )
            await uow.commit()
            return ClientView(client=client, contacts=new_contacts)

    async def get(self, principal: Principal, client_id: UUID) -> ClientView:
        principal.require(Permission.CLIENTS_READ)
        async with self._uow as uow:
            client = await load_client(uow, principal, client_id)
            return (await self._views(uow, [client]))[0]

    async def update(
        self,
        principal: Principal,
        client_id: UUID,
        changes: Mapping[str, Any],
        *,
        expected_version: int | None = None,
        confirm_duplicate: bool = False,
    ) -> ClientView:
        principal.require(Permission.CLIENTS_WRITE)
        values = dict(changes)
        custom = values.pop("custom_fields", None)
        async with self._uow as uow:
            client = await load_client(uow, principal, client_id)
            version = check_version("Client", client.version, expected_version)
            before = client.snapshot()
            if values.get("responsible_id") is not None:
                await _require_active_user(uow, principal, values["responsible_id"])
            client.change(**values)
            if custom is not None:
                definitions = await uow.custom_fields.list(
                    principal.organisation_scope, FieldEntity.CLIENT
                )
                client.custom_fields = validate_custom_fields(
                    definitions, {**client.custom_fields, **custom}
                )
            identity_changed = {
                k: before[k] != getattr(client, k) for k in ("name", "inn", "edrpou")
            }
            if not confirm_duplicate and any(identity_changed.values()):
                hits = await uow.clients.find_duplicates(
                    principal.organisation_id,
                    name_key=client.name_key if identity_changed["name"] else None,
                    phones=(),
                    emails=(),
                    inn=client.inn if identity_changed["inn"] else None,
                    edrpou=client.edrpou if identity_changed["edrpou"] else None,
                    exclude_id=client.id,
                )
                if hits:
                    raise DuplicateFound(
                        "client",
                        group_hits(hits, await uow.users.names(principal.organisation_scope)),
                    )
            client.updated_at = self._clock.now()
            await uow.clients.update(client, version)
            await self._audit(
                uow, principal, "client", client.id, "update", before, client.snapshot()
            )
            await uow.commit()
            return (await self._views(uow, [client]))[0]

    async def list(
        self,
        principal: Principal,
        filters: ClientFilter,
        *,
        custom_params: Iterable[tuple[str, str]] = (),
        sort: ClientSort = ClientSort.NAME,
        limit: int = 50,
        after: Sequence[str] | None = None,
    ) -> Sequence[ClientView]:
        principal.require(Permission.CLIENTS_READ)
        async with self._uow as uow:
            filters = await self._with_custom(uow, principal, filters, custom_params)
            clients = await uow.clients.list(
                principal.scope_for(Resource.CLIENTS),
                filters,
                sort=sort,
                limit=limit,
                after=_parse_after(sort, after),
            )
            return await self._views(uow, clients)

    async def export_pages(
        self,
        principal: Principal,
        filters: ClientFilter,
        *,
        custom_params: Iterable[tuple[str, str]] = (),
        sort: ClientSort = ClientSort.NAME,
    ) -> PageFetcher:
        """Checks the caller and the filters now; the returned fetcher reads one keyset page
        per short unit of work, as a streamed export consumes them."""
        principal.require(Permission.CLIENTS_READ)
        async with self._uow as uow:
            filters = await self._with_custom(uow, principal, filters, custom_params)
        scope = principal.scope_for(Resource.CLIENTS)

        async def fetch(last: ClientView | None, limit: int) -> Sequence[ClientView]:
            async with self._uow as page_uow:
                clients = await page_uow.clients.list(
                    scope,
                    filters,
                    sort=sort,
                    limit=limit,
                    after=sort_key(last, sort) if last else None,
                )
                return await self._views(page_uow, clients)

        return fetch

    async def custom_field_definitions(
        self, principal: Principal
    ) -> Sequence[CustomFieldDefinition]:
        async with self._uow as uow:
            return await uow.custom_fields.list(principal.organisation_scope, FieldEntity.CLIENT)

    async def duplicates(
        self, principal: Principal, *, limit: int, after: tuple[UUID, UUID] | None = None
    ) -> Sequence[DuplicatePair]:
        principal.require(Permission.CLIENTS_READ)
        async with self._uow as uow:
            return await uow.clients.list_duplicate_pairs(
                principal.scope_for(Resource.CLIENTS), limit=limit, after=after
            )

    async def merge(
        self,
        principal: Principal,
        survivor_id: UUID,
        other_id: UUID,
        *,
        expected_version: int | None = None,
    ) -> ClientView:
        """The other client's contacts, deals, tasks, activities, comments, attachments and
        relationship history move to the survivor, which takes the values it lacks and keeps
        its responsible; the other is marked merged. One transaction."""
        principal.require(Permission.CLIENTS_WRITE)
        if survivor_id == other_id:
            raise InvalidInput("other_id", "a client cannot be merged into itself")
        async with self._uow as uow:
            # Lock in id order, so two merges of the same pair cannot deadlock.
            locked: dict[UUID, Client] = {}
            for ident in sorted((survivor_id, other_id)):
                locked[ident] = await load_client(uow, principal, ident, for_update=True)
            survivor, other = locked[survivor_id], locked[other_id]
            version = check_version("Client", survivor.version, expected_version)
            before = survivor.snapshot()
            survivor.absorb(other)
            now = self._clock.now()
            await uow.clients.move_children(
                principal.organisation_id, from_id=other.id, to_id=survivor.id
            )
            other_before = other.snapshot()
            other.merged_into_id = survivor.id
            other.updated_at = now
            survivor.updated_at = now
            await uow.clients.update(other, other.version)
            await uow.clients.update(survivor, version)
            changes = diff(before, survivor.snapshot())
            changes["merged_client_id"] = {"before": None, "after": str(other.id)}
            if other.responsible_id != survivor.responsible_id:
                # Two managers worked the same client: the survivor's keeps it.
                changes["merged_client_responsible_id"] = {
                    "before": str(other.responsible_id),
                    "after": str(survivor.responsible_id),
                }
            await uow.audit.add(
                entry(
                    principal,
                    organisation_id=principal.organisation_id,
                    entity_type="client",
                    entity_id=survivor.id,
                    action="merge",
                    changes=changes,
                    at=now,
                )
            )
            await self._audit(
                uow, principal, "client", other.id, "merge", other_before, other.snapshot()
            )
            await recompute_relationship(
                uow,
                self._clock,
                principal.organisation_id,
                survivor.id,
                reason="merge",
                actor_id=principal.user_id,
            )
            await uow.commit()
            merged = await load_client(uow, principal, survivor.id)
            return (await self._views(uow, [merged]))[0]

    async def record_inbound_request(
        self, principal: Principal, client_id: UUID, *, channel: str | None = None
    ) -> ClientView:
        """An inbound request (form, call, letter) recorded by hand; it makes a cold client
        potential."""
        principal.require(Permission.CLIENTS_WRITE)
        async with self._uow as uow:
            client = await load_client(uow, principal, client_id, for_update=True)
            before = client.snapshot()
            client.inbound_requests += 1
            client.updated_at = self._clock.now()
            await uow.clients.update(client, client.version)
            await self._audit(
                uow, principal, "client", client.id, "update", before, client.snapshot()
            )
            reason = "inbound_request" + (f": {channel.strip()[:150]}" if channel else "")
            await recompute_relationship(
                uow,
                self._clock,
                principal.organisation_id,
                client.id,
                reason=reason,
                actor_id=principal.user_id,
            )
            await uow.commit()
            client = await load_client(uow, principal, client_id)
            return (await self._views(uow, [client]))[0]

    async def relationship_history(
        self,
        principal: Principal,
        client_id: UUID,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[RelationshipTransition]:
        principal.require(Permission.CLIENTS_READ)
        async with self._uow as uow:
            await load_client(uow, principal, client_id)
            return await uow.clients.list_transitions(
                principal.organisation_id, client_id, limit=limit, after=after
            )

    @staticmethod
    async def _with_custom(
        uow: UnitOfWork,
        principal: Principal,
        filters: ClientFilter,
        params: Iterable[tuple[str, str]],
    ) -> ClientFilter:
        params = list(params)
        if not params:
            return filters
        definitions = await uow.custom_fields.list(principal.organisation_scope, FieldEntity.CLIENT)
        custom = parse_custom_filters(definitions, params)
        return replace(filters, custom=tuple(custom))

    @staticmethod
    async def _views(uow: UnitOfWork, clients: Sequence[Client]) -> Sequence[ClientView]:
        if not clients:
            return []
        contacts = await uow.contacts.list_for_clients(
            clients[0].organisation_id, [c.id for c in clients]
        )
        return [ClientView(client=c, contacts=contacts.get(c.id, [])) for c in clients]

    async def _audit(
        self,
        uow: UnitOfWork,
        principal: Principal,
        entity_type: str,
        entity_id: UUID,
        action: str,
        before: Mapping[str, object],
        after: Mapping[str, object],
    ) -> None:
        await record_change(
            uow.audit,
            principal,
            organisation_id=principal.organisation_id,
            entity_type=entity_type,
            entity_id=entity_id,
            action=action,
            before=before,
            after=after,
            at=self._clock.now(),
        )


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
                region=await _region(uow, principal, region),
                created_by=principal.user_id,
                at=self._clock.now(),
            )
            if not confirm_duplicate:
                await self._check_duplicates(uow, principal, contact, None)
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
                await _region(uow, principal, region),
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
            contact.updated_at = self._clock.now()
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


class CustomFieldService:
    """Definitions are organisation settings: everyone signed in reads them (forms need
    them), only administrators change them."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def list(
        self, principal: Principal, entity: FieldEntity | None = None
    ) -> Sequence[CustomFieldDefinition]:
        async with self._uow as uow:
            return await uow.custom_fields.list(principal.organisation_scope, entity)

    async def create(
        self,
        principal: Principal,
        *,
        entity: FieldEntity,
        key: str,
        label: str,
        type: FieldType,
        options: Sequence[str] = (),
        required: bool = False,
        position: int = 0,
    ) -> CustomFieldDefinition:
        principal.require(Permission.ORGANISATION_MANAGE)
        definition = CustomFieldDefinition(
            organisation_id=principal.organisation_id,
            entity=entity,
            key=key,
            label=label,
            type=type,
            options=list(options),
            required=required,
            position=position,
        )
        async with self._uow as uow:
            scope = principal.organisation_scope
            if any(d.key == key for d in await uow.custom_fields.list(scope, entity)):
                raise InvalidInput("key", f"a {entity.value} field with the key {key!r} exists")
            await uow.custom_fields.add(definition)
            await self._audit(uow, principal, definition, "create", {}, _snapshot(definition))
            await uow.commit()
            return definition

    async def update(
        self,
        principal: Principal,
        definition_id: UUID,
        *,
        expected_version: int | None = None,
        **changes: Any,
    ) -> CustomFieldDefinition:
        principal.require(Permission.ORGANISATION_MANAGE)
        async with self._uow as uow:
            definition = await self._load(uow, principal, definition_id)
            version = check_version("Custom field", definition.version, expected_version)
            before = _snapshot(definition)
            definition.change(**changes)
            await uow.custom_fields.update(definition, version)
            await self._audit(uow, principal, definition, "update", before, _snapshot(definition))
            await uow.commit()
            return definition

    async def delete(
        self, principal: Principal, definition_id: UUID, *, expected_version: int | None = None
    ) -> None:
        """Stored values stay in the records (and in exports of raw data) but are no longer
        validated or shown as fields."""
        principal.require(Permission.ORGANISATION_MANAGE)
        async with self._uow as uow:
            definition = await self._load(uow, principal, definition_id)
            check_version("Custom field", definition.version, expected_version)
            await uow.custom_fields.delete(principal.organisation_scope, definition_id)
            await self._audit(uow, principal, definition, "delete", _snapshot(definition), {})
            await uow.commit()

    @staticmethod
    async def _load(
        uow: UnitOfWork, principal: Principal, definition_id: UUID
    ) -> CustomFieldDefinition:
        definition = await uow.custom_fields.get(principal.organisation_scope, definition_id)
        if definition is None:
            raise NotFound("Custom field", definition_id)
        return definition

    async def _audit(
        self,
        uow: UnitOfWork,
        principal: Principal,
        definition: CustomFieldDefinition,
        action: str,
        before: Mapping[str, object],
        after: Mapping[str, object],
    ) -> None:
        await uow.audit.add(
            entry(
                principal,
                organisation_id=principal.organisation_id,
                entity_type="custom_field",
                entity_id=definition.id,
                action=action,
                changes=diff(before, after),
                at=self._clock.now(),
            )
        )


def _snapshot(d: CustomFieldDefinition) -> dict[str, object]:
    return {
        "entity": d.entity,
        "key": d.key,
        "label": d.label,
        "type": d.type,
        "options": list(d.options),
        "required": d.required,
        "position": d.position,
    }


class FollowUpService:
    """Tasks created for a client's responsible on entering a relationship type."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def list(self, principal: Principal) -> Sequence[RelationshipFollowUp]:
        principal.require(Permission.CLIENTS_READ)
        async with self._uow as uow:
            return await uow.relationship_follow_ups.list(principal.organisation_scope)

    async def create(
        self,
        principal: Principal,
        *,
        relationship_type: RelationshipType,
        task_title: str,
        due_in_days: int = 1,
        priority: str = "normal",
        is_active: bool = True,
    ) -> RelationshipFollowUp:
        principal.require(Permission.ORGANISATION_MANAGE)
        follow_up = RelationshipFollowUp(
            organisation_id=principal.organisation_id,
            relationship_type=relationship_type,
            task_title=task_title,
            due_in_days=due_in_days,
            priority=priority,
            is_active=is_active,
        )
        async with self._uow as uow:
            await uow.relationship_follow_ups.add(follow_up)
            await self._audit(
                uow, principal, follow_up, "create", {}, _follow_up_snapshot(follow_up)
            )
            await uow.commit()
            return follow_up

    async def update(
        self,
        principal: Principal,
        follow_up_id: UUID,
        *,
        expected_version: int | None = None,
        **changes: Any,
    ) -> RelationshipFollowUp:
        principal.require(Permission.ORGANISATION_MANAGE)
        async with self._uow as uow:
            follow_up = await self._load(uow, principal, follow_up_id)
            version = check_version("Follow-up", follow_up.version, expected_version)
            before = _follow_up_snapshot(follow_up)
            updated = RelationshipFollowUp(
                **{**{k: getattr(follow_up, k) for k in before}, **changes},
                id=follow_up.id,
                organisation_id=follow_up.organisation_id,
                created_at=follow_up.created_at,
                version=follow_up.version,
            )
            await uow.relationship_follow_ups.update(updated, version)
            await self._audit(
                uow, principal, updated, "update", before, _follow_up_snapshot(updated)
            )
            await uow.commit()
            return updated

    async def delete(
        self, principal: Principal, follow_up_id: UUID, *, expected_version: int | None = None
    ) -> None:
        principal.require(Permission.ORGANISATION_MANAGE)
        async with self._uow as uow:
            follow_up = await self._load(uow, principal, follow_up_id)
            check_version("Follow-up", follow_up.version, expected_version)
            await uow.relationship_follow_ups.delete(principal.organisation_scope, follow_up_id)
            await self._audit(
                uow, principal, follow_up, "delete", _follow_up_snapshot(follow_up), {}
            )
            await uow.commit()

    @staticmethod
    async def _load(
        uow: UnitOfWork, principal: Principal, follow_up_id: UUID
    ) -> RelationshipFollowUp:
        follow_up = await uow.relationship_follow_ups.get(
            principal.organisation_scope, follow_up_id
        )
        if follow_up is None:
            raise NotFound("Follow-up", follow_up_id)
        return follow_up

    async def _audit(
        self,
        uow: UnitOfWork,
        principal: Principal,
        follow_up: RelationshipFollowUp,
        action: str,
        before: Mapping[str, object],
        after: Mapping[str, object],
    ) -> None:
        await uow.audit.add(
            entry(
                principal,
                organisation_id=principal.organisation_id,
                entity_type="relationship_follow_up",
                entity_id=follow_up.id,
                action=action,
                changes=diff(before, after),
                at=self._clock.now(),
            )
        )


def _follow_up_snapshot(f: RelationshipFollowUp) -> dict[str, object]:
    return {
        "relationship_type": f.relationship_type,
        "task_title": f.task_title,
        "due_in_days": f.due_in_days,
        "priority": f.priority,
        "is_active": f.is_active,
    }
