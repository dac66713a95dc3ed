"""Organisation use cases: provisioning a new organisation with its built-in roles and first
administrator, and editing its settings."""

from __future__ import annotations

from dataclasses import dataclass

from domain.auth.ports import PasswordHasher
from domain.auth.principal import Principal
from domain.auth.services import check_password
from domain.platform.audit import record_change
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock, SystemClock
from domain.shared.errors import Conflict, NotFound
from domain.shared.text import clean_text
from domain.staff.model import (
    ORGANISATION_NAME_MAX,
    USER_FULL_NAME_MAX,
    FulfilmentBasis,
    Organisation,
    Role,
    User,
)
from domain.staff.permissions import ADMIN_ROLE_CODE, BUILTIN_ROLES, Permission
from domain.staff.services.users import normalise_email


def _organisation_fields(o: Organisation) -> dict[str, object]:
    return {
        "name": o.name,
        "currency": o.currency,
        "time_zone": o.time_zone,
        "fulfilment_basis": o.fulfilment_basis,
        "webhooks_allow_private_targets": o.webhooks_allow_private_targets,
    }


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
        name=clean_text(name, "name", max_length=ORGANISATION_NAME_MAX),
        currency=currency,
        time_zone=time_zone,
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
        full_name=clean_text(admin_name, "full_name", max_length=USER_FULL_NAME_MAX),
        role_id=roles[ADMIN_ROLE_CODE].id,
        password_hash=hasher.hash(admin_password),
        time_zone=time_zone,
    )
    await uow.users.add(admin)
    return ProvisionedOrganisation(organisation=organisation, roles=roles, admin=admin)


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
        webhooks_allow_private_targets: bool | None = None,
        expected_version: int | None = None,
    ) -> Organisation:
        principal.require(Permission.ORGANISATION_MANAGE)
        async with self._uow as uow:
            organisation = await self._load(uow, principal)
            before = _organisation_fields(organisation)
            version = organisation.version if expected_version is None else expected_version
            organisation.change(
                name=name,
                currency=currency,
                time_zone=time_zone,
                fulfilment_basis=fulfilment_basis,
                webhooks_allow_private_targets=webhooks_allow_private_targets,
            )
            await uow.organisations.update(organisation, version)
            await record_change(
                uow,
                principal,
                entity_type="organisation",
                entity_id=organisation.id,
                action="update",
                before=before,
                after=_organisation_fields(organisation),
                at=self._clock.now(),
            )
            await uow.commit()
            return organisation

    @staticmethod
    async def _load(uow: UnitOfWork, principal: Principal) -> Organisation:
        organisation = await uow.organisations.get(principal.organisation_id)
        if organisation is None:
            raise NotFound("Organisation", principal.organisation_id)
        return organisation
