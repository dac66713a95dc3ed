from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from api.schemas.base import Schema
from domain.activities.model import NotificationKind

PARAMS_DESCRIPTION = """What the notification says, as values the client renders in the
reader's language from a template per `kind` (no text is stored). Keys per kind (ids are
UUID strings, moments ISO 8601, days ISO dates; a value may be null):

- `assignment`: task_id, task_title, due_at, assigned_by
- `hand_over`: task_id, task_title, due_at, from_user_id
- `reminder`: task_id, task_title, due_at, remind_at
- `overdue`: task_id, task_title, due_at
- `mention`: comment_id, author_id, author_name, client_id, deal_id
- `stale_deal`, `stale_deal_close`: deal_id, deal_title, stage_name, days_in_stage, max_days
- `absence_substitute`: absence_id, user_id, user_name, absence_kind, starts_on, ends_on
- `work_handed_over`: from_user_id, from_user_name, clients, deals, tasks
- `webhook_disabled`: endpoint_id, url, failing_since
- `legacy` (stored before kinds had parameters): legacy_title, legacy_body
"""


class NotificationRead(Schema):
    id: UUID
    kind: NotificationKind
    params: dict[str, str | int | bool | None] = Field(description=PARAMS_DESCRIPTION)
    entity_type: str | None = Field(
        description="What the notification links to: task, deal, client, user, webhook_endpoint"
    )
    entity_id: UUID | None
    created_at: datetime | None
    read_at: datetime | None


class NotificationPage(Schema):
    items: list[NotificationRead]
    next_cursor: str | None


class ReadAllResult(Schema):
    marked: int
