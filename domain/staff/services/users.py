"""User account use cases: a user's own profile, invitations, and the administration of
colleagues' accounts."""

from __future__ import annotations

from uuid import UUID

from domain.auth.model import ActionPurpose
from domain.auth.principal import Principal
from domain.auth.services import link_mail_job
from domain.platform.model import Job
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.email import validate_email
from domain.shared.errors import NOT_FOUND_CODE, Conflict, InvalidInput, PermissionDenied
from domain.shared.patch import UNSET, Patch
from domain.shared.text import clean_text
from domain.staff.model import USER_FULL_NAME_MAX, DepartmentTree, User
from domain.staff.permissions import ADMIN_ROLE_CODE, Permission, Resource
from domain.staff.services.colleagues import get_user
from domain.staff.views import UserView, load_user_views


def normalise_email(email: str) -> str:
    local, _, domain = validate_email(email, "email").partition("@")
    return f"{local}@{domain.lower()}"


async def user_names(uow: UnitOfWork, principal: Principal) -> dict[UUID, str]:
    """Full names of the organisation's users by id, for exports and reports."""
    async with uow:
        return await uow.users.names(principal.organisation_scope)


class ProfileService:
    """What every user may do to their own account."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def get(self, principal: Principal) -> UserView:
        async with self._uow as uow:
            user = await get_user(uow, principal, _require_user_id(principal))
            return (await load_user_views(uow, principal.organisation_scope, [user]))[0]

    async def update(
        self,
        principal: Principal,
        *,
        full_name: str | None = None,
        phone: str | None = None,
        language: str | None = None,
        time_zone: str | None = None,
        expected_version: int | None = None,
    ) -> UserView:
        async with self._uow as uow:
            user = await get_user(uow, principal, _require_user_id(principal))
            version = user.version if expected_version is None else expected_version
            user.update_profile(
                full_name=full_name, phone=phone, language=language, time_zone=time_zone
            )
            await uow.users.update(user, version)
            await uow.commit()
            return (await load_user_views(uow, principal.organisation_scope, [user]))[0]


class InvitationService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def invite(
        self,
        principal: Principal,
        *,
        email: str,
        full_name: str,
        role_id: UUID,
        department_id: UUID | None = None,
        language: str = "ru",
        time_zone: str | None = None,
    ) -> tuple[UserView, Job]:
        """Creates the account without a password and mails a link to set one."""
        principal.require(Permission.USERS_MANAGE)
        scope = principal.organisation_scope
        address = normalise_email(email)
        async with self._uow as uow:
            if await uow.users.get_by_email(address) is not None:
                raise Conflict(f"A user with the e-mail {address} already exists")
            role = await uow.roles.get(scope, role_id)
            if role is None:
                raise InvalidInput("role_id", "no such role", code=NOT_FOUND_CODE)
            principal.require_grant(role)
            if (
                department_id is not None
                and await uow.departments.get(scope, department_id) is None
            ):
                raise InvalidInput("department_id", "no such department", code=NOT_FOUND_CODE)
            organisation = await uow.organisations.get(principal.organisation_id)
            assert organisation is not None
            user = User(
                organisation_id=principal.organisation_id,
                email=address,
                full_name=clean_text(full_name, "full_name", max_length=USER_FULL_NAME_MAX),
                role_id=role_id,
                department_id=department_id,
                time_zone=organisation.time_zone,
            )
            user.update_profile(language=language, time_zone=time_zone or organisation.time_zone)
            await uow.users.add(user)
            # The worker mints the link when it sends the mail, so no job holds it.
            job = link_mail_job(user, self._clock, ActionPurpose.INVITATION)
            job.created_by = principal.user_id
            await uow.enqueue(job)
            await uow.commit()
            return (await load_user_views(uow, scope, [user]))[0], job


def _require_user_id(principal: Principal) -> UUID:
    if principal.user_id is None:
        raise PermissionDenied("An API key has no user profile; this needs a signed-in user")
    return principal.user_id


class UserAdminService:
    """Admins list, edit, deactivate and reactivate colleagues. Deactivation keeps every record
    the user owns; it only ends their access."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def list(
        self,
        principal: Principal,
        *,
        limit: int,
        after: tuple[str, UUID] | None = None,
        department_id: UUID | None = None,
        include_subdepartments: bool = False,
        is_active: bool | None = None,
        search: str | None = None,
        owners_of: Resource | None = None,
    ) -> list[UserView]:
        """Ordered by (full_name, id), after the keyset cursor ``after``; with ``owners_of``,
        only the colleagues whose records of that kind the caller may see (a head of sales'
        team, for the team filter of the lists and the board)."""
        principal.require(Permission.USERS_READ)
        scope = principal.organisation_scope
        owner_scope = principal.scope_for(owners_of) if owners_of is not None else None
        async with self._uow as uow:
            department_ids: frozenset[UUID] | None = None
            if department_id is not None:
                department_ids = frozenset({department_id})
                if include_subdepartments:
                    tree = DepartmentTree(await uow.departments.list(scope))
                    department_ids = tree.subtree(department_id)
            users = await uow.users.list(
                scope,
                limit=limit,
                after=after,
                department_ids=department_ids,
                is_active=is_active,
                search=search.strip() if search and search.strip() else None,
                owners_visible_in=owner_scope,
            )
            return await load_user_views(uow, scope, users)

    async def get(self, principal: Principal, user_id: UUID) -> UserView:
        if user_id != principal.user_id:
            principal.require(Permission.USERS_READ)
        async with self._uow as uow:
            user = await get_user(uow, principal, user_id)
            return (await load_user_views(uow, principal.organisation_scope, [user]))[0]

    async def update(
        self,
        principal: Principal,
        user_id: UUID,
        *,
        full_name: str | None = None,
        role_id: UUID | None = None,
        department_id: Patch[UUID | None] = UNSET,
        phone: Patch[str | None] = UNSET,
        language: str | None = None,
        time_zone: str | None = None,
        expected_version: int | None = None,
    ) -> UserView:
        principal.require(Permission.USERS_MANAGE)
        scope = principal.organisation_scope
        async with self._uow as uow:
            user = await get_user(uow, principal, user_id)
            version = user.version if expected_version is None else expected_version
            if role_id is not None and role_id != user.role_id:
                if user.id == principal.user_id and not principal.is_admin:
                    raise PermissionDenied("You cannot change your own role")
                role = await uow.roles.get(scope, role_id)
                if role is None:
                    raise InvalidInput("role_id", "no such role", code=NOT_FOUND_CODE)
                # Both the role taken away and the one given must be within the caller's own.
                await self._require_grantable_role_of(uow, principal, user)
                principal.require_grant(role)
                if not role.is_admin:
                    await self._keep_an_admin(uow, principal, user, "demote")
            if (
                department_id is not UNSET
                and department_id is not None
                and await uow.departments.get(scope, department_id) is None
            ):
                raise InvalidInput("department_id", "no such department", code=NOT_FOUND_CODE)
            user.update_profile(
                full_name=full_name,
                phone=None if phone is UNSET else (phone or ""),
                language=language,
                time_zone=time_zone,
            )
            user.assign(role_id=role_id, department_id=department_id)
            await uow.users.update(user, version)
            await uow.commit()
            return (await load_user_views(uow, scope, [user]))[0]

    async def deactivate(
        self, principal: Principal, user_id: UUID, *, expected_version: int | None = None
    ) -> UserView:
        """The user can no longer sign in: refresh tokens are revoked and access tokens stop
        working on the next request. Departments they head are left without a head."""
        principal.require(Permission.USERS_MANAGE)
        if user_id == principal.user_id:
            raise Conflict("You cannot deactivate yourself")
        scope = principal.organisation_scope
        async with self._uow as uow:
            user = await get_user(uow, principal, user_id)
            version = user.version if expected_version is None else expected_version
            if user.is_active:
                await self._keep_an_admin(uow, principal, user, "deactivate")
                await self._require_grantable_role_of(uow, principal, user)
                user.deactivate()
                await uow.users.update(user, version)
                await uow.refresh_tokens.revoke_all_for_user(
                    user.organisation_id, user.id, self._clock.now()
                )
                for department in await uow.departments.list(scope):
                    if department.head_id == user.id:
                        head_version = department.version
                        department.change(head_id=None)
                        await uow.departments.update(department, head_version)
                await uow.commit()
            return (await load_user_views(uow, scope, [user]))[0]

    async def activate(
        self, principal: Principal, user_id: UUID, *, expected_version: int | None = None
    ) -> UserView:
        principal.require(Permission.USERS_MANAGE)
        scope = principal.organisation_scope
        async with self._uow as uow:
            user = await get_user(uow, principal, user_id)
            version = user.version if expected_version is None else expected_version
            if not user.is_active:
                user.activate()
                await uow.users.update(user, version)
                await uow.commit()
            return (await load_user_views(uow, scope, [user]))[0]

    @staticmethod
    async def _require_grantable_role_of(uow: UnitOfWork, principal: Principal, user: User) -> None:
        """A manager acts on colleagues whose role they could grant, not on those above them
        (an administrator's account is not a delegated manager's to demote or lock out)."""
        current = await uow.roles.get(principal.organisation_scope, user.role_id)
        if current is not None:
            principal.require_grant(current)

    @staticmethod
    async def _keep_an_admin(
        uow: UnitOfWork, principal: Principal, user: User, action: str
    ) -> None:
        """An organisation always keeps an active administrator, or nobody could manage it."""
        if not user.is_active:
            return
        scope = principal.organisation_scope
        current = await uow.roles.get(scope, user.role_id)
        if current is None or not current.is_admin:
            return
        if await uow.users.count_active_with_role_code(scope, ADMIN_ROLE_CODE) <= 1:
            raise Conflict(f"Cannot {action} the last active administrator")
