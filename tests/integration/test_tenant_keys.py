"""The schema is keyed by organisation (issue 9, item 6; docs/scaling.md): read from the
migrated database's catalog, so every table added later is held to it too.

A tenant table is any table with an organisation_id column. Its primary key and every unique
constraint or unique index lead with organisation_id, and each of its foreign keys to another
tenant table pairs organisation_id with organisation_id: the database itself then refuses a
reference to another organisation's row, and the tables can be distributed by organisation_id
(Citus) with every key, uniqueness check and reference local to one organisation's shard."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import pytest_asyncio
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from adapters.db.tables.clients import clients, contacts
from adapters.db.tables.deals import deals
from adapters.db.tables.funnels import funnels, stages
from tests.factories import Factory, Org

# Unique across organisations on purpose: the sign-in directory. Each is looked up before the
# organisation is known, from what a caller presents. On Citus these tables are reference
# tables (or a directory table maps the value to its organisation); docs/scaling.md.
DIRECTORY_UNIQUES = {
    "uq_users_email_lower": "sign-in is by e-mail alone, so an address names one account",
    "uq_refresh_tokens_token_hash": "a refresh token is presented without its organisation",
    "uq_action_tokens_token_hash": "an invitation or reset link carries only its token",
    "uq_api_keys_prefix": "an API key is found by its prefix before it is verified",
    "uq_intake_forms_key": "a website form's post is routed by the key in its URL alone",
    "uq_surveys_token_hash": "a client opens a loyalty survey by the token in its link alone",
}

_TENANT_TABLES = """
    SELECT c.oid, c.relname, a.attnum
    FROM pg_class c
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'organisation_id'
        AND NOT a.attisdropped
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
    ORDER BY c.relname
"""

_PRIMARY_KEYS = """
    SELECT conrelid, conname, conkey FROM pg_constraint
    WHERE connamespace = 'public'::regnamespace AND contype = 'p'
"""

# Unique constraints are backed by unique indexes, so the indexes cover both. indkey[0] is 0
# for an expression.
_UNIQUE_INDEXES = """
    SELECT i.indrelid, x.relname, i.indkey[0] AS first, pg_get_indexdef(i.indexrelid) AS definition
    FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
    WHERE x.relnamespace = 'public'::regnamespace AND i.indisunique AND NOT i.indisprimary
"""

_FOREIGN_KEYS = """
    SELECT conrelid, confrelid, conname, conkey, confkey, confdeltype::text AS on_delete,
        coalesce(confdelsetcols, '{}') AS set_columns, pg_get_constraintdef(oid) AS definition
    FROM pg_constraint
    WHERE connamespace = 'public'::regnamespace AND contype = 'f'
"""


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def catalog(database_url: str) -> AsyncIterator[dict[str, list[sa.Row[object]]]]:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            yield {
                name: list(await conn.execute(sa.text(query)))
                for name, query in (
                    ("tenant", _TENANT_TABLES),
                    ("primary", _PRIMARY_KEYS),
                    ("unique", _UNIQUE_INDEXES),
                    ("foreign", _FOREIGN_KEYS),
                )
            }
    finally:
        await engine.dispose()


def _tenant(catalog: dict[str, list[sa.Row[object]]]) -> dict[int, tuple[str, int]]:
    """Tenant tables: oid -> (name, attnum of organisation_id)."""
    return {r.oid: (r.relname, r.attnum) for r in catalog["tenant"]}


class TestTenantKeys:
    def test_the_catalog_holds_the_tenant_tables(
        self, catalog: dict[str, list[sa.Row[object]]]
    ) -> None:
        names = {name for name, _ in _tenant(catalog).values()}
        assert {"deals", "clients", "users", "stage_moves", "webhook_attempts"} <= names
        assert len(names) >= 35
        assert "organisations" not in names

    def test_every_tenant_table_has_a_primary_key_leading_with_organisation_id(
        self, catalog: dict[str, list[sa.Row[object]]]
    ) -> None:
        tenant = _tenant(catalog)
        keys = {r.conrelid: r for r in catalog["primary"]}
        wrong = []
        for oid, (name, org) in tenant.items():
            key = keys.get(oid)
            if key is None or key.conkey[0] != org:
                wrong.append(f"{name}: {key.conname if key else 'no primary key'}")
        assert not wrong, "primary keys not leading with organisation_id:\n" + "\n".join(wrong)

    def test_every_unique_constraint_and_index_leads_with_organisation_id(
        self, catalog: dict[str, list[sa.Row[object]]]
    ) -> None:
        tenant = _tenant(catalog)
        wrong = [
            r.definition
            for r in catalog["unique"]
            if r.indrelid in tenant
            and r.first != tenant[r.indrelid][1]
            and r.relname not in DIRECTORY_UNIQUES
        ]
        assert not wrong, "unique indexes not leading with organisation_id:\n" + "\n".join(wrong)

    def test_the_directory_exceptions_exist_and_are_the_only_global_uniques(
        self, catalog: dict[str, list[sa.Row[object]]]
    ) -> None:
        tenant = _tenant(catalog)
        global_uniques = {
            r.relname
            for r in catalog["unique"]
            if r.indrelid in tenant and r.first != tenant[r.indrelid][1]
        }
        # A stale entry would excuse whatever later takes its name.
        assert global_uniques == set(DIRECTORY_UNIQUES)

    def test_every_foreign_key_between_tenant_tables_pairs_the_organisations(
        self, catalog: dict[str, list[sa.Row[object]]]
    ) -> None:
        tenant = _tenant(catalog)
        wrong = []
        for fk in catalog["foreign"]:
            if fk.conrelid not in tenant or fk.confrelid not in tenant:
                continue  # references to organisations (or from non-tenant tables)
            pairs = set(zip(fk.conkey, fk.confkey, strict=True))
            if (tenant[fk.conrelid][1], tenant[fk.confrelid][1]) not in pairs:
                wrong.append(f"{tenant[fk.conrelid][0]}.{fk.conname}: {fk.definition}")
        assert not wrong, "foreign keys without organisation_id:\n" + "\n".join(wrong)

    def test_no_foreign_key_action_clears_a_rows_organisation(
        self, catalog: dict[str, list[sa.Row[object]]]
    ) -> None:
        # ON DELETE SET NULL / SET DEFAULT on a composite key must name its own column
        # (PostgreSQL 15: SET NULL (x_id)); without the list it nulls organisation_id too.
        tenant = _tenant(catalog)
        wrong = []
        for fk in catalog["foreign"]:
            if fk.conrelid not in tenant or fk.on_delete not in ("n", "d"):
                continue
            cleared = set(fk.set_columns) or set(fk.conkey)
            if tenant[fk.conrelid][1] in cleared:
                wrong.append(f"{tenant[fk.conrelid][0]}.{fk.conname}: {fk.definition}")
        assert not wrong, "actions that clear organisation_id:\n" + "\n".join(wrong)


async def _funnel_stage(conn: AsyncConnection, org: Org) -> tuple[uuid.UUID, uuid.UUID]:
    funnel, stage = uuid.uuid4(), uuid.uuid4()
    await conn.execute(
        sa.insert(funnels).values(id=funnel, organisation_id=org.id, name=f"F {funnel.hex[:6]}")
    )
    await conn.execute(
        sa.insert(stages).values(
            id=stage,
            organisation_id=org.id,
            funnel_id=funnel,
            name="Первый контакт",
            position=0,
            probability=Decimal(10),
        )
    )
    return funnel, stage


async def _client(conn: AsyncConnection, org: Org) -> uuid.UUID:
    client = uuid.uuid4()
    await conn.execute(
        sa.insert(clients).values(
            id=client,
            organisation_id=org.id,
            kind="company",
            name="ООО Ромашка",
            name_key="ромашка",
            responsible_id=org.admin.id,
        )
    )
    return client


def _deal(org: Org, client: uuid.UUID, funnel: uuid.UUID, stage: uuid.UUID) -> sa.Insert:
    return sa.insert(deals).values(
        id=uuid.uuid4(),
        organisation_id=org.id,
        client_id=client,
        title="Поставка",
        amount=Decimal("1000.00"),
        currency="RUB",
        funnel_id=funnel,
        stage_id=stage,
        responsible_id=org.admin.id,
        stage_entered_at=datetime.now(UTC),
    )


class TestCrossOrganisationReferences:
    async def test_a_deal_with_another_organisations_client_is_refused(
        self, factory: Factory
    ) -> None:
        ours, theirs = await factory.organisation(), await factory.organisation()
        async with factory.container.engine.connect() as conn:
            funnel, stage = await _funnel_stage(conn, ours)
            their_client = await _client(conn, theirs)
            await conn.commit()
            with pytest.raises(IntegrityError, match="fk_deals_client_id_clients"):
                await conn.execute(_deal(ours, their_client, funnel, stage))
            await conn.rollback()
            # The same deal with a client of its own organisation is stored.
            await conn.execute(_deal(ours, await _client(conn, ours), funnel, stage))
            await conn.commit()

    async def test_a_deal_in_another_organisations_stage_is_refused(self, factory: Factory) -> None:
        ours, theirs = await factory.organisation(), await factory.organisation()
        async with factory.container.engine.connect() as conn:
            funnel, _ = await _funnel_stage(conn, ours)
            _, their_stage = await _funnel_stage(conn, theirs)
            client = await _client(conn, ours)
            await conn.commit()
            with pytest.raises(IntegrityError, match="fk_deals_stage_id_stages"):
                await conn.execute(_deal(ours, client, funnel, their_stage))
            await conn.rollback()

    async def test_deleting_a_referenced_contact_clears_the_reference_not_the_organisation(
        self, factory: Factory
    ) -> None:
        org = await factory.organisation()
        async with factory.container.engine.connect() as conn:
            funnel, stage = await _funnel_stage(conn, org)
            client = await _client(conn, org)
            contact = uuid.uuid4()
            await conn.execute(
                sa.insert(contacts).values(
                    id=contact,
                    organisation_id=org.id,
                    client_id=client,
                    full_name="Иван Петров",
                    name_key="иван петров",
                )
            )
            deal = _deal(org, client, funnel, stage).values(contact_id=contact)
            deal_id = (await conn.execute(deal.returning(deals.c.id))).scalar_one()
            await conn.execute(
                sa.delete(contacts).where(
                    contacts.c.organisation_id == org.id, contacts.c.id == contact
                )
            )
            row = (
                await conn.execute(
                    sa.select(deals.c.organisation_id, deals.c.contact_id).where(
                        deals.c.organisation_id == org.id, deals.c.id == deal_id
                    )
                )
            ).one()
            await conn.commit()
        assert (row.organisation_id, row.contact_id) == (org.id, None)
