"""Staff use cases."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.auth.model import ActionPurpose
from domain.auth.ports import PasswordHasher, SecretGenerator
from domain.auth.principal import Principal
from domain.auth.services import AuthPolicy, check_password, issue_action_token, mail_job
from domain.platform.model import Job
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from domain.staff.model import DepartmentTree, Organisation, Role, User, require_text
from domain.staff.permissions import ADMIN_ROLE_CODE, BUILTIN_ROLES, Permission
from domain.staff.views import UserView, load_user_views


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
        raise InvalidInput("user", "an API key has no profile")
    return principal.user_id


async def _get_user(uow: UnitOfWork, principal: Principal, user_id: UUID) -> User:
    user = await uow.users.get(principal.organisation_scope, user_id)
    if user is None:
        raise NotFound("User", user_id)
    return user
