"""Free text from people, cleaned one way for every context.

A value is trimmed and normalised to NFC; control characters are refused, except line breaks
and tabs: multi-line text keeps them, single-line text (names, titles) turns them into spaces,
as pasted text often carries them and rows stored before this rule pass through the same
constructors. Single-line values also lose the invisible characters that let a name pose as
another (bidi overrides and isolates, zero-width characters). Blank counts as missing, and the
length is counted after cleaning.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Literal, overload

from domain.shared.errors import (
    BLANK_CODE,
    CONTROL_CHARACTERS_CODE,
    TOO_LONG_CODE,
    InvalidInput,
)

FieldName = str | Sequence[str | int]

# Bidi embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069), zero-width space,
# non-joiner and joiner (U+200B-U+200D) and the byte order mark / zero-width no-break space.
_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200b-\u200d\ufeff]")
# Line breaks and tabs; "\r" too, for CRLF line endings from Windows clients and 1C.
_LINE_CONTROLS = frozenset("\n\t\r")
_LINE_CONTROL = re.compile("[\n\t\r]")

CONTROL_CHARACTERS = "must not contain control characters"
BLANK = "must not be blank"


def too_long(max_length: int) -> str:
    return f"must be at most {max_length} characters"


def without_controls(value: str, field: FieldName, *, multiline: bool) -> str:
    """``value`` with the control character rules applied and nothing else (no trimming, no
    length): refused when it holds a control character other than a line break or a tab;
    single-line text has those as spaces and loses the invisible characters. Raises
    InvalidInput naming ``field``."""
    if value.isprintable():
        # No control, format (bidi, zero-width) or surrogate character, no line break or tab:
        # nothing to refuse or remove. The common case, and every stored row read back, so
        # the scan below runs for the rest only.
        return value
    if any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in _LINE_CONTROLS for ch in value):
        raise InvalidInput(field, CONTROL_CHARACTERS, code=CONTROL_CHARACTERS_CODE)
    if multiline:
        return value
    return _INVISIBLE.sub("", _LINE_CONTROL.sub(" ", value))


def is_searchable(value: str) -> bool:
    """Whether a search text holds something to look for: a letter or a digit. Punctuation
    alone finds nothing rather than everything."""
    return any(ch.isalnum() for ch in value)


def search_key(value: str) -> str:
    """A search fragment in the form stored search keys take (deal titles' ``title_key``):
    lower-cased, ё as е, so a match ignores case and the two spellings of е."""
    return value.lower().replace("ё", "е")


@overload
def clean_text(
    value: str,
    field: FieldName,
    *,
    max_length: int,
    required: Literal[True] = True,
    multiline: bool = False,
    collapse_spaces: bool = False,
) -> str: ...


@overload
def clean_text(
    value: str | None,
    field: FieldName,
    *,
    max_length: int,
    required: Literal[False],
    multiline: bool = False,
    collapse_spaces: bool = False,
) -> str | None: ...


def clean_text(
    value: str | None,
    field: FieldName,
    *,
    max_length: int,
    required: bool = True,
    multiline: bool = False,
    collapse_spaces: bool = False,
) -> str | None:
    """``value`` cleaned, or None when it is blank and not ``required``.

    ``multiline`` text (comments, notes, bodies) keeps line breaks, tabs and every visible
    character; single-line text has them as spaces and drops bidi and zero-width characters.
    ``collapse_spaces`` turns every run of whitespace inside into one space (names, titles).
    Raises InvalidInput naming ``field``.
    """
    if value is None:
        if required:
            raise InvalidInput(field, BLANK, code=BLANK_CODE)
        return None
    cleaned = without_controls(
        unicodedata.normalize("NFC", value.strip()), field, multiline=multiline
    )
    cleaned = " ".join(cleaned.split()) if collapse_spaces else cleaned.strip()
    if not cleaned:
        if required:
            raise InvalidInput(field, BLANK, code=BLANK_CODE)
        return None
    if len(cleaned) > max_length:
        raise InvalidInput(
            field, too_long(max_length), code=TOO_LONG_CODE, ctx={"max_length": str(max_length)}
        )
    return cleaned


def clean_name(value: str, field: FieldName, *, max_length: int) -> str:
    """A required single-line name or title, inner whitespace collapsed to single spaces."""
    return clean_text(value, field, max_length=max_length, collapse_spaces=True)
