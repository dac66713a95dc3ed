"""Serves the built SPA: files from frontend/dist, and index.html for client-side routes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.routing import Match, Route

from api.errors import problem_response

_NOT_SPA = ("/api/", "/healthz", "/readyz", "/docs", "/redoc", "/openapi.json")

# The built SPA loads only its own scripts, styles, images and API. Mantine sets inline style
# attributes and <style> elements (checked in Chromium by the e2e run, which fails on any CSP
# violation), so styles alone allow inline; scripts never do.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
_SPA_HEADERS = {"Content-Security-Policy": CONTENT_SECURITY_POLICY}

# Vite names every built asset after a hash of its content, so a file under /assets never
# changes: browsers keep it for a year without asking again. index.html names the current
# ones and is always revalidated (a cheap 304 while unchanged), so a deploy shows at once.
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


class _Assets(StaticFiles):
    async def get_response(self, path: str, scope: Any) -> Response:
        response = await super().get_response(path, scope)
        response.headers.update(_SPA_HEADERS)
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = IMMUTABLE
        return response


class _ClientRoute(Route):
    """The client-side routes: everything but the API. Unknown API paths do not match it, so
    they get the router's 404 problem for every method, not a 405 from this GET route."""

    def matches(self, scope: Any) -> tuple[Match, Any]:
        if scope["type"] == "http" and scope["path"].startswith(_NOT_SPA):
            return Match.NONE, {}
        return super().matches(scope)


def mount_spa(app: FastAPI, dist: Path) -> None:
    index = dist / "index.html"
    if (dist / "assets").is_dir():
        app.mount("/assets", _Assets(directory=dist / "assets"), name="assets")

    # Synchronous, so Starlette runs the file-system look-ups in its thread pool.
    def spa(request: Request) -> Response:
        path = request.path_params["path"]
        candidate = (dist / path).resolve()
        # Files outside /assets (index.html, the favicon) keep their names across builds.
        headers = {"Cache-Control": REVALIDATE, **_SPA_HEADERS}
        if path and candidate.is_file() and candidate.is_relative_to(dist.resolve()):
            return FileResponse(candidate, headers=headers)
        if index.is_file():
            return FileResponse(index, headers=headers)
        return problem_response(
            404, "The web interface is not built; run `make run` (or npm run build in frontend/)"
        )

    app.router.routes.append(
        _ClientRoute("/{path:path}", spa, methods=["GET", "HEAD"], include_in_schema=False)
    )
