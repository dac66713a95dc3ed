"""The SQL unit of work: constraint races become conflicts, rollbacks drop queued work."""

from __future__ import annotations

import pytest

from adapters.bootstrap import Container
from domain.platform.model import Job
from domain.shared.errors import Conflict
from domain.shared.scope import Scope
from domain.staff.model import Role
from tests.factories import Factory


class TestConstraintRaces:
    async def test_a_unique_violation_the_domain_did_not_catch_is_a_conflict(
        self, factory: Factory, container: Container
    ) -> None:
        org = await factory.organisation()

        async def add_twice() -> None:
            # The same name twice, as two admins saving at the same moment would.
            async with container.uow() as uow:
                await uow.roles.add(Role(organisation_id=org.id, name="Логист"))
                await uow.roles.add(Role(organisation_id=org.id, name="Логист"))
                await uow.commit()

        with pytest.raises(Conflict, match="already exists"):
            await add_twice()
        async with container.uow() as uow:
            names = [r.name for r in await uow.roles.list(Scope.organisation_wide(org.id))]
        assert "Логист" not in names

    async def test_jobs_enqueued_in_a_rolled_back_unit_are_neither_stored_nor_sent(
        self, factory: Factory, container: Container
    ) -> None:
        org = await factory.organisation()
        job = Job(organisation_id=org.id, kind="mail.send", created_at=container.clock.now())
        async with container.uow() as uow:
            await uow.enqueue(job)
            # leaving without commit
        async with container.uow() as uow:
            assert await uow.jobs.get(Scope.organisation_wide(org.id), job.id) is None
        assert await container.arq.exists(f"arq:job:{job.id}") == 0
