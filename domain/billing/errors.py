from __future__ import annotations

from domain.shared.errors import InvalidInput


class InvoiceNumberTaken(InvalidInput):
    """Invoice numbers are unique in an organisation."""

    def __init__(self) -> None:
        super().__init__("number", "is taken by another invoice of the organisation")
