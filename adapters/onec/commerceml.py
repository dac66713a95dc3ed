"""CommerceML 2 (schema 2.03 to 2.10) read as a stream.

A file is parsed from its bytes with defusedxml over expat: a document with a DTD (and so
with entities: XXE, billion laughs) is refused before anything of it is read, the declared
encoding is honoured (UTF-8 with or without a byte-order mark, windows-1251), and documents
with the ``urn:1C.ru:commerceml_2`` namespace read as plain ones. ``iterparse`` hands over
each record when its element ends; the record is then dropped from the tree, so memory holds
one record and the classifier's property names whatever the file's size.

Numbers are bounded before they are converted (a decimal comma reads as a point, spaces as
thousands separators); identifiers and texts are bounded too. A value out of bounds refuses
the document with a line that names it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any
from uuid import UUID
from xml.etree.ElementTree import Element, ParseError

import anyio
from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import iterparse

from adapters.onec.files import LocalExchangeFiles
from domain.onec.model import (
    CatalogRecord,
    CatalogSlice,
    CounterpartyRecord,
    DocumentLine,
    DocumentRecord,
    ExchangeRefused,
    FileKind,
    GroupRecord,
    OfferRecord,
    PriceRecord,
    PriceTypeRecord,
    ProductRecord,
    WarehouseRecord,
)

ID_MAX = 100
NAME_MAX = 300
TEXT_MAX = 10_000
VALUE_MAX = 1000
UNIT_MAX = 50
ARTICLE_MAX = 100
NUMBER_MAX_CHARS = 40
# At most this many digits before the point, and after it: numeric(18, 2) / (18, 3).
_NUMBER = re.compile(r"^-?\d{1,15}(?:\.\d{1,6})?$")
PROPERTIES_MAX = 100_000
PROPERTY_VALUES_MAX = 1_000_000
PROPERTIES_PER_PRODUCT = 200
NESTING_MAX = 64
TAX_ID_MAX = 20
CONTACTS_PER_COUNTERPARTY = 20
# A document's lines and requisites beyond these are left out (and the document reported).
LINES_PER_DOCUMENT = 1000
REQUISITES_PER_DOCUMENT = 200
ROOT = "КоммерческаяИнформация"
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$|^(\d{2})\.(\d{2})\.(\d{4})(?: .*)?$")
_TIME = re.compile(r"^\d{2}:\d{2}(?::\d{2})?$")


def local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _clean(text: str | None, limit: int) -> str | None:
    if text is None:
        return None
    flat = "".join(ch if ch >= " " or ch in "\n\t" else " " for ch in text).strip()
    if not flat:
        return None
    return flat[:limit]


def _child(elem: Element, name: str) -> Element | None:
    for child in elem:
        if local(child.tag) == name:
            return child
    return None


def _children(elem: Element | None, name: str) -> list[Element]:
    if elem is None:
        return []
    return [child for child in elem if local(child.tag) == name]


def _text(elem: Element, name: str, limit: int = NAME_MAX) -> str | None:
    child = _child(elem, name)
    return _clean(child.text, limit) if child is not None else None


def _id(elem: Element, name: str = "Ид", *, required: bool = True) -> str | None:
    value = _text(elem, name, ID_MAX + 1)
    if value is None:
        if required:
            raise ExchangeRefused(f"<{local(elem.tag)}> without <{name}>")
        return None
    if len(value) > ID_MAX:
        raise ExchangeRefused(f"<{name}> longer than {ID_MAX} characters")
    return value


def number(text: str | None, what: str) -> Decimal | None:
    """A CommerceML number: bounded as text first, then converted."""
    if text is None:
        return None
    raw = text.strip()
    if not raw:
        return None
    if len(raw) > NUMBER_MAX_CHARS:
        raise ExchangeRefused(f"{what}: a number longer than {NUMBER_MAX_CHARS} characters")
    compact = raw.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not _NUMBER.match(compact):
        raise ExchangeRefused(f"{what}: not a number within bounds: {raw[:40]}")
    try:
        return Decimal(compact)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise ExchangeRefused(f"{what}: not a number: {raw[:40]}") from exc


def day(text: str | None, what: str) -> date | None:
    """A CommerceML date (2021-02-11, 2021-02-11T18:45:21, or 11.02.2021 18:45:21 as Bitrix
    writes requisites); years 1900 to 2999."""
    raw = (text or "").strip()
    if not raw:
        return None
    found = _DAY.match(raw[:40])
    if found is None:
        raise ExchangeRefused(f"{what}: not a date: {raw[:40]}")
    year, month, dd = (
        found.group(1, 2, 3) if found.group(1) else (found.group(6), found.group(5), found.group(4))
    )
    try:
        value = date(int(year), int(month), int(dd))
    except ValueError as exc:
        raise ExchangeRefused(f"{what}: not a date: {raw[:40]}") from exc
    if not 1900 <= value.year <= 2999:
        raise ExchangeRefused(f"{what}: a date out of bounds: {raw[:40]}")
    return value


def _check_version(root: Element) -> None:
    if local(root.tag) != ROOT:
        raise ExchangeRefused(f"not a CommerceML document: the root is <{local(root.tag)}>")
    version = (root.get("ВерсияСхемы") or "").strip()
    if version and not re.match(r"^2\.\d{1,2}$", version):
        raise ExchangeRefused(f"CommerceML schema {version[:20]} is not supported (2.03-2.10)")


class _Reader:
    """One pass over a document, yielding its records in document order."""

    def __init__(self, source: IO[bytes]) -> None:
        self._source = source
        self.properties: dict[str, str] = {}
        self.values: dict[str, str] = {}
        # The document being read: its counterparties and lines are dropped from the tree as
        # they end, so what the document needs of them is kept here.
        self._parties: list[tuple[str, str | None]] = []
        self._lines: list[DocumentLine] = []
        self._line_error: str | None = None
        # The order of the Контейнер being read (2.08+): its payments settle it.
        self._container_order: str | None = None

    def records(self) -> Iterator[CatalogRecord]:
        names: list[str] = []
        elements: list[Element] = []
        groups: list[Element] = []
        try:
            for event, elem in iterparse(self._source, events=("start", "end"), forbid_dtd=True):
                name = local(elem.tag)
                if event == "start":
                    if not elements:
                        _check_version(elem)
                    if len(elements) >= NESTING_MAX:
                        raise ExchangeRefused(f"elements nested deeper than {NESTING_MAX}")
                    names.append(name)
                    elements.append(elem)
                    if name == "Документ":
                        self._parties, self._lines, self._line_error = [], [], None
                    elif name == "Контейнер":
                        self._container_order = None
                    if name == "Группа" and "Классификатор" in names and "Товар" not in names:
                        groups.append(elem)
                    continue
                names.pop()
                elements.pop()
                parent = names[-1] if names else ""
                record = self._record(name, parent, names, elem, groups)
                if name == "Группа" and groups and groups[-1] is elem:
                    groups.pop()
                if record is not None:
                    yield record
                if record is not None or name in ("Свойство", "Товар", "Предложение", "Документ"):
                    # Done with it: drop it from the tree, so memory stays flat.
                    elem.clear()
                    if elements and name != "Группа":
                        elements[-1].remove(elem)
        except DTDForbidden as exc:
            raise ExchangeRefused(
                "the document has a DTD (<!DOCTYPE>): refused, entities are not expanded"
            ) from exc
        except EntitiesForbidden as exc:
            raise ExchangeRefused("the document declares entities: refused") from exc
        except DefusedXmlException as exc:
            raise ExchangeRefused(f"the document is refused: {type(exc).__name__}") from exc
        except ParseError as exc:
            raise ExchangeRefused(f"malformed XML: {exc}") from exc
        except LookupError as exc:
            raise ExchangeRefused(f"unknown encoding: {exc}") from exc

    def _record(
        self,
        name: str,
        parent: str,
        names: list[str],
        elem: Element,
        groups: list[Element],
    ) -> CatalogRecord | None:
        if name == "Группа" and parent == "Группы" and "Классификатор" in names:
            outer = groups[-2] if len(groups) >= 2 and groups[-1] is elem else None
            return GroupRecord(
                external_id=_id(elem) or "",
                name=_text(elem, "Наименование") or "",
                parent_external_id=_id(outer, required=False) if outer is not None else None,
            )
        if name == "Свойство" and parent == "Свойства" and "Классификатор" in names:
            self._property(elem)
            return None
        if name == "Товар" and parent == "Товары" and "Документ" not in names:
            return self._product(elem)
        if name == "ТипЦены" and parent == "ТипыЦен":
            return PriceTypeRecord(
                external_id=_id(elem) or "",
                name=_text(elem, "Наименование") or "",
                currency=_text(elem, "Валюта", 3),
            )
        if name == "Склад" and parent == "Склады" and "Предложение" not in names:
            return WarehouseRecord(
                external_id=_id(elem) or "", name=_text(elem, "Наименование") or ""
            )
        if name == "Предложение" and parent == "Предложения":
            return self._offer(elem)
        if name == "Контрагент" and parent == "Контрагенты":
            # Of the catalogue (import*.xml) or of a sale document (Документ/Контрагенты);
            # a representative's own <Контрагент> sits deeper and is read with its owner.
            counterparty = self._counterparty(elem)
            if "Документ" in names:
                self._parties.append((counterparty.external_id, _text(elem, "Роль")))
            return counterparty
        if name == "Товар" and parent == "Товары" and "Документ" in names:
            self._line(elem)
            return None
        if name == "Документ" and "Документ" not in names:
            return self._document(elem, in_container="Контейнер" in names)
        return None

    def _line(self, elem: Element) -> None:
        if self._line_error is not None:
            return
        if len(self._lines) >= LINES_PER_DOCUMENT:
            self._line_error = f"more than {LINES_PER_DOCUMENT} lines"
            return
        try:
            name = _text(elem, "Наименование", NAME_MAX)
            ident = _id(elem, required=False)
            self._lines.append(
                DocumentLine(
                    product_external_id=ident,
                    name=name or ident or "—",
                    price=number(
                        _text(elem, "ЦенаЗаЕдиницу", NUMBER_MAX_CHARS + 1), "ЦенаЗаЕдиницу"
                    ),
                    quantity=number(_text(elem, "Количество", NUMBER_MAX_CHARS + 1), "Количество"),
                    amount=number(_text(elem, "Сумма", NUMBER_MAX_CHARS + 1), "Сумма"),
                )
            )
        except ExchangeRefused as refused:
            self._line_error = f"line {len(self._lines) + 1}: {refused.reason}"

    def _document(self, elem: Element, *, in_container: bool) -> DocumentRecord:
        ident = _text(elem, "Ид", ID_MAX + 1)
        if not ident or len(ident) > ID_MAX:
            return DocumentRecord(
                external_id=(ident or "")[:ID_MAX],
                number=_text(elem, "Номер", 50),
                error=f"<Документ> without <Ид> of at most {ID_MAX} characters",
            )
        requisites: list[tuple[str, str]] = []
        for requisite in _children(_child(elem, "ЗначенияРеквизитов"), "ЗначениеРеквизита")[
            :REQUISITES_PER_DOCUMENT
        ]:
            key = _text(requisite, "Наименование")
            if key:
                requisites.append((key, _text(requisite, "Значение", VALUE_MAX) or ""))
        buyers = [i for i, role in self._parties if (role or "").lower() == "покупатель"]
        parties = buyers or [i for i, _ in self._parties]
        counterparty = parties[0] if parties else None
        operation = _text(elem, "ХозОперация", 100)
        time = _text(elem, "Время", 20)
        marked = (_text(elem, "ПометкаУдаления") or "").lower() == "true"
        basis = _text(elem, "Основание", ID_MAX)
        if in_container and operation in ("Заказ товара", "Счет на оплату"):
            self._container_order = ident
        elif in_container and basis is None:
            basis = self._container_order
        try:
            if self._line_error is not None:
                raise ExchangeRefused(self._line_error)
            return DocumentRecord(
                external_id=ident,
                number=_text(elem, "Номер", 50),
                issued_on=day(_text(elem, "Дата", 41), "Дата"),
                time=time if time and _TIME.match(time) else None,
                operation=operation,
                currency=_text(elem, "Валюта", 20),
                rate=number(_text(elem, "Курс", NUMBER_MAX_CHARS + 1), "Курс"),
                amount=number(_text(elem, "Сумма", NUMBER_MAX_CHARS + 1), "Сумма"),
                counterparty_external_id=counterparty,
                lines=tuple(self._lines),
                requisites=tuple(requisites),
                deleted=marked,
                basis=basis,
            )
        except ExchangeRefused as refused:
            return DocumentRecord(
                external_id=ident, number=_text(elem, "Номер", 50), error=refused.reason
            )

    def _counterparty(self, elem: Element) -> CounterpartyRecord:
        holders = [elem] + [
            r
            for r in (_child(elem, "РеквизитыЮрЛица"), _child(elem, "РеквизитыФизЛица"))
            if r is not None
        ]

        def first(*names: str, limit: int = NAME_MAX) -> str | None:
            for holder in holders:
                for name in names:
                    value = _text(holder, name, limit)
                    if value:
                        return value
            return None

        phones: list[str] = []
        emails: list[str] = []
        contacts = _children(_child(elem, "Контакты"), "Контакт")
        for address in _children(_child(elem, "Адрес"), "Контакт") + contacts:
            kind = (_text(address, "Тип") or _text(address, "КонтактВид") or "").lower()
            value = _text(address, "Значение", 200)
            if not value:
                continue
            is_email = "почт" in kind or "mail" in kind or "@" in value
            if is_email and len(emails) < CONTACTS_PER_COUNTERPARTY:
                emails.append(value)
            elif (
                not is_email
                and ("тел" in kind or "phone" in kind or not kind)
                and len(phones) < CONTACTS_PER_COUNTERPARTY
            ):
                phones.append(value)
        contact_name: str | None = None
        for representative in _children(_child(elem, "Представители"), "Представитель"):
            nested = _child(representative, "Контрагент")
            holder = nested if nested is not None else representative
            contact_name = _text(holder, "Наименование")
            if contact_name:
                break
        return CounterpartyRecord(
            external_id=_id(elem) or "",
            name=_text(elem, "Наименование"),
            full_name=first("ОфициальноеНаименование", "ПолноеНаименование"),
            inn=first("ИНН", limit=TAX_ID_MAX),
            kpp=first("КПП", limit=TAX_ID_MAX),
            edrpou=first("ЕДРПОУ", "КодПоЕДРПОУ", "ЕГРПОУ", limit=TAX_ID_MAX),
            is_person=_child(elem, "РеквизитыФизЛица") is not None
            or _child(elem, "Фамилия") is not None,
            phones=tuple(phones),
            emails=tuple(emails),
            contact_name=contact_name,
        )

    def _property(self, elem: Element) -> None:
        ident = _id(elem) or ""
        if len(self.properties) < PROPERTIES_MAX:
            self.properties[ident] = _text(elem, "Наименование") or ident
        for variants in _children(elem, "ВариантыЗначений"):
            for variant in variants:
                value_id = _id(variant, "ИдЗначения", required=False)
                value = _text(variant, "Значение", VALUE_MAX)
                if value_id and value and len(self.values) < PROPERTY_VALUES_MAX:
                    self.values[value_id] = value

    def _product(self, elem: Element) -> ProductRecord:
        unit_elem = _child(elem, "БазоваяЕдиница")
        unit = None
        if unit_elem is not None:
            unit = _clean(
                unit_elem.get("НаименованиеПолное")
                or unit_elem.get("НаименованиеКраткое")
                or (unit_elem.text or ""),
                UNIT_MAX,
            )
        group_ids = [
            _clean(g.text, ID_MAX) for g in _children(_child(elem, "Группы"), "Ид") if g.text
        ]
        properties: list[tuple[str, str]] = []
        for value in _children(_child(elem, "ЗначенияСвойств"), "ЗначенияСвойства")[
            :PROPERTIES_PER_PRODUCT
        ]:
            ident = _id(value) or ""
            texts = [
                self.values.get(v, v)
                for v in (_clean(x.text, VALUE_MAX) for x in _children(value, "Значение"))
                if v
            ]
            if texts:
                properties.append((self.properties.get(ident, ident), ", ".join(texts)[:VALUE_MAX]))
        requisites: list[tuple[str, str]] = []
        for requisite in _children(_child(elem, "ЗначенияРеквизитов"), "ЗначениеРеквизита")[
            :PROPERTIES_PER_PRODUCT
        ]:
            key = _text(requisite, "Наименование")
            shown = _text(requisite, "Значение", VALUE_MAX)
            if key and shown:
                requisites.append((key, shown))
        status = (elem.get("Статус") or _text(elem, "Статус") or "").lower()
        marked = (_text(elem, "ПометкаУдаления") or "").lower() == "true"
        name = _text(elem, "Наименование")
        if not name:
            raise ExchangeRefused(f"product {_id(elem)} without <Наименование>")
        return ProductRecord(
            external_id=_id(elem) or "",
            name=name,
            article=_text(elem, "Артикул", ARTICLE_MAX),
            barcode=_text(elem, "Штрихкод", ARTICLE_MAX),
            unit=unit,
            description=_text(elem, "Описание", TEXT_MAX),
            group_external_id=group_ids[0] if group_ids else None,
            properties=tuple(properties),
            requisites=tuple(requisites),
            deleted=marked or status == "удален",
        )

    def _offer(self, elem: Element) -> OfferRecord:
        ident = (_id(elem) or "").split("#", 1)[0]
        prices = []
        for price in _children(_child(elem, "Цены"), "Цена"):
            type_id = _id(price, "ИдТипаЦены")
            value = number(_text(price, "ЦенаЗаЕдиницу", NUMBER_MAX_CHARS + 1), "ЦенаЗаЕдиницу")
            if value is None:
                continue
            if value < 0:
                raise ExchangeRefused(f"offer {ident}: a negative price")
            prices.append(
                PriceRecord(
                    price_type_external_id=type_id or "",
                    price=value,
                    currency=_text(price, "Валюта", 3),
                    unit=_text(price, "Единица", UNIT_MAX),
                )
            )
        stock: dict[str, Decimal] = {}
        # 2.05+: <Склад ИдСклада="..." КоличествоНаСкладе="5"/> in the offer.
        for store in _children(elem, "Склад"):
            store_id = _clean(store.get("ИдСклада"), ID_MAX + 1)
            quantity = number(store.get("КоличествоНаСкладе"), "КоличествоНаСкладе")
            if store_id and quantity is not None:
                stock[store_id[:ID_MAX]] = quantity
        # 2.08+: <Остатки><Остаток><Склад><Ид/><Количество/></Склад></Остаток></Остатки>.
        total: Decimal | None = number(
            _text(elem, "Количество", NUMBER_MAX_CHARS + 1), "Количество"
        )
        for rest in _children(_child(elem, "Остатки"), "Остаток"):
            for store in _children(rest, "Склад"):
                store_id = _id(store, required=False)
                quantity = number(_text(store, "Количество", NUMBER_MAX_CHARS + 1), "Количество")
                if store_id and quantity is not None:
                    stock[store_id] = quantity
            quantity = number(_text(rest, "Количество", NUMBER_MAX_CHARS + 1), "Количество")
            if quantity is not None:
                total = quantity
        if total is None and stock:
            total = sum(stock.values(), Decimal(0))
        return OfferRecord(
            product_external_id=ident,
            prices=tuple(prices),
            stock=tuple(sorted(stock.items())),
            quantity=total,
        )


def read_records(source: IO[bytes], *, offset: int, limit: int) -> CatalogSlice:
    """Records ``offset`` to ``offset + limit`` of the document; ``limit=0`` reads it all to
    check it and counts its records."""
    records: list[CatalogRecord] = []
    index = 0
    stream = _Reader(source).records()
    for record in stream:
        if limit and index >= offset + limit:
            return CatalogSlice(records=tuple(records), next_offset=index, done=False)
        if limit and index >= offset:
            records.append(record)
        index += 1
    return CatalogSlice(records=tuple(records), next_offset=index, done=True)


# --- the spool: a checked document's records, one JSON line each -------------------------
#
# The first import call parses the whole document once (checking it) and writes its records
# here; each slice then reads its lines instead of parsing the document again from the top,
# so an import costs one parse whatever the number of slices.

_KINDS: dict[str, type] = {
    "group": GroupRecord,
    "price_type": PriceTypeRecord,
    "warehouse": WarehouseRecord,
    "product": ProductRecord,
    "offer": OfferRecord,
    "counterparty": CounterpartyRecord,
    "document": DocumentRecord,
}
_NAMES = {kind: name for name, kind in _KINDS.items()}


def _dump(record: CatalogRecord) -> str:
    fields: dict[str, Any] = {"k": _NAMES[type(record)]}
    if isinstance(record, DocumentRecord):
        fields |= {name: getattr(record, name) for name in record.__dataclass_fields__}
        fields["issued_on"] = record.issued_on.isoformat() if record.issued_on else None
        fields["rate"] = _str(record.rate)
        fields["amount"] = _str(record.amount)
        fields["lines"] = [
            [
                line.product_external_id,
                line.name,
                _str(line.price),
                _str(line.quantity),
                _str(line.amount),
            ]
            for line in record.lines
        ]
    elif isinstance(record, OfferRecord):
        fields |= {
            "product_external_id": record.product_external_id,
            "prices": [
                [p.price_type_external_id, str(p.price), p.currency, p.unit] for p in record.prices
            ],
            "stock": [[store, str(quantity)] for store, quantity in record.stock],
            "quantity": None if record.quantity is None else str(record.quantity),
        }
    else:
        fields |= {name: getattr(record, name) for name in record.__dataclass_fields__}
    return json.dumps(fields, ensure_ascii=False)


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _load(line: str) -> CatalogRecord:
    fields = json.loads(line)
    kind = _KINDS[fields.pop("k")]
    if kind is DocumentRecord:
        return DocumentRecord(
            **fields
            | {
                "issued_on": date.fromisoformat(fields["issued_on"])
                if fields["issued_on"]
                else None,
                "rate": _decimal(fields["rate"]),
                "amount": _decimal(fields["amount"]),
                "lines": tuple(
                    DocumentLine(
                        product_external_id=ident,
                        name=name,
                        price=_decimal(price),
                        quantity=_decimal(quantity),
                        amount=_decimal(amount),
                    )
                    for ident, name, price, quantity, amount in fields["lines"]
                ),
                "requisites": tuple(tuple(pair) for pair in fields["requisites"]),
            }
        )
    if kind is OfferRecord:
        return OfferRecord(
            product_external_id=fields["product_external_id"],
            prices=tuple(
                PriceRecord(
                    price_type_external_id=t, price=Decimal(price), currency=currency, unit=unit
                )
                for t, price, currency, unit in fields["prices"]
            ),
            stock=tuple((store, Decimal(quantity)) for store, quantity in fields["stock"]),
            quantity=None if fields["quantity"] is None else Decimal(fields["quantity"]),
        )
    if kind is ProductRecord:
        fields["properties"] = tuple(tuple(pair) for pair in fields["properties"])
        fields["requisites"] = tuple(tuple(pair) for pair in fields["requisites"])
    if kind is CounterpartyRecord:
        fields["phones"] = tuple(fields["phones"])
        fields["emails"] = tuple(fields["emails"])
    record: CatalogRecord = kind(**fields)
    return record


def spool_records(source: IO[bytes], spool: IO[str]) -> int:
    """Checks the whole document and writes its records to ``spool``; how many."""
    count = 0
    for record in _Reader(source).records():
        spool.write(_dump(record))
        spool.write("\n")
        count += 1
    return count


def read_spool(spool: IO[str], *, offset: int, limit: int) -> CatalogSlice:
    records: list[CatalogRecord] = []
    index = 0
    for line in spool:
        if index >= offset + limit:
            return CatalogSlice(records=tuple(records), next_offset=index, done=False)
        if index >= offset:
            records.append(_load(line))
        index += 1
    return CatalogSlice(records=tuple(records), next_offset=index, done=True)


class CommerceMlReader:
    """The ``CatalogReader`` over the exchange files on disk."""

    def __init__(self, files: LocalExchangeFiles) -> None:
        self._files = files

    async def read(
        self,
        organisation_id: UUID,
        exchange_id: UUID,
        path: str,
        kind: FileKind,
        *,
        offset: int,
        limit: int,
    ) -> CatalogSlice:
        location = self._files.location(organisation_id, exchange_id, path)
        spool = self._files.spool(organisation_id, exchange_id, path)

        def check() -> CatalogSlice:
            spool.parent.mkdir(parents=True, exist_ok=True)
            partial = spool.with_name(spool.name + ".part")
            try:
                with location.open("rb") as source, partial.open("w", encoding="utf-8") as out:
                    count = spool_records(source, out)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            partial.replace(spool)
            return CatalogSlice(records=(), next_offset=count, done=True)

        def run() -> CatalogSlice:
            try:
                if limit == 0:
                    return check()
                if spool.is_file():
                    with spool.open(encoding="utf-8") as lines:
                        return read_spool(lines, offset=offset, limit=limit)
                with location.open("rb") as source:
                    return read_records(source, offset=offset, limit=limit)
            except FileNotFoundError as exc:
                raise ExchangeRefused(f"no file {path} was received") from exc

        return await anyio.to_thread.run_sync(run)
