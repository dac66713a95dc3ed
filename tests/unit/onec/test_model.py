"""The exchange session's rules: limits counted before a chunk is stored, an expired or failed
session refused, counts and progress of import slices, the integration's settings checked."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain.onec import model
from domain.onec.model import (
    CounterpartyCounts,
    CounterpartyFlag,
    CounterpartyRecord,
    Exchange,
    ExchangeFile,
    ExchangeRefused,
    ExchangeStatus,
    ExchangeType,
    FileKind,
    FileStatus,
    OnecIntegration,
    SliceCounts,
    clean_login,
    token_digest,
)
from domain.shared.errors import InvalidInput

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def integration(**values: object) -> OnecIntegration:
    return OnecIntegration(
        organisation_id=uuid.uuid4(), name="1С", login="site", password_hash="x", **values
    )


def session() -> tuple[Exchange, str]:
    return Exchange.open(integration(), ExchangeType.CATALOG, now=NOW)


def file_of(exchange: Exchange, name: str = "import.xml") -> ExchangeFile:
    return ExchangeFile(
        organisation_id=exchange.organisation_id,
        exchange_id=exchange.id,
        name=name,
        kind=FileKind.IMPORT,
    )


class TestSession:
    def test_only_the_tokens_digest_is_kept(self) -> None:
        exchange, token = session()
        assert exchange.token_digest == token_digest(token)
        assert token not in exchange.token_digest
        assert exchange.status is ExchangeStatus.OPEN

    def test_an_expired_or_failed_session_is_refused(self) -> None:
        exchange, _ = session()
        exchange.require_usable(NOW + timedelta(hours=1))
        with pytest.raises(ExchangeRefused, match="expired"):
            exchange.require_usable(NOW + timedelta(hours=model.SESSION_HOURS, minutes=1))
        exchange.fail("broken", now=NOW)
        with pytest.raises(ExchangeRefused, match="failed"):
            exchange.require_usable(NOW)

    def test_chunks_count_against_the_file_and_exchange_limits(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(model, "FILE_MAX_BYTES", 100)
        monkeypatch.setattr(model, "EXCHANGE_MAX_BYTES", 150)
        exchange, _ = session()
        first = file_of(exchange)
        exchange.accept_chunk(None, 60, now=NOW)
        first.size = 60
        with pytest.raises(ExchangeRefused, match="a file may have at most 100 bytes"):
            exchange.accept_chunk(first, 41, now=NOW)
        exchange.accept_chunk(None, 80, now=NOW)
        with pytest.raises(ExchangeRefused, match="an exchange may have at most 150 bytes"):
            exchange.accept_chunk(None, 11, now=NOW)
        assert (exchange.bytes_received, exchange.files_count) == (140, 2)

    def test_an_imported_file_takes_no_more_chunks(self) -> None:
        exchange, _ = session()
        imported = file_of(exchange)
        imported.status = FileStatus.IMPORTED
        with pytest.raises(ExchangeRefused, match="already been imported"):
            exchange.accept_chunk(imported, 1, now=NOW)

    def test_slices_add_up_and_the_last_finishes_the_file(self) -> None:
        exchange, _ = session()
        imported = file_of(exchange)
        exchange.record_slice(imported, SliceCounts(2, created=2), done=False)
        assert exchange.status is ExchangeStatus.IMPORTING
        assert exchange.progress == "import.xml: 2 records read"
        exchange.record_slice(
            imported, SliceCounts(4, updated=1, unchanged=1, errors=("x",)), done=True
        )
        assert (imported.items_done, imported.status) == (4, FileStatus.IMPORTED)
        assert (exchange.created, exchange.updated, exchange.unchanged) == (2, 1, 1)
        assert exchange.errors == ["import.xml: x"]
        # The next file reopens the exchange.
        exchange.finish(now=NOW)
        exchange.accept_chunk(None, 10, now=NOW)
        assert (exchange.status, exchange.finished_at) == (ExchangeStatus.OPEN, None)

    def test_errors_kept_are_capped_and_one_line_each(self) -> None:
        exchange, _ = session()
        for _ in range(model.ERRORS_KEPT + 10):
            exchange.note_error("a\nb" + "x" * 1000)
        assert len(exchange.errors) == model.ERRORS_KEPT
        assert "\n" not in exchange.errors[0]
        assert len(exchange.errors[0]) <= model.ERROR_MAX


class TestCounterparties:
    def test_counts_add_up_and_flagged_ones_are_kept_with_their_candidates(self) -> None:
        exchange, _ = session()
        candidates = (uuid.uuid4(), uuid.uuid4())
        flag = CounterpartyFlag(
            external_id="cp", name="Ромашка", reason="several", candidates=candidates
        )
        for _ in range(model.ERRORS_KEPT + 5):
            exchange.record_counterparties(
                CounterpartyCounts(created=1, updated=2, unchanged=3, flagged=(flag,)), "a.xml"
            )
        total = model.ERRORS_KEPT + 5
        assert (
            exchange.counterparties_created,
            exchange.counterparties_updated,
            exchange.counterparties_unchanged,
            exchange.counterparties_flagged,
        ) == (total, 2 * total, 3 * total, total)
        assert len(exchange.flagged) == model.ERRORS_KEPT
        assert exchange.flagged[0]["candidates"] == [str(c) for c in candidates]
        # Catalogue counts stay the catalogue's.
        assert (exchange.created, exchange.updated, exchange.unchanged) == (0, 0, 0)

    def test_the_fingerprint_changes_with_what_the_record_says(self) -> None:
        record = CounterpartyRecord(external_id="cp", name="Ромашка", phones=("+7 1",))
        same = CounterpartyRecord(external_id="cp", name="Ромашка", phones=("+7 1",))
        assert record.fingerprint() == same.fingerprint()
        for other in (
            CounterpartyRecord(external_id="cp", name="Ромашка", phones=("+7 2",)),
            CounterpartyRecord(external_id="cp", name="Ромашка", phones=("+7 1",), kpp="1"),
            CounterpartyRecord(external_id="cp", name="Ромашка", phones=("+7 1",), emails=("a",)),
        ):
            assert other.fingerprint() != record.fingerprint()


class TestIntegration:
    def test_what_is_exchanged_is_per_type(self) -> None:
        both = integration(exchange_sale=True)
        assert both.allows(ExchangeType.CATALOG)
        assert both.allows(ExchangeType.SALE)
        assert not integration().allows(ExchangeType.SALE)

    @pytest.mark.parametrize("login", ["a:b", "a b", ""])
    def test_a_login_basic_auth_cannot_carry_is_refused(self, login: str) -> None:
        with pytest.raises(InvalidInput):
            clean_login(login)
