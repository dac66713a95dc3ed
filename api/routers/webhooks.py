"""Outgoing webhooks: endpoints, their delivery log, redelivery and test events (admins)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response, status

from api.deps import CurrentPrincipal, NoStore, WebhookServiceDep
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.pagination import Cursor, Limit, decode_time_id_cursor, encode_cursor
from api.schemas.webhooks import (
    WebhookDeliveryPage,
    WebhookDeliveryRead,
    WebhookEndpointCreate,
    WebhookEndpointCreated,
    WebhookEndpointPage,
    WebhookEndpointRead,
    WebhookEndpointUpdate,
)
from domain.shared.events import EVENT_TYPES
from domain.webhooks.model import ALL_EVENTS

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


@router.get("/event-types", response_model=list[str], responses=problems(401))
async def list_webhook_event_types(principal: CurrentPrincipal) -> list[str]:
    """Every event name an endpoint can subscribe to; "*" subscribes to all of them."""
    return [ALL_EVENTS, *sorted(EVENT_TYPES)]


@router.get("", response_model=WebhookEndpointPage, responses=problems(401, 403, 422))
async def list_webhook_endpoints(
    principal: CurrentPrincipal,
    webhooks: WebhookServiceDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> WebhookEndpointPage:
    """The organisation's endpoints, newest first; never their secrets."""
    found = await webhooks.list(principal, limit=limit + 1, after=decode_time_id_cursor(cursor))
    last = found[limit - 1] if len(found) > limit else None
    return WebhookEndpointPage(
        items=[WebhookEndpointRead.of(e) for e in found[:limit]],
        next_cursor=encode_cursor(last.created_at.isoformat(), last.id)
        if last and last.created_at
        else None,
    )


@router.post(
    "",
    response_model=WebhookEndpointCreated,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 422),
    dependencies=[NoStore],
)
async def create_webhook_endpoint(
    body: WebhookEndpointCreate,
    principal: CurrentPrincipal,
    webhooks: WebhookServiceDep,
    response: Response,
) -> WebhookEndpointCreated:
    """A new endpoint. Its signing secret is in this answer only."""
    created = await webhooks.create(principal, **body.model_dump())
    set_etag(response, created.endpoint.version)
    read = WebhookEndpointRead.of(created.endpoint)
    return WebhookEndpointCreated(**read.model_dump(), secret=created.secret)


@router.get("/{endpoint_id}", response_model=WebhookEndpointRead, responses=problems(401, 403, 404))
async def get_webhook_endpoint(
    endpoint_id: UUID, principal: CurrentPrincipal, webhooks: WebhookServiceDep, response: Response
) -> WebhookEndpointRead:
    endpoint = await webhooks.get(principal, endpoint_id)
    set_etag(response, endpoint.version)
    return WebhookEndpointRead.of(endpoint)


@router.patch(
    "/{endpoint_id}",
    response_model=WebhookEndpointRead,
    responses=problems(401, 403, 404, 412, 422),
)
async def update_webhook_endpoint(
    endpoint_id: UUID,
    body: WebhookEndpointUpdate,
    principal: CurrentPrincipal,
    webhooks: WebhookServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> WebhookEndpointRead:
    """Change the URL, events, description or active flag."""
    endpoint = await webhooks.update(
        principal,
        endpoint_id,
        expected_version=expected_version(if_match),
        **body.model_dump(exclude_unset=True),
    )
    set_etag(response, endpoint.version)
    return WebhookEndpointRead.of(endpoint)


@router.delete(
    "/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problems(401, 403, 404)
)
async def delete_webhook_endpoint(
    endpoint_id: UUID, principal: CurrentPrincipal, webhooks: WebhookServiceDep
) -> None:
    """The endpoint and its delivery log; nothing more is sent to it."""
    await webhooks.delete(principal, endpoint_id)


@router.post(
    "/{endpoint_id}/rotate-secret",
    response_model=WebhookEndpointCreated,
    responses=problems(401, 403, 404, 412),
    dependencies=[NoStore],
)
async def rotate_webhook_secret(
    endpoint_id: UUID,
    principal: CurrentPrincipal,
    webhooks: WebhookServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> WebhookEndpointCreated:
    """A new signing secret, used from the next attempt on; shown only in this answer."""
    rotated = await webhooks.rotate_secret(
        principal, endpoint_id, expected_version=expected_version(if_match)
    )
    set_etag(response, rotated.endpoint.version)
    read = WebhookEndpointRead.of(rotated.endpoint)
    return WebhookEndpointCreated(**read.model_dump(), secret=rotated.secret)


@router.get(
    "/{endpoint_id}/deliveries",
    response_model=WebhookDeliveryPage,
    responses=problems(401, 403, 404, 422),
)
async def list_webhook_deliveries(
    endpoint_id: UUID,
    principal: CurrentPrincipal,
    webhooks: WebhookServiceDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> WebhookDeliveryPage:
    """The delivery log, newest first, each delivery with all its attempts."""
    found = await webhooks.deliveries(
        principal, endpoint_id, limit=limit + 1, after=decode_time_id_cursor(cursor)
    )
    last = found[limit - 1] if len(found) > limit else None
    return WebhookDeliveryPage(
        items=[WebhookDeliveryRead.of(d) for d in found[:limit]],
        next_cursor=encode_cursor(last.created_at.isoformat(), last.id)
        if last and last.created_at
        else None,
    )


@router.post(
    "/{endpoint_id}/deliveries/{delivery_id}/redeliver",
    response_model=WebhookDeliveryRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses=problems(401, 403, 404, 409),
)
async def redeliver_webhook(
    endpoint_id: UUID, delivery_id: UUID, principal: CurrentPrincipal, webhooks: WebhookServiceDep
) -> WebhookDeliveryRead:
    """One more attempt with the same body and webhook-id, sent by a worker shortly."""
    delivery = await webhooks.redeliver(principal, endpoint_id, delivery_id)
    return WebhookDeliveryRead.of(delivery)


@router.post(
    "/{endpoint_id}/test",
    response_model=WebhookDeliveryRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses=problems(401, 403, 404, 409),
)
async def send_webhook_test(
    endpoint_id: UUID, principal: CurrentPrincipal, webhooks: WebhookServiceDep
) -> WebhookDeliveryRead:
    """A webhook.test event to this endpoint, delivered (and logged) like any other."""
    delivery = await webhooks.send_test(principal, endpoint_id)
    return WebhookDeliveryRead.of(delivery)
