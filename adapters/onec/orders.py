"""Orders to 1C as a CommerceML 2 document (``type=sale&mode=query``), built with lxml: every
value is a text node or an attribute, so lxml escapes it; characters XML 1.0 cannot carry
(control characters) are dropped rather than refused."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from lxml import etree

from domain.onec.orders import (
    DEFAULT_UNIT,
    OPERATION,
    ROLE_BUYER,
    ROLE_SELLER,
    Order,
    OrderLine,
    OrderParty,
)
from domain.onec.services import SCHEMA_VERSION

NAMESPACE = "urn:1C.ru:commerceml_2"
# What XML 1.0 refuses: C0 controls but tab, newline and return; surrogates; U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_STATUS = {"open": "Открыт", "won": "Выполнен", "lost": "Отменен"}


def _clean(value: str) -> str:
    return _NOT_XML.sub("", value)


def _add(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, tag)
    if text is not None:
        child.text = _clean(text)
    return child


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):f}"


def _quantity(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class CommerceMlOrderWriter:
    def write(self, orders: Sequence[Order], *, at: datetime) -> bytes:
        root = etree.Element(
            "КоммерческаяИнформация",
            nsmap={None: NAMESPACE},
            attrib={
                "ВерсияСхемы": SCHEMA_VERSION,
                "ДатаФормирования": at.strftime("%Y-%m-%dT%H:%M:%S"),
            },
        )
        for order in orders:
            self._document(root, order)
        return bytes(
            etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        )

    def _document(self, root: etree._Element, order: Order) -> None:
        doc = _add(root, "Документ")
        _add(doc, "Ид", str(order.deal_id))
        _add(doc, "Номер", order.number)
        _add(doc, "Дата", order.created_at.strftime("%Y-%m-%d"))
        _add(doc, "ХозОперация", OPERATION)
        _add(doc, "Роль", ROLE_SELLER)
        _add(doc, "Валюта", order.currency)
        _add(doc, "Курс", "1")
        _add(doc, "Сумма", _money(order.amount))
        parties = _add(doc, "Контрагенты")
        self._party(parties, order.buyer)
        _add(doc, "Время", order.created_at.strftime("%H:%M:%S"))
        _add(doc, "Комментарий", order.title)
        goods = _add(doc, "Товары")
        for line in order.lines:
            self._line(goods, line)
        requisites = _add(doc, "ЗначенияРеквизитов")
        values = [
            ("Статус заказа", order.stage_name),
            ("Состояние сделки", _STATUS.get(order.status, order.status)),
            ("Отменен", "true" if order.status == "lost" else "false"),
            ("Дата изменения", order.changed_at.strftime("%Y-%m-%dT%H:%M:%S")),
            ("Номер версии", str(order.version)),
        ]
        if order.responsible_name:
            values.append(("Ответственный", order.responsible_name))
        for name, value in values:
            requisite = _add(requisites, "ЗначениеРеквизита")
            _add(requisite, "Наименование", name)
            _add(requisite, "Значение", value)

    def _party(self, parent: etree._Element, party: OrderParty) -> None:
        node = _add(parent, "Контрагент")
        _add(node, "Ид", party.id)
        _add(node, "Наименование", party.name)
        _add(node, "ПолноеНаименование", party.full_name or party.name)
        if not party.is_person:
            _add(node, "ОфициальноеНаименование", party.full_name or party.name)
        if party.inn:
            _add(node, "ИНН", party.inn)
        if party.kpp:
            _add(node, "КПП", party.kpp)
        if party.edrpou:
            _add(node, "ОКПО", party.edrpou)
        if party.phone or party.email:
            contacts = _add(node, "Контакты")
            if party.phone:
                contact = _add(contacts, "Контакт")
                _add(contact, "Тип", "Телефон рабочий")
                _add(contact, "Значение", party.phone)
            if party.email:
                contact = _add(contacts, "Контакт")
                _add(contact, "Тип", "Почта")
                _add(contact, "Значение", party.email)
        _add(node, "Роль", ROLE_BUYER)

    def _line(self, parent: etree._Element, line: OrderLine) -> None:
        node = _add(parent, "Товар")
        _add(node, "Ид", line.product_external_id or line.line_id)
        if line.article:
            _add(node, "Артикул", line.article)
        _add(node, "Наименование", line.name)
        _add(node, "БазоваяЕдиница", line.unit or DEFAULT_UNIT)
        _add(node, "ЦенаЗаЕдиницу", _money(line.price))
        _add(node, "Количество", _quantity(line.quantity))
        _add(node, "Сумма", _money(line.amount))
        requisites = _add(node, "ЗначенияРеквизитов")
        for name, value in (("ВидНоменклатуры", "Товар"), ("ТипНоменклатуры", "Товар")):
            requisite = _add(requisites, "ЗначениеРеквизита")
            _add(requisite, "Наименование", name)
            _add(requisite, "Значение", value)
