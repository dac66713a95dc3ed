"""Phone numbers in E.164. Russian, Ukrainian, Kazakh and Belarusian formats are accepted,
including the domestic 8-prefix (8 912 345-67-89)."""

from __future__ import annotations

import phonenumbers

from domain.shared.errors import BLANK_CODE, NOT_A_PHONE_CODE, InvalidInput

DEFAULT_REGION = "RU"


def normalise_phone(raw: str, *, region: str = DEFAULT_REGION, field_name: str = "phone") -> str:
    text = raw.strip()
    if not text:
        raise InvalidInput(field_name, "must not be blank", code=BLANK_CODE)
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput(
            field_name, f"is not a phone number: {raw!r}", code=NOT_A_PHONE_CODE
        ) from exc
    if not phonenumbers.is_possible_number(number) or not phonenumbers.is_valid_number(number):
        raise InvalidInput(
            field_name, f"is not a valid phone number: {raw!r}", code=NOT_A_PHONE_CODE
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
