"""Where a list's numbers come from: the clients list's filter, as its URL query string (the
form a saved filter keeps), or a segment (tags); and rows read from an upload."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TypeVar
from urllib.parse import parse_qsl
from uuid import UUID

from domain.calllists.model import ITEM_NAME_MAX, BuildReport, Entry
from domain.clients.custom_fields import CustomFieldDefinition, parse_custom_filters
from domain.clients.model import ClientKind, RelationshipType, Temperature
from domain.clients.ports import ClientFilter
from domain.platform.saved_filters import clean_query
from domain.shared.errors import DomainError, InvalidInput
from domain.shared.phone import normalise_phone
from domain.shared.text import clean_text

MAX_VALUES = 100
_E = TypeVar("_E", bound=enum.Enum)
MAX_TAGS = 50
TAG_MAX = 100


def _moment(value: str, key: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(("query", key), "is not a date and time") from exc
    if moment.tzinfo is None:
        raise InvalidInput(("query", key), "needs a time zone")
    return moment


def _enum(kind: type[_E], value: str, key: str) -> _E:
    try:
        return kind(value)
    except ValueError as exc:
        raise InvalidInput(("query", key), f"unknown value {value[:50]!r}") from exc


def client_filter(query: str, definitions: Iterable[CustomFieldDefinition] = ()) -> ClientFilter:
    """The clients list's filter from its query string (``temperature=cold&tags=b2b``), read
    as GET /clients reads it; sort and paging keys are ignored."""
    text = clean_query(query)
    values: dict[str, list[str]] = {}
    custom: list[tuple[str, str]] = []
    for key, value in parse_qsl(text, max_num_fields=200):
        if key.startswith("cf."):
            custom.append((key, value))
        else:
            values.setdefault(key, []).append(value)
    for key, found in values.items():
        if len(found) > MAX_VALUES:
            raise InvalidInput(("query", key), f"at most {MAX_VALUES} values")

    def one(key: str) -> str | None:
        found = values.get(key)
        return found[-1] if found else None

    def ids(key: str) -> tuple[UUID, ...]:
        try:
            return tuple(UUID(v) for v in values.get(key, []))
        except ValueError as exc:
            raise InvalidInput(("query", key), "is not an id") from exc

    kind = one("kind")
    search = (one("q") or "").strip()[:200]
    return ClientFilter(
        responsible_ids=ids("responsible_id"),
        relationship_types=tuple(
            _enum(RelationshipType, v, "relationship_type")
            for v in values.get("relationship_type", [])
        ),
        source_channels=tuple(v[:100] for v in values.get("source_channel", [])),
        temperatures=tuple(
            _enum(Temperature, v, "temperature") for v in values.get("temperature", [])
        ),
        kind=_enum(ClientKind, kind, "kind") if kind else None,
        tags=tuple(v[:TAG_MAX] for v in values.get("tags", [])),
        all_tags=one("tags_mode") == "all",
        created_from=_moment(v, "created_from") if (v := one("created_from")) else None,
        created_to=_moment(v, "created_to") if (v := one("created_to")) else None,
        updated_from=_moment(v, "updated_from") if (v := one("updated_from")) else None,
        updated_to=_moment(v, "updated_to") if (v := one("updated_to")) else None,
        search=search or None,
        custom=tuple(parse_custom_filters(definitions, custom)) if custom else (),
    )


def segment_filter(tags: Sequence[str]) -> ClientFilter:
    """A segment: the clients carrying any of these tags."""
    cleaned = tuple(
        dict.fromkeys(t for t in (clean_text(t, "tags", max_length=TAG_MAX) for t in tags) if t)
    )
    if not cleaned:
        raise InvalidInput("tags", "name at least one segment tag")
    if len(cleaned) > MAX_TAGS:
        raise InvalidInput("tags", f"at most {MAX_TAGS} tags")
    return ClientFilter(tags=cleaned)


def read_entries(
    rows: Iterable[tuple[int, str, str | None]], report: BuildReport, *, region: str
) -> list[Entry]:
    """(row, phone, name) rows to entries, one per phone: a number that is not a phone is
    reported, one seen before in the rows counted as a duplicate."""
    seen: set[str] = set()
    entries: list[Entry] = []
    for row, raw, name in rows:
        try:
            phone = normalise_phone(raw or "", region=region)
        except DomainError:
            report.bad(row, raw or "", "blank" if not (raw or "").strip() else "not_a_phone")
            continue
        if phone in seen:
            report.duplicates += 1
            continue
        seen.add(phone)
        cleaned = " ".join((name or "").split())[:ITEM_NAME_MAX] or None
        entries.append(Entry(row=row, phone=phone, name=cleaned))
    return entries


_PHONE_HEADERS = ("phone", "tel", "telephone", "mobile", "телефон", "тел", "номер", "мобильный")
_NAME_HEADERS = (
    "name",
    "client",
    "company",
    "fio",
    "имя",
    "фио",
    "клиент",
    "ім'я",
    "піб",
    "название",
    "компания",
)


def columns_of(header: Sequence[str]) -> tuple[int, int | None]:
    """Which column holds the phone and which the name, from the header row (the first
    column and the second when the header names neither)."""
    keys = [h.strip().lower().replace(" ", "").replace("_", "") for h in header]
    phone = next(
        (i for i, k in enumerate(keys) if any(k.startswith(p) for p in _PHONE_HEADERS)), None
    )
    name = next(
        (
            i
            for i, k in enumerate(keys)
            if i != phone and any(k.startswith(p) for p in _NAME_HEADERS)
        ),
        None,
    )
    if phone is None:
        phone = 0
        name = 1 if name is None and len(keys) > 1 else name
    return phone, name
