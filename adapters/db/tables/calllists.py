"""Call lists: the lists, their telemarketers, their numbers (one per phone) and the calls
made from them (an outcome each, for the per-telemarketer figures)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

from adapters.db.tables.base import (
    created_at,
    metadata,
    organisation_fk,
    tenant_pk,
    tenant_ref,
    updated_at,
    user_ref,
    version,
)

call_lists = sa.Table(
    "call_lists",
    metadata,
    *tenant_pk(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.String(2000), nullable=True),
    # draft | active | paused | done
    sa.Column("status", sa.String(16), nullable=False, server_default="draft"),
    *tenant_ref("funnel_id", "funnels", ondelete="SET NULL"),
    # The call script its telemarketers follow (the callscripts context sets it).
    *tenant_ref("script_id", "call_scripts", ondelete="SET NULL"),
    sa.Column("max_attempts", sa.SmallInteger, nullable=False, server_default="3"),
    sa.Column("retry_interval_minutes", sa.Integer, nullable=False, server_default="120"),
    # The last build's counts, or the job of one under way.
    sa.Column("build", JSONB, nullable=True),
    *user_ref("created_by"),
    created_at(),
    updated_at(),
    version(),
    sa.CheckConstraint("max_attempts BETWEEN 1 AND 10", name="max_attempts_range"),
    sa.CheckConstraint("retry_interval_minutes BETWEEN 1 AND 43200", name="retry_interval_range"),
    sa.Index("ix_call_lists_organisation_id_created_at", "organisation_id", "created_at", "id"),
)

call_list_assignees = sa.Table(
    "call_list_assignees",
    metadata,
    organisation_fk(),
    *tenant_ref("call_list_id", "call_lists", ondelete="CASCADE", nullable=False),
    *user_ref("user_id", nullable=False),
    sa.Column("position", sa.SmallInteger, nullable=False, server_default="0"),
    sa.PrimaryKeyConstraint("organisation_id", "call_list_id", "user_id"),
    # A telemarketer's lists.
    sa.Index("ix_call_list_assignees_organisation_id_user_id", "organisation_id", "user_id"),
)

call_list_items = sa.Table(
    "call_list_items",
    metadata,
    *tenant_pk(),
    *tenant_ref("call_list_id", "call_lists", ondelete="CASCADE", nullable=False),
    sa.Column("phone", sa.String(32), nullable=False),  # E.164
    sa.Column("name", sa.String(200), nullable=True),
    *tenant_ref("client_id", "clients", ondelete="SET NULL"),
    # open | closed
    sa.Column("status", sa.String(16), nullable=False, server_default="open"),
    sa.Column("outcome", sa.String(16), nullable=True),
    sa.Column("attempts", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
    # A call-back is for whoever agreed it.
    *user_ref("assignee_id"),
    # Handed out by "next" until locked_until.
    *user_ref("locked_by"),
    sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_called_at", sa.DateTime(timezone=True), nullable=True),
    *user_ref("last_called_by"),
    # An interested number's lead and deal (no reference: leads live in intake).
    sa.Column("lead_id", UUID(as_uuid=True), nullable=True),
    *tenant_ref("deal_id", "deals", ondelete="SET NULL"),
    created_at(),
    version(),
    # A number is in a list once.
    sa.UniqueConstraint(
        "organisation_id", "call_list_id", "phone", name="uq_call_list_items_list_phone"
    ),
    # "next": the open items of a list by due time.
    sa.Index(
        "ix_call_list_items_organisation_id_call_list_id_due",
        "organisation_id",
        "call_list_id",
        "due_at",
        postgresql_where=sa.text("status = 'open'"),
    ),
    sa.Index("ix_call_list_items_organisation_id_client_id", "organisation_id", "client_id"),
)

call_list_calls = sa.Table(
    "call_list_calls",
    metadata,
    *tenant_pk(),
    *tenant_ref("call_list_id", "call_lists", ondelete="CASCADE", nullable=False),
    sa.Column("item_id", UUID(as_uuid=True), nullable=False),
    *user_ref("user_id"),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("closed", sa.Boolean, nullable=False),
    sa.Column("called_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(
        ["organisation_id", "item_id"],
        ["call_list_items.organisation_id", "call_list_items.id"],
        ondelete="CASCADE",
    ),
    # Per list and telemarketer, and per telemarketer over every list.
    sa.Index(
        "ix_call_list_calls_organisation_id_call_list_id_user_id",
        "organisation_id",
        "call_list_id",
        "user_id",
    ),
    sa.Index(
        "ix_call_list_calls_organisation_id_user_id_called_at",
        "organisation_id",
        "user_id",
        "called_at",
    ),
)
