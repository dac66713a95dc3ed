"""karma: rules, entries, cached scores, flags, and karma:manage

A client's karma is the sum of its entries. Entries derived from source rows (won and lost
deals, paid invoices, flags) carry their source, and (organisation, source kind, source id,
kind) is unique: recomputing a source upserts the same row, so an event delivered twice
changes nothing. ``karma_scores`` holds each client's sum, kept in the transaction that writes
the entries, so lists and sector averages read one row per client. ``karma_flags`` are the
loss-making flag of a won deal and the public-conflict flag of a client, one entry each while
they stand.

No rule rows are inserted: an organisation without rows uses the defaults in
domain/karma/model.py (version 0) until its admin first saves them, so new organisations
need nothing at creation either. Existing deals and invoices make entries once the rules are
saved (the recalculation job) or as their events arrive.

``karma:manage`` (edit the rules, adjust by hand) goes to the built-in administrator role, as
it does for new organisations (the administrator holds every permission). The role's version
moves on, so a role form opened before this answers 412 instead of writing the old set back.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 05:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HELD = "'[\"karma:manage\"]'::jsonb"


def _created_at() -> sa.Column[object]:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def _updated_at() -> sa.Column[object]:
    return sa.Column(
        "updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def _organisation(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organisation_id"],
        ["organisations.id"],
        name=op.f(f"fk_{table}_organisation_id_organisations"),
        ondelete="CASCADE",
    )


def _ref(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organisation_id", column],
        [f"{target}.organisation_id", f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "karma_rules",
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("weight", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("per_unit", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        _updated_at(),
        _organisation("karma_rules"),
        sa.PrimaryKeyConstraint("organisation_id", "kind", name=op.f("pk_karma_rules")),
    )
    op.create_table(
        "karma_entries",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("points", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.UUID(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.UUID(), nullable=True),
        _created_at(),
        _ref("karma_entries", "client_id", "clients", "CASCADE"),
        _ref("karma_entries", "created_by", "users", "SET NULL (created_by)"),
        _organisation("karma_entries"),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_karma_entries")),
        sa.UniqueConstraint(
            "organisation_id",
            "source_kind",
            "source_id",
            "kind",
            name=op.f("uq_karma_entries_organisation_id_source_kind_source_id_kind"),
        ),
    )
    op.create_index(
        "ix_karma_entries_organisation_id_client_id_occurred_at",
        "karma_entries",
        ["organisation_id", "client_id", "occurred_at", "id"],
        unique=False,
    )
    op.create_table(
        "karma_scores",
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("score", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        _updated_at(),
        _ref("karma_scores", "client_id", "clients", "CASCADE"),
        _organisation("karma_scores"),
        sa.PrimaryKeyConstraint("organisation_id", "client_id", name=op.f("pk_karma_scores")),
    )
    op.create_table(
        "karma_flags",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("client_id", sa.UUID(), nullable=True),
        sa.Column("deal_id", sa.UUID(), nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("created_by", sa.UUID(), nullable=True),
        _created_at(),
        sa.CheckConstraint(
            "(client_id IS NULL) <> (deal_id IS NULL)", name=op.f("ck_karma_flags_one_subject")
        ),
        _ref("karma_flags", "client_id", "clients", "CASCADE"),
        _ref("karma_flags", "deal_id", "deals", "CASCADE"),
        _ref("karma_flags", "created_by", "users", "SET NULL (created_by)"),
        _organisation("karma_flags"),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_karma_flags")),
    )
    op.create_index(
        "uq_karma_flags_client_kind",
        "karma_flags",
        ["organisation_id", "client_id", "kind"],
        unique=True,
        postgresql_where=sa.text("client_id IS NOT NULL"),
    )
    op.create_index(
        "uq_karma_flags_deal_kind",
        "karma_flags",
        ["organisation_id", "deal_id", "kind"],
        unique=True,
        postgresql_where=sa.text("deal_id IS NOT NULL"),
    )
    op.execute(
        f"UPDATE roles SET permissions = permissions || {_HELD}, version = version + 1 "  # noqa: S608
        f"WHERE code = 'admin' AND NOT permissions @> {_HELD}"
    )


def downgrade() -> None:
    # karma:manage meant nothing before this revision, so nobody can have held it on purpose.
    for table in ("roles", "api_keys"):
        op.execute(f"UPDATE {table} SET permissions = permissions - 'karma:manage'")  # noqa: S608
    op.drop_index(
        "uq_karma_flags_deal_kind",
        table_name="karma_flags",
        postgresql_where=sa.text("deal_id IS NOT NULL"),
    )
    op.drop_index(
        "uq_karma_flags_client_kind",
        table_name="karma_flags",
        postgresql_where=sa.text("client_id IS NOT NULL"),
    )
    op.drop_table("karma_flags")
    op.drop_table("karma_scores")
    op.drop_index(
        "ix_karma_entries_organisation_id_client_id_occurred_at", table_name="karma_entries"
    )
    op.drop_table("karma_entries")
    op.drop_table("karma_rules")
