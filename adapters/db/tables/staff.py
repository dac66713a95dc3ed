from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from adapters.db.tables.base import (
    created_at,
    metadata,
    organisation_fk,
    tenant_pk,
    tenant_ref,
    uuid_pk,
    version,
)

organisations = sa.Table(
    "organisations",
    metadata,
    uuid_pk(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False, server_default="RUB"),
    sa.Column("time_zone", sa.String(64), nullable=False, server_default="Europe/Moscow"),
    sa.Column("fulfilment_basis", sa.String(32), nullable=False, server_default="paid_invoices"),
    sa.Column(
        "webhooks_allow_private_targets", sa.Boolean, nullable=False, server_default=sa.false()
    ),
    created_at(),
    version(),
)

roles = sa.Table(
    "roles",
    metadata,
    *tenant_pk(),
    sa.Column("code", sa.String(64), nullable=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("permissions", JSONB, nullable=False, server_default="[]"),
    sa.Column("visibility", JSONB, nullable=False, server_default="{}"),
    created_at(),
    version(),
    sa.UniqueConstraint("organisation_id", "name", name="uq_roles_organisation_id_name"),
    sa.UniqueConstraint("organisation_id", "code", name="uq_roles_organisation_id_code"),
)

departments = sa.Table(
    "departments",
    metadata,
    *tenant_pk(),
    sa.Column("name", sa.String(200), nullable=False),
    *tenant_ref("parent_id", "departments", ondelete="RESTRICT"),
    # users refer to departments too: this key is added after both tables exist.
    *tenant_ref("head_id", "users", ondelete="SET NULL", use_alter=True),
    created_at(),
    version(),
    sa.Index("ix_departments_organisation_id_parent_id", "organisation_id", "parent_id"),
)

users = sa.Table(
    "users",
    metadata,
    *tenant_pk(),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("full_name", sa.String(200), nullable=False),
    sa.Column("phone", sa.String(32), nullable=True),
    sa.Column("language", sa.String(2), nullable=False, server_default="ru"),
    sa.Column("time_zone", sa.String(64), nullable=False, server_default="Europe/Moscow"),
    sa.Column("password_hash", sa.String(255), nullable=True),
    *tenant_ref("role_id", "roles", ondelete="RESTRICT", nullable=False),
    *tenant_ref("department_id", "departments", ondelete="SET NULL"),
    sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
    created_at(),
    sa.Column(
        "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
    version(),
    # Sign-in is by e-mail alone, so addresses are unique across organisations.
    sa.Index("uq_users_email_lower", sa.func.lower(sa.column("email")), unique=True),
    sa.Index("ix_users_organisation_id_full_name_id", "organisation_id", "full_name", "id"),
    sa.Index("ix_users_organisation_id_department_id", "organisation_id", "department_id"),
    sa.Index("ix_users_organisation_id_role_id", "organisation_id", "role_id"),
)

schedules = sa.Table(
    "schedules",
    metadata,
    organisation_fk(),
    *tenant_ref("user_id", "users", ondelete="CASCADE", nullable=False),
    sa.PrimaryKeyConstraint("organisation_id", "user_id"),
    sa.Column("time_zone", sa.String(64), nullable=False),
    # {"mon": ["09:00", "18:00"], ...}; a missing weekday is a day off.
    sa.Column("days", JSONB, nullable=False, server_default="{}"),
    sa.Index("ix_schedules_organisation_id", "organisation_id"),
)

absences = sa.Table(
    "absences",
    metadata,
    *tenant_pk(),
    *tenant_ref("user_id", "users", ondelete="CASCADE", nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date, nullable=False),
    *tenant_ref("substitute_id", "users", ondelete="SET NULL"),
    sa.Column("comment", sa.String(1000), nullable=True),
    *tenant_ref("created_by", "users", ondelete="SET NULL"),
    sa.Column("start_announced_at", sa.DateTime(timezone=True), nullable=True),
    created_at(),
    version(),
    sa.CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
    sa.Index("ix_absences_organisation_id_starts_on_id", "organisation_id", "starts_on", "id"),
    sa.Index(
        "ix_absences_organisation_id_user_id_starts_on", "organisation_id", "user_id", "starts_on"
    ),
    # The sweep that announces absences beginning today reads only unannounced ones.
    sa.Index(
        "ix_absences_starts_on_unannounced",
        "starts_on",
        postgresql_where=sa.text("start_announced_at IS NULL"),
    ),
    sa.Index("ix_absences_organisation_id_substitute_id", "organisation_id", "substitute_id"),
)
