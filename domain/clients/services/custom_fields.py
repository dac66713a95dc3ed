"""Custom field definition use cases: organisation settings every user reads and only
administrators change."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from domain.auth.principal import Principal
from domain.clients.commands import CreateCustomField, UpdateCustomField
from domain.clients.custom_fields import CustomFieldDefinition, FieldEntity
from domain.platform.audit import record_change
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.concurrency import check_version
from domain.shared.errors import InvalidInput, NotFound
from domain.staff.permissions import Permission


class CustomFieldService:
    """Definitions are organisation settings: everyone signed in reads them (forms need
    them), only administrators change them."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def list(
        self, principal: Principal, entity: FieldEntity | None = None
    ) -> Sequence[CustomFieldDefinition]:
        async with self._uow as uow:
            return await uow.custom_fields.list(principal.organisation_scope, entity)

    async def create(
        self, principal: Principal, command: CreateCustomField
    ) -> CustomFieldDefinition:
        principal.require(Permission.ORGANISATION_MANAGE)
        definition = CustomFieldDefinition.create(
            command, organisation_id=principal.organisation_id
        )
        key, entity = definition.key, definition.entity
        async with self._uow as uow:
            scope = principal.organisation_scope
            if any(d.key == key for d in await uow.custom_fields.list(scope, entity)):
                raise InvalidInput("key", f"a {entity.value} field with the key {key!r} exists")
            await uow.custom_fields.add(definition)
            await record_change(
                uow,
                principal,
                entity_type="custom_field",
                entity_id=definition.id,
                action="create",
                after=_snapshot(definition),
                at=self._clock.now(),
            )
            await uow.commit()
            return definition

    async def update(
        self,
        principal: Principal,
        definition_id: UUID,
        update: UpdateCustomField,
        *,
        expected_version: int | None = None,
    ) -> CustomFieldDefinition:
        principal.require(Permission.ORGANISATION_MANAGE)
        async with self._uow as uow:
            definition = await self._load(uow, principal, definition_id)
            version = check_version("Custom field", definition.version, expected_version)
            before = _snapshot(definition)
            definition.apply(update)
            await uow.custom_fields.update(definition, version)
            await record_change(
                uow,
                principal,
                entity_type="custom_field",
                entity_id=definition.id,
                action="update",
                before=before,
                after=_snapshot(definition),
                at=self._clock.now(),
            )
            await uow.commit()
            return definition

    async def delete(
        self, principal: Principal, definition_id: UUID, *, expected_version: int | None = None
    ) -> None:
        """The definition goes, and its values with it from every client or deal of the
        organisation in the same transaction: a value whose definition is gone could no longer
        be validated, so it would make the record refuse every later edit of its fields."""
        principal.require(Permission.ORGANISATION_MANAGE)
        async with self._uow as uow:
            definition = await self._load(uow, principal, definition_id)
            check_version("Custom field", definition.version, expected_version)
            scope = principal.organisation_scope
            await uow.custom_fields.delete(scope, definition_id)
            cleared = await uow.custom_fields.remove_values(
                scope, definition.entity, definition.key
            )
            await record_change(
                uow,
                principal,
                entity_type="custom_field",
                entity_id=definition.id,
                action="delete",
                before=_snapshot(definition),
                extra={"values_removed": {"records": cleared}},
                at=self._clock.now(),
            )
            await uow.commit()

    @staticmethod
    async def _load(
        uow: UnitOfWork, principal: Principal, definition_id: UUID
    ) -> CustomFieldDefinition:
        definition = await uow.custom_fields.get(principal.organisation_scope, definition_id)
        if definition is None:
            raise NotFound("Custom field", definition_id)
        return definition


def _snapshot(d: CustomFieldDefinition) -> dict[str, object]:
    return {
        "entity": d.entity,
        "key": d.key,
        "label": d.label,
        "type": d.type,
        "options": list(d.options),
        "required": d.required,
        "position": d.position,
    }
