"""Helpers for the staff API tests: every call goes through HTTP as a signed-in user."""

from __future__ import annotations

from typing import Any

from httpx import Response

from tests.factories import Session

API = "/api/v1"


def error_locs(response: Response) -> list[list[str | int]]:
    return [e["loc"] for e in response.json().get("errors") or []]


def if_match(version: int) -> dict[str, str]:
    return {"If-Match": f'"v{version}"'}


def auth(session: Session, **extra: str) -> dict[str, str]:
    return {**session.headers, **extra}


def json_of(response: Response, status: int) -> Any:
    assert response.status_code == status, response.text
    return response.json()
