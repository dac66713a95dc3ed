"""imports: spreadsheet imports of clients and deals, their issues, and imports:run

An import is an uploaded CSV or XLSX file with how it reads (format, encoding, delimiter), its
header and preview, the column mapping, and its dry run's and run's counts; the run's last
committed row lets a retried job go on from there. Its issues (row errors, flagged duplicates)
are listed by row: the index leads with the organisation, the import and the run.

``imports:run`` goes to the built-in administrator and head of sales roles, as it does for new
organisations; those roles' versions move on, so a role form opened before this answers 412
instead of writing the old permission set back.

Revision ID: 0040_spreadsheet_imports
Revises: 0039_onec_exchange
Create Date: 2026-12-05 02:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0040_spreadsheet_imports"
down_revision: str | None = "0039_onec_exchange"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HELD = "'[\"imports:run\"]'::jsonb"


def _moment(name: str) -> sa.Column[object]:
    return sa.Column(
        name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("storage_key", sa.String(length=500), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("encoding", sa.String(length=32), nullable=True),
        sa.Column("delimiter", sa.String(length=1), nullable=True),
        sa.Column(
            "header", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        sa.Column(
            "preview", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        sa.Column(
            "mapping", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("on_duplicate", sa.String(length=8), server_default="flag", nullable=False),
        sa.Column("status", sa.String(length=16), server_default="uploaded", nullable=False),
        sa.Column("job_id", sa.UUID(), nullable=True),
        sa.Column("rows_total", sa.Integer(), nullable=True),
        sa.Column("rows_done", sa.Integer(), server_default="0", nullable=False),
        sa.Column("committed_rows", sa.Integer(), server_default="0", nullable=False),
        sa.Column("dry_run", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("result", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("cancel_requested", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("error", sa.String(length=1000), nullable=True),
        sa.Column("created_by", sa.UUID(), nullable=True),
        _moment("created_at"),
        _moment("updated_at"),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id", "created_by"],
            ["users.organisation_id", "users.id"],
            name=op.f("fk_imports_created_by_users"),
            ondelete="SET NULL (created_by)",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_imports_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_imports")),
    )
    op.create_index(
        "ix_imports_organisation_id_created_at_id",
        "imports",
        ["organisation_id", "created_at", "id"],
        unique=False,
    )
    op.create_table(
        "import_issues",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("import_id", sa.UUID(), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("column", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column(
            "matches", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "import_id"],
            ["imports.organisation_id", "imports.id"],
            name=op.f("fk_import_issues_import_id_imports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_import_issues_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_import_issues")),
    )
    op.create_index(
        "ix_import_issues_organisation_id_import_id_run_row",
        "import_issues",
        ["organisation_id", "import_id", "dry_run", "row_number", "id"],
        unique=False,
    )
    op.execute(
        f"UPDATE roles SET permissions = permissions || {_HELD}, version = version + 1 "  # noqa: S608
        f"WHERE code IN ('admin', 'head_of_sales') AND NOT permissions @> {_HELD}"
    )


def downgrade() -> None:
    # imports:run meant nothing before this revision.
    for table in ("roles", "api_keys"):
        op.execute(f"UPDATE {table} SET permissions = permissions - 'imports:run'")  # noqa: S608
    op.drop_index(
        "ix_import_issues_organisation_id_import_id_run_row",
        table_name="import_issues",
    )
    op.drop_table("import_issues")
    op.drop_index("ix_imports_organisation_id_created_at_id", table_name="imports")
    op.drop_table("imports")
