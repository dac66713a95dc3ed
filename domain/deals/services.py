"""Deal use cases: open, edit, move through stages, close, reopen; lists, board and history.
Visibility is the deals scope of the caller's role, decided in the repository."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from domain.auth.principal import Principal
from domain.clients.custom_fields import (
    FieldEntity,
    parse_custom_filters,
    validate_custom_fields,
)
from domain.deals.commands import CreateDeal, LoseDeal, ProductLineInput, UpdateDeal
from domain.deals.model import Deal, DealStatus, StageMove, product_lines
from domain.deals.ports import BoardColumn, DealDays, DealFilter, DealSort, DealTotals
from domain.funnels.model import Funnel, Stage, StageGroup
from domain.platform.audit import record_change
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import (
    INVALID_INPUT,
    NOT_FOUND_CODE,
    FieldProblem,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from domain.shared.patch import UNSET
from domain.shared.scope import Scope
from domain.staff.permissions import Permission, Resource
from domain.staff.services.colleagues import require_active_colleague

# Totals under filters the counters cannot answer (source, amount, dates, search...) are
# counted deal by deal up to this many deals (when the repository finds counting them cheap),
# and estimated otherwise (marked as such).
EXACT_TOTALS_UP_TO = 10_000


@dataclass(frozen=True, slots=True)
class DealView:
    """A deal with what its stage and client tell about it, at ``now``."""

    deal: Deal
    stage: Stage
    client_name: str | None
    now: datetime
    responsible_name: str | None = None

    @property
    def weighted_amount(self) -> Decimal:
        return self.deal.weighted_amount(self.stage)

    @property
    def time_in_stage_seconds(self) -> int:
        return int(self.deal.time_in_stage(self.now).total_seconds())

    @property
    def is_stale(self) -> bool:
        return self.deal.staleness(self.stage, self.now).is_stale

    @property
    def close_proposed(self) -> bool:
        return self.deal.staleness(self.stage, self.now).close_proposed


@dataclass(frozen=True, slots=True)
class StageStay:
    """One stay of a deal in a stage: from entering it to leaving it (None: still there)."""

    stage_id: UUID | None
    stage_name: str | None
    entered_at: datetime
    left_at: datetime | None
    seconds: int


@dataclass(frozen=True, slots=True)
class StageHistory:
    moves: Sequence[StageMove]
    stays: Sequence[StageStay]
    seconds_by_stage: dict[UUID, int]
    stage_names: dict[UUID, str]


@dataclass(frozen=True, slots=True)
class Board:
    funnel: Funnel
    columns: Sequence[BoardColumn]
    views: dict[UUID, DealView]


class DealService:
    def __init__(
        self, uow: UnitOfWork, clock: Clock, *, exact_totals_up_to: int = EXACT_TOTALS_UP_TO
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._exact_totals_up_to = exact_totals_up_to

    # --- reading -----------------------------------------------------------------------

    async def get(self, principal: Principal, deal_id: UUID) -> DealView:
        principal.require(Permission.DEALS_READ)
        async with self._uow as uow:
            deal = await _load(uow, principal, deal_id)
            return (await _views(uow, [deal], self._clock.now()))[0]

    async def list(
        self,
        principal: Principal,
        filters: DealFilter,
        *,
        sort: DealSort,
        limit: int,
        after: tuple[object, UUID] | None = None,
    ) -> Sequence[DealView]:
        """One page; never totals over the whole filtered set (see ``totals``)."""
        principal.require(Permission.DEALS_READ)
        scope = principal.scope_for(Resource.DEALS)
        now = self._clock.now()
        async with self._uow as uow:
            deals = await uow.deals.list(
                scope, filters, now=now, sort=sort, limit=limit, after=after
            )
            return await _views(uow, deals, now)

    async def totals(self, principal: Principal, filters: DealFilter) -> DealTotals:
        """Count, amount and weighted amount per currency over every visible deal the filters
        select: asked for once per filter, apart from the pages. Exact, or an estimate marked
        as such when filters beyond the counters select more deals than are cheap to count
        (at most EXACT_TOTALS_UP_TO are)."""
        principal.require(Permission.DEALS_READ)
        scope = principal.scope_for(Resource.DEALS)
        async with self._uow as uow:
            return await uow.deals.totals(
                scope, filters, now=self._clock.now(), exact_up_to=self._exact_totals_up_to
            )

    async def resolve_filters(
        self,
        principal: Principal,
        filters: DealFilter,
        params: Sequence[tuple[str, str]],
        days: DealDays | None = None,
    ) -> DealFilter:
        """``filters`` with the custom-field filters of the cf.* query parameters and the
        ``days`` as moments of the organisation's time zone."""
        custom = [(name, value) for name, value in params if name.startswith("cf.")]
        if not custom and not days:
            return filters
        async with self._uow as uow:
            if custom:
                definitions = await uow.custom_fields.list(
                    principal.organisation_scope, FieldEntity.DEAL
                )
                filters = replace(filters, custom=tuple(parse_custom_filters(definitions, custom)))
            if days:
                organisation = await uow.organisations.get(principal.organisation_id)
                if organisation is None:
                    raise NotFound("Organisation", principal.organisation_id)
                filters = days.applied(filters, organisation.time_zone)
        return filters

    async def board(
        self, principal: Principal, funnel_id: UUID, filters: DealFilter, *, per_stage: int
    ) -> Board:
        principal.require(Permission.DEALS_READ)
        now = self._clock.now()
        async with self._uow as uow:
            funnel = await uow.funnels.get(principal.organisation_scope, funnel_id)
            if funnel is None:
                raise NotFound("Funnel", funnel_id)
            columns = await uow.deals.board(
                principal.scope_for(Resource.DEALS),
                funnel_id,
                filters,
                now=now,
                per_stage=per_stage,
                exact_up_to=self._exact_totals_up_to,
            )
            deals = [d for column in columns for d in column.deals]
            views = {v.deal.id: v for v in await _views(uow, deals, now)}
            return Board(funnel=funnel, columns=columns, views=views)

    async def board_column(
        self,
        principal: Principal,
        funnel_id: UUID,
        stage_id: UUID,
        filters: DealFilter,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[DealView]:
        """The next cards of one board column (a stage of the funnel), after the keyset."""
        principal.require(Permission.DEALS_READ)
        now = self._clock.now()
        async with self._uow as uow:
            funnel = await uow.funnels.get(principal.organisation_scope, funnel_id)
            if funnel is None:
                raise NotFound("Funnel", funnel_id)
            if all(stage.id != stage_id for stage in funnel.stages):
                raise NotFound("Stage", stage_id)
            deals = await uow.deals.board_column(
                principal.scope_for(Resource.DEALS),
                stage_id,
                filters,
                now=now,
                limit=limit,
                after=after,
            )
            return await _views(uow, deals, now)

    async def history(self, principal: Principal, deal_id: UUID) -> StageHistory:
        principal.require(Permission.DEALS_READ)
        now = self._clock.now()
        async with self._uow as uow:
            deal = await _load(uow, principal, deal_id)
            moves = await uow.deals.moves(deal.organisation_id, deal.id)
            stage_ids = {m.to_stage_id for m in moves if m.to_stage_id} | {
                m.from_stage_id for m in moves if m.from_stage_id
            }
            stages = await uow.funnels.stages_by_id(deal.organisation_id, list(stage_ids))
        names = {i: s.name for i, s in stages.items()}
        stays = stage_stays(moves, deal, now, names)
        seconds: dict[UUID, int] = {}
        for stay in stays:
            if stay.stage_id is not None:
                seconds[stay.stage_id] = seconds.get(stay.stage_id, 0) + stay.seconds
        return StageHistory(moves=moves, stays=stays, seconds_by_stage=seconds, stage_names=names)

    # --- writing -----------------------------------------------------------------------

    async def create(self, principal: Principal, command: CreateDeal) -> DealView:
        # leads:create (a marketer) opens a deal only as a lead: in a marketing stage.
        lead_only = not principal.can(Permission.DEALS_WRITE)
        if lead_only:
            principal.require(Permission.LEADS_CREATE)
        now = self._clock.now()
        async with self._uow as uow:
            org_scope = principal.organisation_scope
            stage = await _initial_stage(uow, org_scope, command.funnel_id, command.stage_id)
            if lead_only and stage.group is not StageGroup.MARKETING:
                raise PermissionDenied(
                    "The permission leads:create opens a deal only in a marketing stage; "
                    "choose one (stage_id) or ask for deals:write"
                )
            await _require_client(uow, principal, command.client_id)
            if command.contact_id is not None:
                await _require_contact(uow, principal, command.contact_id, command.client_id)
            responsible = command.responsible_id or principal.user_id
            if responsible is None:
                raise InvalidInput("responsible_id", "is required when an API key creates a deal")
            await require_active_colleague(uow, principal, responsible, "responsible_id")
            currency = command.currency
            if currency is None:
                organisation = await uow.organisations.get(principal.organisation_id)
                currency = organisation.currency if organisation else "RUB"
            lines = product_lines(
                await _from_catalog(uow, principal.organisation_id, command.products, currency)
            )
            values = validate_custom_fields(
                await uow.custom_fields.list(org_scope, FieldEntity.DEAL), command.custom_fields
            )
            deal, move = Deal.open(
                organisation_id=principal.organisation_id,
                client_id=command.client_id,
                title=command.title,
                currency=currency,
                stage=stage,
                responsible_id=responsible,
                at=now,
                by=principal.user_id,
                amount=command.amount,
                products=lines,
                contact_id=command.contact_id,
                expected_margin=command.expected_margin,
                source_channel=command.source_channel,
                source_campaign=command.source_campaign,
                utm=command.utm,
                expected_close_date=command.expected_close_date,
                custom_fields=values,
            )
            await uow.deals.add(deal)
            await uow.deals.add_move(move)
            await record_change(
                uow,
                principal,
                organisation_id=deal.organisation_id,
                entity_type="deal",
                entity_id=deal.id,
                action="create",
                before=None,
                after=deal.snapshot(),
                at=self._clock.now(),
            )
            await uow.commit()
            return (await _views(uow, [deal], now))[0]

    async def update(
        self,
        principal: Principal,
        deal_id: UUID,
        update: UpdateDeal,
        *,
        expected_version: int | None = None,
    ) -> DealView:
        principal.require(Permission.DEALS_WRITE)
        now = self._clock.now()
        async with self._uow as uow:
            deal = await _load(uow, principal, deal_id, for_update=True)
            before = deal.snapshot()
            client_id = deal.client_id
            if update.client_id is not UNSET and update.client_id != deal.client_id:
                await _require_client(uow, principal, update.client_id)
                client_id = update.client_id
            if update.contact_id is not UNSET and update.contact_id is not None:
                await _require_contact(uow, principal, update.contact_id, client_id)
            if update.responsible_id is not UNSET:
                await require_active_colleague(
                    uow, principal, update.responsible_id, "responsible_id"
                )
            custom = None
            if update.custom_fields is not UNSET:
                custom = validate_custom_fields(
                    await uow.custom_fields.list(principal.organisation_scope, FieldEntity.DEAL),
                    deal.custom_fields_with(update.custom_fields),
                )
            if update.products is not UNSET and update.products:
                currency = deal.currency if update.currency is UNSET else update.currency
                update = replace(
                    update,
                    products=await _from_catalog(
                        uow, deal.organisation_id, update.products, currency
                    ),
                )
            deal.apply(update, at=now, by=principal.user_id, custom_fields=custom)
            await self._save(uow, deal, expected_version)
            await record_change(
                uow,
                principal,
                organisation_id=deal.organisation_id,
                entity_type="deal",
                entity_id=deal.id,
                action="update",
                before=before,
                after=deal.snapshot(),
                at=self._clock.now(),
            )
            await uow.commit()
            return (await _views(uow, [deal], now))[0]

    async def move(
        self,
        principal: Principal,
        deal_id: UUID,
        stage_id: UUID,
        *,
        expected_version: int | None = None,
    ) -> DealView:
        """Into a stage of this funnel (or of another one): refused with every missing entry
        requirement named."""
        principal.require(Permission.DEALS_WRITE)
        now = self._clock.now()
        async with self._uow as uow:
            deal = await _load(uow, principal, deal_id, for_update=True)
            stage = await uow.funnels.get_stage(principal.organisation_scope, stage_id)
            if stage is None:
                raise InvalidInput("stage_id", "no such stage", code=NOT_FOUND_CODE)
            documents = await uow.attachments.document_types_on_deal(
                principal.scope_for(Resource.DEALS), deal.id
            )
            before = deal.snapshot()
            move = deal.move_to(stage, at=now, by=principal.user_id, documents=documents)
            if move is not None:
                await self._save(uow, deal, expected_version)
                await uow.deals.add_move(move)
                await record_change(
                    uow,
                    principal,
                    organisation_id=deal.organisation_id,
                    entity_type="deal",
                    entity_id=deal.id,
                    action="move",
                    before=before,
                    after=deal.snapshot(),
                    at=self._clock.now(),
                )
                await uow.commit()
            return (await _views(uow, [deal], now))[0]

    async def win(
        self, principal: Principal, deal_id: UUID, *, expected_version: int | None = None
    ) -> DealView:
        principal.require(Permission.DEALS_WRITE)
        return await self._close(principal, deal_id, expected_version, "win")

    async def lose(
        self,
        principal: Principal,
        deal_id: UUID,
        command: LoseDeal,
        *,
        expected_version: int | None = None,
    ) -> DealView:
        principal.require(Permission.DEALS_WRITE)
        return await self._close(principal, deal_id, expected_version, command)

    async def reopen(
        self, principal: Principal, deal_id: UUID, *, expected_version: int | None = None
    ) -> DealView:
        principal.require(Permission.DEALS_WRITE)
        return await self._close(principal, deal_id, expected_version, "reopen")

    async def _close(
        self,
        principal: Principal,
        deal_id: UUID,
        expected_version: int | None,
        close: Literal["win", "reopen"] | LoseDeal,
    ) -> DealView:
        now = self._clock.now()
        async with self._uow as uow:
            deal = await _load(uow, principal, deal_id, for_update=True)
            before = deal.snapshot()
            if isinstance(close, LoseDeal):
                reason = await uow.loss_reasons.get(
                    principal.organisation_scope, close.loss_reason_id
                )
                if reason is None or not reason.is_active:
                    raise InvalidInput(
                        "loss_reason_id", "no such active loss reason", code=NOT_FOUND_CODE
                    )
                move = deal.lose(close, at=now, by=principal.user_id)
                action = "lose"
            elif close == "win":
                move = deal.win(at=now, by=principal.user_id)
                action = "win"
            else:
                move = deal.reopen(at=now, by=principal.user_id)
                action = "reopen"
            await self._save(uow, deal, expected_version)
            await uow.deals.add_move(move)
            await record_change(
                uow,
                principal,
                organisation_id=deal.organisation_id,
                entity_type="deal",
                entity_id=deal.id,
                action=action,
                before=before,
                after=deal.snapshot(),
                at=self._clock.now(),
            )
            await uow.commit()
            return (await _views(uow, [deal], now))[0]

    # --- helpers -----------------------------------------------------------------------

    @staticmethod
    async def _save(uow: UnitOfWork, deal: Deal, expected_version: int | None) -> None:
        version = deal.version if expected_version is None else expected_version
        await uow.deals.update(deal, version)


def stage_stays(
    moves: Sequence[StageMove], deal: Deal, now: datetime, names: Mapping[UUID, str]
) -> list[StageStay]:
    """Stays in stages from the moves (oldest first): each move that enters a stage starts a
    stay, ended by the next move that leaves it or by closing; an open deal's last stay runs
    until ``now``."""
    stays: list[StageStay] = []
    current: tuple[UUID | None, datetime] | None = None
    for move in moves:
        if move.kind in ("created", "moved", "reopened"):
            if current is not None:
                stays.append(_stay(current, move.at, names))
            current = (move.to_stage_id, move.at)
        elif current is not None:  # won / lost end the stay
            stays.append(_stay(current, move.at, names))
            current = None
    if current is not None:
        end = now if deal.status is DealStatus.OPEN else (deal.closed_at or now)
        stay = _stay(current, end, names)
        stays.append(
            StageStay(stay.stage_id, stay.stage_name, stay.entered_at, None, stay.seconds)
            if deal.status is DealStatus.OPEN
            else stay
        )
    return stays


def _stay(
    current: tuple[UUID | None, datetime], end: datetime, names: Mapping[UUID, str]
) -> StageStay:
    stage_id, entered = current
    return StageStay(
        stage_id=stage_id,
        stage_name=names.get(stage_id) if stage_id else None,
        entered_at=entered,
        left_at=end,
        seconds=max(0, int((end - entered).total_seconds())),
    )


async def _load(
    uow: UnitOfWork, principal: Principal, deal_id: UUID, *, for_update: bool = False
) -> Deal:
    deal = await uow.deals.get(principal.scope_for(Resource.DEALS), deal_id, for_update=for_update)
    if deal is None:
        raise NotFound("Deal", deal_id)
    return deal


async def _views(uow: UnitOfWork, deals: Sequence[Deal], now: datetime) -> list[DealView]:
    if not deals:
        return []
    organisation_id = deals[0].organisation_id
    stages = await uow.funnels.stages_by_id(organisation_id, list({d.stage_id for d in deals}))
    names = await uow.deals.client_names(organisation_id, list({d.client_id for d in deals}))
    people = await uow.users.names_of(organisation_id, list({d.responsible_id for d in deals}))
    return [
        DealView(d, stages[d.stage_id], names.get(d.client_id), now, people.get(d.responsible_id))
        for d in deals
    ]


async def _from_catalog(
    uow: UnitOfWork,
    organisation_id: UUID,
    lines: Sequence[ProductLineInput],
    currency: str,
) -> list[ProductLineInput]:
    """The lines with their catalogue products' names, articles and prices filled in where
    the line left them out (a price in the deal's currency, see ``CatalogItem.price_in``).
    A product that is not the organisation's is refused on its line's field."""
    wanted = [line.product_id for line in lines if line.product_id is not None]
    items = await uow.onec.catalog_items(organisation_id, wanted) if wanted else {}
    result: list[ProductLineInput] = []
    problems: list[FieldProblem] = []
    for i, line in enumerate(lines):
        if line.product_id is None:
            result.append(line)
            continue
        item = items.get(line.product_id)
        if item is None:
            problems.append(
                FieldProblem(("products", i, "product_id"), "no such product", NOT_FOUND_CODE)
            )
            continue
        price = line.price
        if price is None:
            price = item.price_in(currency)
            if price is None:
                problems.append(
                    FieldProblem(
                        ("products", i, "price"),
                        f"is required: the product has no price in {currency}",
                    )
                )
                continue
        result.append(replace(line, name=line.name or item.name, price=price, article=item.article))
    if problems:
        raise InvalidInput(problems=problems)
    return result


async def _require_client(uow: UnitOfWork, principal: Principal, client_id: UUID) -> None:
    client = await uow.clients.get(principal.scope_for(Resource.CLIENTS), client_id)
    if client is None or client.merged_into_id is not None:
        raise InvalidInput("client_id", "no such client", code=NOT_FOUND_CODE)


async def _require_contact(
    uow: UnitOfWork, principal: Principal, contact_id: UUID, client_id: UUID
) -> None:
    contact = await uow.contacts.get(principal.scope_for(Resource.CLIENTS), contact_id)
    if contact is None or contact.client_id != client_id:
        raise InvalidInput("contact_id", "is not a contact of the deal's client")


async def _initial_stage(
    uow: UnitOfWork, scope: Scope, funnel_id: UUID | None, stage_id: UUID | None
) -> Stage:
    if stage_id is not None:
        stage = await uow.funnels.get_stage(scope, stage_id)
        if stage is None or (funnel_id is not None and stage.funnel_id != funnel_id):
            raise InvalidInput("stage_id", "no such stage in the funnel", code=NOT_FOUND_CODE)
        return stage
    funnel = (
        await uow.funnels.get(scope, funnel_id)
        if funnel_id is not None
        else await uow.funnels.default(scope)
    )
    if funnel is None:
        raise InvalidInput(
            "funnel_id",
            "no such funnel" if funnel_id else "the organisation has no funnel; create one first",
            code=NOT_FOUND_CODE if funnel_id else INVALID_INPUT,
        )
    return funnel.first_stage
