"""Call recordings: the audio a PBX recorded, fetched by the worker into the CRM's file storage.

A call whose PBX says its recording is ready is marked pending (``Call.want_recording``); the
worker claims due ones (``RecordingFetcher.fetch_due``, SKIP LOCKED with a lease) and for each:

1. finds the audio's address: Zadarma and Mango Office hand out a short-lived link through
   their API (``RecordingLinks``, with the integration's API key and secret); without them a
   direct ``recording_url`` the event carried is used; with neither the call says why not;
2. checks where the address points as outgoing webhooks do (``domain/webhooks/targets.py``:
   http or https only, never a private, loopback or link-local address unless allowed) and
   connects to the checked address; a redirect is checked again;
3. streams the answer into storage, counting: past the size limit it stops and nothing stays.

A failure that may pass (a 5xx, 429, a timeout, a dropped connection) is tried again after a
growing delay (``Call.recording_failed``); one that will not (404, too big, refused address)
ends as failed with the reason.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol
from urllib.parse import urljoin, urlsplit
from uuid import UUID

from domain.attachments.ports import FileStorage
from domain.auth.principal import Principal
from domain.intake.calls import Call, Provider, TelephonyIntegration
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import ContentTooLarge, InvalidInput, NotFound
from domain.shared.ranges import ByteRange
from domain.shared.scope import Scope
from domain.staff.permissions import Permission, Resource
from domain.webhooks.ports import HostResolver
from domain.webhooks.targets import check_target

log = logging.getLogger(__name__)

# A claimed call is not claimed again for this long (a worker that died mid-fetch).
CLAIM_LEASE = timedelta(minutes=15)
MAX_REDIRECTS = 3
_RETRY_STATUSES = frozenset({408, 425, 429})
_AUDIO_BY_SUFFIX = {
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".m4a": "audio/mp4",
    ".webm": "audio/webm",
}


class RecordingUnavailable(Exception):
    """Why a recording could not be fetched this time; ``retry``: it may pass later."""

    def __init__(self, reason: str, *, retry: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry


@dataclass(frozen=True, slots=True)
class Download:
    """An answer being read: its status and headers now, its body as it comes."""

    status: int
    content_type: str | None
    content_length: int | None
    location: str | None
    chunks: AsyncIterator[bytes]


class AudioDownloads(Protocol):
    def open(self, url: str, *, connect_to: str | None) -> AbstractAsyncContextManager[Download]:
        """GET ``url`` (connecting to the checked address ``connect_to`` when given, the Host
        header and TLS name staying the URL's), never following redirects; a transport error,
        then or while the body is read, raises RecordingUnavailable(retry=True)."""
        ...


class RecordingLinks(Protocol):
    async def link(self, integration: TelephonyIntegration, call: Call) -> str:
        """The provider's download link of the call's recording (its API, signed with the
        integration's credentials); raises RecordingUnavailable."""
        ...


def can_request(integration: TelephonyIntegration | None) -> bool:
    """Whether the provider's API can be asked for the integration's recordings."""
    if integration is None or integration.provider is Provider.GENERIC:
        return False
    return bool(integration.api_key and integration.secret)


def storage_key(call: Call) -> str:
    return f"{call.organisation_id}/calls/{call.id}"


def _content_type(sent: str | None, url: str) -> str:
    kind = (sent or "").split(";", 1)[0].strip().lower()
    if kind.startswith("audio/") and len(kind) <= 100 and kind.isascii():
        return kind
    path = urlsplit(url).path.lower()
    for suffix, guessed in _AUDIO_BY_SUFFIX.items():
        if path.endswith(suffix):
            return guessed
    return "audio/mpeg" if kind in ("", "application/octet-stream") else "application/octet-stream"


class _Meter:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0

    async def wrap(self, stream: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        async for chunk in stream:
            self.size += len(chunk)
            if self.size > self.max_bytes:
                raise ContentTooLarge(f"larger than the limit of {self.max_bytes} bytes")
            yield chunk


class RecordingFetcher:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        *,
        storage: FileStorage,
        links: RecordingLinks,
        downloads: AudioDownloads,
        resolver: HostResolver,
        max_bytes: int,
        timeout: timedelta,
        base_delay: timedelta,
        allow_private: bool = False,
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._storage = storage
        self._links = links
        self._downloads = downloads
        self._resolver = resolver
        self._max_bytes = max_bytes
        self._timeout = timeout
        self._base_delay = base_delay
        self._allow_private = allow_private

    async def fetch_due(self, *, organisation_id: UUID | None = None, limit: int = 10) -> int:
        """Claim the due recordings (of one organisation, or all) and try each once; returns
        how many were claimed."""
        async with self._uow_factory() as uow:
            claimed = await uow.telephony.claim_due_recordings(
                now=self._clock.now(),
                lease=CLAIM_LEASE,
                organisation_id=organisation_id,
                limit=limit,
            )
            await uow.commit()
        for call in claimed:
            await self._fetch(call)
        return len(claimed)

    async def _fetch(self, call: Call) -> None:
        scope = Scope.organisation_wide(call.organisation_id)
        async with self._uow_factory() as uow:
            integration = (
                await uow.telephony.get_integration(scope, call.integration_id)
                if call.integration_id
                else None
            )
            organisation = await uow.organisations.get(call.organisation_id)
        allow_private = self._allow_private or bool(
            organisation and organisation.webhooks_allow_private_targets
        )
        key = storage_key(call)
        try:
            async with asyncio.timeout(self._timeout.total_seconds()):
                url = await self._source(call, integration)
                size, content_type = await self._download(url, key, allow_private)
        except RecordingUnavailable as exc:
            failure: RecordingUnavailable | None = exc
        except TimeoutError:
            failure = RecordingUnavailable(
                f"Timed out after {int(self._timeout.total_seconds())} s", retry=True
            )
        except Exception as exc:  # storage down, a bug: counted, so it cannot loop forever
            log.exception("intake.recording_fetch_error call_id=%s", call.id)
            failure = RecordingUnavailable(f"Could not store it: {type(exc).__name__}", retry=True)
        else:
            failure = None
        if failure is None:
            call.recording_stored(key, size, content_type)
        else:
            log.info(
                "intake.recording_failed call_id=%s retry=%s reason=%s",
                call.id,
                failure.retry,
                failure.reason,
            )
            call.recording_failed(
                failure.reason,
                at=self._clock.now(),
                retry=failure.retry,
                base_delay=self._base_delay,
            )
        async with self._uow_factory() as uow:
            await uow.telephony.save_recording(call)
            await uow.commit()

    async def _source(self, call: Call, integration: TelephonyIntegration | None) -> str:
        if call.recording_id and integration is not None and can_request(integration):
            return await self._links.link(integration, call)
        if call.recording_url:
            return call.recording_url
        provider = integration.provider.value if integration else call.provider
        raise RecordingUnavailable(
            f"{provider} gives the recording through its API: set the integration's API key "
            "and secret to fetch it",
            retry=False,
        )

    async def _download(self, url: str, key: str, allow_private: bool) -> tuple[int, str]:
        for _ in range(MAX_REDIRECTS + 1):
            if urlsplit(url).scheme not in ("http", "https"):
                raise RecordingUnavailable("Refused: only http and https links", retry=False)
            try:
                pinned = await check_target(url, self._resolver, allow_private=allow_private)
            except InvalidInput as exc:
                reason = exc.problems[0].msg if exc.problems else exc.detail
                raise RecordingUnavailable(f"Refused, not fetched: {reason}", retry=False) from exc
            async with self._downloads.open(url, connect_to=pinned) as answer:
                if answer.status in (301, 302, 303, 307, 308) and answer.location:
                    url = urljoin(url, answer.location)
                    continue
                if answer.status >= 500 or answer.status in _RETRY_STATUSES:
                    raise RecordingUnavailable(f"HTTP {answer.status}", retry=True)
                if answer.status != 200:
                    raise RecordingUnavailable(f"HTTP {answer.status}", retry=False)
                if answer.content_length is not None and answer.content_length > self._max_bytes:
                    raise RecordingUnavailable(
                        f"The recording ({answer.content_length} bytes) is larger than the "
                        f"limit of {self._max_bytes} bytes",
                        retry=False,
                    )
                meter = _Meter(self._max_bytes)
                try:
                    await self._storage.put(key, meter.wrap(answer.chunks))
                except ContentTooLarge as exc:
                    raise RecordingUnavailable(
                        f"The recording is larger than the limit of {self._max_bytes} bytes",
                        retry=False,
                    ) from exc
                if meter.size == 0:
                    await self._storage.delete(key)
                    raise RecordingUnavailable("The recording is empty", retry=False)
                return meter.size, _content_type(answer.content_type, url)
        raise RecordingUnavailable(f"More than {MAX_REDIRECTS} redirects", retry=False)


@dataclass(frozen=True, slots=True)
class RecordingRead:
    """What is sent of a stored recording: ``length`` bytes from ``start`` of its ``size``;
    ``partial`` when that is the span a Range asked for rather than the whole file."""

    call: Call
    content: AsyncIterator[bytes]
    start: int
    length: int
    size: int
    partial: bool

    @property
    def tag(self) -> str:
        return recording_tag(self.call)


def recording_tag(call: Call) -> str:
    """The entity tag of a stored recording, which never changes once stored."""
    return f'"{call.id}-{call.recording_size or 0}"'


async def open_recording(
    uow: UnitOfWork,
    storage: FileStorage,
    principal: Principal,
    call_id: UUID,
    wanted: ByteRange | None = None,
    *,
    if_range: str | None = None,
) -> RecordingRead:
    """A stored recording's call and audio (all of it, or the ``wanted`` span), for whoever
    may see the call: an intake manager (every call of the organisation), or whoever sees its
    deal (with deals:read) or, for a call without a deal, its client (with clients:read), as
    the timelines show calls. With ``if_range`` (the tag of the client's copy) the span is
    sent only if the recording is that one; otherwise the whole file is (RFC 9110 §13.1.5)."""
    async with uow:
        call = await uow.telephony.get_call(principal.organisation_scope, call_id)
        if call is None or not await _may_see(uow, principal, call):
            raise NotFound("Call", call_id)
    if not call.recording_available or call.recording_key is None:
        raise NotFound("Recording of the call", call_id)
    size = call.recording_size or 0
    if wanted is None or (if_range is not None and if_range.strip() != recording_tag(call)):
        content = await storage.open(call.recording_key)
        return RecordingRead(call, content, 0, size, size, partial=False)
    start, length = wanted.within(size)
    content = await storage.open(call.recording_key, start=start, length=length)
    return RecordingRead(call, content, start, length, size, partial=True)


async def _may_see(uow: UnitOfWork, principal: Principal, call: Call) -> bool:
    if principal.can(Permission.INTAKE_MANAGE):
        return True
    if call.deal_id is not None:
        return principal.can(Permission.DEALS_READ) and (
            await uow.attachments.deal_client(principal.scope_for(Resource.DEALS), call.deal_id)
            is not None
        )
    if call.client_id is not None:
        return principal.can(Permission.CLIENTS_READ) and await uow.attachments.client_visible(
            principal.scope_for(Resource.CLIENTS), call.client_id
        )
    return False


__all__: Sequence[str] = [
    "AudioDownloads",
    "Download",
    "RecordingFetcher",
    "RecordingLinks",
    "RecordingRead",
    "RecordingUnavailable",
    "can_request",
    "open_recording",
]
