from __future__ import annotations

import asyncio

import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import Field

from api.deps import ContainerDep
from api.schemas.base import Schema

router = APIRouter(tags=["health"])


class Health(Schema):
    status: str
    checks: dict[str, str] = Field(default_factory=dict)


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """The process is up."""
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses={503: {"model": Health}})
async def readyz(container: ContainerDep) -> JSONResponse:
    """The database and Redis answer; 503 otherwise."""
    checks: dict[str, str] = {}

    async def database() -> None:
        async with container.engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))

    async def redis() -> None:
        await container.redis.ping()

    for name, check in (("database", database), ("redis", redis)):
        try:
            await asyncio.wait_for(check(), timeout=3)
            checks[name] = "ok"
        except Exception as exc:  # any failure means "not ready"
            checks[name] = f"unavailable: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    body = Health(status="ok" if ready else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)
