from __future__ import annotations

import uuid


def new_id() -> uuid.UUID:
    """Identifiers are random UUIDs generated in the domain, so entities know their id
    before they are stored (and events can name them)."""
    return uuid.uuid4()
