"""Importing this package registers every table on ``metadata``."""

from adapters.db.tables import (
    activities,
    auth,
    clients,
    deals,
    funnels,
    platform,
    records,
    staff,
    webhooks,
)
from adapters.db.tables.base import metadata

__all__ = [
    "activities",
    "auth",
    "clients",
    "deals",
    "funnels",
    "metadata",
    "platform",
    "records",
    "staff",
    "webhooks",
]
