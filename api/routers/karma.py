from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response, status

from api.deps import CurrentPrincipal, KarmaServiceDep
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.pagination import Cursor, Limit, decode_time_id_cursor, encode_cursor
from api.schemas.jobs import JobRead
from api.schemas.karma import (
    ClientKarmaRead,
    KarmaAdjustmentCreate,
    KarmaEntryPage,
    KarmaEntryRead,
    KarmaFlagIn,
    KarmaFlagRead,
    KarmaRulesRead,
    KarmaRulesUpdate,
    SectorKarmaRead,
)

router = APIRouter(tags=["karma"])


@router.get("/karma/rules", response_model=KarmaRulesRead, responses=problems(401))
async def get_karma_rules(
    principal: CurrentPrincipal, service: KarmaServiceDep, response: Response
) -> KarmaRulesRead:
    """The weights of the organisation's karma rules (the defaults until first saved)."""
    rules = await service.rules(principal)
    set_etag(response, rules.version)
    return KarmaRulesRead.of(rules)


@router.put("/karma/rules", response_model=KarmaRulesRead, responses=problems(401, 403, 412, 422))
async def update_karma_rules(
    body: KarmaRulesUpdate,
    principal: CurrentPrincipal,
    service: KarmaServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> KarmaRulesRead:
    """Change weights (karma:manage; kinds not given keep theirs); every client's karma is
    then recalculated by a job whose progress GET /jobs/{id} shows."""
    saved = await service.update_rules(
        principal, [r.to_rule() for r in body.rules], expected_version=expected_version(if_match)
    )
    set_etag(response, saved.rules.version)
    return KarmaRulesRead.of(saved.rules, JobRead.model_validate(saved.job))


@router.get("/karma/sectors", response_model=list[SectorKarmaRead], responses=problems(401, 403))
async def list_karma_sectors(
    principal: CurrentPrincipal, service: KarmaServiceDep
) -> list[SectorKarmaRead]:
    """The average karma per sector, over the organisation's clients with entries."""
    return [SectorKarmaRead.of(s) for s in await service.sectors(principal)]


@router.get(
    "/clients/{client_id}/karma", response_model=ClientKarmaRead, responses=problems(401, 404)
)
async def get_client_karma(
    client_id: UUID, principal: CurrentPrincipal, service: KarmaServiceDep
) -> ClientKarmaRead:
    """The client's karma, or its sector's average as expected karma while it has no entries,
    and the karma by day."""
    return ClientKarmaRead.of(await service.client_karma(principal, client_id))


@router.get(
    "/clients/{client_id}/karma/entries",
    response_model=KarmaEntryPage,
    responses=problems(401, 404, 422),
)
async def list_client_karma_entries(
    client_id: UUID,
    principal: CurrentPrincipal,
    service: KarmaServiceDep,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> KarmaEntryPage:
    """The client's karma entries, newest first; a manual adjustment names its author."""
    entries = await service.entries(
        principal, client_id, limit=limit + 1, after=decode_time_id_cursor(cursor)
    )
    last = entries[limit - 1] if len(entries) > limit else None
    return KarmaEntryPage(
        items=[KarmaEntryRead.of(e) for e in entries[:limit]],
        next_cursor=encode_cursor(last.occurred_at, last.id) if last else None,
    )


@router.post(
    "/clients/{client_id}/karma/adjustments",
    response_model=KarmaEntryRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 404, 422),
)
async def adjust_client_karma(
    client_id: UUID,
    body: KarmaAdjustmentCreate,
    principal: CurrentPrincipal,
    service: KarmaServiceDep,
) -> KarmaEntryRead:
    """Add points to (or take them from) the client's karma by hand, with a reason
    (karma:manage). The entry records the caller as its author and the time; neither is taken
    from the body."""
    entry = await service.adjust(principal, client_id, points=body.points, reason=body.reason)
    return KarmaEntryRead.of(entry)


@router.put(
    "/clients/{client_id}/karma/public-conflict",
    response_model=ClientKarmaRead,
    responses=problems(401, 403, 404, 422),
)
async def flag_client_public_conflict(
    client_id: UUID, body: KarmaFlagIn, principal: CurrentPrincipal, service: KarmaServiceDep
) -> ClientKarmaRead:
    """Record a public conflict with the client (who may edit it): one entry while it stands."""
    return ClientKarmaRead.of(await service.flag_client(principal, client_id, note=body.note))


@router.delete(
    "/clients/{client_id}/karma/public-conflict",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(401, 403, 404),
)
async def unflag_client_public_conflict(
    client_id: UUID, principal: CurrentPrincipal, service: KarmaServiceDep
) -> None:
    """Remove the flag and its entry."""
    await service.unflag_client(principal, client_id)


@router.get(
    "/deals/{deal_id}/karma/flags", response_model=list[KarmaFlagRead], responses=problems(401, 404)
)
async def list_deal_karma_flags(
    deal_id: UUID, principal: CurrentPrincipal, service: KarmaServiceDep
) -> list[KarmaFlagRead]:
    return [KarmaFlagRead.of(f) for f in await service.deal_flags(principal, deal_id)]


@router.put(
    "/deals/{deal_id}/karma/loss-making",
    response_model=KarmaFlagRead,
    responses=problems(401, 403, 404, 409, 422),
)
async def flag_deal_loss_making(
    deal_id: UUID, body: KarmaFlagIn, principal: CurrentPrincipal, service: KarmaServiceDep
) -> KarmaFlagRead:
    """Mark a won deal as a loss-making project (who may edit it): one entry for its client
    while the flag stands (409 unless won)."""
    return KarmaFlagRead.of(await service.flag_deal(principal, deal_id, note=body.note))


@router.delete(
    "/deals/{deal_id}/karma/loss-making",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(401, 403, 404),
)
async def unflag_deal_loss_making(
    deal_id: UUID, principal: CurrentPrincipal, service: KarmaServiceDep
) -> None:
    await service.unflag_deal(principal, deal_id)
