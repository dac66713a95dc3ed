"""telephony: call-event integrations (Zadarma, Mango Office, a generic API) and the calls
their events report

An integration holds what a PBX's events are checked and read with: its signing secret (and
Mango's API key), the company's numbers, its extensions and the people behind them, and the
tracking numbers that name a call's source and campaign. Every event is an inbox item first
(``intake_inbox``, source ``telephony``); the worker folds the events of one call into a row of
``calls``, keyed by the PBX's call id per integration, so a redelivery or an event out of order
changes nothing twice. A missed inbound call names the callback task it opened.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 01:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _jsonb(name: str, default: str) -> sa.Column[object]:
    return sa.Column(
        name,
        postgresql.JSONB(astext_type=sa.Text()),
        server_default=sa.text(f"'{default}'::jsonb"),
        nullable=False,
    )


def _ref(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organisation_id", column],
        [f"{target}.organisation_id", f"{target}.id"],
        name=f"fk_{table}_{column}_{target}",
        ondelete=ondelete,
    )


def _organisation(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organisation_id"],
        ["organisations.id"],
        name=f"fk_{table}_organisation_id_organisations",
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "telephony_integrations",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("api_key", sa.String(length=200), server_default="", nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        _jsonb("numbers", "[]"),
        _jsonb("extensions", "{}"),
        _jsonb("tracking", "[]"),
        sa.Column("default_user_id", sa.UUID(), nullable=True),
        sa.Column("funnel_id", sa.UUID(), nullable=True),
        sa.Column("callback_minutes", sa.Integer(), server_default="15", nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        _ref("telephony_integrations", "default_user_id", "users", "SET NULL (default_user_id)"),
        _ref("telephony_integrations", "funnel_id", "funnels", "SET NULL (funnel_id)"),
        _organisation("telephony_integrations"),
        sa.PrimaryKeyConstraint("organisation_id", "id", name="pk_telephony_integrations"),
    )
    op.create_index(
        "ix_telephony_integrations_organisation_id_created_at",
        "telephony_integrations",
        ["organisation_id", "created_at", "id"],
    )
    op.create_table(
        "calls",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("integration_id", sa.UUID(), nullable=True),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("provider_call_id", sa.String(length=200), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("client_number", sa.String(length=64), nullable=True),
        sa.Column("company_number", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=100), nullable=True),
        sa.Column("campaign", sa.String(length=200), nullable=True),
        sa.Column("extension", sa.String(length=64), nullable=True),
        sa.Column("employee_id", sa.UUID(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("talk_seconds", sa.Integer(), nullable=True),
        sa.Column("recording_id", sa.String(length=300), nullable=True),
        sa.Column("recording_url", sa.String(length=2000), nullable=True),
        sa.Column("disconnect_reason", sa.String(length=64), nullable=True),
        sa.Column("client_id", sa.UUID(), nullable=True),
        sa.Column("contact_id", sa.UUID(), nullable=True),
        sa.Column("deal_id", sa.UUID(), nullable=True),
        sa.Column("callback_task_id", sa.UUID(), nullable=True),
        _jsonb("events", "[]"),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        _ref("calls", "callback_task_id", "tasks", "SET NULL (callback_task_id)"),
        _ref("calls", "client_id", "clients", "SET NULL (client_id)"),
        _ref("calls", "contact_id", "contacts", "SET NULL (contact_id)"),
        _ref("calls", "deal_id", "deals", "SET NULL (deal_id)"),
        _ref("calls", "employee_id", "users", "SET NULL (employee_id)"),
        _ref("calls", "integration_id", "telephony_integrations", "SET NULL (integration_id)"),
        _organisation("calls"),
        sa.PrimaryKeyConstraint("organisation_id", "id", name="pk_calls"),
        sa.UniqueConstraint(
            "organisation_id",
            "integration_id",
            "provider_call_id",
            name="uq_calls_organisation_id_integration_id_provider_call_id",
        ),
    )
    for name, columns in (
        ("ix_calls_organisation_id_started_at", ["started_at", "id"]),
        ("ix_calls_organisation_id_client_number_started_at", ["client_number", "started_at"]),
        ("ix_calls_organisation_id_client_id_started_at", ["client_id", "started_at", "id"]),
        ("ix_calls_organisation_id_deal_id_started_at", ["deal_id", "started_at", "id"]),
    ):
        op.create_index(name, "calls", ["organisation_id", *columns])


def downgrade() -> None:
    op.drop_table("calls")
    op.drop_table("telephony_integrations")
