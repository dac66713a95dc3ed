"""Dependency wiring: the container, units of work, services and the authenticated caller,
as Annotated aliases the routers use."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from adapters.bootstrap import Container
from domain.auth.principal import Principal
from domain.auth.services import AuthService
from domain.platform.ports import UnitOfWork
from domain.shared.errors import Unauthenticated
from domain.staff.services import load_principal

API_KEY_PREFIX = "crm"


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

_bearer = HTTPBearer(auto_error=False, description="Access token from /api/v1/auth/login")
_api_key = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="An integration key from /api/v1/api-keys"
)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


ClientIp = Annotated[str, Depends(client_ip)]


def split_api_key(raw: str) -> tuple[str, str] | None:
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


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
        return await _principal_from_api_key(container, api_key)
    raise Unauthenticated("Sign in, or send an API key")


async def _principal_from_api_key(container: Container, raw: str) -> Principal:
    parts = split_api_key(raw)
    if parts is None:
        raise Unauthenticated("Invalid API key")
    prefix, _ = parts
    now = container.clock.now()
    async with container.uow() as uow:
        key = await uow.api_keys.get_by_prefix(prefix)
        if (
            key is None
            or not key.is_usable(now)
            or not hmac.compare_digest(key.key_hash, container.secrets.digest(raw.strip()))
        ):
            raise Unauthenticated("Invalid, expired or revoked API key")
        key.last_used_at = now
        await uow.api_keys.save(key)
        await uow.commit()
    return Principal(
        organisation_id=key.organisation_id,
        user_id=None,
        permissions=key.permissions,
        api_key_id=key.id,
    )


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]
