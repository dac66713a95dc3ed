"""Background work in tests: stored jobs, a real arq worker drained in burst mode against the
test Redis, and the messages the development mailbox wrote."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import datetime
from email.message import EmailMessage
from typing import Any
from uuid import UUID

from adapters.bootstrap import Container
from adapters.worker.main import worker_for
from domain.platform.model import Job

_LINK = re.compile(r"/set-password\?token=([A-Za-z0-9_\-]+)")


async def drain_queue(container: Container) -> None:
    """Run every queued job with the production worker and handlers, then return."""
    worker = worker_for(container, burst=True)
    # Not worker.close(): it would close the container's shared arq pool.
    await worker.main()


async def stored_job(
    container: Container,
    organisation_id: UUID,
    *,
    created_by: UUID | None,
    kind: str = "test.noop",
    created_at: datetime | None = None,
    params: dict[str, Any] | None = None,
) -> Job:
    """A job row that is not sent to the queue; tests run it with run_stored_job."""
    job = Job(
        organisation_id=organisation_id,
        kind=kind,
        params=params or {},
        created_by=created_by,
        created_at=created_at or container.clock.now(),
    )
    async with container.uow() as uow:
        await uow.jobs.add(job)
        await uow.commit()
    return job


def mails_to(container: Container, address: str) -> list[EmailMessage]:
    folder = container.settings.var_dir / "mail"
    found = []
    for path in sorted(folder.glob("*.eml")) if folder.is_dir() else []:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        if message["To"] == address:
            found.append(message)
    return found


def body_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    content = part.get_content()
    assert isinstance(content, str)
    return content


def link_token(message: EmailMessage) -> str:
    match = _LINK.search(body_of(message))
    assert match is not None, body_of(message)
    return match.group(1)
