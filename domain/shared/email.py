"""E-mail addresses as people type them: checked for shape, not deliverability."""

from __future__ import annotations

from domain.shared.errors import NOT_AN_EMAIL_CODE, TOO_LONG_CODE, InvalidInput
from domain.shared.text import FieldName

# RFC 5321: a local part of at most 64 octets, a path of at most 256 (254 for the address).
LOCAL_MAX = 64
EMAIL_MAX = 254
NOT_AN_EMAIL = "must be an e-mail address such as name@example.com"


def validate_email(value: str, field_name: FieldName = "email") -> str:
    """``value`` trimmed: exactly one @ between a local part and a domain, no spaces or control
    characters, within the RFC lengths. Raises InvalidInput naming ``field_name``."""
    cleaned = value.strip()
    local, _, domain = cleaned.partition("@")
    if (
        cleaned.count("@") != 1
        or not local
        or not domain
        or any(ch.isspace() or not ch.isprintable() for ch in cleaned)
    ):
        raise InvalidInput(field_name, NOT_AN_EMAIL, code=NOT_AN_EMAIL_CODE)
    if len(local.encode()) > LOCAL_MAX:
        raise InvalidInput(
            field_name,
            f"must have at most {LOCAL_MAX} characters before the @",
            code=NOT_AN_EMAIL_CODE,
        )
    if len(cleaned.encode()) > EMAIL_MAX:
        raise InvalidInput(
            field_name,
            f"must be at most {EMAIL_MAX} characters",
            code=TOO_LONG_CODE,
            ctx={"max_length": str(EMAIL_MAX)},
        )
    return cleaned
