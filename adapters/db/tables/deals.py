"""Deals, their product lines and every stage move."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from adapters.db.tables.base import (
    created_at,
    metadata,
    money,
    tenant_pk,
    tenant_ref,
    updated_at,
    user_ref,
    version,
)

# Generated from the title: what the deal search compares with a fragment (search_key).
TITLE_KEY = "lower(translate(title, 'Ёё', 'Ее'))"

deals = sa.Table(
    "deals",
    metadata,
    *tenant_pk(),
    *tenant_ref("client_id", "clients", ondelete="RESTRICT", nullable=False),
    *tenant_ref("contact_id", "contacts", ondelete="SET NULL"),
    sa.Column("title", sa.String(300), nullable=False),
    # The title as searched (migration 0022): lower-cased, ё as е, kept by PostgreSQL.
    sa.Column("title_key", sa.Text, sa.Computed(TITLE_KEY, persisted=True), nullable=True),
    money("amount"),
    sa.Column("currency", sa.String(3), nullable=False),
    money("expected_margin", nullable=True),
    *tenant_ref("funnel_id", "funnels", ondelete="RESTRICT", nullable=False),
    *tenant_ref("stage_id", "stages", ondelete="RESTRICT", nullable=False),
    sa.Column("status", sa.String(8), nullable=False, server_default="open"),  # open|won|lost
    *user_ref("responsible_id", nullable=False),
    sa.Column("source_channel", sa.String(100), nullable=True),
    sa.Column("source_campaign", sa.String(200), nullable=True),
    sa.Column("utm", JSONB, nullable=False, server_default="{}"),
    sa.Column("expected_close_date", sa.Date, nullable=True),
    sa.Column("custom_fields", JSONB, nullable=False, server_default="{}"),
    sa.Column("stage_entered_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    *tenant_ref("loss_reason_id", "loss_reasons", ondelete="RESTRICT"),
    sa.Column("loss_comment", sa.Text, nullable=True),
    sa.Column("lost_tender", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("loss_making", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("public_conflict", sa.Boolean, nullable=False, server_default=sa.false()),
    # stage_entered_at of the stay for which the stale alert went out: once per breach.
    sa.Column("stale_notified_for", sa.DateTime(timezone=True), nullable=True),
    sa.Column("stale_close_proposed_for", sa.DateTime(timezone=True), nullable=True),
    # Postponed: remind the responsible every N days while the deal stays open in its stage
    # (a stage move or closing clears it); the next reminder's moment.
    sa.Column("follow_up_every_days", sa.SmallInteger, nullable=True),
    sa.Column("follow_up_next_at", sa.DateTime(timezone=True), nullable=True),
    # A warranty or service end date, reminded N days before, once per end date.
    sa.Column("warranty_ends_on", sa.Date, nullable=True),
    sa.Column("warranty_remind_days", sa.SmallInteger, nullable=True),
    sa.Column("warranty_reminded_for", sa.Date, nullable=True),
    *user_ref("created_by"),
    created_at(),
    updated_at(),
    version(),
    sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
    sa.CheckConstraint("follow_up_every_days BETWEEN 1 AND 365", name="follow_up_every_days_range"),
    sa.CheckConstraint("warranty_remind_days BETWEEN 1 AND 365", name="warranty_remind_days_range"),
    # The follow-up and warranty sweeps, across organisations (adapters/worker/jobs/deals.py).
    sa.Index(
        "ix_deals_follow_up_due",
        "follow_up_next_at",
        postgresql_where=sa.text("follow_up_next_at IS NOT NULL AND status = 'open'"),
    ),
    sa.Index(
        "ix_deals_warranty_unreminded",
        "warranty_ends_on",
        postgresql_where=sa.text(
            "warranty_ends_on IS NOT NULL "
            "AND warranty_reminded_for IS DISTINCT FROM warranty_ends_on"
        ),
    ),
    # The list newest first, and its search's window and walk index-only: what the search
    # checks of each deal (title key, client) and the visibility's responsible (0042).
    sa.Index(
        "ix_deals_created_search",
        "organisation_id",
        "created_at",
        "id",
        postgresql_include=["client_id", "responsible_id", "title_key"],
    ),
    # The deals created in a period with what the analytics count of them (marketing
    # effectiveness, qualified leads): index-only, 0036.
    sa.Index(
        "ix_deals_created_cover",
        "organisation_id",
        "created_at",
        postgresql_include=[
            "responsible_id",
            "created_by",
            "status",
            "source_channel",
            "source_campaign",
            "currency",
            "amount",
        ],
    ),
    sa.Index("ix_deals_organisation_id_updated_at_id", "organisation_id", "updated_at", "id"),
    # The list's range filters on amount and expected close date: the keys, then the other
    # sort columns and the visibility owner, so a filtered page sorted by another column is a
    # bounded sort over an index-only range scan (SqlDealRepository.list, _RANGE_FILTERED).
    sa.Index(
        "ix_deals_amount_cover",
        "organisation_id",
        "amount",
        "id",
        postgresql_include=["created_at", "updated_at", "expected_close_date", "responsible_id"],
    ),
    sa.Index(
        "ix_deals_expected_close_date_cover",
        "organisation_id",
        "expected_close_date",
        "id",
        postgresql_include=["created_at", "updated_at", "amount", "responsible_id"],
    ),
    sa.Index("ix_deals_organisation_id_stage_id", "organisation_id", "stage_id"),
    sa.Index("ix_deals_organisation_id_funnel_id_status", "organisation_id", "funnel_id", "status"),
    # A seller's deals newest first (and the prefix for any responsible filter).
    sa.Index(
        "ix_deals_organisation_id_responsible_id_created_at_id",
        "organisation_id",
        "responsible_id",
        "created_at",
        "id",
    ),
    sa.Index("ix_deals_organisation_id_client_id", "organisation_id", "client_id"),
    # A payment's deal's responsible, index-only (paid turnover per responsible or for the
    # deals a caller sees, 0037): the deal's heap page per payment cost more than the rest.
    sa.Index(
        "ix_deals_responsible_cover",
        "organisation_id",
        "id",
        postgresql_include=["responsible_id"],
    ),
    # The forecast's open deals of a period, and a client's earlier purchases (migration 0031).
    sa.Index(
        "ix_deals_open_expected_close",
        "organisation_id",
        "expected_close_date",
        postgresql_include=["responsible_id", "stage_id", "currency", "amount"],
        postgresql_where=sa.text("status = 'open'"),
    ),
    sa.Index(
        "ix_deals_client_won",
        "organisation_id",
        "client_id",
        "closed_at",
        postgresql_where=sa.text("status = 'won'"),
    ),
    # Deals won (or lost) in a period, for plan fulfilment (index-only sums by responsible).
    sa.Index(
        "ix_deals_organisation_id_status_closed_at",
        "organisation_id",
        "status",
        "closed_at",
        postgresql_include=["responsible_id", "currency", "amount", "expected_margin"],
    ),
    # Lost deals by reason (the list's loss reason filter, the reasons' RESTRICT check), 0035.
    sa.Index(
        "ix_deals_loss_reason",
        "organisation_id",
        "loss_reason_id",
        "closed_at",
        postgresql_where=sa.text("loss_reason_id IS NOT NULL"),
    ),
    sa.Index(
        "ix_deals_organisation_id_status_stage_entered_at",
        "organisation_id",
        "status",
        "stage_entered_at",
    ),
    # The funnel board: top-N open deals per stage and the per-stage totals (index-only).
    sa.Index(
        "ix_deals_board_open",
        "organisation_id",
        "stage_id",
        "stage_entered_at",
        "id",
        postgresql_include=["responsible_id", "currency", "amount"],
        postgresql_where=sa.text("status = 'open'"),
    ),
    # The funnel analytics' cohort of open deals, for what depends on now (their current stays
    # and staleness); the rest of a cohort's figures come from its rollup (migration 0034).
    sa.Index(
        "ix_deals_cohort_open",
        "organisation_id",
        "funnel_id",
        "created_at",
        postgresql_include=["stage_id", "stage_entered_at", "responsible_id", "source_channel"],
        postgresql_where=sa.text("status = 'open'"),
    ),
    sa.Index(
        "ix_deals_custom_fields",
        "custom_fields",
        postgresql_using="gin",
        postgresql_ops={"custom_fields": "jsonb_path_ops"},
    ),
    sa.Index(
        "ix_deals_title_key_trgm",
        "title_key",
        postgresql_using="gin",
        postgresql_ops={"title_key": "gin_trgm_ops"},
    ),
)

deal_products = sa.Table(
    "deal_products",
    metadata,
    *tenant_pk(),
    *tenant_ref("deal_id", "deals", ondelete="CASCADE", nullable=False),
    sa.Column("position", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("quantity", sa.Numeric(18, 3), nullable=False),
    money("price"),
    # The catalogue's product the line was picked from (0043); its deletion keeps the line.
    *tenant_ref("product_id", "products", ondelete="SET NULL"),
    sa.CheckConstraint("quantity > 0", name="quantity_positive"),
    sa.CheckConstraint("price >= 0", name="price_not_negative"),
    sa.Index("ix_deal_products_organisation_id_deal_id", "organisation_id", "deal_id"),
    sa.Index(
        "ix_deal_products_organisation_id_product_id",
        "organisation_id",
        "product_id",
        postgresql_where=sa.text("product_id IS NOT NULL"),
    ),
)

stage_moves = sa.Table(
    "stage_moves",
    metadata,
    *tenant_pk(),
    *tenant_ref("deal_id", "deals", ondelete="CASCADE", nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # created|moved|won|lost|reopened
    # A deleted stage (only one no deal is in) leaves its history without a name.
    *tenant_ref("from_stage_id", "stages", ondelete="SET NULL"),
    *tenant_ref("to_stage_id", "stages", ondelete="SET NULL"),
    sa.Column("from_status", sa.String(8), nullable=True),
    sa.Column("to_status", sa.String(8), nullable=False),
    # Seconds the deal spent in from_stage before this move.
    sa.Column("seconds_in_previous", sa.BigInteger, nullable=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    *user_ref("by_user_id"),
    sa.Index("ix_stage_moves_organisation_id_deal_id_at", "organisation_id", "deal_id", "at"),
    sa.Index(
        "ix_stage_moves_organisation_id_to_stage_id_at", "organisation_id", "to_stage_id", "at"
    ),
    sa.Index("ix_stage_moves_organisation_id_at", "organisation_id", "at"),
)
