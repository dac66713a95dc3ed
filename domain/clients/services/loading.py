"""Loading shared by the clients use cases: a client the caller may see, and the phone region
of the caller's organisation."""

from __future__ import annotations

from uuid import UUID

from domain.auth.principal import Principal
from domain.clients.errors import ClientMerged
from domain.clients.model import Client, phone_region
from domain.platform.ports import UnitOfWork
from domain.shared.errors import NotFound
from domain.staff.permissions import Resource


async def load_client(
    uow: UnitOfWork, principal: Principal, client_id: UUID, *, for_update: bool = False
) -> Client:
    """A client the caller may see; 404 otherwise, naming the survivor of a merge."""
    client = await uow.clients.get(
        principal.scope_for(Resource.CLIENTS), client_id, for_update=for_update
    )
    if client is None:
        raise NotFound("Client", client_id)
    if client.merged_into_id is not None:
        raise ClientMerged(client_id, client.merged_into_id)
    return client


async def phone_region_for(uow: UnitOfWork, principal: Principal, requested: str | None) -> str:
    organisation = await uow.organisations.get(principal.organisation_id)
    return phone_region(organisation.currency if organisation else None, requested)
