from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

from adapters.db.tables.base import created_at, metadata, organisation_fk, uuid_pk

jobs = sa.Table(
    "jobs",
    metadata,
    uuid_pk(),
    organisation_fk(),
    sa.Column("kind", sa.String(100), nullable=False),
    sa.Column("params", JSONB, nullable=False, server_default="{}"),
    sa.Column("status", sa.String(16), nullable=False, server_default="queued"),
    sa.Column("progress", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Column("message", sa.String(1000), nullable=True),
    sa.Column("result", JSONB, nullable=True),
    sa.Column("error", sa.Text, nullable=True),
    sa.Column(
        "created_by",
        UUID(as_uuid=True),
        sa.ForeignKey("users.id", ondelete="SET NULL"),
        nullable=True,
    ),
    created_at(),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("attempts", sa.SmallInteger, nullable=False, server_default="0"),
    sa.CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
    sa.Index(
        "ix_jobs_organisation_id_created_by_created_at_id",
        "organisation_id",
        "created_by",
        "created_at",
        "id",
    ),
    sa.Index("ix_jobs_organisation_id_created_at_id", "organisation_id", "created_at", "id"),
)
