"""Retention settings through HTTP: only an administrator saves them, at the version read,
and every value is bounded."""

from __future__ import annotations

from tests.api.attachments.support import API, world
from tests.api.deals.support import json_of
from tests.factories import Factory

VALID = {"abc_a_share": "70", "abc_b_share": "20", "sleeping_days": 60}


class TestRetentionSettings:
    async def test_an_admin_saves_them_at_the_version_read(self, factory: Factory) -> None:
        w = await world(factory)
        body = {**VALID, "sleeping_days_by_segment": {"Опт": 30, "Розница": 120}}
        first = await factory.client.put(
            f"{API}/retention/settings", json=body, headers=w.admin.headers
        )
        saved = json_of(first, 200)
        assert saved["version"] == 1
        assert saved["sleeping_days_by_segment"] == {"Опт": 30, "Розница": 120}
        assert first.headers["ETag"] == '"v1"'
        stale = await factory.client.put(
            f"{API}/retention/settings",
            json=VALID,
            headers={**w.admin.headers, "If-Match": '"v0"'},
        )
        assert stale.status_code == 412
        again = await factory.client.get(f"{API}/retention/settings", headers=w.seller.headers)
        assert json_of(again, 200)["sleeping_days"] == 60

    async def test_only_who_manages_the_organisation_saves_them(self, factory: Factory) -> None:
        w = await world(factory)
        for session in (w.seller, w.head_north):
            response = await factory.client.put(
                f"{API}/retention/settings", json=VALID, headers=session.headers
            )
            assert response.status_code == 403
        other = await factory.client.get(f"{API}/retention/settings", headers=w.outsider.headers)
        assert json_of(other, 200)["version"] == 0  # another organisation's stay untouched

    async def test_bad_values_are_refused_naming_the_field(self, factory: Factory) -> None:
        w = await world(factory)
        cases = [
            ({**VALID, "abc_a_share": "0"}, ["body", "abc_a_share"]),
            ({**VALID, "abc_a_share": "1e999999"}, ["body", "abc_a_share"]),
            ({**VALID, "abc_a_share": "80", "abc_b_share": "20"}, ["body", "abc_b_share"]),
            ({**VALID, "sleeping_days": 0}, ["body", "sleeping_days"]),
            ({**VALID, "sleeping_days": 4000}, ["body", "sleeping_days"]),
            (
                {**VALID, "sleeping_days_by_segment": {"Опт": 0}},
                ["body", "sleeping_days_by_segment", "Опт"],
            ),
            (
                {**VALID, "sleeping_days_by_segment": {"Оп\u0000т": 10}},
                ["body", "sleeping_days_by_segment", "Оп\u0000т", "[key]"],
            ),
            (
                {**VALID, "sleeping_days_by_segment": {f"s{i}": 10 for i in range(51)}},
                ["body", "sleeping_days_by_segment"],
            ),
        ]
        for body, loc in cases:
            response = await factory.client.put(
                f"{API}/retention/settings", json=body, headers=w.admin.headers
            )
            assert response.status_code == 422, body
            assert response.headers["content-type"] == "application/problem+json"
            assert loc in [e["loc"] for e in response.json()["errors"]], response.json()
