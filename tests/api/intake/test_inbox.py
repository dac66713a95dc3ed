"""The inbox: every request stored before it is answered, processed by the worker with retries
and a dead-letter state, swept up when the hand-off to Redis was lost, listed and retried by
administrators of its own organisation only; bots and hostile bodies stored, never a 5xx."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from adapters.db.tables.intake import intake_inbox
from adapters.worker.jobs.intake import sweep_inbox
from domain.intake import services as intake_services
from domain.intake.model import MAX_ATTEMPTS
from tests.api.intake.support import API, create_form, drain, inbox, item, post_form
from tests.factories import Factory


async def _make_due(factory: Factory, item_id: str) -> None:
    """Moves a retry's due time to now, as the backoff's wait would."""
    async with factory.container.engine.begin() as conn:
        await conn.execute(
            sa.update(intake_inbox)
            .where(intake_inbox.c.id == item_id)
            .values(next_attempt_at=sa.func.now() - sa.text("interval '1 minute'"))
        )


class _Broken:
    """Stands in for the lead reader: fails like a bug or an outage would. It counts the reads
    of its own form's posts only: a drain also runs what earlier tests left queued."""

    def __init__(self) -> None:
        self.calls = 0
        self.form_id: str | None = None

    def __call__(self, parsed: Any, form: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        if str(form.id) == self.form_id:
            self.calls += 1
        raise RuntimeError("database went away")


class TestProcessing:
    async def test_failures_are_retried_with_backoff_then_dead_then_retried_by_an_admin(
        self, factory: Factory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _, admin = await factory.admin_session()
        form = await create_form(factory, admin)
        broken = _Broken()
        broken.form_id = form["id"]
        monkeypatch.setattr(intake_services, "read_lead", broken)
        posted = await post_form(factory.client, form["key"], "name=Анна&phone=89165550146")
        assert posted.status_code == 200
        item_id = posted.json()["id"]
        await drain(factory.container)
        failed = await item(factory, admin, item_id)
        assert failed["state"] == "pending"
        assert failed["attempts"] == 1
        assert failed["last_error"] == "RuntimeError: database went away"
        assert failed["next_attempt_at"] > failed["received_at"]
        ctx = {"container": factory.container}
        for _ in range(MAX_ATTEMPTS - 1):
            await _make_due(factory, item_id)
            await sweep_inbox(ctx)
        dead = await item(factory, admin, item_id)
        assert dead["state"] == "dead"
        assert dead["attempts"] == MAX_ATTEMPTS
        assert broken.calls == MAX_ATTEMPTS
        assert [i["id"] for i in await inbox(factory, admin, "?state=dead")] == [item_id]
        monkeypatch.undo()
        retried = await factory.client.post(
            f"{API}/intake/inbox/{item_id}/retry", headers=admin.headers
        )
        assert retried.status_code == 202
        await drain(factory.container)
        done = await item(factory, admin, item_id)
        assert done["state"] == "processed"
        assert done["lead"]["phone"] == "+79165550146"
        again = await factory.client.post(
            f"{API}/intake/inbox/{item_id}/retry", headers=admin.headers
        )
        assert again.status_code == 409

    async def test_lead_received_reaches_the_outbox(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        form = await create_form(factory, admin)
        posted = await post_form(factory.client, form["key"], "name=Олег&email=oleg@example.com")
        await drain(factory.container)
        async with factory.container.engine.connect() as conn:
            payloads = (
                (
                    await conn.execute(
                        sa.text(
                            "SELECT payload FROM outbox_events "
                            "WHERE organisation_id = :org AND name = 'lead.received'"
                        ),
                        {"org": org.id},
                    )
                )
                .scalars()
                .all()
            )
        assert len(payloads) == 1
        assert payloads[0]["inbox_item_id"] == posted.json()["id"]
        assert payloads[0]["email"] == "oleg@example.com"
        assert payloads[0]["person_name"] == "Олег"
        lead = (await item(factory, admin, posted.json()["id"]))["lead"]
        assert payloads[0]["client_id"] == lead["client_id"]


class TestWithoutTheQueue:
    async def test_a_post_while_redis_is_down_is_stored_and_the_sweep_processes_it(
        self, factory: Factory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _, admin = await factory.admin_session()
        form = await create_form(factory, admin, rate_limit_per_minute=5)

        async def unreachable(*args: Any, **kwargs: Any) -> None:
            raise ConnectionError("Redis is down")

        container = factory.container
        monkeypatch.setattr(container.arq, "enqueue_job", unreachable)
        monkeypatch.setattr(container.intake_limiter, "hit", unreachable)
        posted = await post_form(factory.client, form["key"], "name=Ира&phone=89165550147")
        assert posted.status_code == 200, posted.text
        await container.inbox_queue.flush()  # the hand-off fails: Redis is down
        monkeypatch.undo()
        await drain(container)  # nothing was queued for it
        waiting = await item(factory, admin, posted.json()["id"])
        assert waiting["state"] == "pending"
        assert waiting["attempts"] == 0
        await _make_due(factory, posted.json()["id"])  # older than the sweep's grace
        assert await sweep_inbox({"container": container}) >= 1
        processed = await item(factory, admin, posted.json()["id"])
        assert processed["state"] == "processed"
        assert processed["lead"]["name"] == "Ира"


class TestBots:
    async def test_a_filled_honeypot_is_stored_and_ignored(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        form = await create_form(factory, admin, honeypot_field="website")
        posted = await post_form(
            factory.client, form["key"], "name=Bot&phone=89165550148&website=http://spam.example"
        )
        assert posted.status_code == 200
        await drain(factory.container)
        stored = await item(factory, admin, posted.json()["id"])
        assert stored["state"] == "ignored"
        assert "website" in stored["last_error"]
        assert stored["lead"] is None

    async def test_posts_over_the_rate_limit_get_429_per_address(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        form = await create_form(factory, admin, rate_limit_per_minute=3)
        answers = [
            (await post_form(factory.client, form["key"], f"name=N{i}&phone=8916555015{i}"))
            for i in range(5)
        ]
        assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
        assert int(answers[-1].headers["Retry-After"]) > 0
        assert answers[-1].headers["content-type"].startswith("application/problem+json")
        assert len(await inbox(factory, admin)) == 3


class TestHostileBodies:
    async def test_a_huge_body_keeps_its_beginning_and_gets_413(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        form = await create_form(factory, admin)
        limit = factory.container.settings.intake_max_body_bytes
        body = b"name=" + b"A" * (limit + 10_000)
        answered = await post_form(factory.client, form["key"], body)
        assert answered.status_code == 413
        (stored,) = await inbox(factory, admin)
        assert stored["state"] == "rejected"
        assert str(limit) in stored["last_error"]
        assert stored["body_size"] == limit
        assert stored["body_truncated"] is True

    @pytest.mark.parametrize(
        ("body", "content_type", "state"),
        [
            (bytes(range(256)) * 4, "application/octet-stream", "rejected"),
            (b"\x00\x01\x02garbage\xff\xfe", "application/x-www-form-urlencoded", "rejected"),
            (
                "name=Иван&phone=89165550149".encode("cp1251"),
                "application/x-www-form-urlencoded; charset=utf-8",
                "processed",
            ),
            (
                "name=Иван&phone=89165550149".encode(),
                "application/x-www-form-urlencoded; charset=nonsense-8",
                "processed",
            ),
            (
                b'{"name": "\\u0000\\u202e\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd", '
                b'"phone": "+79165550150"',
                "application/json",
                "rejected",
            ),
            (
                b'{"name": "\\u0000Ivan\\u0007", "phone": "+79165550150"}',
                "application/json",
                "processed",
            ),
            (b"--x\r\nbroken multipart", "multipart/form-data; boundary=x", "rejected"),
            (b"a=1&" * 5000, "application/x-www-form-urlencoded", "rejected"),
            (b"[" * 10_000 + b"]" * 10_000, "application/json", "rejected"),
            (b"", None, "rejected"),
        ],
    )
    async def test_stored_and_answered_without_a_server_error(
        self, factory: Factory, body: bytes, content_type: str | None, state: str
    ) -> None:
        _, admin = await factory.admin_session()
        form = await create_form(factory, admin)
        answered = await post_form(factory.client, form["key"], body, content_type=content_type)
        assert answered.status_code == 200, answered.text
        await drain(factory.container)
        stored = await item(factory, admin, answered.json()["id"])
        assert stored["state"] == state, stored
        assert stored["body_size"] == len(body)
        if state == "processed":
            assert stored["lead"]["name"] in {"Иван", "Ivan"}
            assert "\x00" not in stored["lead"]["name"]


class TestInboxAccess:
    async def test_filters_and_keyset_pages(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        form = await create_form(factory, admin)
        ids = [
            (await post_form(factory.client, form["key"], f"name=P{i}&phone=8916555016{i}")).json()[
                "id"
            ]
            for i in range(3)
        ]
        junk = (await post_form(factory.client, form["key"], "x=1")).json()["id"]
        await drain(factory.container)
        first = (
            await factory.client.get(f"{API}/intake/inbox?limit=2", headers=admin.headers)
        ).json()
        second = (
            await factory.client.get(
                f"{API}/intake/inbox?limit=2&cursor={first['next_cursor']}", headers=admin.headers
            )
        ).json()
        assert [i["id"] for i in first["items"] + second["items"]] == [junk, *ids[::-1]]
        assert second["next_cursor"] is None
        assert [i["id"] for i in await inbox(factory, admin, "?state=rejected")] == [junk]
        assert len(await inbox(factory, admin, "?state=processed&source=form")) == 3
        assert await inbox(factory, admin, "?source=telephony") == []
        bad = await factory.client.get(f"{API}/intake/inbox?state=lost", headers=admin.headers)
        assert bad.status_code == 422

    async def test_another_organisation_and_a_seller_see_nothing(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        _, stranger = await factory.admin_session()
        seller = await factory.login(await factory.user(org, "seller"))
        form = await create_form(factory, admin)
        item_id = (await post_form(factory.client, form["key"], "name=A&phone=89165550170")).json()[
            "id"
        ]
        assert await inbox(factory, stranger) == []
        for path in (f"/intake/inbox/{item_id}", f"/intake/inbox/{item_id}/retry"):
            method = factory.client.post if path.endswith("retry") else factory.client.get
            assert (await method(f"{API}{path}", headers=stranger.headers)).status_code == 404
            assert (await method(f"{API}{path}", headers=seller.headers)).status_code == 403
        listed = await factory.client.get(f"{API}/intake/inbox", headers=seller.headers)
        assert listed.status_code == 403
