"""SQL repository of clients: search and filters, duplicates, merge and the relationship
history."""

from __future__ import annotations

import builtins
import functools
import hashlib
import re
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.repositories.base import (
    EventCollector,
    SqlRepository,
    in_organisation,
    plan_with_values,
)
from adapters.db.repositories.custom_fields import custom_field_condition
from adapters.db.repositories.matching import DUPLICATE_LIMIT, contains, strict_similarity
from adapters.db.repositories.visibility import visible
from adapters.db.tables.activities import activities, comments, tasks
from adapters.db.tables.clients import (
    clients,
    contact_emails,
    contact_phones,
    contacts,
    duplicate_candidates,
    relationship_transitions,
)
from adapters.db.tables.complaints import complaint_transitions, complaints
from adapters.db.tables.deals import deals
from adapters.db.tables.records import attachments
from adapters.db.tables.staff import users
from domain.clients.duplicates import (
    NAME_BLOCK_LIMIT,
    NAME_SIMILARITY,
    SHARED_VALUE_LIMIT,
    DuplicateHit,
    DuplicatePair,
    DuplicateProbe,
    DuplicateReason,
    ScanProgress,
)
from domain.clients.model import (
    Client,
    ClientKind,
    ClientWork,
    RelationshipTransition,
    RelationshipType,
    Temperature,
    contact_name_key,
    name_key,
)
from domain.clients.ports import ClientFilter, ClientSort, RelationshipCounts
from domain.shared.scope import Scope
from domain.shared.text import is_searchable

# Up to this many matching clients (after the filters and the cursor), a search collects them and
# sorts them; beyond it, it walks the sort order (see SqlClientRepository._search_page).
SEARCH_ID_LIMIT = 2000


def visible_client(scope: Scope) -> sa.ColumnElement[bool]:
    return sa.and_(in_organisation(clients, scope), visible(clients.c.responsible_id, scope))


class SqlClientRepository(SqlRepository):
    def __init__(self, connection: AsyncConnection, collect: EventCollector) -> None:
        super().__init__(connection, collect)
        # Clients whose pairs the transaction asked to refresh, by organisation, with the
        # latest time asked; refreshed together by flush_duplicate_candidates at commit.
        self._stale_pairs: dict[UUID, tuple[dict[UUID, None], datetime]] = {}

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

    async def add_many(self, many: Sequence[Client]) -> None:
        if not many:
            return
        await self._conn.execute(
            sa.insert(clients),
            [
                {
                    "id": c.id,
                    "organisation_id": c.organisation_id,
                    "created_by": c.created_by,
                    "created_at": c.created_at,
                    "updated_at": c.updated_at,
                    **_client_values(c),
                }
                for c in many
            ],
        )
        for client in many:
            self._collect(client)

    async def get(
        self, scope: Scope, client_id: UUID, *, for_update: bool = False
    ) -> Client | None:
        query = sa.select(clients).where(visible_client(scope), clients.c.id == client_id)
        if for_update:
            # NO KEY UPDATE: rows that reference the client (a new deal, activity, contact)
            # hold KEY SHARE on it, which FOR UPDATE would wait for, deadlocking two such
            # inserts that then both lock the client (the relationship handler does).
            query = query.with_for_update(of=clients, key_share=True)
        row = (await self._conn.execute(query)).one_or_none()
        return _client(row._mapping) if row else None

    async def get_unscoped(self, organisation_id: UUID, client_id: UUID) -> Client | None:
        row = (
            await self._conn.execute(
                sa.select(clients)
                .where(clients.c.organisation_id == organisation_id, clients.c.id == client_id)
                .with_for_update(key_share=True)  # NO KEY UPDATE: see get()
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
        column = clients.c[sort.column]
        page_ids = await self._search_page(scope, filters, sort=sort, limit=limit, after=after)
        if page_ids is not None:
            # The page's few rows by primary key, sorted by an expression of the sort's order
            # that no index gives (else the planner may walk the sort column's index for them).
            by_key = sa.select(clients).where(
                in_organisation(clients, scope),
                clients.c.id == sa.any_(sa.literal(page_ids, ARRAY(clients.c.id.type))),
            )
            rows = await self._conn.execute(
                by_key.order_by(*_ordering(_opaque(column), sort)).limit(limit)
            )
            return [_client(r._mapping) for r in rows]
        query = self._filtered(sa.select(clients), scope, filters)
        if after is not None:
            query = query.where(_after(column, sort, after))
        rows = await self._conn.execute(query.order_by(*_ordering(column, sort)).limit(limit))
        return [_client(r._mapping) for r in rows]

    async def count(self, scope: Scope, filters: ClientFilter, *, cap: int) -> int:
        query = self._filtered(sa.select(clients.c.id), scope, filters)
        capped = query.limit(cap).subquery()
        return int(await self._conn.scalar(sa.select(sa.func.count()).select_from(capped)) or 0)

    @staticmethod
    def _filtered(query: sa.Select[Any], scope: Scope, filters: ClientFilter) -> sa.Select[Any]:
        """``query`` restricted to the visible, unmerged clients the filters select, a search
        as a condition checked per row (the clients' own name, or their id among the contact
        tables' matches, a hashed set)."""
        query = query.where(*_listed(scope, filters))
        search = _search(filters.search or "", scope.organisation_id)
        if search is not None:
            options, matches = search
            if matches:
                options.append(clients.c.id.in_(sa.union(*matches).scalar_subquery()))
            query = query.where(sa.or_(*options) if options else sa.false())
        return query

    async def _search_page(
        self,
        scope: Scope,
        filters: ClientFilter,
        *,
        sort: ClientSort,
        limit: int,
        after: tuple[object, UUID] | None,
    ) -> builtins.list[UUID] | None:
        """The ids of a search's page, in the sort order, when the search matches at most
        SEARCH_ID_LIMIT clients (after the filters, the visibility and the cursor); None when
        there is no search, or it matches more (then walking the sort order finds a page of them
        soon, ``_filtered``).

        One statement: the clients whose own name matches, by the names' trigram index, with
        their sort value read from the same heap pages the index check reads anyway, and the
        clients of the matching contacts, phones and e-mails (their own trigram indexes), by
        key; then how many, and the first ``limit`` in the sort order. The page's rows are then
        read by key: each match's row is read once, not again to sort them."""
        search = _search(filters.search or "", scope.organisation_id)
        if search is None:
            return None
        options, matches = search
        if not options and not matches:
            return []
        column = clients.c[sort.column]
        conditions = _listed(scope, filters)
        if after is not None:
            conditions.append(_after(column, sort, after))
        over = SEARCH_ID_LIMIT + 1
        branches: builtins.list[sa.Select[Any]] = []
        overflow: sa.ColumnElement[bool] = sa.false()
        if options:
            branches.append(
                sa.select(clients.c.id, column.label("k"))
                .where(sa.or_(*options), *conditions)
                .limit(over)
            )
        if matches:
            # The contact tables' matching client ids, bounded: more than the limit and the
            # search walks the sort order instead.
            found = sa.union(*matches).limit(over).cte("found")
            branches.append(
                sa.select(clients.c.id, column.label("k")).where(
                    clients.c.id
                    == sa.any_(sa.func.array(sa.select(found.c.client_id).scalar_subquery())),
                    *conditions,
                )
            )
            overflow = sa.select(sa.func.count()).select_from(found).scalar_subquery() > (
                SEARCH_ID_LIMIT
            )
        matched = (sa.union(*branches) if len(branches) > 1 else branches[0]).cte("matched")
        first = sa.select(matched.c.id).order_by(*_ordering(matched.c.k, sort, matched.c.id))
        total, overflowed, ids = (
            await self._conn.execute(
                sa.select(
                    sa.select(sa.func.count()).select_from(matched).scalar_subquery(),
                    overflow,
                    sa.func.array(first.limit(limit).scalar_subquery()),
                )
            )
        ).one()
        if total > SEARCH_ID_LIMIT or overflowed:
            return None
        return list(ids)

    async def work(
        self, organisation_id: UUID, client_ids: Sequence[UUID]
    ) -> dict[UUID, ClientWork]:
        if not client_ids:
            return {}
        rows = await self._conn.execute(
            _work_statement(),
            {"organisation_id": organisation_id, "client_ids": list(client_ids)},
        )
        return {
            r.id: ClientWork(
                responsible_name=r.full_name,
                last_activity_at=r.last_activity_at,
                next_task_at=r.next_task_at,
                next_task_title=r.title,
            )
            for r in rows
        }

    async def child_counts(self, organisation_id: UUID, client_id: UUID) -> dict[str, int]:
        names = {
            "contacts": contacts,
            "deals": deals,
            "tasks": tasks,
            "activities": activities,
            "comments": comments,
            "attachments": attachments,
        }
        counts = [
            sa.select(sa.func.count())
            .select_from(table)
            .where(table.c.organisation_id == organisation_id, table.c.client_id == client_id)
            .scalar_subquery()
            .label(name)
            for name, table in names.items()
        ]
        row = (await self._conn.execute(sa.select(*counts))).one()
        return {name: int(row._mapping[name]) for name in names}

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
                    .join(contact_phones, sa.and_(*_of_client(contact_phones)))
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
                    .join(contact_emails, sa.and_(*_of_client(contact_emails)))
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
        # A keyset walk of the stored pairs along their primary key (organisation_id,
        # client_a_id, client_b_id); the two clients are fetched by id.
        pair = duplicate_candidates
        first, second = clients.alias("first"), clients.alias("second")
        query = (
            sa.select(
                first.c.id.label("first_id"),
                first.c.name.label("first_name"),
                first.c.responsible_id.label("first_responsible_id"),
                second.c.id.label("second_id"),
                second.c.name.label("second_name"),
                second.c.responsible_id.label("second_responsible_id"),
                pair.c.reasons,
            )
            .select_from(pair)
            .join(
                first,
                sa.and_(
                    first.c.organisation_id == pair.c.organisation_id,
                    first.c.id == pair.c.client_a_id,
                ),
            )
            .join(
                second,
                sa.and_(
                    second.c.organisation_id == pair.c.organisation_id,
                    second.c.id == pair.c.client_b_id,
                ),
            )
            .where(
                pair.c.organisation_id == scope.organisation_id,
                first.c.organisation_id == scope.organisation_id,
                second.c.organisation_id == scope.organisation_id,
                first.c.merged_into_id.is_(None),
                second.c.merged_into_id.is_(None),
                visible(first.c.responsible_id, scope),
                visible(second.c.responsible_id, scope),
            )
            .order_by(pair.c.client_a_id, pair.c.client_b_id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(
                sa.tuple_(pair.c.client_a_id, pair.c.client_b_id) > sa.tuple_(*after)
            )
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

    async def find_duplicates_many(
        self, organisation_id: UUID, probes: Sequence[DuplicateProbe]
    ) -> dict[int, builtins.list[DuplicateHit]]:
        found: dict[int, builtins.list[DuplicateHit]] = {}
        values: dict[DuplicateReason, tuple[builtins.list[int], builtins.list[str]]] = {
            reason: ([], []) for reason in DuplicateReason
        }
        items: Sequence[str]
        for probe in probes:
            for reason, items in (
                (DuplicateReason.PHONE, probe.phones),
                (DuplicateReason.EMAIL, probe.emails),
                (DuplicateReason.INN, (probe.inn,) if probe.inn else ()),
                (DuplicateReason.EDRPOU, (probe.edrpou,) if probe.edrpou else ()),
                (DuplicateReason.NAME, (probe.name_key,) if probe.name_key else ()),
            ):
                for item in dict.fromkeys(items):
                    values[reason][0].append(probe.key)
                    values[reason][1].append(item)
        # A batch goes on to insert its clients in this transaction. New entries of a GIN index
        # wait in its pending list (up to 4 MB), which every trigram lookup reads whole: with a
        # few thousand fresh names each lookup took 10 ms. A short list for the transaction
        # (the least allowed) moves them into the index as they come.
        await self._conn.execute(_SHORT_GIN_PENDING_LIST)
        # A generic plan of these statements (from a connection's sixth run) walks the whole
        # organisation comparing names instead of probing the trigram index per name.
        await plan_with_values(self._conn)
        for reason, (keys, items) in values.items():
            if not keys:
                continue
            if reason is DuplicateReason.NAME:
                await strict_similarity(self._conn)
            rows = await self._conn.execute(
                _MANY_DUPLICATES[reason],
                {
                    "org": organisation_id,
                    "keys": keys,
                    "items": items,
                    "similarity": NAME_SIMILARITY,
                    "limit": DUPLICATE_LIMIT,
                },
            )
            seen: set[tuple[int, UUID]] = set()
            for row in rows:
                if (row.key, row.id) in seen:
                    continue
                seen.add((row.key, row.id))
                found.setdefault(row.key, []).append(
                    DuplicateHit(
                        id=row.id, name=row.name, responsible_id=row.responsible_id, reason=reason
                    )
                )
        return found

    async def lock_identities(self, organisation_id: UUID, keys: Sequence[str]) -> None:
        # Transaction-level advisory locks on a 64-bit hash of each key, taken in ascending
        # order (one statement) so two transactions wanting overlapping keys cannot deadlock.
        ids = sorted({_lock_id(organisation_id, key) for key in keys})
        if len(ids) == 1:
            await self._conn.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": ids[0]})
        elif ids:
            await self._conn.execute(_LOCK_MANY, {"ids": ids})

    async def refresh_duplicate_candidates(
        self, organisation_id: UUID, client_ids: Sequence[UUID], *, at: datetime
    ) -> None:
        if not client_ids:
            return
        stale, asked_at = self._stale_pairs.get(organisation_id, ({}, at))
        stale.update(dict.fromkeys(client_ids))
        self._stale_pairs[organisation_id] = (stale, max(asked_at, at))

    def forget_stale_pairs(self) -> None:
        """The transaction rolled back: nothing it changed needs its pairs refreshed."""
        self._stale_pairs = {}

    async def flush_duplicate_candidates(self) -> None:
        """Recompute the pairs asked for since the last flush, in one statement per
        organisation (the unit of work calls this at commit, after the handlers)."""
        stale, self._stale_pairs = self._stale_pairs, {}
        for organisation_id, (ids, at) in stale.items():
            if len(ids) >= _BULK_REFRESH:
                outgrown = await self._conn.execute(_OUTGROWN_STATISTICS, {"batch": len(ids)})
                for table in outgrown.scalars():
                    if table in _REFRESH_TABLES:  # names from the catalogue, checked anyway
                        # ANALYZE sees this transaction's own rows.
                        await self._conn.execute(sa.text(f"ANALYZE {table}"))
            await self._refresh_pairs(organisation_id, list(ids), at=at)

    async def _refresh_pairs(
        self, organisation_id: UUID, ids: builtins.list[UUID], *, at: datetime
    ) -> None:
        params = {
            "org": organisation_id,
            "ids": ids,
            "at": at,
            "similarity": NAME_SIMILARITY,
            "shared_limit": SHARED_VALUE_LIMIT,
        }
        await self._conn.execute(_FORGET_PAIRS, params)
        await strict_similarity(self._conn)
        await self._conn.execute(_REFRESH_PAIRS, params)

    async def rescan_duplicate_candidates(
        self, organisation_id: UUID, *, at: datetime
    ) -> AsyncIterator[ScanProgress]:
        conn = self._conn
        params: dict[str, Any] = {
            "org": organisation_id,
            "similarity": NAME_SIMILARITY,
            "shared_limit": SHARED_VALUE_LIMIT,
            "block_limit": NAME_BLOCK_LIMIT,
        }
        # The whole scan is one transaction; its sorts and hashes (a few hundred thousand
        # rows) stay in memory with a larger work_mem, for this transaction only.
        await conn.execute(
            sa.select(sa.func.set_config("work_mem", _SCAN_WORK_MEM, True)),
        )
        await conn.execute(_SCAN_TABLE)
        await conn.execute(_scan_shared("contact_phones", "e164", DuplicateReason.PHONE), params)
        yield ScanProgress(percent=15, message="phones compared")
        await conn.execute(_scan_shared("contact_emails", "email", DuplicateReason.EMAIL), params)
        yield ScanProgress(percent=30, message="e-mails compared")
        for reason in (DuplicateReason.INN, DuplicateReason.EDRPOU):
            await conn.execute(_scan_tax_id(reason), params)
        yield ScanProgress(percent=45, message="tax ids compared")
        # Names: see NAME_BLOCK_LIMIT for what the rescan compares (a blocked subset of what
        # the change-time check finds), and why.
        await conn.execute(_SCAN_SAME_NAMES, params)
        yield ScanProgress(percent=55, message="equal names compared")
        await conn.execute(_SCAN_WORDS, params)
        await conn.execute(sa.text("ANALYZE duplicate_scan_words"))
        yield ScanProgress(percent=65, message="names split into words")
        await conn.execute(_SCAN_NAMES, params)
        yield ScanProgress(percent=90, message="similar names compared")
        await conn.execute(
            sa.delete(duplicate_candidates).where(
                duplicate_candidates.c.organisation_id == organisation_id
            )
        )
        stored = await conn.execute(_SCAN_STORE, {**params, "at": at})
        # Statistics that count the new pairs (ANALYZE sees this transaction's rows), or the
        # listing plans for the few rows of before the scan: at 3,700 pairs it then joins and
        # sorts all of them for each page (16 ms) instead of walking the key (1 ms), until
        # autovacuum catches up. Concurrent rescans wait here for each other's commit.
        await conn.execute(sa.text("ANALYZE duplicate_candidates"))
        yield ScanProgress(percent=100, message="pairs stored", pairs=stored.rowcount)

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
            complaints,
            complaint_transitions,
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
                    sa.func.max(deals.c.closed_at).filter(deals.c.status == "won").label("last"),
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
            last_purchase_at=row.last,
        )

    async def set_last_purchase(
        self, organisation_id: UUID, client_id: UUID, at: datetime | None
    ) -> None:
        await self._conn.execute(
            sa.update(clients)
            .where(
                clients.c.organisation_id == organisation_id,
                clients.c.id == client_id,
                clients.c.last_purchase_at.is_distinct_from(at),
            )
            .values(last_purchase_at=at)
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


def _of_client(table: sa.Table) -> tuple[sa.ColumnElement[bool], ...]:
    """A row of ``table`` (a contact's phone or e-mail) belongs to the client."""
    return (
        table.c.organisation_id == clients.c.organisation_id,
        table.c.client_id == clients.c.id,
    )


def _conditions(f: ClientFilter) -> list[sa.ColumnElement[bool]]:
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
    conditions.extend(custom_field_condition(clients.c.custom_fields, cf) for cf in f.custom)
    return conditions


def _listed(scope: Scope, filters: ClientFilter) -> builtins.list[sa.ColumnElement[bool]]:
    """The visible, unmerged clients the filters (other than the search) select."""
    return [
        visible_client(scope),
        clients.c.merged_into_id.is_(None),
        *_conditions(filters),
    ]


def _ordering(
    key: sa.ColumnElement[Any], sort: ClientSort, ident: sa.ColumnElement[Any] = clients.c.id
) -> tuple[sa.ColumnElement[Any], sa.ColumnElement[Any]]:
    """ORDER BY ``key`` as ``sort`` orders its column (where a missing value goes), then id."""
    ordered = key.desc() if sort.descending else key.asc()
    if sort.nullable:
        nulls_first = sort.nulls_low != sort.descending
        ordered = ordered.nulls_first() if nulls_first else ordered.nulls_last()
    return ordered, ident.desc() if sort.descending else ident.asc()


def _after(
    column: sa.ColumnElement[Any], sort: ClientSort, after: tuple[object, UUID]
) -> sa.ColumnElement[bool]:
    """The clients after the keyset ``after`` (value, id) in ``sort`` order; a NULL value
    sorts before every value when ``sort.nulls_low``, else after them."""
    value, ident = after
    forwards = not sort.descending
    if value is None:
        # Among the clients without a value, then (when they come first) all those with one.
        rest = sa.and_(column.is_(None), clients.c.id > ident if forwards else clients.c.id < ident)
        nulls_first = sort.nulls_low == forwards
        return sa.or_(rest, column.is_not(None)) if nulls_first else rest
    key = sa.tuple_(column, clients.c.id)
    bound = sa.tuple_(sa.literal(value, column.type), sa.literal(ident))
    beyond = key > bound if forwards else key < bound
    if sort.nullable and sort.nulls_low != forwards:
        # The clients without a value come after every value.
        return sa.or_(beyond, column.is_(None))
    return beyond


def _opaque(column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """``column`` as an expression of the same order that no index provides."""
    if isinstance(column.type, sa.String):
        return column.concat("")
    return column + sa.literal_column("interval '0 seconds'")


def _search(
    text: str, organisation_id: UUID
) -> tuple[list[sa.ColumnElement[bool]], list[sa.Select[Any]]] | None:
    """Client names, contact names, phones (any run of digits, in any format) and e-mails:
    the conditions on the client row itself and the lookups of matching client ids in the
    contact tables, each served by an index (trigram indexes on each text column). None when
    there is nothing to search for; ([], []) when the text can match nothing."""
    text = text.strip()
    if not text:
        return None
    if not is_searchable(text):
        return [], []
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
        if digits.startswith("8") and len(digits) <= 11:
            # The Russian trunk prefix 8 stands for the country code 7: "8 (912) 345" is a
            # fragment of +7 912 345...; the digits as typed may still be inside a number.
            variants.add("7" + digits[1:])
        for variant in sorted(variants):  # one index-served lookup each, not an OR
            matches.append(
                sa.select(contact_phones.c.client_id).where(
                    contact_phones.c.organisation_id == organisation_id,
                    contains(contact_phones.c.e164, variant),
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
    return options, matches


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


def _lock_id(organisation_id: UUID, key: str) -> int:
    digest = hashlib.blake2b(f"{organisation_id}:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


# From this many clients in one refresh (an import's batch), statistics that no longer fit
# the tables are renewed first. Planned for tables that statistics say are (nearly) empty, as
# in a fresh database, the refresh joins every e-mail with every other: 13 s for a batch of
# 500 new clients at 1,500 e-mails, past the statement timeout of a 1C exchange's request.
_BULK_REFRESH = 100

# The tables of the refresh that grew past twice what their statistics counted, the batch
# included: renewed a few times while a database fills, rarely after.
_OUTGROWN_STATISTICS = sa.text(
    """
    SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
    WHERE s.schemaname = current_schema()
        AND s.relname IN ('clients', 'contacts', 'contact_phones', 'contact_emails')
        AND s.n_mod_since_analyze + :batch > 2 * greatest(c.reltuples, 0)
    """
)
_REFRESH_TABLES = frozenset({"clients", "contacts", "contact_phones", "contact_emails"})

_SHORT_GIN_PENDING_LIST = sa.text("SELECT set_config('gin_pending_list_limit', '64', true)")

_LOCK_MANY = sa.text(
    "SELECT count(pg_advisory_xact_lock(x.id)) "
    "FROM (SELECT id FROM unnest(CAST(:ids AS bigint[])) AS u(id) ORDER BY id) AS x"
)

# find_duplicates_many: each (key, value) of the batch against the organisation's unmerged
# clients, through the same indexes as find_duplicates; up to :limit clients per key.
_MANY_TEMPLATE = """
    WITH probe AS (
        SELECT * FROM unnest(CAST(:keys AS integer[]), CAST(:items AS text[])) AS p(key, item)
    ),
    hit AS (
        SELECT DISTINCT p.key, c.id, c.name, c.responsible_id
        FROM probe p
        {join}
        WHERE c.merged_into_id IS NULL
    )
    SELECT key, id, name, responsible_id FROM (
        SELECT hit.*, row_number() OVER (PARTITION BY key ORDER BY id) AS n FROM hit
    ) ranked
    WHERE n <= :limit
"""

_MANY_JOINS = {
    DuplicateReason.PHONE: """
        JOIN contact_phones v ON v.organisation_id = :org AND v.e164 = p.item
        JOIN clients c ON c.organisation_id = :org AND c.id = v.client_id""",
    DuplicateReason.EMAIL: """
        JOIN contact_emails v ON v.organisation_id = :org AND v.email = p.item
        JOIN clients c ON c.organisation_id = :org AND c.id = v.client_id""",
    DuplicateReason.INN: """
        JOIN clients c ON c.organisation_id = :org AND c.inn = p.item""",
    DuplicateReason.EDRPOU: """
        JOIN clients c ON c.organisation_id = :org AND c.edrpou = p.item""",
    DuplicateReason.NAME: """
        JOIN clients c ON c.name_key % p.item AND c.organisation_id = :org
            AND similarity(c.name_key, p.item) >= :similarity""",
}

_MANY_DUPLICATES = {
    reason: sa.text(_MANY_TEMPLATE.format(join=join)) for reason, join in _MANY_JOINS.items()
}


# --- stored duplicate pairs -------------------------------------------------------------
# Written as SQL text: each is one set-based statement whose shape (which index serves which
# join) matters more than its composition.

_FORGET_PAIRS = sa.text(
    """
    DELETE FROM duplicate_candidates
    WHERE organisation_id = :org AND (client_a_id = ANY(:ids) OR client_b_id = ANY(:ids))
    """
)

# The pairs of the given (unmerged) clients, found the way a create checks for duplicates:
# a shared phone or e-mail (unless shared too widely to mean anything), tax id, or a similar
# name. Phones and e-mails are reached through contacts (indexed by client), and matched
# through the (organisation_id, value) indexes.
_REFRESH_PAIRS = sa.text(
    """
    WITH me AS (
        SELECT id, name_key, inn, edrpou FROM clients
        WHERE organisation_id = :org AND id = ANY(:ids) AND merged_into_id IS NULL
    ),
    hits AS (
        SELECT me.id AS mine, p2.client_id AS other, 'phone' AS reason
        FROM me
        JOIN contacts c ON c.organisation_id = :org AND c.client_id = me.id
        JOIN contact_phones p1 ON p1.organisation_id = :org AND p1.contact_id = c.id
        JOIN contact_phones p2
            ON p2.organisation_id = :org AND p2.e164 = p1.e164 AND p2.client_id <> me.id
        WHERE (
            SELECT count(DISTINCT x.client_id) FROM contact_phones x
            WHERE x.organisation_id = :org AND x.e164 = p1.e164
        ) <= :shared_limit
        UNION ALL
        SELECT me.id, e2.client_id, 'email'
        FROM me
        JOIN contacts c ON c.organisation_id = :org AND c.client_id = me.id
        JOIN contact_emails e1 ON e1.organisation_id = :org AND e1.contact_id = c.id
        JOIN contact_emails e2
            ON e2.organisation_id = :org AND e2.email = e1.email AND e2.client_id <> me.id
        WHERE (
            SELECT count(DISTINCT x.client_id) FROM contact_emails x
            WHERE x.organisation_id = :org AND x.email = e1.email
        ) <= :shared_limit
        UNION ALL
        SELECT me.id, o.id, 'inn' FROM me
        JOIN clients o ON o.organisation_id = :org AND o.inn = me.inn AND o.id <> me.id
        UNION ALL
        SELECT me.id, o.id, 'edrpou' FROM me
        JOIN clients o ON o.organisation_id = :org AND o.edrpou = me.edrpou AND o.id <> me.id
        UNION ALL
        SELECT me.id, o.id, 'similar_name' FROM me
        JOIN clients o ON o.name_key % me.name_key
        WHERE o.organisation_id = :org AND o.id <> me.id
            AND similarity(o.name_key, me.name_key) >= :similarity
    )
    INSERT INTO duplicate_candidates
        (organisation_id, client_a_id, client_b_id, reasons, score, found_at)
    SELECT :org, least(h.mine, h.other), greatest(h.mine, h.other),
        array_agg(DISTINCT h.reason), count(DISTINCT h.reason), :at
    FROM hits h
    JOIN clients o ON o.id = h.other AND o.organisation_id = :org AND o.merged_into_id IS NULL
    GROUP BY least(h.mine, h.other), greatest(h.mine, h.other)
    ON CONFLICT (organisation_id, client_a_id, client_b_id) DO UPDATE
    SET reasons = excluded.reasons, score = excluded.score, found_at = excluded.found_at
    """
)

# Memory for the sorts and hashes of a rescan (SET LOCAL): at 200,000 clients its largest
# sort, the words of all names, takes about 40 MB.
_SCAN_WORK_MEM = "64MB"

# A rescan collects (a, b, reason) hits in a temporary table, then replaces the stored pairs
# in one statement at the end (the transaction keeps the old ones visible until commit).
_SCAN_TABLE = sa.text(
    "CREATE TEMPORARY TABLE duplicate_scan (a uuid NOT NULL, b uuid NOT NULL, "
    "reason text NOT NULL) ON COMMIT DROP"
)

_SCAN_SHARED_VALUES = """
    INSERT INTO duplicate_scan (a, b, reason)
    WITH shared AS (
        SELECT {column} FROM {table} WHERE organisation_id = :org
        GROUP BY {column} HAVING count(DISTINCT client_id) BETWEEN 2 AND :shared_limit
    ),
    members AS (
        SELECT DISTINCT t.{column}, t.client_id FROM {table} t
        JOIN shared USING ({column})
        WHERE t.organisation_id = :org
    )
    SELECT m1.client_id, m2.client_id, '{reason}'
    FROM members m1 JOIN members m2 ON m2.{column} = m1.{column} AND m1.client_id < m2.client_id
"""

_SCAN_TAX_IDS = """
    INSERT INTO duplicate_scan (a, b, reason)
    WITH shared AS (
        SELECT {column} FROM clients
        WHERE organisation_id = :org AND merged_into_id IS NULL AND {column} IS NOT NULL
        GROUP BY {column} HAVING count(*) > 1
    ),
    members AS (
        SELECT c.id, c.{column} FROM clients c JOIN shared USING ({column})
        WHERE c.organisation_id = :org AND c.merged_into_id IS NULL
    )
    SELECT m1.id, m2.id, '{column}'
    FROM members m1 JOIN members m2 ON m2.{column} = m1.{column} AND m1.id < m2.id
"""


def _scan_shared(table: str, column: str, reason: DuplicateReason) -> sa.TextClause:
    # Identifiers come from this module, never from input.
    return sa.text(_SCAN_SHARED_VALUES.format(table=table, column=column, reason=reason.value))


def _scan_tax_id(reason: DuplicateReason) -> sa.TextClause:
    # The reason's value is the column's name (inn, edrpou).
    return sa.text(_SCAN_TAX_IDS.format(column=reason.value))


# Equal name keys, grouped by sorting: every pair within a group, unless the name is carried
# by more than :shared_limit clients (then it says nothing about any two of them).
_SCAN_SAME_NAMES = sa.text(
    """
    INSERT INTO duplicate_scan (a, b, reason)
    WITH members AS (
        SELECT id, name_key, count(*) OVER (PARTITION BY name_key) AS size
        FROM clients
        WHERE organisation_id = :org AND merged_into_id IS NULL
    )
    SELECT m1.id, m2.id, 'similar_name'
    FROM members m1
    JOIN members m2 ON m2.name_key = m1.name_key AND m1.id < m2.id
    WHERE m1.size BETWEEN 2 AND :shared_limit
        AND similarity(m1.name_key, m2.name_key) >= :similarity
    """
)

# The blocks for similar names: each word of a name key with the clients whose names hold it,
# for the words held by 2 to :block_limit clients.
_SCAN_WORDS = sa.text(
    """
    CREATE TEMPORARY TABLE duplicate_scan_words ON COMMIT DROP AS
    WITH words AS (
        SELECT DISTINCT c.id, w.word
        FROM clients c
        CROSS JOIN LATERAL unnest(string_to_array(c.name_key, ' ')) AS w(word)
        WHERE c.organisation_id = :org AND c.merged_into_id IS NULL
    )
    SELECT id, word FROM (
        SELECT id, word, count(*) OVER (PARTITION BY word) AS size FROM words
    ) counted
    WHERE size BETWEEN 2 AND :block_limit
    """
)

# Within each block, every pair is compared with the change-time check's trigram similarity.
_SCAN_NAMES = sa.text(
    """
    INSERT INTO duplicate_scan (a, b, reason)
    SELECT candidates.a, candidates.b, 'similar_name'
    FROM (
        SELECT DISTINCT w1.id AS a, w2.id AS b
        FROM duplicate_scan_words w1
        JOIN duplicate_scan_words w2 ON w2.word = w1.word AND w1.id < w2.id
    ) candidates
    JOIN clients c1 ON c1.organisation_id = :org AND c1.id = candidates.a
    JOIN clients c2 ON c2.organisation_id = :org AND c2.id = candidates.b
    WHERE c1.name_key <> c2.name_key
        AND similarity(c1.name_key, c2.name_key) >= :similarity
    """
)

_SCAN_STORE = sa.text(
    """
    INSERT INTO duplicate_candidates
        (organisation_id, client_a_id, client_b_id, reasons, score, found_at)
    SELECT :org, s.a, s.b, array_agg(DISTINCT s.reason), count(DISTINCT s.reason), :at
    FROM duplicate_scan s
    JOIN clients ca ON ca.organisation_id = :org AND ca.id = s.a AND ca.merged_into_id IS NULL
    JOIN clients cb ON cb.organisation_id = :org AND cb.id = s.b AND cb.merged_into_id IS NULL
    GROUP BY s.a, s.b
    """
)


@functools.cache
def _work_statement() -> sa.Select[Any]:
    """The page's responsible names, last activity and next open task, by client: built once
    (every list page runs it), the organisation and the page's ids as parameters. The two
    times are the client row's (kept by triggers, migration 0020), the title the first open
    task's in due order."""
    organisation_id = sa.bindparam("organisation_id", type_=clients.c.organisation_id.type)
    client_ids = sa.bindparam("client_ids", type_=ARRAY(clients.c.id.type))
    c = clients.alias("c")
    next_task = (
        sa.select(tasks.c.due_at, tasks.c.title)
        .where(
            tasks.c.organisation_id == organisation_id,
            tasks.c.client_id == c.c.id,
            tasks.c.done_at.is_(None),
        )
        .order_by(tasks.c.due_at.asc().nulls_last(), tasks.c.id)
        .limit(1)
        .lateral("next_task")
    )
    return (
        sa.select(
            c.c.id,
            users.c.full_name,
            c.c.last_activity_at,
            c.c.next_task_at,
            next_task.c.title,
        )
        .select_from(
            c.outerjoin(
                users,
                sa.and_(
                    users.c.organisation_id == c.c.organisation_id,
                    users.c.id == c.c.responsible_id,
                ),
            ).outerjoin(next_task, sa.true())
        )
        .where(c.c.organisation_id == organisation_id, c.c.id == sa.any_(client_ids))
    )


# The clients list's selection for set-based statements of other contexts (a call list built
# from a filter): the visible, unmerged clients the filters and the search select.
filtered_clients = SqlClientRepository._filtered
