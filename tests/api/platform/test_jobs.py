from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.queue.arq_queue import RUN_JOB
from adapters.worker.main import redispatch_stuck_jobs
from adapters.worker.runner import JobContext, run_stored_job
from domain.auth.services import MAIL_JOB
from tests.factories import Factory
from tests.worker import drain_queue, mails_to, stored_job


def _cursor(values: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


class TestGetJob:
    async def test_a_stored_job_is_queued_with_no_outcome(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        job = await stored_job(factory.container, org.id, created_by=admin.user.id)
        response = await factory.client.get(f"/api/v1/jobs/{job.id}", headers=admin.headers)
        assert response.status_code == 200
        body = response.json()
        assert (body["status"], body["progress"], body["kind"]) == ("queued", 0, "test.noop")
        assert (body["result"], body["error"], body["started_at"]) == (None, None, None)

    async def test_progress_reported_while_running_is_visible_and_the_result_after(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        job = await stored_job(factory.container, org.id, created_by=admin.user.id, kind="t.slow")
        seen: list[dict[str, Any]] = []

        async def slow(context: JobContext, params: dict[str, Any]) -> dict[str, Any]:
            await context.progress(40, "imported 2 of 5 files")
            response = await factory.client.get(f"/api/v1/jobs/{job.id}", headers=admin.headers)
            seen.append(response.json())
            return {"imported": 5}

        outcome = await run_stored_job(
            factory.container, job.organisation_id, job.id, {"t.slow": slow}
        )
        assert outcome == "done"
        [during] = seen
        assert (during["status"], during["progress"]) == ("running", 40)
        assert during["message"] == "imported 2 of 5 files"
        assert during["started_at"] is not None
        after = (await factory.client.get(f"/api/v1/jobs/{job.id}", headers=admin.headers)).json()
        assert (after["status"], after["progress"], after["result"]) == (
            "done",
            100,
            {"imported": 5},
        )
        assert after["finished_at"] is not None

    async def test_a_failing_handler_leaves_the_job_failed_with_its_error(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        job = await stored_job(factory.container, org.id, created_by=admin.user.id, kind="t.boom")

        async def boom(context: JobContext, params: dict[str, Any]) -> None:
            raise RuntimeError("the 1C server refused the connection")

        assert (
            await run_stored_job(factory.container, job.organisation_id, job.id, {"t.boom": boom})
            == "failed"
        )
        body = (await factory.client.get(f"/api/v1/jobs/{job.id}", headers=admin.headers)).json()
        assert body["status"] == "failed"
        assert body["error"] == "RuntimeError: the 1C server refused the connection"
        assert body["result"] is None
        assert body["finished_at"] is not None

    async def test_a_job_of_an_unknown_kind_fails_instead_of_hanging(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        job = await stored_job(factory.container, org.id, created_by=admin.user.id, kind="t.what")
        assert await run_stored_job(factory.container, job.organisation_id, job.id, {}) == "failed"
        body = (await factory.client.get(f"/api/v1/jobs/{job.id}", headers=admin.headers)).json()
        assert body["status"] == "failed"
        assert "t.what" in body["error"]


class TestJobScoping:
    async def test_another_organisation_gets_404(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        job = await stored_job(factory.container, org.id, created_by=admin.user.id)
        _, stranger = await factory.admin_session()
        response = await factory.client.get(f"/api/v1/jobs/{job.id}", headers=stranger.headers)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        listed = await factory.client.get("/api/v1/jobs", headers=stranger.headers)
        assert listed.json()["items"] == []

    async def test_a_colleague_without_jobs_read_all_gets_404_and_a_head_sees_it(
        self, factory: Factory
    ) -> None:
        org = await factory.organisation()
        owner = await factory.login(await factory.user(org, "seller"))
        colleague = await factory.login(await factory.user(org, "seller"))
        head = await factory.login(await factory.user(org, "head_of_sales"))
        job = await stored_job(factory.container, org.id, created_by=owner.user.id)
        url = f"/api/v1/jobs/{job.id}"

        assert (await factory.client.get(url, headers=owner.headers)).status_code == 200
        assert (await factory.client.get(url, headers=colleague.headers)).status_code == 404
        assert (await factory.client.get(url, headers=head.headers)).status_code == 200

        def ids(response: Any) -> list[str]:
            return [j["id"] for j in response.json()["items"]]

        assert ids(await factory.client.get("/api/v1/jobs", headers=owner.headers)) == [str(job.id)]
        assert ids(await factory.client.get("/api/v1/jobs", headers=colleague.headers)) == []
        assert ids(await factory.client.get("/api/v1/jobs", headers=head.headers)) == [str(job.id)]

    async def test_an_unknown_job_is_404(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.get(
            "/api/v1/jobs/00000000-0000-4000-8000-000000000000", headers=admin.headers
        )
        assert response.status_code == 404

    async def test_without_credentials_the_list_is_401(self, factory: Factory) -> None:
        assert (await factory.client.get("/api/v1/jobs")).status_code == 401


class TestListJobs:
    async def test_pages_walk_newest_first_without_gaps_or_repeats(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        start = datetime(2026, 1, 1, tzinfo=UTC)
        moments = [start + timedelta(minutes=i) for i in range(4)]
        # Three jobs share one moment: the id breaks the tie, so none is skipped or repeated.
        moments += [start + timedelta(hours=1)] * 3
        jobs = [
            await stored_job(factory.container, org.id, created_by=admin.user.id, created_at=m)
            for m in moments
        ]
        expected = [
            str(j.id) for j in sorted(jobs, key=lambda j: (j.created_at, j.id), reverse=True)
        ]

        seen: list[str] = []
        cursor: str | None = None
        pages = 0
        while True:
            params: dict[str, Any] = {"limit": 2}
            if cursor:
                params["cursor"] = cursor
            response = await factory.client.get(
                "/api/v1/jobs", params=params, headers=admin.headers
            )
            assert response.status_code == 200
            page = response.json()
            seen += [j["id"] for j in page["items"]]
            pages += 1
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == expected
        assert pages == 4

    async def test_an_exact_last_page_has_no_next_cursor(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        for _ in range(2):
            await stored_job(factory.container, org.id, created_by=admin.user.id)
        page = (
            await factory.client.get("/api/v1/jobs", params={"limit": 2}, headers=admin.headers)
        ).json()
        assert len(page["items"]) == 2
        assert page["next_cursor"] is None

    @pytest.mark.parametrize(
        "cursor",
        [
            "not a cursor!",
            "%%%",
            _cursor(["yesterday", "00000000-0000-4000-8000-000000000000"]),
            _cursor(["2026-01-01T00:00:00+00:00", "not-a-uuid"]),
            _cursor(["2026-01-01T00:00:00", "00000000-0000-4000-8000-000000000000"]),
            _cursor({"created_at": "2026-01-01"}),
            _cursor([1]),
            base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        ],
    )
    async def test_an_invalid_cursor_is_a_422_problem(self, factory: Factory, cursor: str) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.get(
            "/api/v1/jobs", params={"cursor": cursor}, headers=admin.headers
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["loc"] == ["query", "cursor"]

    @pytest.mark.parametrize("limit", [0, 201, "ten"])
    async def test_a_limit_out_of_range_is_422_naming_it(
        self, factory: Factory, limit: int | str
    ) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.get(
            "/api/v1/jobs", params={"limit": limit}, headers=admin.headers
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["query", "limit"]


class TestStuckJobs:
    async def test_a_job_that_never_reached_the_queue_is_dispatched_by_the_sweeper(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        # Stored two minutes ago but never sent to Redis, as when Redis is down at commit.
        job = await stored_job(
            factory.container,
            org.id,
            created_by=org.admin.id,
            kind=MAIL_JOB,
            created_at=factory.container.clock.now() - timedelta(minutes=2),
            params={"to": org.admin.email, "subject": "Проверка", "body": "Текст"},
        )
        dispatched = await redispatch_stuck_jobs({"container": factory.container})
        assert dispatched >= 1
        await drain_queue(factory.container)
        response = await factory.client.get(f"/api/v1/jobs/{job.id}", headers=admin.headers)
        assert response.json()["status"] == "done"
        assert mails_to(factory.container, org.admin.email)

    async def test_a_job_queued_by_its_id_alone_before_migration_0010_still_runs(
        self, factory: Factory
    ) -> None:
        # Jobs now travel with their organisation; one queued before carries only its id.
        org, admin = await factory.admin_session()
        job = await stored_job(
            factory.container,
            org.id,
            created_by=org.admin.id,
            kind=MAIL_JOB,
            params={"to": org.admin.email, "subject": "Старая очередь", "body": "Текст"},
        )
        await factory.container.arq.enqueue_job(RUN_JOB, str(job.id), _job_id=str(job.id))
        await drain_queue(factory.container)
        response = await factory.client.get(f"/api/v1/jobs/{job.id}", headers=admin.headers)
        assert response.json()["status"] == "done"
        assert mails_to(factory.container, org.admin.email)
