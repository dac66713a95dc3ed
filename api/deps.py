"""Dependency wiring: the container, units of work, services and the authenticated caller,
as Annotated aliases the routers use."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from adapters.bootstrap import Container
from domain.activities.ports import NotificationFeed
from domain.auth.loading import load_principal
from domain.auth.principal import Principal
from domain.auth.services import ApiKeyService, AuthService
from domain.platform.ports import UnitOfWork
from domain.shared.errors import Unauthenticated
from domain.webhooks.services import WebhookService


def get_container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


def get_uow(container: ContainerDep) -> UnitOfWork:
    return container.uow()


UowDep = Annotated[UnitOfWork, Depends(get_uow)]


def get_auth_service(container: ContainerDep) -> AuthService:
    return container.auth_service()


AuthServiceDep = Annotated[AuthService, Depends(get_auth_service)]


def get_api_key_service(container: ContainerDep) -> ApiKeyService:
    return container.api_key_service()


ApiKeyServiceDep = Annotated[ApiKeyService, Depends(get_api_key_service)]

_bearer = HTTPBearer(auto_error=False, description="Access token from /api/v1/auth/login")
_api_key = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="An integration key from /api/v1/api-keys"
)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


ClientIp = Annotated[str, Depends(client_ip)]


async def get_principal(
    container: ContainerDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    api_key: Annotated[str | None, Security(_api_key)],
) -> Principal:
    if bearer is not None:
        claims = container.access_tokens.decode(bearer.credentials)
        async with container.uow() as uow:
            return await load_principal(uow, claims.user_id, claims.organisation_id)
    if api_key is not None:
        return await container.api_key_service().authenticate(api_key)
    raise Unauthenticated("Sign in, or send an API key")


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def get_notification_feed(container: ContainerDep) -> NotificationFeed:
    return container.notification_feed()


NotificationFeedDep = Annotated[NotificationFeed, Depends(get_notification_feed)]


async def get_stream_principal(
    container: ContainerDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    access_token: Annotated[
        str | None,
        Query(description="The access token, for clients that cannot send headers (EventSource)"),
    ] = None,
) -> Principal:
    """A signed-in user, from the Bearer header or the ``access_token`` query parameter
    (browsers' EventSource cannot send headers)."""
    token = bearer.credentials if bearer is not None else access_token
    if token is None:
        raise Unauthenticated("Sign in: send a Bearer token or an access_token parameter")
    claims = container.access_tokens.decode(token)
    async with container.uow() as uow:
        return await load_principal(uow, claims.user_id, claims.organisation_id)


StreamPrincipal = Annotated[Principal, Depends(get_stream_principal)]


def get_webhook_service(uow: UowDep, container: ContainerDep) -> WebhookService:
    return container.webhook_service(uow)


WebhookServiceDep = Annotated[WebhookService, Depends(get_webhook_service)]
