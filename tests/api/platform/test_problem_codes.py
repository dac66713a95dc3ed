"""Every field error carries a stable code (and the limits it names), so the SPA words it in the
reader's language instead of showing the English `msg` (issue 10, item 10)."""

from __future__ import annotations

from uuid import uuid4

from domain.shared.clock import DATE_MAX, DATE_MIN
from domain.shared.money import AMOUNT_MAX
from tests.factories import Factory


class TestFieldErrorCodes:
    async def test_a_schema_limit_names_its_kind_and_the_limit(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.post(
            "/api/v1/departments", json={"name": "Я" * 1000}, headers=admin.headers
        )
        assert response.status_code == 422
        [error] = response.json()["errors"]
        assert error["loc"] == ["body", "name"]
        assert error["code"] == "string_too_long"
        assert error["ctx"]["max_length"].isdigit()
        assert error["ctx"]["max_length"] in error["msg"]

    async def test_a_missing_field_is_missing(self, factory: Factory) -> None:
        response = await factory.client.post("/api/v1/auth/login", json={"email": "a@b.c"})
        assert response.status_code == 422
        assert [(e["loc"], e["code"]) for e in response.json()["errors"]] == [
            (["body", "password"], "missing")
        ]
        assert "ctx" not in response.json()["errors"][0]

    async def test_a_domain_rule_is_invalid_input_with_its_text(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.post(
            "/api/v1/tasks", json={"title": "Позвонить"}, headers=admin.headers
        )
        assert response.status_code == 422
        [error] = response.json()["errors"]
        assert error["code"] == "invalid_input"
        assert error["msg"]


class TestDomainFieldCodes:
    """A domain rule with a field gives its own code (and limits), not just its English text."""

    async def test_a_phone_that_is_no_number_is_not_a_phone(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.post(
            "/api/v1/clients",
            json={"name": "ООО Ромашка", "contacts": [{"full_name": "Иван", "phones": ["12"]}]},
            headers=admin.headers,
        )
        assert response.status_code == 422
        [error] = response.json()["errors"]
        # On the contact's own field: a form puts it under that contact's phones.
        assert error["loc"] == ["body", "contacts", 0, "phones", 0]
        assert error["code"] == "not_a_phone"
        assert "phone" in error["msg"]

    async def test_an_unknown_funnel_is_not_found_on_its_field(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.post(
            "/api/v1/deals",
            json={"client_id": str(uuid4()), "title": "Поставка", "funnel_id": str(uuid4())},
            headers=admin.headers,
        )
        assert response.status_code == 422
        assert [(e["loc"], e["code"]) for e in response.json()["errors"]] == [
            (["body", "funnel_id"], "not_found")
        ]

    async def test_an_amount_out_of_range_names_the_largest(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.post(
            "/api/v1/deals",
            json={"client_id": str(uuid4()), "title": "Поставка", "amount": "1e20"},
            headers=admin.headers,
        )
        assert response.status_code == 422
        [error] = response.json()["errors"]
        assert error["loc"] == ["body", "amount"]
        assert error["code"] == "out_of_range"
        assert error["ctx"] == {"max": str(AMOUNT_MAX)}
        assert "reason" not in error["ctx"]

    async def test_a_date_outside_the_window_names_the_window(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.post(
            "/api/v1/deals",
            json={
                "client_id": str(uuid4()),
                "title": "Поставка",
                "expected_close_date": "2500-01-01",
            },
            headers=admin.headers,
        )
        assert response.status_code == 422
        [error] = response.json()["errors"]
        assert error["loc"] == ["body", "expected_close_date"]
        assert error["code"] == "date_outside_window"
        assert error["ctx"] == {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()}

    async def test_a_schema_length_check_keeps_the_schema_message(self, factory: Factory) -> None:
        # string_too_long is both pydantic's kind and the domain's: the fixed template words it.
        _, admin = await factory.admin_session()
        response = await factory.client.post(
            "/api/v1/clients", json={"name": "Я" * 1000}, headers=admin.headers
        )
        [error] = response.json()["errors"]
        assert error["code"] == "string_too_long"
        assert error["msg"] == f"must be at most {error['ctx']['max_length']} characters"
