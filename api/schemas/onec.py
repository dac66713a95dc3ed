from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import Field

from api.schemas.base import Name, Schema
from domain.onec.model import (
    LOGIN_MAX,
    NAME_MAX,
    PASSWORD_MAX,
    PASSWORD_MIN,
    Exchange,
    ExchangeFile,
    ExchangeStatus,
    ExchangeType,
    FileKind,
    FileStatus,
    OnecIntegration,
    Product,
)
from domain.onec.orders import ORDER_STAGES_MAX

IntegrationName = Annotated[Name, Field(min_length=1, max_length=NAME_MAX)]
Login = Annotated[str, Field(min_length=1, max_length=LOGIN_MAX, pattern=r"^[^\s:\x00-\x1f\x7f]+$")]
Password = Annotated[
    Name,
    Field(
        min_length=PASSWORD_MIN,
        max_length=PASSWORD_MAX,
        description="Left out, one is generated; either way it is in this answer only",
    ),
]


_RESPONSIBLE = (
    "Who new clients from 1C's counterparties go to; left empty, the first active administrator"
)


_ORDER_STAGES = (
    "The funnel stages whose deals go to 1C as orders (type=sale, mode=query); a deal goes "
    "again once it changed"
)


_DEAL_FUNNEL = (
    "The funnel deals made from 1C's orders open in (its first stage); left empty, the "
    "organisation's default funnel"
)

_WIN_ON_STATUS = (
    "A document of one of the CRM's own deals (sent to 1C as an order) whose status says it "
    "is shipped or done (Выполнен, Отгружен, Доставлен, Закрыт, Финальный статус) wins the deal"
)


class OnecDocumentCounts(Schema):
    """What the documents of a sale exchange did (orders, invoices and payments from 1C)."""

    created: int = Field(default=0, description="Documents seen for the first time and applied")
    updated: int = Field(default=0, description="Documents changed since the last exchange")
    unchanged: int = Field(default=0, description="Documents equal to what was applied before")
    failed: int = Field(default=0, description="Documents not applied (see the errors)")
    deals_created: int = 0
    deals_updated: int = Field(
        default=0, description="Deals made from documents whose lines or sum changed in 1C"
    )
    invoices_issued: int = 0
    invoices_updated: int = 0
    invoices_cancelled: int = 0
    payments: int = Field(default=0, description="Payments recorded")
    deals_won: int = Field(default=0, description="The CRM's own deals won by their status")


class CounterpartyFlagRead(Schema):
    external_id: str = Field(description="1C's Ид of the counterparty")
    name: str
    reason: str
    candidates: list[UUID] = Field(description="The clients it matches; none was chosen")


class OnecIntegrationCreate(Schema):
    name: IntegrationName
    login: Login = Field(description="The user name 1C signs in with (HTTP Basic)")
    password: Password | None = None
    exchange_catalog: bool = Field(default=True, description="Take the catalogue from 1C")
    exchange_sale: bool = Field(default=False, description="Exchange orders with 1C")
    is_active: bool = True
    responsible_id: UUID | None = Field(default=None, description=_RESPONSIBLE)
    deal_funnel_id: UUID | None = Field(default=None, description=_DEAL_FUNNEL)
    win_on_status: bool = Field(default=False, description=_WIN_ON_STATUS)
    order_stage_ids: list[UUID] = Field(
        default_factory=list, max_length=ORDER_STAGES_MAX, description=_ORDER_STAGES
    )

    def values(self) -> dict[str, Any]:
        return self.model_dump()


class OnecIntegrationUpdate(Schema):
    name: IntegrationName | None = None
    login: Login | None = None
    password: Password | None = None
    rotate_password: bool | None = Field(
        default=None, description="true: make a new password, shown in this answer only"
    )
    exchange_catalog: bool | None = None
    exchange_sale: bool | None = None
    is_active: bool | None = None
    responsible_id: UUID | None = Field(default=None, description=_RESPONSIBLE + "; null clears")
    deal_funnel_id: UUID | None = Field(default=None, description=_DEAL_FUNNEL + "; null clears")
    win_on_status: bool | None = Field(default=None, description=_WIN_ON_STATUS)
    order_stage_ids: list[UUID] | None = Field(
        default=None, max_length=ORDER_STAGES_MAX, description=_ORDER_STAGES + "; [] for none"
    )

    def values(self) -> dict[str, Any]:
        given = self.model_dump(exclude_unset=True)
        nullable = ("responsible_id", "deal_funnel_id")
        return {k: v for k, v in given.items() if v is not None or k in nullable}


class OnecIntegrationRead(Schema):
    id: UUID
    name: str
    login: str
    exchange_path: str = Field(
        description="The address to give 1C (the CRM's address plus this), in its exchange "
        "settings with the login and password"
    )
    exchange_catalog: bool
    exchange_sale: bool
    is_active: bool
    responsible_id: UUID | None = Field(description=_RESPONSIBLE)
    deal_funnel_id: UUID | None = Field(default=None, description=_DEAL_FUNNEL)
    win_on_status: bool = Field(default=False, description=_WIN_ON_STATUS)
    order_stage_ids: list[UUID] = Field(default_factory=list, description=_ORDER_STAGES)
    created_at: datetime | None
    version: int

    @classmethod
    def of(cls, i: OnecIntegration) -> OnecIntegrationRead:
        return cls(
            id=i.id,
            name=i.name,
            login=i.login,
            exchange_path=f"/api/v1/onec/{i.id}/exchange",
            exchange_catalog=i.exchange_catalog,
            exchange_sale=i.exchange_sale,
            is_active=i.is_active,
            responsible_id=i.responsible_id,
            deal_funnel_id=i.deal_funnel_id,
            win_on_status=i.win_on_status,
            order_stage_ids=list(i.order_stage_ids),
            created_at=i.created_at,
            version=i.version,
        )


class OnecIntegrationWithPassword(OnecIntegrationRead):
    password: str | None = Field(
        description="The password to paste into 1C: in this answer only, never again"
    )


class OnecIntegrationPage(Schema):
    items: list[OnecIntegrationRead]
    next_cursor: str | None


class OnecExchangeRead(Schema):
    id: UUID
    integration_id: UUID
    type: ExchangeType
    status: ExchangeStatus
    started_at: datetime
    last_seen_at: datetime
    finished_at: datetime | None
    bytes_received: int
    files_count: int
    created: int
    updated: int
    unchanged: int
    errors: list[str]
    progress: str = Field(description="What the exchange is doing or did last")
    counterparties_created: int = Field(description="Counterparties that became new clients")
    counterparties_updated: int = Field(
        description="Counterparties linked to an existing client or changing their client"
    )
    counterparties_unchanged: int
    counterparties_flagged: int = Field(
        description="Counterparties matching several clients: neither linked nor created"
    )
    flagged: list[CounterpartyFlagRead] = Field(description="The first flagged counterparties")
    documents: OnecDocumentCounts = Field(
        default_factory=OnecDocumentCounts,
        description="Documents from 1C (type=sale) to deals, invoices and payments",
    )
    orders_sent: int = Field(
        default=0, description="Deals sent to 1C as orders and confirmed by it (mode=success)"
    )

    @classmethod
    def of(cls, e: Exchange) -> OnecExchangeRead:
        return cls(
            id=e.id,
            integration_id=e.integration_id,
            type=e.type,
            status=e.status,
            started_at=e.started_at,
            last_seen_at=e.last_seen_at,
            finished_at=e.finished_at,
            bytes_received=e.bytes_received,
            files_count=e.files_count,
            created=e.created,
            updated=e.updated,
            unchanged=e.unchanged,
            errors=list(e.errors),
            progress=e.progress,
            counterparties_created=e.counterparties_created,
            counterparties_updated=e.counterparties_updated,
            counterparties_unchanged=e.counterparties_unchanged,
            counterparties_flagged=e.counterparties_flagged,
            flagged=[
                CounterpartyFlagRead(
                    external_id=str(f.get("external_id", "")),
                    name=str(f.get("name", "")),
                    reason=str(f.get("reason", "")),
                    candidates=[UUID(c) for c in f.get("candidates", [])],
                )
                for f in e.flagged
            ],
            documents=OnecDocumentCounts.model_validate(
                {k: v for k, v in e.documents.items() if k in OnecDocumentCounts.model_fields}
            ),
            orders_sent=e.orders_sent,
        )


class OnecExchangeFileRead(Schema):
    name: str
    kind: FileKind
    size: int
    status: FileStatus
    records_read: int
    created: int
    updated: int
    unchanged: int
    error: str | None

    @classmethod
    def of(cls, f: ExchangeFile) -> OnecExchangeFileRead:
        return cls(
            name=f.name,
            kind=f.kind,
            size=f.size,
            status=f.status,
            records_read=f.items_done,
            created=f.created,
            updated=f.updated,
            unchanged=f.unchanged,
            error=f.error,
        )


class OnecExchangeDetail(OnecExchangeRead):
    files: list[OnecExchangeFileRead]


class OnecExchangePage(Schema):
    items: list[OnecExchangeRead]
    next_cursor: str | None


class ProductPriceRead(Schema):
    price_type: str
    price: Decimal
    currency: str | None
    unit: str | None


class ProductStockRead(Schema):
    warehouse: str
    quantity: Decimal


class ProductRead(Schema):
    id: UUID
    external_id: str | None = Field(description="1C's Ид")
    name: str
    article: str | None
    barcode: str | None
    unit: str | None
    description: str | None
    group_id: UUID | None
    group_name: str | None
    properties: dict[str, str]
    is_deleted: bool = Field(description="Marked for deletion in 1C")
    quantity: Decimal | None = Field(description="In stock in all warehouses")
    prices: list[ProductPriceRead]
    stock: list[ProductStockRead]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, p: Product) -> ProductRead:
        return cls(
            id=p.id,
            external_id=p.external_id,
            name=p.name,
            article=p.article,
            barcode=p.barcode,
            unit=p.unit,
            description=p.description,
            group_id=p.group_id,
            group_name=p.group_name,
            properties=p.properties,
            is_deleted=p.is_deleted,
            quantity=p.quantity,
            prices=[
                ProductPriceRead(
                    price_type=x.price_type, price=x.price, currency=x.currency, unit=x.unit
                )
                for x in p.prices
            ],
            stock=[ProductStockRead(warehouse=s.warehouse, quantity=s.quantity) for s in p.stock],
            created_at=p.created_at,
            updated_at=p.updated_at,
        )


class ProductPage(Schema):
    items: list[ProductRead]
    next_cursor: str | None
