"""SQL repository of clients: search and filters, duplicates, merge and the relationship
history."""

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
from adapters.db.repositories.matching import DUPLICATE_LIMIT, contains, strict_similarity
from adapters.db.repositories.visibility import visible
from adapters.db.tables.activities import activities, comments, tasks
from adapters.db.tables.clients import (
    clients,
    contact_emails,
    contact_phones,
    contacts,
    relationship_transitions,
)
from adapters.db.tables.deals import deals
from adapters.db.tables.records import attachments
from domain.clients.duplicates import NAME_SIMILARITY, DuplicateHit, DuplicatePair, DuplicateReason
from domain.clients.model import (
    Client,
    ClientKind,
    RelationshipTransition,
    RelationshipType,
    Temperature,
    contact_name_key,
    name_key,
)
from domain.clients.ports import ClientFilter, ClientSort, RelationshipCounts
from domain.shared.scope import Scope


def visible_client(scope: Scope) -> sa.ColumnElement[bool]:
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
        self._collect(client)

    async def get(
        self, scope: Scope, client_id: UUID, *, for_update: bool = False
    ) -> Client | None:
        query = sa.select(clients).where(visible_client(scope), clients.c.id == client_id)
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
        self._collect(client)

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
            visible_client(scope),
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
            await strict_similarity(self._conn)
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
            for row in await self._conn.execute(query.distinct().limit(DUPLICATE_LIMIT)):
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
        await strict_similarity(self._conn)
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
        options.append(contains(clients.c.name_key, key))
    person = contact_name_key(text)
    if person:
        matches.append(
            sa.select(contacts.c.client_id).where(
                contacts.c.organisation_id == organisation_id,
                contains(contacts.c.name_key, person),
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
                sa.or_(*(contains(contact_phones.c.e164, v) for v in variants)),
            )
        )
        if len(digits) in (8, 10, 12):
            options.append(sa.or_(clients.c.inn == digits, clients.c.edrpou == digits))
    if not any(ch.isspace() for ch in text) and text:
        matches.append(
            sa.select(contact_emails.c.client_id).where(
                contact_emails.c.organisation_id == organisation_id,
                contains(contact_emails.c.email, text.lower()),
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
