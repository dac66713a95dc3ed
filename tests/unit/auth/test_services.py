from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.auth.model import ActionPurpose
from domain.auth.principal import Principal
from domain.auth.services import (
    LINK_MAIL_JOB,
    ApiKeyService,
    AuthPolicy,
    AuthService,
    issue_action_token,
)
from domain.shared.clock import FixedClock
from domain.shared.errors import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    RateLimited,
    Unauthenticated,
)
from domain.shared.scope import Visibility
from domain.staff.model import Organisation, Role, User
from domain.staff.permissions import Permission, Resource
from tests.unit.auth.fakes import FakeHasher, FakeSecrets, FakeThrottle, InMemoryUnitOfWork

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ORG = uuid4()


def manager(*permissions: Permission) -> Principal:
    return Principal(
        organisation_id=ORG,
        user_id=uuid4(),
        permissions=frozenset({Permission.API_KEYS_MANAGE, *permissions}),
    )


async def stored_manager(
    uow: InMemoryUnitOfWork,
    *permissions: Permission,
    visibility: Visibility = Visibility.OWN,
) -> tuple[Principal, User, Role]:
    """A key manager who exists in ``uow`` (a key is evaluated against its creator)."""
    if ORG not in uow.organisations.rows:
        await uow.organisations.add(Organisation(id=ORG, name="Org"))
    role = Role.custom(
        ORG,
        name="Integrations",
        permissions={Permission.API_KEYS_MANAGE, *permissions},
        visibility=dict.fromkeys(Resource, visibility),
    )
    await uow.roles.add(role)
    user = User(
        organisation_id=ORG,
        email=f"{uuid4().hex}@example.com",
        full_name="Интегратор",
        role_id=role.id,
    )
    await uow.users.add(user)
    principal = Principal(
        organisation_id=ORG,
        user_id=user.id,
        permissions=role.permissions,
        visibility=dict(role.visibility),
        role_id=role.id,
    )
    return principal, user, role


@pytest.fixture
def uow() -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def keys(uow: InMemoryUnitOfWork, clock: FixedClock) -> ApiKeyService:
    return ApiKeyService(uow=uow, clock=clock, secrets=FakeSecrets())  # type: ignore[arg-type]


class TestCreateApiKey:
    async def test_the_plaintext_is_returned_and_only_its_digest_is_stored(
        self, keys: ApiKeyService, uow: InMemoryUnitOfWork
    ) -> None:
        issued = await keys.create(manager(), name=" CRM sync ", permissions=[])
        assert issued.plaintext == f"crm_{issued.key.prefix}_secret-1"
        [stored] = uow.api_keys.rows.values()
        assert stored.key_hash == f"digest({issued.plaintext})"
        assert stored.name == "CRM sync"
        assert uow.commits == 1

    async def test_permissions_beyond_the_creators_are_refused(self, keys: ApiKeyService) -> None:
        with pytest.raises(PermissionDenied, match="deals:write"):
            await keys.create(
                manager(Permission.DEALS_READ),
                name="k",
                permissions=[Permission.DEALS_READ, Permission.DEALS_WRITE],
            )

    async def test_an_admin_may_grant_any_permission(self, keys: ApiKeyService) -> None:
        admin = Principal(
            organisation_id=ORG, user_id=uuid4(), permissions=frozenset(), is_admin=True
        )
        issued = await keys.create(admin, name="k", permissions=list(Permission))
        assert issued.key.permissions == frozenset(Permission)

    async def test_an_expiry_must_lie_in_the_future(self, keys: ApiKeyService) -> None:
        with pytest.raises(InvalidInput) as raised:
            await keys.create(manager(), name="k", permissions=[], expires_at=NOW)
        assert raised.value.problems[0].loc == ("expires_at",)

    async def test_without_the_permission_nothing_is_possible(self, keys: ApiKeyService) -> None:
        seller = Principal(organisation_id=ORG, user_id=uuid4(), permissions=frozenset())
        with pytest.raises(PermissionDenied):
            await keys.create(seller, name="k", permissions=[])
        with pytest.raises(PermissionDenied):
            await keys.list(seller)
        with pytest.raises(PermissionDenied):
            await keys.revoke(seller, uuid4())


class TestAuthenticateApiKey:
    async def test_a_key_has_its_permissions_and_sees_what_its_creator_sees(
        self, keys: ApiKeyService, uow: InMemoryUnitOfWork
    ) -> None:
        creator, user, _ = await stored_manager(
            uow, Permission.CLIENTS_READ, Permission.CLIENTS_WRITE, visibility=Visibility.TEAM
        )
        issued = await keys.create(creator, name="k", permissions=[Permission.CLIENTS_READ])
        principal = await keys.authenticate(issued.plaintext)
        assert principal.user_id is None
        assert principal.api_key_id == issued.key.id
        assert principal.permissions == {Permission.CLIENTS_READ}
        assert not principal.can(Permission.CLIENTS_WRITE)
        for resource in Resource:
            scope = principal.scope_for(resource)
            assert (scope.visibility, scope.user_id) == (Visibility.TEAM, user.id)

    async def test_a_key_stops_working_when_its_creator_is_deactivated(
        self, keys: ApiKeyService, uow: InMemoryUnitOfWork
    ) -> None:
        creator, user, _ = await stored_manager(uow)
        issued = await keys.create(creator, name="k", permissions=[])
        user.deactivate()
        await uow.users.update(user, user.version)
        with pytest.raises(Unauthenticated):
            await keys.authenticate(issued.plaintext)

    async def test_a_key_loses_what_its_creator_loses(
        self, keys: ApiKeyService, uow: InMemoryUnitOfWork
    ) -> None:
        creator, _, role = await stored_manager(uow, Permission.DEALS_READ, Permission.DEALS_WRITE)
        issued = await keys.create(
            creator, name="k", permissions=[Permission.DEALS_READ, Permission.DEALS_WRITE]
        )
        role.change(permissions={Permission.API_KEYS_MANAGE, Permission.DEALS_READ})
        await uow.roles.add(role)
        principal = await keys.authenticate(issued.plaintext)
        assert principal.permissions == {Permission.DEALS_READ}
        role.change(permissions={Permission.DEALS_READ})
        await uow.roles.add(role)
        with pytest.raises(Unauthenticated):
            await keys.authenticate(issued.plaintext)

    async def test_expired_revoked_and_forged_keys_are_refused(
        self, keys: ApiKeyService, clock: FixedClock
    ) -> None:
        creator = manager()
        expiring = await keys.create(
            creator, name="a", permissions=[], expires_at=NOW + timedelta(hours=1)
        )
        revoked = await keys.create(creator, name="b", permissions=[])
        await keys.revoke(creator, revoked.key.id)
        clock.move_to(NOW + timedelta(hours=1))
        forged = f"crm_{revoked.key.prefix}_secret-99"
        for raw in (expiring.plaintext, revoked.plaintext, forged, "crm_x", "garbage"):
            with pytest.raises(Unauthenticated):
                await keys.authenticate(raw)

    async def test_last_use_is_written_at_most_once_a_minute(
        self, keys: ApiKeyService, uow: InMemoryUnitOfWork, clock: FixedClock
    ) -> None:
        creator, _, _ = await stored_manager(uow)
        issued = await keys.create(creator, name="k", permissions=[])
        await keys.authenticate(issued.plaintext)
        clock.move_to(NOW + timedelta(seconds=30))
        await keys.authenticate(issued.plaintext)
        assert uow.api_keys.rows[issued.key.id].last_used_at == NOW
        clock.move_to(NOW + timedelta(minutes=2))
        await keys.authenticate(issued.plaintext)
        assert uow.api_keys.rows[issued.key.id].last_used_at == NOW + timedelta(minutes=2)

    async def test_another_organisation_cannot_revoke_a_key(self, keys: ApiKeyService) -> None:
        issued = await keys.create(manager(), name="k", permissions=[])
        stranger = Principal(
            organisation_id=uuid4(),
            user_id=uuid4(),
            permissions=frozenset({Permission.API_KEYS_MANAGE}),
        )
        with pytest.raises(NotFound):
            await keys.revoke(stranger, issued.key.id)


class TestSetPassword:
    @pytest.fixture
    def auth(self, uow: InMemoryUnitOfWork, clock: FixedClock) -> AuthService:
        return AuthService(
            uow=uow,  # type: ignore[arg-type]
            clock=clock,
            hasher=FakeHasher(),
            issuer=None,  # type: ignore[arg-type]
            secrets=FakeSecrets(),
            throttle=FakeThrottle(),
            reset_throttle=FakeThrottle(),
            policy=AuthPolicy(reset_answer_time=timedelta(0)),
        )

    async def _user_with_link(self, uow: InMemoryUnitOfWork, clock: FixedClock) -> tuple[User, str]:
        user = User(organisation_id=ORG, email="a@example.com", full_name="A", role_id=uuid4())
        await uow.users.add(user)
        secret = await issue_action_token(
            uow,  # type: ignore[arg-type]
            clock,
            FakeSecrets(),
            user,
            ActionPurpose.PASSWORD_RESET,
            timedelta(hours=1),
        )
        return user, secret

    async def test_the_link_sets_the_password_once(
        self, auth: AuthService, uow: InMemoryUnitOfWork, clock: FixedClock
    ) -> None:
        user, secret = await self._user_with_link(uow, clock)
        await auth.set_password(secret, "long-enough-password")
        assert uow.users.rows[user.id].password_hash == "hashed(long-enough-password)"
        with pytest.raises(InvalidInput) as raised:
            await auth.set_password(secret, "another-long-password")
        assert raised.value.problems[0].loc == ("token",)

    async def test_an_expired_link_is_refused(
        self, auth: AuthService, uow: InMemoryUnitOfWork, clock: FixedClock
    ) -> None:
        _, secret = await self._user_with_link(uow, clock)
        clock.move_to(NOW + timedelta(hours=1))
        with pytest.raises(InvalidInput) as raised:
            await auth.set_password(secret, "long-enough-password")
        assert raised.value.problems[0].loc == ("token",)

    @pytest.mark.parametrize("password", ["short", " padded-password ", "          "])
    async def test_weak_passwords_are_refused_naming_the_password(
        self, auth: AuthService, uow: InMemoryUnitOfWork, clock: FixedClock, password: str
    ) -> None:
        _, secret = await self._user_with_link(uow, clock)
        with pytest.raises(InvalidInput) as raised:
            await auth.set_password(secret, password)
        assert raised.value.problems[0].loc == ("password",)

    async def test_a_reset_for_an_unknown_address_sends_nothing(
        self, auth: AuthService, uow: InMemoryUnitOfWork
    ) -> None:
        await auth.request_password_reset("nobody@example.com", client_ip="10.0.0.1")
        assert uow.enqueued == []

    async def test_using_a_link_spends_the_users_other_links(
        self, auth: AuthService, uow: InMemoryUnitOfWork, clock: FixedClock
    ) -> None:
        user = User(organisation_id=ORG, email="a@example.com", full_name="A", role_id=uuid4())
        await uow.users.add(user)
        secrets = FakeSecrets()
        links = [
            await issue_action_token(
                uow,  # type: ignore[arg-type]
                clock,
                secrets,
                user,
                purpose,
                timedelta(hours=1),
            )
            for purpose in (ActionPurpose.PASSWORD_RESET, ActionPurpose.PASSWORD_RESET)
        ]
        await auth.set_password(links[0], "long-enough-password")
        with pytest.raises(InvalidInput) as raised:
            await auth.set_password(links[1], "an-attackers-password")
        assert raised.value.problems[0].loc == ("token",)
        assert uow.users.rows[user.id].password_hash == "hashed(long-enough-password)"


class TestRequestPasswordReset:
    ANSWER_TIME = timedelta(milliseconds=50)

    @pytest.fixture
    def throttle(self) -> FakeThrottle:
        return FakeThrottle(max_attempts=3)

    @pytest.fixture
    def auth(
        self, uow: InMemoryUnitOfWork, clock: FixedClock, throttle: FakeThrottle
    ) -> AuthService:
        return AuthService(
            uow=uow,  # type: ignore[arg-type]
            clock=clock,
            hasher=FakeHasher(),
            issuer=None,  # type: ignore[arg-type]
            secrets=FakeSecrets(),
            throttle=FakeThrottle(),
            reset_throttle=throttle,
            policy=AuthPolicy(reset_answer_time=self.ANSWER_TIME),
        )

    async def test_the_queued_job_names_the_user_and_holds_no_link(
        self, auth: AuthService, uow: InMemoryUnitOfWork
    ) -> None:
        user = User(organisation_id=ORG, email="a@example.com", full_name="A", role_id=uuid4())
        await uow.users.add(user)
        await auth.request_password_reset("A@example.com", client_ip="10.0.0.1")
        [job] = uow.enqueued
        assert (job.kind, job.params) == (
            LINK_MAIL_JOB,
            {"user_id": str(user.id), "purpose": "password_reset"},
        )
        assert uow.action_tokens.rows == {}  # minted by the worker when it mails the link

    async def test_known_and_unknown_addresses_are_answered_after_the_same_minimum_time(
        self, auth: AuthService, uow: InMemoryUnitOfWork
    ) -> None:
        user = User(organisation_id=ORG, email="a@example.com", full_name="A", role_id=uuid4())
        await uow.users.add(user)
        for address in (user.email, "nobody@example.com"):
            started = time.monotonic()
            await auth.request_password_reset(address, client_ip="10.0.0.1")
            assert time.monotonic() - started >= self.ANSWER_TIME.total_seconds()

    async def test_requests_are_limited_per_address_whether_or_not_it_has_an_account(
        self, auth: AuthService
    ) -> None:
        for address in ("a@example.com", "nobody@example.com"):
            for n in range(3):
                await auth.request_password_reset(address, client_ip=f"10.0.0.{n}")
            with pytest.raises(RateLimited):
                await auth.request_password_reset(address.upper(), client_ip="10.0.1.1")

    async def test_requests_are_limited_per_client_address(self, auth: AuthService) -> None:
        for n in range(3):
            await auth.request_password_reset(f"user{n}@example.com", client_ip="10.0.0.9")
        with pytest.raises(RateLimited):
            await auth.request_password_reset("other@example.com", client_ip="10.0.0.9")


class TestLogin:
    async def test_a_failure_is_counted_before_the_password_is_checked(
        self, uow: InMemoryUnitOfWork, clock: FixedClock
    ) -> None:
        checked: list[str] = []

        class CountingHasher(FakeHasher):
            def verify(self, password: str, password_hash: str | None) -> bool:
                checked.append(password)
                return super().verify(password, password_hash)

        auth = AuthService(
            uow=uow,  # type: ignore[arg-type]
            clock=clock,
            hasher=CountingHasher(),
            issuer=None,  # type: ignore[arg-type]
            secrets=FakeSecrets(),
            throttle=FakeThrottle(max_attempts=5),
            reset_throttle=FakeThrottle(),
        )
        user = User(organisation_id=ORG, email="a@example.com", full_name="A", role_id=uuid4())
        user.set_password_hash("hashed(right-password)")
        await uow.users.add(user)
        outcomes = await asyncio.gather(
            *(auth.login(user.email, f"guess-{n}", client_ip="10.0.0.1") for n in range(20)),
            return_exceptions=True,
        )
        assert len(checked) == 5
        assert sum(isinstance(o, RateLimited) for o in outcomes) == 15
