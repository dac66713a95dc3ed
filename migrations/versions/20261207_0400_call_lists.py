"""call lists: lists, their telemarketers, their numbers and the calls made from them

A call list (draft, active, paused, done) has telemarketers, an optional funnel for the
leads it qualifies, a retry policy for no-answers and a call script reference kept for a
later part. Its items are numbers, one per phone per list (the unique key), with the lease
"next" gives (locked_by, locked_until) and the partial index "next" walks (open items by due
time). Each outcome recorded is a row of call_list_calls, grouped for the figures per list and
per telemarketer.

``call_lists:manage`` goes to the built-in administrator and head of sales roles and
``call_lists:work`` to the telemarketer role, as for new organisations; those roles' versions
move on.

Revision ID: 0050_call_lists
Revises: 0049_automation_rules
Create Date: 2026-12-07 00:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0050_call_lists"
down_revision: str | None = "0049_automation_rules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MANAGE = "'[\"call_lists:manage\"]'::jsonb"
_WORK = "'[\"call_lists:work\"]'::jsonb"


def _org(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organisation_id"],
        ["organisations.id"],
        name=op.f(f"fk_{table}_organisation_id_organisations"),
        ondelete="CASCADE",
    )


def _ref(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    action = f"SET NULL ({column})" if ondelete == "SET NULL" else ondelete
    return sa.ForeignKeyConstraint(
        ["organisation_id", column],
        [f"{target}.organisation_id", f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=action,
    )


def _moment(name: str, *, default: bool = True, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(
        name,
        sa.DateTime(timezone=True),
        server_default=sa.text("now()") if default else None,
        nullable=nullable,
    )


def upgrade() -> None:
    op.create_table(
        "call_lists",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=True),
        sa.Column("status", sa.String(length=16), server_default="draft", nullable=False),
        sa.Column("funnel_id", sa.UUID(), nullable=True),
        sa.Column("script_id", sa.UUID(), nullable=True),
        sa.Column("max_attempts", sa.SmallInteger(), server_default="3", nullable=False),
        sa.Column("retry_interval_minutes", sa.Integer(), server_default="120", nullable=False),
        sa.Column("build", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_by", sa.UUID(), nullable=True),
        _moment("created_at"),
        _moment("updated_at"),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "max_attempts BETWEEN 1 AND 10", name=op.f("ck_call_lists_max_attempts_range")
        ),
        sa.CheckConstraint(
            "retry_interval_minutes BETWEEN 1 AND 43200",
            name=op.f("ck_call_lists_retry_interval_range"),
        ),
        _ref("call_lists", "funnel_id", "funnels", "SET NULL"),
        _ref("call_lists", "created_by", "users", "SET NULL"),
        _org("call_lists"),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_call_lists")),
    )
    op.create_index(
        "ix_call_lists_organisation_id_created_at",
        "call_lists",
        ["organisation_id", "created_at", "id"],
        unique=False,
    )
    op.create_table(
        "call_list_assignees",
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("call_list_id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("position", sa.SmallInteger(), server_default="0", nullable=False),
        _org("call_list_assignees"),
        _ref("call_list_assignees", "call_list_id", "call_lists", "CASCADE"),
        _ref("call_list_assignees", "user_id", "users", "RESTRICT"),
        sa.PrimaryKeyConstraint(
            "organisation_id", "call_list_id", "user_id", name=op.f("pk_call_list_assignees")
        ),
    )
    op.create_index(
        "ix_call_list_assignees_organisation_id_user_id",
        "call_list_assignees",
        ["organisation_id", "user_id"],
        unique=False,
    )
    op.create_table(
        "call_list_items",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("call_list_id", sa.UUID(), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("client_id", sa.UUID(), nullable=True),
        sa.Column("status", sa.String(length=16), server_default="open", nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("attempts", sa.SmallInteger(), server_default="0", nullable=False),
        _moment("due_at", default=False),
        sa.Column("assignee_id", sa.UUID(), nullable=True),
        sa.Column("locked_by", sa.UUID(), nullable=True),
        _moment("locked_until", default=False, nullable=True),
        _moment("last_called_at", default=False, nullable=True),
        sa.Column("last_called_by", sa.UUID(), nullable=True),
        sa.Column("lead_id", sa.UUID(), nullable=True),
        sa.Column("deal_id", sa.UUID(), nullable=True),
        _moment("created_at"),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        _org("call_list_items"),
        _ref("call_list_items", "call_list_id", "call_lists", "CASCADE"),
        _ref("call_list_items", "client_id", "clients", "SET NULL"),
        _ref("call_list_items", "assignee_id", "users", "SET NULL"),
        _ref("call_list_items", "locked_by", "users", "SET NULL"),
        _ref("call_list_items", "last_called_by", "users", "SET NULL"),
        _ref("call_list_items", "deal_id", "deals", "SET NULL"),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_call_list_items")),
        sa.UniqueConstraint(
            "organisation_id", "call_list_id", "phone", name="uq_call_list_items_list_phone"
        ),
    )
    op.create_index(
        "ix_call_list_items_organisation_id_call_list_id_due",
        "call_list_items",
        ["organisation_id", "call_list_id", "due_at"],
        unique=False,
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_index(
        "ix_call_list_items_organisation_id_client_id",
        "call_list_items",
        ["organisation_id", "client_id"],
        unique=False,
    )
    op.create_table(
        "call_list_calls",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("call_list_id", sa.UUID(), nullable=False),
        sa.Column("item_id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        _moment("called_at", default=False),
        _org("call_list_calls"),
        _ref("call_list_calls", "call_list_id", "call_lists", "CASCADE"),
        _ref("call_list_calls", "user_id", "users", "SET NULL"),
        sa.ForeignKeyConstraint(
            ["organisation_id", "item_id"],
            ["call_list_items.organisation_id", "call_list_items.id"],
            name=op.f("fk_call_list_calls_item_id_call_list_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_call_list_calls")),
    )
    op.create_index(
        "ix_call_list_calls_organisation_id_call_list_id_user_id",
        "call_list_calls",
        ["organisation_id", "call_list_id", "user_id"],
        unique=False,
    )
    op.create_index(
        "ix_call_list_calls_organisation_id_user_id_called_at",
        "call_list_calls",
        ["organisation_id", "user_id", "called_at"],
        unique=False,
    )
    op.execute(
        f"UPDATE roles SET permissions = permissions || {_MANAGE}, version = version + 1 "  # noqa: S608
        f"WHERE code IN ('admin', 'head_of_sales') AND NOT permissions @> {_MANAGE}"
    )
    op.execute(
        f"UPDATE roles SET permissions = permissions || {_WORK}, version = version + 1 "  # noqa: S608
        f"WHERE code = 'telemarketer' AND NOT permissions @> {_WORK}"
    )


def downgrade() -> None:
    # The permissions meant nothing before this revision.
    for table in ("roles", "api_keys"):
        for permission in ("call_lists:manage", "call_lists:work"):
            op.execute(
                f"UPDATE {table} SET permissions = permissions - '{permission}'"  # noqa: S608
            )
    op.drop_table("call_list_calls")
    op.drop_table("call_list_items")
    op.drop_table("call_list_assignees")
    op.drop_table("call_lists")
