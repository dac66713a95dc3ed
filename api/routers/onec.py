"""1C:Enterprise exchange: the endpoint 1C calls (its own protocol, text answers, HTTP Basic at
checkauth then the session cookie), the integrations' settings and the exchange log
(administrators), and the products 1C sent."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from api.deps import CurrentPrincipal, NoStore, OnecExchangeDep, OnecServiceDep
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.pagination import (
    Cursor,
    Limit,
    decode_cursor,
    decode_time_id_cursor,
    encode_cursor,
    ident,
    text,
)
from api.schemas.base import Name
from api.schemas.onec import (
    OnecExchangeDetail,
    OnecExchangeFileRead,
    OnecExchangePage,
    OnecExchangeRead,
    OnecIntegrationCreate,
    OnecIntegrationPage,
    OnecIntegrationRead,
    OnecIntegrationUpdate,
    OnecIntegrationWithPassword,
    ProductPage,
    ProductRead,
)
from domain.onec.model import COOKIE_NAME, ExchangeRefused, ExchangeType

router = APIRouter(prefix="/onec", tags=["onec"])
public_router = APIRouter(prefix="/onec", tags=["onec"])

Param = Annotated[str | None, Query(max_length=100)]
FileName = Annotated[str | None, Query(max_length=500)]
_TEXT: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/plain": {}, "application/xml": {}}}
}
_FILE_BODY = {
    "requestBody": {
        "required": False,
        "description": "mode=file: a chunk of the named file (a zip when init answered "
        "zip=yes); chunks of one name are appended in order",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _plain(body: str) -> Response:
    return Response(body, media_type="text/plain; charset=utf-8")


def _basic(request: Request) -> tuple[str | None, str | None]:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value or len(value) > 1000:
        return None, None
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None, None
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = raw.decode("cp1251", errors="replace")
    login, sep, password = decoded.partition(":")
    return (login, password) if sep else (None, None)


async def _exchange(
    integration_id: UUID,
    request: Request,
    exchange: OnecExchangeDep,
    type_: str | None,
    mode: str | None,
    filename: str | None,
    sessid: str | None,
) -> Response:
    try:
        try:
            kind = ExchangeType((type_ or "").lower())
        except ValueError:
            raise ExchangeRefused(f"unknown type {type_!r}: catalog or sale") from None
        mode = (mode or "").lower()
        token = request.cookies.get(COOKIE_NAME)
        if mode == "checkauth":
            login, password = _basic(request)
            session = await exchange.checkauth(integration_id, kind, login=login, password=password)
            started = int(session.exchange.started_at.timestamp())
            response = _plain(
                f"success\n{COOKIE_NAME}\n{session.token}\n"
                f"sessid={session.exchange.id}\ntimestamp={started}\n"
            )
            response.set_cookie(
                COOKIE_NAME,
                session.token,
                path=f"/api/v1/onec/{integration_id}",
                httponly=True,
                samesite="strict",
            )
            return response
        if mode == "init":
            limit = await exchange.init(integration_id, kind, token=token, sessid=sessid)
            return _plain(f"zip=yes\nfile_limit={limit}\n")
        if mode == "file":
            body = await request.body()
            await exchange.receive_file(
                integration_id, kind, token=token, sessid=sessid, filename=filename, body=body
            )
            return _plain("success\n")
        if mode == "import":
            answer = await exchange.import_file(
                integration_id, kind, token=token, sessid=sessid, filename=filename
            )
            return _plain("success\n" if answer.done else f"progress\n{answer.progress}\n")
        if kind is ExchangeType.SALE and mode == "query":
            document = await exchange.sale_query(integration_id, token=token, sessid=sessid)
            return Response(document, media_type="application/xml; charset=utf-8")
        if kind is ExchangeType.SALE and mode == "success":
            await exchange.sale_success(integration_id, token=token, sessid=sessid)
            return _plain("success\n")
        if mode in ("complete", "deactivate"):
            return _plain("success\n")
        raise ExchangeRefused(f"unknown mode {mode!r}")
    except ExchangeRefused as refused:
        return _plain(f"failure\n{refused.reason}\n")


@public_router.get(
    "/{integration_id}/exchange",
    response_class=Response,
    responses={**_TEXT, **problems(404, 422)},
)
async def exchange_with_onec(
    integration_id: UUID,
    request: Request,
    exchange: OnecExchangeDep,
    type: Param = None,
    mode: Param = None,
    filename: FileName = None,
    sessid: Param = None,
) -> Response:
    """The address 1C:Enterprise exchanges with (``type=catalog|sale``, ``mode=checkauth``
    with HTTP Basic, then ``init``, ``file``, ``import``, ``query``, ``success``) answered in
    its own text protocol: ``success``, ``progress`` or ``failure`` and a reason."""
    return await _exchange(integration_id, request, exchange, type, mode, filename, sessid)


@public_router.post(
    "/{integration_id}/exchange",
    response_class=Response,
    responses={**_TEXT, **problems(404, 413, 422)},
    openapi_extra=_FILE_BODY,
)
async def post_exchange_with_onec(
    integration_id: UUID,
    request: Request,
    exchange: OnecExchangeDep,
    type: Param = None,
    mode: Param = None,
    filename: FileName = None,
    sessid: Param = None,
) -> Response:
    """The same, as 1C posts it (``mode=file`` carries a chunk of the file in the body)."""
    return await _exchange(integration_id, request, exchange, type, mode, filename, sessid)


# --- integrations, the exchange log, products ----------------------------------------------


@router.get("/integrations", response_model=OnecIntegrationPage, responses=problems(401, 403, 422))
async def list_onec_integrations(
    principal: CurrentPrincipal, onec: OnecServiceDep, limit: Limit = 50, cursor: Cursor = None
) -> OnecIntegrationPage:
    """The organisation's 1C integrations, newest first; never their passwords."""
    found = await onec.list(principal, limit=limit + 1, after=decode_time_id_cursor(cursor))
    last = found[limit - 1] if len(found) > limit else None
    return OnecIntegrationPage(
        items=[OnecIntegrationRead.of(i) for i in found[:limit]],
        next_cursor=encode_cursor(last.created_at.isoformat(), last.id)
        if last and last.created_at
        else None,
    )


@router.post(
    "/integrations",
    response_model=OnecIntegrationWithPassword,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 422),
    dependencies=[NoStore],
)
async def create_onec_integration(
    body: OnecIntegrationCreate,
    principal: CurrentPrincipal,
    onec: OnecServiceDep,
    response: Response,
) -> OnecIntegrationWithPassword:
    """A new integration. Its password (chosen or generated) is in this answer only."""
    integration, password = await onec.create(principal, body.values())
    set_etag(response, integration.version)
    return OnecIntegrationWithPassword(
        **OnecIntegrationRead.of(integration).model_dump(), password=password
    )


@router.get(
    "/integrations/{integration_id}",
    response_model=OnecIntegrationRead,
    responses=problems(401, 403, 404),
)
async def get_onec_integration(
    integration_id: UUID, principal: CurrentPrincipal, onec: OnecServiceDep, response: Response
) -> OnecIntegrationRead:
    integration = await onec.get(principal, integration_id)
    set_etag(response, integration.version)
    return OnecIntegrationRead.of(integration)


@router.patch(
    "/integrations/{integration_id}",
    response_model=OnecIntegrationWithPassword,
    responses=problems(401, 403, 404, 412, 422),
    dependencies=[NoStore],
)
async def update_onec_integration(
    integration_id: UUID,
    body: OnecIntegrationUpdate,
    principal: CurrentPrincipal,
    onec: OnecServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> OnecIntegrationWithPassword:
    """Change the settings; ``rotate_password`` (or a ``password``) sets a new password,
    answered this once (``password`` is null otherwise)."""
    integration, password = await onec.update(
        principal, integration_id, body.values(), expected_version=expected_version(if_match)
    )
    set_etag(response, integration.version)
    return OnecIntegrationWithPassword(
        **OnecIntegrationRead.of(integration).model_dump(), password=password
    )


@router.delete(
    "/integrations/{integration_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(401, 403, 404),
)
async def delete_onec_integration(
    integration_id: UUID, principal: CurrentPrincipal, onec: OnecServiceDep
) -> None:
    """The integration goes with its exchange log; the products stay."""
    await onec.delete(principal, integration_id)


@router.get("/exchanges", response_model=OnecExchangePage, responses=problems(401, 403, 422))
async def list_onec_exchanges(
    principal: CurrentPrincipal,
    onec: OnecServiceDep,
    integration_id: UUID | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> OnecExchangePage:
    """The exchange log, newest first: status, progress, counts and errors of each."""
    found = await onec.exchanges(
        principal,
        integration_id=integration_id,
        limit=limit + 1,
        after=decode_time_id_cursor(cursor),
    )
    last = found[limit - 1] if len(found) > limit else None
    return OnecExchangePage(
        items=[OnecExchangeRead.of(e) for e in found[:limit]],
        next_cursor=encode_cursor(last.started_at.isoformat(), last.id) if last else None,
    )


@router.get(
    "/exchanges/{exchange_id}",
    response_model=OnecExchangeDetail,
    responses=problems(401, 403, 404),
)
async def get_onec_exchange(
    exchange_id: UUID, principal: CurrentPrincipal, onec: OnecServiceDep
) -> OnecExchangeDetail:
    """One exchange with its files."""
    detail = await onec.exchange(principal, exchange_id)
    return OnecExchangeDetail(
        **OnecExchangeRead.of(detail.exchange).model_dump(),
        files=[OnecExchangeFileRead.of(f) for f in detail.files],
    )


@router.get("/products", response_model=ProductPage, responses=problems(401, 403, 422))
async def list_products(
    principal: CurrentPrincipal,
    onec: OnecServiceDep,
    search: Annotated[Name | None, Query(min_length=1, max_length=100)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ProductPage:
    """The catalogue (from 1C), by name; ``search`` in the name, article or barcode."""
    found = await onec.products(
        principal,
        search=search,
        limit=limit + 1,
        after=decode_cursor(cursor, text, ident),
    )
    last = found[limit - 1] if len(found) > limit else None
    return ProductPage(
        items=[ProductRead.of(p) for p in found[:limit]],
        next_cursor=encode_cursor(last.name, last.id) if last else None,
    )
