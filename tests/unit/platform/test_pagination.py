"""The keyset cursor codec: what a page's next_cursor carries comes back typed, and anything
the API did not issue is a problem naming the cursor query field."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from api.pagination import (
    amount,
    day,
    decode_cursor,
    decode_time_id_cursor,
    encode_cursor,
    ident,
    moment,
    nullable,
    text,
)
from domain.shared.errors import InvalidInput

# Fixed, so that test ids are the same in every xdist worker.
_ID = "0b6f3f4e-5a53-4a51-9d7e-2f0c3c8b9a10"


def _raw(values: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


class TestRoundTrip:
    @pytest.mark.parametrize(
        "at",
        [
            datetime(2025, 3, 1, 9, 30, 15, 123456, tzinfo=UTC),
            datetime(2025, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=3))),
        ],
    )
    def test_datetime_keeps_its_instant_and_offset(self, at: datetime) -> None:
        key = uuid.uuid4()
        assert decode_cursor(encode_cursor(at, key), moment, ident) == (at, key)

    @pytest.mark.parametrize("name", ["Иванов Пётр", "", "None", 'a "quoted", name/+='])
    def test_text_comes_back_verbatim(self, name: str) -> None:
        key = uuid.uuid4()
        assert decode_cursor(encode_cursor(name, key), text, ident) == (name, key)

    @pytest.mark.parametrize("value", [Decimal("0"), Decimal("1234567.89"), Decimal("-0.010")])
    def test_decimal_keeps_its_exact_digits(self, value: Decimal) -> None:
        key = uuid.uuid4()
        decoded = decode_cursor(encode_cursor(value, key), amount, ident)
        assert decoded is not None
        assert str(decoded[0]) == str(value)

    def test_date(self) -> None:
        key = uuid.uuid4()
        assert decode_cursor(encode_cursor(date(2025, 12, 31), key), day, ident) == (
            date(2025, 12, 31),
            key,
        )

    @pytest.mark.parametrize("part", [moment, day, amount, text])
    def test_null_sort_value_of_a_nullable_key(self, part: object) -> None:
        key = uuid.uuid4()
        assert decode_cursor(encode_cursor(None, key), nullable(part), ident) == (None, key)  # type: ignore[arg-type]

    def test_null_written_by_earlier_cursors_as_the_string_none(self) -> None:
        key = uuid.uuid4()
        assert decode_cursor(_raw(["None", str(key)]), nullable(moment), ident) == (None, key)

    def test_three_part_key(self) -> None:
        at, key = datetime(2025, 1, 2, tzinfo=UTC), uuid.uuid4()
        cursor = encode_cursor(at, "comment", key)
        assert decode_cursor(cursor, moment, text, ident) == (at, "comment", key)

    def test_no_cursor_is_the_first_page(self) -> None:
        assert decode_cursor(None, text, ident) is None
        assert decode_time_id_cursor(None) is None

    def test_cursor_is_url_safe(self) -> None:
        cursor = encode_cursor("??>>~~" * 10, uuid.uuid4())
        assert set(cursor) <= set(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        )


class TestGarbage:
    @pytest.mark.parametrize(
        "cursor",
        [
            "",
            "not a cursor!",
            "%%%",
            base64.urlsafe_b64encode(b"\xff\xfe\x00").decode(),
            _raw({"a": 1}),
            _raw(["2025-01-01T00:00:00+00:00"]),
            _raw(["2025-01-01T00:00:00+00:00", _ID, "extra"]),
            _raw(["yesterday", _ID]),
            _raw(["2025-01-01T00:00:00", _ID]),  # no offset
            _raw(["2025-01-01T00:00:00+00:00", "not-a-uuid"]),
            _raw([None, _ID]),  # NULL where the key is never NULL
            _raw([1735689600, _ID]),
        ],
    )
    def test_is_invalid_input_naming_the_cursor_query_field(self, cursor: str) -> None:
        with pytest.raises(InvalidInput) as caught:
            decode_time_id_cursor(cursor)
        assert caught.value.problems[0].loc == ("query", "cursor")

    @pytest.mark.parametrize("value", ["NaN", "Infinity", "12abc"])
    def test_amount_must_be_a_finite_number(self, value: str) -> None:
        with pytest.raises(InvalidInput):
            decode_cursor(_raw([value, _ID]), amount, ident)

    def test_a_cursor_of_another_sort_order_is_refused(self) -> None:
        cursor = encode_cursor("Acme", uuid.uuid4())
        with pytest.raises(InvalidInput):
            decode_cursor(cursor, moment, ident)
