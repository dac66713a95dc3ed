"""Department use cases: the department tree and its heads."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from domain.auth.principal import Principal
from domain.platform.audit import record_change
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock, SystemClock
from domain.shared.concurrency import check_version
from domain.shared.errors import Conflict, NotFound
from domain.shared.patch import UNSET, Patch
from domain.staff.model import Department, DepartmentTree
from domain.staff.permissions import Permission
from domain.staff.services.colleagues import require_active_colleague


def _department_fields(d: Department) -> dict[str, object]:
    return {"name": d.name, "parent_id": d.parent_id, "head_id": d.head_id}


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
            await record_change(
                uow,
                principal,
                entity_type="department",
                entity_id=department.id,
                action="create",
                after=_department_fields(department),
                at=self._clock.now(),
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
            await record_change(
                uow,
                principal,
                entity_type="department",
                entity_id=department.id,
                action="update",
                before=before,
                after=_department_fields(department),
                at=self._clock.now(),
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
            await record_change(
                uow,
                principal,
                entity_type="department",
                entity_id=department.id,
                action="delete",
                before=_department_fields(department),
                at=self._clock.now(),
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
            await require_active_colleague(uow, principal, head_id, "head_id")
        department.change(parent_id=parent_id, head_id=head_id)

    @staticmethod
    async def _load(uow: UnitOfWork, principal: Principal, department_id: UUID) -> Department:
        department = await uow.departments.get(principal.organisation_scope, department_id)
        if department is None:
            raise NotFound("Department", department_id)
        return department
