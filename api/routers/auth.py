"""Sign-in for people. The access token travels in answers' bodies and goes back as a Bearer
header; the refresh token lives only in an HttpOnly, Secure, SameSite=Strict cookie scoped to
/api/v1/auth, so no script can read it and only refresh and logout (and the other sign-in
routes) receive it. Integrations use API keys, not sessions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Cookie, Request, Response, status

from api.deps import AuthServiceDep, ClientIp, ContainerDep
from api.errors import problems
from api.schemas.auth import (
    REFRESH_TOKEN_MAX,
    AccessTokenRead,
    LoginRequest,
    PasswordForgotRequest,
    PasswordSetRequest,
    RefreshRequest,
)
from domain.auth.services import TokenPair
from domain.shared.errors import Unauthenticated

router = APIRouter(prefix="/auth", tags=["auth"])

REFRESH_COOKIE = "crm_refresh"
RefreshCookie = Annotated[
    str | None,
    Cookie(
        alias=REFRESH_COOKIE,
        max_length=REFRESH_TOKEN_MAX,
        description="The refresh token, set by login and refresh (HttpOnly)",
    ),
]
_SETS_REFRESH_COOKIE: dict[int | str, dict[str, Any]] = {
    200: {
        "headers": {
            "Set-Cookie": {
                "description": f"{REFRESH_COOKIE}=<refresh token>; HttpOnly; Secure; "
                "SameSite=Strict; Path=/api/v1/auth",
                "schema": {"type": "string"},
            }
        }
    }
}


@router.post(
    "/login",
    response_model=AccessTokenRead,
    responses={**problems(401, 422, 429), **_SETS_REFRESH_COOKIE},
)
async def login(
    body: LoginRequest,
    auth: AuthServiceDep,
    ip: ClientIp,
    request: Request,
    response: Response,
    container: ContainerDep,
) -> AccessTokenRead:
    """Sign in with e-mail and password: a short-lived access token, and the refresh token in
    an HttpOnly cookie."""
    pair = await auth.login(body.email, body.password, client_ip=ip)
    return _signed_in(pair, request, response, container.settings.refresh_token_ttl_days)


@router.post(
    "/refresh",
    response_model=AccessTokenRead,
    responses={**problems(401, 422), **_SETS_REFRESH_COOKIE},
)
async def refresh_tokens(
    auth: AuthServiceDep,
    request: Request,
    response: Response,
    container: ContainerDep,
    cookie: RefreshCookie = None,
    body: RefreshRequest | None = None,
) -> AccessTokenRead:
    """Trade the refresh cookie for a new access token and a new cookie; the old refresh token
    stops working (a second use within 30 s, as from another tab, still succeeds)."""
    token = cookie or (body.refresh_token if body else None)
    if token is None:
        raise Unauthenticated("Not signed in: no refresh token")
    pair = await auth.refresh(token)
    return _signed_in(pair, request, response, container.settings.refresh_token_ttl_days)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=problems(422))
async def logout(
    auth: AuthServiceDep,
    request: Request,
    response: Response,
    cookie: RefreshCookie = None,
    body: RefreshRequest | None = None,
) -> None:
    """Revoke the refresh token and every token rotated from the same sign-in, and clear the
    cookie."""
    token = cookie or (body.refresh_token if body else None)
    if token is not None:
        await auth.logout(token)
    response.delete_cookie(
        REFRESH_COOKIE,
        path=_cookie_path(request),
        secure=True,
        httponly=True,
        samesite="strict",
    )


@router.post("/password/forgot", status_code=status.HTTP_202_ACCEPTED, responses=problems(422, 429))
async def request_password_reset(
    body: PasswordForgotRequest, auth: AuthServiceDep, ip: ClientIp
) -> None:
    """E-mail a one-time link to set a new password. Answers the same, after the same time,
    whether or not the address has an account; limited per address and per client."""
    await auth.request_password_reset(body.email, client_ip=ip)


@router.post("/password/set", status_code=status.HTTP_204_NO_CONTENT, responses=problems(422))
async def set_password(body: PasswordSetRequest, auth: AuthServiceDep) -> None:
    """Set a password with the token from an invitation or a reset link."""
    await auth.set_password(body.token, body.password)


def _signed_in(
    pair: TokenPair, request: Request, response: Response, ttl_days: int
) -> AccessTokenRead:
    # Secure: browsers treat http://localhost and http://127.0.0.1 as secure, so `make run`
    # keeps working; any other plain-http origin gets no cookie and signs in again after the
    # access token expires.
    response.set_cookie(
        REFRESH_COOKIE,
        pair.refresh_token,
        max_age=ttl_days * 24 * 3600,
        path=_cookie_path(request),
        secure=True,
        httponly=True,
        samesite="strict",
    )
    # Tokens are never kept by a cache (RFC 6749 5.1).
    response.headers["Cache-Control"] = "no-store"
    return AccessTokenRead(access_token=pair.access_token, expires_in=pair.expires_in)


def _cookie_path(request: Request) -> str:
    """The folder of the sign-in routes (/api/v1/auth): refresh and logout need the cookie,
    no other API route receives it."""
    return request.url_for("refresh_tokens").path.rsplit("/", 1)[0]
