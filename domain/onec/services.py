"""Use cases of the 1C exchange.

- ``OnecExchange``: the site-exchange protocol 1C:Enterprise calls (no sign-in of ours: HTTP
  Basic with the integration's login and password at checkauth, then the session cookie). Each
  call answers what 1C expects; ``ExchangeRefused`` becomes its ``failure`` line.
- ``OnecService``: what an administrator does through the API (integrations, the exchange
  log, the products).

An import runs in slices: each ``mode=import`` call reads at most ``IMPORT_SLICE`` records of
the file (a streaming parse in a thread, off the event loop), upserts them in one transaction
and answers ``progress`` until the file is done. The first call checks the whole document
first (the same streaming parse, no records kept), so a refused document imports nothing.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.auth.ports import AttemptThrottle, PasswordHasher
from domain.auth.principal import Principal
from domain.onec.counterparties import CounterpartyImport
from domain.onec.documents import DocumentImport
from domain.onec.model import (
    EXCHANGE_MAX_BYTES,
    CounterpartyRecord,
    DocumentRecord,
    Exchange,
    ExchangeFile,
    ExchangeRefused,
    ExchangeStatus,
    ExchangeType,
    FileKind,
    FileStatus,
    GroupRecord,
    OfferRecord,
    OnecIntegration,
    PriceTypeRecord,
    Product,
    ProductRecord,
    SliceCounts,
    UpsertCounts,
    WarehouseRecord,
    check_password,
    clean_login,
    clean_name,
    new_password,
    safe_path,
    token_digest,
)
from domain.onec.orders import (
    ORDER_QUERY_ROUNDS,
    ORDERS_PER_ANSWER,
    Order,
    SentOrder,
    order_stage_ids,
)
from domain.onec.ports import CatalogReader, ExchangeFiles, OrderWriter
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import NOT_FOUND_CODE, InvalidInput, NotFound
from domain.shared.scope import Scope
from domain.staff.permissions import Permission
from domain.staff.services.colleagues import require_active_colleague

log = logging.getLogger(__name__)

# Records read and upserted per mode=import call.
IMPORT_SLICE = 1000
# Of a sale file: each document opens or updates a deal, an invoice and payments through their
# use cases (tens of milliseconds each), so fewer per call keep every answer to 1C within
# seconds (bench/onec.py: 1,000 records took 30 s in one call).
ORDERS_SLICE = 200
SCHEMA_VERSION = "2.08"
# Sessions failed per sweep of abandoned ones (the rest go in the next sweep).
ABANDONED_PER_SWEEP = 200
_UNFINISHED = (FileStatus.RECEIVING, FileStatus.IMPORTING)


@dataclass(frozen=True, slots=True)
class Session:
    token: str
    exchange: Exchange


@dataclass(frozen=True, slots=True)
class ImportAnswer:
    done: bool
    progress: str


class OnecExchange:
    def __init__(
        self,
        uow: UnitOfWork,
        clock: Clock,
        *,
        hasher: PasswordHasher,
        files: ExchangeFiles,
        reader: CatalogReader,
        orders: OrderWriter,
        file_limit: int,
        throttle: AttemptThrottle | None = None,
    ) -> None:
        self._uow = uow
        self._throttle = throttle
        self._clock = clock
        self._hasher = hasher
        self._files = files
        self._reader = reader
        self._orders = orders
        self.file_limit = file_limit

    async def _integration(self, integration_id: UUID) -> OnecIntegration:
        async with self._uow as uow:
            integration = await uow.onec.find_integration(integration_id)
        if integration is None:
            raise NotFound("1C integration", integration_id)
        return integration

    async def checkauth(
        self,
        integration_id: UUID,
        exchange_type: ExchangeType,
        *,
        login: str | None,
        password: str | None,
    ) -> Session:
        integration = await self._integration(integration_id)
        # Guessing is counted per integration: failed sign-ins lock it for the window.
        keys = [f"onec:{integration.id}"]
        if self._throttle is not None:
            wait = await self._throttle.attempt(keys)
            if wait:
                raise ExchangeRefused(f"too many failed sign-ins; try again in {wait} s")
        # The hash is checked whatever the login, so the time taken tells nothing.
        password_ok = self._hasher.verify(password or "", integration.password_hash)
        login_ok = login is not None and hmac.compare_digest(
            login.encode(), integration.login.encode()
        )
        if not (password_ok and login_ok):
            raise ExchangeRefused("wrong login or password")
        if self._throttle is not None:
            await self._throttle.reset(keys)
        if not integration.is_active:
            raise ExchangeRefused("this integration is switched off")
        if not integration.allows(exchange_type):
            raise ExchangeRefused(f"the exchange of type {exchange_type.value} is switched off")
        exchange, token = Exchange.open(integration, exchange_type, now=self._clock.now())
        async with self._uow as uow:
            await uow.onec.add_exchange(exchange)
            await uow.commit()
        return Session(token=token, exchange=exchange)

    async def _session(
        self,
        uow: UnitOfWork,
        integration: OnecIntegration,
        exchange_type: ExchangeType,
        token: str | None,
        sessid: str | None,
    ) -> Exchange:
        if not token:
            raise ExchangeRefused("no session: sign in first (mode=checkauth)")
        exchange = await uow.onec.exchange_by_token(
            integration.organisation_id, integration.id, token_digest(token)
        )
        if exchange is None or exchange.type is not exchange_type:
            raise ExchangeRefused("unknown session: sign in again (mode=checkauth)")
        if sessid is not None and sessid != str(exchange.id):
            raise ExchangeRefused("sessid does not match the session")
        exchange.require_usable(self._clock.now())
        return exchange

    async def init(
        self,
        integration_id: UUID,
        exchange_type: ExchangeType,
        *,
        token: str | None,
        sessid: str | None,
    ) -> int:
        integration = await self._integration(integration_id)
        async with self._uow as uow:
            exchange = await self._session(uow, integration, exchange_type, token, sessid)
            exchange.last_seen_at = self._clock.now()
            await uow.onec.save_exchange(exchange)
            await uow.commit()
        return self.file_limit

    async def receive_file(
        self,
        integration_id: UUID,
        exchange_type: ExchangeType,
        *,
        token: str | None,
        sessid: str | None,
        filename: str | None,
        body: bytes,
    ) -> None:
        """One chunk of a file: appended to what came before under the same name."""
        path = safe_path(filename or "")
        integration = await self._integration(integration_id)
        now = self._clock.now()
        async with self._uow as uow:
            exchange = await self._session(uow, integration, exchange_type, token, sessid)
            files = {f.name: f for f in await uow.onec.files(exchange.organisation_id, exchange.id)}
            file = files.get(path)
            try:
                exchange.accept_chunk(file, len(body), now=now)
            except ExchangeRefused as refused:
                exchange.fail(refused.reason, now=now, file=file)
                await uow.onec.save_exchange(exchange)
                if file is not None:
                    await uow.onec.save_file(file)
                await uow.commit()
                raise
            if file is None:
                file = ExchangeFile(
                    organisation_id=exchange.organisation_id,
                    exchange_id=exchange.id,
                    name=path,
                    kind=FileKind.of(path, exchange_type),
                )
            file.size += len(body)
            await self._files.append(exchange.organisation_id, exchange.id, path, body)
            exchange.progress = f"{path}: {file.size} bytes received"
            await uow.onec.save_exchange(exchange)
            await uow.onec.save_file(file)
            await uow.commit()

    async def import_file(
        self,
        integration_id: UUID,
        exchange_type: ExchangeType,
        *,
        token: str | None,
        sessid: str | None,
        filename: str | None,
    ) -> ImportAnswer:
        path = safe_path(filename or "")
        integration = await self._integration(integration_id)
        now = self._clock.now()
        async with self._uow as uow:
            exchange = await self._session(uow, integration, exchange_type, token, sessid)
            files = {f.name: f for f in await uow.onec.files(exchange.organisation_id, exchange.id)}
            file: ExchangeFile | None = None
            try:
                await self._unpack_archives(uow, exchange, files)
                file = files.get(path) or _by_base_name(files, path)
                if file is None:
                    raise ExchangeRefused(f"no file {path} was received in this exchange")
                answer = await self._import_slice(uow, integration, exchange, file, now)
            except ExchangeRefused as refused:
                exchange.fail(refused.reason, now=now, file=file)
                log.info("1C exchange %s refused: %s", exchange.id, refused.reason)
                await uow.onec.save_exchange(exchange)
                if file is not None:
                    await uow.onec.save_file(file)
                await uow.commit()
                raise
            await uow.onec.save_exchange(exchange)
            await uow.onec.save_file(file)
            await uow.commit()
            return answer

    async def _unpack_archives(
        self, uow: UnitOfWork, exchange: Exchange, files: dict[str, ExchangeFile]
    ) -> None:
        for archive in [f for f in files.values() if f.kind is FileKind.ARCHIVE]:
            if archive.status is not FileStatus.RECEIVING:
                continue
            members = await self._files.unpack(
                exchange.organisation_id,
                exchange.id,
                archive.name,
                max_bytes=max(0, EXCHANGE_MAX_BYTES - exchange.bytes_received),
            )
            archive.status = FileStatus.STORED
            await uow.onec.save_file(archive)
            for name, size in members:
                member = files.get(name) or ExchangeFile(
                    organisation_id=exchange.organisation_id,
                    exchange_id=exchange.id,
                    name=name,
                    kind=FileKind.of(name, exchange.type),
                )
                member.size = size
                exchange.bytes_received += size
                files[name] = member
                await uow.onec.save_file(member)

    async def _import_slice(
        self,
        uow: UnitOfWork,
        integration: OnecIntegration,
        exchange: Exchange,
        file: ExchangeFile,
        now: datetime,
    ) -> ImportAnswer:
        exchange.last_seen_at = now
        if file.status is FileStatus.IMPORTED or file.status is FileStatus.STORED:
            return ImportAnswer(done=True, progress=exchange.progress)
        if file.status is FileStatus.FAILED:
            raise ExchangeRefused(file.error or f"{file.name} has failed")
        if file.kind not in (FileKind.IMPORT, FileKind.OFFERS, FileKind.ORDERS):
            # Kept for those who read it later (pictures, anything else).
            file.status = FileStatus.STORED
            exchange.finish(now=now, progress=f"{file.name}: stored")
            return ImportAnswer(done=True, progress=exchange.progress)
        if file.status is FileStatus.RECEIVING:
            # The whole document is checked before anything of it is imported.
            await self._reader.read(
                exchange.organisation_id,
                exchange.id,
                file.name,
                file.kind,
                offset=0,
                limit=0,
            )
        part = await self._reader.read(
            exchange.organisation_id,
            exchange.id,
            file.name,
            file.kind,
            offset=file.items_done,
            limit=ORDERS_SLICE if file.kind is FileKind.ORDERS else IMPORT_SLICE,
        )
        # Documents from 1C (type=sale) bring counterparties and documents, never catalogue
        # records.
        catalogue = [] if file.kind is FileKind.ORDERS else part.records
        counts = await _apply(uow, exchange.organisation_id, catalogue, now)
        counterparties = [r for r in part.records if isinstance(r, CounterpartyRecord)]
        if counterparties:
            exchange.record_counterparties(
                await CounterpartyImport(uow, self._clock, integration).apply(counterparties),
                file.name,
            )
        # Documents after their counterparties: each finds its buyer's client.
        documents = [r for r in part.records if isinstance(r, DocumentRecord)]
        if documents:
            exchange.record_documents(
                await DocumentImport(uow, self._clock, integration).apply(documents), file.name
            )
        exchange.record_slice(
            file,
            SliceCounts(
                next_offset=part.next_offset,
                created=counts.created,
                updated=counts.updated,
                unchanged=counts.unchanged,
                errors=counts.errors,
            ),
            done=part.done,
        )
        if part.done:
            exchange.finish(now=now)
        return ImportAnswer(done=part.done, progress=exchange.progress)

    async def sale_success(
        self,
        integration_id: UUID,
        *,
        token: str | None,
        sessid: str | None,
    ) -> None:
        """1C took the orders of this session's last query: their deals are exported in the
        versions it answered. Without a query before it (or a second time) it marks nothing."""
        integration = await self._integration(integration_id)
        now = self._clock.now()
        async with self._uow as uow:
            exchange = await self._session(uow, integration, ExchangeType.SALE, token, sessid)
            sent = [s for s in map(SentOrder.of, exchange.pending_orders) if s is not None]
            marked = await uow.onec.mark_orders_exported(
                integration.organisation_id, integration.id, sent, now=now
            )
            exchange.pending_orders = []
            exchange.orders_sent += marked
            exchange.finish(now=now, progress=f"orders acknowledged: {marked}")
            await uow.onec.save_exchange(exchange)
            await uow.commit()

    @staticmethod
    async def _orders_to_send(uow: UnitOfWork, integration: OnecIntegration) -> list[Order]:
        """The orders whose content 1C has not seen. Deals whose version moved on with nothing
        1C sees changed catch up (their exported version moves on) and the query is asked
        again, so they never crowd out real orders."""
        org, ident = integration.organisation_id, integration.id
        for _ in range(ORDER_QUERY_ROUNDS):
            found = await uow.onec.orders_to_send(
                org, ident, integration.order_stage_ids, limit=ORDERS_PER_ANSWER
            )
            same = [SentOrder.of_order(o) for o in found if not o.changed_for_onec]
            if not same:
                break
            await uow.onec.keep_exported_versions(org, ident, same)
        return [o for o in found if o.changed_for_onec]

    async def fail_abandoned(self, *, idle: timedelta, limit: int = ABANDONED_PER_SWEEP) -> int:
        """Fails the sessions 1C has not called for ``idle`` (the log says why) and deletes
        the files they received; how many. The files go after the commit, so a session that
        is not failed keeps them."""
        now = self._clock.now()
        async with self._uow as uow:
            found = await uow.onec.abandoned_exchanges(before=now - idle, limit=limit)
            for exchange in found:
                files = await uow.onec.files(exchange.organisation_id, exchange.id)
                open_files = [f for f in files if f.status in _UNFINISHED]
                exchange.abandon(open_files, now=now, idle_hours=idle.total_seconds() / 3600)
                await uow.onec.save_exchange(exchange)
                for file in open_files:
                    await uow.onec.save_file(file)
            await uow.commit()
        for exchange in found:
            await self._files.discard(exchange.organisation_id, exchange.id)
            log.info(
                "onec.exchange_abandoned",
                extra={"organisation_id": str(exchange.organisation_id), "id": str(exchange.id)},
            )
        return len(found)

    async def sale_query(
        self,
        integration_id: UUID,
        *,
        token: str | None,
        sessid: str | None,
    ) -> bytes:
        """The orders for 1C (domain/onec/orders.py): deals in the integration's order stages
        not exported in their current version, oldest change first, ``ORDERS_PER_ANSWER`` at
        most; the session keeps which versions it answered until ``success``."""
        integration = await self._integration(integration_id)
        now = self._clock.now()
        async with self._uow as uow:
            exchange = await self._session(uow, integration, ExchangeType.SALE, token, sessid)
            orders = await self._orders_to_send(uow, integration)
            organisation = await uow.organisations.get(integration.organisation_id)
            exchange.last_seen_at = now
            exchange.pending_orders = [SentOrder.of_order(o).as_json() for o in orders]
            exchange.progress = f"orders queried: {len(orders)} documents"
            await uow.onec.save_exchange(exchange)
            await uow.commit()
        # 1C reads the dates and times as the organisation's local ones.
        zone = ZoneInfo(organisation.time_zone if organisation else "UTC")
        local = [
            replace(
                o,
                created_at=o.created_at.astimezone(zone),
                changed_at=o.changed_at.astimezone(zone),
            )
            for o in orders
        ]
        return self._orders.write(local, at=now.astimezone(zone))


def _by_base_name(files: Mapping[str, ExchangeFile], path: str) -> ExchangeFile | None:
    """1C names an archive's member by its base name; it may sit in a folder of the archive."""
    base = path.rsplit("/", 1)[-1]
    found = [f for name, f in files.items() if name.rsplit("/", 1)[-1] == base]
    return found[0] if len(found) == 1 else None


async def _apply(
    uow: UnitOfWork, organisation_id: UUID, records: Sequence[Any], now: datetime
) -> UpsertCounts:
    groups = [r for r in records if isinstance(r, GroupRecord)]
    price_types = [r for r in records if isinstance(r, PriceTypeRecord)]
    warehouses = [r for r in records if isinstance(r, WarehouseRecord)]
    products = [r for r in records if isinstance(r, ProductRecord)]
    offers = [r for r in records if isinstance(r, OfferRecord)]
    counts = UpsertCounts()
    if groups:
        counts += await uow.onec.upsert_groups(organisation_id, groups)
    if price_types:
        counts += await uow.onec.upsert_price_types(organisation_id, price_types)
    if warehouses:
        counts += await uow.onec.upsert_warehouses(organisation_id, warehouses)
    if products:
        counts += await uow.onec.upsert_products(organisation_id, products, now=now)
    if offers:
        counts += await uow.onec.apply_offers(organisation_id, offers, now=now)
    return counts


# --- administration ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExchangeDetail:
    exchange: Exchange
    files: Sequence[ExchangeFile]


class OnecService:
    def __init__(self, uow: UnitOfWork, clock: Clock, hasher: PasswordHasher) -> None:
        self._uow = uow
        self._clock = clock
        self._hasher = hasher

    async def list(
        self, principal: Principal, *, limit: int, after: tuple[datetime, UUID] | None = None
    ) -> Sequence[OnecIntegration]:
        principal.require(Permission.ORGANISATION_MANAGE)
        async with self._uow as uow:
            return await uow.onec.list_integrations(
                principal.organisation_scope, limit=limit, after=after
            )

    async def get(self, principal: Principal, integration_id: UUID) -> OnecIntegration:
        principal.require(Permission.ORGANISATION_MANAGE)
        async with self._uow as uow:
            return await _integration(uow, principal.organisation_scope, integration_id)

    async def create(
        self, principal: Principal, values: Mapping[str, Any]
    ) -> tuple[OnecIntegration, str]:
        """The integration and its password (chosen, or generated), which is shown once."""
        principal.require(Permission.ORGANISATION_MANAGE)
        values = dict(values)
        password = check_password(values.pop("password", None) or new_password())
        async with self._uow as uow:
            await _check_responsible(uow, principal, values.get("responsible_id"))
            await _check_funnel(uow, principal, values.get("deal_funnel_id"))
            await _check_order_stages(uow, principal, values)
        integration = OnecIntegration(
            organisation_id=principal.organisation_id,
            name=clean_name(values.pop("name")),
            login=clean_login(values.pop("login")),
            password_hash=self._hasher.hash(password),
            created_at=self._clock.now(),
        )
        integration.change(**values)
        async with self._uow as uow:
            await uow.onec.add_integration(integration)
            await uow.commit()
        return integration, password

    async def update(
        self,
        principal: Principal,
        integration_id: UUID,
        values: Mapping[str, Any],
        *,
        expected_version: int | None = None,
    ) -> tuple[OnecIntegration, str | None]:
        """Changes the settings; ``rotate_password`` (or a new ``password``) sets a new
        password, answered once."""
        principal.require(Permission.ORGANISATION_MANAGE)
        values = dict(values)
        rotate = bool(values.pop("rotate_password", False))
        chosen = values.pop("password", None)
        password: str | None = None
        if chosen or rotate:
            password = check_password(chosen or new_password())
        async with self._uow as uow:
            integration = await _integration(uow, principal.organisation_scope, integration_id)
            version = integration.version if expected_version is None else expected_version
            await _check_responsible(uow, principal, values.get("responsible_id"))
            await _check_funnel(uow, principal, values.get("deal_funnel_id"))
            await _check_order_stages(uow, principal, values)
            integration.change(**values)
            if password is not None:
                integration.password_hash = self._hasher.hash(password)
            await uow.onec.update_integration(integration, version)
            await uow.commit()
            return integration, password

    async def delete(self, principal: Principal, integration_id: UUID) -> None:
        """The integration goes with its exchange log; the products it brought stay."""
        principal.require(Permission.ORGANISATION_MANAGE)
        async with self._uow as uow:
            scope = principal.organisation_scope
            await _integration(uow, scope, integration_id)
            await uow.onec.delete_integration(scope, integration_id)
            await uow.commit()

    async def exchanges(
        self,
        principal: Principal,
        *,
        integration_id: UUID | None,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[Exchange]:
        principal.require(Permission.ORGANISATION_MANAGE)
        async with self._uow as uow:
            return await uow.onec.list_exchanges(
                principal.organisation_scope,
                integration_id=integration_id,
                limit=limit,
                after=after,
            )

    async def exchange(self, principal: Principal, exchange_id: UUID) -> ExchangeDetail:
        principal.require(Permission.ORGANISATION_MANAGE)
        async with self._uow as uow:
            scope = principal.organisation_scope
            exchange = await uow.onec.get_exchange(scope, exchange_id)
            if exchange is None:
                raise NotFound("1C exchange", exchange_id)
            files = await uow.onec.files(scope.organisation_id, exchange.id)
            return ExchangeDetail(exchange=exchange, files=files)

    async def products(
        self,
        principal: Principal,
        *,
        search: str | None,
        limit: int,
        after: tuple[str, UUID] | None = None,
    ) -> Sequence[Product]:
        """The catalogue, for product lines of deals: whoever reads deals reads it."""
        principal.require(Permission.DEALS_READ)
        async with self._uow as uow:
            return await uow.onec.list_products(
                principal.organisation_scope, search=search, limit=limit, after=after
            )


async def _check_responsible(uow: UnitOfWork, principal: Principal, user_id: Any) -> None:
    if user_id is not None:
        await require_active_colleague(uow, principal, user_id, "responsible_id")


async def _check_funnel(uow: UnitOfWork, principal: Principal, funnel_id: Any) -> None:
    if (
        funnel_id is not None
        and await uow.funnels.get(principal.organisation_scope, funnel_id) is None
    ):
        raise InvalidInput("deal_funnel_id", "no such funnel", code=NOT_FOUND_CODE)


async def _check_order_stages(
    uow: UnitOfWork, principal: Principal, values: dict[str, Any]
) -> None:
    """``order_stage_ids`` as given, each a stage of the organisation (else 422 on it)."""
    given = values.get("order_stage_ids")
    if given is None:
        return
    known = await uow.funnels.stages_by_id(principal.organisation_id, list(dict.fromkeys(given)))
    values["order_stage_ids"] = order_stage_ids(given, set(known))


async def _integration(uow: UnitOfWork, scope: Scope, integration_id: UUID) -> OnecIntegration:
    integration = await uow.onec.get_integration(scope, integration_id)
    if integration is None:
        raise NotFound("1C integration", integration_id)
    return integration


__all__ = [
    "IMPORT_SLICE",
    "ORDERS_SLICE",
    "ExchangeDetail",
    "ExchangeStatus",
    "ImportAnswer",
    "OnecExchange",
    "OnecService",
    "Session",
]
