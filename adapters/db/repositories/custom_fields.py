"""Admin-defined custom fields in SQL: the repository of their definitions, and filtering
records (clients, deals) by the values stored in a JSONB column."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from adapters.db.repositories.base import SqlRepository, in_organisation
from adapters.db.tables.clients import clients, custom_field_definitions
from adapters.db.tables.deals import deals
from domain.clients.custom_fields import (
    CustomFieldDefinition,
    CustomFieldFilter,
    FieldEntity,
    FieldType,
    FilterOp,
)
from domain.shared.scope import Scope


def custom_field_condition(
    fields: sa.ColumnElement[Any], f: CustomFieldFilter
) -> sa.ColumnElement[bool]:
    """``fields`` is the record's custom_fields column (clients or deals)."""
    if f.op is FilterOp.EQ and f.type in (FieldType.STRING, FieldType.ENUM, FieldType.DATE):
        # Containment uses the jsonb_path_ops index.
        return fields.contains(sa.cast(sa.literal({f.key: f.value}, JSONB), JSONB))
    if f.type is FieldType.DATE:
        value: sa.ColumnElement[Any] = fields[f.key].astext
        bound: Any = str(f.value)
    else:
        # Money is stored as {"amount": "12.50", "currency": "RUB"}; numbers as JSON numbers.
        node = fields[f.key]["amount"] if f.type is FieldType.MONEY else fields[f.key]
        json_type = "string" if f.type is FieldType.MONEY else "number"
        value = sa.case(
            (sa.func.jsonb_typeof(node) == json_type, sa.cast(node.astext, sa.Numeric)),
            else_=None,
        )
        bound = f.value
    condition: sa.ColumnElement[bool]
    if f.op is FilterOp.GTE:
        condition = value >= bound
    elif f.op is FilterOp.LTE:
        condition = value <= bound
    else:
        condition = value == bound
    return condition


class SqlCustomFieldRepository(SqlRepository):
    async def add(self, definition: CustomFieldDefinition) -> None:
        await self._conn.execute(
            sa.insert(custom_field_definitions).values(
                id=definition.id,
                organisation_id=definition.organisation_id,
                entity=definition.entity.value,
                key=definition.key,
                type=definition.type.value,
                **_definition_values(definition),
            )
        )

    async def get(self, scope: Scope, definition_id: UUID) -> CustomFieldDefinition | None:
        t = custom_field_definitions
        row = (
            await self._conn.execute(
                sa.select(t).where(in_organisation(t, scope), t.c.id == definition_id)
            )
        ).one_or_none()
        return _definition(row._mapping) if row else None

    async def list(
        self, scope: Scope, entity: FieldEntity | None = None
    ) -> Sequence[CustomFieldDefinition]:
        t = custom_field_definitions
        query = sa.select(t).where(in_organisation(t, scope))
        if entity is not None:
            query = query.where(t.c.entity == entity.value)
        query = query.order_by(t.c.entity, t.c.position, t.c.key)
        return [_definition(r._mapping) for r in await self._conn.execute(query)]

    async def update(self, definition: CustomFieldDefinition, expected_version: int) -> None:
        await self._update_versioned(
            custom_field_definitions,
            entity="Custom field",
            ident=definition.id,
            organisation_id=definition.organisation_id,
            expected_version=expected_version,
            values=_definition_values(definition),
        )
        definition.version = expected_version + 1

    async def delete(self, scope: Scope, definition_id: UUID) -> None:
        t = custom_field_definitions
        await self._conn.execute(
            sa.delete(t).where(in_organisation(t, scope), t.c.id == definition_id)
        )

    async def remove_values(self, scope: Scope, entity: FieldEntity, key: str) -> int:
        """One UPDATE drops ``key`` from the custom fields of the organisation's clients or
        deals; each record changed gets a new version, so cached copies (ETags) go stale."""
        t = clients if entity is FieldEntity.CLIENT else deals
        result = await self._conn.execute(
            sa.update(t)
            .where(in_organisation(t, scope), t.c.custom_fields.has_key(key))
            .values(
                custom_fields=t.c.custom_fields.op("-", return_type=JSONB)(
                    sa.literal(key, sa.Text)
                ),
                version=t.c.version + 1,
            )
        )
        return result.rowcount


def _definition_values(d: CustomFieldDefinition) -> dict[str, Any]:
    return {
        "label": d.label,
        "options": list(d.options),
        "required": d.required,
        "position": d.position,
    }


def _definition(m: Any) -> CustomFieldDefinition:
    return CustomFieldDefinition(
        id=m["id"],
        organisation_id=m["organisation_id"],
        entity=FieldEntity(m["entity"]),
        key=m["key"],
        label=m["label"],
        type=FieldType(m["type"]),
        options=list(m["options"] or []),
        required=m["required"],
        position=m["position"],
        created_at=m["created_at"],
        version=m["version"],
    )
