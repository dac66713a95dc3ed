"""Abandoned exchanges: a session 1C stopped calling is failed by the worker's sweep with the
reason in the exchange log, and the files it received (and their spooled records) are deleted;
a session 1C called lately is left alone. The job's function runs against the database."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import sqlalchemy as sa

from adapters.worker.jobs.onec import sweep_abandoned_exchanges
from tests.api.onec.support import CATALOG, OneC, create_integration, exchange, sample
from tests.factories import Factory

LONG_AGO = datetime(2001, 1, 1, 9, 30, tzinfo=UTC)


async def open_session(factory: Factory, integration: dict[str, object]) -> OneC:
    """checkauth, init and the first chunk of a file: then 1C goes quiet."""
    one_c = OneC(factory, integration)
    assert (await one_c.checkauth()).startswith("success\n")
    await one_c.init()
    assert await one_c.upload(CATALOG, sample(CATALOG)[:4096], chunk=4096) == ["success\n"]
    return one_c


class TestAbandonedExchanges:
    async def test_a_quiet_session_fails_with_its_reason_and_loses_its_files(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        quiet = await open_session(factory, integration)
        busy = await open_session(factory, integration)
        files = factory.container.onec_files
        quiet_id = UUID(str(quiet.sessid))
        folder = files.folder(org.id, quiet_id)
        spool = files.spool(org.id, quiet_id, CATALOG)
        spool.parent.mkdir(parents=True, exist_ok=True)
        spool.write_text("{}\n")
        assert (folder / CATALOG).is_file()
        async with factory.container.engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "UPDATE onec_exchanges SET last_seen_at = :at"
                    " WHERE organisation_id = :o AND id = :e"
                ),
                {"at": LONG_AGO, "o": org.id, "e": quiet_id},
            )

        assert await sweep_abandoned_exchanges(factory.container) >= 1

        failed = await exchange(factory, admin, str(quiet.sessid))
        assert failed["status"] == "failed"
        assert failed["finished_at"] is not None
        [reason] = failed["errors"]
        assert reason.startswith("abandoned: 1C made no call for 6 h (the last at 2001-01-01 09:30")
        assert failed["progress"] == reason
        [file] = failed["files"]
        assert (file["name"], file["status"]) == (CATALOG, "failed")
        assert file["error"].startswith("abandoned")
        assert not folder.exists()
        assert not spool.parent.exists()

        # 1C called the other one lately: untouched, its file kept.
        kept = await exchange(factory, admin, str(busy.sessid))
        assert (kept["status"], kept["errors"]) == ("open", [])
        assert (files.folder(org.id, UUID(str(busy.sessid))) / CATALOG).is_file()
        # A second sweep finds nothing more of this organisation's.
        await sweep_abandoned_exchanges(factory.container)
        assert (await exchange(factory, admin, str(quiet.sessid)))["errors"] == [reason]

        # 1C coming back to the failed session is told to sign in again.
        answer = await quiet.call("import", filename=CATALOG)
        assert answer.text.startswith("failure\n"), answer.text
