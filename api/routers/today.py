from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentPrincipal, TodayServiceDep
from api.errors import problems
from api.schemas.today import TodayRead

router = APIRouter(prefix="/today", tags=["today"])


@router.get("", response_model=TodayRead, responses=problems(401, 422))
async def get_today(
    principal: CurrentPrincipal,
    service: TodayServiceDep,
    limit: Annotated[int, Query(ge=1, le=50, description="Rows per section")] = 10,
) -> TodayRead:
    """Your day: your overdue and today's open tasks, the stale deals and the deals without a
    next task among those you see (yours, your team's or all, by role), and your unread
    notifications; each section its count and first rows."""
    return TodayRead.of(await service.summary(principal, limit=limit))
