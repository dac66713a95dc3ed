"""Staff use cases."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from domain.auth.model import ActionPurpose
from domain.auth.ports import PasswordHasher, SecretGenerator
from domain.auth.principal import Principal
from domain.auth.services import AuthPolicy, check_password, issue_action_token, mail_job
from domain.platform.audit import record_change
from domain.platform.model import Job
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock, SystemClock
from domain.shared.concurrency import check_version
from domain.shared.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)
from domain.shared.patch import UNSET, Patch
from domain.shared.scope import Scope, Visibility
from domain.staff.model import (
    Absence,
    AbsenceKind,
    Department,
    DepartmentTree,
    FulfilmentBasis,
    Organisation,
    Role,
    Schedule,
    User,
    is_on_duty,
    require_text,
)
from domain.staff.permissions import ADMIN_ROLE_CODE, BUILTIN_ROLES, Permission, Resource
from domain.staff.views import ScheduleView, UserView, load_user_views


def normalise_email(email: str) -> str:
    cleaned = email.strip()
    if "@" not in cleaned or cleaned.startswith("@") or cleaned.endswith("@"):
        raise InvalidInput("email", "is not an e-mail address")
    local, _, domain = cleaned.rpartition("@")
    return f"{local}@{domain.lower()}"


async def load_principal(uow: UnitOfWork, user_id: UUID, organisation_id: UUID) -> Principal:
    """The caller as the domain sees it: role, permissions and department subtree."""
    user = await uow.users.get_for_auth(user_id)
    if user is None or user.organisation_id != organisation_id or not user.is_active:
        raise Unauthenticated("The account does not exist or is deactivated")
    scope = Principal(
        organisation_id=organisation_id, user_id=user_id, permissions=frozenset()
    ).organisation_scope
    role = await uow.roles.get(scope, user.role_id)
    if role is None:
        raise Unauthenticated("The account has no role")
    department_ids: frozenset[UUID] = frozenset()
    if user.department_id is not None:
        tree = DepartmentTree(await uow.departments.list(scope))
        department_ids = tree.subtree(user.department_id)
    return Principal(
        organisation_id=organisation_id,
        user_id=user_id,
        permissions=role.permissions,
        visibility=dict(role.visibility),
        department_ids=department_ids,
        is_admin=role.is_admin,
    )


async def _audit_settings(
    uow: UnitOfWork,
    principal: Principal,
    clock: Clock,
    *,
    entity_type: str,
    entity_id: UUID,
    action: str,
    before: Mapping[str, object],
    after: Mapping[str, object],
) -> None:
    """An audit entry for a change of organisation settings (roles, departments, the
    organisation itself), in the change's transaction."""
    await record_change(
        uow.audit,
        principal,
        organisation_id=principal.organisation_id,
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        before=before,
        after=after,
        at=clock.now(),
    )


def _organisation_fields(o: Organisation) -> dict[str, object]:
    return {
        "name": o.name,
        "currency": o.currency,
        "time_zone": o.time_zone,
        "fulfilment_basis": o.fulfilment_basis,
    }


def _role_fields(r: Role) -> dict[str, object]:
    return {
        "name": r.name,
        "permissions": set(r.permissions),
        "visibility": {k.value: v.value for k, v in r.visibility.items()},
    }


def _department_fields(d: Department) -> dict[str, object]:
    return {"name": d.name, "parent_id": d.parent_id, "head_id": d.head_id}


@dataclass(frozen=True, slots=True)
class ProvisionedOrganisation:
    organisation: Organisation
    roles: dict[str, Role]
    admin: User


async def provision_organisation(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    *,
    name: str,
    admin_email: str,
    admin_password: str,
    admin_name: str = "Администратор",
    currency: str = "RUB",
    time_zone: str = "Europe/Moscow",
) -> ProvisionedOrganisation:
    """A new organisation with the built-in roles and its first administrator. The caller
    commits."""
    check_password(admin_password)
    email = normalise_email(admin_email)
    if await uow.users.get_by_email(email) is not None:
        raise Conflict(f"A user with the e-mail {email} already exists")
    organisation = Organisation(
        name=require_text(name, "name", 200), currency=currency, time_zone=time_zone
    )
    await uow.organisations.add(organisation)
    roles: dict[str, Role] = {}
    for code, (role_name, permissions, visibility) in BUILTIN_ROLES.items():
        role = Role(
            organisation_id=organisation.id,
            code=code,
            name=role_name,
            permissions=permissions,
            visibility=dict(visibility),
        )
        await uow.roles.add(role)
        roles[code] = role
    admin = User(
        organisation_id=organisation.id,
        email=email,
        full_name=require_text(admin_name, "full_name", 200),
        role_id=roles[ADMIN_ROLE_CODE].id,
        password_hash=hasher.hash(admin_password),
        time_zone=time_zone,
    )
    await uow.users.add(admin)
    return ProvisionedOrganisation(organisation=organisation, roles=roles, admin=admin)


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
            user = await _get_user(uow, principal, _require_user_id(principal))
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
            user = await _get_user(uow, principal, _require_user_id(principal))
            version = user.version if expected_version is None else expected_version
            user.update_profile(
                full_name=full_name, phone=phone, language=language, time_zone=time_zone
            )
            await uow.users.update(user, version)
            await uow.commit()
            return (await load_user_views(uow, principal.organisation_scope, [user]))[0]


class InvitationService:
    def __init__(
        self,
        uow: UnitOfWork,
        clock: Clock,
        secrets: SecretGenerator,
        *,
        link_base: str,
        policy: AuthPolicy | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._secrets = secrets
        self._link_base = link_base
        self._policy = policy or AuthPolicy()

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
            if await uow.roles.get(scope, role_id) is None:
                raise InvalidInput("role_id", "no such role")
            if (
                department_id is not None
                and await uow.departments.get(scope, department_id) is None
            ):
                raise InvalidInput("department_id", "no such department")
            organisation = await uow.organisations.get(principal.organisation_id)
            assert organisation is not None
            user = User(
                organisation_id=principal.organisation_id,
                email=address,
                full_name=require_text(full_name, "full_name", 200),
                role_id=role_id,
                department_id=department_id,
                time_zone=organisation.time_zone,
            )
            user.update_profile(language=language, time_zone=time_zone or organisation.time_zone)
            await uow.users.add(user)
            secret = await issue_action_token(
                uow,
                self._clock,
                self._secrets,
                user,
                ActionPurpose.INVITATION,
                self._policy.invitation_ttl,
            )
            job = mail_job(
                user,
                self._clock,
                subject=f"Приглашение в CRM {organisation.name}",
                body=(
                    f"Здравствуйте, {user.full_name}!\n\n"
                    f"Вас пригласили в CRM организации «{organisation.name}».\n"
                    f"Чтобы задать пароль и войти, откройте ссылку:\n"
                    f"{self._link_base}/set-password?token={secret}\n"
                ),
            )
            job.created_by = principal.user_id
            await uow.enqueue(job)
            await uow.commit()
            return (await load_user_views(uow, scope, [user]))[0], job


def _require_user_id(principal: Principal) -> UUID:
    if principal.user_id is None:
        raise PermissionDenied("An API key has no user profile; this needs a signed-in user")
    return principal.user_id


async def _get_user(uow: UnitOfWork, principal: Principal, user_id: UUID) -> User:
    user = await uow.users.get(principal.organisation_scope, user_id)
    if user is None:
        raise NotFound("User", user_id)
    return user


async def _require_active_colleague(
    uow: UnitOfWork, principal: Principal, user_id: UUID, field_name: str
) -> User:
    user = await uow.users.get(principal.organisation_scope, user_id)
    if user is None or not user.is_active:
        raise InvalidInput(field_name, "must be an active user of this organisation")
    return user


class OrganisationService:
    def __init__(self, uow: UnitOfWork, clock: Clock | None = None) -> None:
        self._uow = uow
        self._clock = clock or SystemClock()

    async def get(self, principal: Principal) -> Organisation:
        async with self._uow as uow:
            return await self._load(uow, principal)

    async def update(
        self,
        principal: Principal,
        *,
        name: str | None = None,
        currency: str | None = None,
        time_zone: str | None = None,
        fulfilment_basis: FulfilmentBasis | None = None,
        expected_version: int | None = None,
    ) -> Organisation:
        principal.require(Permission.ORGANISATION_MANAGE)
        async with self._uow as uow:
            organisation = await self._load(uow, principal)
            before = _organisation_fields(organisation)
            version = organisation.version if expected_version is None else expected_version
            organisation.change(
                name=name, currency=currency, time_zone=time_zone, fulfilment_basis=fulfilment_basis
            )
            await uow.organisations.update(organisation, version)
            await _audit_settings(
                uow,
                principal,
                self._clock,
                entity_type="organisation",
                entity_id=organisation.id,
                action="update",
                before=before,
                after=_organisation_fields(organisation),
            )
            await uow.commit()
            return organisation

    @staticmethod
    async def _load(uow: UnitOfWork, principal: Principal) -> Organisation:
        organisation = await uow.organisations.get(principal.organisation_id)
        if organisation is None:
            raise NotFound("Organisation", principal.organisation_id)
        return organisation


@dataclass(frozen=True, slots=True)
class PermissionCatalogue:
    permissions: tuple[Permission, ...]
    resources: tuple[Resource, ...]
    visibility_levels: tuple[Visibility, ...]


class RoleService:
    """Roles are editable permission sets; the built-in administrator role stays all-powerful."""

    def __init__(self, uow: UnitOfWork, clock: Clock | None = None) -> None:
        self._uow = uow
        self._clock = clock or SystemClock()

    @staticmethod
    def catalogue() -> PermissionCatalogue:
        return PermissionCatalogue(
            permissions=tuple(Permission),
            resources=tuple(Resource),
            visibility_levels=tuple(Visibility),
        )

    async def list(self, principal: Principal) -> Sequence[Role]:
        async with self._uow as uow:
            return await uow.roles.list(principal.organisation_scope)

    async def get(self, principal: Principal, role_id: UUID) -> Role:
        async with self._uow as uow:
            return await self._load(uow, principal, role_id)

    async def create(
        self,
        principal: Principal,
        *,
        name: str,
        permissions: Iterable[Permission] = (),
        visibility: Mapping[Resource, Visibility] | None = None,
    ) -> Role:
        principal.require(Permission.ROLES_MANAGE)
        role = Role.custom(
            principal.organisation_id, name=name, permissions=permissions, visibility=visibility
        )
        async with self._uow as uow:
            await self._require_unique_name(uow, principal, role)
            await uow.roles.add(role)
            await _audit_settings(
                uow,
                principal,
                self._clock,
                entity_type="role",
                entity_id=role.id,
                action="create",
                before={},
                after=_role_fields(role),
            )
            await uow.commit()
            return role

    async def update(
        self,
        principal: Principal,
        role_id: UUID,
        *,
        name: str | None = None,
        permissions: Iterable[Permission] | None = None,
        visibility: Mapping[Resource, Visibility] | None = None,
        expected_version: int | None = None,
    ) -> Role:
        principal.require(Permission.ROLES_MANAGE)
        async with self._uow as uow:
            role = await self._load(uow, principal, role_id)
            before = _role_fields(role)
            version = role.version if expected_version is None else expected_version
            role.change(name=name, permissions=permissions, visibility=visibility)
            await self._require_unique_name(uow, principal, role)
            await uow.roles.update(role, version)
            await _audit_settings(
                uow,
                principal,
                self._clock,
                entity_type="role",
                entity_id=role.id,
                action="update",
                before=before,
                after=_role_fields(role),
            )
            await uow.commit()
            return role

    async def delete(
        self, principal: Principal, role_id: UUID, *, expected_version: int | None = None
    ) -> None:
        principal.require(Permission.ROLES_MANAGE)
        scope = principal.organisation_scope
        async with self._uow as uow:
            role = await self._load(uow, principal, role_id)
            check_version("Role", role.version, expected_version)
            if role.is_admin:
                raise Conflict("The administrator role cannot be deleted")
            if await uow.roles.count_users(scope, role_id):
                raise Conflict("The role is assigned to users; give them another role first")
            await uow.roles.delete(scope, role_id)
            await _audit_settings(
                uow,
                principal,
                self._clock,
                entity_type="role",
                entity_id=role.id,
                action="delete",
                before=_role_fields(role),
                after={},
            )
            await uow.commit()

    @staticmethod
    async def _load(uow: UnitOfWork, principal: Principal, role_id: UUID) -> Role:
        role = await uow.roles.get(principal.organisation_scope, role_id)
        if role is None:
            raise NotFound("Role", role_id)
        return role

    @staticmethod
    async def _require_unique_name(uow: UnitOfWork, principal: Principal, role: Role) -> None:
        wanted = role.name.casefold()
        for other in await uow.roles.list(principal.organisation_scope):
            if other.id != role.id and other.name.casefold() == wanted:
                raise Conflict(f"A role named {role.name!r} already exists")


class DepartmentService:
    """Departments form a tree; a department's head manages its members and the heads of the
    departments directly below it."""

    def __init__(self, uow: UnitOfWork, clock: Clock | None = None) -> None:
        self._uow = uow
        self._clock = clock or SystemClock()

    async def list(self, principal: Principal) -> Sequence[Department]:
        async with self._uow as uow:
            return await uow.departments.list(principal.organisation_scope)

    async def get(self, principal: Principal, department_id: UUID) -> Department:
        async with self._uow as uow:
            return await self._load(uow, principal, department_id)

    async def create(
        self,
        principal: Principal,
        *,
        name: str,
        parent_id: UUID | None = None,
        head_id: UUID | None = None,
    ) -> Department:
        principal.require(Permission.DEPARTMENTS_MANAGE)
        department = Department(organisation_id=principal.organisation_id, name=name)
        async with self._uow as uow:
            await self._apply(uow, principal, department, parent_id=parent_id, head_id=head_id)
            await uow.departments.add(department)
            await _audit_settings(
                uow,
                principal,
                self._clock,
                entity_type="department",
                entity_id=department.id,
                action="create",
                before={},
                after=_department_fields(department),
            )
            await uow.commit()
            return department

    async def update(
        self,
        principal: Principal,
        department_id: UUID,
        *,
        name: str | None = None,
        parent_id: Patch[UUID | None] = UNSET,
        head_id: Patch[UUID | None] = UNSET,
        expected_version: int | None = None,
    ) -> Department:
        principal.require(Permission.DEPARTMENTS_MANAGE)
        async with self._uow as uow:
            department = await self._load(uow, principal, department_id)
            before = _department_fields(department)
            version = department.version if expected_version is None else expected_version
            department.change(name=name)
            await self._apply(uow, principal, department, parent_id=parent_id, head_id=head_id)
            await uow.departments.update(department, version)
            await _audit_settings(
                uow,
                principal,
                self._clock,
                entity_type="department",
                entity_id=department.id,
                action="update",
                before=before,
                after=_department_fields(department),
            )
            await uow.commit()
            return department

    async def delete(
        self, principal: Principal, department_id: UUID, *, expected_version: int | None = None
    ) -> None:
        principal.require(Permission.DEPARTMENTS_MANAGE)
        scope = principal.organisation_scope
        async with self._uow as uow:
            department = await self._load(uow, principal, department_id)
            check_version("Department", department.version, expected_version)
            if await uow.departments.count_members(scope, department_id):
                raise Conflict("The department has members or sub-departments; move them out first")
            await uow.departments.delete(scope, department_id)
            await _audit_settings(
                uow,
                principal,
                self._clock,
                entity_type="department",
                entity_id=department.id,
                action="delete",
                before=_department_fields(department),
                after={},
            )
            await uow.commit()

    @staticmethod
    async def _apply(
        uow: UnitOfWork,
        principal: Principal,
        department: Department,
        *,
        parent_id: Patch[UUID | None],
        head_id: Patch[UUID | None],
    ) -> None:
        if parent_id is not UNSET:
            tree = DepartmentTree(await uow.departments.list(principal.organisation_scope))
            tree.check_parent(department.id, parent_id)
        if head_id is not UNSET and head_id is not None:
            await _require_active_colleague(uow, principal, head_id, "head_id")
        department.change(parent_id=parent_id, head_id=head_id)

    @staticmethod
    async def _load(uow: UnitOfWork, principal: Principal, department_id: UUID) -> Department:
        department = await uow.departments.get(principal.organisation_scope, department_id)
        if department is None:
            raise NotFound("Department", department_id)
        return department


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
    ) -> list[UserView]:
        """Ordered by (full_name, id), after the keyset cursor ``after``."""
        principal.require(Permission.USERS_READ)
        scope = principal.organisation_scope
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
            )
            return await load_user_views(uow, scope, users)

    async def get(self, principal: Principal, user_id: UUID) -> UserView:
        if user_id != principal.user_id:
            principal.require(Permission.USERS_READ)
        async with self._uow as uow:
            user = await _get_user(uow, principal, user_id)
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
            user = await _get_user(uow, principal, user_id)
            version = user.version if expected_version is None else expected_version
            if role_id is not None and role_id != user.role_id:
                role = await uow.roles.get(scope, role_id)
                if role is None:
                    raise InvalidInput("role_id", "no such role")
                if not role.is_admin:
                    await self._keep_an_admin(uow, principal, user, "demote")
            if (
                department_id is not UNSET
                and department_id is not None
                and await uow.departments.get(scope, department_id) is None
            ):
                raise InvalidInput("department_id", "no such department")
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
            user = await _get_user(uow, principal, user_id)
            version = user.version if expected_version is None else expected_version
            if user.is_active:
                await self._keep_an_admin(uow, principal, user, "deactivate")
                user.deactivate()
                await uow.users.update(user, version)
                await uow.refresh_tokens.revoke_all_for_user(user.id, self._clock.now())
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
            user = await _get_user(uow, principal, user_id)
            version = user.version if expected_version is None else expected_version
            if not user.is_active:
                user.activate()
                await uow.users.update(user, version)
                await uow.commit()
            return (await load_user_views(uow, scope, [user]))[0]

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


class ScheduleService:
    """Working hours per user, and who is on duty at a moment."""

    _PAGE = 1000

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def get(self, principal: Principal, user_id: UUID) -> ScheduleView:
        if user_id != principal.user_id:
            principal.require(Permission.USERS_READ)
        async with self._uow as uow:
            user = await _get_user(uow, principal, user_id)
            stored = await uow.schedules.get(principal.organisation_scope, user_id)
        if stored is not None:
            return ScheduleView(schedule=stored, is_default=False)
        standard = Schedule.standard(user.organisation_id, user.id, user.time_zone)
        return ScheduleView(schedule=standard, is_default=True)

    async def put(
        self,
        principal: Principal,
        user_id: UUID,
        *,
        time_zone: str,
        days: Mapping[str, tuple[time, time]],
    ) -> ScheduleView:
        if user_id != principal.user_id:
            principal.require(Permission.SCHEDULES_MANAGE)
        async with self._uow as uow:
            user = await _get_user(uow, principal, user_id)
            schedule = Schedule.of(user.organisation_id, user.id, time_zone=time_zone, days=days)
            await uow.schedules.save(schedule)
            await uow.commit()
        return ScheduleView(schedule=schedule, is_default=False)

    async def on_duty(self, principal: Principal, at: datetime | None = None) -> list[UserView]:
        """Active users inside their working hours at ``at`` (now by default) and not absent
        on that day in their own time zone."""
        principal.require(Permission.USERS_READ)
        moment = at or self._clock.now()
        if moment.tzinfo is None:
            raise InvalidInput(("query", "at"), "must include a time zone offset")
        scope = principal.organisation_scope
        async with self._uow as uow:
            users = await self._active_users(uow, scope)
            schedules = {s.user_id: s for s in await uow.schedules.list(scope)}
            # Local dates differ from UTC by at most a day either way.
            day = moment.astimezone(UTC).date()
            absences: dict[UUID, list[Absence]] = {}
            for absence in await self._absences(uow, scope, day - _DAY, day + _DAY):
                absences.setdefault(absence.user_id, []).append(absence)
            on_duty = [
                u
                for u in users
                if is_on_duty(schedules.get(u.id), absences.get(u.id, ()), moment, u.time_zone)
            ]
            return await load_user_views(uow, scope, on_duty)

    async def _active_users(self, uow: UnitOfWork, scope: Scope) -> list[User]:
        found: list[User] = []
        after: tuple[str, UUID] | None = None
        while True:
            page = await uow.users.list(scope, limit=self._PAGE, after=after, is_active=True)
            found.extend(page)
            if len(page) < self._PAGE:
                return found
            after = (page[-1].full_name, page[-1].id)

    async def _absences(
        self, uow: UnitOfWork, scope: Scope, starts_on: date, ends_on: date
    ) -> list[Absence]:
        found: list[Absence] = []
        after: tuple[date, UUID] | None = None
        while True:
            page = await uow.absences.list(
                scope, overlapping=(starts_on, ends_on), limit=self._PAGE, after=after
            )
            found.extend(page)
            if len(page) < self._PAGE:
                return found
            after = (page[-1].starts_on, page[-1].id)


_DAY = timedelta(days=1)


ABSENCE_HAND_OVER_JOB = "staff.absence_hand_over"


class AbsenceService:
    """Vacations, sick leave and business trips. Everyone records their own; others' need
    absences:manage."""

    def __init__(self, uow: UnitOfWork, clock: Clock | None = None) -> None:
        self._uow = uow
        self._clock = clock or SystemClock()

    async def _hand_over_soon(
        self, uow: UnitOfWork, principal: Principal, absence: Absence
    ) -> None:
        """An absence with a substitute that has begun hands the absent person's due tasks over
        right after commit (the worker's every-minute sweep would, too, a little later)."""
        today = self._clock.now().date()
        if absence.substitute_id is None or not absence.starts_on <= today <= absence.ends_on:
            return
        await uow.enqueue(
            Job(
                organisation_id=absence.organisation_id,
                kind=ABSENCE_HAND_OVER_JOB,
                params={"absence_id": str(absence.id)},
                created_by=principal.user_id,
                created_at=self._clock.now(),
            )
        )

    async def list(
        self,
        principal: Principal,
        *,
        limit: int,
        after: tuple[date, UUID] | None = None,
        user_id: UUID | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> Sequence[Absence]:
        """Absences overlapping [date_from, date_to], ordered by (starts_on, id). Without
        users:read a user sees only their own."""
        overlapping = None
        if date_from is not None or date_to is not None:
            overlapping = (date_from or date.min, date_to or date.max)
        if not principal.can(Permission.USERS_READ):
            if principal.user_id is None or user_id not in (None, principal.user_id):
                raise PermissionDenied("This requires the permission users:read")
            user_id = principal.user_id
        async with self._uow as uow:
            return await uow.absences.list(
                principal.organisation_scope,
                user_id=user_id,
                overlapping=overlapping,
                limit=limit,
                after=after,
            )

    async def get(self, principal: Principal, absence_id: UUID) -> Absence:
        async with self._uow as uow:
            absence = await self._load(uow, principal, absence_id)
        if absence.user_id != principal.user_id and not principal.can(Permission.USERS_READ):
            raise NotFound("Absence", absence_id)
        return absence

    async def create(
        self,
        principal: Principal,
        *,
        kind: AbsenceKind,
        starts_on: date,
        ends_on: date,
        user_id: UUID | None = None,
        substitute_id: UUID | None = None,
        comment: str | None = None,
    ) -> Absence:
        target = user_id or principal.user_id
        if target is None:
            raise InvalidInput("user_id", "is required when calling with an API key")
        if target != principal.user_id:
            principal.require(Permission.ABSENCES_MANAGE)
        absence = Absence(
            organisation_id=principal.organisation_id,
            user_id=target,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            substitute_id=substitute_id,
            comment=comment,
            created_by=principal.user_id,
        )
        async with self._uow as uow:
            if await uow.users.get(principal.organisation_scope, target) is None:
                raise InvalidInput("user_id", "no such user")
            await self._check(uow, principal, absence)
            await uow.absences.add(absence)
            await self._hand_over_soon(uow, principal, absence)
            await uow.commit()
            return absence

    async def update(
        self,
        principal: Principal,
        absence_id: UUID,
        *,
        kind: AbsenceKind | None = None,
        starts_on: date | None = None,
        ends_on: date | None = None,
        substitute_id: Patch[UUID | None] = UNSET,
        comment: Patch[str | None] = UNSET,
        expected_version: int | None = None,
    ) -> Absence:
        async with self._uow as uow:
            absence = await self._load_for_change(uow, principal, absence_id)
            version = absence.version if expected_version is None else expected_version
            absence.change(
                kind=kind,
                starts_on=starts_on,
                ends_on=ends_on,
                substitute_id=substitute_id,
                comment=comment,
            )
            await self._check(uow, principal, absence)
            await uow.absences.update(absence, version)
            await self._hand_over_soon(uow, principal, absence)
            await uow.commit()
            return absence

    async def delete(
        self, principal: Principal, absence_id: UUID, *, expected_version: int | None = None
    ) -> None:
        async with self._uow as uow:
            absence = await self._load_for_change(uow, principal, absence_id)
            check_version("Absence", absence.version, expected_version)
            await uow.absences.delete(principal.organisation_scope, absence_id)
            await uow.commit()

    @staticmethod
    async def _check(uow: UnitOfWork, principal: Principal, absence: Absence) -> None:
        scope = principal.organisation_scope
        dates = (absence.starts_on, absence.ends_on)
        own = await uow.absences.list(scope, user_id=absence.user_id, overlapping=dates, limit=2)
        if any(other.id != absence.id for other in own):
            raise Conflict("The employee already has an absence on some of these dates")
        if absence.substitute_id is None:
            return
        await _require_active_colleague(uow, principal, absence.substitute_id, "substitute_id")
        if await uow.absences.list(
            scope, user_id=absence.substitute_id, overlapping=dates, limit=1
        ):
            raise InvalidInput("substitute_id", "the substitute is absent on some of these dates")

    async def _load_for_change(
        self, uow: UnitOfWork, principal: Principal, absence_id: UUID
    ) -> Absence:
        absence = await self._load(uow, principal, absence_id)
        if absence.user_id != principal.user_id:
            if not principal.can(Permission.USERS_READ):
                raise NotFound("Absence", absence_id)
            principal.require(Permission.ABSENCES_MANAGE)
        return absence

    @staticmethod
    async def _load(uow: UnitOfWork, principal: Principal, absence_id: UUID) -> Absence:
        absence = await uow.absences.get(principal.organisation_scope, absence_id)
        if absence is None:
            raise NotFound("Absence", absence_id)
        return absence
