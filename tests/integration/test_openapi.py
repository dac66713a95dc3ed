"""openapi.yaml is the contract the SPA client is generated from: it must match the app."""

from __future__ import annotations

from api.cli import OPENAPI_PATH, render_openapi


def test_the_committed_openapi_yaml_is_current() -> None:
    assert OPENAPI_PATH.read_text(encoding="utf-8") == render_openapi(), (
        "openapi.yaml is stale: run `crm export-openapi` and commit it"
    )


def test_every_operation_id_is_the_route_name_and_unique() -> None:
    import yaml

    schema = yaml.safe_load(render_openapi())
    ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert {"list_api_keys", "create_api_key", "revoke_api_key", "get_job"} <= set(ids)
