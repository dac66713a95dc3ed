"""Reading form bodies and leads: charsets, Tilda's flattened names, mappings, cookies."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest

from domain.intake.model import Form, LeadField, field_key
from domain.intake.parsing import (
    decode_text,
    event_key,
    is_connection_check,
    parse_body,
    read_lead,
)

FORM = "application/x-www-form-urlencoded"


def _form(**changes: object) -> Form:
    return Form.create(
        uuid.uuid4(),
        name="Сайт",
        funnel_id=None,
        created_at=datetime(2026, 12, 1, tzinfo=UTC),
        **changes,  # type: ignore[arg-type]
    )


class TestFieldNames:
    @pytest.mark.parametrize(
        ("name", "key"),
        [("Your-Name", "yourname"), ("E_mail", "email"), ("Ваш телефон", "ваштелефон")],
    )
    def test_case_spaces_dashes_and_underscores_do_not_matter(self, name: str, key: str) -> None:
        assert field_key(name) == key

    def test_the_forms_own_names_come_before_the_defaults(self) -> None:
        form = _form(field_map={LeadField.PHONE: ["Куда перезвонить"]})
        assert form.names_for(LeadField.PHONE)[0] == "кудаперезвонить"
        assert "телефон" in form.names_for(LeadField.PHONE)


class TestBodies:
    def test_a_wrong_declared_charset_falls_back_to_utf8_then_cp1251(self) -> None:
        notes: list[str] = []
        assert decode_text("Иван".encode("cp1251"), f"{FORM}; charset=utf-8", notes) == "Иван"
        assert "cp1251" in notes[0]

    def test_undecodable_bytes_become_replacement_characters(self) -> None:
        parsed = parse_body(b"\x00\xff\xfe", "application/octet-stream")
        assert parsed.format == "unknown"
        assert parsed.fields == {}

    def test_tilda_json_is_flattened_like_its_urlencoded_form(self) -> None:
        document = {"Name": "А", "payment": {"products": [{"name": "Курс", "price": "10"}]}}
        parsed = parse_body(json.dumps(document).encode(), "application/json")
        assert parsed.fields == {
            "Name": "А",
            "payment[products][0][name]": "Курс",
            "payment[products][0][price]": "10",
        }

    def test_control_characters_are_dropped_and_fields_capped(self) -> None:
        parsed = parse_body(("a=x%00y%07z&" * 400).encode(), FORM)
        assert parsed.fields["a"].startswith("xyz")
        assert any("300" in note for note in parsed.notes)

    def test_the_connection_check(self) -> None:
        assert is_connection_check(parse_body(b"test=test", FORM))
        assert not is_connection_check(parse_body(b"test=test&Name=A", FORM))


class TestEventKeys:
    def test_tranid_then_order_then_body_hash_for_tilda(self) -> None:
        assert event_key(b"formid=f&tranid=1:2", FORM, None) == ("tilda", "tranid:1:2")
        assert event_key(b"formid=f&payment[orderid]=9", FORM, None) == (
            "tilda",
            "order:f:9",
        )
        provider, key = event_key(b"formid=f&Name=A", FORM, None)
        assert provider == "tilda"
        assert key is not None
        assert key.startswith("sha256:")

    def test_an_idempotency_key_wins_and_generic_posts_have_none(self) -> None:
        assert event_key(b"name=A", FORM, "k-1") == ("generic", "key:k-1")
        assert event_key(b"name=A", FORM, None) == ("generic", None)


class TestLeads:
    def test_utm_from_fields_then_cookies_then_sourcebuster(self) -> None:
        body = (
            b"name=A&phone=89161234567&COOKIES=utm_medium%3Dcpc%3B+sbjs_current%3D"
            b"typ%3Dutm%7Csrc%3Dgoogle%7Cmdm%3Dorganic%7Ccmp%3Dwinter"
        )
        lead = read_lead(parse_body(body, FORM), _form(), {})
        assert lead["utm"] == {
            "utm_medium": "cpc",
            "utm_source": "google",
            "utm_campaign": "winter",
        }
        assert lead["source"] == "google"
        assert lead["campaign"] == "winter"

    def test_an_unreadable_phone_is_kept_raw(self) -> None:
        lead = read_lead(parse_body("Имя=Аня&Телефон=позвоните".encode(), FORM), _form(), {})
        assert lead["name"] == "Аня"
        assert lead["phone_raw"] == "позвоните"
        assert "phone" not in lead

    def test_the_referrer_header_names_the_source_without_utm(self) -> None:
        lead = read_lead(
            parse_body(b"name=A", FORM), _form(), {"referer": "https://shop.example.ru/p"}
        )
        assert lead["source"] == "shop.example.ru"
