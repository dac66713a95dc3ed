"""telephony: call-event integrations (Zadarma, Mango Office) and the calls they report

Stub: the tables follow in the same revision before it is used (issue 11, item 3).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 01:00:00+00:00
"""

from collections.abc import Sequence

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
