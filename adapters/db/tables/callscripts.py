"""Call scripts: the scripts (their steps as one JSON document, checked as a graph by the
domain), the funnel stages they apply to (one script a stage) and the runs of calls made with
them (the path taken as JSON, read by the report with jsonb_array_elements)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

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

call_scripts = sa.Table(
    "call_scripts",
    metadata,
    *tenant_pk(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("start_step_id", sa.String(40), nullable=False),
    # [{id, kind, text, answers: [{id, kind, text, next_step_id, outcome}]}]
    sa.Column("steps", JSONB, nullable=False),
    *user_ref("created_by"),
    created_at(),
    updated_at(),
    version(),
    sa.Index("ix_call_scripts_organisation_id_name", "organisation_id", "name", "id"),
)

call_script_stages = sa.Table(
    "call_script_stages",
    metadata,
    organisation_fk(),
    *tenant_ref("stage_id", "stages", ondelete="CASCADE", nullable=False),
    *tenant_ref("script_id", "call_scripts", ondelete="CASCADE", nullable=False),
    # A stage has one script at most.
    sa.PrimaryKeyConstraint("organisation_id", "stage_id"),
    sa.Index("ix_call_script_stages_organisation_id_script_id", "organisation_id", "script_id"),
)

call_script_runs = sa.Table(
    "call_script_runs",
    metadata,
    *tenant_pk(),
    *tenant_ref("script_id", "call_scripts", ondelete="CASCADE", nullable=False),
    sa.Column("script_version", sa.Integer, nullable=False),
    *user_ref("user_id"),
    *tenant_ref("client_id", "clients", ondelete="SET NULL"),
    *tenant_ref("deal_id", "deals", ondelete="SET NULL"),
    *tenant_ref("call_list_id", "call_lists", ondelete="SET NULL"),
    *tenant_ref("call_list_item_id", "call_list_items", ondelete="SET NULL"),
    # The PBX call, or the call logged as an activity.
    *tenant_ref("call_id", "calls", ondelete="SET NULL"),
    *tenant_ref("activity_id", "activities", ondelete="SET NULL"),
    # interested | not_interested | call_back | wrong_number | no_decision
    sa.Column("outcome", sa.String(16), nullable=False),
    # [{step_id, answer_id, at}]
    sa.Column("path", JSONB, nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
    # The report: a script's runs in a period.
    sa.Index(
        "ix_call_script_runs_organisation_id_script_id_finished_at",
        "organisation_id",
        "script_id",
        "finished_at",
    ),
    # The runs on a record, newest first.
    sa.Index(
        "ix_call_script_runs_organisation_id_deal_id",
        "organisation_id",
        "deal_id",
        "finished_at",
        postgresql_where=sa.text("deal_id IS NOT NULL"),
    ),
    sa.Index(
        "ix_call_script_runs_organisation_id_client_id",
        "organisation_id",
        "client_id",
        "finished_at",
        postgresql_where=sa.text("client_id IS NOT NULL"),
    ),
    sa.Index(
        "ix_call_script_runs_organisation_id_call_list_item_id",
        "organisation_id",
        "call_list_item_id",
        "finished_at",
        postgresql_where=sa.text("call_list_item_id IS NOT NULL"),
    ),
)
