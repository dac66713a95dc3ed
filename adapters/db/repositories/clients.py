"""SQL repositories for the clients context: clients, contacts (with their phones and
e-mails), custom field definitions, relationship history and follow-up settings."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import array

from adapters.db.repositories.base import SqlRepository, in_organisation
from adapters.db.repositories.custom_fields import custom_field_condition
from adapters.db.repositories.visibility import visible
from adapters.db.tables.activities import activities, comments, tasks
from adapters.db.tables.clients import (
    clients,
    contact_emails,
    contact_phones,
    contacts,
    custom_field_definitions,
    relationship_follow_ups,
    relationship_transitions,
)
from adapters.db.tables.deals import deals
from adapters.db.tables.records import attachments
from domain.clients.custom_fields import (
    CustomFieldDefinition,
    FieldEntity,
    FieldType,
)
from domain.clients.duplicates import (
    NAME_SIMILARITY,
    DuplicateHit,
    DuplicatePair,
    DuplicateReason,
)
from domain.clients.model import (
    Client,
    ClientKind,
    Contact,
    Messenger,
    Phone,
    PhoneKind,
    RelationshipFollowUp,
    RelationshipTransition,
    RelationshipType,
    Temperature,
    contact_name_key,
    name_key,
)
from domain.clients.ports import ClientFilter, ClientSort, RelationshipCounts
from domain.shared.ids import new_id
from domain.shared.scope import Scope

_DUPLICATE_LIMIT = 10


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column: sa.ColumnElement[Any], text: str) -> sa.ColumnElement[bool]:
    # Values are compared in the form they are stored in (lower-cased by Python), so the
    # match does not depend on the database's locale, and the trigram indexes serve it.
    return column.like(f"%{_escape_like(text)}%", escape="\\")


async def _strict_similarity(conn: Any) -> None:
    """Make the indexable ``%`` operator mean "similar enough to be the same name"."""
    await conn.execute(
        sa.select(sa.func.set_config("pg_trgm.similarity_threshold", str(NAME_SIMILARITY), True))
    )


def _visible_client(scope: Scope) -> sa.ColumnElement[bool]:
    return sa.and_(in_organisation(clients, scope), visible(clients.c.responsible_id, scope))


class SqlClientRepository(SqlRepository):
    async def add(self, client: Client) -> None:
        await self._conn.execute(
            sa.insert(clients).values(
                id=client.id,
                organisation_id=client.organisation_id,
                created_by=client.created_by,
                created_at=client.created_at or sa.func.now(),
                updated_at=client.updated_at or sa.func.now(),
                **_client_values(client),
            )
        )

    async def get(
        self, scope: Scope, client_id: UUID, *, for_update: bool = False
    ) -> Client | None:
        query = sa.select(clients).where(_visible_client(scope), clients.c.id == client_id)
        if for_update:
            query = query.with_for_update(of=clients)
        row = (await self._conn.execute(query)).one_or_none()
        return _client(row._mapping) if row else None

    async def get_unscoped(self, organisation_id: UUID, client_id: UUID) -> Client | None:
        row = (
            await self._conn.execute(
                sa.select(clients)
                .where(clients.c.organisation_id == organisation_id, clients.c.id == client_id)
                .with_for_update()
            )
        ).one_or_none()
        return _client(row._mapping) if row else None

    async def update(self, client: Client, expected_version: int) -> None:
        await self._update_versioned(
            clients,
            entity="Client",
            ident=client.id,
            organisation_id=client.organisation_id,
            expected_version=expected_version,
            values={**_client_values(client), "updated_at": client.updated_at or sa.func.now()},
        )
        client.version = expected_version + 1

    async def list(
        self,
        scope: Scope,
        filters: ClientFilter,
        *,
        sort: ClientSort,
        limit: int,
        after: tuple[object, UUID] | None = None,
    ) -> Sequence[Client]:
        query = sa.select(clients).where(
            _visible_client(scope),
            clients.c.merged_into_id.is_(None),
            *_conditions(filters, scope.organisation_id),
        )
        column = clients.c[sort.column]
        if after is not None:
            key = sa.tuple_(column, clients.c.id)
            bound = sa.tuple_(sa.literal(after[0], column.type), sa.literal(after[1]))
            query = query.where(key < bound if sort.descending else key > bound)
        if sort.descending:
            query = query.order_by(column.desc(), clients.c.id.desc())
        else:
            query = query.order_by(column.asc(), clients.c.id.asc())
        rows = await self._conn.execute(query.limit(limit))
        return [_client(r._mapping) for r in rows]

    async def find_duplicates(
        self,
        organisation_id: UUID,
        *,
        name_key: str | None,
        phones: Sequence[str],
        emails: Sequence[str],
        inn: str | None,
        edrpou: str | None,
        exclude_id: UUID | None,
    ) -> Sequence[DuplicateHit]:
        base = [clients.c.organisation_id == organisation_id, clients.c.merged_into_id.is_(None)]
        if exclude_id is not None:
            base.append(clients.c.id != exclude_id)
        columns = (clients.c.id, clients.c.name, clients.c.responsible_id)
        queries: list[tuple[DuplicateReason, sa.Select[Any]]] = []
        if phones:
            queries.append(
                (
                    DuplicateReason.PHONE,
                    sa.select(*columns)
                    .join(contact_phones, contact_phones.c.client_id == clients.c.id)
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
                    .join(contact_emails, contact_emails.c.client_id == clients.c.id)
                    .where(
                        *base,
                        contact_emails.c.organisation_id == organisation_id,
                        contact_emails.c.email.in_(emails),
                    ),
                )
            )
        if inn:
            queries.append(
                (DuplicateReason.INN, sa.select(*columns).where(*base, clients.c.inn == inn))
            )
        if edrpou:
            queries.append(
                (
                    DuplicateReason.EDRPOU,
                    sa.select(*columns).where(*base, clients.c.edrpou == edrpou),
                )
            )
        if name_key:
            await _strict_similarity(self._conn)
            queries.append(
                (
                    DuplicateReason.NAME,
                    sa.select(*columns).where(
                        *base,
                        clients.c.name_key.op("%")(name_key),
                        sa.func.similarity(clients.c.name_key, name_key) >= NAME_SIMILARITY,
                    ),
                )
            )
        hits: list[DuplicateHit] = []
        for reason, query in queries:
            for row in await self._conn.execute(query.distinct().limit(_DUPLICATE_LIMIT)):
                hits.append(
                    DuplicateHit(
                        id=row.id, name=row.name, responsible_id=row.responsible_id, reason=reason
                    )
                )
        return hits

    async def list_duplicate_pairs(
        self, scope: Scope, *, limit: int, after: tuple[UUID, UUID] | None = None
    ) -> Sequence[DuplicatePair]:
        org = scope.organisation_id
        await _strict_similarity(self._conn)
        p1, p2 = contact_phones.alias("p1"), contact_phones.alias("p2")
        e1, e2 = contact_emails.alias("e1"), contact_emails.alias("e2")
        c1, c2 = clients.alias("c1"), clients.alias("c2")

        def pairs(a: Any, b: Any, on: Any, reason: DuplicateReason) -> sa.Select[Any]:
            return sa.select(
                a.c.client_id.label("a") if "client_id" in a.c else a.c.id.label("a"),
                b.c.client_id.label("b") if "client_id" in b.c else b.c.id.label("b"),
                sa.literal(reason.value).label("reason"),
            ).where(a.c.organisation_id == org, b.c.organisation_id == org, on)

        unmerged = sa.and_(c1.c.merged_into_id.is_(None), c2.c.merged_into_id.is_(None))
        found = sa.union_all(
            pairs(
                p1,
                p2,
                sa.and_(p1.c.e164 == p2.c.e164, p1.c.client_id < p2.c.client_id),
                DuplicateReason.PHONE,
            ),
            pairs(
                e1,
                e2,
                sa.and_(e1.c.email == e2.c.email, e1.c.client_id < e2.c.client_id),
                DuplicateReason.EMAIL,
            ),
            pairs(
                c1,
                c2,
                sa.and_(c1.c.inn == c2.c.inn, c1.c.id < c2.c.id, unmerged),
                DuplicateReason.INN,
            ),
            pairs(
                c1,
                c2,
                sa.and_(c1.c.edrpou == c2.c.edrpou, c1.c.id < c2.c.id, unmerged),
                DuplicateReason.EDRPOU,
            ),
            pairs(
                c1,
                c2,
                sa.and_(
                    c1.c.id < c2.c.id,
                    unmerged,
                    c1.c.name_key.op("%")(c2.c.name_key),
                    sa.func.similarity(c1.c.name_key, c2.c.name_key) >= NAME_SIMILARITY,
                ),
                DuplicateReason.NAME,
            ),
        ).subquery("found")
        first, second = clients.alias("first"), clients.alias("second")
        query = (
            sa.select(
                first.c.id.label("first_id"),
                first.c.name.label("first_name"),
                first.c.responsible_id.label("first_responsible_id"),
                second.c.id.label("second_id"),
                second.c.name.label("second_name"),
                second.c.responsible_id.label("second_responsible_id"),
                sa.func.array_agg(sa.distinct(found.c.reason)).label("reasons"),
            )
            .select_from(found)
            .join(first, first.c.id == found.c.a)
            .join(second, second.c.id == found.c.b)
            .where(
                first.c.organisation_id == org,
                second.c.organisation_id == org,
                first.c.merged_into_id.is_(None),
                second.c.merged_into_id.is_(None),
                visible(first.c.responsible_id, scope),
                visible(second.c.responsible_id, scope),
            )
            .group_by(first.c.id, second.c.id)
            .order_by(first.c.id, second.c.id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(sa.tuple_(first.c.id, second.c.id) > sa.tuple_(*after))
        order = list(DuplicateReason)
        return [
            DuplicatePair(
                first_id=r.first_id,
                first_name=r.first_name,
                first_responsible_id=r.first_responsible_id,
                second_id=r.second_id,
                second_name=r.second_name,
                second_responsible_id=r.second_responsible_id,
                reasons=tuple(sorted((DuplicateReason(x) for x in r.reasons), key=order.index)),
            )
            for r in await self._conn.execute(query)
        ]

    async def move_children(self, organisation_id: UUID, *, from_id: UUID, to_id: UUID) -> None:
        for table in (
            contacts,
            contact_phones,
            contact_emails,
            deals,
            tasks,
            activities,
            comments,
            attachments,
            relationship_transitions,
        ):
            await self._conn.execute(
                sa.update(table)
                .where(table.c.organisation_id == organisation_id, table.c.client_id == from_id)
                .values(client_id=to_id)
            )
        # Clients merged earlier into the absorbed one now point at the survivor.
        await self._conn.execute(
            sa.update(clients)
            .where(
                clients.c.organisation_id == organisation_id, clients.c.merged_into_id == from_id
            )
            .values(merged_into_id=to_id)
        )

    async def relationship_counts(
        self, organisation_id: UUID, client_id: UUID
    ) -> RelationshipCounts:
        row = (
            await self._conn.execute(
                sa.select(
                    sa.func.count().filter(deals.c.status == "won").label("won"),
                    sa.func.count().filter(deals.c.status == "open").label("open"),
                ).where(deals.c.organisation_id == organisation_id, deals.c.client_id == client_id)
            )
        ).one()
        inbound = await self._conn.scalar(
            sa.select(clients.c.inbound_requests).where(
                clients.c.organisation_id == organisation_id, clients.c.id == client_id
            )
        )
        return RelationshipCounts(
            won_deals=int(row.won or 0),
            open_deals=int(row.open or 0),
            inbound_requests=int(inbound or 0),
        )

    async def add_transition(self, transition: RelationshipTransition) -> None:
        await self._conn.execute(
            sa.insert(relationship_transitions).values(
                id=transition.id,
                organisation_id=transition.organisation_id,
                client_id=transition.client_id,
                from_type=transition.from_type.value if transition.from_type else None,
                to_type=transition.to_type.value,
                reason=transition.reason,
                deal_id=transition.deal_id,
                actor_id=transition.actor_id,
                at=transition.at,
            )
        )

    async def list_transitions(
        self,
        organisation_id: UUID,
        client_id: UUID,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[RelationshipTransition]:
        t = relationship_transitions
        query = sa.select(t).where(
            t.c.organisation_id == organisation_id, t.c.client_id == client_id
        )
        if after is not None:
            query = query.where(sa.tuple_(t.c.at, t.c.id) < sa.tuple_(*after))
        query = query.order_by(t.c.at.desc(), t.c.id.desc()).limit(limit)
        return [
            RelationshipTransition(
                id=r.id,
                organisation_id=r.organisation_id,
                client_id=r.client_id,
                from_type=RelationshipType(r.from_type) if r.from_type else None,
                to_type=RelationshipType(r.to_type),
                reason=r.reason,
                deal_id=r.deal_id,
                actor_id=r.actor_id,
                at=r.at,
            )
            for r in await self._conn.execute(query)
        ]


def _conditions(f: ClientFilter, organisation_id: UUID) -> list[sa.ColumnElement[bool]]:
    c = clients.c
    conditions: list[sa.ColumnElement[bool]] = []
    if f.responsible_ids:
        conditions.append(c.responsible_id.in_(f.responsible_ids))
    if f.relationship_types:
        conditions.append(c.relationship_type.in_([t.value for t in f.relationship_types]))
    if f.source_channels:
        conditions.append(c.source_channel.in_(f.source_channels))
    if f.temperatures:
        conditions.append(c.temperature.in_([t.value for t in f.temperatures]))
    if f.kind is not None:
        conditions.append(c.kind == f.kind.value)
    if f.tags:
        tags = array(list(f.tags), type_=sa.String(100))
        conditions.append(
            c.segment_tags.contains(tags) if f.all_tags else c.segment_tags.overlap(tags)
        )
    if f.created_from is not None:
        conditions.append(c.created_at >= f.created_from)
    if f.created_to is not None:
        conditions.append(c.created_at < f.created_to)
    if f.updated_from is not None:
        conditions.append(c.updated_at >= f.updated_from)
    if f.updated_to is not None:
        conditions.append(c.updated_at < f.updated_to)
    if f.search:
        search = _search(f.search, organisation_id)
        if search is not None:
            conditions.append(search)
    conditions.extend(custom_field_condition(clients.c.custom_fields, cf) for cf in f.custom)
    return conditions


def _search(text: str, organisation_id: UUID) -> sa.ColumnElement[bool] | None:
    """Client names, contact names, phones (any run of digits, in any format) and e-mails.

    Matching clients are collected by one UNION of index-served lookups (trigram indexes on
    each column) rather than by correlated EXISTS per client, which would scan every client.
    """
    text = text.strip()
    options: list[sa.ColumnElement[bool]] = []
    matches: list[sa.Select[Any]] = []
    key = name_key(text)
    if key:
        options.append(_contains(clients.c.name_key, key))
    person = contact_name_key(text)
    if person:
        matches.append(
            sa.select(contacts.c.client_id).where(
                contacts.c.organisation_id == organisation_id,
                _contains(contacts.c.name_key, person),
            )
        )
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 3 and len(digits) * 2 >= len(re.sub(r"\s", "", text)):
        variants = {digits}
        if len(digits) == 11 and digits.startswith("8"):
            variants.add("7" + digits[1:])  # the domestic 8 is the country code 7
        matches.append(
            sa.select(contact_phones.c.client_id).where(
                contact_phones.c.organisation_id == organisation_id,
                sa.or_(*(_contains(contact_phones.c.e164, v) for v in variants)),
            )
        )
        if len(digits) in (8, 10, 12):
            options.append(sa.or_(clients.c.inn == digits, clients.c.edrpou == digits))
    if not any(ch.isspace() for ch in text) and text:
        matches.append(
            sa.select(contact_emails.c.client_id).where(
                contact_emails.c.organisation_id == organisation_id,
                _contains(contact_emails.c.email, text.lower()),
            )
        )
    if matches:
        options.append(clients.c.id.in_(sa.union(*matches).scalar_subquery()))
    return sa.or_(*options) if options else None


def _client_values(c: Client) -> dict[str, Any]:
    return {
        "kind": c.kind.value,
        "name": c.name,
        "name_key": c.name_key,
        "legal_name": c.legal_name,
        "inn": c.inn,
        "kpp": c.kpp,
        "ogrn": c.ogrn,
        "edrpou": c.edrpou,
        "sector": c.sector,
        "segment_tags": list(c.segment_tags),
        "source_channel": c.source_channel,
        "source_campaign": c.source_campaign,
        "utm": dict(c.utm),
        "temperature": c.temperature.value,
        "relationship_type": c.relationship_type.value,
        "responsible_id": c.responsible_id,
        "custom_fields": dict(c.custom_fields),
        "notes": c.notes,
        "inbound_requests": c.inbound_requests,
        "merged_into_id": c.merged_into_id,
    }


def _client(m: Any) -> Client:
    return Client(
        id=m["id"],
        organisation_id=m["organisation_id"],
        kind=ClientKind(m["kind"]),
        name=m["name"],
        name_key=m["name_key"],
        legal_name=m["legal_name"],
        inn=m["inn"],
        kpp=m["kpp"],
        ogrn=m["ogrn"],
        edrpou=m["edrpou"],
        sector=m["sector"],
        segment_tags=list(m["segment_tags"] or []),
        source_channel=m["source_channel"],
        source_campaign=m["source_campaign"],
        utm=dict(m["utm"] or {}),
        temperature=Temperature(m["temperature"]),
        relationship_type=RelationshipType(m["relationship_type"]),
        responsible_id=m["responsible_id"],
        custom_fields=dict(m["custom_fields"] or {}),
        notes=m["notes"],
        inbound_requests=m["inbound_requests"],
        merged_into_id=m["merged_into_id"],
        created_by=m["created_by"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        version=m["version"],
    )


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

    async def _write_channels(self, contact: Contact) -> None:
        await self._conn.execute(
            sa.delete(contact_phones).where(contact_phones.c.contact_id == contact.id)
        )
        await self._conn.execute(
            sa.delete(contact_emails).where(contact_emails.c.contact_id == contact.id)
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
                sa.select(contacts)
                .join(clients, clients.c.id == contacts.c.client_id)
                .where(
                    in_organisation(contacts, scope),
                    contacts.c.id == contact_id,
                    _visible_client(scope),
                    clients.c.merged_into_id.is_(None),
                )
            )
        ).one_or_none()
        if row is None:
            return None
        return (await self._hydrate([row]))[0]

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
        rows = list(
            await self._conn.execute(
                sa.select(contacts)
                .where(
                    contacts.c.organisation_id == organisation_id,
                    contacts.c.client_id.in_(client_ids),
                )
                .order_by(contacts.c.is_primary.desc(), contacts.c.full_name, contacts.c.id)
            )
        )
        for contact in await self._hydrate(rows):
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
            .join(clients, clients.c.id == contacts.c.client_id)
            .where(
                in_organisation(contacts, scope),
                _visible_client(scope),
                clients.c.merged_into_id.is_(None),
            )
        )
        if client_id is not None:
            query = query.where(contacts.c.client_id == client_id)
        if search and search.strip():
            text = search.strip()
            options = [_contains(contacts.c.name_key, contact_name_key(text))]
            digits = re.sub(r"\D", "", text)
            if len(digits) >= 3:
                options.append(
                    sa.exists().where(
                        contact_phones.c.contact_id == contacts.c.id,
                        _contains(contact_phones.c.e164, digits),
                    )
                )
            options.append(
                sa.exists().where(
                    contact_emails.c.contact_id == contacts.c.id,
                    _contains(contact_emails.c.email, text.lower()),
                )
            )
            query = query.where(sa.or_(*options))
        if after is not None:
            query = query.where(sa.tuple_(contacts.c.full_name, contacts.c.id) > sa.tuple_(*after))
        query = query.order_by(contacts.c.full_name, contacts.c.id).limit(limit)
        return await self._hydrate(list(await self._conn.execute(query)))

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
        joined = contacts.join(clients, clients.c.id == contacts.c.client_id)
        queries: list[tuple[DuplicateReason, sa.Select[Any]]] = []
        if phones:
            queries.append(
                (
                    DuplicateReason.PHONE,
                    sa.select(*columns)
                    .select_from(
                        joined.join(contact_phones, contact_phones.c.contact_id == contacts.c.id)
                    )
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
                    .select_from(
                        joined.join(contact_emails, contact_emails.c.contact_id == contacts.c.id)
                    )
                    .where(
                        *base,
                        contact_emails.c.organisation_id == organisation_id,
                        contact_emails.c.email.in_(emails),
                    ),
                )
            )
        if name_key:
            await _strict_similarity(self._conn)
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
            for row in await self._conn.execute(query.distinct().limit(_DUPLICATE_LIMIT)):
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

    async def _hydrate(self, rows: Sequence[Any]) -> Sequence[Contact]:
        """Contacts with their phones and e-mails, two queries for any number of contacts."""
        ids = [r.id for r in rows]
        phones: dict[UUID, list[Phone]] = {i: [] for i in ids}
        emails: dict[UUID, list[str]] = {i: [] for i in ids}
        if ids:
            for p in await self._conn.execute(
                sa.select(contact_phones)
                .where(contact_phones.c.contact_id.in_(ids))
                .order_by(contact_phones.c.contact_id, contact_phones.c.position)
            ):
                phones[p.contact_id].append(Phone(e164=p.e164, raw=p.raw, kind=PhoneKind(p.kind)))
            for e in await self._conn.execute(
                sa.select(contact_emails)
                .where(contact_emails.c.contact_id.in_(ids))
                .order_by(contact_emails.c.contact_id, contact_emails.c.position)
            ):
                emails[e.contact_id].append(e.email)
        return [
            Contact(
                id=r.id,
                organisation_id=r.organisation_id,
                client_id=r.client_id,
                full_name=r.full_name,
                name_key=r.name_key,
                position=r.position,
                phones=phones[r.id],
                emails=emails[r.id],
                messengers=[
                    Messenger(kind=m["kind"], handle=m["handle"]) for m in r.messengers or []
                ],
                notes=r.notes,
                is_primary=r.is_primary,
                created_by=r.created_by,
                created_at=r.created_at,
                updated_at=r.updated_at,
                version=r.version,
            )
            for r in rows
        ]


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


class SqlCustomFieldRepository(SqlRepository):
    async def add(self, definition: CustomFieldDefinition) -> None:
        await self._conn.execute(
            sa.insert(custom_field_definitions).values(
                id=definition.id,
                organisation_id=definition.organisation_id,
                entity=definition.entity.value,
                key=definition.key,
                type=definition.type.value,
                **_definition_values(definition),
            )
        )

    async def get(self, scope: Scope, definition_id: UUID) -> CustomFieldDefinition | None:
        t = custom_field_definitions
        row = (
            await self._conn.execute(
                sa.select(t).where(in_organisation(t, scope), t.c.id == definition_id)
            )
        ).one_or_none()
        return _definition(row._mapping) if row else None

    async def list(
        self, scope: Scope, entity: FieldEntity | None = None
    ) -> Sequence[CustomFieldDefinition]:
        t = custom_field_definitions
        query = sa.select(t).where(in_organisation(t, scope))
        if entity is not None:
            query = query.where(t.c.entity == entity.value)
        query = query.order_by(t.c.entity, t.c.position, t.c.key)
        return [_definition(r._mapping) for r in await self._conn.execute(query)]

    async def update(self, definition: CustomFieldDefinition, expected_version: int) -> None:
        await self._update_versioned(
            custom_field_definitions,
            entity="Custom field",
            ident=definition.id,
            organisation_id=definition.organisation_id,
            expected_version=expected_version,
            values=_definition_values(definition),
        )
        definition.version = expected_version + 1

    async def delete(self, scope: Scope, definition_id: UUID) -> None:
        t = custom_field_definitions
        await self._conn.execute(
            sa.delete(t).where(in_organisation(t, scope), t.c.id == definition_id)
        )


def _definition_values(d: CustomFieldDefinition) -> dict[str, Any]:
    return {
        "label": d.label,
        "options": list(d.options),
        "required": d.required,
        "position": d.position,
    }


def _definition(m: Any) -> CustomFieldDefinition:
    return CustomFieldDefinition(
        id=m["id"],
        organisation_id=m["organisation_id"],
        entity=FieldEntity(m["entity"]),
        key=m["key"],
        label=m["label"],
        type=FieldType(m["type"]),
        options=list(m["options"] or []),
        required=m["required"],
        position=m["position"],
        created_at=m["created_at"],
        version=m["version"],
    )


class SqlRelationshipFollowUpRepository(SqlRepository):
    async def add(self, follow_up: RelationshipFollowUp) -> None:
        await self._conn.execute(
            sa.insert(relationship_follow_ups).values(
                id=follow_up.id,
                organisation_id=follow_up.organisation_id,
                **_follow_up_values(follow_up),
            )
        )

    async def get(self, scope: Scope, follow_up_id: UUID) -> RelationshipFollowUp | None:
        t = relationship_follow_ups
        row = (
            await self._conn.execute(
                sa.select(t).where(in_organisation(t, scope), t.c.id == follow_up_id)
            )
        ).one_or_none()
        return _follow_up(row._mapping) if row else None

    async def list(
        self, scope: Scope, relationship_type: RelationshipType | None = None
    ) -> Sequence[RelationshipFollowUp]:
        t = relationship_follow_ups
        query = sa.select(t).where(in_organisation(t, scope))
        if relationship_type is not None:
            query = query.where(t.c.relationship_type == relationship_type.value)
        query = query.order_by(t.c.relationship_type, t.c.created_at, t.c.id)
        return [_follow_up(r._mapping) for r in await self._conn.execute(query)]

    async def update(self, follow_up: RelationshipFollowUp, expected_version: int) -> None:
        await self._update_versioned(
            relationship_follow_ups,
            entity="Follow-up",
            ident=follow_up.id,
            organisation_id=follow_up.organisation_id,
            expected_version=expected_version,
            values=_follow_up_values(follow_up),
        )
        follow_up.version = expected_version + 1

    async def delete(self, scope: Scope, follow_up_id: UUID) -> None:
        t = relationship_follow_ups
        await self._conn.execute(
            sa.delete(t).where(in_organisation(t, scope), t.c.id == follow_up_id)
        )


def _follow_up_values(f: RelationshipFollowUp) -> dict[str, Any]:
    return {
        "relationship_type": f.relationship_type.value,
        "task_title": f.task_title,
        "due_in_days": f.due_in_days,
        "priority": f.priority,
        "is_active": f.is_active,
    }


def _follow_up(m: Any) -> RelationshipFollowUp:
    return RelationshipFollowUp(
        id=m["id"],
        organisation_id=m["organisation_id"],
        relationship_type=RelationshipType(m["relationship_type"]),
        task_title=m["task_title"],
        due_in_days=m["due_in_days"],
        priority=m["priority"],
        is_active=m["is_active"],
        created_at=m["created_at"],
        version=m["version"],
    )


class SqlFollowUpTaskWriter(SqlRepository):
    async def create_follow_up_task(
        self,
        *,
        organisation_id: UUID,
        client_id: UUID,
        assignee_id: UUID,
        title: str,
        due_at: datetime,
        priority: str,
        created_by: UUID | None,
    ) -> UUID:
        task_id = new_id()
        await self._conn.execute(
            sa.insert(tasks).values(
                id=task_id,
                organisation_id=organisation_id,
                client_id=client_id,
                title=title,
                assignee_id=assignee_id,
                due_at=due_at,
                priority=priority,
                origin="follow_up",
                created_by=created_by,
            )
        )
        return task_id
