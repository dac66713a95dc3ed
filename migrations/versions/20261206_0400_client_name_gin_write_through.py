"""clients: the name trigram indexes written through, without a pending list

A GIN index collects new entries in a pending list (up to gin_pending_list_limit, 4 MB) that
every lookup reads whole until VACUUM or the limit merges it. With a few thousand new clients
(an import, a 1C exchange, a busy week of leads) each duplicate check and each client search
by name read that list: 10 ms a lookup, measured by the spreadsheet import bench. Written
through, an insert costs a little more and a lookup reads only the index.

Revision ID: 0046_client_name_gin
Revises: 0045_call_legs
Create Date: 2026-12-06 04:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0046_client_name_gin"
down_revision: str | None = "0045_call_legs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = ("ix_clients_name_key_trgm", "ix_clients_name_trgm")


def upgrade() -> None:
    for index in INDEXES:
        op.execute(f"ALTER INDEX {index} SET (fastupdate = off)")
        # What waits in the pending list now moves into the index.
        op.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")


def downgrade() -> None:
    for index in INDEXES:
        op.execute(f"ALTER INDEX {index} RESET (fastupdate)")
