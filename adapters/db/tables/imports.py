"""Spreadsheet imports and the issues their runs found (row errors, flagged duplicates)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from adapters.db.tables.base import (
    created_at,
    metadata,
    tenant_pk,
    tenant_ref,
    updated_at,
    user_ref,
    version,
)

imports = sa.Table(
    "imports",
    metadata,
    *tenant_pk(),
    sa.Column("entity", sa.String(16), nullable=False),
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("storage_key", sa.String(500), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("format", sa.String(8), nullable=False),
    sa.Column("encoding", sa.String(32), nullable=True),
    sa.Column("delimiter", sa.String(1), nullable=True),
    sa.Column("header", JSONB, nullable=False, server_default="[]"),
    sa.Column("preview", JSONB, nullable=False, server_default="[]"),
    sa.Column("mapping", JSONB, nullable=False, server_default="{}"),
    sa.Column("on_duplicate", sa.String(8), nullable=False, server_default="flag"),
    sa.Column("status", sa.String(16), nullable=False, server_default="uploaded"),
    sa.Column("job_id", sa.UUID(as_uuid=True), nullable=True),
    sa.Column("rows_total", sa.Integer, nullable=True),
    sa.Column("rows_done", sa.Integer, nullable=False, server_default="0"),
    sa.Column("committed_rows", sa.Integer, nullable=False, server_default="0"),
    sa.Column("dry_run", JSONB, nullable=True),
    sa.Column("result", JSONB, nullable=True),
    sa.Column("cancel_requested", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("error", sa.String(1000), nullable=True),
    *user_ref("created_by"),
    created_at(),
    updated_at(),
    version(),
    # The list, newest first.
    sa.Index("ix_imports_organisation_id_created_at_id", "organisation_id", "created_at", "id"),
)

import_issues = sa.Table(
    "import_issues",
    metadata,
    *tenant_pk(),
    *tenant_ref("import_id", "imports", ondelete="CASCADE", nullable=False),
    sa.Column("dry_run", sa.Boolean, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("row_number", sa.Integer, nullable=False),
    sa.Column("column", sa.String(200), nullable=True),
    sa.Column("reason", sa.String(1000), nullable=False),
    # The reason as a stable code and its parameters, for the reader's language (0047).
    sa.Column("code", sa.String(50), nullable=False, server_default="invalid_input"),
    sa.Column("params", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    sa.Column("matches", JSONB, nullable=False, server_default="[]"),
    # A run's issues by row (the keyset of the list), and by kind.
    sa.Index(
        "ix_import_issues_organisation_id_import_id_run_row",
        "organisation_id",
        "import_id",
        "dry_run",
        "row_number",
        "id",
    ),
)
