"""Webhook payloads, built from the API's own read schemas.

An integrator receives, for every event::

    {"type": "deal.won", "version": 1, "id": "<event id>", "timestamp": "<when it happened>",
     "organisation_id": "...", "event": {...}, "data": {...}}

``event`` holds the event's own fields (which fields changed, the previous assignee, the loss
flags...); ``data`` is the record the event names as the API returns it (``DealRead`` for
``deal.*``, ``ClientRead`` for ``client.*`` and ``clients.merged``, ``ContactRead``,
``TaskRead``, ``ActivityRead``, ``CommentRead``, ``AttachmentRead``, ``InvoiceRead``,
``AbsenceRead``), read at
the first attempt with an organisation-wide scope; when the record no longer exists ``data``
repeats the event's fields. ``version`` changes only when this shape does.

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
from api.schemas.absences import AbsenceRead
from api.schemas.activities import ActivityRead
from api.schemas.attachments import AttachmentRead
from api.schemas.billing import InvoiceRead
from api.schemas.clients import ClientRead
from api.schemas.complaints import ComplaintRead
from api.schemas.contacts import ContactRead
from api.schemas.deals import DealRead
from api.schemas.discussions import CommentRead
from api.schemas.tasks import TaskRead
from domain.activities.services.activities import ActivityService
from domain.activities.services.discussions import DiscussionService
from domain.activities.services.tasks import TaskService
from domain.attachments.services import AttachmentService
from domain.auth.principal import Principal
from domain.billing.services import InvoiceService
from domain.clients.services.clients import ClientService
from domain.clients.services.contacts import ContactService
from domain.complaints.services import ComplaintService
from domain.deals.services import DealService
from domain.shared.errors import NotFound
from domain.staff.services.absences import AbsenceService
from domain.webhooks.model import PAYLOAD_VERSION, WebhookMessage

# Reads the record an event names, as the API would return it, for the whole organisation.
RecordLoader = Callable[[Container, Principal, UUID], Awaitable[dict[str, Any]]]


async def _deal(c: Container, system: Principal, ident: UUID) -> dict[str, Any]:
    view = await DealService(c.uow(), c.clock).get(system, ident)
    return DealRead.of(view).model_dump(mode="json")


async def _client(c: Container, system: Principal, ident: UUID) -> dict[str, Any]:
    view = await ClientService(c.uow(), c.clock).get(system, ident)
    return ClientRead.of(view).model_dump(mode="json")


async def _contact(c: Container, system: Principal, ident: UUID) -> dict[str, Any]:
    contact = await ContactService(c.uow(), c.clock).get(system, ident)
    return ContactRead.of(contact).model_dump(mode="json")


async def _task(c: Container, system: Principal, ident: UUID) -> dict[str, Any]:
    task = await TaskService(c.uow(), c.clock).get(system, ident)
    return TaskRead.of(task).model_dump(mode="json")


async def _activity(c: Container, system: Principal, ident: UUID) -> dict[str, Any]:
    activity = await ActivityService(c.uow(), c.clock).get(system, ident)
    return ActivityRead.model_validate(activity).model_dump(mode="json")


async def _comment(c: Container, system: Principal, ident: UUID) -> dict[str, Any]:
    comment = await DiscussionService(c.uow(), c.clock).get(system, ident)
    return CommentRead.model_validate(comment).model_dump(mode="json")


async def _attachment(c: Container, system: Principal, ident: UUID) -> dict[str, Any]:
    service = AttachmentService(
        c.uow(), c.storage, c.clock, max_bytes=c.settings.attachment_max_bytes
    )
    attachment = await service.get(system, ident)
    return AttachmentRead.model_validate(attachment).model_dump(mode="json")


async def _absence(c: Container, system: Principal, ident: UUID) -> dict[str, Any]:
    absence = await AbsenceService(c.uow(), c.clock).get(system, ident)
    return AbsenceRead.model_validate(absence).model_dump(mode="json")


async def _invoice(c: Container, system: Principal, ident: UUID) -> dict[str, Any]:
    view = await InvoiceService(c.uow(), c.clock).get(system, ident)
    return InvoiceRead.of(view).model_dump(mode="json")


async def _complaint(c: Container, system: Principal, ident: UUID) -> dict[str, Any]:
    view = await ComplaintService(c.uow(), c.clock).get(system, ident)
    return ComplaintRead.of(view).model_dump(mode="json")


# Event name prefix -> (the event field naming the record, how to read it).
LOADERS: dict[str, tuple[str, RecordLoader]] = {
    "deal.": ("deal_id", _deal),
    "client.": ("client_id", _client),
    "clients.": ("client_id", _client),  # clients.merged: the survivor
    "contact.": ("contact_id", _contact),
    "task.": ("task_id", _task),
    "activity.": ("activity_id", _activity),
    "comment.": ("comment_id", _comment),
    "attachment.": ("attachment_id", _attachment),
    "invoice.": ("invoice_id", _invoice),
    "user.absence_": ("absence_id", _absence),
    "complaint.": ("complaint_id", _complaint),
}


class ApiWebhookPayloads:
    def __init__(self, container: Container) -> None:
        self._container = container

    async def build(self, message: WebhookMessage) -> dict[str, Any]:
        return {
            "type": message.event_name,
            "version": PAYLOAD_VERSION,
            "id": str(message.event_id),
            "timestamp": message.occurred_at.isoformat(),
            "organisation_id": str(message.organisation_id),
            "event": dict(message.fields),
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
        for prefix, (id_field, load) in LOADERS.items():
            ident = message.fields.get(id_field)
            if message.event_name.startswith(prefix) and ident:
                try:
                    return await load(self._container, system, UUID(str(ident)))
                except NotFound:
                    break  # deleted since: "event" still says what happened
        return dict(message.fields)


def install_webhook_payloads(container: Container) -> None:
    if container.webhook_payloads is None:
        container.webhook_payloads = ApiWebhookPayloads(container)
