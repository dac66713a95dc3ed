"""The composition root: builds every adapter once, for the web app, the worker and tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

from arq.connections import ArqRedis
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.db.pool import ping_when_idle
from adapters.db.repositories.idempotency import SqlIdempotencyStore
from adapters.db.repositories.intake import SqlFormDirectory, SqlInboxWriter
from adapters.db.repositories.telephony import SqlIntegrationDirectory
from adapters.db.uow import JobDispatcher, SqlUnitOfWork
from adapters.mail.dev_mailbox import DevMailbox
from adapters.notifications.redis_feed import RedisNotificationFeed, RedisNotificationPublisher
from adapters.onec.commerceml import CommerceMlReader
from adapters.onec.files import LocalExchangeFiles
from adapters.onec.orders import CommerceMlOrderWriter
from adapters.queue.arq_queue import ArqJobDispatcher
from adapters.queue.intake import ArqInboxQueue
from adapters.security.passwords import Argon2PasswordHasher
from adapters.security.rate_limit import RedisRateLimiter
from adapters.security.throttle import RedisAttemptThrottle
from adapters.security.tokens import JwtAccessTokens, UrlSafeSecrets
from adapters.settings import Settings
from adapters.spreadsheets import StoredSpreadsheets
from adapters.storage import make_storage
from adapters.telephony.http import HttpxAudioDownloads, HttpxPbxCommands, HttpxRecordingLinks
from adapters.webhooks.http import ArqDeliveryQueue, HttpxWebhookSender, LoopHostResolver
from domain.activities.subscribers import (
    NOTIFIED_EVENTS,
    AbsenceHandOver,
    NotificationSubscriber,
)
from domain.attachments.ports import FileStorage
from domain.auth.services import ApiKeyService, AuthPolicy, AuthService
from domain.automation.engine import AutomationSubscriber, RuleEngine
from domain.intake.recordings import AudioDownloads, RecordingFetcher, RecordingLinks
from domain.intake.services import InboxProcessor, IntakeReceiver
from domain.intake.telephony import StaleCallSweep, TelephonyReceiver
from domain.karma.subscribers import KARMA_EVENTS, KarmaSubscriber
from domain.onec.services import OnecExchange
from domain.platform.handlers import IN_TRANSACTION_HANDLERS
from domain.platform.messagebus import EventBus
from domain.platform.ports import Mailer, UnitOfWork
from domain.shared.clock import Clock, SystemClock
from domain.staff.events import AbsenceStarted
from domain.webhooks.ports import HostResolver, WebhookPayloadBuilder
from domain.webhooks.services import WebhookDeliverer, WebhookFanOut, WebhookService


@dataclass(slots=True)
class Container:
    settings: Settings
    engine: AsyncEngine
    redis: Redis
    arq: ArqRedis
    clock: Clock
    mailer: Mailer
    dispatcher: JobDispatcher
    hasher: Argon2PasswordHasher = field(default_factory=Argon2PasswordHasher)
    secrets: UrlSafeSecrets = field(default_factory=UrlSafeSecrets)
    access_tokens: JwtAccessTokens = field(init=False)
    throttle: RedisAttemptThrottle = field(init=False)
    reset_throttle: RedisAttemptThrottle = field(init=False)
    idempotency: SqlIdempotencyStore = field(init=False)
    storage: FileStorage = field(init=False)
    bus: EventBus = field(init=False)
    webhook_sender: HttpxWebhookSender = field(default_factory=HttpxWebhookSender)
    webhook_resolver: LoopHostResolver = field(default_factory=LoopHostResolver)
    webhook_queue: ArqDeliveryQueue = field(init=False)
    form_directory: SqlFormDirectory = field(init=False)
    integration_directory: SqlIntegrationDirectory = field(init=False)
    inbox_writer: SqlInboxWriter = field(init=False)
    inbox_queue: ArqInboxQueue = field(init=False)
    intake_limiter: RedisRateLimiter = field(init=False)
    recording_links: HttpxRecordingLinks = field(init=False)
    pbx_commands: HttpxPbxCommands = field(init=False)
    recording_downloads: HttpxAudioDownloads = field(default_factory=HttpxAudioDownloads)
    onec_files: LocalExchangeFiles = field(init=False)
    onec_reader: CommerceMlReader = field(init=False)
    onec_throttle: RedisAttemptThrottle = field(init=False)
    # Installed by the HTTP layer (the app, and `crm worker`): webhook payloads are built from
    # the API's read schemas, which adapters may not import.
    webhook_payloads: WebhookPayloadBuilder | None = None

    def __post_init__(self) -> None:
        self.access_tokens = JwtAccessTokens(
            self.settings.signing_key(), self.settings.access_token_ttl_seconds
        )
        self.throttle = RedisAttemptThrottle(
            self.redis,
            namespace="login-failures",
            max_attempts=self.settings.login_max_failures,
            window_seconds=self.settings.login_window_seconds,
        )
        self.reset_throttle = RedisAttemptThrottle(
            self.redis,
            namespace="password-resets",
            max_attempts=self.settings.password_reset_max_requests,
            window_seconds=self.settings.password_reset_window_seconds,
        )
        self.idempotency = SqlIdempotencyStore(self.engine)
        self.storage = make_storage(self.settings)
        self.webhook_queue = ArqDeliveryQueue(self.arq)
        self.form_directory = SqlFormDirectory(self.engine)
        self.integration_directory = SqlIntegrationDirectory(self.engine)
        self.inbox_writer = SqlInboxWriter(
            self.engine, statement_timeout_ms=self.settings.db_statement_timeout_ms
        )
        self.inbox_queue = ArqInboxQueue(self.arq)
        self.intake_limiter = RedisRateLimiter(self.redis, namespace="intake-forms")
        self.recording_links = HttpxRecordingLinks(
            zadarma_url=self.settings.zadarma_api_url, mango_url=self.settings.mango_api_url
        )
        self.pbx_commands = HttpxPbxCommands(
            zadarma_url=self.settings.zadarma_api_url, mango_url=self.settings.mango_api_url
        )
        self.onec_files = LocalExchangeFiles(self.settings.var_dir / "onec")
        self.onec_reader = CommerceMlReader(self.onec_files)
        self.onec_throttle = RedisAttemptThrottle(
            self.redis,
            namespace="onec-checkauth",
            max_attempts=self.settings.login_max_failures,
            window_seconds=self.settings.login_window_seconds,
        )
        self.bus = build_event_bus(self)

    def uow(self) -> UnitOfWork:
        return SqlUnitOfWork(
            self.engine,
            self.dispatcher,
            bus=self.bus,
            notification_publisher=RedisNotificationPublisher(self.redis),
        )

    def reader(self) -> UnitOfWork:
        """A unit of work for reads that need no snapshot across statements (loading the
        caller): autocommit, so no BEGIN and ROLLBACK round trips; it cannot commit."""
        return SqlUnitOfWork(self.engine, self.dispatcher, bus=self.bus, read_only=True)

    def spreadsheets(self) -> StoredSpreadsheets:
        """Spreadsheet files of imports, in the file storage."""
        return StoredSpreadsheets(self.storage, max_bytes=self.settings.import_max_bytes)

    def notification_feed(self) -> RedisNotificationFeed:
        return RedisNotificationFeed(self.redis)

    def auth_service(self, uow: UnitOfWork | None = None) -> AuthService:
        return AuthService(
            uow=uow or self.uow(),
            clock=self.clock,
            hasher=self.hasher,
            issuer=self.access_tokens,
            secrets=self.secrets,
            throttle=self.throttle,
            reset_throttle=self.reset_throttle,
            policy=AuthPolicy(refresh_ttl=timedelta(days=self.settings.refresh_token_ttl_days)),
        )

    def api_key_service(self, uow: UnitOfWork | None = None) -> ApiKeyService:
        return ApiKeyService(uow=uow or self.uow(), clock=self.clock, secrets=self.secrets)

    def webhook_service(self, uow: UnitOfWork | None = None) -> WebhookService:
        return WebhookService(
            uow or self.uow(), self.clock, resolver=self.webhook_resolver, queue=self.webhook_queue
        )

    def webhook_deliverer(self) -> WebhookDeliverer:
        return WebhookDeliverer(
            self.uow,
            self.clock,
            sender=self.webhook_sender,
            resolver=self.webhook_resolver,
            payloads=self.webhook_payloads,
            base_delay=timedelta(seconds=self.settings.webhook_retry_base_seconds),
        )

    def rule_engine(self, clock: Clock | None = None) -> RuleEngine:
        """Automation rules, run by the worker (tests hand it a clock)."""
        return RuleEngine(self.uow, clock or self.clock, webhook_queue=self.webhook_queue)

    def intake_receiver(self) -> IntakeReceiver:
        return IntakeReceiver(
            self.clock,
            forms=self.form_directory,
            writer=self.inbox_writer,
            queue=self.inbox_queue,
            limiter=self.intake_limiter,
        )

    def inbox_processor(self) -> InboxProcessor:
        return InboxProcessor(self.uow, self.clock)

    def onec_exchange(self) -> OnecExchange:
        return OnecExchange(
            self.uow(),
            self.clock,
            hasher=self.hasher,
            files=self.onec_files,
            reader=self.onec_reader,
            orders=CommerceMlOrderWriter(),
            # 1C splits a bigger file into chunks of this size: each must pass the body limit.
            file_limit=self.settings.max_body_bytes,
            throttle=self.onec_throttle,
        )

    def telephony_receiver(self) -> TelephonyReceiver:
        return TelephonyReceiver(
            self.clock,
            directory=self.integration_directory,
            writer=self.inbox_writer,
            queue=self.inbox_queue,
        )

    def recording_fetcher(
        self,
        clock: Clock | None = None,
        *,
        links: RecordingLinks | None = None,
        downloads: AudioDownloads | None = None,
        resolver: HostResolver | None = None,
        max_bytes: int | None = None,
    ) -> RecordingFetcher:
        """The worker's fetch of call recordings (tests hand it a clock, fake HTTP and a
        smaller limit)."""
        settings = self.settings
        return RecordingFetcher(
            self.uow,
            clock or self.clock,
            storage=self.storage,
            links=links or self.recording_links,
            downloads=downloads or self.recording_downloads,
            resolver=resolver or self.webhook_resolver,
            max_bytes=max_bytes or settings.recording_max_bytes,
            timeout=timedelta(seconds=settings.recording_timeout_seconds),
            base_delay=timedelta(seconds=settings.recording_retry_base_seconds),
            allow_private=settings.recordings_allow_private_hosts,
        )

    def stale_call_sweep(self, clock: Clock | None = None) -> StaleCallSweep:
        return StaleCallSweep(
            self.uow, clock or self.clock, idle=timedelta(minutes=self.settings.call_idle_minutes)
        )

    async def aclose(self) -> None:
        await self.inbox_queue.flush()
        await self.inbox_writer.aclose()
        await self.webhook_sender.aclose()
        await self.recording_links.aclose()
        await self.pbx_commands.aclose()
        await self.recording_downloads.aclose()
        await self.arq.aclose()
        await self.redis.aclose()
        await self.engine.dispose()


def build_event_bus(container: Container) -> EventBus:
    """Every in-transaction handler and after-commit subscriber, registered once."""
    bus = EventBus()
    for register in IN_TRANSACTION_HANDLERS:
        register(bus)
    bus.subscribe(AbsenceStarted, AbsenceHandOver(container.uow, container.clock))
    notifications = NotificationSubscriber(container.uow)
    for event_type in NOTIFIED_EVENTS:
        bus.subscribe(event_type, notifications)
    karma = KarmaSubscriber(container.uow)
    for event_type in KARMA_EVENTS:
        bus.subscribe(event_type, karma)
    bus.subscribe_to_every_event(
        WebhookFanOut(container.uow, container.clock, container.webhook_queue)
    )
    # Automation rules wait for a few events only (TRIGGER_EVENTS, among them complaint.overdue
    # of the complaints context): the subscriber ignores every other event at once.
    bus.subscribe_to_every_event(AutomationSubscriber(container.rule_engine()))
    return bus


Workload = Literal["web", "jobs"]

# A pooled connection idle for longer is pinged before use (adapters/db/pool.py).
POOL_PING_AFTER_IDLE_S = 10.0


def make_engine(
    database_url: str,
    *,
    statement_timeout_ms: int = 15_000,
    lock_timeout_ms: int = 5_000,
    application_name: str = "crm",
) -> AsyncEngine:
    """Every connection carries its time budget (PostgreSQL cancels a statement over it with
    57014, a lock wait over it with 55P03), so no request can hold the pool indefinitely."""
    engine = create_async_engine(
        database_url,
        pool_size=10,
        max_overflow=10,
        # Not on every checkout: only a connection idle over POOL_PING_AFTER_IDLE_S is pinged.
        pool_pre_ping=False,
        # A logged database error shows the statement, never the values bound to it
        # (passwords' hashes, tokens' digests, personal data).
        hide_parameters=True,
        connect_args={
            "server_settings": {
                "application_name": application_name,
                "statement_timeout": str(statement_timeout_ms),
                "lock_timeout": str(lock_timeout_ms),
            }
        },
    )
    ping_when_idle(engine, POOL_PING_AFTER_IDLE_S)
    return engine


def engine_for(settings: Settings, workload: Workload = "web") -> AsyncEngine:
    """The web app's pool answers within the request budget; the worker's gets the longer
    job budget (DB_JOB_STATEMENT_TIMEOUT_MS, DB_JOB_LOCK_TIMEOUT_MS)."""
    if workload == "jobs":
        return make_engine(
            settings.require_database_url(),
            statement_timeout_ms=settings.db_job_statement_timeout_ms,
            lock_timeout_ms=settings.db_job_lock_timeout_ms,
            application_name="crm-worker",
        )
    return make_engine(
        settings.require_database_url(),
        statement_timeout_ms=settings.db_statement_timeout_ms,
        lock_timeout_ms=settings.db_lock_timeout_ms,
    )


async def build(
    settings: Settings,
    *,
    clock: Clock | None = None,
    mailer_factory: Callable[[Settings], Mailer] | None = None,
    workload: Workload = "web",
) -> Container:
    engine = engine_for(settings, workload)
    redis_url = settings.require_redis_url()
    redis = Redis.from_url(redis_url)
    # Lazy connections: the app starts while Redis is down, and /readyz reports it.
    pool = ArqRedis.from_url(redis_url)
    mailer = (
        mailer_factory(settings)
        if mailer_factory
        else DevMailbox(settings.var_dir / "mail", settings.mail_from)
    )
    return Container(
        settings=settings,
        engine=engine,
        redis=redis,
        arq=pool,
        clock=clock or SystemClock(),
        mailer=mailer,
        dispatcher=ArqJobDispatcher(pool),
    )
