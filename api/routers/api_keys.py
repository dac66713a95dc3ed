from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, status

from api.deps import ApiKeyServiceDep, CurrentPrincipal, NoStore
from api.errors import problems
from api.schemas.api_keys import ApiKeyCreate, ApiKeyCreated, ApiKeyRead

router = APIRouter(prefix="/api-keys", tags=["api-keys"])


@router.get("", response_model=list[ApiKeyRead], responses=problems(401, 403))
async def list_api_keys(principal: CurrentPrincipal, keys: ApiKeyServiceDep) -> list[ApiKeyRead]:
    """The organisation's integration keys, revoked ones included; never their secrets."""
    return [ApiKeyRead.of(k) for k in await keys.list(principal)]


@router.post(
    "",
    response_model=ApiKeyCreated,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 422),
    dependencies=[NoStore],
)
async def create_api_key(
    body: ApiKeyCreate, principal: CurrentPrincipal, keys: ApiKeyServiceDep
) -> ApiKeyCreated:
    """Issue a key carrying some of your permissions. The key is in this answer only."""
    issued = await keys.create(principal, **body.model_dump())
    return ApiKeyCreated(**ApiKeyRead.of(issued.key).model_dump(), key=issued.plaintext)


@router.delete(
    "/{key_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problems(401, 403, 404)
)
async def revoke_api_key(key_id: UUID, principal: CurrentPrincipal, keys: ApiKeyServiceDep) -> None:
    """Revoke a key: it stops working at once. Revoking twice is harmless."""
    await keys.revoke(principal, key_id)
