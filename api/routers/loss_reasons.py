from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from api.deps import CurrentPrincipal, LossReasonServiceDep
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.schemas.loss_reasons import (
    LossReasonCreate,
    LossReasonOrder,
    LossReasonRead,
    LossReasonUpdate,
)

router = APIRouter(prefix="/loss-reasons", tags=["funnels"])


@router.get("", response_model=list[LossReasonRead], responses=problems(401, 403))
async def list_loss_reasons(
    principal: CurrentPrincipal,
    service: LossReasonServiceDep,
    include_inactive: Annotated[bool, Query(description="Deactivated reasons too")] = False,
) -> list[LossReasonRead]:
    """The reasons a deal can be lost for, in display order."""
    reasons = await service.list(principal, include_inactive=include_inactive)
    return [LossReasonRead.model_validate(r) for r in reasons]


@router.post(
    "",
    response_model=LossReasonRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 422),
)
async def create_loss_reason(
    body: LossReasonCreate,
    principal: CurrentPrincipal,
    service: LossReasonServiceDep,
    response: Response,
) -> LossReasonRead:
    reason = await service.create(principal, body.to_command())
    set_etag(response, reason.version)
    return LossReasonRead.model_validate(reason)


@router.post(
    "/reorder", response_model=list[LossReasonRead], responses=problems(401, 403, 412, 422)
)
async def reorder_loss_reasons(
    body: LossReasonOrder, principal: CurrentPrincipal, service: LossReasonServiceDep
) -> list[LossReasonRead]:
    """Sets the order reasons are offered in; answers with every reason in that order."""
    reasons = await service.reorder(principal, body.reason_ids)
    return [LossReasonRead.model_validate(r) for r in reasons]


@router.get("/{reason_id}", response_model=LossReasonRead, responses=problems(401, 403, 404))
async def get_loss_reason(
    reason_id: UUID,
    principal: CurrentPrincipal,
    service: LossReasonServiceDep,
    response: Response,
) -> LossReasonRead:
    reason = await service.get(principal, reason_id)
    set_etag(response, reason.version)
    return LossReasonRead.model_validate(reason)


@router.patch(
    "/{reason_id}", response_model=LossReasonRead, responses=problems(401, 403, 404, 412, 422)
)
async def update_loss_reason(
    reason_id: UUID,
    body: LossReasonUpdate,
    principal: CurrentPrincipal,
    service: LossReasonServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> LossReasonRead:
    """Rename, reorder, deactivate or reactivate a reason."""
    reason = await service.update(
        principal, reason_id, body.to_command(), expected_version=expected_version(if_match)
    )
    set_etag(response, reason.version)
    return LossReasonRead.model_validate(reason)


@router.delete(
    "/{reason_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(401, 403, 404, 412),
)
async def delete_loss_reason(
    reason_id: UUID,
    principal: CurrentPrincipal,
    service: LossReasonServiceDep,
    if_match: IfMatch = None,
) -> None:
    """Deletes an unused reason; one that lost deals name is deactivated instead, so their
    history keeps it (it then shows with include_inactive=true)."""
    await service.delete(principal, reason_id, expected_version=expected_version(if_match))
