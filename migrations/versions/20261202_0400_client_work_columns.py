"""client work columns: last activity and next task on the client row, for sorting the list

The client list sorts by last activity (``max(activities.occurred_at)`` of the client) and by
next task (``min(tasks.due_at)`` of its open tasks). Computing either for every client to sort
them would read every activity and task of the organisation, so both are kept on ``clients``
and indexed with the id for keyset paging:

- ``last_activity_at``: NULL (never) sorts as the oldest, so its index is ``NULLS FIRST``: read
  forwards for "longest untouched first", backwards for "most recent first" (never last);
- ``next_task_at``: NULL (nothing planned) sorts as the furthest, PostgreSQL's default.

Statement-level triggers on ``activities`` and ``tasks`` (transition tables, so a statement
touching many rows, a merge moving a client's history, is one batch) recompute the two values
of every client a statement touched, in the same transaction. Rows are locked in key order
before they are written, so two statements touching the same clients cannot deadlock, and a
client whose values did not change is not written at all. The client's ``version`` and
``updated_at`` stay as they are: logging a call does not make an open client form stale.
``clients_work_rebuild(org)`` recomputes an organisation's clients at once (this migration, the
bench after its COPY load, a repair).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 04:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FUNCTIONS = [
    # The two values of the given clients, written where they changed.
    """
    CREATE FUNCTION clients_work_refresh(keys_org uuid[], keys_client uuid[]) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM 1
        FROM clients c
        JOIN unnest(keys_org, keys_client) AS k(organisation_id, client_id)
          ON c.organisation_id = k.organisation_id AND c.id = k.client_id
        ORDER BY c.organisation_id, c.id
        FOR NO KEY UPDATE OF c;

        UPDATE clients c
        SET last_activity_at = w.last_activity_at, next_task_at = w.next_task_at
        FROM (
            SELECT k.organisation_id, k.client_id,
                   (SELECT max(a.occurred_at) FROM activities a
                    WHERE a.organisation_id = k.organisation_id AND a.client_id = k.client_id)
                       AS last_activity_at,
                   (SELECT min(t.due_at) FROM tasks t
                    WHERE t.organisation_id = k.organisation_id AND t.client_id = k.client_id
                      AND t.done_at IS NULL)
                       AS next_task_at
            FROM (SELECT DISTINCT * FROM unnest(keys_org, keys_client)
                  AS u(organisation_id, client_id)) k
        ) w
        WHERE c.organisation_id = w.organisation_id AND c.id = w.client_id
          AND (c.last_activity_at, c.next_task_at)
              IS DISTINCT FROM (w.last_activity_at, w.next_task_at);
    END $$
    """,
    """
    CREATE FUNCTION clients_work_on_insert() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM clients_work_refresh(array_agg(organisation_id), array_agg(client_id))
        FROM added WHERE client_id IS NOT NULL;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION clients_work_on_delete() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM clients_work_refresh(array_agg(organisation_id), array_agg(client_id))
        FROM gone WHERE client_id IS NOT NULL;
        RETURN NULL;
    END $$
    """,
    # Only rows whose client or time changed: the worker's reminder sweeps update tasks often.
    """
    CREATE FUNCTION clients_work_on_activity_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM clients_work_refresh(array_agg(organisation_id), array_agg(client_id))
        FROM (
            SELECT o.organisation_id, o.client_id FROM old_rows o JOIN new_rows n USING (id)
            WHERE (o.client_id, o.occurred_at) IS DISTINCT FROM (n.client_id, n.occurred_at)
            UNION
            SELECT n.organisation_id, n.client_id FROM old_rows o JOIN new_rows n USING (id)
            WHERE (o.client_id, o.occurred_at) IS DISTINCT FROM (n.client_id, n.occurred_at)
        ) changed
        WHERE client_id IS NOT NULL;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION clients_work_on_task_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM clients_work_refresh(array_agg(organisation_id), array_agg(client_id))
        FROM (
            SELECT o.organisation_id, o.client_id FROM old_rows o JOIN new_rows n USING (id)
            WHERE (o.client_id, o.due_at, o.done_at) IS DISTINCT FROM
                  (n.client_id, n.due_at, n.done_at)
            UNION
            SELECT n.organisation_id, n.client_id FROM old_rows o JOIN new_rows n USING (id)
            WHERE (o.client_id, o.due_at, o.done_at) IS DISTINCT FROM
                  (n.client_id, n.due_at, n.done_at)
        ) changed
        WHERE client_id IS NOT NULL;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION clients_work_rebuild(org uuid) RETURNS bigint
    LANGUAGE plpgsql AS $$
    DECLARE
        written bigint;
    BEGIN
        UPDATE clients c
        SET last_activity_at = w.last_activity_at, next_task_at = w.next_task_at
        FROM (
            SELECT c2.id,
                   a.last_activity_at,
                   t.next_task_at
            FROM clients c2
            LEFT JOIN (SELECT client_id, max(occurred_at) AS last_activity_at FROM activities
                       WHERE organisation_id = org AND client_id IS NOT NULL
                       GROUP BY client_id) a ON a.client_id = c2.id
            LEFT JOIN (SELECT client_id, min(due_at) AS next_task_at FROM tasks
                       WHERE organisation_id = org AND client_id IS NOT NULL
                         AND done_at IS NULL
                       GROUP BY client_id) t ON t.client_id = c2.id
            WHERE c2.organisation_id = org
        ) w
        WHERE c.organisation_id = org AND c.id = w.id
          AND (c.last_activity_at, c.next_task_at)
              IS DISTINCT FROM (w.last_activity_at, w.next_task_at);
        GET DIAGNOSTICS written = ROW_COUNT;
        RETURN written;
    END $$
    """,
]

TRIGGERS = {
    "clients_work_activity_insert": """
        CREATE TRIGGER clients_work_activity_insert AFTER INSERT ON activities
        REFERENCING NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION clients_work_on_insert()
    """,
    "clients_work_activity_update": """
        CREATE TRIGGER clients_work_activity_update AFTER UPDATE ON activities
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION clients_work_on_activity_update()
    """,
    "clients_work_activity_delete": """
        CREATE TRIGGER clients_work_activity_delete AFTER DELETE ON activities
        REFERENCING OLD TABLE AS gone
        FOR EACH STATEMENT EXECUTE FUNCTION clients_work_on_delete()
    """,
    "clients_work_task_insert": """
        CREATE TRIGGER clients_work_task_insert AFTER INSERT ON tasks
        REFERENCING NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION clients_work_on_insert()
    """,
    "clients_work_task_update": """
        CREATE TRIGGER clients_work_task_update AFTER UPDATE ON tasks
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION clients_work_on_task_update()
    """,
    "clients_work_task_delete": """
        CREATE TRIGGER clients_work_task_delete AFTER DELETE ON tasks
        REFERENCING OLD TABLE AS gone
        FOR EACH STATEMENT EXECUTE FUNCTION clients_work_on_delete()
    """,
}


def upgrade() -> None:
    op.add_column("clients", sa.Column("last_activity_at", sa.DateTime(timezone=True)))
    op.add_column("clients", sa.Column("next_task_at", sa.DateTime(timezone=True)))
    for statement in FUNCTIONS:
        op.execute(statement)
    op.execute("SELECT clients_work_rebuild(id) FROM organisations")
    op.create_index(
        "ix_clients_organisation_id_last_activity_at_id",
        "clients",
        ["organisation_id", sa.text("last_activity_at NULLS FIRST"), "id"],
    )
    op.create_index(
        "ix_clients_organisation_id_next_task_at_id",
        "clients",
        ["organisation_id", "next_task_at", "id"],
    )
    for statement in TRIGGERS.values():
        op.execute(statement)


def downgrade() -> None:
    for trigger in TRIGGERS:
        table = "activities" if "_activity_" in trigger else "tasks"
        op.execute(f"DROP TRIGGER {trigger} ON {table}")
    for function in (
        "clients_work_rebuild(uuid)",
        "clients_work_on_task_update()",
        "clients_work_on_activity_update()",
        "clients_work_on_delete()",
        "clients_work_on_insert()",
        "clients_work_refresh(uuid[], uuid[])",
    ):
        op.execute(f"DROP FUNCTION {function}")
    op.drop_index("ix_clients_organisation_id_next_task_at_id", table_name="clients")
    op.drop_index("ix_clients_organisation_id_last_activity_at_id", table_name="clients")
    op.drop_column("clients", "next_task_at")
    op.drop_column("clients", "last_activity_at")
