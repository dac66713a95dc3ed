"""Webhook payloads, built from the API's own read schemas.

An integrator receives, for every event::

    {"type": "deal.won", "version": 1, "id": "<event id>", "timestamp": "<when it happened>",
     "organisation_id": "...", "data": {...}}

``data`` is the record as the API returns it (``DealRead`` for ``deal.*`` events), read at the
first attempt with an organisation-wide scope; for an event whose record no longer exists or
has no read schema yet it is the event's own fields. ``version`` changes only when this shape
does.

Why here and not in adapters: the read schemas live in the HTTP layer and adapters may not
import it (import-linter). The domain declares the ``WebhookPayloadBuilder`` port; this module
implements it; ``create_app`` and ``crm worker`` install it on the container
(``install_webhook_payloads``), which hands it to the worker's ``WebhookDeliverer``. The payload
is then stored on the delivery, so retries and redeliveries send identical bytes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from adapters.bootstrap import Container
from api.schemas.deals import DealRead
from domain.auth.principal import Principal
from domain.deals.services import DealService
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import NotFound
from domain.webhooks.model import PAYLOAD_VERSION, WebhookMessage

RecordLoader = Callable[["ApiWebhookPayloads", Principal, WebhookMessage], Awaitable[Any]]


async def _deal(builder: ApiWebhookPayloads, system: Principal, message: WebhookMessage) -> Any:
    view = await DealService(builder.uow_factory(), builder.clock).get(
        system, UUID(message.fields["deal_id"])
    )
    return DealRead.of(view).model_dump(mode="json")


# Event name prefix -> how to read the current record. Contexts add theirs as their read
# schemas gain events.
LOADERS: dict[str, RecordLoader] = {"deal.": _deal}


class ApiWebhookPayloads:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock) -> None:
        self.uow_factory = uow_factory
        self.clock = clock

    async def build(self, message: WebhookMessage) -> dict[str, Any]:
        return {
            "type": message.event_name,
            "version": PAYLOAD_VERSION,
            "id": str(message.event_id),
            "timestamp": message.occurred_at.isoformat(),
            "organisation_id": str(message.organisation_id),
            "data": await self._data(message),
        }

    async def _data(self, message: WebhookMessage) -> Any:
        # The worker acts for the whole organisation: it sees every record, as an admin does.
        system = Principal(
            organisation_id=message.organisation_id,
            user_id=None,
            permissions=frozenset(),
            is_admin=True,
        )
        for prefix, load in LOADERS.items():
            if message.event_name.startswith(prefix):
                try:
                    return await load(self, system, message)
                except NotFound:
                    break  # deleted since: the event's own fields still say what happened
        return dict(message.fields)


def install_webhook_payloads(container: Container) -> None:
    if container.webhook_payloads is None:
        container.webhook_payloads = ApiWebhookPayloads(container.uow, container.clock)
