"""Derived data: the work-time map's events counted per organisation, UTC hour and employee.

``work_time_hours`` is kept exact by triggers on activities, tasks and stage_moves, in the
transaction that changes an event (migration 0032 holds them and says what counts; they are
not part of this metadata, so Alembic compares only the table). ``work_time_rebuild(org)``
recomputes an organisation's rows from its events. Rows may stay at zero; readers skip them.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID

from adapters.db.tables.base import metadata, organisation_fk

work_time_hours = sa.Table(
    "work_time_hours",
    metadata,
    organisation_fk(),
    # The start of the events' hour in UTC.
    sa.Column("hour_at", sa.DateTime(timezone=True), nullable=False),
    # A plain column, no foreign key: the counts are derived from the event rows, which hold
    # the references (users are never deleted, only deactivated).
    sa.Column("user_id", UUID(as_uuid=True), nullable=False),
    # The employee's calls and meetings logged, tasks done and deals moved on in that hour.
    sa.Column("calls", sa.Integer, nullable=False),
    sa.Column("meetings", sa.Integer, nullable=False),
    sa.Column("tasks_done", sa.Integer, nullable=False),
    sa.Column("stage_moves", sa.Integer, nullable=False),
    # A period of the organisation is one range of the key.
    sa.PrimaryKeyConstraint("organisation_id", "hour_at", "user_id"),
)
