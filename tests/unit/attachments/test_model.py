from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from domain.attachments.model import DocumentType, clean_content_type, clean_filename
from domain.shared.errors import InvalidInput


class TestCleanFilename:
    @pytest.mark.parametrize(
        ("raw", "clean"),
        [
            ("../../etc/passwd\x07", "passwd"),
            ("C:\\Users\\Иван\\Счёт №5.xlsx", "Счёт №5.xlsx"),
            ("  .hidden. ", "hidden"),
            ("", "file"),
            (None, "file"),
            ("\x00\x01", "file"),
        ],
    )
    def test_keeps_only_a_safe_last_segment(self, raw: str | None, clean: str) -> None:
        assert clean_filename(raw) == clean

    def test_long_names_keep_their_extension(self) -> None:
        name = clean_filename("д" * 300 + ".docx")
        assert len(name) == 255
        assert name.endswith(".docx")


class TestCleanContentType:
    def test_parameters_are_dropped_and_junk_becomes_octet_stream(self) -> None:
        assert clean_content_type("Text/Plain; charset=utf-8") == "text/plain"
        assert clean_content_type("<script>") == "application/octet-stream"
        assert clean_content_type(None) == "application/octet-stream"


class TestDocumentType:
    def test_codes_are_latin_identifiers(self) -> None:
        now = datetime.now(UTC)
        assert (
            DocumentType(organisation_id=uuid4(), code="nda", name=" NDA ", created_at=now).name
            == "NDA"
        )
        for bad in ("Договор", "1st", "with space", ""):
            with pytest.raises(InvalidInput):
                DocumentType(organisation_id=uuid4(), code=bad, name="x", created_at=now)
