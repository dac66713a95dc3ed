"""ETag / If-Match on versioned records: a stale write gets 412, never a silent lost update."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Header, Response

from domain.shared.errors import PreconditionFailed

_ETAG = re.compile(r'^(?:W/)?"v(\d+)"$')


def etag_for(version: int) -> str:
    return f'"v{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag_for(version)


def expected_version(if_match: str | None) -> int | None:
    """The version the caller last saw, from If-Match; None when the header is absent."""
    if if_match is None or if_match.strip() == "*":
        return None
    match = _ETAG.match(if_match.strip())
    if match is None:
        raise PreconditionFailed("If-Match must be an ETag returned by this API")
    return int(match.group(1))


IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description="The ETag of the record as last read; the update fails with 412 if stale",
    ),
]
