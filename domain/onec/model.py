"""The 1C integration, one exchange session with its files, and the catalogue records.

An exchange follows the site-exchange protocol 1C:Enterprise speaks (1C is always the client):

    checkauth (HTTP Basic) -> init -> file (chunk by chunk, per name) -> import (slices) -> done

``Exchange`` guards that order and the size limits; what it counts (created, updated,
unchanged, errors) is the exchange log an administrator reads. Catalogue records are keyed by
1C's Ид (``external_id``): importing the same record twice changes nothing.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.shared.errors import InvalidInput
from domain.shared.ids import new_id
from domain.shared.text import clean_text

NAME_MAX = 200
LOGIN_MAX = 100
PASSWORD_MIN = 8
PASSWORD_MAX = 200
# The session cookie 1C sends back after checkauth.
COOKIE_NAME = "crm_onec_session"
# Per file and per exchange, what 1C may upload; file_limit tells 1C to split bigger files.
FILE_MAX_BYTES = 200 * 1024 * 1024
EXCHANGE_MAX_BYTES = 1024 * 1024 * 1024
FILES_MAX = 1000
FILE_NAME_MAX = 255
FILE_PATH_MAX = 500
# Kept on the exchange log: the first errors, each cut to a line.
ERRORS_KEPT = 100
ERROR_MAX = 500
# An exchange session 1C left open is closed after this many hours.
SESSION_HOURS = 12


class ExchangeType(enum.StrEnum):
    CATALOG = "catalog"
    SALE = "sale"


class ExchangeStatus(enum.StrEnum):
    # Signed in (checkauth), receiving files.
    OPEN = "open"
    # Importing a file in slices.
    IMPORTING = "importing"
    DONE = "done"
    FAILED = "failed"


class FileStatus(enum.StrEnum):
    RECEIVING = "receiving"
    IMPORTING = "importing"
    IMPORTED = "imported"
    # Kept only (a picture, an archive already unpacked, a document set for later).
    STORED = "stored"
    FAILED = "failed"


class FileKind(enum.StrEnum):
    """What a received file is, from its name as 1C names them."""

    IMPORT = "import"  # import*.xml: the classifier and the catalogue
    OFFERS = "offers"  # offers*.xml: price types, warehouses, prices and stock
    ORDERS = "orders"  # documents from 1C (type=sale)
    ARCHIVE = "archive"  # a zip of the others
    OTHER = "other"  # pictures and anything else: kept, not read

    @classmethod
    def of(cls, path: str, exchange_type: ExchangeType) -> FileKind:
        base = path.rsplit("/", 1)[-1].lower()
        if base.endswith(".zip"):
            return cls.ARCHIVE
        if not base.endswith(".xml"):
            return cls.OTHER
        if exchange_type is ExchangeType.SALE:
            return cls.ORDERS
        if base.startswith("import"):
            return cls.IMPORT
        # 2.08+ may split the offers package into prices*.xml and rests*.xml.
        if base.startswith(("offers", "prices", "rests")):
            return cls.OFFERS
        return cls.OTHER


class ExchangeRefused(Exception):
    """The exchange cannot go on; 1C is answered ``failure`` with this one-line reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = one_line(reason)


def one_line(text: str, limit: int = ERROR_MAX) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def safe_path(name: str) -> str:
    """A file name as 1C sends it (``import_files/ab/abcd.jpg``, ``offers0_1.xml``), as a
    relative path of plain parts. Refused: empty, absolute, drive letters, ``..`` and ``.``
    parts, control characters, over-long names. Backslashes count as folder separators."""
    if not name or len(name) > FILE_PATH_MAX:
        raise ExchangeRefused("a file name is required, at most 500 characters")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise ExchangeRefused("the file name has control characters")
    unified = name.replace("\\", "/")
    if unified.startswith("/") or (len(unified) > 1 and unified[1] == ":"):
        raise ExchangeRefused(f"absolute file names are refused: {name}")
    parts = unified.split("/")
    if len(parts) > 10:
        raise ExchangeRefused(f"too many folders in the file name: {name}")
    for part in parts:
        if part in ("", ".", "..") or len(part) > FILE_NAME_MAX or ":" in part:
            raise ExchangeRefused(f"unsafe file name: {name}")
    return "/".join(parts)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(slots=True, kw_only=True)
class OnecIntegration:
    """One 1C database exchanging with the organisation: the login and password 1C signs in
    with (the password is kept hashed), and what is exchanged."""

    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    name: str
    login: str
    password_hash: str
    exchange_catalog: bool = True
    exchange_sale: bool = False
    is_active: bool = True
    # Who new clients from 1C's counterparties go to; None: the first active administrator.
    responsible_id: UUID | None = None
    # The funnel deals made from 1C's orders open in (its first stage); None: the default one.
    deal_funnel_id: UUID | None = None
    # A document of one of the CRM's own deals whose status says shipped or done wins the deal.
    win_on_status: bool = False
    # The funnel stages whose deals are orders for 1C (domain/onec/orders.py); checked to be
    # the organisation's by the service.
    order_stage_ids: tuple[UUID, ...] = ()
    created_at: datetime | None = None
    version: int = 1

    def change(self, **changes: Any) -> None:
        if "responsible_id" in changes:
            self.responsible_id = changes["responsible_id"]
        if "deal_funnel_id" in changes:
            self.deal_funnel_id = changes["deal_funnel_id"]
        if "order_stage_ids" in changes and changes["order_stage_ids"] is not None:
            self.order_stage_ids = tuple(changes["order_stage_ids"])
        if "name" in changes:
            self.name = clean_name(changes["name"])
        if "login" in changes:
            self.login = clean_login(changes["login"])
        for flag in ("exchange_catalog", "exchange_sale", "is_active", "win_on_status"):
            if flag in changes and changes[flag] is not None:
                setattr(self, flag, bool(changes[flag]))

    def allows(self, exchange_type: ExchangeType) -> bool:
        if exchange_type is ExchangeType.CATALOG:
            return self.exchange_catalog
        return self.exchange_sale


def clean_name(value: str) -> str:
    return clean_text(value, "name", max_length=NAME_MAX)


def clean_login(value: str) -> str:
    login = clean_text(value, "login", max_length=LOGIN_MAX)
    if ":" in login or any(ch.isspace() for ch in login):
        # HTTP Basic cannot carry a colon in the user name.
        raise InvalidInput("login", "no colons or spaces")
    return login


def check_password(value: str) -> str:
    if not PASSWORD_MIN <= len(value) <= PASSWORD_MAX or any(ord(ch) < 32 for ch in value):
        raise InvalidInput("password", f"{PASSWORD_MIN} to {PASSWORD_MAX} printable characters")
    return value


def new_password() -> str:
    """A password to paste into 1C, shown once."""
    return secrets.token_urlsafe(18)


@dataclass(slots=True, kw_only=True)
class ExchangeFile:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    exchange_id: UUID
    name: str
    kind: FileKind
    size: int = 0
    status: FileStatus = FileStatus.RECEIVING
    # Records of the file read so far (the next slice starts here), and what they did.
    items_done: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error: str | None = None


@dataclass(slots=True, kw_only=True)
class Exchange:
    """One exchange session from checkauth on: its files, counts, errors and progress."""

    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    integration_id: UUID
    type: ExchangeType
    token_digest: str
    status: ExchangeStatus = ExchangeStatus.OPEN
    started_at: datetime
    last_seen_at: datetime
    finished_at: datetime | None = None
    bytes_received: int = 0
    files_count: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    progress: str = ""
    # Counterparties to clients (kept apart from the catalogue's counts above).
    counterparties_created: int = 0
    counterparties_updated: int = 0
    counterparties_unchanged: int = 0
    counterparties_flagged: int = 0
    # The first flagged counterparties: {"external_id", "name", "reason", "candidates"}.
    flagged: list[dict[str, Any]] = field(default_factory=list)
    # Documents (type=sale) to deals, invoices and payments: DocumentCounts' names -> counts.
    documents: dict[str, int] = field(default_factory=dict)
    # Orders to 1C: how many 1C confirmed (mode=success), and the deals and versions of the
    # last mode=query answer until it does ([{"deal_id", "version",
    # "fingerprint"}], orders.SentOrder).
    orders_sent: int = 0
    pending_orders: list[dict[str, Any]] = field(default_factory=list)
    version: int = 1

    @classmethod
    def open(
        cls, integration: OnecIntegration, exchange_type: ExchangeType, *, now: datetime
    ) -> tuple[Exchange, str]:
        """A new session and the token 1C keeps in its cookie (only its digest is stored)."""
        token = secrets.token_urlsafe(24)
        exchange = cls(
            organisation_id=integration.organisation_id,
            integration_id=integration.id,
            type=exchange_type,
            token_digest=token_digest(token),
            started_at=now,
            last_seen_at=now,
        )
        return exchange, token

    def expired(self, now: datetime) -> bool:
        return (now - self.last_seen_at).total_seconds() > SESSION_HOURS * 3600

    def require_usable(self, now: datetime) -> None:
        if self.status is ExchangeStatus.FAILED:
            raise ExchangeRefused("this exchange has failed; sign in again (checkauth)")
        if self.expired(now):
            raise ExchangeRefused("the exchange session has expired; sign in again (checkauth)")

    def accept_chunk(self, file: ExchangeFile | None, size: int, *, now: datetime) -> None:
        """Counts a chunk of ``size`` bytes against the limits before it is stored."""
        self.require_usable(now)
        if file is None and self.files_count >= FILES_MAX:
            raise ExchangeRefused(f"at most {FILES_MAX} files per exchange")
        if file is not None and file.status is not FileStatus.RECEIVING:
            raise ExchangeRefused(f"{file.name} has already been imported")
        current = file.size if file is not None else 0
        if current + size > FILE_MAX_BYTES:
            raise ExchangeRefused(f"a file may have at most {FILE_MAX_BYTES} bytes")
        if self.bytes_received + size > EXCHANGE_MAX_BYTES:
            raise ExchangeRefused(f"an exchange may have at most {EXCHANGE_MAX_BYTES} bytes")
        self.bytes_received += size
        if file is None:
            self.files_count += 1
        if self.status is ExchangeStatus.DONE:
            # 1C sends the next file after importing one: the exchange goes on.
            self.status = ExchangeStatus.OPEN
            self.finished_at = None
        self.last_seen_at = now

    def record_slice(self, file: ExchangeFile, counts: SliceCounts, *, done: bool) -> None:
        file.items_done = counts.next_offset
        file.created += counts.created
        file.updated += counts.updated
        file.unchanged += counts.unchanged
        self.created += counts.created
        self.updated += counts.updated
        self.unchanged += counts.unchanged
        for error in counts.errors:
            self.note_error(f"{file.name}: {error}")
        if done:
            file.status = FileStatus.IMPORTED
            self.status = ExchangeStatus.DONE
            self.progress = f"{file.name}: imported {file.items_done} records"
        else:
            file.status = FileStatus.IMPORTING
            self.status = ExchangeStatus.IMPORTING
            self.progress = f"{file.name}: {file.items_done} records read"

    def finish(self, *, now: datetime, progress: str | None = None) -> None:
        self.status = ExchangeStatus.DONE
        self.finished_at = now
        self.last_seen_at = now
        if progress is not None:
            self.progress = progress

    def fail(self, reason: str, *, now: datetime, file: ExchangeFile | None = None) -> None:
        self.status = ExchangeStatus.FAILED
        self.finished_at = now
        self.last_seen_at = now
        self.note_error(f"{file.name}: {reason}" if file else reason)
        self.progress = one_line(reason)
        if file is not None:
            file.status = FileStatus.FAILED
            file.error = one_line(reason)

    def abandon(self, files: Sequence[ExchangeFile], *, now: datetime, idle_hours: float) -> None:
        """1C stopped calling (it was closed, lost its network, or gave up): the session is
        failed with the reason, and its files not imported with it."""
        since = self.last_seen_at.strftime("%Y-%m-%d %H:%M UTC")
        reason = (
            f"abandoned: 1C made no call for {idle_hours:g} h (the last at {since}); "
            "the files received are deleted, run the exchange again"
        )
        self.status = ExchangeStatus.FAILED
        self.finished_at = now
        self.note_error(reason)
        self.progress = one_line(reason)
        for file in files:
            if file.status in (FileStatus.RECEIVING, FileStatus.IMPORTING):
                file.status = FileStatus.FAILED
                file.error = "abandoned: the exchange stopped before this file was imported"

    def note_error(self, error: str) -> None:
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append(one_line(error))

    def record_counterparties(self, counts: CounterpartyCounts, file_name: str) -> None:
        self.counterparties_created += counts.created
        self.counterparties_updated += counts.updated
        self.counterparties_unchanged += counts.unchanged
        self.counterparties_flagged += len(counts.flagged)
        for flag in counts.flagged:
            if len(self.flagged) < ERRORS_KEPT:
                self.flagged.append(flag.as_dict())
        for error in counts.errors:
            self.note_error(f"{file_name}: {error}")

    def record_documents(self, counts: DocumentCounts, file_name: str) -> None:
        for name in DocumentCounts.NAMES:
            value = getattr(counts, name)
            if value:
                self.documents[name] = self.documents.get(name, 0) + value
        for error in counts.errors:
            self.note_error(f"{file_name}: {error}")


@dataclass(frozen=True, slots=True)
class SliceCounts:
    next_offset: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: tuple[str, ...] = ()


# --- the catalogue ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupRecord:
    external_id: str
    name: str
    parent_external_id: str | None = None


@dataclass(frozen=True, slots=True)
class PriceTypeRecord:
    external_id: str
    name: str
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class WarehouseRecord:
    external_id: str
    name: str


@dataclass(frozen=True, slots=True)
class ProductRecord:
    """A product of import*.xml (Каталог/Товары/Товар)."""

    external_id: str
    name: str
    article: str | None = None
    barcode: str | None = None
    unit: str | None = None
    description: str | None = None
    group_external_id: str | None = None
    # Property name (or its Ид when the classifier is elsewhere) -> value, values resolved.
    properties: tuple[tuple[str, str], ...] = ()
    # ЗначенияРеквизитов: requisite name -> value.
    requisites: tuple[tuple[str, str], ...] = ()
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class PriceRecord:
    price_type_external_id: str
    price: Decimal
    currency: str | None = None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class OfferRecord:
    """An offer of offers*.xml (ПакетПредложений/Предложения/Предложение): a product's prices
    by price type and its stock by warehouse. A characteristic's offer (``<product>#<char>``)
    is read as its product's."""

    product_external_id: str
    prices: tuple[PriceRecord, ...] = ()
    # Warehouse Ид -> quantity; ``quantity`` is the total (Количество).
    stock: tuple[tuple[str, Decimal], ...] = ()
    quantity: Decimal | None = None


@dataclass(frozen=True, slots=True)
class CounterpartyRecord:
    """A counterparty (Контрагент) of import*.xml or of a sale document, as 1C wrote it
    (tax ids, phones and e-mails are checked when it is applied)."""

    external_id: str
    name: str | None = None
    full_name: str | None = None
    inn: str | None = None
    kpp: str | None = None
    edrpou: str | None = None
    is_person: bool = False
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    # The contact person (Представители/Представитель), if 1C names one.
    contact_name: str | None = None

    def fingerprint(self) -> str:
        """What the record says, hashed: an equal fingerprint means nothing to apply."""
        parts = [
            self.external_id,
            self.name or "",
            self.full_name or "",
            self.inn or "",
            self.kpp or "",
            self.edrpou or "",
            "person" if self.is_person else "company",
            "|".join(self.phones),
            "|".join(self.emails),
            self.contact_name or "",
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class DocumentLine:
    """A line (Товары/Товар) of a document from 1C."""

    product_external_id: str | None
    name: str
    price: Decimal | None = None
    quantity: Decimal | None = None
    amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """A document (Документ) of a sale exchange as 1C wrote it: an order, an invoice or a
    payment (``domain/onec/documents.py`` maps it). ``error``: why it could not be read (the
    rest of the file still imports)."""

    external_id: str
    number: str | None = None
    issued_on: date | None = None
    time: str | None = None
    operation: str | None = None
    currency: str | None = None
    rate: Decimal | None = None
    amount: Decimal | None = None
    counterparty_external_id: str | None = None
    lines: tuple[DocumentLine, ...] = ()
    # ЗначенияРеквизитов: requisite name -> value, in document order.
    requisites: tuple[tuple[str, str], ...] = ()
    deleted: bool = False
    # The order a payment document settles (Основание, or the order of its Контейнер).
    basis: str | None = None
    error: str | None = None

    def fingerprint(self) -> str:
        """What the document says, hashed: an equal fingerprint means nothing to apply."""
        parts = [
            self.external_id,
            self.number or "",
            self.issued_on.isoformat() if self.issued_on else "",
            self.time or "",
            self.operation or "",
            self.currency or "",
            str(self.rate or ""),
            str(self.amount or ""),
            self.counterparty_external_id or "",
            "\x1e".join(
                f"{line.product_external_id}|{line.name}|{line.price}|{line.quantity}|{line.amount}"
                for line in self.lines
            ),
            "\x1e".join(f"{k}={v}" for k, v in self.requisites),
            "deleted" if self.deleted else "",
            self.basis or "",
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


CatalogRecord = (
    GroupRecord
    | PriceTypeRecord
    | WarehouseRecord
    | ProductRecord
    | OfferRecord
    | CounterpartyRecord
    | DocumentRecord
)


@dataclass(frozen=True, slots=True)
class CatalogSlice:
    """Up to ``limit`` records of a file from ``offset`` on; ``done`` when the file ended."""

    records: tuple[CatalogRecord, ...]
    next_offset: int
    done: bool


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: tuple[str, ...] = ()

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(
            self.created + other.created,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.errors + other.errors,
        )


@dataclass(frozen=True, slots=True)
class CounterpartyFlag:
    """A counterparty left alone: several clients match it, so none is chosen or created."""

    external_id: str
    name: str
    reason: str
    candidates: tuple[UUID, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "external_id": self.external_id,
            "name": self.name,
            "reason": self.reason,
            "candidates": [str(c) for c in self.candidates],
        }


@dataclass(frozen=True, slots=True)
class CounterpartyCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flagged: tuple[CounterpartyFlag, ...] = ()
    errors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CounterpartyLink:
    """The client a counterparty of an integration is kept on, and the record last applied."""

    client_id: UUID
    fingerprint: str


@dataclass(slots=True, kw_only=True)
class Product:
    """A product of the organisation's catalogue, as the API lists it."""

    id: UUID
    organisation_id: UUID
    external_id: str | None
    name: str
    article: str | None
    barcode: str | None
    unit: str | None
    description: str | None
    group_id: UUID | None
    group_name: str | None
    properties: dict[str, str]
    is_deleted: bool
    quantity: Decimal | None
    prices: list[ProductPrice]
    stock: list[ProductStock]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class CatalogItem:
    """What a deal's product line takes from a product of the catalogue: its name, article,
    1C's Ид and unit, and its prices (by price type name)."""

    id: UUID
    external_id: str | None
    name: str
    article: str | None
    unit: str | None
    prices: tuple[ProductPrice, ...] = ()

    def price_in(self, currency: str) -> Decimal | None:
        """The first price (by price type name) in ``currency``, else the first without a
        currency of its own; None when neither exists (another currency is never taken)."""
        for price in self.prices:
            if price.currency is not None and price.currency.upper() == currency.upper():
                return price.price
        for price in self.prices:
            if price.currency is None:
                return price.price
        return None


@dataclass(frozen=True, slots=True)
class ProductPrice:
    price_type: str
    price: Decimal
    currency: str | None
    unit: str | None


@dataclass(frozen=True, slots=True)
class ProductStock:
    warehouse: str
    quantity: Decimal


@dataclass(slots=True)
class DocumentCounts:
    """What a slice of documents did; ``errors`` name the document's Ид."""

    NAMES = (
        "created",
        "updated",
        "unchanged",
        "deals_created",
        "deals_updated",
        "invoices_issued",
        "invoices_updated",
        "invoices_cancelled",
        "payments",
        "deals_won",
        "failed",
    )

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deals_created: int = 0
    deals_updated: int = 0
    invoices_issued: int = 0
    invoices_updated: int = 0
    invoices_cancelled: int = 0
    payments: int = 0
    deals_won: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class DocumentLink:
    """What a document of an integration became: its deal and invoice, and the fingerprint
    of the content last applied in full (None: to be applied again)."""

    deal_id: UUID | None = None
    invoice_id: UUID | None = None
    fingerprint: str | None = None
