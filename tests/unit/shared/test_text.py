"""The one text cleaner every context uses (domain/shared/text.py)."""

from __future__ import annotations

import pytest

from domain.shared.errors import InvalidInput
from domain.shared.text import clean_name, clean_text


def problem(exc: pytest.ExceptionInfo[InvalidInput]) -> tuple[tuple[str | int, ...], str]:
    (only,) = exc.value.problems
    return only.loc, only.msg


class TestControlCharacters:
    @pytest.mark.parametrize("bad", ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\x0b", "\x0c"])
    def test_are_refused_with_the_field_named(self, bad: str) -> None:
        with pytest.raises(InvalidInput) as exc:
            clean_text(f"Иван{bad}Петров", "full_name", max_length=100)
        assert problem(exc) == (("full_name",), "must not contain control characters")

    def test_are_refused_in_multiline_text_too(self) -> None:
        with pytest.raises(InvalidInput) as exc:
            clean_text("first\x00second", "notes", max_length=100, multiline=True)
        assert problem(exc) == (("notes",), "must not contain control characters")

    def test_the_field_may_be_a_path(self) -> None:
        with pytest.raises(InvalidInput) as exc:
            clean_name("a\x00b", ("stages", 2, "name"), max_length=100)
        assert problem(exc)[0] == ("stages", 2, "name")

    def test_multiline_text_keeps_line_breaks_and_tabs(self) -> None:
        text = "Позвонить:\n\t- в 10:00\r\n\t- в 15:00"
        assert clean_text(text, "body", max_length=100, multiline=True) == text

    def test_single_line_text_has_line_breaks_and_tabs_as_spaces(self) -> None:
        assert clean_text("Счёт\tдля\nклиента", "title", max_length=100) == "Счёт для клиента"

    def test_leading_and_trailing_line_breaks_are_trimmed(self) -> None:
        assert clean_text("\n  Счёт \r\n", "title", max_length=100) == "Счёт"


class TestInvisibleCharacters:
    @pytest.mark.parametrize(
        "invisible",
        list("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200c\u200d\ufeff"),
    )
    def test_are_stripped_from_names(self, invisible: str) -> None:
        assert clean_name(f"ООО {invisible}Ромашка{invisible}", "name", max_length=100) == (
            "ООО Ромашка"
        )

    def test_a_name_of_nothing_but_invisible_characters_is_blank(self) -> None:
        with pytest.raises(InvalidInput) as exc:
            clean_name("\u200b\u202e\ufeff", "name", max_length=100)
        assert problem(exc) == (("name",), "must not be blank")

    def test_multiline_text_keeps_them(self) -> None:
        # A zero-width joiner holds an emoji sequence together in a comment.
        text = "Отлично 👩\u200d💻"
        assert clean_text(text, "body", max_length=100, multiline=True) == text


class TestNormalisation:
    def test_text_is_normalised_to_nfc(self) -> None:
        decomposed = "Е\u0308лка"  # Е + combining diaeresis
        cleaned = clean_text(decomposed, "name", max_length=100)
        assert cleaned == "Ёлка"
        assert len(cleaned) == 4

    def test_the_limit_counts_composed_characters(self) -> None:
        assert len(clean_text("e\u0301" * 3, "name", max_length=3)) == 3

    def test_names_collapse_inner_whitespace(self) -> None:
        assert clean_name("  ООО   Ромашка\u00a0 Плюс ", "name", max_length=100) == (
            "ООО Ромашка Плюс"
        )

    def test_text_keeps_inner_spaces_unless_asked(self) -> None:
        assert clean_text(" a  b ", "title", max_length=100) == "a  b"


class TestLimits:
    def test_text_at_the_limit_passes(self) -> None:
        assert clean_text("x" * 10, "title", max_length=10) == "x" * 10

    def test_text_over_the_limit_is_refused_with_the_field_named(self) -> None:
        with pytest.raises(InvalidInput) as exc:
            clean_text("x" * 11, "title", max_length=10)
        assert problem(exc) == (("title",), "must be at most 10 characters")

    def test_surrounding_whitespace_does_not_count(self) -> None:
        assert clean_text("   " + "x" * 10 + "   ", "title", max_length=10) == "x" * 10


class TestBlank:
    @pytest.mark.parametrize("blank", ["", "   ", "\n\t ", "\u00a0"])
    def test_required_blank_is_refused(self, blank: str) -> None:
        with pytest.raises(InvalidInput) as exc:
            clean_text(blank, "title", max_length=10)
        assert problem(exc) == (("title",), "must not be blank")

    @pytest.mark.parametrize("blank", [None, "", "   ", "\n"])
    def test_optional_blank_is_missing(self, blank: str | None) -> None:
        assert clean_text(blank, "notes", max_length=10, required=False, multiline=True) is None

    def test_required_none_is_refused(self) -> None:
        with pytest.raises(InvalidInput) as exc:
            clean_text(None, "title", max_length=10, required=True)  # type: ignore[call-overload]
        assert problem(exc) == (("title",), "must not be blank")
