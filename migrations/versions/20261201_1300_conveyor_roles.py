"""conveyor roles: comments:write, attachments:write and leads:create in existing organisations

Commenting needed tasks:write and attaching needed the right to change the deal (or client),
so a lawyer could not file a contract on a deal they only read. Both are permissions of their
own now; every role and API key keeps what it could do (tasks:write brings comments:write,
deals:write or clients:write brings attachments:write), the built-in lawyer comments and
attaches, and the built-in marketer creates clients and leads (a deal in a marketing stage).
A role's version moves on, so a role form opened before this answers 412 instead of writing
the old permission set back. A few rows per organisation: no job needed.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 13:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NEW = ("comments:write", "attachments:write", "leads:create")


# Every name below is a constant of this module: no outside text reaches the SQL.
def _grant(table: str, permission: str, where: str) -> None:
    version = ", version = version + 1" if table == "roles" else ""
    held = f"'[\"{permission}\"]'::jsonb"
    op.execute(
        f"UPDATE {table} SET permissions = permissions || {held}{version} "  # noqa: S608
        f"WHERE ({where}) AND NOT permissions @> {held}"
    )


def _holds(*permissions: str) -> str:
    return " OR ".join(f"permissions @> '[\"{p}\"]'::jsonb" for p in permissions)


def upgrade() -> None:
    for table in ("roles", "api_keys"):
        _grant(table, "comments:write", _holds("tasks:write"))
        _grant(table, "attachments:write", _holds("deals:write", "clients:write"))
    for permission in ("comments:write", "attachments:write"):
        _grant("roles", permission, "code = 'lawyer'")
    for permission in ("clients:write", "leads:create"):
        _grant("roles", permission, "code = 'marketer'")


def downgrade() -> None:
    # The earlier code knows none of the new names; the marketer keeps clients:write, which
    # an administrator may have granted on purpose.
    removed = " - ".join(f"'{p}'" for p in _NEW)
    for table in ("roles", "api_keys"):
        op.execute(f"UPDATE {table} SET permissions = permissions - {removed}")  # noqa: S608
