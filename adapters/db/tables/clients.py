"""Clients (companies and persons), contacts with their phones and e-mails, custom field
definitions, and the history of relationship types."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

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

# The clients that can fall asleep: buyers (current, permanent) not merged into another.
SLEEPING_CANDIDATE = (
    "relationship_type IN ('current', 'permanent') AND merged_into_id IS NULL"
    " AND last_purchase_at IS NOT NULL"
)

clients = sa.Table(
    "clients",
    metadata,
    *tenant_pk(),
    sa.Column("kind", sa.String(16), nullable=False),  # company | person
    sa.Column("name", sa.String(300), nullable=False),
    # Lower-cased name without legal-form words (ООО, ИП, ТОВ, LLC...), for duplicate search.
    sa.Column("name_key", sa.String(300), nullable=False),
    sa.Column("legal_name", sa.String(500), nullable=True),
    sa.Column("inn", sa.String(12), nullable=True),
    sa.Column("kpp", sa.String(9), nullable=True),
    sa.Column("ogrn", sa.String(15), nullable=True),
    sa.Column("edrpou", sa.String(10), nullable=True),
    sa.Column("sector", sa.String(200), nullable=True),
    sa.Column("segment_tags", ARRAY(sa.String(100)), nullable=False, server_default="{}"),
    sa.Column("source_channel", sa.String(100), nullable=True),
    sa.Column("source_campaign", sa.String(200), nullable=True),
    sa.Column("utm", JSONB, nullable=False, server_default="{}"),
    sa.Column("temperature", sa.String(8), nullable=False, server_default="cold"),
    sa.Column("relationship_type", sa.String(16), nullable=False, server_default="cold"),
    *user_ref("responsible_id", nullable=False),
    sa.Column("custom_fields", JSONB, nullable=False, server_default="{}"),
    sa.Column("notes", sa.Text, nullable=True),
    # Inbound requests (form, call, manual) counted for the "potential" relationship type.
    sa.Column("inbound_requests", sa.Integer, nullable=False, server_default="0"),
    # Kept by triggers on activities and tasks (migration 0020), for sorting the list: the
    # latest activity, and the due time of the earliest open task.
    sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("next_task_at", sa.DateTime(timezone=True), nullable=True),
    # When the latest won deal was won, kept with the relationship type (migration 0026):
    # sleeping clients are current or permanent ones whose last purchase is long ago.
    sa.Column("last_purchase_at", sa.DateTime(timezone=True), nullable=True),
    *tenant_ref("merged_into_id", "clients", ondelete="SET NULL"),
    *user_ref("created_by"),
    created_at(),
    updated_at(),
    version(),
    sa.Index("ix_clients_organisation_id_name_id", "organisation_id", "name", "id"),
    sa.Index(
        "ix_clients_sleeping",
        "organisation_id",
        "last_purchase_at",
        "id",
        postgresql_where=sa.text(SLEEPING_CANDIDATE),
    ),
    # Deleting a client (or an organisation) clears merged_into_id of the clients merged into
    # it: without an index every deleted client scanned the whole table.
    sa.Index(
        "ix_clients_merged_into_id",
        "merged_into_id",
        postgresql_where=sa.text("merged_into_id IS NOT NULL"),
    ),
    sa.Index("ix_clients_organisation_id_created_at_id", "organisation_id", "created_at", "id"),
    sa.Index("ix_clients_organisation_id_updated_at_id", "organisation_id", "updated_at", "id"),
    # Never (NULL) is the oldest activity: first forwards, last backwards (most recent first).
    sa.Index(
        "ix_clients_organisation_id_last_activity_at_id",
        "organisation_id",
        sa.text("last_activity_at NULLS FIRST"),
        "id",
    ),
    sa.Index("ix_clients_organisation_id_next_task_at_id", "organisation_id", "next_task_at", "id"),
    sa.Index("ix_clients_organisation_id_responsible_id", "organisation_id", "responsible_id"),
    sa.Index(
        "ix_clients_organisation_id_relationship_type", "organisation_id", "relationship_type"
    ),
    sa.Index("ix_clients_organisation_id_temperature", "organisation_id", "temperature"),
    sa.Index("ix_clients_organisation_id_source_channel", "organisation_id", "source_channel"),
    sa.Index("ix_clients_organisation_id_inn", "organisation_id", "inn"),
    sa.Index("ix_clients_organisation_id_edrpou", "organisation_id", "edrpou"),
    sa.Index("ix_clients_segment_tags", "segment_tags", postgresql_using="gin"),
    sa.Index(
        "ix_clients_custom_fields",
        "custom_fields",
        postgresql_using="gin",
        postgresql_ops={"custom_fields": "jsonb_path_ops"},
    ),
    sa.Index(
        "ix_clients_name_key_trgm",
        "name_key",
        postgresql_using="gin",
        postgresql_ops={"name_key": "gin_trgm_ops"},
        # Written through (migration 0046): a pending list would be read whole by every search.
        postgresql_with={"fastupdate": "off"},
    ),
    sa.Index(
        "ix_clients_name_trgm",
        "name",
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
        # Written through (migration 0046): a pending list would be read whole by every search.
        postgresql_with={"fastupdate": "off"},
    ),
)

contacts = sa.Table(
    "contacts",
    metadata,
    *tenant_pk(),
    *tenant_ref("client_id", "clients", ondelete="CASCADE", nullable=False),
    sa.Column("full_name", sa.String(300), nullable=False),
    sa.Column("name_key", sa.String(300), nullable=False),
    sa.Column("position", sa.String(200), nullable=True),
    # [{"kind": "telegram", "handle": "@ivanov"}]
    sa.Column("messengers", JSONB, nullable=False, server_default="[]"),
    sa.Column("notes", sa.Text, nullable=True),
    sa.Column("is_primary", sa.Boolean, nullable=False, server_default=sa.false()),
    *user_ref("created_by"),
    created_at(),
    updated_at(),
    version(),
    sa.Index("ix_contacts_organisation_id_client_id", "organisation_id", "client_id"),
    sa.Index(
        "ix_contacts_name_key_trgm",
        "name_key",
        postgresql_using="gin",
        postgresql_ops={"name_key": "gin_trgm_ops"},
    ),
)

# Phones and e-mails in their own tables, so duplicate checks and search use plain indexes.
contact_phones = sa.Table(
    "contact_phones",
    metadata,
    *tenant_pk(),
    *tenant_ref("contact_id", "contacts", ondelete="CASCADE", nullable=False),
    *tenant_ref("client_id", "clients", ondelete="CASCADE", nullable=False),
    sa.Column("e164", sa.String(20), nullable=False),
    sa.Column("raw", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False, server_default="mobile"),
    sa.Column("position", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Index("ix_contact_phones_organisation_id_e164", "organisation_id", "e164"),
    sa.Index("ix_contact_phones_contact_id", "contact_id"),
    sa.Index(
        "ix_contact_phones_e164_trgm",
        "e164",
        postgresql_using="gin",
        postgresql_ops={"e164": "gin_trgm_ops"},
    ),
)

contact_emails = sa.Table(
    "contact_emails",
    metadata,
    *tenant_pk(),
    *tenant_ref("contact_id", "contacts", ondelete="CASCADE", nullable=False),
    *tenant_ref("client_id", "clients", ondelete="CASCADE", nullable=False),
    sa.Column("email", sa.String(320), nullable=False),  # stored lower-cased
    sa.Column("position", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Index("ix_contact_emails_organisation_id_email", "organisation_id", "email"),
    sa.Index("ix_contact_emails_contact_id", "contact_id"),
    sa.Index(
        "ix_contact_emails_email_trgm",
        "email",
        postgresql_using="gin",
        postgresql_ops={"email": "gin_trgm_ops"},
    ),
)

# Pairs of clients that look like one, kept up to date by the changes that can make or break
# a match (in their transaction) and by a rescan job, so listing them is a keyset read instead
# of comparing every client with every other. Merging or deleting a client removes its pairs.
duplicate_candidates = sa.Table(
    "duplicate_candidates",
    metadata,
    organisation_fk(),
    *tenant_ref("client_a_id", "clients", ondelete="CASCADE", nullable=False),
    *tenant_ref("client_b_id", "clients", ondelete="CASCADE", nullable=False),
    sa.Column("reasons", ARRAY(sa.String(16)), nullable=False),
    sa.Column("score", sa.SmallInteger, nullable=False),
    sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("organisation_id", "client_a_id", "client_b_id"),
    sa.CheckConstraint("client_a_id < client_b_id", name="ordered_pair"),
    sa.Index(
        "ix_duplicate_candidates_organisation_id_client_b_id", "organisation_id", "client_b_id"
    ),
)

custom_field_definitions = sa.Table(
    "custom_field_definitions",
    metadata,
    *tenant_pk(),
    sa.Column("entity", sa.String(16), nullable=False),  # client | deal
    sa.Column("key", sa.String(64), nullable=False),
    sa.Column("label", sa.String(200), nullable=False),
    sa.Column("type", sa.String(16), nullable=False),  # string | number | date | enum | money
    sa.Column("options", JSONB, nullable=False, server_default="[]"),  # enum values
    sa.Column("required", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("position", sa.SmallInteger, nullable=False, server_default="0"),
    created_at(),
    version(),
    sa.UniqueConstraint(
        "organisation_id", "entity", "key", name="uq_custom_field_definitions_org_entity_key"
    ),
)

relationship_transitions = sa.Table(
    "relationship_transitions",
    metadata,
    *tenant_pk(),
    *tenant_ref("client_id", "clients", ondelete="CASCADE", nullable=False),
    sa.Column("from_type", sa.String(16), nullable=True),
    sa.Column("to_type", sa.String(16), nullable=False),
    sa.Column("reason", sa.String(200), nullable=False),
    sa.Column("deal_id", UUID(as_uuid=True), nullable=True),
    *user_ref("actor_id"),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Index(
        "ix_relationship_transitions_organisation_id_client_id_at",
        "organisation_id",
        "client_id",
        "at",
    ),
    # The deal timeline's relationship items (most transitions name no deal).
    sa.Index(
        "ix_relationship_transitions_organisation_id_deal_id_at",
        "organisation_id",
        "deal_id",
        "at",
        postgresql_where=sa.text("deal_id IS NOT NULL"),
    ),
)

relationship_follow_ups = sa.Table(
    "relationship_follow_ups",
    metadata,
    *tenant_pk(),
    sa.Column("relationship_type", sa.String(16), nullable=False),
    sa.Column("task_title", sa.String(300), nullable=False),
    sa.Column("due_in_days", sa.SmallInteger, nullable=False, server_default="1"),
    sa.Column("priority", sa.String(8), nullable=False, server_default="normal"),
    sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
    created_at(),
    version(),
    sa.Index(
        "ix_relationship_follow_ups_organisation_id_relationship_type",
        "organisation_id",
        "relationship_type",
    ),
)
