"""retention: clients' last purchase, ABC and sleeping settings, cross-sell rules

``clients.last_purchase_at`` is when the client's latest won deal was won; the relationship
recompute keeps it (in the transaction that wins, loses, reopens or moves a deal), and this
revision fills it from the deals. A partial index of the buyers (current, permanent) by it
serves the sleeping list and the daily sweep. ``retention_settings`` holds an organisation's
ABC shares and sleeping days (the defaults 80/15/5 and 90 days stand until it is saved);
``cross_sell_rules`` the reminders after a sale; ``client_reactivations`` and
``cross_sell_reminders`` what the sweep did, so that it does each once.

The fill is one UPDATE from a grouped scan of the won deals (a few seconds at a million deals).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 06:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SLEEPING = (
    "relationship_type IN ('current', 'permanent') AND merged_into_id IS NULL"
    " AND last_purchase_at IS NOT NULL"
)


def upgrade() -> None:
    op.add_column(
        "clients", sa.Column("last_purchase_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.execute(
        """
        UPDATE clients c SET last_purchase_at = w.last
        FROM (
            SELECT organisation_id, client_id, max(closed_at) AS last FROM deals
            WHERE status = 'won' GROUP BY organisation_id, client_id
        ) w
        WHERE c.organisation_id = w.organisation_id AND c.id = w.client_id
        """
    )
    op.create_index(
        "ix_clients_sleeping",
        "clients",
        ["organisation_id", "last_purchase_at", "id"],
        postgresql_where=sa.text(_SLEEPING),
    )
    op.create_table(
        "retention_settings",
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("abc_a_share", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("abc_b_share", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("sleeping_days", sa.Integer(), nullable=False),
        sa.Column(
            "sleeping_days_by_segment",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "abc_a_share > 0 AND abc_b_share > 0 AND abc_a_share + abc_b_share < 100",
            name=op.f("ck_retention_settings_abc_shares"),
        ),
        sa.CheckConstraint(
            "sleeping_days BETWEEN 1 AND 3650",
            name=op.f("ck_retention_settings_sleeping_days_range"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_retention_settings_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_retention_settings")),
    )
    op.create_table(
        "cross_sell_rules",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("product_pattern", sa.String(length=200), nullable=False),
        sa.Column("pattern_key", sa.String(length=200), nullable=False),
        sa.Column("after_days", sa.Integer(), nullable=False),
        sa.Column("suggestion", sa.String(length=300), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_by", sa.UUID(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "after_days BETWEEN 1 AND 3650", name=op.f("ck_cross_sell_rules_after_days_range")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "created_by"],
            ["users.organisation_id", "users.id"],
            name=op.f("fk_cross_sell_rules_created_by_users"),
            ondelete="SET NULL (created_by)",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_cross_sell_rules_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_cross_sell_rules")),
    )
    op.create_index(
        "ix_cross_sell_rules_organisation_id_created_at",
        "cross_sell_rules",
        ["organisation_id", "created_at"],
    )
    op.create_table(
        "client_reactivations",
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("last_purchase_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "client_id"],
            ["clients.organisation_id", "clients.id"],
            name=op.f("fk_client_reactivations_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_client_reactivations_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "client_id", "last_purchase_at", name=op.f("pk_client_reactivations")
        ),
    )
    op.create_table(
        "cross_sell_reminders",
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("rule_id", sa.UUID(), nullable=False),
        sa.Column("deal_id", sa.UUID(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "deal_id"],
            ["deals.organisation_id", "deals.id"],
            name=op.f("fk_cross_sell_reminders_deal_id_deals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "rule_id"],
            ["cross_sell_rules.organisation_id", "cross_sell_rules.id"],
            name=op.f("fk_cross_sell_reminders_rule_id_cross_sell_rules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_cross_sell_reminders_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "rule_id", "deal_id", name=op.f("pk_cross_sell_reminders")
        ),
    )


def downgrade() -> None:
    op.drop_table("cross_sell_reminders")
    op.drop_table("client_reactivations")
    op.drop_index("ix_cross_sell_rules_organisation_id_created_at", table_name="cross_sell_rules")
    op.drop_table("cross_sell_rules")
    op.drop_table("retention_settings")
    op.drop_index("ix_clients_sleeping", table_name="clients")
    op.drop_column("clients", "last_purchase_at")
