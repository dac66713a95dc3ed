"""Importing this package registers every table on ``metadata``."""

from adapters.db.tables import (
    activities,
    auth,
    clients,
    counters,
    deals,
    distribution,
    funnels,
    intake,
    lead_inbox,
    platform,
    records,
    staff,
    telephony,
    webhooks,
)
from adapters.db.tables.base import metadata

__all__ = [
    "activities",
    "auth",
    "clients",
    "counters",
    "deals",
    "distribution",
    "funnels",
    "intake",
    "lead_inbox",
    "metadata",
    "platform",
    "records",
    "staff",
    "telephony",
    "webhooks",
]
