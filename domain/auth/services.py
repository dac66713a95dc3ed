"""Sign-in, token rotation, sign-out, invitations, password resets and API keys."""

from __future__ import annotations

import asyncio
import hmac
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from domain.auth.loading import load_key_principal
from domain.auth.model import (
    API_KEY_NAME_MAX,
    MIN_PASSWORD_LENGTH,
    ActionPurpose,
    ActionToken,
    ApiKey,
    RefreshToken,
    format_api_key,
    split_api_key,
)
from domain.auth.ports import (
    AccessTokenIssuer,
    AttemptThrottle,
    PasswordHasher,
    SecretGenerator,
)
from domain.auth.principal import Principal
from domain.platform.model import Job
from domain.platform.ports import Mailer, UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    RateLimited,
    Unauthenticated,
)
from domain.shared.ids import new_id
from domain.shared.text import clean_text
from domain.staff.model import User
from domain.staff.permissions import Permission

INVALID_CREDENTIALS = "Wrong e-mail or password"
MAIL_JOB = "mail.send"
LINK_MAIL_JOB = "auth.link_mail"
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthPolicy:
    refresh_ttl: timedelta = timedelta(days=30)
    # A refresh token rotated this recently still yields a pair, so two tabs refreshing with
    # the same cookie at once both stay signed in; a later reuse ends the session.
    refresh_reuse_grace: timedelta = timedelta(seconds=30)
    invitation_ttl: timedelta = timedelta(days=7)
    reset_ttl: timedelta = timedelta(hours=1)
    # A reset request is answered no sooner than this, so its timing does not tell whether
    # the address has an account (the real work, minting and mailing the link, is a job).
    reset_answer_time: timedelta = timedelta(milliseconds=300)


class AuthService:
    def __init__(
        self,
        *,
        uow: UnitOfWork,
        clock: Clock,
        hasher: PasswordHasher,
        issuer: AccessTokenIssuer,
        secrets: SecretGenerator,
        throttle: AttemptThrottle,
        reset_throttle: AttemptThrottle,
        policy: AuthPolicy | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._hasher = hasher
        self._issuer = issuer
        self._secrets = secrets
        self._throttle = throttle
        self._reset_throttle = reset_throttle
        self._policy = policy or AuthPolicy()

    async def login(self, email: str, password: str, *, client_ip: str) -> TokenPair:
        keys = [f"account:{email.strip().lower()}", f"ip:{client_ip}"]
        # Counted as a failure before the password is checked, so parallel guesses cannot all
        # be checked before the first failure is recorded; a success takes it back.
        wait = await self._throttle.attempt(keys)
        if wait:
            raise RateLimited("Too many failed sign-in attempts; try again later", wait)
        async with self._uow as uow:
            user = await uow.users.get_by_email(email)
            known = user.password_hash if user is not None and user.is_active else None
            # Hashing is CPU work of tens of milliseconds: off the event loop, and done for
            # unknown accounts too (against a stand-in), so timing reveals no account.
            matches = await asyncio.to_thread(self._hasher.verify, password, known)
            if user is None or known is None or not matches:
                raise Unauthenticated(INVALID_CREDENTIALS)
            pair = await self._start_session(uow, user, family_id=new_id())
            await uow.commit()
        await self._throttle.reset([keys[0]])
        await self._throttle.forgive(keys[1:])
        return pair

    async def refresh(self, refresh_token: str) -> TokenPair:
        now = self._clock.now()
        async with self._uow as uow:
            stored = await uow.refresh_tokens.get_by_hash(self._secrets.digest(refresh_token))
            if stored is None:
                raise Unauthenticated("Unknown refresh token")
            if stored.is_rotated and not (
                stored.rotated_within(self._policy.refresh_reuse_grace, now)
                and await uow.refresh_tokens.family_is_active(
                    stored.organisation_id, stored.family_id, now
                )
            ):
                # A rotated token came back: somebody holds a copy. End the whole session.
                await uow.refresh_tokens.revoke_family(
                    stored.organisation_id, stored.family_id, now
                )
                await uow.commit()
                raise Unauthenticated("Refresh token was already used; sign in again")
            if not stored.is_rotated and not stored.is_usable(now):
                raise Unauthenticated("Refresh token has expired or was revoked")
            user = await uow.users.get_for_auth(stored.organisation_id, stored.user_id)
            if user is None or not user.is_active:
                raise Unauthenticated("The account is deactivated")
            # Within the grace a rotated token gets a pair of its own and stays rotated: the
            # pair the first caller got keeps working, whichever cookie the browser keeps.
            old = None if stored.is_rotated else stored
            pair = await self._start_session(uow, user, family_id=stored.family_id, old=old)
            await uow.commit()
        return pair

    async def logout(self, refresh_token: str) -> None:
        now = self._clock.now()
        async with self._uow as uow:
            stored = await uow.refresh_tokens.get_by_hash(self._secrets.digest(refresh_token))
            if stored is not None:
                await uow.refresh_tokens.revoke_family(
                    stored.organisation_id, stored.family_id, now
                )
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

    async def request_password_reset(self, email: str, *, client_ip: str) -> None:
        """Queues a mail with a one-time link. Answers the same, and after the same time,
        whether or not the address has an account; limited per address and per client."""
        started = time.monotonic()
        wait = await self._reset_throttle.attempt(
            [f"account:{email.strip().lower()}", f"ip:{client_ip}"]
        )
        if wait:
            raise RateLimited("Too many password reset requests; try again later", wait)
        try:
            async with self._uow as uow:
                user = await uow.users.get_by_email(email)
                if user is None or not user.is_active:
                    return
                await uow.enqueue(link_mail_job(user, self._clock, ActionPurpose.PASSWORD_RESET))
                await uow.commit()
        finally:
            elapsed = time.monotonic() - started
            await asyncio.sleep(max(0.0, self._policy.reset_answer_time.total_seconds() - elapsed))

    async def set_password(self, token: str, password: str) -> None:
        """Completes an invitation or a password reset."""
        check_password(password)
        now = self._clock.now()
        async with self._uow as uow:
            stored = await uow.action_tokens.get_by_hash(self._secrets.digest(token))
            if stored is None or not stored.is_usable(now):
                raise InvalidInput("token", "the link is invalid, used or expired")
            user = await uow.users.get_for_auth(stored.organisation_id, stored.user_id)
            if user is None or not user.is_active:
                raise InvalidInput("token", "the account is deactivated")
            stored.used_at = now
            await uow.action_tokens.save(stored)
            await change_password(uow, user, self._hasher.hash(password), now)
            await uow.commit()


async def change_password(uow: UnitOfWork, user: User, password_hash: str, now: datetime) -> None:
    """Stores a new password and ends what the old one, or a link sent before, could open:
    every session and every unused invitation or reset link of the user."""
    expected = user.version
    user.set_password_hash(password_hash)
    await uow.users.update(user, expected)
    await uow.refresh_tokens.revoke_all_for_user(user.organisation_id, user.id, now)
    await uow.action_tokens.spend_all_for_user(user.organisation_id, user.id, now)


class LinkMailService:
    """Mints a one-time link (invitation, password reset) and mails it, in the worker: the
    job carries only the user and the purpose, so the link exists in the message alone, never
    in a job's params, a log line or the database (which keeps its digest)."""

    def __init__(
        self,
        *,
        uow: UnitOfWork,
        clock: Clock,
        secrets: SecretGenerator,
        mailer: Mailer,
        link_base: str,
        policy: AuthPolicy | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._secrets = secrets
        self._mailer = mailer
        self._link_base = link_base
        self._policy = policy or AuthPolicy()

    async def send(
        self, organisation_id: UUID, user_id: UUID, purpose: ActionPurpose
    ) -> str | None:
        """The address the link went to; None when the account can no longer use one (it
        was deactivated, or the invitation was already accepted)."""
        ttl = (
            self._policy.invitation_ttl
            if purpose is ActionPurpose.INVITATION
            else self._policy.reset_ttl
        )
        async with self._uow as uow:
            user = await uow.users.get_for_auth(organisation_id, user_id)
            if user is None or not user.is_active:
                return None
            if purpose is ActionPurpose.INVITATION and user.password_hash is not None:
                return None
            organisation = await uow.organisations.get(user.organisation_id)
            assert organisation is not None
            secret = await issue_action_token(uow, self._clock, self._secrets, user, purpose, ttl)
            await uow.commit()
        link = f"{self._link_base}/set-password?token={secret}"
        if purpose is ActionPurpose.INVITATION:
            subject = f"Приглашение в CRM {organisation.name}"
            body = (
                f"Здравствуйте, {user.full_name}!\n\n"
                f"Вас пригласили в CRM организации «{organisation.name}».\n"
                f"Чтобы задать пароль и войти, откройте ссылку:\n{link}\n"
            )
        else:
            subject = "Password reset"
            body = (
                f"Hello, {user.full_name}.\n\nTo set a new password open {link}\n"
                f"The link works once, for {_hours(ttl)} h.\n"
            )
        await self._mailer.send(to=user.email, subject=subject, body=body)
        return user.email


@dataclass(frozen=True, slots=True)
class IssuedApiKey:
    """A new key with its plaintext, which exists only in this answer."""

    key: ApiKey
    plaintext: str


class ApiKeyService:
    """Keys for integrations: scoped to the permissions their creator holds, stored as a
    digest, shown once, revocable."""

    def __init__(self, *, uow: UnitOfWork, clock: Clock, secrets: SecretGenerator) -> None:
        self._uow = uow
        self._clock = clock
        self._secrets = secrets

    async def create(
        self,
        principal: Principal,
        *,
        name: str,
        permissions: Iterable[Permission],
        expires_at: datetime | None = None,
    ) -> IssuedApiKey:
        _require_key_manager(principal)
        granted = frozenset(permissions)
        beyond = sorted(p.value for p in granted if not principal.can(p))
        if beyond:
            raise PermissionDenied(
                "A key may only carry permissions you hold; you lack " + ", ".join(beyond)
            )
        now = self._clock.now()
        if expires_at is not None and expires_at <= now:
            raise InvalidInput("expires_at", "must be in the future")
        # Hex, so the prefix never contains the "_" that separates the parts of the key.
        prefix = new_id().hex[:12]
        plaintext = format_api_key(prefix, self._secrets.token())
        key = ApiKey(
            organisation_id=principal.organisation_id,
            name=clean_text(name, "name", max_length=API_KEY_NAME_MAX),
            prefix=prefix,
            key_hash=self._secrets.digest(plaintext),
            permissions=granted,
            created_by=principal.user_id,
            created_at=now,
            expires_at=expires_at,
        )
        async with self._uow as uow:
            await uow.api_keys.add(key)
            await uow.commit()
        return IssuedApiKey(key=key, plaintext=plaintext)

    async def list(self, principal: Principal) -> Sequence[ApiKey]:
        _require_key_manager(principal)
        async with self._uow as uow:
            return await uow.api_keys.list(principal.organisation_scope)

    async def revoke(self, principal: Principal, key_id: UUID) -> None:
        _require_key_manager(principal)
        async with self._uow as uow:
            key = await uow.api_keys.get(principal.organisation_scope, key_id)
            if key is None:
                raise NotFound("API key", key_id)
            key.revoke(self._clock.now())
            await uow.api_keys.save(key)
            await uow.commit()

    async def authenticate(self, raw: str) -> Principal:
        """The caller behind a key: its permissions that its creator still holds, seeing what
        the creator sees (see load_key_principal)."""
        parts = split_api_key(raw)
        if parts is None:
            raise Unauthenticated("Invalid API key")
        now = self._clock.now()
        async with self._uow as uow:
            key = await uow.api_keys.get_by_prefix(parts[0])
            if (
                key is None
                or not key.is_usable(now)
                or not hmac.compare_digest(key.key_hash, self._secrets.digest(raw.strip()))
            ):
                raise Unauthenticated("Invalid, expired or revoked API key")
            # Checked on every request: the creator's current rights bound the key.
            principal = await load_key_principal(uow, key, clock=self._clock)
            # Recorded at most once a minute, so a busy integration does not write per call.
            if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
                key.last_used_at = now
                await uow.api_keys.save(key)
                await uow.commit()
        return principal


def _require_key_manager(principal: Principal) -> None:
    principal.require(Permission.API_KEYS_MANAGE)
    if principal.user_id is None:
        # A key minting keys would outlive any person's accountability for it.
        raise PermissionDenied("API keys are managed by signed-in users, not by API keys")


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


def link_mail_job(user: User, clock: Clock, purpose: ActionPurpose) -> Job:
    """The job that mails the user a one-time link; it holds no secret (see LinkMailService)."""
    return Job(
        organisation_id=user.organisation_id,
        kind=LINK_MAIL_JOB,
        params={"user_id": str(user.id), "purpose": purpose.value},
        created_at=clock.now(),
    )


def _hours(delta: timedelta) -> int:
    return int(delta.total_seconds() // 3600)
