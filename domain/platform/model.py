"""Platform records: background jobs visible to users."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.shared.errors import InvalidInput, InvalidTransition
from domain.shared.ids import new_id


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(slots=True, kw_only=True)
class Job:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    status: JobStatus = JobStatus.QUEUED
    progress: int = 0
    message: str | None = None
    result: dict[str, Any] | None = None
    error: str | None = None
    created_by: UUID | None = None
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    attempts: int = 0

    def start(self, at: datetime) -> None:
        if self.status in (JobStatus.DONE,):
            raise InvalidTransition(f"job {self.id} has already finished")
        self.status = JobStatus.RUNNING
        self.started_at = at
        self.attempts += 1

    def report(self, progress: int, message: str | None = None) -> None:
        if not 0 <= progress <= 100:
            raise InvalidInput("progress", "must be between 0 and 100")
        self.progress = progress
        if message is not None:
            self.message = message

    def succeed(self, at: datetime, result: dict[str, Any] | None = None) -> None:
        self.status = JobStatus.DONE
        self.progress = 100
        self.result = result
        self.error = None
        self.finished_at = at

    def fail(self, at: datetime, error: str) -> None:
        self.status = JobStatus.FAILED
        self.error = error
        self.finished_at = at
