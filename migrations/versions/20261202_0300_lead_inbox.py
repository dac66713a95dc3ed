"""lead inbox: open leads newest first, and intake:write for everyone who works deals

The inbox lists a status's leads newest first (its default: the open ones) and counts the open
ones for the nav badge, so ``intake_leads`` gets an index on (organisation, status, received
at, id). ``intake:write`` is now the right to work the lead inbox (take, convert, mark as
spam; heads also assign): every role and API key that holds ``deals:write`` gets it, as the
built-in roles that work deals do for new organisations. A role's version moves on, so a role
form opened before this answers 412 instead of writing the old permission set back. A few rows
per organisation: no job needed.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 03:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HELD = "'[\"intake:write\"]'::jsonb"
_WORKS_DEALS = "permissions @> '[\"deals:write\"]'::jsonb"


def upgrade() -> None:
    op.create_index(
        "ix_intake_leads_organisation_id_status_received_at",
        "intake_leads",
        ["organisation_id", "status", "received_at", "id"],
    )
    for table in ("roles", "api_keys"):
        version = ", version = version + 1" if table == "roles" else ""
        op.execute(
            f"UPDATE {table} SET permissions = permissions || {_HELD}{version} "  # noqa: S608
            f"WHERE {_WORKS_DEALS} AND NOT permissions @> {_HELD}"
        )


def downgrade() -> None:
    # intake:write meant nothing before this revision, so nobody can have held it on purpose.
    for table in ("roles", "api_keys"):
        op.execute(f"UPDATE {table} SET permissions = permissions - 'intake:write'")  # noqa: S608
    op.drop_index("ix_intake_leads_organisation_id_status_received_at", table_name="intake_leads")
