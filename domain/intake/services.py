"""Use cases of lead intake.

- ``IntakeReceiver``: the public endpoints' hot path. It stores the request as it came (one
  INSERT, its own transaction) and only then answers; the processing is asked of a worker
  afterwards, best effort (the sweep finds whatever that misses, e.g. while Redis is down).
- ``InboxProcessor``: the worker's side. It claims due items and turns each into its outcome
  (a lead, ignored, rejected); a failure is retried with backoff and ends as dead.
- ``FormService`` and ``InboxService``: what an administrator does through the API.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from domain.auth.principal import Principal
from domain.intake.events import LeadReceived
from domain.intake.matching import take_in
from domain.intake.model import (
    CLAIM_LEASE,
    REFUSED_BODY_EXCERPT,
    DistributionRule,
    Form,
    FormRoute,
    InboxItem,
    InboxState,
    LeadField,
    Outcome,
    Source,
    field_key,
)
from domain.intake.orders import (
    ORDER_PROVIDER,
    Order,
    order_event_key,
    order_reason,
    read_shop_order,
    tilda_order,
)
from domain.intake.parsing import (
    ParsedBody,
    event_key,
    is_connection_check,
    parse_body,
    read_lead,
)
from domain.intake.ports import FormDirectory, InboxQueue, InboxWriter, RateLimiter
from domain.intake.telephony import fold_call_event
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import (
    ContentTooLarge,
    DomainError,
    InvalidInput,
    NotFound,
    RateLimited,
    Unauthenticated,
)
from domain.shared.scope import Scope
from domain.staff.permissions import Permission

log = logging.getLogger(__name__)

RATE_WINDOW_SECONDS = 60
# Headers never kept with a stored request: credentials of the CRM's own API.
_SECRET_HEADERS = frozenset({"authorization", "x-api-key", "proxy-authorization"})
MAX_HEADERS = 100
MAX_HEADER_LENGTH = 4000
# Items the sweep takes per claim, and how long it leaves an item to the direct hand-off.
SWEEP_BATCH = 100
SWEEP_GRACE = timedelta(seconds=10)


@dataclass(frozen=True, slots=True)
class Receipt:
    item_id: UUID
    duplicate: bool


def kept_headers(headers: Sequence[tuple[str, str]]) -> dict[str, str]:
    """The request's headers as stored: lower-case names, repeated ones joined, the CRM's own
    credentials out, each capped."""
    kept: dict[str, str] = {}
    for name, value in headers[:MAX_HEADERS]:
        lowered = name.lower()
        if lowered in _SECRET_HEADERS:
            continue
        value = value[:MAX_HEADER_LENGTH]
        kept[lowered] = f"{kept[lowered]}, {value}" if lowered in kept else value
    return kept


class IntakeReceiver:
    def __init__(
        self,
        clock: Clock,
        *,
        forms: FormDirectory,
        writer: InboxWriter,
        queue: InboxQueue,
        limiter: RateLimiter,
    ) -> None:
        self._clock = clock
        self._forms = forms
        self._writer = writer
        self._queue = queue
        self._limiter = limiter

    async def form_route(self, form_key: str) -> FormRoute:
        """The active form behind a public key (the embed snippet needs its honeypot)."""
        route = await self._forms.route(form_key)
        if route is None or not route.is_active:
            raise NotFound("Form")
        return route

    async def receive_form_post(
        self,
        form_key: str,
        *,
        body: bytes,
        content_type: str | None,
        headers: Sequence[tuple[str, str]],
        remote_addr: str | None,
        too_large: int | None = None,
    ) -> Receipt:
        """Store one post to a form. ``too_large``: the body went over this limit, so only its
        beginning is kept, the item is rejected at once, and ContentTooLarge is raised after."""
        route = await self.form_route(form_key)
        if route.rate_limit_per_minute is not None and too_large is None:
            await self._limit(f"{route.form_id}:{remote_addr}", route.rate_limit_per_minute)
        now = self._clock.now()
        stored = kept_headers(headers)
        item = InboxItem(
            organisation_id=route.organisation_id,
            source=Source.FORM,
            provider="generic",
            channel_id=route.form_id,
            received_at=now,
            remote_addr=remote_addr,
            content_type=content_type[:255] if content_type else None,
            headers=stored,
            body=body,
            body_size=len(body),
            next_attempt_at=now,
        )
        if too_large is not None:
            item.body = body[:REFUSED_BODY_EXCERPT]
            item.conclude(
                Outcome.rejected(f"The body is larger than the limit of {too_large} bytes"), now
            )
        else:
            item.provider, key = event_key(body, content_type, stored.get("idempotency-key"))
            item.event_key = f"{route.form_id}:{key}" if key else None
        item_id = await self._writer.store(item)
        if item_id is None:
            assert item.event_key is not None
            existing = await self._writer.existing(
                item.organisation_id, item.source, item.event_key
            )
            return Receipt(existing or item.id, duplicate=True)
        if too_large is not None:
            raise ContentTooLarge(f"The request body is larger than the limit of {too_large} bytes")
        try:
            await self._queue.process_soon(item.organisation_id, [item.id])
        except Exception as exc:  # stored: the sweep processes it when the queue is back
            log.warning("intake.enqueue_failed item_id=%s error=%s", item.id, type(exc).__name__)
        return Receipt(item.id, duplicate=False)

    async def receive_order(
        self,
        form_key: str,
        *,
        body: bytes,
        content_type: str | None,
        headers: Sequence[tuple[str, str]],
        remote_addr: str | None,
        too_large: int | None = None,
    ) -> Receipt:
        """Store a shop's order JSON sent to a form's channel. The shop's server signs in with
        the form's secret (a header named by the form, or X-Form-Secret) and is not held to the
        form's per-address limit; without it the order is stored as rejected, under that
        limit, and Unauthenticated raised. It is read at once, so the shop learns what to fix:
        one that cannot be read is stored as rejected (shown in the inbox) and InvalidInput
        raised after; a readable one is stored under its order id, so a redelivery is stored
        once, and a worker takes it in."""
        route = await self.form_route(form_key)
        stored_headers = kept_headers(headers)
        authentic = route.secret is not None and _secret_matches_route(route, headers)
        if not authentic and route.rate_limit_per_minute is not None and too_large is None:
            await self._limit(f"{route.form_id}:{remote_addr}", route.rate_limit_per_minute)
        now = self._clock.now()
        item = InboxItem(
            organisation_id=route.organisation_id,
            source=Source.FORM,
            provider=ORDER_PROVIDER,
            channel_id=route.form_id,
            received_at=now,
            remote_addr=remote_addr,
            content_type=content_type[:255] if content_type else None,
            headers=stored_headers,
            body=body,
            body_size=len(body),
            next_attempt_at=now,
        )
        refusal: DomainError | None = None
        if not authentic:
            refusal = Unauthenticated(
                f"The form's secret key is missing or wrong (header {route.secret_field!r} "
                "or X-Form-Secret)"
            )
            item.body = body[:REFUSED_BODY_EXCERPT] if too_large is not None else body
            item.conclude(Outcome.rejected(refusal.detail), now)
        elif too_large is not None:
            item.body = body[:REFUSED_BODY_EXCERPT]
            refusal = ContentTooLarge(
                f"The request body is larger than the limit of {too_large} bytes"
            )
            item.conclude(Outcome.rejected(refusal.detail), now)
        else:
            try:
                order = read_shop_order(body, content_type).order
            except InvalidInput as exc:
                refusal = exc
                item.conclude(Outcome.rejected(order_reason(exc)), now)
            else:
                assert order.order_id is not None
                item.event_key = f"{route.form_id}:{order_event_key(order.order_id)}"
        item_id = await self._writer.store(item)
        if item_id is None:
            assert item.event_key is not None
            existing = await self._writer.existing(
                item.organisation_id, item.source, item.event_key
            )
            return Receipt(existing or item.id, duplicate=True)
        if refusal is not None:
            raise refusal
        try:
            await self._queue.process_soon(item.organisation_id, [item.id])
        except Exception as exc:  # stored: the sweep processes it when the queue is back
            log.warning("intake.enqueue_failed item_id=%s error=%s", item.id, type(exc).__name__)
        return Receipt(item.id, duplicate=False)

    async def _limit(self, key: str, limit: int) -> None:
        try:
            wait = await self._limiter.hit(key, limit=limit, window_seconds=RATE_WINDOW_SECONDS)
        except Exception as exc:  # no limiter without Redis: a request is never lost for it
            log.warning("intake.rate_limit_unavailable error=%s", type(exc).__name__)
            return
        if wait:
            raise RateLimited(
                f"More than {limit} posts a minute from one address to this form", wait
            )


class InboxProcessor:
    """Processes claimed items, each in its own transaction."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    async def process_due(
        self,
        ids: Sequence[UUID] | None = None,
        *,
        organisation_id: UUID | None = None,
        older_than: timedelta = timedelta(0),
        limit: int = SWEEP_BATCH,
    ) -> int:
        async with self._uow_factory() as uow:
            claimed = await uow.intake.claim_due(
                now=self._clock.now(),
                lease=CLAIM_LEASE,
                organisation_id=organisation_id,
                ids=ids,
                older_than=older_than,
                limit=limit,
            )
            await uow.commit()
        for item in claimed:
            await self._process(item)
        return len(claimed)

    async def _process(self, item: InboxItem) -> None:
        try:
            async with self._uow_factory() as uow:
                outcome = await self.outcome_of(uow, item)
                now = self._clock.now()
                item.conclude(outcome, now)
                # A call event's outcome shows the call; the call raises its own events.
                if (
                    outcome.state is InboxState.PROCESSED
                    and outcome.lead is not None
                    and item.source is not Source.TELEPHONY
                ):
                    item.events.append(_lead_received(item, outcome.lead, now))
                await uow.intake.save_item(item)
                await uow.commit()
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            log.warning("intake.processing_failed item_id=%s error=%s", item.id, error)
            item.fail(error, self._clock.now())
            async with self._uow_factory() as uow:
                await uow.intake.save_item(item)
                await uow.commit()

    async def outcome_of(self, uow: UnitOfWork, item: InboxItem) -> Outcome:
        if item.source is Source.FORM:
            return await self._form_outcome(uow, item)
        if item.source is Source.TELEPHONY:
            return await fold_call_event(uow, self._clock, item)
        return Outcome.rejected(f"No processing is defined for {item.source.value} requests yet")

    async def _form_outcome(self, uow: UnitOfWork, item: InboxItem) -> Outcome:
        scope = Scope.organisation_wide(item.organisation_id)
        form = await uow.intake.get_form(scope, item.channel_id) if item.channel_id else None
        if form is None:
            return Outcome.rejected("The form this was posted to has been deleted")
        if item.provider == ORDER_PROVIDER:
            return await self._order_outcome(uow, item, form)
        parsed = parse_body(item.body, item.content_type)
        if is_connection_check(parsed):
            return Outcome.ignored("Tilda's connection check, not a lead")
        if form.honeypot_field and parsed.get(field_key(form.honeypot_field)):
            return Outcome.ignored(
                f"The hidden field {form.honeypot_field!r} was filled in: a bot, not a person"
            )
        if form.require_secret and not _secret_matches(
            form, parsed.get(field_key(form.secret_field)), item.headers
        ):
            return Outcome.rejected(
                f"The form's secret key is missing or wrong (header or field {form.secret_field!r})"
            )
        lead = read_lead(parsed, form, item.headers)
        if parsed.notes:
            lead["notes"] = list(parsed.notes)
        if not any(lead.get(k) for k in ("name", "phone", "email", "phone_raw", "email_raw")):
            names = ", ".join(list(parsed.fields)[:20]) or "none"
            return Outcome.rejected(
                f"No name, phone or e-mail found ({parsed.format} body; fields: {names}); "
                "map the form's fields in its settings and retry",
                lead,
            )
        try:
            order = tilda_order(parsed)
        except InvalidInput as exc:
            return Outcome.rejected(order_reason(exc), lead)
        return await self._take_in(uow, item, form, lead, order)

    async def _order_outcome(self, uow: UnitOfWork, item: InboxItem, form: Form) -> Outcome:
        """A shop's order JSON: it always carries the form's secret (its sender is a server)."""
        try:
            shop = read_shop_order(item.body, item.content_type)
        except InvalidInput as exc:
            return Outcome.rejected(order_reason(exc))
        lead = read_lead(ParsedBody(fields=shop.fields, format="json"), form, item.headers)
        if not _secret_matches(form, None, item.headers):
            return Outcome.rejected(
                f"The form's secret key is missing or wrong (header {form.secret_field!r} "
                "or X-Form-Secret)",
                lead,
            )
        return await self._take_in(uow, item, form, lead, shop.order)

    async def _take_in(
        self,
        uow: UnitOfWork,
        item: InboxItem,
        form: Form,
        lead: dict[str, Any],
        order: Order | None,
    ) -> Outcome:
        if order is not None:
            lead["order"] = order.as_json()
        lead.update(await take_in(uow, self._clock, item, form, lead, order=order))
        return Outcome.processed(lead)


def _secret_matches_route(route: FormRoute, headers: Sequence[tuple[str, str]]) -> bool:
    """The form's secret in the header it names, or in X-Form-Secret (raw request headers)."""
    names = {route.secret_field.lower(), "x-form-secret"}
    sent = next((value for name, value in headers if name.lower() in names), None)
    return (
        sent is not None
        and route.secret is not None
        and hmac.compare_digest(sent.strip().encode(), route.secret.encode())
    )


def _secret_matches(form: Form, in_body: str | None, headers: Mapping[str, str]) -> bool:
    sent = headers.get(form.secret_field.lower()) or headers.get("x-form-secret") or in_body
    return sent is not None and hmac.compare_digest(sent.strip().encode(), form.secret.encode())


def _lead_received(item: InboxItem, lead: Mapping[str, Any], at: datetime) -> LeadReceived:
    return LeadReceived(
        organisation_id=item.organisation_id,
        occurred_at=at,
        inbox_item_id=item.id,
        source_kind=item.source.value,
        channel_id=item.channel_id,
        person_name=lead.get("name"),
        phone=lead.get("phone") or lead.get("phone_raw"),
        email=lead.get("email") or lead.get("email_raw"),
        source=lead.get("source"),
        campaign=lead.get("campaign"),
        client_id=UUID(lead["client_id"]) if lead.get("client_id") else None,
        deal_id=UUID(lead["deal_id"]) if lead.get("deal_id") else None,
    )


# --- administration -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FormChanges:
    """Only the fields present in ``values`` change."""

    values: Mapping[str, Any]


class FormService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def list(
        self, principal: Principal, *, limit: int, after: tuple[datetime, UUID] | None = None
    ) -> Sequence[Form]:
        principal.require(Permission.INTAKE_MANAGE)
        async with self._uow as uow:
            return await uow.intake.list_forms(
                principal.organisation_scope, limit=limit, after=after
            )

    async def get(self, principal: Principal, form_id: UUID) -> Form:
        principal.require(Permission.INTAKE_MANAGE)
        async with self._uow as uow:
            return await _form(uow, principal.organisation_scope, form_id)

    async def create(self, principal: Principal, values: Mapping[str, Any]) -> Form:
        principal.require(Permission.INTAKE_MANAGE)
        form = Form.create(principal.organisation_id, created_at=self._clock.now(), **values)
        async with self._uow as uow:
            await _check_references(uow, principal.organisation_scope, form)
            await uow.intake.add_form(form)
            await uow.commit()
        return form

    async def update(
        self,
        principal: Principal,
        form_id: UUID,
        values: Mapping[str, Any],
        *,
        expected_version: int | None = None,
    ) -> Form:
        principal.require(Permission.INTAKE_MANAGE)
        async with self._uow as uow:
            scope = principal.organisation_scope
            form = await _form(uow, scope, form_id)
            version = form.version if expected_version is None else expected_version
            form.change(**values)
            await _check_references(uow, scope, form)
            await uow.intake.update_form(form, version)
            await uow.commit()
            return form

    async def rotate_secret(
        self, principal: Principal, form_id: UUID, *, expected_version: int | None = None
    ) -> Form:
        principal.require(Permission.INTAKE_MANAGE)
        async with self._uow as uow:
            form = await _form(uow, principal.organisation_scope, form_id)
            version = form.version if expected_version is None else expected_version
            form.rotate_secret()
            await uow.intake.update_form(form, version)
            await uow.commit()
            return form

    async def delete(self, principal: Principal, form_id: UUID) -> None:
        """The form goes; what was posted to it stays in the inbox."""
        principal.require(Permission.INTAKE_MANAGE)
        async with self._uow as uow:
            scope = principal.organisation_scope
            await _form(uow, scope, form_id)
            await uow.intake.delete_form(scope, form_id)
            await uow.commit()


async def _form(uow: UnitOfWork, scope: Scope, form_id: UUID) -> Form:
    form = await uow.intake.get_form(scope, form_id)
    if form is None:
        raise NotFound("Form", form_id)
    return form


async def _check_references(uow: UnitOfWork, scope: Scope, form: Form) -> None:
    if form.funnel_id is not None and await uow.funnels.get(scope, form.funnel_id) is None:
        raise InvalidInput("funnel_id", "no such funnel in this organisation")
    rule: DistributionRule = form.distribution
    if rule.user_ids:
        names = await uow.users.names_of(scope.organisation_id, rule.user_ids)
        missing = [str(u) for u in rule.user_ids if u not in names]
        if missing:
            raise InvalidInput(
                ("distribution", "user_ids"), f"no such people here: {', '.join(missing)}"
            )


class InboxService:
    def __init__(self, uow: UnitOfWork, clock: Clock, queue: InboxQueue) -> None:
        self._uow = uow
        self._clock = clock
        self._queue = queue

    async def list(
        self,
        principal: Principal,
        *,
        states: Sequence[InboxState] = (),
        sources: Sequence[Source] = (),
        channel_id: UUID | None = None,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[InboxItem]:
        principal.require(Permission.INTAKE_MANAGE)
        async with self._uow as uow:
            return await uow.intake.list_items(
                principal.organisation_scope,
                states=states,
                sources=sources,
                channel_id=channel_id,
                limit=limit,
                after=after,
            )

    async def get(self, principal: Principal, item_id: UUID) -> InboxItem:
        principal.require(Permission.INTAKE_MANAGE)
        async with self._uow as uow:
            return await _item(uow, principal.organisation_scope, item_id)

    async def retry(self, principal: Principal, item_id: UUID) -> InboxItem:
        """Back to pending with a fresh attempt count, and to a worker after commit."""
        principal.require(Permission.INTAKE_MANAGE)
        async with self._uow as uow:
            item = await _item(uow, principal.organisation_scope, item_id)
            item.retry(self._clock.now())
            await uow.intake.save_item(item)

            async def hand_over() -> None:
                await self._queue.process_soon(item.organisation_id, [item.id])

            uow.on_commit(hand_over)
            await uow.commit()
            return item


async def _item(uow: UnitOfWork, scope: Scope, item_id: UUID) -> InboxItem:
    item = await uow.intake.get_item(scope, item_id)
    if item is None:
        raise NotFound("Inbox item", item_id)
    return item


__all__ = [
    "FormService",
    "InboxProcessor",
    "InboxService",
    "IntakeReceiver",
    "LeadField",
    "Receipt",
]
