"""One MetaData for every table; Alembic targets it.

Every table of an organisation's data (a tenant table) is keyed by organisation first: its
primary key is (organisation_id, id) and its references to other tenant tables are composite,
(organisation_id, x_id) -> x (organisation_id, id). So a row can only refer to a row of its own
organisation (the database refuses anything else), every key lookup names the organisation, and
the schema can be distributed by organisation_id (Citus) as it is. docs/scaling.md explains;
tests/integration/test_tenant_keys.py enforces it for every table.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID


def _referencing_column(constraint: sa.Constraint, table: sa.Table) -> str:
    """The column a foreign key is about: its last one, so a composite tenant reference
    (organisation_id, client_id) is named after client_id, as a plain one is."""
    assert isinstance(constraint, sa.ForeignKeyConstraint)
    return str(constraint.column_keys[-1])


NAMING_CONVENTION: dict[str, Any] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "referencing_column": _referencing_column,
    "fk": "fk_%(table_name)s_%(referencing_column)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def uuid_pk() -> sa.Column[Any]:
    """The key of a table that belongs to no organisation (organisations themselves)."""
    return sa.Column("id", UUID(as_uuid=True), primary_key=True)


def organisation_fk() -> sa.Column[Any]:
    return sa.Column(
        "organisation_id",
        UUID(as_uuid=True),
        sa.ForeignKey("organisations.id", ondelete="CASCADE"),
        nullable=False,
    )


def tenant_pk() -> tuple[sa.Column[Any], sa.Column[Any], sa.PrimaryKeyConstraint]:
    """A tenant table's ``id`` and ``organisation_id`` columns and its primary key
    (organisation_id, id); spread into the table: ``sa.Table("x", metadata, *tenant_pk(), ...)``."""
    return (
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        organisation_fk(),
        sa.PrimaryKeyConstraint("organisation_id", "id"),
    )


def tenant_ref(
    name: str,
    table: str,
    *,
    ondelete: str,
    nullable: bool = True,
    use_alter: bool = False,
) -> tuple[sa.Column[Any], sa.ForeignKeyConstraint]:
    """A reference to a row of ``table`` of the same organisation: the column and the composite
    foreign key (organisation_id, name) -> table (organisation_id, id); spread into the table.
    ON DELETE SET NULL clears only ``name`` (PostgreSQL 15's column list), never the row's
    organisation_id."""
    action = f"SET NULL ({name})" if ondelete == "SET NULL" else ondelete
    return (
        sa.Column(name, UUID(as_uuid=True), nullable=nullable),
        sa.ForeignKeyConstraint(
            ["organisation_id", name],
            [f"{table}.organisation_id", f"{table}.id"],
            ondelete=action,
            use_alter=use_alter,
        ),
    )


def created_at() -> sa.Column[Any]:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    )


def version() -> sa.Column[Any]:
    return sa.Column("version", sa.Integer, nullable=False, server_default="1")


def updated_at() -> sa.Column[Any]:
    return sa.Column(
        "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    )


def user_ref(name: str, *, nullable: bool = True) -> tuple[sa.Column[Any], sa.ForeignKeyConstraint]:
    """A reference to a user that must survive the user's deactivation (users are never
    deleted, only deactivated); spread into the table."""
    return tenant_ref(
        name, "users", ondelete="SET NULL" if nullable else "RESTRICT", nullable=nullable
    )


def money(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.Numeric(18, 2), nullable=nullable)
