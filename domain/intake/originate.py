"""Click-to-call (issue 14, item 2): a phone number in the web app starts a call through the
organisation's PBX. The PBX's callback API rings the employee's extension first, then the
client (Zadarma's ``/v1/request/callback/``, Mango Office's ``/vpbx/commands/callback``).

Every attempt is kept as an ``Origination``: requested, then accepted by the PBX or failed
with the PBX's reason (or why none was asked: no integration with a callback API, no
extension for the caller). A failure is answered as a problem naming it, never silently:
409 ``no-pbx-line`` when nothing could be asked, 502 ``pbx-refused`` with the PBX's own
reason.
When the PBX then reports the outbound call from that extension to that number, the call
takes the origination's client and deal (and the call list item it came from), so its events
land on the record the employee was looking at.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

from domain.auth.principal import Principal
from domain.intake.calls import Call, CallDirection, Provider, TelephonyIntegration
from domain.shared.clock import Clock
from domain.shared.errors import DomainError, InvalidInput, NotFound, RateLimited
from domain.shared.ids import new_id
from domain.shared.phone import normalise_phone
from domain.shared.scope import Scope
from domain.staff.permissions import Permission, Resource

if TYPE_CHECKING:
    from domain.platform.ports import UnitOfWork

# Providers whose API can originate a call.
CALLBACK_PROVIDERS = frozenset({Provider.ZADARMA, Provider.MANGO})
# How long after the request the PBX's report of the call still belongs to it.
ATTACH_WINDOW = timedelta(minutes=10)
# At most this many requests per employee per minute: a stuck button, not a dialler.
PER_MINUTE = 6
MAX_ERROR = 300


class OriginationStatus(enum.StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    FAILED = "failed"


class OriginationFailed(DomainError):
    """The PBX refused the call or could not be reached; ``detail`` says which and why."""

    title = "The PBX did not start the call"


class NoPbxLine(OriginationFailed):
    """Nothing was asked: no PBX with a callback API, or no extension there for the caller."""

    title = "No PBX line to call from"


class PbxRefused(Exception):
    """Raised by the PBX port: the provider's own reason, and whether the request may be
    tried again (a timeout, a 5xx) or not (bad credentials, an unknown extension)."""

    def __init__(self, reason: str, *, transient: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


class PbxCommands(Protocol):
    async def callback(
        self, integration: TelephonyIntegration, *, extension: str, number: str, command_id: str
    ) -> None:
        """Ask the PBX to ring ``extension``, then ``number`` (E.164); PbxRefused if not."""
        ...


@dataclass(slots=True, kw_only=True)
class Origination:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    user_id: UUID
    integration_id: UUID | None
    extension: str | None
    number: str
    client_id: UUID | None = None
    deal_id: UUID | None = None
    call_list_item_id: UUID | None = None
    status: OriginationStatus = OriginationStatus.REQUESTED
    error: str | None = None
    requested_at: datetime
    call_id: UUID | None = None

    @property
    def command_id(self) -> str:
        """What the PBX is told the command is (Mango echoes it in the call's events)."""
        return f"crm-{self.id.hex}"

    def fail(self, reason: str) -> None:
        self.status = OriginationStatus.FAILED
        self.error = reason[:MAX_ERROR]

    def accept(self) -> None:
        self.status = OriginationStatus.ACCEPTED


class OriginationRepository(Protocol):
    async def add(self, origination: Origination) -> None: ...
    async def save(self, origination: Origination) -> None: ...
    async def count_since(self, organisation_id: UUID, user_id: UUID, since: datetime) -> int: ...
    async def recent(
        self, scope: Scope, user_id: UUID, *, limit: int, after: tuple[datetime, UUID] | None
    ) -> Sequence[Origination]:
        """The user's own, newest first, after the keyset cursor (requested_at, id)."""
        ...

    async def claim_for(self, call: Call, since: datetime) -> Origination | None:
        """The newest accepted origination of the call's employee to the call's number since
        ``since`` that no call has claimed yet, locked (SKIP LOCKED)."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class CallRequest:
    number: str
    client_id: UUID | None = None
    deal_id: UUID | None = None
    call_list_item_id: UUID | None = None


class ClickToCallService:
    def __init__(self, uow: UnitOfWork, clock: Clock, pbx: PbxCommands) -> None:
        self._uow = uow
        self._clock = clock
        self._pbx = pbx

    async def call(self, principal: Principal, request: CallRequest) -> Origination:
        """Ask the PBX to connect the caller with ``request.number``. Raises InvalidInput for
        a number that is none, NotFound for a client or deal the caller does not see,
        OriginationFailed (after keeping the attempt) when no PBX can or will place it."""
        if principal.user_id is None:
            raise InvalidInput(None, "Only an employee can be called back by the PBX")
        if not (principal.can(Permission.CLIENTS_READ) or principal.can(Permission.DEALS_READ)):
            principal.require(Permission.CLIENTS_READ)
        number = normalise_phone(request.number, field_name="number")
        now = self._clock.now()
        async with self._uow as uow:
            await _check_record(uow, principal, request)
            recent = await uow.originations.count_since(
                principal.organisation_id, principal.user_id, now - timedelta(minutes=1)
            )
            if recent >= PER_MINUTE:
                raise RateLimited(
                    f"At most {PER_MINUTE} calls a minute can be started from the CRM", 60
                )
            integration, extension, why = await _line_for(uow, principal)
            origination = Origination(
                organisation_id=principal.organisation_id,
                user_id=principal.user_id,
                integration_id=integration.id if integration else None,
                extension=extension,
                number=number,
                client_id=request.client_id,
                deal_id=request.deal_id,
                call_list_item_id=request.call_list_item_id,
                requested_at=now,
            )
            if why is not None:
                origination.fail(why)
            await uow.originations.add(origination)
            await uow.commit()
        if origination.status is OriginationStatus.FAILED:
            raise NoPbxLine(origination.error or "")
        assert integration is not None
        assert extension is not None
        # The PBX is asked outside any transaction: no connection waits on its answer.
        try:
            await self._pbx.callback(
                integration, extension=extension, number=number, command_id=origination.command_id
            )
        except PbxRefused as refused:
            refusal: str | None = f"{integration.provider.value}: {refused.reason}"
            origination.fail(refusal or "")
        else:
            refusal = None
            origination.accept()
        async with self._uow as uow:
            await uow.originations.save(origination)
            await uow.commit()
        if refusal is not None:
            raise OriginationFailed(origination.error or refusal)
        return origination

    async def line(self, principal: Principal) -> tuple[TelephonyIntegration | None, str | None]:
        """The integration and extension the PBX would ring for the caller (None, None: no
        click-to-call for them), so the web app offers the button only where it works."""
        if principal.user_id is None:
            return None, None
        async with self._uow as uow:
            integration, extension, _ = await _line_for(uow, principal)
        return integration, extension

    async def mine(
        self, principal: Principal, *, limit: int, after: tuple[datetime, UUID] | None = None
    ) -> Sequence[Origination]:
        if principal.user_id is None:
            return []
        async with self._uow as uow:
            return await uow.originations.recent(
                principal.organisation_scope, principal.user_id, limit=limit, after=after
            )


async def attach_origination(uow: UnitOfWork, call: Call, now: datetime) -> bool:
    """An outbound call the CRM asked for takes the record it was asked from: its client and
    deal (when the PBX's report has none yet). True when one was found."""
    if call.direction is not CallDirection.OUTBOUND or call.employee_id is None:
        return False
    if not call.client_number:
        return False
    origination = await uow.originations.claim_for(call, now - ATTACH_WINDOW)
    if origination is None:
        return False
    origination.call_id = call.id
    await uow.originations.save(origination)
    call.client_id = origination.client_id or call.client_id
    call.deal_id = origination.deal_id or call.deal_id
    return True


async def _line_for(
    uow: UnitOfWork, principal: Principal
) -> tuple[TelephonyIntegration | None, str | None, str | None]:
    """The integration and extension that ring the caller, or why there is none."""
    integrations = await uow.telephony.list_integrations(
        principal.organisation_scope, limit=100, after=None
    )
    able = [i for i in integrations if i.provider in CALLBACK_PROVIDERS and i.is_active]
    if not able:
        return (
            None,
            None,
            ("No telephony integration with a callback API (Zadarma or Mango Office) is set up"),
        )
    for integration in able:
        if not integration.api_key or not integration.secret:
            continue
        for extension, user_id in sorted(integration.extensions.items()):
            if user_id == principal.user_id:
                return integration, extension, None
    return None, None, "You have no extension in the PBX: ask an administrator to add one"


async def _check_record(uow: UnitOfWork, principal: Principal, request: CallRequest) -> None:
    if request.deal_id is not None:
        found = await uow.attachments.deal_client(
            principal.scope_for(Resource.DEALS), request.deal_id
        )
        if found is None:
            raise NotFound("Deal", request.deal_id)
        if request.client_id is not None and request.client_id != found:
            raise InvalidInput("client_id", "is not the deal's client")
    if request.client_id is not None and not await uow.attachments.client_visible(
        principal.scope_for(Resource.CLIENTS), request.client_id
    ):
        raise NotFound("Client", request.client_id)


__all__: Sequence[str] = [
    "CallRequest",
    "ClickToCallService",
    "NoPbxLine",
    "Origination",
    "OriginationFailed",
    "OriginationRepository",
    "OriginationStatus",
    "PbxCommands",
    "PbxRefused",
    "attach_origination",
]
