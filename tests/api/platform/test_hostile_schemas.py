"""Issue 8, item 3: every request schema and query parameter of the OpenAPI document, driven with
hostile strings, numbers and dates (one field at a time, the others plausible), never answers 500.

Hypothesis draws the values; derandomized with bounded examples, so CI runs the same cases in
seconds.
"""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import Factory

HOSTILE_STRINGS = st.one_of(
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "\x1b[31m",
            "\u202eevil",
            "\u200b",
            "...",
            "%_%",
            "' OR 1=1 --",
            "x" * 10_000,
            "\U0010ffff",
            "1e999999999",
            "0000000000",
            "a@b@c",
            "",
            " ",
        ]
    ),
    st.text(max_size=30),
)
HOSTILE_NUMBERS = st.one_of(
    st.sampled_from(["1e999999999", "-1e999999999", "NaN", "Infinity", "9" * 5000, "-0"]),
    st.sampled_from([10**30, -(10**30), 2**63, 1e308, -1e308, 0.1]),
    st.integers(min_value=-(10**20), max_value=10**20),
)
HOSTILE_DATES = st.sampled_from(
    [
        "0001-01-01",
        "9999-12-31",
        "infinity",
        "-infinity",
        "2024-02-30",
        "1899-12-31T23:59:59Z",
        "2200-01-01T00:00:00+00:00",
        "0001-01-01T00:00:00+14:00",
    ]
)
# Examples per operation: enough to meet every kind of hostile value, few enough for seconds.
EXAMPLES = 6
HOSTILE = st.one_of(HOSTILE_STRINGS, HOSTILE_NUMBERS, HOSTILE_DATES, st.none(), st.booleans())


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].split("/")[-1]]
    return schema


def _plausible(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    """A value that fits the schema well enough to get past validation, so the hostile field is
    the one the server has to deal with."""
    schema = _resolve(schema, components)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [o for o in schema[key] if _resolve(o, components).get("type") != "null"]
            return _plausible(options[0], components) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    fmt = schema.get("format")
    if kind == "string":
        if fmt == "uuid":
            return str(uuid.uuid4())
        if fmt == "date":
            return "2030-01-01"
        if fmt == "date-time":
            return "2030-01-01T10:00:00+00:00"
        if fmt == "email":
            return f"{uuid.uuid4().hex[:8]}@example.com"
        if fmt == "uri":
            return "https://example.com/hook"
        return "Plausible " + uuid.uuid4().hex[:6]
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object":
        props = schema.get("properties", {})
        return {
            name: _plausible(sub, components)
            for name, sub in props.items()
            if name in schema.get("required", [])
        }
    return "x"


def _operations(openapi: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    ops = []
    for path, item in openapi["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, op in item.items():
            streams = any(
                "text/event-stream" in r.get("content", {})
                for r in op.get("responses", {}).values()
            )
            if method in ("get", "post", "put", "patch", "delete") and not streams:
                ops.append((method.upper(), path, op))
    return ops


def _url(path: str, op: dict[str, Any]) -> str:
    for param in op.get("parameters", []):
        if param["in"] == "path":
            path = path.replace("{" + param["name"] + "}", str(uuid.uuid4()))
    return path


def _targets(op: dict[str, Any], components: dict[str, Any]) -> list[tuple[str, str]]:
    targets = [("query", p["name"]) for p in op.get("parameters", []) if p["in"] == "query"]
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body = _resolve(content["application/json"]["schema"], components)
        targets += [("body", name) for name in body.get("properties", {})]
    return targets


def _cases(
    ops: list[tuple[str, str, dict[str, Any]]], components: dict[str, Any], examples: int
) -> list[list[tuple[int, str, str, Any]]]:
    """Per example, one hostile (where, name, value) per operation. Drawn up front by a plain
    hypothesis test: the requests themselves need the session's event loop, which hypothesis'
    async support would replace."""
    cases: list[list[tuple[int, str, str, Any]]] = []

    @settings(max_examples=examples, derandomize=True, deadline=None, database=None)
    @given(data=st.data())
    def draw(data: st.DataObject) -> None:
        case = []
        for index, (method, path, op) in enumerate(ops):
            targets = _targets(op, components)
            if targets:
                where, name = data.draw(st.sampled_from(targets), label=f"{method} {path}")
                case.append((index, where, name, data.draw(HOSTILE, label=name)))
        cases.append(case)

    draw()
    return cases


class TestHostileSchemas:
    async def test_no_request_schema_or_query_parameter_answers_500(
        self, app: Any, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        openapi = app.openapi()
        components = openapi["components"]["schemas"]
        ops = _operations(openapi)
        failures = []
        for case in _cases(ops, components, EXAMPLES):
            for index, where, name, value in case:
                method, path, op = ops[index]
                params: dict[str, Any] = {}
                body: Any = None
                content = op.get("requestBody", {}).get("content", {})
                if "application/json" in content:
                    body = _plausible(content["application/json"]["schema"], components)
                if where == "query":
                    params[name] = value if isinstance(value, str) else str(value)
                elif isinstance(body, dict):
                    body[name] = value
                headers = {**admin.headers, "If-Match": "*"}
                response = await factory.client.request(
                    method, _url(path, op), params=params, json=body, headers=headers
                )
                if response.status_code >= 500:
                    failures.append(
                        (method, path, where, name, repr(value)[:80], response.text[:200])
                    )
        assert not failures, failures
