"""Contacts of clients: at /contacts, and nested under /clients/{id}/contacts."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from api.deps import ContactServiceDep, CurrentPrincipal
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.pagination import Cursor, Limit, decode_cursor, encode_cursor, ident, text
from api.routers.clients import DUPLICATE_409, Force, Region
from api.schemas.base import Name
from api.schemas.contacts import ContactCreate, ContactPage, ContactRead, ContactUpdate
from domain.auth.principal import Principal
from domain.clients.model import Contact
from domain.clients.services.contacts import ContactService
from domain.shared.errors import InvalidInput

router = APIRouter(tags=["contacts"])


def _page(contacts: list[Contact], limit: int) -> ContactPage:
    last = contacts[limit - 1] if len(contacts) > limit else None
    return ContactPage(
        items=[ContactRead.of(c) for c in contacts[:limit]],
        next_cursor=encode_cursor(last.full_name, last.id) if last else None,
    )


def _after(cursor: str | None) -> tuple[str, UUID] | None:
    return decode_cursor(cursor, text, ident)


@router.get("/contacts", response_model=ContactPage, responses=problems(401, 403, 404, 422))
async def list_contacts(
    principal: CurrentPrincipal,
    service: ContactServiceDep,
    client_id: UUID | None = None,
    q: Annotated[
        Name | None, Query(max_length=200, description="Part of a name, phone digits or e-mail")
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ContactPage:
    """Contacts of the clients you may see, by name."""
    contacts = await service.list(
        principal, client_id=client_id, search=q, limit=limit + 1, after=_after(cursor)
    )
    return _page(list(contacts), limit)


@router.get(
    "/clients/{client_id}/contacts",
    response_model=ContactPage,
    responses=problems(401, 403, 404, 422),
)
async def list_client_contacts(
    client_id: UUID,
    principal: CurrentPrincipal,
    service: ContactServiceDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ContactPage:
    contacts = await service.list(
        principal, client_id=client_id, limit=limit + 1, after=_after(cursor)
    )
    return _page(list(contacts), limit)


@router.post(
    "/contacts",
    response_model=ContactRead,
    status_code=status.HTTP_201_CREATED,
    responses={**problems(401, 403, 404, 422), **DUPLICATE_409},
)
async def create_contact(
    body: ContactCreate,
    principal: CurrentPrincipal,
    service: ContactServiceDep,
    response: Response,
    force: Force = False,
    region: Region = None,
) -> ContactRead:
    """A contact of the client named by client_id. Phones are stored in E.164; a phone or
    e-mail already on file answers 409 with the contacts that have it."""
    if body.client_id is None:
        raise InvalidInput("client_id", "is required")
    return await _create(body, body.client_id, principal, service, response, force, region)


@router.post(
    "/clients/{client_id}/contacts",
    response_model=ContactRead,
    status_code=status.HTTP_201_CREATED,
    responses={**problems(401, 403, 404, 422), **DUPLICATE_409},
)
async def create_client_contact(
    client_id: UUID,
    body: ContactCreate,
    principal: CurrentPrincipal,
    service: ContactServiceDep,
    response: Response,
    force: Force = False,
    region: Region = None,
) -> ContactRead:
    if body.client_id not in (None, client_id):
        raise InvalidInput("client_id", "differs from the client in the path")
    return await _create(body, client_id, principal, service, response, force, region)


async def _create(
    body: ContactCreate,
    client_id: UUID,
    principal: Principal,
    service: ContactService,
    response: Response,
    force: bool,
    region: str | None,
) -> ContactRead:
    contact = await service.create(
        principal,
        client_id,
        body.to_command(),
        confirm_duplicate=body.confirm_duplicate or force,
        region=region,
    )
    set_etag(response, contact.version)
    return ContactRead.of(contact)


@router.get("/contacts/{contact_id}", response_model=ContactRead, responses=problems(401, 403, 404))
async def get_contact(
    contact_id: UUID,
    principal: CurrentPrincipal,
    service: ContactServiceDep,
    response: Response,
) -> ContactRead:
    contact = await service.get(principal, contact_id)
    set_etag(response, contact.version)
    return ContactRead.of(contact)


@router.patch(
    "/contacts/{contact_id}",
    response_model=ContactRead,
    responses={**problems(401, 403, 404, 412, 422), **DUPLICATE_409},
)
async def update_contact(
    contact_id: UUID,
    body: ContactUpdate,
    principal: CurrentPrincipal,
    service: ContactServiceDep,
    response: Response,
    if_match: IfMatch = None,
    force: Force = False,
    region: Region = None,
) -> ContactRead:
    """Changes only the fields sent; phones, e-mails and messengers are replaced as a whole.
    New phones and e-mails are checked for duplicates."""
    contact = await service.update(
        principal,
        contact_id,
        body.to_command(),
        expected_version=expected_version(if_match),
        confirm_duplicate=body.confirm_duplicate or force,
        region=region,
    )
    set_etag(response, contact.version)
    return ContactRead.of(contact)


@router.delete(
    "/contacts/{contact_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(401, 403, 404, 412),
)
async def delete_contact(
    contact_id: UUID,
    principal: CurrentPrincipal,
    service: ContactServiceDep,
    if_match: IfMatch = None,
) -> Response:
    await service.delete(principal, contact_id, expected_version=expected_version(if_match))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
