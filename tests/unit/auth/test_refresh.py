from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from domain.auth.model import RefreshToken
from domain.auth.services import AuthService
from domain.shared.clock import FixedClock
from domain.shared.errors import Unauthenticated
from domain.shared.ids import new_id
from domain.staff.model import User
from tests.unit.auth.fakes import FakeHasher, FakeSecrets, InMemoryUnitOfWork

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ORG = uuid4()
FIRST = "first-token"


class FakeIssuer:
    def issue(self, *, user_id: UUID, organisation_id: UUID, now: datetime) -> tuple[str, int]:
        return f"access-{user_id}-{now.isoformat()}", 900


@pytest.fixture
def uow() -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def auth(uow: InMemoryUnitOfWork, clock: FixedClock) -> AuthService:
    return AuthService(
        uow=uow,  # type: ignore[arg-type]
        clock=clock,
        hasher=FakeHasher(),
        issuer=FakeIssuer(),
        secrets=FakeSecrets(),
        throttle=None,  # type: ignore[arg-type]
        reset_throttle=None,  # type: ignore[arg-type]
    )


@pytest.fixture
async def signed_in(uow: InMemoryUnitOfWork) -> User:
    """A user whose sign-in holds the refresh token FIRST."""
    user = User(organisation_id=ORG, email="a@example.com", full_name="A", role_id=uuid4())
    await uow.users.add(user)
    await uow.refresh_tokens.add(
        RefreshToken(
            organisation_id=ORG,
            user_id=user.id,
            family_id=new_id(),
            token_hash=FakeSecrets().digest(FIRST),
            expires_at=NOW + timedelta(days=30),
            created_at=NOW,
        )
    )
    return user


@pytest.mark.usefixtures("signed_in")
class TestRefreshRotation:
    async def test_two_tabs_refreshing_with_one_token_at_once_both_get_working_pairs(
        self, auth: AuthService, clock: FixedClock
    ) -> None:
        first_tab = await auth.refresh(FIRST)
        clock.move_to(NOW + timedelta(seconds=2))
        second_tab = await auth.refresh(FIRST)
        assert second_tab.refresh_token != first_tab.refresh_token
        # Whichever cookie the browser keeps goes on working.
        clock.move_to(NOW + timedelta(minutes=15))
        assert (await auth.refresh(first_tab.refresh_token)).access_token
        assert (await auth.refresh(second_tab.refresh_token)).access_token

    async def test_reuse_after_the_grace_period_ends_the_whole_session(
        self, auth: AuthService, clock: FixedClock
    ) -> None:
        rotated = await auth.refresh(FIRST)
        clock.move_to(NOW + timedelta(seconds=31))
        with pytest.raises(Unauthenticated, match="already used"):
            await auth.refresh(FIRST)
        with pytest.raises(Unauthenticated):
            await auth.refresh(rotated.refresh_token)

    async def test_the_grace_period_is_thirty_seconds(
        self, auth: AuthService, clock: FixedClock
    ) -> None:
        await auth.refresh(FIRST)
        clock.move_to(NOW + timedelta(seconds=30))
        assert (await auth.refresh(FIRST)).access_token

    async def test_a_rotated_token_does_not_outlive_a_sign_out(
        self, auth: AuthService, clock: FixedClock
    ) -> None:
        rotated = await auth.refresh(FIRST)
        await auth.logout(rotated.refresh_token)
        clock.move_to(NOW + timedelta(seconds=1))
        with pytest.raises(Unauthenticated):
            await auth.refresh(FIRST)

    async def test_a_rotated_token_does_not_outlive_a_detected_reuse(
        self, auth: AuthService, clock: FixedClock
    ) -> None:
        second = await auth.refresh(FIRST)
        await auth.refresh(second.refresh_token)
        clock.move_to(NOW + timedelta(seconds=40))
        # The first token, long rotated, comes back: the session ends ...
        with pytest.raises(Unauthenticated):
            await auth.refresh(FIRST)
        # ... and the token rotated within the last 30 s no longer helps either.
        with pytest.raises(Unauthenticated):
            await auth.refresh(second.refresh_token)

    async def test_a_deactivated_user_gets_no_pair_within_the_grace(
        self, auth: AuthService, uow: InMemoryUnitOfWork, signed_in: User
    ) -> None:
        await auth.refresh(FIRST)
        uow.users.rows[signed_in.id].is_active = False
        with pytest.raises(Unauthenticated, match="deactivated"):
            await auth.refresh(FIRST)
