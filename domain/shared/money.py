"""Money as Decimal with a currency; never float."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from domain.shared.errors import InvalidInput

CENT = Decimal("0.01")
# ISO 4217 codes the product expects most; any three capital letters are accepted.
COMMON_CURRENCIES = ("RUB", "UAH", "KZT", "BYN", "USD", "EUR", "CNY")


def validate_currency(code: str, field_name: str = "currency") -> str:
    if len(code) != 3 or not code.isascii() or not code.isalpha() or not code.isupper():
        raise InvalidInput(field_name, "must be a three-letter ISO 4217 code such as RUB")
    return code


def to_amount(value: Decimal | int | str, field_name: str = "amount") -> Decimal:
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(field_name, "is not a number") from exc
    if not amount.is_finite():
        raise InvalidInput(field_name, "is not a number")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_amount(self.amount))
        validate_currency(self.currency)

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def times(self, factor: Decimal) -> Money:
        return Money(self.amount * factor, self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise InvalidInput("currency", f"cannot combine {self.currency} and {other.currency}")
