"""calls: a head's review of a call (score 1-5 and a comment), one per call, and calls:review

``calls:review`` goes to the built-in administrator and head of sales roles, as it does for new
organisations; those roles' versions move on, so a role form opened before this answers 412
instead of writing the old permission set back.

Revision ID: 0051_call_reviews
Revises: 0050_call_lists
Create Date: 2026-12-07 05:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0051_call_reviews"
down_revision: str | None = "0050_call_lists"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HELD = "'[\"calls:review\"]'::jsonb"


def upgrade() -> None:
    op.create_table(
        "call_reviews",
        sa.Column(
            "organisation_id",
            UUID(as_uuid=True),
            sa.ForeignKey("organisations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("call_id", UUID(as_uuid=True), nullable=False),
        sa.Column("reviewer_id", UUID(as_uuid=True), nullable=True),
        sa.Column("score", sa.SmallInteger, nullable=False),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("organisation_id", "call_id", name="pk_call_reviews"),
        sa.ForeignKeyConstraint(
            ["organisation_id", "call_id"],
            ["calls.organisation_id", "calls.id"],
            ondelete="CASCADE",
            name="fk_call_reviews_call_id_calls",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "reviewer_id"],
            ["users.organisation_id", "users.id"],
            ondelete="SET NULL (reviewer_id)",
            name="fk_call_reviews_reviewer_id_users",
        ),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="ck_call_reviews_score_range"),
        sa.CheckConstraint("char_length(comment) <= 2000", name="ck_call_reviews_comment_length"),
    )
    op.create_index(
        "ix_call_reviews_organisation_id_reviewer_id_reviewed_at",
        "call_reviews",
        ["organisation_id", "reviewer_id", "reviewed_at"],
    )
    op.execute(
        f"UPDATE roles SET permissions = permissions || {_HELD}, version = version + 1 "  # noqa: S608
        f"WHERE code IN ('admin', 'head_of_sales') AND NOT permissions @> {_HELD}"
    )


def downgrade() -> None:
    # calls:review meant nothing before this revision.
    for table in ("roles", "api_keys"):
        op.execute(f"UPDATE {table} SET permissions = permissions - 'calls:review'")  # noqa: S608
    op.drop_table("call_reviews")
