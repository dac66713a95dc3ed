"""The CommerceML reader: records of import and offers files in document order, namespaced or
plain, UTF-8 with a BOM or windows-1251, decimal commas; slices that resume where the last
ended; refused documents (DTDs, entities, malformed, out-of-bounds numbers) with a line that
says why."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest

from adapters.onec.commerceml import number, read_records, read_spool, spool_records
from domain.onec.model import (
    CounterpartyRecord,
    DocumentRecord,
    ExchangeRefused,
    ExchangeType,
    FileKind,
    GroupRecord,
    OfferRecord,
    PriceTypeRecord,
    ProductRecord,
    WarehouseRecord,
    safe_path,
)
from tests.api.onec.support import OFFERS, as_cp1251, offers

SAMPLE = Path(__file__).parents[2] / "api" / "onec" / "samples" / "import0_1.xml"
SALE_SAMPLE = SAMPLE.with_name("sale_orders.cp1251.xml")
COUNTERPARTIES = """<?xml version="1.0" encoding="UTF-8"?>
<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" ВерсияСхемы="2.10">
  <Контрагенты>
    <Контрагент>
      <Ид>c1</Ид>
      <Наименование>Ромашка</Наименование>
      <РеквизитыЮрЛица>
        <ОфициальноеНаименование>ООО "Ромашка"</ОфициальноеНаименование>
        <ИНН>7707083893</ИНН>
        <КПП>773601001</КПП>
      </РеквизитыЮрЛица>
      <Контакты>
        <Контакт><Тип>Телефон рабочий</Тип><Значение>+7 495 000-00-01</Значение></Контакт>
        <Контакт><Тип>Почта</Тип><Значение>info@romashka.ru</Значение></Контакт>
        <Контакт><Тип>Факс</Тип><Значение>+7 495 000-00-02</Значение></Контакт>
      </Контакты>
      <Представители>
        <Представитель>
          <Контрагент>
            <Отношение>Контактное лицо</Отношение>
            <Ид>c1-rep</Ид>
            <Наименование>Олег Иванов</Наименование>
          </Контрагент>
        </Представитель>
      </Представители>
    </Контрагент>
  </Контрагенты>
</КоммерческаяИнформация>
""".encode()


def read(document: bytes, *, offset: int = 0, limit: int = 1000) -> list[object]:
    return list(read_records(io.BytesIO(document), offset=offset, limit=limit).records)


class TestImportFile:
    def test_the_sample_reads_as_its_group_and_three_products(self) -> None:
        records = read(SAMPLE.read_bytes())
        assert records[0] == GroupRecord(
            external_id="82cfb8dc-18f9-11e7-80c2-0cc47ab29cd1", name="Коврики для дома"
        )
        products = [r for r in records[1:] if isinstance(r, ProductRecord)]
        assert len(products) == 3
        first = products[0]
        assert first.article == "PM-421-WP"
        assert first.unit == "Штука"
        assert first.group_external_id == "82cfb8dc-18f9-11e7-80c2-0cc47ab29cd1"
        properties = dict(first.properties)
        # Reference values resolved through the classifier, numbers kept as 1C wrote them.
        assert properties["Страна производства"] == "КОРЕЯ, РЕСПУБЛИКА"
        assert properties["Материал"] == "PE"
        assert properties["Габарит_Вес"] == "1,4"
        assert dict(first.requisites)["ТипНоменклатуры"] == "Товар"

    def test_plain_and_windows_1251_documents_read_the_same(self) -> None:
        original = read(SAMPLE.read_bytes())
        plain = SAMPLE.read_bytes().replace(b' xmlns="urn:1C.ru:commerceml_2"', b"")
        assert read(plain) == original
        assert read(as_cp1251(SAMPLE.read_bytes())) == original

    def test_slices_resume_where_the_last_ended(self) -> None:
        document = SAMPLE.read_bytes()
        first = read_records(io.BytesIO(document), offset=0, limit=2)
        assert (len(first.records), first.next_offset, first.done) == (2, 2, False)
        second = read_records(io.BytesIO(document), offset=2, limit=2)
        assert (len(second.records), second.next_offset, second.done) == (2, 4, True)
        assert list(first.records + second.records) == read(document)
        checked = read_records(io.BytesIO(document), offset=0, limit=0)
        assert (checked.records, checked.next_offset, checked.done) == ((), 4, True)

    def test_nested_groups_keep_their_parent(self) -> None:
        document = """<?xml version="1.0" encoding="UTF-8"?>
<КоммерческаяИнформация ВерсияСхемы="2.03"><Классификатор><Группы>
<Группа><Ид>top</Ид><Наименование>Верх</Наименование><Группы>
  <Группа><Ид>mid</Ид><Наименование>Середина</Наименование><Группы>
    <Группа><Ид>leaf</Ид><Наименование>Лист</Наименование></Группа>
  </Группы></Группа>
</Группы></Группа>
<Группа><Ид>other</Ид><Наименование>Другая</Наименование></Группа>
</Группы></Классификатор></КоммерческаяИнформация>""".encode()
        groups = {g.external_id: g.parent_external_id for g in read(document)}  # type: ignore[attr-defined]
        assert groups == {"top": None, "mid": "top", "leaf": "mid", "other": None}

    def test_a_product_marked_deleted(self) -> None:
        document = """<КоммерческаяИнформация ВерсияСхемы="2.10"><Каталог><Товары>
<Товар Статус="Удален"><Ид>p1</Ид><Наименование>Старый</Наименование></Товар>
<Товар><Ид>p2</Ид><Наименование>Новый</Наименование><ПометкаУдаления>false</ПометкаУдаления></Товар>
</Товары></Каталог></КоммерческаяИнформация>""".encode()
        assert [p.deleted for p in read(document)] == [True, False]  # type: ignore[attr-defined]


class TestCounterparties:
    def test_requisites_contacts_and_the_contact_person(self) -> None:
        # The representative's own <Контрагент> is part of its owner, not a record.
        assert read(COUNTERPARTIES) == [
            CounterpartyRecord(
                external_id="c1",
                name="Ромашка",
                full_name='ООО "Ромашка"',
                inn="7707083893",
                kpp="773601001",
                phones=("+7 495 000-00-01",),
                emails=("info@romashka.ru",),
                contact_name="Олег Иванов",
            )
        ]

    def test_a_sale_documents_buyers_and_documents_are_read_its_lines_are_not_products(
        self,
    ) -> None:
        records = read(SALE_SAMPLE.read_bytes())
        # Each document's buyer first, so the document finds its client when it is applied.
        assert [type(r) for r in records] == [
            CounterpartyRecord,
            DocumentRecord,
            CounterpartyRecord,
            DocumentRecord,
        ]
        assert [r.external_id for r in records if isinstance(r, CounterpartyRecord)] == [
            "38#catalog_exchange#",
            "5#content-manager# Контент менджер",
        ]
        documents = [r for r in records if isinstance(r, DocumentRecord)]
        assert [d.counterparty_external_id for d in documents] == [
            "38#catalog_exchange#",
            "5#content-manager# Контент менджер",
        ]
        assert documents[0].external_id == "132"
        assert documents[0].operation == "Заказ товара"
        assert documents[0].amount == Decimal("231.74")
        assert documents[0].error is None
        assert [line.quantity for line in documents[0].lines] == [Decimal("1")]

    def test_a_counterparty_survives_the_spool(self) -> None:
        spool = io.StringIO()
        assert spool_records(io.BytesIO(COUNTERPARTIES), spool) == 1
        spool.seek(0)
        assert list(read_spool(spool, offset=0, limit=10).records) == read(COUNTERPARTIES)


class TestOffersFile:
    def test_price_types_warehouses_and_offers(self) -> None:
        records = read(offers("1 234,50"))
        assert [type(r) for r in records] == [
            PriceTypeRecord,
            PriceTypeRecord,
            WarehouseRecord,
            WarehouseRecord,
            OfferRecord,
            OfferRecord,
        ]
        first = records[4]
        assert isinstance(first, OfferRecord)
        assert first.prices[0].price == Decimal("1234.50")
        assert first.prices[0].currency == "RUB"
        assert dict(first.stock) == {
            "a1a1a1a1-18fa-11e7-80c2-0cc47ab29cd1": Decimal(7),
            "b2b2b2b2-18fa-11e7-80c2-0cc47ab29cd1": Decimal(5),
        }
        assert first.quantity == 12
        second = records[5]
        assert isinstance(second, OfferRecord)
        assert second.product_external_id == "80cb5293-19c1-11e7-80c2-0cc47ab29cd1"
        assert second.quantity == 3  # from the warehouses (Остатки, 2.08+)


class TestRefusals:
    @pytest.mark.parametrize(
        "document",
        [
            b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<a>&x;</a>",
            b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xx"><!ENTITY y "&x;&x;">]><a>&y;</a>',
            b'<!DOCTYPE a SYSTEM "http://example.com/a.dtd"><a/>',
        ],
        ids=["xxe", "entities", "external-dtd"],
    )
    def test_any_dtd_is_refused(self, document: bytes) -> None:
        with pytest.raises(ExchangeRefused, match="DTD"):
            read(document)

    @pytest.mark.parametrize(
        ("document", "reason"),
        [
            ("<КоммерческаяИнформация><b></КоммерческаяИнформация>".encode(), "malformed XML"),
            (b"<other/>", "not a CommerceML document"),
            (
                '<КоммерческаяИнформация ВерсияСхемы="3.1"/>'.encode(),
                "schema 3.1 is not supported",
            ),
        ],
    )
    def test_what_is_not_commerceml_is_refused(self, document: bytes, reason: str) -> None:
        with pytest.raises(ExchangeRefused, match=reason):
            read(document)

    @pytest.mark.parametrize(
        "value", ["1e999999", "9" * 30, "12,34,56", "NaN", "1" * 50, "--1", "0x10"]
    )
    def test_numbers_out_of_bounds_are_refused_before_conversion(self, value: str) -> None:
        with pytest.raises(ExchangeRefused):
            number(value, "ЦенаЗаЕдиницу")
        document = OFFERS.replace("{retail}", value).encode()
        with pytest.raises(ExchangeRefused, match="ЦенаЗаЕдиницу"):
            read(document)

    @pytest.mark.parametrize(
        ("value", "expected"),
        [("1 234,56", "1234.56"), ("0,5", "0.5"), ("\u00a0100", "100"), ("-3", "-3")],
    )
    def test_decimal_commas_and_spaces(self, value: str, expected: str) -> None:
        assert number(value, "x") == Decimal(expected)


class TestFileNames:
    @pytest.mark.parametrize(
        "name", ["import_files/ab/abcd.jpg", "offers0_1.xml", "import_files\\ab\\c.png"]
    )
    def test_folders_are_kept(self, name: str) -> None:
        assert safe_path(name) == name.replace("\\", "/")

    @pytest.mark.parametrize(
        "name",
        ["", "../a.xml", "a/../../b", "/etc/passwd", "C:\\x.xml", "a//b", "./a", "a\x00b"],
    )
    def test_traversal_and_absolute_names_are_refused(self, name: str) -> None:
        with pytest.raises(ExchangeRefused):
            safe_path(name)


class TestSpool:
    def test_a_checked_document_is_read_back_from_its_spool_in_slices(self) -> None:
        for document in (SAMPLE.read_bytes(), offers("1 234,50")):
            spool = io.StringIO()
            count = spool_records(io.BytesIO(document), spool)
            assert count == len(read(document))
            spool.seek(0)
            first = read_spool(spool, offset=0, limit=3)
            spool.seek(0)
            rest = read_spool(spool, offset=3, limit=100)
            assert (first.next_offset, first.done) == (3, False)
            assert (rest.next_offset, rest.done) == (count, True)
            # The same records, Decimals and tuples included, as a direct parse gives.
            assert list(first.records + rest.records) == read(document)


class TestFileKinds:
    @pytest.mark.parametrize(
        ("name", "kind"),
        [
            ("import0_1.xml", FileKind.IMPORT),
            ("webdata/000000001/import___a1b2.xml", FileKind.IMPORT),
            ("offers0_1.xml", FileKind.OFFERS),
            ("prices___1.xml", FileKind.OFFERS),
            ("rests___1.xml", FileKind.OFFERS),
            ("Exchange.ZIP", FileKind.ARCHIVE),
            ("import_files/ab/abcd.jpg", FileKind.OTHER),
        ],
    )
    def test_a_catalogue_file_is_known_by_its_name(self, name: str, kind: FileKind) -> None:
        assert FileKind.of(name, ExchangeType.CATALOG) is kind

    def test_any_xml_of_a_sale_exchange_is_orders(self) -> None:
        assert FileKind.of("orders-1.xml", ExchangeType.SALE) is FileKind.ORDERS
