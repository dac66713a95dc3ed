"""The demo organisation, created once on first start."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.bootstrap import Container
from domain.staff.model import Department, User
from domain.staff.services import provision_organisation

DEMO_ORGANISATION = "Demo"
DEMO_ADMIN_EMAIL = "admin@example.com"
DEMO_ADMIN_PASSWORD = "change-me-now"  # noqa: S105 (documented demo credential)
DEMO_STAFF_PASSWORD = "demo-password"  # noqa: S105 (documented demo credential)


@dataclass(frozen=True, slots=True)
class SeedResult:
    created: bool
    organisation_id: str


async def seed_demo(container: Container) -> SeedResult:
    async with container.uow() as uow:
        existing = await uow.organisations.get_by_name(DEMO_ORGANISATION)
        if existing is not None:
            return SeedResult(created=False, organisation_id=str(existing.id))
        org = await provision_organisation(
            uow,
            container.hasher,
            name=DEMO_ORGANISATION,
            admin_email=DEMO_ADMIN_EMAIL,
            admin_password=DEMO_ADMIN_PASSWORD,
            admin_name="Администратор Демо",
        )
        organisation_id = org.organisation.id
        sales = Department(organisation_id=organisation_id, name="Отдел продаж")
        telemarketing = Department(
            organisation_id=organisation_id, name="Телемаркетинг", parent_id=sales.id
        )
        for department in (sales, telemarketing):
            await uow.departments.add(department)
        password_hash = container.hasher.hash(DEMO_STAFF_PASSWORD)
        people = [
            ("i.petrova@example.com", "Ирина Петрова", "head_of_sales", sales),
            ("a.sidorov@example.com", "Алексей Сидоров", "seller", sales),
            ("o.kovalenko@example.com", "Олена Коваленко", "seller", sales),
            ("m.ivanova@example.com", "Мария Иванова", "telemarketer", telemarketing),
        ]
        for email, name, role_code, department in people:
            user = User(
                organisation_id=organisation_id,
                email=email,
                full_name=name,
                role_id=org.roles[role_code].id,
                department_id=department.id,
                password_hash=password_hash,
                language="uk" if email.startswith("o.") else "ru",
            )
            await uow.users.add(user)
            if role_code == "head_of_sales":
                sales.head_id = user.id
                await uow.departments.update(sales, sales.version)
        telemarketing_head = next(p for p in people if p[3] is telemarketing)
        head = await uow.users.get_by_email(telemarketing_head[0])
        assert head is not None
        telemarketing.head_id = head.id
        await uow.departments.update(telemarketing, telemarketing.version)
        await uow.commit()
        return SeedResult(created=True, organisation_id=str(organisation_id))
