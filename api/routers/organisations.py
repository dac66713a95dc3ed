from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import CurrentPrincipal, OrganisationServiceDep
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.schemas.organisations import OrganisationRead, OrganisationUpdate

router = APIRouter(prefix="/organisation", tags=["organisations"])


@router.get("", response_model=OrganisationRead, responses=problems(401, 404))
async def get_organisation(
    principal: CurrentPrincipal, service: OrganisationServiceDep, response: Response
) -> OrganisationRead:
    """The caller's organisation and its settings."""
    organisation = await service.get(principal)
    set_etag(response, organisation.version)
    return OrganisationRead.model_validate(organisation)


@router.patch("", response_model=OrganisationRead, responses=problems(401, 403, 404, 412, 422))
async def update_organisation(
    body: OrganisationUpdate,
    principal: CurrentPrincipal,
    service: OrganisationServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> OrganisationRead:
    """Name, currency (ISO 4217), time zone and what counts towards plan fulfilment."""
    organisation = await service.update(
        principal,
        **body.model_dump(exclude_unset=True),
        expected_version=expected_version(if_match),
    )
    set_etag(response, organisation.version)
    return OrganisationRead.model_validate(organisation)
