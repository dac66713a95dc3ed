"""The unit of work and the other cross-context ports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self
from uuid import UUID

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
from domain.platform.model import Job
from domain.platform.saved_filters import SavedFilterRepository
from domain.retention.ports import RetentionRepository
from domain.shared.scope import Scope
from domain.staff.ports import (
    AbsenceRepository,
    DepartmentRepository,
    OrganisationRepository,
    RoleRepository,
    ScheduleRepository,
    UserRepository,
)
from domain.webhooks.ports import WebhookRepository


class JobRepository(Protocol):
    async def add(self, job: Job) -> None: ...
    async def get(self, scope: Scope, job_id: UUID) -> Job | None: ...
    async def get_for_update(self, organisation_id: UUID, job_id: UUID) -> Job | None:
        """Without a caller's scope: only the worker, which is handed the job's id and
        organisation, loads jobs this way."""
        ...

    async def save(self, job: Job) -> None: ...
    async def list_stuck(
        self, *, queued_before: datetime, running_before: datetime, limit: int
    ) -> Sequence[Job]:
        """Unscoped, for the worker's sweeper: jobs queued but never picked up, or running
        far longer than any job may (their worker died)."""
        ...

    async def list(
        self,
        scope: Scope,
        *,
        created_by: UUID | None,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[Job]:
        """Newest first, after the keyset cursor (created_at, id)."""
        ...


class Mailer(Protocol):
    async def send(self, *, to: str, subject: str, body: str) -> None: ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the block without ``commit`` rolls everything back, and jobs
    enqueued inside it are sent to the queue only after a successful commit."""

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
    intake: IntakeRepository
    telephony: TelephonyRepository
    call_reviews: CallReviewRepository
    originations: OriginationRepository
    onec: OnecRepository
    intake_reports: IntakeReportQueries
    distribution: DistributionRepository
    lead_inbox: LeadInboxRepository
    webhooks: WebhookRepository
    saved_filters: SavedFilterRepository
    imports: ImportRepository
    automation: AutomationRepository
    call_lists: CallListRepository
    call_scripts: CallScriptRepository

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...
    def on_commit(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Run ``callback`` after a successful commit (e.g. publish a notification); dropped
        on rollback. Failures are logged, never raised to the caller."""
        ...

    async def enqueue(self, job: Job) -> None:
        """Store the job row in this transaction; send it to the worker after commit."""
        ...
