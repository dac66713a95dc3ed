"""Loading the caller in one statement: the user, role, organisation and department subtree."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Container
from tests.factories import Factory


class TestSignedInUser:
    async def test_reads_the_role_the_organisation_and_the_whole_subtree(
        self, factory: Factory, container: Container
    ) -> None:
        org = await factory.organisation()
        north = await factory.department(org, "Север")
        city = await factory.department(org, "Город", parent=north)
        district = await factory.department(org, "Район", parent=city)
        await factory.department(org, "Юг")  # a sibling tree, outside the subtree
        head = await factory.user(org, "head_of_sales", department=north)
        other = await factory.organisation()
        await factory.department(other, "Чужой", parent=None)

        async with container.uow() as uow:
            signed_in = await uow.users.get_signed_in(org.id, head.id)
        assert signed_in is not None
        assert signed_in.user.id == head.id
        assert signed_in.role is not None
        assert signed_in.role.id == org.roles["head_of_sales"].id
        assert signed_in.organisation.id == org.id
        assert signed_in.department_ids == {north.id, city.id, district.id}

    async def test_without_a_department_the_subtree_is_empty(
        self, factory: Factory, container: Container
    ) -> None:
        org = await factory.organisation()
        seller = await factory.user(org, "seller")
        async with container.uow() as uow:
            signed_in = await uow.users.get_signed_in(org.id, seller.id)
        assert signed_in is not None
        assert signed_in.department_ids == frozenset()

    async def test_another_organisation_or_an_unknown_user_is_nobody(
        self, factory: Factory, container: Container
    ) -> None:
        org = await factory.organisation()
        other = await factory.organisation()
        async with container.uow() as uow:
            assert await uow.users.get_signed_in(other.id, org.admin.id) is None
            assert await uow.users.get_signed_in(org.id, uuid.uuid4()) is None


class TestReader:
    """The caller is loaded through ``Container.reader()``: statements without a transaction
    around them (no BEGIN and ROLLBACK round trips on every request)."""

    async def test_runs_each_statement_on_its_own(self, container: Container) -> None:
        async with container.reader() as uow:
            conn = uow._conn  # type: ignore[attr-defined]
            assert conn is not None
            first = await conn.scalar(sa.text("SELECT now()"))
            await conn.execute(sa.text("SELECT pg_sleep(0.01)"))
            second = await conn.scalar(sa.text("SELECT now()"))
        # Inside a transaction now() would be the same for both: the transaction's start.
        assert second > first

    async def test_cannot_commit(self, container: Container) -> None:
        async with container.reader() as uow:
            with pytest.raises(RuntimeError, match="read-only"):
                await uow.commit()

    async def test_leaves_the_pooled_connections_transactional(self, container: Container) -> None:
        async with container.reader() as uow:
            await uow.users.get_signed_in(uuid.uuid4(), uuid.uuid4())
        for _ in range(3):  # whichever pooled connection the next unit of work gets
            async with container.uow() as uow:
                conn = uow._conn  # type: ignore[attr-defined]
                assert conn is not None
                first = await conn.scalar(sa.text("SELECT now()"))
                await conn.execute(sa.text("SELECT pg_sleep(0.01)"))
                assert await conn.scalar(sa.text("SELECT now()")) == first
