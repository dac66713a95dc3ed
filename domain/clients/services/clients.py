"""Client use cases: create, edit, list and export, duplicates and merge, inbound requests and
the relationship history."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from uuid import UUID

from domain.auth.principal import Principal
from domain.clients.commands import CreateClient, UpdateClient
from domain.clients.custom_fields import (
    CustomFieldDefinition,
    FieldEntity,
    parse_custom_filters,
    validate_custom_fields,
)
from domain.clients.duplicates import (
    RESCAN_JOB,
    DuplicateFound,
    DuplicatePair,
    group_hits,
    identity_keys,
)
from domain.clients.model import (
    Client,
    ClientView,
    ClientWork,
    Contact,
    MergePreview,
    RelationshipTransition,
)
from domain.clients.ports import ClientFilter, ClientSort
from domain.clients.services.loading import load_client, phone_region_for
from domain.platform.audit import record_change, record_creations
from domain.platform.model import Job
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.concurrency import check_version
from domain.shared.errors import InvalidInput
from domain.shared.patch import UNSET
from domain.staff.permissions import Permission, Resource
from domain.staff.services.colleagues import require_active_colleague

# The list's total is counted up to this many clients (see ClientService.count).
COUNT_CAP = 10_000

PageFetcher = Callable[[ClientView | None, int], Awaitable[Sequence[ClientView]]]


def sort_key(view: ClientView, sort: ClientSort) -> tuple[object, UUID]:
    """The keyset of a client in ``sort`` order (for next_cursor). Last activity and next task
    are the client's work, read with the page from the same row the list sorted by."""
    holder = view.work if sort.nullable else view.client
    return getattr(holder, sort.column), view.client.id


class ClientService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def create(
        self,
        principal: Principal,
        command: CreateClient,
        *,
        confirm_duplicate: bool = False,
        region: str | None = None,
    ) -> ClientView:
        principal.require(Permission.CLIENTS_WRITE)
        responsible_id = command.responsible_id or principal.user_id
        if responsible_id is None:
            raise InvalidInput("responsible_id", "is required when an API key creates a client")
        now = self._clock.now()
        async with self._uow as uow:
            await require_active_colleague(uow, principal, responsible_id, "responsible_id")
            definitions = await uow.custom_fields.list(
                principal.organisation_scope, FieldEntity.CLIENT
            )
            client = Client.create(
                command,
                organisation_id=principal.organisation_id,
                responsible_id=responsible_id,
                custom_fields=validate_custom_fields(definitions, command.custom_fields),
                at=now,
                by=principal.user_id,
            )
            phone_region_code = await phone_region_for(uow, principal, region)
            new_contacts = _new_contacts(command, principal, client.id, phone_region_code, now)
            phones = [p.e164 for c in new_contacts for p in c.phones]
            emails = [e for c in new_contacts for e in c.emails]
            # Concurrent creates with the same phone, e-mail or tax id take turns from here,
            # so the second one sees the first when it checks.
            await uow.clients.lock_identities(
                principal.organisation_id,
                identity_keys(phones=phones, emails=emails, inn=client.inn, edrpou=client.edrpou),
            )
            if not confirm_duplicate:
                hits = await uow.clients.find_duplicates(
                    principal.organisation_id,
                    name_key=client.name_key,
                    phones=phones,
                    emails=emails,
                    inn=client.inn,
                    edrpou=client.edrpou,
                    exclude_id=None,
                )
                if hits:
                    raise DuplicateFound(
                        "client",
                        group_hits(hits, await uow.users.names(principal.organisation_scope)),
                    )
            client.record_creation(at=now, by=principal.user_id)
            await uow.clients.add(client)
            await record_change(
                uow,
                principal,
                entity_type="client",
                entity_id=client.id,
                action="create",
                after=client.snapshot(),
                at=self._clock.now(),
            )
            for contact in new_contacts:
                contact.record_creation(at=now, by=principal.user_id)
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
            work = await uow.clients.work(client.organisation_id, [client.id])
            return ClientView(
                client=client, contacts=new_contacts, work=work.get(client.id, ClientWork())
            )

    async def create_many(
        self, principal: Principal, commands: Sequence[tuple[UUID, CreateClient]]
    ) -> list[Client]:
        """Creates a batch of clients (a spreadsheet import, an exchange with 1C) as ``create``
        with ``confirm_duplicate`` does, each under the id given with it: the caller has
        matched them against the existing clients and each other. The checks that do not
        depend on the client run once, and the rows go in a statement per table; events and
        audit entries are the same as one by one."""
        principal.require(Permission.CLIENTS_WRITE)
        if not commands:
            return []
        now = self._clock.now()
        async with self._uow as uow:
            responsibles: set[UUID] = set()
            for _, command in commands:
                responsible_id = command.responsible_id or principal.user_id
                if responsible_id is None:
                    raise InvalidInput(
                        "responsible_id", "is required when an API key creates a client"
                    )
                if responsible_id not in responsibles:
                    await require_active_colleague(uow, principal, responsible_id, "responsible_id")
                    responsibles.add(responsible_id)
            definitions = await uow.custom_fields.list(
                principal.organisation_scope, FieldEntity.CLIENT
            )
            region = await phone_region_for(uow, principal, None)
            made: list[Client] = []
            new_contacts: list[Contact] = []
            keys: list[str] = []
            for client_id, command in commands:
                responsible_id = command.responsible_id or principal.user_id
                assert responsible_id is not None  # checked above
                client = Client.create(
                    command,
                    organisation_id=principal.organisation_id,
                    responsible_id=responsible_id,
                    custom_fields=validate_custom_fields(definitions, command.custom_fields),
                    at=now,
                    by=principal.user_id,
                )
                client.id = client_id
                mine = _new_contacts(command, principal, client.id, region, now)
                for contact in mine:
                    contact.record_creation(at=now, by=principal.user_id)
                client.record_creation(at=now, by=principal.user_id)
                made.append(client)
                new_contacts += mine
                keys += identity_keys(
                    phones=[p.e164 for c in mine for p in c.phones],
                    emails=[e for c in mine for e in c.emails],
                    inn=client.inn,
                    edrpou=client.edrpou,
                )
            # As create: a concurrent create of the same phone, e-mail or tax id waits.
            await uow.clients.lock_identities(principal.organisation_id, keys)
            await uow.clients.add_many(made)
            await uow.contacts.add_many(new_contacts)
            await record_creations(
                uow,
                principal,
                [("client", c.id, c.snapshot()) for c in made]
                + [("contact", c.id, c.snapshot()) for c in new_contacts],
                at=now,
            )
            await uow.commit()
            return made

    async def get(self, principal: Principal, client_id: UUID) -> ClientView:
        principal.require(Permission.CLIENTS_READ)
        async with self._uow as uow:
            client = await load_client(uow, principal, client_id)
            return (await self._views(uow, [client]))[0]

    async def update(
        self,
        principal: Principal,
        client_id: UUID,
        update: UpdateClient,
        *,
        expected_version: int | None = None,
        confirm_duplicate: bool = False,
    ) -> ClientView:
        principal.require(Permission.CLIENTS_WRITE)
        async with self._uow as uow:
            client = await load_client(uow, principal, client_id)
            version = check_version("Client", client.version, expected_version)
            before = client.snapshot()
            if update.responsible_id is not UNSET:
                await require_active_colleague(
                    uow, principal, update.responsible_id, "responsible_id"
                )
            custom = None
            if update.custom_fields is not UNSET:
                definitions = await uow.custom_fields.list(
                    principal.organisation_scope, FieldEntity.CLIENT
                )
                custom = validate_custom_fields(
                    definitions, client.custom_fields_with(update.custom_fields)
                )
            client.apply(update, at=self._clock.now(), by=principal.user_id, custom_fields=custom)
            identity_changed = {
                k: before[k] != getattr(client, k) for k in ("name", "inn", "edrpou")
            }
            await uow.clients.lock_identities(
                principal.organisation_id,
                identity_keys(
                    inn=client.inn if identity_changed["inn"] else None,
                    edrpou=client.edrpou if identity_changed["edrpou"] else None,
                ),
            )
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
            await uow.clients.update(client, version)
            await record_change(
                uow,
                principal,
                entity_type="client",
                entity_id=client.id,
                action="update",
                before=before,
                after=client.snapshot(),
                at=self._clock.now(),
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
        after: tuple[object, UUID] | None = None,
    ) -> Sequence[ClientView]:
        principal.require(Permission.CLIENTS_READ)
        async with self._uow as uow:
            filters = await self._with_custom(uow, principal, filters, custom_params)
            clients = await uow.clients.list(
                principal.scope_for(Resource.CLIENTS),
                filters,
                sort=sort,
                limit=limit,
                after=after,
            )
            return await self._views(uow, clients)

    async def count(
        self,
        principal: Principal,
        filters: ClientFilter,
        *,
        custom_params: Iterable[tuple[str, str]] = (),
        cap: int = COUNT_CAP,
    ) -> int:
        """How many clients the list's filters select, counted up to ``cap``: beyond it the
        exact figure costs more than it tells."""
        principal.require(Permission.CLIENTS_READ)
        async with self._uow as uow:
            filters = await self._with_custom(uow, principal, filters, custom_params)
            return await uow.clients.count(principal.scope_for(Resource.CLIENTS), filters, cap=cap)

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

    async def start_duplicate_rescan(self, principal: Principal) -> Job:
        """Recompute every stored duplicate pair of the organisation in the background (after
        a bulk load or an import that bypassed the API); the job reports its progress."""
        principal.require(Permission.ORGANISATION_MANAGE)
        async with self._uow as uow:
            job = Job(
                organisation_id=principal.organisation_id,
                kind=RESCAN_JOB,
                created_by=principal.user_id,
                created_at=self._clock.now(),
            )
            await uow.enqueue(job)
            await uow.commit()
            return job

    async def rescan_duplicates(
        self,
        organisation_id: UUID,
        *,
        progress: Callable[[int, str | None], Awaitable[None]] | None = None,
    ) -> dict[str, int]:
        """The rescan job's work: one transaction, so readers see the old pairs until the new
        ones replace them."""
        pairs = 0
        async with self._uow as uow:
            async for step in uow.clients.rescan_duplicate_candidates(
                organisation_id, at=self._clock.now()
            ):
                if step.pairs is not None:
                    pairs = step.pairs
                if progress is not None:
                    # Never 100 before the commit: the runner marks the job done after it.
                    await progress(min(step.percent, 99), step.message)
            await uow.commit()
        return {"pairs": pairs}

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
            now = self._clock.now()
            survivor.absorb(other, at=now, by=principal.user_id)
            await uow.clients.move_children(
                principal.organisation_id, from_id=other.id, to_id=survivor.id
            )
            other_before = other.snapshot()
            other.merged_into_id = survivor.id
            other.updated_at = now
            await uow.clients.update(other, other.version)
            await uow.clients.update(survivor, version)
            absorbed: dict[str, dict[str, object]] = {
                "merged_client_id": {"before": None, "after": other.id}
            }
            if other.responsible_id != survivor.responsible_id:
                # Two managers worked the same client: the survivor's keeps it.
                absorbed["merged_client_responsible_id"] = {
                    "before": other.responsible_id,
                    "after": survivor.responsible_id,
                }
            await record_change(
                uow,
                principal,
                entity_type="client",
                entity_id=survivor.id,
                action="merge",
                before=before,
                after=survivor.snapshot(),
                at=now,
                extra=absorbed,
            )
            await record_change(
                uow,
                principal,
                entity_type="client",
                entity_id=other.id,
                action="merge",
                before=other_before,
                after=other.snapshot(),
                at=self._clock.now(),
            )
            await uow.commit()
            merged = await load_client(uow, principal, survivor.id)
            return (await self._views(uow, [merged]))[0]

    async def merge_preview(
        self, principal: Principal, survivor_id: UUID, other_id: UUID
    ) -> MergePreview:
        """What ``merge`` would do, without doing it: both clients as they are, how many of
        the other's records would move, and which empty fields of the survivor it fills."""
        principal.require(Permission.CLIENTS_WRITE)
        if survivor_id == other_id:
            raise InvalidInput("other_id", "a client cannot be merged into itself")
        async with self._uow as uow:
            survivor = await load_client(uow, principal, survivor_id)
            other = await load_client(uow, principal, other_id)
            moves = await uow.clients.child_counts(principal.organisation_id, other.id)
            views = await self._views(uow, [survivor, other])
            return MergePreview(
                survivor=views[0],
                other=views[1],
                moves=moves,
                filled=MergePreview.filled_fields(survivor, other),
            )

    async def record_inbound_request(
        self, principal: Principal, client_id: UUID, *, channel: str | None = None
    ) -> ClientView:
        """An inbound request (form, call, letter) recorded by hand; it makes a cold client
        potential."""
        principal.require(Permission.CLIENTS_WRITE)
        async with self._uow as uow:
            client = await load_client(uow, principal, client_id, for_update=True)
            before = client.snapshot()
            client.receive_request(
                at=self._clock.now(),
                by=principal.user_id,
                channel=channel,
            )
            await uow.clients.update(client, client.version)
            await record_change(
                uow,
                principal,
                entity_type="client",
                entity_id=client.id,
                action="update",
                before=before,
                after=client.snapshot(),
                at=self._clock.now(),
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
        organisation_id = clients[0].organisation_id
        ids = [c.id for c in clients]
        contacts = await uow.contacts.list_for_clients(organisation_id, ids)
        work = await uow.clients.work(organisation_id, ids)
        return [
            ClientView(client=c, contacts=contacts.get(c.id, []), work=work.get(c.id, ClientWork()))
            for c in clients
        ]


def _new_contacts(
    command: CreateClient, principal: Principal, client_id: UUID, region: str, at: datetime
) -> list[Contact]:
    """The contacts a new client is created with; a refused one is named by its index (the
    form shows it on that contact's field)."""
    made: list[Contact] = []
    for index, new_contact in enumerate(command.contacts):
        try:
            made.append(
                Contact.create(
                    new_contact,
                    organisation_id=principal.organisation_id,
                    client_id=client_id,
                    region=region,
                    at=at,
                    by=principal.user_id,
                )
            )
        except InvalidInput as exc:
            raise exc.under("contacts", index) from None
    return made
