from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import ClassVar

import pytest

from domain.clients.commands import UpdateClient
from domain.clients.custom_fields import (
    CustomFieldDefinition,
    FieldEntity,
    FieldType,
    FilterOp,
    parse_custom_filters,
    validate_custom_fields,
)
from domain.clients.duplicates import DuplicateHit, DuplicateReason, group_hits
from domain.clients.legal import is_valid_inn, validate_edrpou, validate_kpp, validate_ogrn
from domain.clients.model import (
    Client,
    RelationshipType,
    derive_relationship,
    name_key,
    phone_region,
    phones_of,
)
from domain.shared.errors import InvalidInput

ORG = uuid.uuid4()
T0 = datetime(2030, 1, 1, 9, tzinfo=UTC)


class TestNameKey:
    @pytest.mark.parametrize(
        ("name", "key"),
        [
            ('ООО "Ромашка"', "ромашка"),
            ("ООО «Ромашка»", "ромашка"),
            ("Ромашка, ООО", "ромашка"),
            ("ПАО Сбербанк", "сбербанк"),
            ("ИП Иванов Иван", "иванов иван"),
            ("ТОВ «Світанок»", "світанок"),
            ("ФОП Коваленко", "коваленко"),
            ("Acme LLC", "acme"),
            ("Общество с ограниченной ответственностью «Ёлка»", "елка"),
        ],
    )
    def test_legal_forms_quotes_and_case_are_ignored(self, name: str, key: str) -> None:
        assert name_key(name) == key

    def test_a_legal_form_inside_a_word_stays(self) -> None:
        assert name_key("Аоки Трейд") == "аоки трейд"

    def test_a_name_that_is_only_a_legal_form_keeps_a_key(self) -> None:
        assert name_key("ООО") == "ооо"


class TestLegalIds:
    @pytest.mark.parametrize("inn", ["7707083893", "500100732259", "7830002293"])
    def test_valid_inns_pass(self, inn: str) -> None:
        assert is_valid_inn(inn)

    @pytest.mark.parametrize(
        "inn", ["7707083894", "500100732258", "123", "77070838931", "770708389a", ""]
    )
    def test_wrong_check_digits_or_lengths_fail(self, inn: str) -> None:
        assert not is_valid_inn(inn)

    def test_kpp_ogrn_and_edrpou(self) -> None:
        assert validate_kpp("773601001") == "773601001"
        assert validate_ogrn("1027700132195") == "1027700132195"
        assert validate_ogrn("304500116000157") == "304500116000157"
        assert validate_edrpou("14360570") == "14360570"
        for bad in (
            lambda: validate_kpp("12345"),
            lambda: validate_ogrn("1027700132194"),
            lambda: validate_edrpou("1436057"),
        ):
            with pytest.raises(InvalidInput):
                bad()

    def test_a_client_with_a_bad_inn_names_the_field(self) -> None:
        client = Client(organisation_id=ORG, name="Ромашка", responsible_id=uuid.uuid4())
        with pytest.raises(InvalidInput) as caught:
            client.apply(UpdateClient(inn="7707083894", kpp="1"), at=T0, by=None)
        assert {p.loc for p in caught.value.problems} == {("inn",), ("kpp",)}


class TestPhones:
    @pytest.mark.parametrize(
        ("raw", "region", "e164"),
        [
            ("+7 (912) 345-67-89", "RU", "+79123456789"),
            ("89123456789", "RU", "+79123456789"),
            ("8 (912) 345 67 89", "RU", "+79123456789"),
            ("+380 44 123 4567", "RU", "+380441234567"),
            ("0441234567", "UA", "+380441234567"),
            ("+7 701 123 4567", "RU", "+77011234567"),
            ("8 029 123-45-67", "BY", "+375291234567"),
        ],
    )
    def test_formats_normalise_to_e164(self, raw: str, region: str, e164: str) -> None:
        assert phones_of([(raw, "mobile")], region=region)[0].e164 == e164

    def test_region_follows_the_currency_unless_asked(self) -> None:
        assert phone_region("UAH") == "UA"
        assert phone_region("KZT") == "KZ"
        assert phone_region("EUR") == "RU"
        assert phone_region("RUB", "by") == "BY"
        with pytest.raises(InvalidInput):
            phone_region("RUB", "US")

    def test_the_same_number_twice_is_kept_once(self) -> None:
        phones = phones_of([("+79123456789", "mobile"), ("89123456789", "work")], region="RU")
        assert len(phones) == 1


class TestRelationship:
    @pytest.mark.parametrize(
        ("won", "open_", "inbound", "expected"),
        [
            (0, 0, 0, RelationshipType.COLD),
            (0, 1, 0, RelationshipType.POTENTIAL),
            (0, 0, 1, RelationshipType.POTENTIAL),
            (1, 0, 0, RelationshipType.CURRENT),
            (1, 3, 2, RelationshipType.CURRENT),
            (2, 0, 0, RelationshipType.PERMANENT),
        ],
    )
    def test_derived_from_deals_and_requests(
        self, won: int, open_: int, inbound: int, expected: RelationshipType
    ) -> None:
        assert (
            derive_relationship(won_deals=won, open_deals=open_, inbound_requests=inbound)
            is expected
        )


def _field(key: str, kind: FieldType, **extra: object) -> CustomFieldDefinition:
    return CustomFieldDefinition(
        organisation_id=ORG,
        entity=FieldEntity.CLIENT,
        key=key,
        label=key,
        type=kind,
        **extra,  # type: ignore[arg-type]
    )


class TestCustomFields:
    definitions: ClassVar[list[CustomFieldDefinition]] = [
        _field("size", FieldType.NUMBER),
        _field("founded", FieldType.DATE),
        _field("tier", FieldType.ENUM, options=["gold", "silver"]),
        _field("budget", FieldType.MONEY),
        _field("site", FieldType.STRING, required=True),
    ]

    def test_values_are_stored_in_their_canonical_form(self) -> None:
        stored = validate_custom_fields(
            self.definitions,
            {
                "size": "120",
                "founded": date(2001, 5, 1),
                "tier": "gold",
                "budget": {"amount": "1000.5", "currency": "RUB"},
                "site": " example.ru ",
            },
        )
        assert stored == {
            "size": 120,
            "founded": "2001-05-01",
            "tier": "gold",
            "budget": {"amount": "1000.50", "currency": "RUB"},
            "site": "example.ru",
        }

    def test_every_problem_is_named_at_once(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            validate_custom_fields(
                self.definitions,
                {
                    "size": "many",
                    "tier": "bronze",
                    "founded": "32.01.2020",
                    "nope": 1,
                    "budget": {"amount": "1", "currency": "rub"},
                },
            )
        locs = {p.loc[1] for p in caught.value.problems}
        assert locs == {"size", "tier", "founded", "nope", "budget", "site"}

    def test_required_fields_are_enforced_and_null_means_unset(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            validate_custom_fields(self.definitions, {"site": None})
        assert [p.msg for p in caught.value.problems] == ["is required"]

    def test_booleans_are_not_numbers(self) -> None:
        with pytest.raises(InvalidInput):
            validate_custom_fields(self.definitions, {"site": "x", "size": True})

    def test_filters_parse_by_type(self) -> None:
        filters = parse_custom_filters(
            self.definitions, [("cf.size.gte", "10"), ("cf.tier", "gold"), ("q", "x")]
        )
        assert [(f.key, f.op) for f in filters] == [("size", FilterOp.GTE), ("tier", FilterOp.EQ)]
        with pytest.raises(InvalidInput):
            parse_custom_filters(self.definitions, [("cf.tier.gte", "a")])
        with pytest.raises(InvalidInput):
            parse_custom_filters(self.definitions, [("cf.unknown", "a")])

    def test_enum_definitions_need_options(self) -> None:
        with pytest.raises(InvalidInput):
            _field("tier", FieldType.ENUM)
        with pytest.raises(InvalidInput):
            _field("Bad Key", FieldType.STRING)


def test_duplicate_hits_group_by_record_with_every_reason() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    owner = uuid.uuid4()
    hits = [
        DuplicateHit(id=a, name="A", responsible_id=owner, reason=DuplicateReason.NAME),
        DuplicateHit(id=b, name="B", responsible_id=owner, reason=DuplicateReason.EMAIL),
        DuplicateHit(id=a, name="A", responsible_id=owner, reason=DuplicateReason.PHONE),
    ]
    candidates = group_hits(hits)
    assert [c.id for c in candidates] == [a, b]
    assert candidates[0].reasons == (DuplicateReason.PHONE, DuplicateReason.NAME)
