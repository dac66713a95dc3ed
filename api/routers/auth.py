from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import AuthServiceDep, ClientIp, ContainerDep
from api.errors import problems
from api.schemas.auth import (
    LoginRequest,
    PasswordForgotRequest,
    PasswordSetRequest,
    RefreshRequest,
    TokenPairRead,
)

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login", response_model=TokenPairRead, responses=problems(401, 422, 429))
async def login(body: LoginRequest, auth: AuthServiceDep, ip: ClientIp) -> TokenPairRead:
    """Sign in with e-mail and password: a short-lived access token and a refresh token."""
    return _pair(await auth.login(body.email, body.password, client_ip=ip))


@router.post("/refresh", response_model=TokenPairRead, responses=problems(401, 422))
async def refresh_tokens(body: RefreshRequest, auth: AuthServiceDep) -> TokenPairRead:
    """Trade a refresh token for a new pair; the old refresh token stops working."""
    return _pair(await auth.refresh(body.refresh_token))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=problems(422))
async def logout(body: RefreshRequest, auth: AuthServiceDep) -> None:
    """Revoke the refresh token and every token rotated from the same sign-in."""
    await auth.logout(body.refresh_token)


@router.post("/password/forgot", status_code=status.HTTP_202_ACCEPTED, responses=problems(422))
async def request_password_reset(
    body: PasswordForgotRequest, auth: AuthServiceDep, container: ContainerDep
) -> None:
    """E-mail a one-time link to set a new password. Answers the same whether or not the
    address has an account."""
    await auth.request_password_reset(body.email, link_base=container.settings.public_base)


@router.post("/password/set", status_code=status.HTTP_204_NO_CONTENT, responses=problems(422))
async def set_password(body: PasswordSetRequest, auth: AuthServiceDep) -> None:
    """Set a password with the token from an invitation or a reset link."""
    await auth.set_password(body.token, body.password)


def _pair(pair: object) -> TokenPairRead:
    return TokenPairRead.model_validate(pair, from_attributes=True)
