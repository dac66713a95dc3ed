"""Money as Decimal with a currency; never float.

Every number a person or an integration sends is bounded before anything converts or computes
with it: a value such as 1e999999999 is cheap as a Decimal but turns into a billion-digit
integer (or an endless quantize) the moment it is used, so ``bounded_decimal`` refuses it first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from domain.shared.errors import (
    CURRENCY_CODE_CODE,
    NOT_A_NUMBER_CODE,
    OUT_OF_RANGE_CODE,
    InvalidInput,
)
from domain.shared.text import FieldName

CENT = Decimal("0.01")
# numeric(18, 2) holds amounts below 10^16.
AMOUNT_MAX = Decimal("9999999999999999.99")
# Product quantities: numeric(18, 3), and a line's amount must still fit an amount.
QUANTITY_MAX = Decimal(1_000_000_000)
# Places kept after the point; more are rounded away. 16 digits before and 10 after still fit
# the 28 digits of the default decimal context.
MAX_PLACES = 10
# The longest number worth parsing: 16 digits, a point, 10 places, a sign and an exponent.
NUMBER_MAX_LENGTH = 40

NOT_A_NUMBER = "must be a number"

# ISO 4217 codes of currencies in circulation (and a few just withdrawn, for stored deals),
# without the precious metals, testing and "no currency" codes.
ISO_4217 = frozenset(
    [
        "AED",
        "AFN",
        "ALL",
        "AMD",
        "ANG",
        "AOA",
        "ARS",
        "AUD",
        "AWG",
        "AZN",
        "BAM",
        "BBD",
        "BDT",
        "BGN",
        "BHD",
        "BIF",
        "BMD",
        "BND",
        "BOB",
        "BOV",
        "BRL",
        "BSD",
        "BTN",
        "BWP",
        "BYN",
        "BZD",
        "CAD",
        "CDF",
        "CHE",
        "CHF",
        "CHW",
        "CLF",
        "CLP",
        "CNY",
        "COP",
        "COU",
        "CRC",
        "CUC",
        "CUP",
        "CVE",
        "CZK",
        "DJF",
        "DKK",
        "DOP",
        "DZD",
        "EGP",
        "ERN",
        "ETB",
        "EUR",
        "FJD",
        "FKP",
        "GBP",
        "GEL",
        "GHS",
        "GIP",
        "GMD",
        "GNF",
        "GTQ",
        "GYD",
        "HKD",
        "HNL",
        "HRK",
        "HTG",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "IQD",
        "IRR",
        "ISK",
        "JMD",
        "JOD",
        "JPY",
        "KES",
        "KGS",
        "KHR",
        "KMF",
        "KPW",
        "KRW",
        "KWD",
        "KYD",
        "KZT",
        "LAK",
        "LBP",
        "LKR",
        "LRD",
        "LSL",
        "LYD",
        "MAD",
        "MDL",
        "MGA",
        "MKD",
        "MMK",
        "MNT",
        "MOP",
        "MRU",
        "MUR",
        "MVR",
        "MWK",
        "MXN",
        "MXV",
        "MYR",
        "MZN",
        "NAD",
        "NGN",
        "NIO",
        "NOK",
        "NPR",
        "NZD",
        "OMR",
        "PAB",
        "PEN",
        "PGK",
        "PHP",
        "PKR",
        "PLN",
        "PYG",
        "QAR",
        "RON",
        "RSD",
        "RUB",
        "RWF",
        "SAR",
        "SBD",
        "SCR",
        "SDG",
        "SEK",
        "SGD",
        "SHP",
        "SLE",
        "SLL",
        "SOS",
        "SRD",
        "SSP",
        "STN",
        "SVC",
        "SYP",
        "SZL",
        "THB",
        "TJS",
        "TMT",
        "TND",
        "TOP",
        "TRY",
        "TTD",
        "TWD",
        "TZS",
        "UAH",
        "UGX",
        "USD",
        "USN",
        "UYI",
        "UYU",
        "UYW",
        "UZS",
        "VED",
        "VES",
        "VND",
        "VUV",
        "WST",
        "XAF",
        "XCD",
        "XCG",
        "XOF",
        "XPF",
        "YER",
        "ZAR",
        "ZMW",
        "ZWG",
        "ZWL",
    ]
)
# ISO 4217 codes the product expects most.
COMMON_CURRENCIES = ("RUB", "UAH", "KZT", "BYN", "USD", "EUR", "CNY")
CURRENCY_CODE = "must be an ISO 4217 currency code such as RUB, EUR or USD"


def validate_currency(code: str, field_name: FieldName = "currency") -> str:
    if code not in ISO_4217:
        raise InvalidInput(field_name, CURRENCY_CODE, code=CURRENCY_CODE_CODE)
    return code


def out_of_range(limit: Decimal) -> str:
    return f"must be between -{limit} and {limit}"


def _not_a_number(field_name: FieldName) -> InvalidInput:
    return InvalidInput(field_name, NOT_A_NUMBER, code=NOT_A_NUMBER_CODE)


def _out_of_range(field_name: FieldName, limit: Decimal) -> InvalidInput:
    return InvalidInput(
        field_name, out_of_range(limit), code=OUT_OF_RANGE_CODE, ctx={"max": str(limit)}
    )


def bounded_decimal(
    value: object, field_name: FieldName, *, limit: Decimal = AMOUNT_MAX
) -> Decimal:
    """``value`` (a number, or its text) as a finite Decimal of at most ``limit`` either side of
    zero, rounded to ``MAX_PLACES``. Checked before any conversion that could take time;
    raises InvalidInput naming ``field_name``."""
    if isinstance(value, bool):
        raise _not_a_number(field_name)
    if isinstance(value, str):
        value = value.strip()
        if len(value) > NUMBER_MAX_LENGTH:
            raise _out_of_range(field_name, limit)
    elif isinstance(value, int):
        if abs(value) > limit:  # cheap even for a huge int
            raise _out_of_range(field_name, limit)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _not_a_number(field_name)
        value = repr(value)
    elif not isinstance(value, Decimal):
        raise _not_a_number(field_name)
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise _not_a_number(field_name) from exc
    if not number.is_finite():
        raise _not_a_number(field_name)
    if number.copy_abs() > limit:  # exact, without the context: cheap for 1e999999999
        raise _out_of_range(field_name, limit)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_PLACES:
        number = number.quantize(Decimal(1).scaleb(-MAX_PLACES), rounding=ROUND_HALF_UP)
    return number


def to_amount(value: Decimal | int | str, field_name: FieldName = "amount") -> Decimal:
    return bounded_decimal(value, field_name).quantize(CENT, rounding=ROUND_HALF_UP)


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
