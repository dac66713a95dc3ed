"""Every field error carries a stable code (and the limits it names), so the SPA words it in the
reader's language instead of showing the English `msg` (issue 10, item 10)."""

from __future__ import annotations

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
