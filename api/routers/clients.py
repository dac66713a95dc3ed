"""Clients: CRUD, search and filters, export, duplicates and merge, relationship history,
and the follow-up tasks configured per relationship type.

A client merged into another answers 404 with ``merged_into_id`` naming the survivor."""

from __future__ import annotations

from typing import Annotated, Any, cast
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response, status

from api.deps import ClientServiceDep, CurrentPrincipal, FollowUpServiceDep, UowDep
from api.errors import PROBLEM_JSON, problems
from api.etag import IfMatch, expected_version, set_etag
from api.export import FormatQuery, batched, export_openapi_responses, export_response
from api.pagination import (
    Cursor,
    CursorValue,
    KeyPart,
    Limit,
    decode_cursor,
    decode_time_id_cursor,
    encode_cursor,
    ident,
    moment,
    nullable,
    text,
)
from api.schemas.base import MAX_FILTER_VALUES, AwareMoment, Name
from api.schemas.clients import (
    ClientCountRead,
    ClientCreate,
    ClientPage,
    ClientRead,
    ClientUpdate,
    DuplicatePage,
    DuplicatePairRead,
    DuplicateProblem,
    FollowUpCreate,
    FollowUpRead,
    FollowUpUpdate,
    InboundRequestCreate,
    MergedProblem,
    MergePreviewRead,
    MergeRequest,
    RelationshipTransitionPage,
    RelationshipTransitionRead,
    RelationshipTypeName,
    TemperatureName,
)
from api.schemas.jobs import JobRead
from domain.clients.model import ClientKind, ClientView, RelationshipType, Temperature
from domain.clients.ports import ClientFilter, ClientSort
from domain.clients.services.clients import COUNT_CAP, sort_key
from domain.staff.services.users import user_names

router = APIRouter(prefix="/clients", tags=["clients"])
follow_ups_router = APIRouter(prefix="/relationship-follow-ups", tags=["clients"])

Force = Annotated[
    bool, Query(description="Same as confirm_duplicate: save despite suspected duplicates")
]
Region = Annotated[
    Name | None,
    Query(
        description="Country for phone numbers written without +: RU, UA, KZ or BY "
        "(default: by the organisation's currency)"
    ),
]


def _problem(model: type, description: str) -> dict[str, Any]:
    return {
        "model": model,
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}},
    }


DUPLICATE_409: dict[int | str, dict[str, Any]] = {
    409: _problem(DuplicateProblem, "Suspected duplicates, with their owners")
}
MERGED_404: dict[int | str, dict[str, Any]] = {
    404: _problem(MergedProblem, "Not found, or merged into merged_into_id")
}


async def client_filters(
    request: Request,
    responsible_id: Annotated[list[UUID] | None, Query(max_length=MAX_FILTER_VALUES)] = None,
    relationship_type: Annotated[
        list[RelationshipTypeName] | None, Query(max_length=MAX_FILTER_VALUES)
    ] = None,
    source_channel: Annotated[list[Name] | None, Query(max_length=MAX_FILTER_VALUES)] = None,
    temperature: Annotated[
        list[TemperatureName] | None, Query(max_length=MAX_FILTER_VALUES)
    ] = None,
    kind: Annotated[str | None, Query(pattern="^(company|person)$")] = None,
    tags: Annotated[
        list[Name] | None, Query(max_length=MAX_FILTER_VALUES, description="Segment tags")
    ] = None,
    tags_mode: Annotated[str, Query(pattern="^(any|all)$")] = "any",
    created_from: AwareMoment | None = None,
    created_to: AwareMoment | None = None,
    updated_from: AwareMoment | None = None,
    updated_to: AwareMoment | None = None,
    q: Annotated[
        Name | None,
        Query(
            max_length=200,
            description="Part of a client or contact name, a phone (any digits: 345-67, "
            "912345), an e-mail or a tax id",
        ),
    ] = None,
) -> tuple[ClientFilter, list[tuple[str, str]]]:
    """Also reads custom field filters: cf.<key>=value, cf.<key>.gte=, cf.<key>.lte= (numbers,
    dates, money amounts)."""
    filters = ClientFilter(
        responsible_ids=tuple(responsible_id or ()),
        relationship_types=tuple(RelationshipType(t) for t in relationship_type or ()),
        source_channels=tuple(source_channel or ()),
        temperatures=tuple(Temperature(t) for t in temperature or ()),
        kind=ClientKind(kind) if kind else None,
        tags=tuple(tags or ()),
        all_tags=tags_mode == "all",
        created_from=created_from,
        created_to=created_to,
        updated_from=updated_from,
        updated_to=updated_to,
        search=q.strip() if q and q.strip() else None,
    )
    custom = [(k, v) for k, v in request.query_params.multi_items() if k.startswith("cf.")]
    return filters, custom


FiltersDep = Annotated[tuple[ClientFilter, list[tuple[str, str]]], Depends(client_filters)]
SortQuery = Annotated[
    ClientSort,
    Query(
        description="name, created_at, updated_at, last_activity_at (never contacted: the "
        "oldest), next_task_at (nothing planned: the latest); - for desc"
    ),
]
_LIST_DESCRIPTION = (
    "Visible clients, filtered. Custom fields filter as cf.<key>=value, and numbers, dates "
    "and money amounts by range as cf.<key>.gte= / cf.<key>.lte=."
)


@router.post(
    "",
    response_model=ClientRead,
    status_code=status.HTTP_201_CREATED,
    responses={**problems(401, 403, 422), **DUPLICATE_409},
)
async def create_client(
    body: ClientCreate,
    principal: CurrentPrincipal,
    service: ClientServiceDep,
    response: Response,
    force: Force = False,
    region: Region = None,
) -> ClientRead:
    """A company or person, with its contacts. Refused with 409 listing the existing clients
    (and who owns them) when the phone, e-mail, INN/EDRPOU or a similar name matches."""
    view = await service.create(
        principal,
        body.to_command(),
        confirm_duplicate=body.confirm_duplicate or force,
        region=region,
    )
    set_etag(response, view.client.version)
    return ClientRead.of(view)


def _cursor_key(view: ClientView, sort: ClientSort) -> tuple[CursorValue, UUID]:
    value, client_id = sort_key(view, sort)
    return cast(CursorValue, value), client_id


def _decode(cursor: str | None, sort: ClientSort) -> tuple[object, UUID] | None:
    value: KeyPart[object | None] = text if sort.column == "name" else moment
    if sort.nullable:
        value = nullable(value)
    return decode_cursor(cursor, value, ident)


@router.get(
    "", response_model=ClientPage, responses=problems(401, 403, 422), description=_LIST_DESCRIPTION
)
async def list_clients(
    principal: CurrentPrincipal,
    service: ClientServiceDep,
    filters: FiltersDep,
    sort: SortQuery = ClientSort.NAME,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ClientPage:
    views = await service.list(
        principal,
        filters[0],
        custom_params=filters[1],
        sort=sort,
        limit=limit + 1,
        after=_decode(cursor, sort),
    )
    last = views[limit - 1] if len(views) > limit else None
    return ClientPage(
        items=[ClientRead.of(v) for v in views[:limit]],
        next_cursor=encode_cursor(*_cursor_key(last, sort)) if last else None,
    )


@router.get(
    "/count",
    response_model=ClientCountRead,
    responses=problems(401, 403, 422),
    description="How many clients GET /clients selects with the same filters, counted up to "
    "10,000 (capped then). Ask once per filter, not per page.",
)
async def count_clients(
    principal: CurrentPrincipal, service: ClientServiceDep, filters: FiltersDep
) -> ClientCountRead:
    cap = COUNT_CAP
    total = await service.count(principal, filters[0], custom_params=filters[1], cap=cap + 1)
    return ClientCountRead(total=min(total, cap), capped=total > cap)


@router.get(
    "/export",
    responses={**export_openapi_responses(), **problems(401, 403, 422)},
    response_class=Response,
    description="The filtered list as a streamed CSV or XLSX file. " + _LIST_DESCRIPTION,
)
async def export_clients(
    principal: CurrentPrincipal,
    service: ClientServiceDep,
    uow: UowDep,
    filters: FiltersDep,
    format: FormatQuery = "csv",
    sort: SortQuery = ClientSort.NAME,
) -> Response:
    service = service
    fetch = await service.export_pages(principal, filters[0], custom_params=filters[1], sort=sort)
    definitions = await service.custom_field_definitions(principal)
    columns = EXPORT_COLUMNS + [(f"cf.{d.key}", d.label) for d in definitions]

    keys = [d.key for d in definitions]
    names = await user_names(uow, principal)
    rows = (export_row(view, keys, names) async for view in batched(fetch, 500))
    return await export_response(
        rows, columns, fmt=format, filename="clients", sheet_name="Clients"
    )


EXPORT_COLUMNS = [
    ("id", "ID"),
    ("kind", "Тип"),
    ("name", "Клиент"),
    ("legal_name", "Юридическое название"),
    ("inn", "ИНН"),
    ("kpp", "КПП"),
    ("ogrn", "ОГРН"),
    ("edrpou", "ЕДРПОУ"),
    ("sector", "Отрасль"),
    ("segment_tags", "Сегменты"),
    ("source_channel", "Источник"),
    ("source_campaign", "Кампания"),
    ("temperature", "Температура"),
    ("relationship_type", "Тип отношений"),
    ("responsible", "Ответственный"),
    ("contacts", "Контактные лица"),
    ("phones", "Телефоны"),
    ("emails", "E-mail"),
    ("created_at", "Создан"),
    ("updated_at", "Изменён"),
]


def export_row(view: ClientView, custom_keys: list[str], names: dict[UUID, str]) -> list[object]:
    c = view.client
    custom = [c.custom_fields.get(k) for k in custom_keys]
    return [
        c.id,
        c.kind,
        c.name,
        c.legal_name,
        c.inn,
        c.kpp,
        c.ogrn,
        c.edrpou,
        c.sector,
        c.segment_tags,
        c.source_channel,
        c.source_campaign,
        c.temperature,
        c.relationship_type,
        names.get(c.responsible_id, str(c.responsible_id)),
        [x.full_name for x in view.contacts],
        [p.e164 for x in view.contacts for p in x.phones],
        [e for x in view.contacts for e in x.emails],
        c.created_at,
        c.updated_at,
        *(f"{v['amount']} {v['currency']}" if isinstance(v, dict) else v for v in custom),
    ]


@router.get("/duplicates", response_model=DuplicatePage, responses=problems(401, 403, 422))
async def list_client_duplicates(
    principal: CurrentPrincipal,
    service: ClientServiceDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> DuplicatePage:
    """Pairs of visible clients sharing a phone, an e-mail, a tax id, or a similar name."""
    after = decode_cursor(cursor, ident, ident)
    pairs = await service.duplicates(principal, limit=limit + 1, after=after)
    last = pairs[limit - 1] if len(pairs) > limit else None
    return DuplicatePage(
        items=[DuplicatePairRead.of(p) for p in pairs[:limit]],
        next_cursor=encode_cursor(last.first_id, last.second_id) if last else None,
    )


@router.post(
    "/duplicates/rescan",
    response_model=JobRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses=problems(401, 403),
)
async def rescan_client_duplicates(
    principal: CurrentPrincipal, service: ClientServiceDep
) -> JobRead:
    """Rebuilds the organisation's duplicate pairs in the background (after a bulk load); the
    returned job (GET /jobs/{id}) reports its progress. Needs organisation:manage."""
    return JobRead.model_validate(await service.start_duplicate_rescan(principal))


@router.get(
    "/{client_id}", response_model=ClientRead, responses={**problems(401, 403), **MERGED_404}
)
async def get_client(
    client_id: UUID,
    principal: CurrentPrincipal,
    service: ClientServiceDep,
    response: Response,
) -> ClientRead:
    view = await service.get(principal, client_id)
    set_etag(response, view.client.version)
    return ClientRead.of(view)


@router.patch(
    "/{client_id}",
    response_model=ClientRead,
    responses={**problems(401, 403, 404, 412, 422), **DUPLICATE_409},
)
async def update_client(
    client_id: UUID,
    body: ClientUpdate,
    principal: CurrentPrincipal,
    service: ClientServiceDep,
    response: Response,
    if_match: IfMatch = None,
    force: Force = False,
) -> ClientRead:
    """Changes only the fields sent. A new name or tax id is checked for duplicates."""
    view = await service.update(
        principal,
        client_id,
        body.to_command(),
        expected_version=expected_version(if_match),
        confirm_duplicate=body.confirm_duplicate or force,
    )
    set_etag(response, view.client.version)
    return ClientRead.of(view)


@router.get(
    "/{client_id}/merge-preview",
    response_model=MergePreviewRead,
    responses={**problems(401, 403, 422), **MERGED_404},
)
async def preview_client_merge(
    client_id: UUID,
    other_id: UUID,
    principal: CurrentPrincipal,
    service: ClientServiceDep,
) -> MergePreviewRead:
    """What POST /clients/{client_id}/merge with this other_id would do: both clients, how
    many contacts, deals, tasks, activities, comments and attachments move, and which empty
    fields of the survivor the other's values fill. Changes nothing."""
    return MergePreviewRead.of(await service.merge_preview(principal, client_id, other_id))


@router.post(
    "/{client_id}/merge", response_model=ClientRead, responses=problems(401, 403, 404, 412, 422)
)
async def merge_clients(
    client_id: UUID,
    body: MergeRequest,
    principal: CurrentPrincipal,
    service: ClientServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> ClientRead:
    """Absorb other_id into this client (the survivor): contacts, deals, tasks, activities,
    comments, attachments and relationship history move; empty fields are filled from the
    other; the survivor's responsible stays. The other then answers 404 with merged_into_id."""
    view = await service.merge(
        principal, client_id, body.other_id, expected_version=expected_version(if_match)
    )
    set_etag(response, view.client.version)
    return ClientRead.of(view)


@router.post(
    "/{client_id}/inbound-requests",
    response_model=ClientRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 404, 422),
)
async def record_inbound_request(
    client_id: UUID,
    body: InboundRequestCreate,
    principal: CurrentPrincipal,
    service: ClientServiceDep,
    response: Response,
) -> ClientRead:
    """Record an inbound request (a call, form or letter) by hand; a cold client becomes
    potential."""
    view = await service.record_inbound_request(principal, client_id, channel=body.channel)
    set_etag(response, view.client.version)
    return ClientRead.of(view)


@router.get(
    "/{client_id}/relationship-history",
    response_model=RelationshipTransitionPage,
    responses=problems(401, 403, 404, 422),
)
async def list_relationship_history(
    client_id: UUID,
    principal: CurrentPrincipal,
    service: ClientServiceDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> RelationshipTransitionPage:
    """Relationship type changes, newest first."""
    items = await service.relationship_history(
        principal, client_id, limit=limit + 1, after=decode_time_id_cursor(cursor)
    )
    last = items[limit - 1] if len(items) > limit else None
    return RelationshipTransitionPage(
        items=[RelationshipTransitionRead.of(t) for t in items[:limit]],
        next_cursor=encode_cursor(last.at, last.id) if last else None,
    )


@follow_ups_router.get("", response_model=list[FollowUpRead], responses=problems(401, 403))
async def list_relationship_follow_ups(
    principal: CurrentPrincipal, service: FollowUpServiceDep
) -> list[FollowUpRead]:
    """Tasks created for the responsible when a client enters a relationship type."""
    return [FollowUpRead.of(f) for f in await service.list(principal)]


@follow_ups_router.post(
    "",
    response_model=FollowUpRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 422),
)
async def create_relationship_follow_up(
    body: FollowUpCreate,
    principal: CurrentPrincipal,
    service: FollowUpServiceDep,
    response: Response,
) -> FollowUpRead:
    follow_up = await service.create(principal, body.to_command())
    set_etag(response, follow_up.version)
    return FollowUpRead.of(follow_up)


@follow_ups_router.patch(
    "/{follow_up_id}", response_model=FollowUpRead, responses=problems(401, 403, 404, 412, 422)
)
async def update_relationship_follow_up(
    follow_up_id: UUID,
    body: FollowUpUpdate,
    principal: CurrentPrincipal,
    service: FollowUpServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> FollowUpRead:
    follow_up = await service.update(
        principal, follow_up_id, body.to_command(), expected_version=expected_version(if_match)
    )
    set_etag(response, follow_up.version)
    return FollowUpRead.of(follow_up)


@follow_ups_router.delete(
    "/{follow_up_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(401, 403, 404, 412),
)
async def delete_relationship_follow_up(
    follow_up_id: UUID,
    principal: CurrentPrincipal,
    service: FollowUpServiceDep,
    if_match: IfMatch = None,
) -> Response:
    await service.delete(principal, follow_up_id, expected_version=expected_version(if_match))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
