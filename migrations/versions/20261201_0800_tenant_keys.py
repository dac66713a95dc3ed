"""tenant-keyed schema: every tenant table's keys lead with organisation_id

Every table of an organisation's data gets the primary key (organisation_id, id) (schedules:
(organisation_id, user_id)), every unique constraint or unique index leads with
organisation_id, and every foreign key between two such tables becomes composite,
(organisation_id, x_id) -> x (organisation_id, id): a row can then only refer to a row of its
own organisation, and the schema can be distributed by organisation_id (docs/scaling.md).
A nullable reference cleared on delete clears only itself (ON DELETE SET NULL (x_id)), never
the row's organisation. Foreign keys to organisations stay as they are.

Kept global, as the sign-in directory looks them up before the organisation is known: users'
e-mail (uq_users_email_lower), refresh and action token hashes, API key prefixes.

On a database with data, every reference is first checked to stay within its organisation (the
old single-column keys could not tell); the migration stops, changing nothing, with a list of
the references that do not.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 08:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tenant tables keyed by id alone until now.
ID_KEYED = (
    "roles",
    "departments",
    "users",
    "absences",
    "action_tokens",
    "api_keys",
    "jobs",
    "refresh_tokens",
    "custom_field_definitions",
    "document_types",
    "funnels",
    "loss_reasons",
    "relationship_follow_ups",
    "stages",
    "audit_entries",
    "clients",
    "notifications",
    "contacts",
    "relationship_transitions",
    "contact_emails",
    "contact_phones",
    "deals",
    "activities",
    "attachments",
    "comments",
    "deal_products",
    "stage_moves",
    "tasks",
    "outbox_events",
    "webhook_endpoints",
    "webhook_deliveries",
    "webhook_attempts",
)

# Every foreign key between two tenant tables: (table, column, referred table, ON DELETE).
REFERENCES = (
    ("departments", "head_id", "users", "SET NULL"),
    ("departments", "parent_id", "departments", "RESTRICT"),
    ("users", "department_id", "departments", "SET NULL"),
    ("users", "role_id", "roles", "RESTRICT"),
    ("absences", "created_by", "users", "SET NULL"),
    ("absences", "substitute_id", "users", "SET NULL"),
    ("absences", "user_id", "users", "CASCADE"),
    ("action_tokens", "user_id", "users", "CASCADE"),
    ("api_keys", "created_by", "users", "SET NULL"),
    ("jobs", "created_by", "users", "SET NULL"),
    ("refresh_tokens", "user_id", "users", "CASCADE"),
    ("schedules", "user_id", "users", "CASCADE"),
    ("stages", "funnel_id", "funnels", "CASCADE"),
    ("audit_entries", "actor_user_id", "users", "SET NULL"),
    ("clients", "created_by", "users", "SET NULL"),
    ("clients", "merged_into_id", "clients", "SET NULL"),
    ("clients", "responsible_id", "users", "RESTRICT"),
    ("notifications", "user_id", "users", "CASCADE"),
    ("contacts", "client_id", "clients", "CASCADE"),
    ("contacts", "created_by", "users", "SET NULL"),
    ("relationship_transitions", "actor_id", "users", "SET NULL"),
    ("relationship_transitions", "client_id", "clients", "CASCADE"),
    ("contact_emails", "client_id", "clients", "CASCADE"),
    ("contact_emails", "contact_id", "contacts", "CASCADE"),
    ("contact_phones", "client_id", "clients", "CASCADE"),
    ("contact_phones", "contact_id", "contacts", "CASCADE"),
    ("deals", "client_id", "clients", "RESTRICT"),
    ("deals", "contact_id", "contacts", "SET NULL"),
    ("deals", "created_by", "users", "SET NULL"),
    ("deals", "funnel_id", "funnels", "RESTRICT"),
    ("deals", "loss_reason_id", "loss_reasons", "RESTRICT"),
    ("deals", "responsible_id", "users", "RESTRICT"),
    ("deals", "stage_id", "stages", "RESTRICT"),
    ("activities", "author_id", "users", "SET NULL"),
    ("activities", "client_id", "clients", "CASCADE"),
    ("activities", "deal_id", "deals", "CASCADE"),
    ("attachments", "client_id", "clients", "CASCADE"),
    ("attachments", "deal_id", "deals", "CASCADE"),
    ("attachments", "uploaded_by", "users", "SET NULL"),
    ("comments", "author_id", "users", "SET NULL"),
    ("comments", "client_id", "clients", "CASCADE"),
    ("comments", "deal_id", "deals", "CASCADE"),
    ("comments", "parent_id", "comments", "CASCADE"),
    ("deal_products", "deal_id", "deals", "CASCADE"),
    ("stage_moves", "by_user_id", "users", "SET NULL"),
    ("stage_moves", "deal_id", "deals", "CASCADE"),
    ("stage_moves", "from_stage_id", "stages", "SET NULL"),
    ("stage_moves", "to_stage_id", "stages", "SET NULL"),
    ("tasks", "assignee_id", "users", "RESTRICT"),
    ("tasks", "client_id", "clients", "CASCADE"),
    ("tasks", "created_by", "users", "SET NULL"),
    ("tasks", "deal_id", "deals", "CASCADE"),
    ("tasks", "done_by", "users", "SET NULL"),
    ("webhook_deliveries", "endpoint_id", "webhook_endpoints", "CASCADE"),
    ("webhook_attempts", "delivery_id", "webhook_deliveries", "CASCADE"),
    ("duplicate_candidates", "client_a_id", "clients", "CASCADE"),
    ("duplicate_candidates", "client_b_id", "clients", "CASCADE"),
)

# Unique indexes that did not lead with organisation_id: (table, old name, old columns,
# new name, new columns, WHERE). Constraints (webhook deliveries) and indexes keep their kind.
UNIQUE_INDEXES = (
    (
        "stages",
        "uq_stages_funnel_id_lower_name",
        ["funnel_id", sa.text("lower(name)")],
        "uq_stages_organisation_id_funnel_id_lower_name",
        ["organisation_id", "funnel_id", sa.text("lower(name)")],
        None,
    ),
    (
        "notifications",
        "uq_notifications_user_id_dedup_key",
        ["user_id", "dedup_key"],
        "uq_notifications_organisation_id_user_id_dedup_key",
        ["organisation_id", "user_id", "dedup_key"],
        sa.text("dedup_key IS NOT NULL"),
    ),
)
DELIVERIES_UNIQUE_OLD = "uq_webhook_deliveries_endpoint_id_event_id"
DELIVERIES_UNIQUE_NEW = "uq_webhook_deliveries_organisation_id_endpoint_id_event_id"


def _fk_name(table: str, column: str, referred: str) -> str:
    return f"fk_{table}_{column}_{referred}"


def _check_references_stay_in_their_organisation() -> None:
    """Every stored reference points at a row of the referring row's organisation; the
    composite keys would refuse the others, so they are listed before anything changes."""
    bind = op.get_bind()
    problems: list[str] = []
    for table, column, referred, _ in REFERENCES:
        # Identifiers come from this module's constants, never from input.
        found = bind.execute(
            sa.text(
                f"SELECT count(*), min(t.{column}::text) FROM {table} t "  # noqa: S608
                f"JOIN {referred} r ON r.id = t.{column} "
                "WHERE r.organisation_id <> t.organisation_id"
            )
        ).one()
        if found[0]:
            problems.append(
                f"{table}.{column}: {found[0]} row(s) refer to another organisation's "
                f"{referred} (e.g. {referred}.id {found[1]})"
            )
    if problems:
        raise RuntimeError(
            "Rows refer to records of another organisation; correct them, then migrate "
            "again:\n  " + "\n  ".join(problems)
        )


def upgrade() -> None:
    _check_references_stay_in_their_organisation()
    for table, column, referred, _ in REFERENCES:
        op.drop_constraint(_fk_name(table, column, referred), table, type_="foreignkey")
    for table in ID_KEYED:
        op.execute(
            f"ALTER TABLE {table} DROP CONSTRAINT pk_{table}, "
            f"ADD CONSTRAINT pk_{table} PRIMARY KEY (organisation_id, id)"
        )
    op.execute(
        "ALTER TABLE schedules DROP CONSTRAINT pk_schedules, "
        "ADD CONSTRAINT pk_schedules PRIMARY KEY (organisation_id, user_id)"
    )
    for table, old, _, new, columns, where in UNIQUE_INDEXES:
        op.create_index(new, table, columns, unique=True, postgresql_where=where)
        op.drop_index(old, table_name=table)
    op.create_unique_constraint(
        DELIVERIES_UNIQUE_NEW, "webhook_deliveries", ["organisation_id", "endpoint_id", "event_id"]
    )
    op.drop_constraint(DELIVERIES_UNIQUE_OLD, "webhook_deliveries", type_="unique")
    for table, column, referred, ondelete in REFERENCES:
        op.create_foreign_key(
            _fk_name(table, column, referred),
            table,
            referred,
            ["organisation_id", column],
            ["organisation_id", "id"],
            ondelete=f"SET NULL ({column})" if ondelete == "SET NULL" else ondelete,
        )


def downgrade() -> None:
    for table, column, referred, _ in REFERENCES:
        op.drop_constraint(_fk_name(table, column, referred), table, type_="foreignkey")
    op.create_unique_constraint(
        DELIVERIES_UNIQUE_OLD, "webhook_deliveries", ["endpoint_id", "event_id"]
    )
    op.drop_constraint(DELIVERIES_UNIQUE_NEW, "webhook_deliveries", type_="unique")
    for table, old, old_columns, new, _, where in UNIQUE_INDEXES:
        op.create_index(old, table, old_columns, unique=True, postgresql_where=where)
        op.drop_index(new, table_name=table)
    op.execute(
        "ALTER TABLE schedules DROP CONSTRAINT pk_schedules, "
        "ADD CONSTRAINT pk_schedules PRIMARY KEY (user_id)"
    )
    for table in ID_KEYED:
        op.execute(
            f"ALTER TABLE {table} DROP CONSTRAINT pk_{table}, "
            f"ADD CONSTRAINT pk_{table} PRIMARY KEY (id)"
        )
    for table, column, referred, ondelete in REFERENCES:
        op.create_foreign_key(
            _fk_name(table, column, referred), table, referred, [column], ["id"], ondelete=ondelete
        )
