"""Serves the built SPA: files from frontend/dist, and index.html for client-side routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles

from api.errors import problem_response

_NOT_SPA = ("/api/", "/healthz", "/readyz", "/docs", "/redoc", "/openapi.json")


def mount_spa(app: FastAPI, dist: Path) -> None:
    index = dist / "index.html"
    if (dist / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="assets")

    @app.get("/{path:path}", include_in_schema=False)
    async def spa(path: str, request: Request) -> Response:
        if request.url.path.startswith(_NOT_SPA):
            return problem_response(404, f"No route {request.url.path}")
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(dist.resolve()):
            return FileResponse(candidate)
        if index.is_file():
            return FileResponse(index, headers={"Cache-Control": "no-cache"})
        return problem_response(
            404, "The web interface is not built; run `make run` (or npm run build in frontend/)"
        )
