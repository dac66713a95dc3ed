"""Legal identifiers of Russian and Ukrainian organisations, checked as the tax offices do."""

from __future__ import annotations

from domain.shared.errors import InvalidInput

# Zeros pass every check-digit formula but are never issued: placeholders typed to get past a
# required field, which would make every such client a duplicate of every other.
ALL_ZEROS = "must not be all zeros"


def _not_all_zeros(value: str, field_name: str) -> str:
    if value and set(value) == {"0"}:
        raise InvalidInput(field_name, ALL_ZEROS)
    return value


_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN11_WEIGHTS = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check_digit(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def is_valid_inn(value: str) -> bool:
    """ИНН: 10 digits for an organisation, 12 for a person or sole trader, with check digits."""
    if not value.isascii() or not value.isdigit():
        return False
    if len(value) == 10:
        return _check_digit(value, _INN10_WEIGHTS) == int(value[9])
    if len(value) == 12:
        return _check_digit(value, _INN11_WEIGHTS) == int(value[10]) and _check_digit(
            value, _INN12_WEIGHTS
        ) == int(value[11])
    return False


def validate_inn(value: str, field_name: str = "inn") -> str:
    cleaned = _not_all_zeros(value.strip(), field_name)
    if not is_valid_inn(cleaned):
        raise InvalidInput(field_name, "must be a valid INN: 10 or 12 digits with check digits")
    return cleaned


def validate_kpp(value: str, field_name: str = "kpp") -> str:
    """КПП: 9 characters, four digits (tax office), two digits or capitals (reason), three
    digits."""
    cleaned = _not_all_zeros(value.strip().upper(), field_name)
    ok = (
        len(cleaned) == 9
        and cleaned.isascii()
        and cleaned[:4].isdigit()
        and cleaned[4:6].isalnum()
        and cleaned[6:].isdigit()
    )
    if not ok:
        raise InvalidInput(field_name, "must be a KPP of 9 characters")
    return cleaned


def validate_ogrn(value: str, field_name: str = "ogrn") -> str:
    """ОГРН (13 digits) or ОГРНИП (15 digits), with the check digit."""
    cleaned = _not_all_zeros(value.strip(), field_name)
    if cleaned.isascii() and cleaned.isdigit():
        if len(cleaned) == 13 and int(cleaned[:12]) % 11 % 10 == int(cleaned[12]):
            return cleaned
        if len(cleaned) == 15 and int(cleaned[:14]) % 13 % 10 == int(cleaned[14]):
            return cleaned
    raise InvalidInput(field_name, "must be a valid OGRN (13 digits) or OGRNIP (15 digits)")


def validate_edrpou(value: str, field_name: str = "edrpou") -> str:
    """ЄДРПОУ code of a Ukrainian legal entity: 8 digits."""
    cleaned = _not_all_zeros(value.strip(), field_name)
    if len(cleaned) != 8 or not cleaned.isascii() or not cleaned.isdigit():
        raise InvalidInput(field_name, "must be an EDRPOU code of 8 digits")
    return cleaned
