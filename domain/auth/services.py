"""Sign-in, token rotation, sign-out, invitations and password resets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from domain.auth.model import MIN_PASSWORD_LENGTH, ActionPurpose, ActionToken, RefreshToken
from domain.auth.ports import AccessTokenIssuer, LoginThrottle, PasswordHasher, SecretGenerator
from domain.platform.model import Job
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import InvalidInput, RateLimited, Unauthenticated
from domain.shared.ids import new_id
from domain.staff.model import User

INVALID_CREDENTIALS = "Wrong e-mail or password"
MAIL_JOB = "mail.send"


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthPolicy:
    refresh_ttl: timedelta = timedelta(days=30)
    invitation_ttl: timedelta = timedelta(days=7)
    reset_ttl: timedelta = timedelta(hours=1)


class AuthService:
    def __init__(
        self,
        *,
        uow: UnitOfWork,
        clock: Clock,
        hasher: PasswordHasher,
        issuer: AccessTokenIssuer,
        secrets: SecretGenerator,
        throttle: LoginThrottle,
        policy: AuthPolicy | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._hasher = hasher
        self._issuer = issuer
        self._secrets = secrets
        self._throttle = throttle
        self._policy = policy or AuthPolicy()

    async def login(self, email: str, password: str, *, client_ip: str) -> TokenPair:
        keys = [f"account:{email.strip().lower()}", f"ip:{client_ip}"]
        wait = await self._throttle.retry_after(keys)
        if wait:
            raise RateLimited("Too many failed sign-in attempts; try again later", wait)
        async with self._uow as uow:
            user = await uow.users.get_by_email(email)
            if (
                user is None
                or not user.is_active
                or user.password_hash is None
                or not self._hasher.verify(password, user.password_hash)
            ):
                await self._throttle.record_failure(keys)
                raise Unauthenticated(INVALID_CREDENTIALS)
            pair = await self._start_session(uow, user, family_id=new_id())
            await uow.commit()
        await self._throttle.reset([keys[0]])
        return pair

    async def refresh(self, refresh_token: str) -> TokenPair:
        now = self._clock.now()
        async with self._uow as uow:
            stored = await uow.refresh_tokens.get_by_hash(self._secrets.digest(refresh_token))
            if stored is None:
                raise Unauthenticated("Unknown refresh token")
            if stored.revoked_at is not None and stored.replaced_by is not None:
                # A rotated token came back: somebody holds a copy. End the whole session.
                await uow.refresh_tokens.revoke_family(stored.family_id, now)
                await uow.commit()
                raise Unauthenticated("Refresh token was already used; sign in again")
            if not stored.is_usable(now):
                raise Unauthenticated("Refresh token has expired or was revoked")
            user = await uow.users.get_for_auth(stored.user_id)
            if user is None or not user.is_active:
                raise Unauthenticated("The account is deactivated")
            pair = await self._start_session(uow, user, family_id=stored.family_id, old=stored)
            await uow.commit()
        return pair

    async def logout(self, refresh_token: str) -> None:
        now = self._clock.now()
        async with self._uow as uow:
            stored = await uow.refresh_tokens.get_by_hash(self._secrets.digest(refresh_token))
            if stored is not None:
                await uow.refresh_tokens.revoke_family(stored.family_id, now)
                await uow.commit()

    async def _start_session(
        self, uow: UnitOfWork, user: User, *, family_id: UUID, old: RefreshToken | None = None
    ) -> TokenPair:
        now = self._clock.now()
        secret = self._secrets.token()
        token = RefreshToken(
            organisation_id=user.organisation_id,
            user_id=user.id,
            family_id=family_id,
            token_hash=self._secrets.digest(secret),
            expires_at=now + self._policy.refresh_ttl,
            created_at=now,
        )
        await uow.refresh_tokens.add(token)
        if old is not None:
            old.revoked_at = now
            old.replaced_by = token.id
            await uow.refresh_tokens.save(old)
        access, ttl = self._issuer.issue(
            user_id=user.id, organisation_id=user.organisation_id, now=now
        )
        return TokenPair(access_token=access, refresh_token=secret, expires_in=ttl)

    # --- one-time links -------------------------------------------------------------------

    async def request_password_reset(self, email: str, *, link_base: str) -> None:
        """Always succeeds from the caller's view, so the answer does not reveal accounts."""
        async with self._uow as uow:
            user = await uow.users.get_by_email(email)
            if user is None or not user.is_active:
                return
            secret = await issue_action_token(
                uow,
                self._clock,
                self._secrets,
                user,
                ActionPurpose.PASSWORD_RESET,
                self._policy.reset_ttl,
            )
            await uow.enqueue(
                mail_job(
                    user,
                    self._clock,
                    subject="Password reset",
                    body=(
                        f"Hello, {user.full_name}.\n\nTo set a new password open "
                        f"{link_base}/set-password?token={secret}\n"
                        f"The link works once, for {_hours(self._policy.reset_ttl)} h.\n"
                    ),
                )
            )
            await uow.commit()

    async def set_password(self, token: str, password: str) -> None:
        """Completes an invitation or a password reset."""
        check_password(password)
        now = self._clock.now()
        async with self._uow as uow:
            stored = await uow.action_tokens.get_by_hash(self._secrets.digest(token))
            if stored is None or not stored.is_usable(now):
                raise InvalidInput("token", "the link is invalid, used or expired")
            user = await uow.users.get_for_auth(stored.user_id)
            if user is None or not user.is_active:
                raise InvalidInput("token", "the account is deactivated")
            expected = user.version
            user.set_password_hash(self._hasher.hash(password))
            await uow.users.update(user, expected)
            stored.used_at = now
            await uow.action_tokens.save(stored)
            # A new password ends every session started with the old one.
            await uow.refresh_tokens.revoke_all_for_user(user.id, now)
            await uow.commit()


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip() != password or not password.strip():
        raise InvalidInput("password", "must not start or end with spaces")


async def issue_action_token(
    uow: UnitOfWork,
    clock: Clock,
    secrets: SecretGenerator,
    user: User,
    purpose: ActionPurpose,
    ttl: timedelta,
) -> str:
    now = clock.now()
    secret = secrets.token()
    await uow.action_tokens.add(
        ActionToken(
            organisation_id=user.organisation_id,
            user_id=user.id,
            purpose=purpose,
            token_hash=secrets.digest(secret),
            expires_at=now + ttl,
            created_at=now,
        )
    )
    return secret


def mail_job(user: User, clock: Clock, *, subject: str, body: str) -> Job:
    return Job(
        organisation_id=user.organisation_id,
        kind=MAIL_JOB,
        params={"to": user.email, "subject": subject, "body": body},
        created_at=clock.now(),
    )


def _hours(delta: timedelta) -> int:
    return int(delta.total_seconds() // 3600)
