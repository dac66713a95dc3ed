"""call scripts: scripts, the stages they apply to, their runs; call lists name a script

A script keeps its steps as one JSON document (the domain checks it as a graph); a stage has
one script at most (the key of call_script_stages); a call list's script_id, kept unchecked
since call lists came, now references call_scripts (an unknown one is cleared first). A run
keeps the path taken as JSON, read by the report.

``scripts:manage`` goes to the built-in administrator and head of sales roles, as for new
organisations; those roles' versions move on.

Revision ID: 0053_call_scripts
Revises: 0052_call_originations
Create Date: 2026-12-07 07:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0053_call_scripts"
down_revision: str | None = "0052_call_originations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MANAGE = "'[\"scripts:manage\"]'::jsonb"


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


def _moment(name: str, *, default: bool = True) -> sa.Column[object]:
    return sa.Column(
        name,
        sa.DateTime(timezone=True),
        server_default=sa.text("now()") if default else None,
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "call_scripts",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("start_step_id", sa.String(length=40), nullable=False),
        sa.Column("steps", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_by", sa.UUID(), nullable=True),
        _moment("created_at"),
        _moment("updated_at"),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        _ref("call_scripts", "created_by", "users", "SET NULL"),
        _org("call_scripts"),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_call_scripts")),
    )
    op.create_index(
        "ix_call_scripts_organisation_id_name",
        "call_scripts",
        ["organisation_id", "name", "id"],
        unique=False,
    )
    op.create_table(
        "call_script_stages",
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("stage_id", sa.UUID(), nullable=False),
        sa.Column("script_id", sa.UUID(), nullable=False),
        _org("call_script_stages"),
        _ref("call_script_stages", "stage_id", "stages", "CASCADE"),
        _ref("call_script_stages", "script_id", "call_scripts", "CASCADE"),
        sa.PrimaryKeyConstraint("organisation_id", "stage_id", name=op.f("pk_call_script_stages")),
    )
    op.create_index(
        "ix_call_script_stages_organisation_id_script_id",
        "call_script_stages",
        ["organisation_id", "script_id"],
        unique=False,
    )
    op.create_table(
        "call_script_runs",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("script_id", sa.UUID(), nullable=False),
        sa.Column("script_version", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=True),
        sa.Column("client_id", sa.UUID(), nullable=True),
        sa.Column("deal_id", sa.UUID(), nullable=True),
        sa.Column("call_list_id", sa.UUID(), nullable=True),
        sa.Column("call_list_item_id", sa.UUID(), nullable=True),
        sa.Column("call_id", sa.UUID(), nullable=True),
        sa.Column("activity_id", sa.UUID(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("path", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        _moment("started_at", default=False),
        _moment("finished_at", default=False),
        _org("call_script_runs"),
        _ref("call_script_runs", "script_id", "call_scripts", "CASCADE"),
        _ref("call_script_runs", "user_id", "users", "SET NULL"),
        _ref("call_script_runs", "client_id", "clients", "SET NULL"),
        _ref("call_script_runs", "deal_id", "deals", "SET NULL"),
        _ref("call_script_runs", "call_list_id", "call_lists", "SET NULL"),
        _ref("call_script_runs", "call_list_item_id", "call_list_items", "SET NULL"),
        _ref("call_script_runs", "call_id", "calls", "SET NULL"),
        _ref("call_script_runs", "activity_id", "activities", "SET NULL"),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_call_script_runs")),
    )
    op.create_index(
        "ix_call_script_runs_organisation_id_script_id_finished_at",
        "call_script_runs",
        ["organisation_id", "script_id", "finished_at"],
        unique=False,
    )
    for column in ("deal_id", "client_id", "call_list_item_id"):
        op.create_index(
            f"ix_call_script_runs_organisation_id_{column}",
            "call_script_runs",
            ["organisation_id", column, "finished_at"],
            unique=False,
            postgresql_where=sa.text(f"{column} IS NOT NULL"),
        )
    # Call lists named a script unchecked until now: an id that names none is cleared.
    op.execute(
        "UPDATE call_lists SET script_id = NULL WHERE script_id IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM call_scripts s WHERE s.organisation_id = call_lists.organisation_id "
        "AND s.id = call_lists.script_id)"
    )
    op.create_foreign_key(
        op.f("fk_call_lists_script_id_call_scripts"),
        "call_lists",
        "call_scripts",
        ["organisation_id", "script_id"],
        ["organisation_id", "id"],
        ondelete="SET NULL (script_id)",
    )
    op.execute(
        f"UPDATE roles SET permissions = permissions || {_MANAGE}, version = version + 1 "  # noqa: S608
        f"WHERE code IN ('admin', 'head_of_sales') AND NOT permissions @> {_MANAGE}"
    )


def downgrade() -> None:
    # The permission meant nothing before this revision.
    for table in ("roles", "api_keys"):
        op.execute(f"UPDATE {table} SET permissions = permissions - 'scripts:manage'")  # noqa: S608
    op.drop_constraint(
        op.f("fk_call_lists_script_id_call_scripts"), "call_lists", type_="foreignkey"
    )
    op.drop_table("call_script_runs")
    op.drop_table("call_script_stages")
    op.drop_table("call_scripts")
