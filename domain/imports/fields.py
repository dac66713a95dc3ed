"""The fields an import can fill, how a column's header suggests one (in Russian, Ukrainian and
English, and by the headers of the product's own exports, so an export imports back), and the
parsing of a cell's text into a field's value (numbers with a decimal comma, amounts with a
currency, dates as the spreadsheets write them)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from domain.clients.custom_fields import CustomFieldDefinition
from domain.clients.model import ClientKind, Temperature
from domain.imports.model import ImportEntity, IssueCode
from domain.shared.clock import DATE_MAX, DATE_MIN, OUTSIDE_WINDOW, in_window
from domain.shared.errors import (
    AT_MOST_CODE,
    CURRENCY_CODE_CODE,
    NEGATIVE_CODE,
    OUTSIDE_WINDOW_CODE,
    InvalidInput,
)
from domain.shared.money import AMOUNT_MAX, ISO_4217, bounded_decimal

CUSTOM_PREFIX = "cf."

# field -> headers that suggest it (compared folded: lower case, ё as е, punctuation as spaces)
CLIENT_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "ид", "идентификатор"),
    "kind": ("тип", "тип клиента", "kind", "type", "client type", "тип клієнта"),
    "name": (
        "клиент",
        "название",
        "наименование",
        "компания",
        "организация",
        "имя клиента",
        "client",
        "name",
        "company",
        "organisation",
        "organization",
        "client name",
        "клієнт",
        "назва",
        "найменування",
        "компанія",
        "організація",
    ),
    "legal_name": (
        "юридическое название",
        "юридическое наименование",
        "полное наименование",
        "legal name",
        "юридична назва",
        "повне найменування",
    ),
    "inn": ("инн", "inn", "tax id", "ипн", "іпн", "рнокпп", "vat", "vat number"),
    "kpp": ("кпп", "kpp"),
    "ogrn": ("огрн", "ogrn"),
    "edrpou": ("едрпоу", "єдрпоу", "edrpou", "код єдрпоу", "код едрпоу"),
    "sector": ("отрасль", "сфера", "sector", "industry", "галузь"),
    "segment_tags": ("сегменты", "сегмент", "теги", "segments", "tags", "сегменти"),
    "source_channel": ("источник", "канал", "source", "channel", "джерело"),
    "source_campaign": ("кампания", "campaign", "кампанія"),
    "temperature": ("температура", "temperature"),
    "responsible": (
        "ответственный",
        "менеджер",
        "responsible",
        "manager",
        "owner",
        "відповідальний",
    ),
    "notes": ("примечание", "комментарий", "заметки", "notes", "comment", "примітка", "коментар"),
    "contact_name": (
        "контактные лица",
        "контактное лицо",
        "контакт",
        "фио",
        "contact",
        "contacts",
        "contact name",
        "full name",
        "контактна особа",
        "контактні особи",
        "піб",
    ),
    "contact_position": ("должность", "position", "job title", "title", "посада"),
    "phones": ("телефоны", "телефон", "phone", "phones", "mobile", "тел", "телефони"),
    "emails": ("e mail", "email", "emails", "почта", "электронная почта", "пошта", "ел пошта"),
}

DEAL_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "ид", "идентификатор"),
    "title": ("сделка", "название сделки", "deal", "title", "deal title", "угода", "назва угоди"),
    "client": ("клиент", "компания", "client", "company", "клієнт", "компанія"),
    "client_inn": ("инн", "инн клиента", "inn", "tax id", "іпн", "єдрпоу", "едрпоу", "edrpou"),
    "funnel": ("воронка", "funnel", "pipeline", "лійка", "воронка продаж"),
    "stage": ("этап", "стадия", "stage", "етап", "стадія"),
    "amount": ("сумма", "бюджет", "amount", "sum", "budget", "value", "сума"),
    "currency": ("валюта", "currency"),
    "expected_margin": ("ожидаемая маржа", "маржа", "margin", "expected margin", "очікувана маржа"),
    "responsible": (
        "ответственный",
        "менеджер",
        "responsible",
        "manager",
        "owner",
        "відповідальний",
    ),
    "source_channel": ("источник", "канал", "source", "channel", "джерело"),
    "source_campaign": ("кампания", "campaign", "кампанія"),
    "expected_close_date": (
        "ожидаемая дата закрытия",
        "дата закрытия",
        "expected close date",
        "close date",
        "очікувана дата закриття",
        "дата закриття",
    ),
}

FIELDS: dict[ImportEntity, dict[str, tuple[str, ...]]] = {
    ImportEntity.CLIENTS: CLIENT_FIELDS,
    ImportEntity.DEALS: DEAL_FIELDS,
}

_FOLD = re.compile(r"[\W_]+", re.UNICODE)


def fold(header: str) -> str:
    return _FOLD.sub(" ", header.lower().replace("ё", "е")).strip()


def field_names(entity: ImportEntity, custom: Iterable[CustomFieldDefinition]) -> list[str]:
    return [*FIELDS[entity], *(CUSTOM_PREFIX + d.key for d in custom)]


def suggest_mapping(
    entity: ImportEntity, header: Sequence[str], custom: Iterable[CustomFieldDefinition]
) -> dict[int, str]:
    """Column index -> field for the headers that name one; each field once (the first column
    that names it). Custom fields match their label or their key."""
    by_header: dict[str, str] = {}
    for name, headers in FIELDS[entity].items():
        for h in headers:
            by_header.setdefault(fold(h), name)
    for definition in custom:
        for h in (definition.label, definition.key, CUSTOM_PREFIX + definition.key):
            by_header.setdefault(fold(h), CUSTOM_PREFIX + definition.key)
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for index, text in enumerate(header):
        found = by_header.get(fold(text))
        if found is not None and found not in taken:
            mapping[index] = found
            taken.add(found)
    return mapping


# --- cell values ---------------------------------------------------------------------------

_KINDS = {
    "company": ClientKind.COMPANY,
    "компания": ClientKind.COMPANY,
    "юрлицо": ClientKind.COMPANY,
    "юридическое лицо": ClientKind.COMPANY,
    "компанія": ClientKind.COMPANY,
    "юрособа": ClientKind.COMPANY,
    "юридична особа": ClientKind.COMPANY,
    "person": ClientKind.PERSON,
    "физлицо": ClientKind.PERSON,
    "физическое лицо": ClientKind.PERSON,
    "частное лицо": ClientKind.PERSON,
    "фізособа": ClientKind.PERSON,
    "фізична особа": ClientKind.PERSON,
}
_TEMPERATURES = {
    "cold": Temperature.COLD,
    "холодный": Temperature.COLD,
    "холодний": Temperature.COLD,
    "warm": Temperature.WARM,
    "теплый": Temperature.WARM,
    "теплий": Temperature.WARM,
    "hot": Temperature.HOT,
    "горячий": Temperature.HOT,
    "гарячий": Temperature.HOT,
}
_SPLIT = re.compile(r"[,;\n]+")
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_MONEY = re.compile(r"^(?P<number>.*?)\s*(?P<currency>[A-Za-z]{3}|₽|руб\.?|грн\.?|\$|€)?$")
_SYMBOLS = {
    "₽": "RUB",
    "руб": "RUB",
    "руб.": "RUB",
    "грн": "UAH",
    "грн.": "UAH",
    "$": "USD",
    "€": "EUR",
}
_DOTTED = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")


def kind(value: str, column: str) -> ClientKind:
    found = _KINDS.get(fold(value))
    if found is None:
        raise InvalidInput(
            column,
            "must be a company or a person (компания / физлицо)",
            code=IssueCode.CLIENT_KIND,
        )
    return found


def temperature(value: str, column: str) -> Temperature:
    found = _TEMPERATURES.get(fold(value).replace("ё", "е"))
    if found is None:
        raise InvalidInput(
            column,
            "must be cold, warm or hot (холодный / теплый / горячий)",
            code=IssueCode.TEMPERATURE,
        )
    return found


def split_list(value: str) -> list[str]:
    return [part.strip() for part in _SPLIT.split(value) if part.strip()]


def number(value: str, column: str) -> Decimal:
    """Spaces (also non-breaking) go, a lone decimal comma becomes a point; bounded before
    anything converts it."""
    text = _SPACES.sub("", value)
    if "," in text and "." not in text and text.count(",") == 1:
        text = text.replace(",", ".")
    return bounded_decimal(text, column)


def money(value: str, column: str) -> tuple[Decimal, str | None]:
    """An amount, with the currency written after it when it is ("1 300,50 RUB", "99 ₽")."""
    match = _MONEY.match(value.strip())
    currency = None
    text = value
    if match and match.group("currency"):
        symbol = match.group("currency")
        currency = _SYMBOLS.get(symbol.lower(), symbol.upper())
        text = match.group("number")
        if currency not in ISO_4217:
            raise InvalidInput(column, "is not an ISO 4217 currency code", code=CURRENCY_CODE_CODE)
    amount = number(text, column)
    if amount < 0 or amount > AMOUNT_MAX:
        raise InvalidInput(
            column,
            f"must be a number from 0 to {AMOUNT_MAX}",
            code=AT_MOST_CODE if amount > 0 else NEGATIVE_CODE,
            ctx={"le": str(AMOUNT_MAX)},
        )
    return amount, currency


def day(value: str, column: str) -> date:
    """ISO (2026-12-03, also with a time after it, as XLSX dates arrive) or day first with dots
    or slashes (03.12.2026)."""
    text = value.strip()
    try:
        if m := _DOTTED.match(text):
            found = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        elif len(text) > 10 and text[10] in " T":
            found = datetime.fromisoformat(text[:19]).date()
        else:
            found = date.fromisoformat(text[:10])
    except ValueError:
        raise InvalidInput(
            column, "must be a date (2026-12-31 or 31.12.2026)", code=IssueCode.NOT_A_DATE
        ) from None
    if not in_window(found):
        raise InvalidInput(
            column,
            OUTSIDE_WINDOW,
            code=OUTSIDE_WINDOW_CODE,
            ctx={"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()},
        )
    return found


def currency(value: str, column: str) -> str:
    code = _SYMBOLS.get(value.strip().lower(), value.strip().upper())
    if code not in ISO_4217:
        raise InvalidInput(column, "is not an ISO 4217 currency code", code=CURRENCY_CODE_CODE)
    return code
