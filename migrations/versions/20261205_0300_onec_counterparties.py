"""1C counterparties to clients

1C's counterparties (Контрагенты) become clients through the duplicate control; the mapping
(organisation, integration, 1C's Ид) -> client keeps a re-exchange on the same client, with the
fingerprint of the record as last applied so an unchanged one writes nothing. The integration
names who new clients go to (responsible_id), and the exchange log counts what counterparties
did and keeps the first ones flagged (several candidate clients) with those clients' ids.

Revision ID: 0041_onec_counterparties
Revises: 0040_spreadsheet_imports
Create Date: 2026-12-05 03:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0041_onec_counterparties"
down_revision: str | None = "0040_spreadsheet_imports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COUNTS = (
    "counterparties_created",
    "counterparties_updated",
    "counterparties_unchanged",
    "counterparties_flagged",
)


def upgrade() -> None:
    op.add_column("onec_integrations", sa.Column("responsible_id", sa.UUID(), nullable=True))
    op.create_foreign_key(
        op.f("fk_onec_integrations_responsible_id_users"),
        "onec_integrations",
        "users",
        ["organisation_id", "responsible_id"],
        ["organisation_id", "id"],
        ondelete="SET NULL (responsible_id)",
    )
    for name in _COUNTS:
        op.add_column(
            "onec_exchanges",
            sa.Column(name, sa.Integer(), server_default="0", nullable=False),
        )
    op.add_column(
        "onec_exchanges",
        sa.Column(
            "flagged",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
    )
    op.create_table(
        "onec_counterparties",
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("integration_id", sa.UUID(), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=False),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
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
        sa.ForeignKeyConstraint(
            ["organisation_id", "client_id"],
            ["clients.organisation_id", "clients.id"],
            name=op.f("fk_onec_counterparties_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "integration_id"],
            ["onec_integrations.organisation_id", "onec_integrations.id"],
            name=op.f("fk_onec_counterparties_integration_id_onec_integrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_onec_counterparties_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "integration_id", "external_id", name=op.f("pk_onec_counterparties")
        ),
    )
    op.create_index(
        "ix_onec_counterparties_organisation_id_client_id",
        "onec_counterparties",
        ["organisation_id", "client_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_onec_counterparties_organisation_id_client_id", "onec_counterparties")
    op.drop_table("onec_counterparties")
    op.drop_column("onec_exchanges", "flagged")
    for name in reversed(_COUNTS):
        op.drop_column("onec_exchanges", name)
    op.drop_constraint(
        op.f("fk_onec_integrations_responsible_id_users"), "onec_integrations", type_="foreignkey"
    )
    op.drop_column("onec_integrations", "responsible_id")
