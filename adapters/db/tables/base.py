"""One MetaData for every table; Alembic targets it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def uuid_pk() -> sa.Column[object]:
    return sa.Column("id", UUID(as_uuid=True), primary_key=True)


def organisation_fk() -> sa.Column[object]:
    return sa.Column(
        "organisation_id",
        UUID(as_uuid=True),
        sa.ForeignKey("organisations.id", ondelete="CASCADE"),
        nullable=False,
    )


def created_at() -> sa.Column[object]:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    )


def version() -> sa.Column[object]:
    return sa.Column("version", sa.Integer, nullable=False, server_default="1")


def updated_at() -> sa.Column[object]:
    return sa.Column(
        "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    )


def user_ref(name: str, *, nullable: bool = True) -> sa.Column[object]:
    """A reference to a user that must survive the user's deactivation (users are never
    deleted, only deactivated)."""
    return sa.Column(
        name,
        UUID(as_uuid=True),
        sa.ForeignKey("users.id", ondelete="RESTRICT" if not nullable else "SET NULL"),
        nullable=nullable,
    )


def money(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.Numeric(18, 2), nullable=nullable)
