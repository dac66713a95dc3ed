"""SQL repository of contacts, with their phones and e-mails."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by, array

from adapters.db.repositories.base import SqlRepository, in_organisation
from adapters.db.repositories.clients import visible_client
from adapters.db.repositories.matching import DUPLICATE_LIMIT, contains, strict_similarity
from adapters.db.tables.clients import clients, contact_emails, contact_phones, contacts
from domain.clients.duplicates import NAME_SIMILARITY, DuplicateHit, DuplicateReason
from domain.clients.model import Contact, Messenger, Phone, PhoneKind, contact_name_key
from domain.shared.ids import new_id
from domain.shared.scope import Scope
from domain.shared.text import is_searchable


class SqlContactRepository(SqlRepository):
    async def add(self, contact: Contact) -> None:
        await self._conn.execute(
            sa.insert(contacts).values(
                id=contact.id,
                organisation_id=contact.organisation_id,
                created_by=contact.created_by,
                created_at=contact.created_at or sa.func.now(),
                updated_at=contact.updated_at or sa.func.now(),
                **_contact_values(contact),
            )
        )
        await self._write_channels(contact)
        self._collect(contact)

    async def add_many(self, many: Sequence[Contact]) -> None:
        """New contacts with their phones and e-mails: a statement per table for them all."""
        if not many:
            return
        await self._conn.execute(
            sa.insert(contacts),
            [
                {
                    "id": c.id,
                    "organisation_id": c.organisation_id,
                    "created_by": c.created_by,
                    "created_at": c.created_at,
                    "updated_at": c.updated_at,
                    **_contact_values(c),
                }
                for c in many
            ],
        )
        phones = [
            {
                "organisation_id": c.organisation_id,
                "contact_id": c.id,
                "client_id": c.client_id,
                "id": new_id(),
                "e164": p.e164,
                "raw": p.raw,
                "kind": p.kind.value,
                "position": i,
            }
            for c in many
            for i, p in enumerate(c.phones)
        ]
        emails = [
            {
                "organisation_id": c.organisation_id,
                "contact_id": c.id,
                "client_id": c.client_id,
                "id": new_id(),
                "email": e,
                "position": i,
            }
            for c in many
            for i, e in enumerate(c.emails)
        ]
        if phones:
            await self._conn.execute(sa.insert(contact_phones), phones)
        if emails:
            await self._conn.execute(sa.insert(contact_emails), emails)
        for contact in many:
            self._collect(contact)

    async def _write_channels(self, contact: Contact) -> None:
        for table in (contact_phones, contact_emails):
            await self._conn.execute(
                sa.delete(table).where(
                    table.c.organisation_id == contact.organisation_id,
                    table.c.contact_id == contact.id,
                )
            )
        common = {
            "organisation_id": contact.organisation_id,
            "contact_id": contact.id,
            "client_id": contact.client_id,
        }
        if contact.phones:
            await self._conn.execute(
                sa.insert(contact_phones),
                [
                    {
                        **common,
                        "id": new_id(),
                        "e164": p.e164,
                        "raw": p.raw,
                        "kind": p.kind.value,
                        "position": i,
                    }
                    for i, p in enumerate(contact.phones)
                ],
            )
        if contact.emails:
            await self._conn.execute(
                sa.insert(contact_emails),
                [
                    {**common, "id": new_id(), "email": e, "position": i}
                    for i, e in enumerate(contact.emails)
                ],
            )

    async def get(self, scope: Scope, contact_id: UUID) -> Contact | None:
        row = (
            await self._conn.execute(
                _with_channels(sa.select(contacts))
                .join(clients, _of_client())
                .where(
                    in_organisation(contacts, scope),
                    contacts.c.id == contact_id,
                    visible_client(scope),
                    clients.c.merged_into_id.is_(None),
                )
            )
        ).one_or_none()
        if row is None:
            return None
        return _hydrate([row])[0]

    async def update(self, contact: Contact, expected_version: int) -> None:
        await self._update_versioned(
            contacts,
            entity="Contact",
            ident=contact.id,
            organisation_id=contact.organisation_id,
            expected_version=expected_version,
            values={**_contact_values(contact), "updated_at": contact.updated_at or sa.func.now()},
        )
        contact.version = expected_version + 1
        await self._write_channels(contact)
        self._collect(contact)

    async def delete(self, scope: Scope, contact_id: UUID) -> None:
        await self._conn.execute(
            sa.delete(contacts).where(in_organisation(contacts, scope), contacts.c.id == contact_id)
        )

    async def list_for_clients(
        self, organisation_id: UUID, client_ids: Sequence[UUID]
    ) -> dict[UUID, list[Contact]]:
        result: dict[UUID, list[Contact]] = {cid: [] for cid in client_ids}
        if not client_ids:
            return result
        rows = await self._conn.execute(
            _for_clients_statement(),
            {"organisation_id": organisation_id, "client_ids": list(client_ids)},
        )
        for contact in _hydrate(rows):
            result.setdefault(contact.client_id, []).append(contact)
        return result

    async def list(
        self,
        scope: Scope,
        *,
        client_id: UUID | None,
        search: str | None,
        limit: int,
        after: tuple[str, UUID] | None = None,
    ) -> Sequence[Contact]:
        query = (
            sa.select(contacts)
            .join(clients, _of_client())
            .where(
                in_organisation(contacts, scope),
                visible_client(scope),
                clients.c.merged_into_id.is_(None),
            )
        )
        if client_id is not None:
            query = query.where(contacts.c.client_id == client_id)
        if search and search.strip() and not is_searchable(search):
            query = query.where(sa.false())
        elif search and search.strip():
            text = search.strip()
            options = [contains(contacts.c.name_key, contact_name_key(text))]
            digits = re.sub(r"\D", "", text)
            if len(digits) >= 3:
                options.append(
                    sa.exists().where(
                        *_of_contact(contact_phones),
                        contains(contact_phones.c.e164, digits),
                    )
                )
            options.append(
                sa.exists().where(
                    *_of_contact(contact_emails),
                    contains(contact_emails.c.email, text.lower()),
                )
            )
            query = query.where(sa.or_(*options))
        if after is not None:
            query = query.where(sa.tuple_(contacts.c.full_name, contacts.c.id) > sa.tuple_(*after))
        page = query.order_by(contacts.c.full_name, contacts.c.id).limit(limit).subquery()
        paged = _with_channels(sa.select(page), page).order_by(page.c.full_name, page.c.id)
        return _hydrate(await self._conn.execute(paged))

    async def find_duplicates(
        self,
        organisation_id: UUID,
        *,
        client_id: UUID,
        name_key: str,
        phones: Sequence[str],
        emails: Sequence[str],
        exclude_id: UUID | None,
    ) -> Sequence[DuplicateHit]:
        base = [
            contacts.c.organisation_id == organisation_id,
            clients.c.merged_into_id.is_(None),
        ]
        if exclude_id is not None:
            base.append(contacts.c.id != exclude_id)
        columns = (
            contacts.c.id,
            contacts.c.full_name,
            clients.c.responsible_id,
            contacts.c.client_id,
        )
        joined = contacts.join(clients, _of_client())
        queries: list[tuple[DuplicateReason, sa.Select[Any]]] = []
        if phones:
            queries.append(
                (
                    DuplicateReason.PHONE,
                    sa.select(*columns)
                    .select_from(joined.join(contact_phones, sa.and_(*_of_contact(contact_phones))))
                    .where(
                        *base,
                        contact_phones.c.organisation_id == organisation_id,
                        contact_phones.c.e164.in_(phones),
                    ),
                )
            )
        if emails:
            queries.append(
                (
                    DuplicateReason.EMAIL,
                    sa.select(*columns)
                    .select_from(joined.join(contact_emails, sa.and_(*_of_contact(contact_emails))))
                    .where(
                        *base,
                        contact_emails.c.organisation_id == organisation_id,
                        contact_emails.c.email.in_(emails),
                    ),
                )
            )
        if name_key:
            await strict_similarity(self._conn)
            queries.append(
                (
                    DuplicateReason.NAME,
                    sa.select(*columns)
                    .select_from(joined)
                    .where(
                        *base,
                        contacts.c.client_id == client_id,
                        contacts.c.name_key.op("%")(name_key),
                        sa.func.similarity(contacts.c.name_key, name_key) >= NAME_SIMILARITY,
                    ),
                )
            )
        hits: list[DuplicateHit] = []
        for reason, query in queries:
            for row in await self._conn.execute(query.distinct().limit(DUPLICATE_LIMIT)):
                hits.append(
                    DuplicateHit(
                        id=row.id,
                        name=row.full_name,
                        responsible_id=row.responsible_id,
                        reason=reason,
                        client_id=row.client_id,
                    )
                )
        return hits


def _with_channels(query: sa.Select[Any], of: Any = contacts) -> sa.Select[Any]:
    """``query`` of contact rows (of the contacts table, or ``of``, an alias of it) with each
    contact's phones (e164, raw, kind triples) and e-mails in order, as arrays: one round trip
    for any number of contacts. Correlated subqueries, evaluated for the rows returned only."""
    phone = array([contact_phones.c.e164, contact_phones.c.raw, contact_phones.c.kind])
    phones = (
        sa.select(sa.func.array_agg(aggregate_order_by(phone, contact_phones.c.position)))
        .where(
            contact_phones.c.organisation_id == of.c.organisation_id,
            contact_phones.c.contact_id == of.c.id,
        )
        .scalar_subquery()
    )
    emails = (
        sa.select(
            sa.func.array_agg(aggregate_order_by(contact_emails.c.email, contact_emails.c.position))
        )
        .where(
            contact_emails.c.organisation_id == of.c.organisation_id,
            contact_emails.c.contact_id == of.c.id,
        )
        .scalar_subquery()
    )
    # The arrays as asyncpg decodes them (lists of strings): SQLAlchemy's ARRAY type would
    # walk every element again in Python for a no-op item processor.
    return query.add_columns(
        sa.type_coerce(phones, sa.types.NullType()).label("channel_phones"),
        sa.type_coerce(emails, sa.types.NullType()).label("channel_emails"),
    )


@functools.cache
def _for_clients_statement() -> sa.Select[Any]:
    """The contacts of a page of clients with their phones and e-mails, primary first: built
    once (every client list page runs it), the organisation and the client ids as parameters."""
    organisation_id = sa.bindparam("organisation_id", type_=contacts.c.organisation_id.type)
    client_ids = sa.bindparam("client_ids", type_=ARRAY(contacts.c.client_id.type))
    return (
        _with_channels(sa.select(contacts))
        .where(
            contacts.c.organisation_id == organisation_id,
            contacts.c.client_id == sa.any_(client_ids),
        )
        .order_by(contacts.c.is_primary.desc(), contacts.c.full_name, contacts.c.id)
    )


def _hydrate(rows: Iterable[Any]) -> list[Contact]:
    """Contacts from rows of ``_with_channels``."""
    return [
        Contact(
            id=r.id,
            organisation_id=r.organisation_id,
            client_id=r.client_id,
            full_name=r.full_name,
            name_key=r.name_key,
            position=r.position,
            phones=[
                Phone(e164=e164, raw=raw, kind=PhoneKind(kind))
                for e164, raw, kind in r.channel_phones or ()
            ],
            emails=list(r.channel_emails or ()),
            messengers=[Messenger(kind=m["kind"], handle=m["handle"]) for m in r.messengers or []],
            notes=r.notes,
            is_primary=r.is_primary,
            created_by=r.created_by,
            created_at=r.created_at,
            updated_at=r.updated_at,
            version=r.version,
        )
        for r in rows
    ]


def _of_client() -> sa.ColumnElement[bool]:
    """Joins a contact to its client (same organisation, by the client's key)."""
    return sa.and_(
        clients.c.organisation_id == contacts.c.organisation_id,
        clients.c.id == contacts.c.client_id,
    )


def _of_contact(table: sa.Table) -> tuple[sa.ColumnElement[bool], ...]:
    """A phone's or e-mail's row belongs to the contact."""
    return (
        table.c.organisation_id == contacts.c.organisation_id,
        table.c.contact_id == contacts.c.id,
    )


def _contact_values(c: Contact) -> dict[str, Any]:
    return {
        "client_id": c.client_id,
        "full_name": c.full_name,
        "name_key": c.name_key,
        "position": c.position,
        "messengers": [{"kind": m.kind, "handle": m.handle} for m in c.messengers],
        "notes": c.notes,
        "is_primary": c.is_primary,
    }
