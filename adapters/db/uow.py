"""The SQL unit of work: one connection, one transaction, jobs sent after commit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Protocol, Self

import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.db.repositories.activities import (
    NotificationPublisher,
    SqlActivityRepository,
    SqlCommentRepository,
    SqlNotificationRepository,
    SqlReassignmentRepository,
    SqlSubjectRepository,
    SqlTaskRepository,
)
from adapters.db.repositories.attachments import (
    SqlAttachmentRepository,
    SqlDocumentTypeRepository,
)
from adapters.db.repositories.audit import SqlAuditRepository
from adapters.db.repositories.auth import (
    SqlActionTokenRepository,
    SqlApiKeyRepository,
    SqlRefreshTokenRepository,
)
from adapters.db.repositories.clients import (
    SqlClientRepository,
    SqlContactRepository,
    SqlCustomFieldRepository,
    SqlFollowUpTaskWriter,
    SqlRelationshipFollowUpRepository,
)
from adapters.db.repositories.deals import SqlDealRepository
from adapters.db.repositories.funnels import SqlFunnelRepository, SqlLossReasonRepository
from adapters.db.repositories.platform import SqlJobRepository
from adapters.db.repositories.staff import (
    SqlAbsenceRepository,
    SqlDepartmentRepository,
    SqlOrganisationRepository,
    SqlRoleRepository,
    SqlScheduleRepository,
    SqlUserRepository,
)
from adapters.db.repositories.timeline import SqlTimelineQueries
from domain.activities.ports import (
    ActivityRepository,
    CommentRepository,
    NotificationRepository,
    ReassignmentRepository,
    SubjectRepository,
    TaskRepository,
    TimelineQueries,
)
from domain.attachments.ports import AttachmentRepository, DocumentTypeRepository
from domain.auth.ports import ActionTokenRepository, ApiKeyRepository, RefreshTokenRepository
from domain.clients.ports import (
    ClientRepository,
    ContactRepository,
    CustomFieldRepository,
    FollowUpTaskWriter,
    RelationshipFollowUpRepository,
)
from domain.deals.ports import DealRepository
from domain.funnels.ports import FunnelRepository, LossReasonRepository
from domain.platform.audit import AuditRepository
from domain.platform.model import Job
from domain.platform.ports import JobRepository
from domain.shared.errors import Conflict
from domain.staff.ports import (
    AbsenceRepository,
    DepartmentRepository,
    OrganisationRepository,
    RoleRepository,
    ScheduleRepository,
    UserRepository,
)

log = structlog.get_logger(__name__)

_UNIQUE_VIOLATION = "23505"
_FOREIGN_KEY_VIOLATION = "23503"


def _integrity_conflict(exc: IntegrityError) -> Conflict:
    """A constraint that two concurrent requests raced past the domain's own checks (two
    admins adding the same stage name at once) is a conflict, not a server error."""
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if code == _UNIQUE_VIOLATION:
        return Conflict("A record with the same unique value already exists; reload and retry")
    if code == _FOREIGN_KEY_VIOLATION:
        return Conflict("The change refers to a record that no longer exists or is still in use")
    return Conflict("The change conflicts with the stored data; reload and retry")


class JobDispatcher(Protocol):
    async def dispatch(self, job: Job) -> None:
        """Hand a stored job to the workers."""
        ...


class SqlUnitOfWork:
    organisations: OrganisationRepository
    roles: RoleRepository
    users: UserRepository
    departments: DepartmentRepository
    schedules: ScheduleRepository
    absences: AbsenceRepository
    refresh_tokens: RefreshTokenRepository
    action_tokens: ActionTokenRepository
    api_keys: ApiKeyRepository
    jobs: JobRepository
    audit: AuditRepository
    funnels: FunnelRepository
    loss_reasons: LossReasonRepository
    deals: DealRepository
    attachments: AttachmentRepository
    document_types: DocumentTypeRepository
    notifications: NotificationRepository
    tasks: TaskRepository
    activities: ActivityRepository
    comments: CommentRepository
    activity_subjects: SubjectRepository
    timeline: TimelineQueries
    reassignment: ReassignmentRepository
    clients: ClientRepository
    contacts: ContactRepository
    custom_fields: CustomFieldRepository
    relationship_follow_ups: RelationshipFollowUpRepository
    follow_up_tasks: FollowUpTaskWriter

    def __init__(
        self,
        engine: AsyncEngine,
        dispatcher: JobDispatcher,
        *,
        notification_publisher: NotificationPublisher | None = None,
    ) -> None:
        self._engine = engine
        self._dispatcher = dispatcher
        self._notification_publisher = notification_publisher
        self._conn: AsyncConnection | None = None
        self._pending_jobs: list[Job] = []
        self._callbacks: list[Callable[[], Awaitable[None]]] = []
        self._depth = 0

    async def __aenter__(self) -> Self:
        # Re-entrant: a use case may call another that opens the same unit of work.
        self._depth += 1
        if self._depth > 1:
            return self
        self._conn = await self._engine.connect()
        await self._conn.begin()
        self._bind(self._conn)
        self._pending_jobs = []
        self._callbacks = []
        return self

    def _bind(self, conn: AsyncConnection) -> None:
        self.organisations = SqlOrganisationRepository(conn)
        self.roles = SqlRoleRepository(conn)
        self.users = SqlUserRepository(conn)
        self.departments = SqlDepartmentRepository(conn)
        self.schedules = SqlScheduleRepository(conn)
        self.absences = SqlAbsenceRepository(conn)
        self.refresh_tokens = SqlRefreshTokenRepository(conn)
        self.action_tokens = SqlActionTokenRepository(conn)
        self.api_keys = SqlApiKeyRepository(conn)
        self.jobs = SqlJobRepository(conn)
        self.audit = SqlAuditRepository(conn)
        self.funnels = SqlFunnelRepository(conn)
        self.loss_reasons = SqlLossReasonRepository(conn)
        self.deals = SqlDealRepository(conn)
        self.attachments = SqlAttachmentRepository(conn)
        self.document_types = SqlDocumentTypeRepository(conn)
        self.notifications = SqlNotificationRepository(conn, self._notification_publisher)
        self.tasks = SqlTaskRepository(conn)
        self.activities = SqlActivityRepository(conn)
        self.comments = SqlCommentRepository(conn)
        self.activity_subjects = SqlSubjectRepository(conn)
        self.timeline = SqlTimelineQueries(conn)
        self.reassignment = SqlReassignmentRepository(conn)
        self.clients = SqlClientRepository(conn)
        self.contacts = SqlContactRepository(conn)
        self.custom_fields = SqlCustomFieldRepository(conn)
        self.relationship_follow_ups = SqlRelationshipFollowUpRepository(conn)
        self.follow_up_tasks = SqlFollowUpTaskWriter(conn)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth > 0:
            return
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if conn.in_transaction():
                await conn.rollback()
        finally:
            await conn.close()
            self._pending_jobs = []
            self._callbacks = []
        if isinstance(exc, IntegrityError):
            raise _integrity_conflict(exc) from exc

    async def commit(self) -> None:
        if self._depth > 1:
            return  # the outermost block commits
        assert self._conn is not None, "commit outside a unit of work"
        await self._conn.commit()
        jobs, self._pending_jobs = self._pending_jobs, []
        for job in jobs:
            try:
                await self._dispatcher.dispatch(job)
            except Exception as exc:  # the row is stored; the sweeper dispatches it later
                log.warning("job.dispatch_failed", job_id=str(job.id), error=str(exc))
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            try:
                await callback()
            except Exception as exc:  # committed work stands; a side effect may be lost
                log.warning("uow.after_commit_failed", error=str(exc))
        await self._conn.begin()

    async def rollback(self) -> None:
        assert self._conn is not None, "rollback outside a unit of work"
        await self._conn.rollback()
        self._pending_jobs = []
        self._callbacks = []
        await self._conn.begin()

    def on_commit(self, callback: Callable[[], Awaitable[None]]) -> None:
        self._callbacks.append(callback)

    async def enqueue(self, job: Job) -> None:
        await self.jobs.add(job)
        self._pending_jobs.append(job)
