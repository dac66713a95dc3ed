"""Mail delivery as a job, so a slow or failing mail server never blocks a request."""

from __future__ import annotations

from typing import Any

from adapters.worker.runner import JobContext


async def send_mail(context: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    await context.container.mailer.send(
        to=params["to"], subject=params["subject"], body=params["body"]
    )
    return {"sent_to": params["to"]}
