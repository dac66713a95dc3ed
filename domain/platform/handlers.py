"""The in-transaction handlers of every context, for the composition root to register."""

from __future__ import annotations

from collections.abc import Callable

from domain.activities import handlers as activities
from domain.clients import handlers as clients
from domain.intake import handlers as intake
from domain.intake import lead_inbox_handlers as lead_inbox
from domain.loyalty import handlers as loyalty
from domain.platform.messagebus import EventBus

IN_TRANSACTION_HANDLERS: tuple[Callable[[EventBus], None], ...] = (
    clients.register,
    activities.register,
    intake.register,
    lead_inbox.register,
    loyalty.register,
)
