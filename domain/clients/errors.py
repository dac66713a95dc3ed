"""Errors of the clients context."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.shared.errors import NotFound


class ClientMerged(NotFound):
    """The client was merged into another; reads answer 404 naming the survivor, so a stale
    link can be followed (``merged_into_id``)."""

    def __init__(self, client_id: UUID, survivor_id: UUID) -> None:
        super().__init__("Client", client_id)
        self.survivor_id = survivor_id
        self.detail = f"Client {client_id} was merged into client {survivor_id}"

    @property
    def extensions(self) -> dict[str, Any]:
        return {"merged_into_id": str(self.survivor_id)}
