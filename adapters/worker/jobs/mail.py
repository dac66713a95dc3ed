"""Mail delivery as a job, so a slow or failing mail server never blocks a request."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from adapters.worker.runner import JobContext
from domain.auth.model import ActionPurpose
from domain.auth.services import LinkMailService


async def send_mail(context: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    await context.container.mailer.send(
        to=params["to"], subject=params["subject"], body=params["body"]
    )
    return {"sent_to": params["to"]}


async def send_link_mail(context: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """An invitation or reset link, minted here so that the job's params never hold it."""
    container = context.container
    links = LinkMailService(
        uow=container.uow(),
        clock=container.clock,
        secrets=container.secrets,
        mailer=container.mailer,
        link_base=container.settings.public_base,
    )
    sent_to = await links.send(
        context.organisation_id, UUID(params["user_id"]), ActionPurpose(params["purpose"])
    )
    if sent_to is None:
        return {"skipped": "the account can no longer use this link"}
    return {"sent_to": sent_to}
