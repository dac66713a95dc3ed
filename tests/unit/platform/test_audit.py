"""The one audit recorder: a field-level diff of two snapshots, who did it, and no entry for an
edit that changed nothing."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from domain.auth.principal import Principal
from domain.clients.model import RelationshipType
from domain.platform.audit import AuditEntry, record_change, record_creations
from domain.shared.scope import Scope

ORG = uuid.uuid4()
USER = uuid.uuid4()
KEY = uuid.uuid4()
RECORD = uuid.uuid4()
T0 = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)


class InMemoryAuditRepository:
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    async def add(self, entry: AuditEntry) -> None:
        self.entries.append(entry)

    async def add_many(self, entries: Sequence[AuditEntry]) -> None:
        self.entries.extend(entries)

    async def list_for(
        self,
        scope: Scope,
        *,
        entity_type: str,
        entity_id: UUID,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[AuditEntry]:
        raise NotImplementedError

    async def client_visible(self, scope: Scope, client_id: UUID) -> bool:
        raise NotImplementedError

    async def deal_visible(self, scope: Scope, deal_id: UUID) -> bool:
        raise NotImplementedError

    async def contact_client(self, scope: Scope, contact_id: UUID) -> UUID | None:
        raise NotImplementedError


@dataclass
class FakeUow:
    audit: InMemoryAuditRepository = field(default_factory=InMemoryAuditRepository)


def a_principal(*, api_key: bool = False) -> Principal:
    return Principal(
        organisation_id=ORG,
        user_id=None if api_key else USER,
        permissions=frozenset(),
        api_key_id=KEY if api_key else None,
    )


async def record(uow: FakeUow, actor: Principal | UUID | None, action: str, **kw: object) -> None:
    await record_change(
        uow,
        actor,
        organisation_id=ORG,
        entity_type="deal",
        entity_id=RECORD,
        action=action,
        at=T0,
        **kw,  # type: ignore[arg-type]
    )


async def test_an_update_keeps_only_the_fields_that_changed_in_plain_form() -> None:
    uow = FakeUow()
    await record(
        uow,
        a_principal(),
        "update",
        before={"title": "Поставка", "amount": Decimal("10.50"), "stage": RelationshipType.COLD},
        after={"title": "Поставка", "amount": Decimal("12"), "stage": RelationshipType.CURRENT},
    )
    [entry] = uow.audit.entries
    assert entry.changes == {
        "amount": {"before": "10.50", "after": "12"},
        "stage": {"before": "cold", "after": "current"},
    }
    assert (entry.organisation_id, entry.entity_type, entry.entity_id, entry.action) == (
        ORG,
        "deal",
        RECORD,
        "update",
    )
    assert (entry.actor_user_id, entry.actor_api_key_id, entry.at) == (USER, None, T0)


async def test_an_edit_that_changed_nothing_leaves_no_entry() -> None:
    uow = FakeUow()
    same = {"name": "Продажи", "stages": ["Заявка"]}
    await record(uow, a_principal(), "update", before=same, after=dict(same))
    await record(uow, a_principal(), "reorder", before=same, after=dict(same))
    assert uow.audit.entries == []


async def test_other_actions_are_facts_even_without_field_changes() -> None:
    uow = FakeUow()
    same = {"is_active": False}
    await record(uow, a_principal(), "deactivate", before=same, after=same)
    assert [(e.action, e.changes) for e in uow.audit.entries] == [("deactivate", {})]


async def test_create_and_delete_compare_with_nothing() -> None:
    uow = FakeUow()
    await record(uow, a_principal(), "create", after={"name": "A", "position": 0})
    await record(uow, a_principal(), "delete", before={"name": "A", "position": 0})
    created, deleted = uow.audit.entries
    assert created.changes == {
        "name": {"before": None, "after": "A"},
        "position": {"before": None, "after": 0},
    }
    assert deleted.changes == {
        "name": {"before": "A", "after": None},
        "position": {"before": 0, "after": None},
    }


async def test_the_system_and_a_bare_user_id_and_an_api_key_as_actors() -> None:
    uow = FakeUow()
    change = {"before": {"assignee_id": USER}, "after": {"assignee_id": KEY}}
    await record(uow, None, "hand_over", **change)
    await record(uow, USER, "relationship", **change)
    await record(uow, a_principal(api_key=True), "update", **change)
    actors = [(e.actor_user_id, e.actor_api_key_id) for e in uow.audit.entries]
    assert actors == [(None, None), (USER, None), (None, KEY)]
    assert uow.audit.entries[0].changes == {"assignee_id": {"before": str(USER), "after": str(KEY)}}


async def test_extra_changes_are_added_as_given_in_plain_form() -> None:
    uow = FakeUow()
    other, moved = uuid.uuid4(), [uuid.uuid4(), uuid.uuid4()]
    await record(
        uow,
        a_principal(),
        "merge",
        before={"name": "A"},
        after={"name": "B"},
        extra={
            "merged_client_id": {"before": None, "after": other},
            "deals": {"before": USER, "after": KEY, "count": 2, "ids": moved},
        },
    )
    [entry] = uow.audit.entries
    assert entry.changes == {
        "name": {"before": "A", "after": "B"},
        "merged_client_id": {"before": None, "after": str(other)},
        "deals": {
            "before": str(USER),
            "after": str(KEY),
            "count": 2,
            "ids": [str(i) for i in moved],
        },
    }


async def test_creations_of_a_batch_are_recorded_as_one_by_one() -> None:
    bulk, single = FakeUow(), FakeUow()
    other = uuid.uuid4()
    snapshots = [("client", RECORD, {"name": "Ромашка", "inn": None}), ("contact", other, {"x": 1})]
    await record_creations(bulk, a_principal(api_key=True), snapshots, at=T0)
    for entity_type, entity_id, after in snapshots:
        await record_change(
            single,
            a_principal(api_key=True),
            entity_type=entity_type,
            entity_id=entity_id,
            action="create",
            after=after,
            at=T0,
        )
    assert [(e.entity_type, e.entity_id, e.action, e.changes) for e in bulk.audit.entries] == [
        (e.entity_type, e.entity_id, e.action, e.changes) for e in single.audit.entries
    ]
    assert {(e.organisation_id, e.actor_api_key_id, e.at) for e in bulk.audit.entries} == {
        (ORG, KEY, T0)
    }
