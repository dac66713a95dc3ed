"""The lead inbox's index on ``intake_leads`` (the table is distribution's): open leads newest
first, the inbox's default page and its nav badge's counts."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.db.tables.distribution import intake_leads

ix_intake_leads_status_received_at = sa.Index(
    "ix_intake_leads_organisation_id_status_received_at",
    intake_leads.c.organisation_id,
    intake_leads.c.status,
    intake_leads.c.received_at,
    intake_leads.c.id,
)
