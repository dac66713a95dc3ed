from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import StreamingResponse

from api.deps import CurrentPrincipal, DealServiceDep, UowDep
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.export import (
    DelimiterQuery,
    FormatQuery,
    batched,
    export_openapi_responses,
    export_response,
)
from api.pagination import (
    Cursor,
    CursorValue,
    KeyPart,
    Limit,
    amount,
    day,
    decode_cursor,
    encode_cursor,
    ident,
    moment,
    nullable,
)
from api.schemas.base import MAX_FILTER_VALUES, AwareMoment, Day, Name, NonNegativeAmount
from api.schemas.deals import (
    DealCreate,
    DealLose,
    DealMove,
    DealPage,
    DealRead,
    DealTotalsRead,
    DealUpdate,
    StageHistoryRead,
)
from domain.deals.model import DealStatus
from domain.deals.ports import DealDays, DealFilter, DealSort
from domain.deals.services import DealView
from domain.staff.permissions import Permission
from domain.staff.services.users import user_names

router = APIRouter(prefix="/deals", tags=["deals"])


def custom_params(request: Request) -> list[tuple[str, str]]:
    return [(k, v) for k, v in request.query_params.multi_items() if k.startswith("cf.")]


async def deal_filter(
    request: Request,
    principal: CurrentPrincipal,
    service: DealServiceDep,
    funnel_id: UUID | None = None,
    stage_id: Annotated[
        list[UUID] | None, Query(max_length=MAX_FILTER_VALUES, description="Any of these stages")
    ] = None,
    reached_stage_id: Annotated[
        UUID | None,
        Query(
            description="Entered this stage at any time (moved into it, created in it or in it "
            "now), as the funnel analytics count a stage reached"
        ),
    ] = None,
    status: Annotated[
        list[DealStatus] | None, Query(max_length=MAX_FILTER_VALUES, description="Any of these")
    ] = None,
    responsible_id: Annotated[list[UUID] | None, Query(max_length=MAX_FILTER_VALUES)] = None,
    department_id: Annotated[
        UUID | None,
        Query(
            description="The responsible is in this department or one below it (among the "
            "deals the caller sees)"
        ),
    ] = None,
    client_id: UUID | None = None,
    source_channel: Annotated[list[Name] | None, Query(max_length=MAX_FILTER_VALUES)] = None,
    tag: Annotated[
        list[Name] | None,
        Query(max_length=MAX_FILTER_VALUES, description="The client carries any of these tags"),
    ] = None,
    amount_min: Annotated[NonNegativeAmount | None, Query()] = None,
    amount_max: Annotated[NonNegativeAmount | None, Query()] = None,
    created_from: AwareMoment | None = None,
    created_to: Annotated[AwareMoment | None, Query(description="Exclusive")] = None,
    created_on_from: Annotated[
        Day | None, Query(description="Created on this day or later (the organisation's days)")
    ] = None,
    created_on_to: Annotated[
        Day | None, Query(description="Created on this day or earlier (the organisation's days)")
    ] = None,
    closed_from: Annotated[
        Day | None, Query(description="Won or lost on this day or later (the organisation's days)")
    ] = None,
    closed_to: Annotated[
        Day | None,
        Query(description="Won or lost on this day or earlier (the organisation's days)"),
    ] = None,
    loss_reason_id: Annotated[
        list[UUID] | None,
        Query(max_length=MAX_FILTER_VALUES, description="Lost for any of these reasons"),
    ] = None,
    expected_close_from: Day | None = None,
    expected_close_to: Annotated[Day | None, Query(description="Inclusive")] = None,
    stale: Annotated[
        bool | None, Query(description="true: past the stage's day limit; false: not")
    ] = None,
    without_next_task: Annotated[
        bool, Query(description="true: open deals that have no open task (no next step)")
    ] = False,
    q: Annotated[
        Name | None, Query(max_length=100, description="Part of the title or client name")
    ] = None,
) -> DealFilter:
    """Custom fields filter as cf.<key>=value, cf.<key>.gte= and cf.<key>.lte=. Days are the
    organisation's calendar days, in its time zone; a period ending before it starts is 422."""
    filters = DealFilter(
        funnel_id=funnel_id,
        stage_ids=tuple(stage_id or ()),
        reached_stage_id=reached_stage_id,
        statuses=tuple(status or ()),
        responsible_ids=tuple(responsible_id or ()),
        department_id=department_id,
        client_id=client_id,
        source_channels=tuple(source_channel or ()),
        client_tags=tuple(tag or ()),
        amount_min=amount_min,
        amount_max=amount_max,
        created_from=created_from,
        created_to=created_to,
        loss_reason_ids=tuple(loss_reason_id or ()),
        expected_close_from=expected_close_from,
        expected_close_to=expected_close_to,
        stale=stale,
        without_next_task=without_next_task,
        search=q,
    )
    days = DealDays(
        created_on_from=created_on_from,
        created_on_to=created_on_to,
        closed_from=closed_from,
        closed_to=closed_to,
    )
    return await service.resolve_filters(principal, filters, custom_params(request), days)


# The filters of every deal list (the list, its totals and export, the board), resolved once
# per request: custom fields by their definitions, days by the organisation's time zone.
DealFilterDep = Annotated[DealFilter, Depends(deal_filter)]
SortQuery = Annotated[DealSort, Query(description="A field; prefix - for descending")]


def _sort_value(view: DealView, sort: DealSort) -> CursorValue:
    value: CursorValue = getattr(view.deal, sort.column)
    return value


_SORT_VALUE: dict[str, KeyPart[object]] = {"amount": amount, "expected_close_date": day}


def _decode(cursor: str | None, sort: DealSort) -> tuple[object, UUID] | None:
    value = _SORT_VALUE.get(sort.column, moment)
    return decode_cursor(cursor, nullable(value), ident)


@router.get("", response_model=DealPage, responses=problems(401, 403, 422))
async def list_deals(
    filters: DealFilterDep,
    principal: CurrentPrincipal,
    service: DealServiceDep,
    sort: SortQuery = DealSort.CREATED_AT_DESC,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> DealPage:
    """Visible deals, filtered and sorted; totals over everything the filters select come from
    GET /deals/totals, asked for once per filter."""
    views = await service.list(
        principal, filters, sort=sort, limit=limit + 1, after=_decode(cursor, sort)
    )
    last = views[limit - 1] if len(views) > limit else None
    return DealPage(
        items=[DealRead.of(v) for v in views[:limit]],
        next_cursor=encode_cursor(_sort_value(last, sort), last.deal.id) if last else None,
    )


@router.get("/totals", response_model=DealTotalsRead, responses=problems(401, 403, 422))
async def deal_totals(
    filters: DealFilterDep,
    principal: CurrentPrincipal,
    service: DealServiceDep,
) -> DealTotalsRead:
    """Count, amount and weighted amount (won: the amount, lost: 0, open: the amount x the
    stage's probability, rounded per deal) per currency over every visible deal the filters
    select (the list's filters, custom fields included); currencies without deals are left
    out. Ask once per filter, not per page.

    `exact` says whether the figures are exact. They always are when the filters are among
    funnel_id, stage_id, status, responsible_id and department_id: they come from counters
    that every change of a deal keeps exact in its own transaction. With any other filter
    (reached stage, source, amount, dates, loss reasons, stale, search, custom fields, client)
    they are counted deal by deal, exactly, when that is cheap: the database's planner expects
    at most 10,000 deals, found without reading many more, and counting finds at most 10,000.
    Otherwise they are an estimate (`exact: false`): the exact totals of the funnel, stage,
    status, responsible and department part, scaled by the share of a random sample of those
    deals that the other filters keep."""
    return DealTotalsRead.of(await service.totals(principal, filters))


EXPORT_COLUMNS = (
    ("id", "ID"),
    ("title", "Сделка"),
    ("client", "Клиент"),
    ("status", "Статус"),
    ("stage", "Этап"),
    ("probability", "Вероятность, %"),
    ("amount", "Сумма"),
    ("currency", "Валюта"),
    ("weighted_amount", "Взвешенная сумма"),
    ("expected_margin", "Ожидаемая маржа"),
    ("responsible", "Ответственный"),
    ("source_channel", "Источник"),
    ("expected_close_date", "Ожидаемая дата закрытия"),
    ("stage_entered_at", "На этапе с"),
    ("days_in_stage", "Дней на этапе"),
    ("is_stale", "Зависла"),
    ("created_at", "Создана"),
    ("closed_at", "Закрыта"),
)


def _export_row(view: DealView, names: dict[UUID, str]) -> tuple[object, ...]:
    d = view.deal
    return (
        d.id,
        d.title,
        view.client_name,
        d.status,
        view.stage.name,
        view.stage.probability,
        d.amount,
        d.currency,
        view.weighted_amount,
        d.expected_margin,
        names.get(d.responsible_id, str(d.responsible_id)),
        d.source_channel,
        d.expected_close_date,
        d.stage_entered_at,
        view.time_in_stage_seconds // 86400,
        view.is_stale,
        d.created_at,
        d.closed_at,
    )


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={**export_openapi_responses(), **problems(401, 403, 422)},
)
async def export_deals(
    filters: DealFilterDep,
    principal: CurrentPrincipal,
    service: DealServiceDep,
    uow: UowDep,
    format: FormatQuery = "csv",
    delimiter: DelimiterQuery = ",",
    sort: SortQuery = DealSort.CREATED_AT_DESC,
) -> StreamingResponse:
    """The filtered list as CSV or XLSX, streamed; the same filters as the list."""
    principal.require(Permission.DEALS_READ)

    async def page(after: DealView | None, size: int) -> Sequence[DealView]:
        key = (_sort_value(after, sort), after.deal.id) if after else None
        return await service.list(principal, filters, sort=sort, limit=size, after=key)

    names = await user_names(uow, principal)
    rows = (_export_row(v, names) async for v in batched(page, 500))
    return await export_response(
        rows, EXPORT_COLUMNS, fmt=format, filename="deals", delimiter=delimiter, sheet_name="Сделки"
    )


@router.post(
    "",
    response_model=DealRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 422),
)
async def create_deal(
    body: DealCreate,
    principal: CurrentPrincipal,
    service: DealServiceDep,
    response: Response,
) -> DealRead:
    """A new open deal in the given stage (the funnel's first by default)."""
    view = await service.create(principal, body.to_command())
    set_etag(response, view.deal.version)
    return DealRead.of(view)


@router.get("/{deal_id}", response_model=DealRead, responses=problems(401, 403, 404))
async def get_deal(
    deal_id: UUID,
    principal: CurrentPrincipal,
    service: DealServiceDep,
    response: Response,
) -> DealRead:
    view = await service.get(principal, deal_id)
    set_etag(response, view.deal.version)
    return DealRead.of(view)


@router.patch("/{deal_id}", response_model=DealRead, responses=problems(401, 403, 404, 412, 422))
async def update_deal(
    deal_id: UUID,
    body: DealUpdate,
    principal: CurrentPrincipal,
    service: DealServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> DealRead:
    """Edit a deal's fields; stages change through /move, status through /win, /lose and
    /reopen."""
    view = await service.update(
        principal, deal_id, body.to_command(), expected_version=expected_version(if_match)
    )
    set_etag(response, view.deal.version)
    return DealRead.of(view)


@router.post(
    "/{deal_id}/move",
    response_model=DealRead,
    responses=problems(401, 403, 404, 409, 412, 422),
)
async def move_deal_stage(
    deal_id: UUID,
    body: DealMove,
    principal: CurrentPrincipal,
    service: DealServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> DealRead:
    """Into another stage. 422 lists every missing entry requirement, each with its loc:
    ["body", "fields", "amount"] or ["body", "documents", "contract"]."""
    view = await service.move(
        principal, deal_id, body.stage_id, expected_version=expected_version(if_match)
    )
    set_etag(response, view.deal.version)
    return DealRead.of(view)


@router.post("/{deal_id}/win", response_model=DealRead, responses=problems(401, 403, 404, 409, 412))
async def win_deal(
    deal_id: UUID,
    principal: CurrentPrincipal,
    service: DealServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> DealRead:
    view = await service.win(principal, deal_id, expected_version=expected_version(if_match))
    set_etag(response, view.deal.version)
    return DealRead.of(view)


@router.post(
    "/{deal_id}/lose",
    response_model=DealRead,
    responses=problems(401, 403, 404, 409, 412, 422),
)
async def lose_deal(
    deal_id: UUID,
    body: DealLose,
    principal: CurrentPrincipal,
    service: DealServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> DealRead:
    """Close as lost, with a reason from the list and the flags that feed karma."""
    view = await service.lose(
        principal, deal_id, body.to_command(), expected_version=expected_version(if_match)
    )
    set_etag(response, view.deal.version)
    return DealRead.of(view)


@router.post(
    "/{deal_id}/reopen", response_model=DealRead, responses=problems(401, 403, 404, 409, 412)
)
async def reopen_deal(
    deal_id: UUID,
    principal: CurrentPrincipal,
    service: DealServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> DealRead:
    """Back to open in the same stage; recorded in the stage history."""
    view = await service.reopen(principal, deal_id, expected_version=expected_version(if_match))
    set_etag(response, view.deal.version)
    return DealRead.of(view)


@router.get(
    "/{deal_id}/stage-history",
    response_model=StageHistoryRead,
    responses=problems(401, 403, 404),
)
async def get_deal_stage_history(
    deal_id: UUID, principal: CurrentPrincipal, service: DealServiceDep
) -> StageHistoryRead:
    """Every move (from, to, when, who) and the time spent in each stage."""
    history = await service.history(principal, deal_id)
    return StageHistoryRead.of(deal_id, history)
