"""Importing this package registers every table on ``metadata``."""

from adapters.db.tables import auth, platform, staff
from adapters.db.tables.base import metadata

__all__ = ["auth", "metadata", "platform", "staff"]
