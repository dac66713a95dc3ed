"""Dependency wiring: the container, units of work, services and the authenticated caller,
as Annotated aliases the routers use."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Annotated

from fastapi import Depends, Query, Request, Response, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from adapters.bootstrap import Container
from adapters.db.repositories.analytics import SqlFunnelAnalyticsQueries
from adapters.db.repositories.sales_analytics import SqlSalesQueries
from adapters.db.repositories.worktime import SqlWorkTimeQueries
from adapters.settings import IpNetwork, Settings
from domain.activities.ports import NotificationFeed
from domain.activities.services.activities import ActivityService
from domain.activities.services.discussions import DiscussionService
from domain.activities.services.notifications import NotificationService
from domain.activities.services.reassignment import ReassignService
from domain.activities.services.tasks import TaskService
from domain.activities.services.timeline import TimelineService
from domain.activities.services.today import TodayService
from domain.analytics.sales import SalesService
from domain.analytics.services import AnalyticsService
from domain.analytics.worktime import WorkTimeService
from domain.attachments.services import AttachmentService, DocumentTypeService
from domain.auth.loading import load_principal
from domain.auth.principal import Principal
from domain.auth.services import ApiKeyService, AuthService
from domain.automation.services import AutomationService
from domain.billing.services import InvoiceService
from domain.calllists.services import CallListService
from domain.callscripts.services import CallScriptService
from domain.clients.services.clients import ClientService
from domain.clients.services.contacts import ContactService
from domain.clients.services.custom_fields import CustomFieldService
from domain.clients.services.follow_ups import FollowUpService
from domain.complaints.services import ComplaintService
from domain.deals.services import DealService
from domain.funnels.services import FunnelService, LossReasonService
from domain.imports.services import ImportService
from domain.intake.distribution_services import ResponseTimes, RuleService, WorkloadService
from domain.intake.lead_inbox_service import LeadInboxService
from domain.intake.originate import ClickToCallService
from domain.intake.reports import IntakeReportService
from domain.intake.reviews import CallReviewService
from domain.intake.services import FormService, InboxService, IntakeReceiver
from domain.intake.telephony import TelephonyReceiver, TelephonyService
from domain.karma.employee_services import EmployeeKarmaService
from domain.karma.services import KarmaService
from domain.kpi.services import KpiService
from domain.loyalty.services import LoyaltyService
from domain.marketing.services import MarketingService
from domain.onec.services import OnecExchange, OnecService
from domain.platform.audit_log import AuditLogService
from domain.platform.ports import UnitOfWork
from domain.platform.saved_filters import SavedFilterService
from domain.platform.services import JobService
from domain.retention.services import RetentionService
from domain.shared.clock import Clock
from domain.shared.errors import Unauthenticated
from domain.staff.services.absences import AbsenceService
from domain.staff.services.departments import DepartmentService
from domain.staff.services.organisations import OrganisationService
from domain.staff.services.roles import RoleService
from domain.staff.services.schedules import ScheduleService
from domain.staff.services.users import InvitationService, ProfileService, UserAdminService
from domain.webhooks.services import WebhookService


async def get_container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


async def get_uow(container: ContainerDep) -> UnitOfWork:
    return container.uow()


# FastAPI caches a dependency per request, so every service of one request shares this unit
# of work; each use case still opens and commits its own transaction on it.
UowDep = Annotated[UnitOfWork, Depends(get_uow)]


async def get_clock(container: ContainerDep) -> Clock:
    return container.clock


ClockDep = Annotated[Clock, Depends(get_clock)]


# One provider and alias per use-case service, so routes never assemble a service themselves.


async def get_auth_service(uow: UowDep, container: ContainerDep) -> AuthService:
    return container.auth_service(uow)


AuthServiceDep = Annotated[AuthService, Depends(get_auth_service)]


async def get_api_key_service(uow: UowDep, container: ContainerDep) -> ApiKeyService:
    return container.api_key_service(uow)


ApiKeyServiceDep = Annotated[ApiKeyService, Depends(get_api_key_service)]


async def get_organisation_service(uow: UowDep, clock: ClockDep) -> OrganisationService:
    return OrganisationService(uow, clock)


OrganisationServiceDep = Annotated[OrganisationService, Depends(get_organisation_service)]


async def get_role_service(uow: UowDep, clock: ClockDep) -> RoleService:
    return RoleService(uow, clock)


RoleServiceDep = Annotated[RoleService, Depends(get_role_service)]


async def get_department_service(uow: UowDep, clock: ClockDep) -> DepartmentService:
    return DepartmentService(uow, clock)


DepartmentServiceDep = Annotated[DepartmentService, Depends(get_department_service)]


async def get_profile_service(uow: UowDep) -> ProfileService:
    return ProfileService(uow)


ProfileServiceDep = Annotated[ProfileService, Depends(get_profile_service)]


async def get_invitation_service(uow: UowDep, container: ContainerDep) -> InvitationService:
    return InvitationService(uow, container.clock)


InvitationServiceDep = Annotated[InvitationService, Depends(get_invitation_service)]


async def get_user_admin_service(uow: UowDep, clock: ClockDep) -> UserAdminService:
    return UserAdminService(uow, clock)


UserAdminServiceDep = Annotated[UserAdminService, Depends(get_user_admin_service)]


async def get_schedule_service(uow: UowDep, clock: ClockDep) -> ScheduleService:
    return ScheduleService(uow, clock)


ScheduleServiceDep = Annotated[ScheduleService, Depends(get_schedule_service)]


async def get_absence_service(uow: UowDep, clock: ClockDep) -> AbsenceService:
    return AbsenceService(uow, clock)


AbsenceServiceDep = Annotated[AbsenceService, Depends(get_absence_service)]


async def get_job_service(uow: UowDep) -> JobService:
    return JobService(uow)


JobServiceDep = Annotated[JobService, Depends(get_job_service)]


async def get_audit_log_service(uow: UowDep) -> AuditLogService:
    return AuditLogService(uow)


AuditLogServiceDep = Annotated[AuditLogService, Depends(get_audit_log_service)]


async def get_funnel_service(uow: UowDep, clock: ClockDep) -> FunnelService:
    return FunnelService(uow, clock)


FunnelServiceDep = Annotated[FunnelService, Depends(get_funnel_service)]


async def get_loss_reason_service(uow: UowDep, clock: ClockDep) -> LossReasonService:
    return LossReasonService(uow, clock)


LossReasonServiceDep = Annotated[LossReasonService, Depends(get_loss_reason_service)]


async def get_deal_service(uow: UowDep, clock: ClockDep) -> DealService:
    return DealService(uow, clock)


DealServiceDep = Annotated[DealService, Depends(get_deal_service)]


async def get_invoice_service(uow: UowDep, clock: ClockDep) -> InvoiceService:
    return InvoiceService(uow, clock)


InvoiceServiceDep = Annotated[InvoiceService, Depends(get_invoice_service)]


async def get_client_service(uow: UowDep, clock: ClockDep) -> ClientService:
    return ClientService(uow, clock)


ClientServiceDep = Annotated[ClientService, Depends(get_client_service)]


async def get_follow_up_service(uow: UowDep, clock: ClockDep) -> FollowUpService:
    return FollowUpService(uow, clock)


FollowUpServiceDep = Annotated[FollowUpService, Depends(get_follow_up_service)]


async def get_saved_filter_service(uow: UowDep, clock: ClockDep) -> SavedFilterService:
    return SavedFilterService(uow, clock)


SavedFilterServiceDep = Annotated[SavedFilterService, Depends(get_saved_filter_service)]


async def get_contact_service(uow: UowDep, clock: ClockDep) -> ContactService:
    return ContactService(uow, clock)


ContactServiceDep = Annotated[ContactService, Depends(get_contact_service)]


async def get_custom_field_service(uow: UowDep, clock: ClockDep) -> CustomFieldService:
    return CustomFieldService(uow, clock)


CustomFieldServiceDep = Annotated[CustomFieldService, Depends(get_custom_field_service)]


async def get_task_service(uow: UowDep, clock: ClockDep) -> TaskService:
    return TaskService(uow, clock)


TaskServiceDep = Annotated[TaskService, Depends(get_task_service)]


async def get_activity_service(uow: UowDep, clock: ClockDep) -> ActivityService:
    return ActivityService(uow, clock)


ActivityServiceDep = Annotated[ActivityService, Depends(get_activity_service)]


async def get_discussion_service(uow: UowDep, clock: ClockDep) -> DiscussionService:
    return DiscussionService(uow, clock)


DiscussionServiceDep = Annotated[DiscussionService, Depends(get_discussion_service)]


async def get_timeline_service(uow: UowDep) -> TimelineService:
    return TimelineService(uow)


TimelineServiceDep = Annotated[TimelineService, Depends(get_timeline_service)]


async def get_today_service(uow: UowDep, clock: ClockDep) -> TodayService:
    return TodayService(uow, clock)


TodayServiceDep = Annotated[TodayService, Depends(get_today_service)]


async def get_notification_service(uow: UowDep, clock: ClockDep) -> NotificationService:
    return NotificationService(uow, clock)


NotificationServiceDep = Annotated[NotificationService, Depends(get_notification_service)]


async def get_reassign_service(uow: UowDep, clock: ClockDep) -> ReassignService:
    return ReassignService(uow, clock)


ReassignServiceDep = Annotated[ReassignService, Depends(get_reassign_service)]


async def get_attachment_service(uow: UowDep, container: ContainerDep) -> AttachmentService:
    return AttachmentService(
        uow,
        container.storage,
        container.clock,
        max_bytes=container.settings.attachment_max_bytes,
    )


AttachmentServiceDep = Annotated[AttachmentService, Depends(get_attachment_service)]


async def get_import_service(uow: UowDep, container: ContainerDep) -> ImportService:
    return ImportService(uow, container.clock, container.spreadsheets())


ImportServiceDep = Annotated[ImportService, Depends(get_import_service)]


async def get_call_list_service(uow: UowDep, container: ContainerDep) -> CallListService:
    return CallListService(uow, container.clock, container.spreadsheets())


CallListServiceDep = Annotated[CallListService, Depends(get_call_list_service)]


async def get_call_script_service(uow: UowDep, clock: ClockDep) -> CallScriptService:
    return CallScriptService(uow, clock)


CallScriptServiceDep = Annotated[CallScriptService, Depends(get_call_script_service)]


async def get_document_type_service(uow: UowDep, clock: ClockDep) -> DocumentTypeService:
    return DocumentTypeService(uow, clock)


DocumentTypeServiceDep = Annotated[DocumentTypeService, Depends(get_document_type_service)]

_bearer = HTTPBearer(auto_error=False, description="Access token from /api/v1/auth/login")
_api_key = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="An integration key from /api/v1/api-keys"
)


async def client_ip(request: Request, container: ContainerDep) -> str:
    return caller_address(request, container.settings)


def caller_address(request: Request, settings: Settings) -> str:
    """The caller's address: the connection's peer, or, when the peer is one of the configured
    TRUSTED_PROXIES, the nearest X-Forwarded-For entry that is not a trusted proxy itself (the
    entries further left are whatever the client chose to send)."""
    peer = request.client.host if request.client else "unknown"
    trusted = settings.trusted_proxy_networks()
    if not trusted or not _is_among(peer, trusted):
        return peer
    hops = [
        hop.strip()
        for header in request.headers.getlist("x-forwarded-for")
        for hop in header.split(",")
        if hop.strip()
    ]
    for hop in reversed(hops):
        if not _is_among(hop, trusted):
            return hop if _is_ip(hop) else peer
    return hops[0] if hops else peer


def _is_ip(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def _is_among(address: str, networks: Sequence[IpNetwork]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


ClientIp = Annotated[str, Depends(client_ip)]


async def no_store(response: Response) -> None:
    """For an answer that shows a secret once (a new API key, a webhook signing secret): no
    cache keeps it, nor does the idempotency store, which honours ``no-store``."""
    response.headers["Cache-Control"] = "no-store"


# In a route's ``dependencies=[...]``.
NoStore = Depends(no_store)


async def get_principal(
    container: ContainerDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    api_key: Annotated[str | None, Security(_api_key)],
) -> Principal:
    if bearer is not None:
        claims = container.access_tokens.decode(bearer.credentials)
        async with container.reader() as uow:
            return await load_principal(
                uow, claims.user_id, claims.organisation_id, clock=container.clock
            )
    if api_key is not None:
        return await container.api_key_service().authenticate(api_key)
    raise Unauthenticated("Sign in, or send an API key")


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


async def get_notification_feed(container: ContainerDep) -> NotificationFeed:
    return container.notification_feed()


NotificationFeedDep = Annotated[NotificationFeed, Depends(get_notification_feed)]


async def get_stream_principal(
    container: ContainerDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    access_token: Annotated[
        str | None,
        Query(description="The access token, for clients that cannot send headers (EventSource)"),
    ] = None,
) -> Principal:
    """A signed-in user, from the Bearer header or the ``access_token`` query parameter
    (browsers' EventSource cannot send headers)."""
    token = bearer.credentials if bearer is not None else access_token
    if token is None:
        raise Unauthenticated("Sign in: send a Bearer token or an access_token parameter")
    claims = container.access_tokens.decode(token)
    async with container.reader() as uow:
        return await load_principal(
            uow, claims.user_id, claims.organisation_id, clock=container.clock
        )


StreamPrincipal = Annotated[Principal, Depends(get_stream_principal)]


async def get_webhook_service(uow: UowDep, container: ContainerDep) -> WebhookService:
    return container.webhook_service(uow)


WebhookServiceDep = Annotated[WebhookService, Depends(get_webhook_service)]


async def get_form_service(uow: UowDep, clock: ClockDep) -> FormService:
    return FormService(uow, clock)


FormServiceDep = Annotated[FormService, Depends(get_form_service)]


async def get_inbox_service(uow: UowDep, container: ContainerDep) -> InboxService:
    return InboxService(uow, container.clock, container.inbox_queue)


InboxServiceDep = Annotated[InboxService, Depends(get_inbox_service)]


async def get_lead_inbox_service(uow: UowDep, clock: ClockDep) -> LeadInboxService:
    return LeadInboxService(uow, clock)


LeadInboxServiceDep = Annotated[LeadInboxService, Depends(get_lead_inbox_service)]


async def get_intake_report_service(uow: UowDep, clock: ClockDep) -> IntakeReportService:
    return IntakeReportService(uow, clock)


IntakeReportServiceDep = Annotated[IntakeReportService, Depends(get_intake_report_service)]


async def get_intake_receiver(container: ContainerDep) -> IntakeReceiver:
    return container.intake_receiver()


IntakeReceiverDep = Annotated[IntakeReceiver, Depends(get_intake_receiver)]


async def get_intake_max_body(container: ContainerDep) -> int:
    return container.settings.intake_max_body_bytes


IntakeMaxBody = Annotated[int, Depends(get_intake_max_body)]


async def get_telephony_receiver(container: ContainerDep) -> TelephonyReceiver:
    return container.telephony_receiver()


TelephonyReceiverDep = Annotated[TelephonyReceiver, Depends(get_telephony_receiver)]


async def get_telephony_service(
    uow: UowDep, clock: ClockDep, container: ContainerDep
) -> TelephonyService:
    return TelephonyService(uow, clock, storage=container.storage)


TelephonyServiceDep = Annotated[TelephonyService, Depends(get_telephony_service)]


async def get_call_review_service(uow: UowDep, clock: ClockDep) -> CallReviewService:
    return CallReviewService(uow, clock)


CallReviewServiceDep = Annotated[CallReviewService, Depends(get_call_review_service)]


async def get_click_to_call(
    uow: UowDep, clock: ClockDep, container: ContainerDep
) -> ClickToCallService:
    return ClickToCallService(uow, clock, container.pbx_commands)


ClickToCallDep = Annotated[ClickToCallService, Depends(get_click_to_call)]


async def get_rule_service(uow: UowDep, clock: ClockDep) -> RuleService:
    return RuleService(uow, clock)


RuleServiceDep = Annotated[RuleService, Depends(get_rule_service)]


async def get_response_times(uow: UowDep, clock: ClockDep) -> ResponseTimes:
    return ResponseTimes(uow, clock)


ResponseTimesDep = Annotated[ResponseTimes, Depends(get_response_times)]


async def get_workload_service(uow: UowDep, clock: ClockDep) -> WorkloadService:
    return WorkloadService(uow, clock)


WorkloadServiceDep = Annotated[WorkloadService, Depends(get_workload_service)]


async def get_kpi_service(uow: UowDep, clock: ClockDep) -> KpiService:
    return KpiService(uow, clock)


KpiServiceDep = Annotated[KpiService, Depends(get_kpi_service)]


async def get_retention_service(uow: UowDep, clock: ClockDep) -> RetentionService:
    return RetentionService(uow, clock)


RetentionServiceDep = Annotated[RetentionService, Depends(get_retention_service)]


async def get_automation_service(uow: UowDep, clock: ClockDep) -> AutomationService:
    return AutomationService(uow, clock)


AutomationServiceDep = Annotated[AutomationService, Depends(get_automation_service)]


async def get_marketing_service(uow: UowDep, clock: ClockDep) -> MarketingService:
    return MarketingService(uow, clock)


MarketingServiceDep = Annotated[MarketingService, Depends(get_marketing_service)]


async def get_complaint_service(uow: UowDep, clock: ClockDep) -> ComplaintService:
    return ComplaintService(uow, clock)


ComplaintServiceDep = Annotated[ComplaintService, Depends(get_complaint_service)]


async def get_loyalty_service(
    uow: UowDep, clock: ClockDep, container: ContainerDep
) -> LoyaltyService:
    return LoyaltyService(uow, clock, container.secrets)


LoyaltyServiceDep = Annotated[LoyaltyService, Depends(get_loyalty_service)]


async def get_employee_karma_service(uow: UowDep, clock: ClockDep) -> EmployeeKarmaService:
    return EmployeeKarmaService(uow, clock)


EmployeeKarmaServiceDep = Annotated[EmployeeKarmaService, Depends(get_employee_karma_service)]


def get_public_base(container: ContainerDep) -> str:
    """Where the web app is reached from outside (links sent to clients)."""
    return container.settings.public_base


PublicBaseDep = Annotated[str, Depends(get_public_base)]


async def get_karma_service(uow: UowDep, clock: ClockDep) -> KarmaService:
    return KarmaService(uow, clock)


KarmaServiceDep = Annotated[KarmaService, Depends(get_karma_service)]


async def get_analytics_service(
    uow: UowDep, clock: ClockDep, container: ContainerDep
) -> AnalyticsService:
    return AnalyticsService(uow, clock, SqlFunnelAnalyticsQueries(container.engine))


AnalyticsServiceDep = Annotated[AnalyticsService, Depends(get_analytics_service)]


async def get_work_time_service(
    uow: UowDep, clock: ClockDep, container: ContainerDep
) -> WorkTimeService:
    return WorkTimeService(uow, clock, SqlWorkTimeQueries(container.engine))


WorkTimeServiceDep = Annotated[WorkTimeService, Depends(get_work_time_service)]


async def get_sales_service(uow: UowDep, clock: ClockDep, container: ContainerDep) -> SalesService:
    return SalesService(uow, clock, SqlSalesQueries(container.engine))


SalesServiceDep = Annotated[SalesService, Depends(get_sales_service)]


async def get_onec_exchange(container: ContainerDep) -> OnecExchange:
    return container.onec_exchange()


OnecExchangeDep = Annotated[OnecExchange, Depends(get_onec_exchange)]


async def get_onec_service(uow: UowDep, clock: ClockDep, container: ContainerDep) -> OnecService:
    return OnecService(uow, clock, container.hasher)


OnecServiceDep = Annotated[OnecService, Depends(get_onec_service)]
