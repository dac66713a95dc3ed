"""Use cases of telephony in lead intake.

- ``TelephonyReceiver``: the public endpoints a PBX posts to. An event is stored as it came
  (one INSERT, its own transaction) before it is answered, whether or not its signature
  holds: a wrongly signed one is stored as rejected, so it shows in the inbox, and answered
  401. Zadarma's echo check is answered here too.
- ``fold_call_event``: the worker's side, called for each telephony inbox item. It folds the
  event into its call; when that ends the call, the call is matched to a client (a new caller
  becomes a client with a contact and a deal), a missed inbound call opens a callback task for
  the right person with a deadline, and an answered call closes the callback tasks of that
  number. ``call.missed`` and ``call.answered`` go out through the outbox.
- ``TelephonyService``: what an administrator does through the API (integrations, calls).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.activities.model import Priority, Task
from domain.activities.services.assignees import effective_assignee
from domain.attachments.ports import FileStorage
from domain.auth.principal import Principal
from domain.clients.duplicates import DuplicateReason
from domain.intake.calls import (
    Call,
    CallDirection,
    IntegrationDirectory,
    IntegrationRoute,
    Provider,
    TelephonyIntegration,
    new_call,
)
from domain.intake.distribution import Distributor
from domain.intake.matching import take_in
from domain.intake.model import (
    REFUSED_BODY_EXCERPT,
    DistributionRule,
    Form,
    InboxItem,
    Outcome,
    Source,
)
from domain.intake.originate import attach_origination
from domain.intake.ports import InboxQueue, InboxWriter
from domain.intake.providers import check_event, read_event
from domain.intake.recordings import RecordingRead, open_recording
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import ContentTooLarge, InvalidInput, NotFound, Unauthenticated
from domain.shared.ranges import ByteRange
from domain.shared.scope import Scope
from domain.staff.permissions import Permission

log = logging.getLogger(__name__)

# The pseudo-header that keeps the path an event was posted to (Mango posts each kind of
# event to its own path under the integration's URL).
PATH_HEADER = ":path"
ECHO_MAX = 200
CALLBACK_ORIGIN = "missed_call"
CALLBACK_TASK_TITLE = "Перезвонить: пропущенный звонок {number}"
# Calls the stale-call sweep ends in one run at most (the next run takes the rest).
SWEEP_CALLS_BATCH = 200
# A call whose every leg hung up is ended this long after, when its end (Mango's summary,
# which normally follows within seconds) has not come meanwhile.
HUNG_UP_GRACE = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class CallReceipt:
    item_id: UUID
    duplicate: bool


class TelephonyReceiver:
    def __init__(
        self,
        clock: Clock,
        *,
        directory: IntegrationDirectory,
        writer: InboxWriter,
        queue: InboxQueue,
    ) -> None:
        self._clock = clock
        self._directory = directory
        self._writer = writer
        self._queue = queue

    async def _route(self, provider: str, integration_id: UUID) -> IntegrationRoute:
        route = await self._directory.route(integration_id)
        if route is None or not route.is_active or route.provider.value != provider:
            raise NotFound("Telephony integration")
        return route

    async def echo(self, provider: str, integration_id: UUID, value: str) -> str:
        """Zadarma's check of a new URL: the value it sent, as the whole body."""
        await self._route(provider, integration_id)
        if len(value) > ECHO_MAX or any(ord(ch) < 32 for ch in value):
            raise InvalidInput("zd_echo", f"at most {ECHO_MAX} printable characters")
        return value

    async def receive(
        self,
        provider: str,
        integration_id: UUID,
        *,
        path: str,
        body: bytes,
        content_type: str | None,
        headers: Mapping[str, str],
        remote_addr: str | None,
        too_large: int | None = None,
    ) -> CallReceipt:
        """Store one event. Raises NotFound (unknown integration: nothing to store it under),
        and, after storing it as rejected, Unauthenticated (a wrong signature) or
        ContentTooLarge."""
        route = await self._route(provider, integration_id)
        now = self._clock.now()
        item = InboxItem(
            organisation_id=route.organisation_id,
            source=Source.TELEPHONY,
            provider=route.provider.value,
            channel_id=route.integration_id,
            received_at=now,
            remote_addr=remote_addr,
            content_type=content_type[:255] if content_type else None,
            headers={**headers, PATH_HEADER: path[:200]},
            body=body,
            body_size=len(body),
            next_attempt_at=now,
        )
        refusal: Exception | None = None
        if too_large is not None:
            item.body = body[:REFUSED_BODY_EXCERPT]
            item.conclude(
                Outcome.rejected(f"The body is larger than the limit of {too_large} bytes"), now
            )
            refusal = ContentTooLarge(f"The request body is larger than {too_large} bytes")
        else:
            check = check_event(route, path, body, content_type, item.headers)
            item.event_key = (
                f"{route.integration_id}:{check.event_key}" if check.event_key else None
            )
            if check.refusal is not None:
                log.warning(
                    "intake.telephony_signature_refused integration_id=%s provider=%s remote=%s",
                    route.integration_id,
                    route.provider.value,
                    remote_addr,
                )
                item.conclude(Outcome.rejected(f"Refused: {check.refusal}"), now)
                # A forged event must not take a genuine one's key (it would be stored in its
                # place and the genuine one answered as a redelivery).
                item.event_key = f"rejected:{item.id}"
                refusal = Unauthenticated(check.refusal)
            elif check.unknown is not None:
                item.conclude(Outcome.ignored(check.unknown), now)
        stored = await self._writer.store(item)
        if stored is None:
            assert item.event_key is not None
            existing = await self._writer.existing(
                item.organisation_id, item.source, item.event_key
            )
            return CallReceipt(existing or item.id, duplicate=True)
        if refusal is not None:
            raise refusal
        if item.state.value == "pending":
            try:
                await self._queue.process_soon(item.organisation_id, [item.id])
            except Exception as exc:  # stored: the sweep processes it when the queue is back
                log.warning(
                    "intake.enqueue_failed item_id=%s error=%s", item.id, type(exc).__name__
                )
        return CallReceipt(item.id, duplicate=False)


# --- the worker -----------------------------------------------------------------------------


async def fold_call_event(uow: UnitOfWork, clock: Clock, item: InboxItem) -> Outcome:
    """The outcome of one stored call event (the inbox item's ``lead`` shows the call)."""
    organisation_id = item.organisation_id
    scope = Scope.organisation_wide(organisation_id)
    integration = (
        await uow.telephony.get_integration(scope, item.channel_id) if item.channel_id else None
    )
    if integration is None:
        return Outcome.rejected("The telephony integration this was posted to has been deleted")
    organisation = await uow.organisations.get(organisation_id)
    zone = ZoneInfo(organisation.time_zone if organisation else "UTC")
    event = read_event(
        Provider(item.provider),
        item.headers.get(PATH_HEADER, ""),
        item.body,
        item.content_type,
        zone,
    )
    if not event.call_id:
        return Outcome.rejected(f"The event {event.name!r} names no call; nothing to record")
    now = clock.now()
    call = await uow.telephony.lock_call(
        new_call(organisation_id, integration.id, item.provider, event, at=item.received_at)
    )
    ended = call.fold(event, integration, received_at=item.received_at)
    call.last_item_id = item.id
    task_id, closed = await _conclude(uow, clock, item, integration, call, ended, now)
    await uow.telephony.save_call(call)
    return Outcome.processed(_summary(call, event.name, task_id, closed))


async def _conclude(
    uow: UnitOfWork,
    clock: Clock,
    item: InboxItem | None,
    integration: TelephonyIntegration,
    call: Call,
    ended: bool,
    now: datetime,
) -> tuple[UUID | None, list[UUID]]:
    """What follows when a call has just ended (``ended``), whether its PBX said so or the
    stale-call sweep did: the client is matched, a missed inbound call gets its callback task,
    an answered one closes the number's, and ``call.missed``/``call.answered`` are recorded.
    Returns the callback task and the closed ones."""
    task_id: UUID | None = None
    assignee_id: UUID | None = None
    closed: list[UUID] = []
    if not ended:
        return task_id, closed
    await _match(uow, clock, item, integration, call)
    if call.is_missed and call.client_number and call.client_id:
        task_id, assignee_id = await _callback_task(uow, clock, integration, call, now)
    if call.was_answered and call.client_number:
        closed = await _close_callbacks(uow, call, now)
    call.record_outcome(at=now, task_id=task_id, assignee_id=assignee_id, closed=closed)
    return task_id, closed


class StaleCallSweep:
    """Ends calls whose end the PBX never reported (a Mango summary that never came): a call
    still in progress ``idle`` after its last event is ended at that event's time, with the
    result what was seen (answered when an answer was, else missed inbound or not answered
    outbound), and everything an end brings follows (``_conclude``). Each call is ended in
    its own transaction under a row lock taken with SKIP LOCKED, so sweeps running at once,
    or an event being folded meanwhile, never end a call twice; a real end arriving later
    brings nothing more, unless it says the call the sweep ended unanswered was answered: then
    what an answer brings follows (``Call.fold``)."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        *,
        idle: timedelta,
        grace: timedelta = HUNG_UP_GRACE,
        batch: int = SWEEP_CALLS_BATCH,
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._idle = idle
        self._grace = min(grace, idle)
        self._batch = batch

    async def run(self, *, organisation_id: UUID | None = None) -> int:
        """Ends up to one batch of stale calls (of one organisation, or all); returns how
        many it ended."""
        now = self._clock.now()
        before, hung_up_before = now - self._idle, now - self._grace
        async with self._uow_factory() as uow:
            stale = await uow.telephony.stale_calls(
                before=before,
                hung_up_before=hung_up_before,
                organisation_id=organisation_id,
                limit=self._batch,
            )
        ended = 0
        for owner, call_id in stale:
            try:
                async with self._uow_factory() as uow:
                    call = await uow.telephony.lock_stale_call(
                        owner, call_id, before=before, hung_up_before=hung_up_before
                    )
                    if call is None:
                        continue
                    await self._end(uow, call, now)
                    await uow.commit()
                    ended += 1
            except Exception as exc:  # one call that cannot be ended must not stop the rest
                log.warning(
                    "intake.call_sweep_failed call_id=%s error=%s", call_id, type(exc).__name__
                )
        return ended

    async def _end(self, uow: UnitOfWork, call: Call, now: datetime) -> None:
        scope = Scope.organisation_wide(call.organisation_id)
        integration = (
            await uow.telephony.get_integration(scope, call.integration_id)
            if call.integration_id
            else None
        )
        item = await uow.intake.get_item(scope, call.last_item_id) if call.last_item_id else None
        over = call.fold(call.sweep_event(), integration)
        call.swept_at = now
        if integration is not None:
            await _conclude(uow, self._clock, item, integration, call, over, now)
        elif over:  # its integration is gone: nobody to call back, integrators still hear
            call.record_outcome(at=now, task_id=None, assignee_id=None, closed=())
        await uow.telephony.save_call(call)
        log.info("intake.call_swept call_id=%s result=%s", call.id, call.result.value)


async def _match(
    uow: UnitOfWork,
    clock: Clock,
    item: InboxItem | None,
    integration: TelephonyIntegration,
    call: Call,
) -> None:
    """The client behind the outside number: a known one (by a contact's phone, whoever owns
    the client); a new inbound caller becomes a client with a contact and a deal, as a lead
    does (recorded as the lead of ``item``, the call's last event; none: no new client). A
    known client's open deal is the call's deal."""
    number = call.client_number
    if not number or not number.startswith("+") or call.direction is CallDirection.INTERNAL:
        return
    if await attach_origination(uow, call, clock.now()) and call.client_id is not None:
        if call.deal_id is None:
            call.deal_id = await uow.intake.open_deal_of(call.organisation_id, call.client_id)
        return
    hits = await uow.clients.find_duplicates(
        call.organisation_id,
        name_key=None,
        phones=[number],
        emails=[],
        inn=None,
        edrpou=None,
        exclude_id=None,
    )
    known = next((h for h in hits if h.reason is DuplicateReason.PHONE), None)
    if known is not None:
        call.client_id = known.id
        call.deal_id = await uow.intake.open_deal_of(call.organisation_id, known.id)
        return
    if call.direction is not CallDirection.INBOUND or item is None:
        return
    lead = {
        "name": number,
        "phone": number,
        "source": call.source or "phone",
        "campaign": call.campaign,
    }
    found = await take_in(uow, clock, item, _as_form(integration), lead)
    call.client_id = UUID(found["client_id"]) if found.get("client_id") else None
    call.contact_id = UUID(found["contact_id"]) if found.get("contact_id") else None
    call.deal_id = UUID(found["deal_id"]) if found.get("deal_id") else None


def _as_form(integration: TelephonyIntegration) -> Form:
    """The integration as the lead matcher reads a form: its name titles a new caller's deal,
    its funnel takes it, its default person is responsible for it."""
    people = (integration.default_user_id,) if integration.default_user_id else ()
    return Form(
        id=integration.id,
        organisation_id=integration.organisation_id,
        name=integration.name,
        funnel_id=integration.funnel_id,
        distribution=DistributionRule(user_ids=people),
        honeypot_field=None,
    )


async def callback_assignee(
    uow: UnitOfWork, integration: TelephonyIntegration, call: Call, at: datetime
) -> UUID | None:
    """Who is to call a missed caller back: the client's responsible manager (their
    substitute while they are away: the distribution's rule for a known client), else whoever
    of the employee whose extension rang and the integration's default person is on duty,
    else the first of them who is active, else the first active administrator."""
    organisation_id = call.organisation_id
    distributor = Distributor(uow.distribution, uow.departments)
    if call.client_id is not None:
        client = await uow.clients.get(Scope.organisation_wide(organisation_id), call.client_id)
        if client is not None and client.responsible_id is not None:
            standing = await distributor.stand_in_for(organisation_id, client.responsible_id, at)
            if standing is not None:
                return standing[0]
    wanted = [u for u in (call.employee_id, integration.default_user_id) if u is not None]
    on_duty = await distributor.on_duty(organisation_id, wanted, at)
    if on_duty:
        return on_duty[0]
    active = await uow.intake.active_users(organisation_id, wanted)
    for user_id in wanted:
        if user_id in active:
            return user_id
    return await uow.intake.first_active_admin(organisation_id)


async def _callback_task(
    uow: UnitOfWork,
    clock: Clock,
    integration: TelephonyIntegration,
    call: Call,
    now: datetime,
) -> tuple[UUID | None, UUID | None]:
    """The callback task of a missed call: the one already open for the number (another
    missed call from it before anyone called back), else a new one."""
    assert call.client_number is not None
    open_tasks = await uow.telephony.open_callbacks(call.organisation_id, call.client_number)
    if open_tasks:
        call.callback_task_id = open_tasks[0][0]
        return open_tasks[0]
    wanted = await callback_assignee(uow, integration, call, now)
    if wanted is None:
        return None, None
    assignment = await effective_assignee(uow, clock, call.organisation_id, wanted)
    ended = call.ended_at or now
    task = Task(
        organisation_id=call.organisation_id,
        client_id=call.client_id,
        deal_id=call.deal_id,
        title=CALLBACK_TASK_TITLE.format(number=call.client_number),
        description=_callback_description(call),
        assignee_id=assignment.assignee_id,
        due_at=max(ended, now) + timedelta(minutes=integration.callback_minutes),
        priority=Priority.HIGH,
        origin=CALLBACK_ORIGIN,
    )
    task.record_creation(at=now, by=None)
    await uow.tasks.add(task)
    call.callback_task_id = task.id
    return task.id, task.assignee_id


def _callback_description(call: Call) -> str:
    parts = [f"Номер: {call.client_number}", f"Звонок: {call.started_at.isoformat()}"]
    if call.company_number:
        parts.append(f"Линия: {call.company_number}")
    if call.source:
        parts.append(f"Источник: {call.source}" + (f" / {call.campaign}" if call.campaign else ""))
    parts.append(f"Итог: {call.result.value}")
    return "\n".join(parts)


async def _close_callbacks(uow: UnitOfWork, call: Call, now: datetime) -> list[UUID]:
    """An answered call with the number closes its open callback tasks (done by the
    employee who talked, when known)."""
    assert call.client_number is not None
    closed: list[UUID] = []
    scope = Scope.organisation_wide(call.organisation_id)
    for task_id, _ in await uow.telephony.open_callbacks(call.organisation_id, call.client_number):
        task = await uow.tasks.get(scope, task_id)
        if task is None or task.is_done:
            continue
        version = task.version
        task.complete(call.employee_id, now)
        await uow.tasks.update(task, version)
        closed.append(task.id)
    return closed


def _summary(
    call: Call, event_name: str, task_id: UUID | None, closed: Sequence[UUID]
) -> dict[str, Any]:
    """What the inbox shows as read from a call event."""
    summary: dict[str, Any] = {
        "event": event_name,
        "call_id": str(call.id),
        "direction": call.direction.value,
        "result": call.result.value,
        "phone": call.client_number,
        "company_number": call.company_number,
        "source": call.source,
        "campaign": call.campaign,
        "extension": call.extension,
        "employee_id": str(call.employee_id) if call.employee_id else None,
        "client_id": str(call.client_id) if call.client_id else None,
        "deal_id": str(call.deal_id) if call.deal_id else None,
    }
    if task_id:
        summary["callback_task_id"] = str(task_id)
    if closed:
        summary["closed_task_ids"] = [str(t) for t in closed]
    return {k: v for k, v in summary.items() if v is not None}


# --- administration ---------------------------------------------------------------------


class TelephonyService:
    def __init__(
        self, uow: UnitOfWork, clock: Clock, *, storage: FileStorage | None = None
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._storage = storage

    async def recording(
        self,
        principal: Principal,
        call_id: UUID,
        wanted: ByteRange | None = None,
        *,
        if_range: str | None = None,
    ) -> RecordingRead:
        """A call's stored recording, or the ``wanted`` span of it, for whoever may see the
        call (``open_recording``)."""
        if self._storage is None:
            raise NotFound("Recording of the call", call_id)
        return await open_recording(
            self._uow, self._storage, principal, call_id, wanted, if_range=if_range
        )

    async def list(
        self, principal: Principal, *, limit: int, after: tuple[datetime, UUID] | None = None
    ) -> Sequence[TelephonyIntegration]:
        principal.require(Permission.INTAKE_MANAGE)
        async with self._uow as uow:
            return await uow.telephony.list_integrations(
                principal.organisation_scope, limit=limit, after=after
            )

    async def get(self, principal: Principal, integration_id: UUID) -> TelephonyIntegration:
        principal.require(Permission.INTAKE_MANAGE)
        async with self._uow as uow:
            return await _integration(uow, principal.organisation_scope, integration_id)

    async def create(self, principal: Principal, values: Mapping[str, Any]) -> TelephonyIntegration:
        principal.require(Permission.INTAKE_MANAGE)
        integration = TelephonyIntegration.create(
            principal.organisation_id, created_at=self._clock.now(), **dict(values)
        )
        async with self._uow as uow:
            await _check_references(uow, principal.organisation_scope, integration)
            await uow.telephony.add_integration(integration)
            await uow.commit()
        return integration

    async def update(
        self,
        principal: Principal,
        integration_id: UUID,
        values: Mapping[str, Any],
        *,
        expected_version: int | None = None,
    ) -> TelephonyIntegration:
        principal.require(Permission.INTAKE_MANAGE)
        async with self._uow as uow:
            scope = principal.organisation_scope
            integration = await _integration(uow, scope, integration_id)
            version = integration.version if expected_version is None else expected_version
            integration.change(**values)
            await _check_references(uow, scope, integration)
            await uow.telephony.update_integration(integration, version)
            await uow.commit()
            return integration

    async def delete(self, principal: Principal, integration_id: UUID) -> None:
        """The integration goes; its calls and stored events stay."""
        principal.require(Permission.INTAKE_MANAGE)
        async with self._uow as uow:
            scope = principal.organisation_scope
            await _integration(uow, scope, integration_id)
            await uow.telephony.delete_integration(scope, integration_id)
            await uow.commit()


async def _integration(uow: UnitOfWork, scope: Scope, integration_id: UUID) -> TelephonyIntegration:
    integration = await uow.telephony.get_integration(scope, integration_id)
    if integration is None:
        raise NotFound("Telephony integration", integration_id)
    return integration


async def _check_references(
    uow: UnitOfWork, scope: Scope, integration: TelephonyIntegration
) -> None:
    if (
        integration.funnel_id is not None
        and await uow.funnels.get(scope, integration.funnel_id) is None
    ):
        raise InvalidInput("funnel_id", "no such funnel in this organisation")
    people = set(integration.extensions.values())
    if integration.default_user_id is not None:
        people.add(integration.default_user_id)
    if people:
        names = await uow.users.names_of(scope.organisation_id, list(people))
        for extension, user_id in integration.extensions.items():
            if user_id not in names:
                raise InvalidInput(("extensions", extension), "no such person here")
        if integration.default_user_id is not None and integration.default_user_id not in names:
            raise InvalidInput("default_user_id", "no such person here")


__all__ = [
    "CALLBACK_ORIGIN",
    "CallReceipt",
    "StaleCallSweep",
    "TelephonyReceiver",
    "TelephonyService",
    "callback_assignee",
    "fold_call_event",
]
