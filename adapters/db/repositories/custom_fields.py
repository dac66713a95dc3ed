"""Filtering records by admin-defined custom fields stored in a JSONB column."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from domain.clients.custom_fields import CustomFieldFilter, FieldType, FilterOp


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
