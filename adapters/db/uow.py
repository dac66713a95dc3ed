"""The SQL unit of work: one connection, one transaction, jobs sent after commit."""

from __future__ import annotations

import weakref
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Protocol, Self
from uuid import UUID

import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.db.errors import transient_failure
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
from adapters.db.repositories.automation import SqlAutomationRepository
from adapters.db.repositories.billing import SqlInvoiceRepository
from adapters.db.repositories.calllists import SqlCallListRepository
from adapters.db.repositories.callscripts import SqlCallScriptRepository
from adapters.db.repositories.clients import SqlClientRepository
from adapters.db.repositories.complaints import SqlComplaintRepository
from adapters.db.repositories.contacts import SqlContactRepository
from adapters.db.repositories.custom_fields import SqlCustomFieldRepository
from adapters.db.repositories.deals import SqlDealRepository
from adapters.db.repositories.distribution import SqlDistributionRepository
from adapters.db.repositories.employee_karma import SqlEmployeeKarmaRepository
from adapters.db.repositories.follow_ups import SqlRelationshipFollowUpRepository
from adapters.db.repositories.funnels import SqlFunnelRepository, SqlLossReasonRepository
from adapters.db.repositories.imports import SqlImportRepository
from adapters.db.repositories.intake import SqlIntakeRepository
from adapters.db.repositories.intake_reports import SqlIntakeReportQueries
from adapters.db.repositories.karma import SqlKarmaRepository
from adapters.db.repositories.kpi import SqlKpiQueries, SqlPlanRepository
from adapters.db.repositories.lead_inbox import SqlLeadInboxRepository
from adapters.db.repositories.loyalty import SqlSurveyRepository
from adapters.db.repositories.marketing import SqlMarketingRepository
from adapters.db.repositories.onec import SqlOnecRepository
from adapters.db.repositories.outbox import SqlOutbox
from adapters.db.repositories.platform import SqlJobRepository
from adapters.db.repositories.retention import SqlRetentionRepository
from adapters.db.repositories.saved_filters import SqlSavedFilterRepository
from adapters.db.repositories.staff import (
    SqlAbsenceRepository,
    SqlDepartmentRepository,
    SqlOrganisationRepository,
    SqlRoleRepository,
    SqlScheduleRepository,
    SqlUserRepository,
)
from adapters.db.repositories.telephony import (
    SqlCallReviewRepository,
    SqlOriginationRepository,
    SqlTelephonyRepository,
)
from adapters.db.repositories.timeline import SqlTimelineQueries
from adapters.db.repositories.today import SqlTodayQueries
from adapters.db.repositories.webhooks import SqlWebhookRepository
from domain.activities.ports import (
    ActivityRepository,
    CommentRepository,
    NotificationRepository,
    ReassignmentRepository,
    SubjectRepository,
    TaskRepository,
    TimelineQueries,
    TodayQueries,
)
from domain.attachments.ports import AttachmentRepository, DocumentTypeRepository
from domain.auth.ports import ActionTokenRepository, ApiKeyRepository, RefreshTokenRepository
from domain.automation.ports import AutomationRepository
from domain.billing.ports import InvoiceRepository
from domain.calllists.ports import CallListRepository
from domain.callscripts.ports import CallScriptRepository
from domain.clients.ports import (
    ClientRepository,
    ContactRepository,
    CustomFieldRepository,
    RelationshipFollowUpRepository,
)
from domain.complaints.ports import ComplaintRepository
from domain.deals.ports import DealRepository
from domain.funnels.ports import FunnelRepository, LossReasonRepository
from domain.imports.ports import ImportRepository
from domain.intake.calls import TelephonyRepository
from domain.intake.distribution import DistributionRepository
from domain.intake.lead_inbox import LeadInboxRepository
from domain.intake.originate import OriginationRepository
from domain.intake.ports import IntakeRepository
from domain.intake.reports import IntakeReportQueries
from domain.intake.reviews import CallReviewRepository
from domain.karma.employee_ports import EmployeeKarmaRepository
from domain.karma.ports import KarmaRepository
from domain.kpi.ports import KpiQueries, PlanRepository
from domain.loyalty.ports import SurveyRepository
from domain.marketing.ports import MarketingRepository
from domain.onec.ports import OnecRepository
from domain.platform.audit import AuditRepository
from domain.platform.messagebus import EventBus
from domain.platform.model import Job
from domain.platform.ports import JobRepository
from domain.platform.saved_filters import SavedFilterRepository
from domain.retention.ports import RetentionRepository
from domain.shared.errors import Conflict
from domain.shared.events import DomainEvent
from domain.staff.ports import (
    AbsenceRepository,
    DepartmentRepository,
    OrganisationRepository,
    RoleRepository,
    ScheduleRepository,
    UserRepository,
)
from domain.webhooks.ports import WebhookRepository

log = structlog.get_logger(__name__)

_UNIQUE_VIOLATION = "23505"
# A handler that keeps raising events that raise events is a bug, not a workload.
_MAX_EVENTS_PER_TRANSACTION = 10_000
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

    async def dispatch_events(self, organisation_id: UUID, event_ids: Sequence[UUID]) -> None:
        """Ask the workers to dispatch these committed outbox rows of the organisation now."""
        ...


# The autocommit variant of each engine, made once: execution_options builds a new engine
# proxy each time, and a read-only unit of work is opened on every request (the caller).
_AUTOCOMMIT: weakref.WeakKeyDictionary[AsyncEngine, AsyncEngine] = weakref.WeakKeyDictionary()


def _autocommit(engine: AsyncEngine) -> AsyncEngine:
    found = _AUTOCOMMIT.get(engine)
    if found is None:
        found = _AUTOCOMMIT[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return found


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
    invoices: InvoiceRepository
    plans: PlanRepository
    retention: RetentionRepository
    marketing: MarketingRepository
    surveys: SurveyRepository
    complaints: ComplaintRepository
    employee_karma: EmployeeKarmaRepository
    kpi: KpiQueries
    karma: KarmaRepository
    attachments: AttachmentRepository
    document_types: DocumentTypeRepository
    notifications: NotificationRepository
    tasks: TaskRepository
    activities: ActivityRepository
    comments: CommentRepository
    activity_subjects: SubjectRepository
    timeline: TimelineQueries
    today: TodayQueries
    reassignment: ReassignmentRepository
    clients: ClientRepository
    contacts: ContactRepository
    custom_fields: CustomFieldRepository
    relationship_follow_ups: RelationshipFollowUpRepository
    webhooks: WebhookRepository
    saved_filters: SavedFilterRepository
    intake: IntakeRepository
    telephony: TelephonyRepository
    call_reviews: CallReviewRepository
    originations: OriginationRepository
    onec: OnecRepository
    intake_reports: IntakeReportQueries
    distribution: DistributionRepository
    lead_inbox: LeadInboxRepository
    imports: ImportRepository
    automation: AutomationRepository
    call_lists: CallListRepository
    call_scripts: CallScriptRepository

    def __init__(
        self,
        engine: AsyncEngine,
        dispatcher: JobDispatcher,
        *,
        bus: EventBus,
        notification_publisher: NotificationPublisher | None = None,
        read_only: bool = False,
    ) -> None:
        # Read-only: each statement on its own (autocommit), no BEGIN and ROLLBACK round trips
        # around them; for a single-statement read such as loading the caller on every request.
        self._read_only = read_only
        if read_only:
            engine = _autocommit(engine)
        self._engine = engine
        self._dispatcher = dispatcher
        self._bus = bus
        self._events: list[DomainEvent] = []
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
        if not self._read_only:
            await self._conn.begin()
        self._bind(self._conn)
        self._pending_jobs = []
        self._callbacks = []
        self._events = []
        return self

    def _collect_events(self, events: list[DomainEvent]) -> None:
        self._events.extend(events)

    async def _handle_events(self) -> list[DomainEvent]:
        """Run the in-transaction handlers of every collected event, including the events
        that the handlers' own saves record, in the order they were raised."""
        handled: list[DomainEvent] = []
        pending, self._events = deque(self._events), []
        while pending:
            event = pending.popleft()
            handled.append(event)
            if len(handled) > _MAX_EVENTS_PER_TRANSACTION:
                raise RuntimeError("domain event cascade: too many events in one transaction")
            for handler in self._bus.handlers_for(event):
                await handler(event, self)
            # Events that the handler's own saves recorded are handled in turn.
            pending.extend(self._events)
            self._events = []
        return handled

    def _bind(self, conn: AsyncConnection) -> None:
        collect = self._collect_events
        self.organisations = SqlOrganisationRepository(conn, collect)
        self.roles = SqlRoleRepository(conn, collect)
        self.users = SqlUserRepository(conn, collect)
        self.departments = SqlDepartmentRepository(conn, collect)
        self.schedules = SqlScheduleRepository(conn, collect)
        self.absences = SqlAbsenceRepository(conn, collect)
        self.refresh_tokens = SqlRefreshTokenRepository(conn, collect)
        self.action_tokens = SqlActionTokenRepository(conn, collect)
        self.api_keys = SqlApiKeyRepository(conn, collect)
        self.jobs = SqlJobRepository(conn, collect)
        self.audit = SqlAuditRepository(conn, collect)
        self.funnels = SqlFunnelRepository(conn, collect)
        self.loss_reasons = SqlLossReasonRepository(conn, collect)
        self.deals = SqlDealRepository(conn, collect)
        self.invoices = SqlInvoiceRepository(conn, collect)
        self.plans = SqlPlanRepository(conn, collect)
        self.retention = SqlRetentionRepository(conn, collect)
        self.marketing = SqlMarketingRepository(conn, collect)
        self.surveys = SqlSurveyRepository(conn, collect)
        self.complaints = SqlComplaintRepository(conn, collect)
        self.employee_karma = SqlEmployeeKarmaRepository(conn, collect)
        self.kpi = SqlKpiQueries(conn, collect)
        self.karma = SqlKarmaRepository(conn, collect)
        self.attachments = SqlAttachmentRepository(conn, collect)
        self.document_types = SqlDocumentTypeRepository(conn, collect)
        self.notifications = SqlNotificationRepository(
            conn, self._notification_publisher, collect=collect
        )
        self.tasks = SqlTaskRepository(conn, collect)
        self.activities = SqlActivityRepository(conn, collect)
        self.comments = SqlCommentRepository(conn, collect)
        self.activity_subjects = SqlSubjectRepository(conn, collect)
        self.timeline = SqlTimelineQueries(conn, collect)
        self.today = SqlTodayQueries(conn, collect)
        self.reassignment = SqlReassignmentRepository(conn, collect)
        self.clients = self._sql_clients = SqlClientRepository(conn, collect)
        self.contacts = SqlContactRepository(conn, collect)
        self.custom_fields = SqlCustomFieldRepository(conn, collect)
        self.relationship_follow_ups = SqlRelationshipFollowUpRepository(conn, collect)
        self.webhooks = SqlWebhookRepository(conn, collect)
        self.saved_filters = SqlSavedFilterRepository(conn, collect)
        self.intake = SqlIntakeRepository(conn, collect)
        self.telephony = SqlTelephonyRepository(conn, collect)
        self.call_reviews = SqlCallReviewRepository(conn, collect)
        self.originations = SqlOriginationRepository(conn, collect)
        self.onec = SqlOnecRepository(conn, collect)
        self.intake_reports = SqlIntakeReportQueries(conn, collect)
        self.distribution = SqlDistributionRepository(
            conn, collect, turns=_autocommit(self._engine)
        )
        self.lead_inbox = SqlLeadInboxRepository(conn, collect)
        self.imports = SqlImportRepository(conn, collect)
        self.automation = SqlAutomationRepository(conn, collect)
        self.call_lists = SqlCallListRepository(conn, collect)
        self.call_scripts = SqlCallScriptRepository(conn, collect)
        self._outbox = SqlOutbox(conn)

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
            self._events = []
        if isinstance(exc, IntegrityError):
            raise _integrity_conflict(exc) from exc
        if exc is not None and (unavailable := transient_failure(exc)) is not None:
            raise unavailable from exc

    async def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("commit in a read-only unit of work")
        if self._depth > 1:
            return  # the outermost block commits
        assert self._conn is not None, "commit outside a unit of work"
        events = await self._handle_events()
        # The duplicate pairs the transaction's changes and handlers asked for, at once.
        await self._sql_clients.flush_duplicate_candidates()
        await self._outbox.add_many(events)
        await self._conn.commit()
        by_organisation: dict[UUID, list[UUID]] = {}
        for event in events:
            by_organisation.setdefault(event.organisation_id, []).append(event.event_id)
        for organisation_id, event_ids in by_organisation.items():
            try:
                await self._dispatcher.dispatch_events(organisation_id, event_ids)
            except Exception as exc:  # the rows are stored; the outbox sweeper sends them
                log.warning("outbox.dispatch_failed", error=str(exc))
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
        self._events = []
        self._sql_clients.forget_stale_pairs()
        await self._conn.begin()

    def on_commit(self, callback: Callable[[], Awaitable[None]]) -> None:
        self._callbacks.append(callback)

    async def enqueue(self, job: Job) -> None:
        await self.jobs.add(job)
        self._pending_jobs.append(job)
