from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from api.deps import CurrentPrincipal, InvoiceServiceDep
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.pagination import Cursor, Limit, day, decode_cursor, encode_cursor, ident
from api.schemas.base import MAX_FILTER_VALUES, Currency, Day
from api.schemas.billing import (
    InvoiceCreate,
    InvoicePage,
    InvoiceRead,
    InvoiceUpdate,
    PaymentCreate,
    PaymentListItem,
    PaymentListPage,
)
from domain.billing.model import InvoiceStatus
from domain.billing.ports import InvoiceFilter, PaymentFilter
from domain.billing.services import InvoiceView

router = APIRouter(tags=["billing"])


def _page(views: Sequence[InvoiceView], limit: int) -> InvoicePage:
    last = views[limit - 1].invoice if len(views) > limit else None
    return InvoicePage(
        items=[InvoiceRead.of(v) for v in views[:limit]],
        next_cursor=encode_cursor(last.issued_on, last.id) if last else None,
    )


def _read(view: InvoiceView, response: Response) -> InvoiceRead:
    set_etag(response, view.invoice.version)
    return InvoiceRead.of(view)


@router.get("/invoices", response_model=InvoicePage, responses=problems(401, 403, 422))
async def list_invoices(
    principal: CurrentPrincipal,
    service: InvoiceServiceDep,
    status: Annotated[
        list[InvoiceStatus] | None, Query(max_length=MAX_FILTER_VALUES, description="Any of these")
    ] = None,
    issued_from: Day | None = None,
    issued_to: Annotated[Day | None, Query(description="Inclusive")] = None,
    client_id: UUID | None = None,
    deal_id: UUID | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> InvoicePage:
    """Invoices of the deals the caller sees, newest invoice date first."""
    filters = InvoiceFilter(
        statuses=tuple(status or ()),
        issued_from=issued_from,
        issued_to=issued_to,
        client_id=client_id,
        deal_id=deal_id,
    )
    views = await service.list(
        principal, filters, limit=limit + 1, after=decode_cursor(cursor, day, ident)
    )
    return _page(views, limit)


@router.get("/payments", response_model=PaymentListPage, responses=problems(401, 403, 422))
async def list_payments(
    principal: CurrentPrincipal,
    service: InvoiceServiceDep,
    paid_from: Day | None = None,
    paid_to: Annotated[Day | None, Query(description="Inclusive; not before paid_from")] = None,
    responsible_id: Annotated[
        list[UUID] | None,
        Query(max_length=MAX_FILTER_VALUES, description="The deal's responsible is any of these"),
    ] = None,
    department_id: Annotated[
        UUID | None,
        Query(description="The deal's responsible is in this department or one below it"),
    ] = None,
    currency: Annotated[Currency | None, Query(description="The invoice's currency")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> PaymentListPage:
    """Payments received on the invoices of the deals the caller sees, newest payment date
    first: the rows behind turnover on the paid-invoices basis."""
    filters = PaymentFilter(
        paid_from=paid_from,
        paid_to=paid_to,
        responsible_ids=tuple(responsible_id or ()),
        department_id=department_id,
        currency=currency,
    )
    lines = await service.list_payments(
        principal, filters, limit=limit + 1, after=decode_cursor(cursor, day, ident)
    )
    last = lines[limit - 1] if len(lines) > limit else None
    return PaymentListPage(
        items=[PaymentListItem.of(line) for line in lines[:limit]],
        next_cursor=encode_cursor(last.paid_on, last.id) if last else None,
    )


@router.get(
    "/deals/{deal_id}/invoices", response_model=InvoicePage, responses=problems(401, 403, 404, 422)
)
async def list_deal_invoices(
    deal_id: UUID,
    principal: CurrentPrincipal,
    service: InvoiceServiceDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> InvoicePage:
    """A deal's invoices, newest invoice date first."""
    views = await service.list_for_deal(
        principal, deal_id, limit=limit + 1, after=decode_cursor(cursor, day, ident)
    )
    return _page(views, limit)


@router.post(
    "/invoices",
    response_model=InvoiceRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 409, 422),
)
async def create_invoice(
    body: InvoiceCreate, principal: CurrentPrincipal, service: InvoiceServiceDep, response: Response
) -> InvoiceRead:
    """Issue an invoice on a deal you may edit, made out to the deal's client."""
    return _read(await service.issue(principal, body.to_command()), response)


@router.get("/invoices/{invoice_id}", response_model=InvoiceRead, responses=problems(401, 403, 404))
async def get_invoice(
    invoice_id: UUID, principal: CurrentPrincipal, service: InvoiceServiceDep, response: Response
) -> InvoiceRead:
    return _read(await service.get(principal, invoice_id), response)


@router.patch(
    "/invoices/{invoice_id}",
    response_model=InvoiceRead,
    responses=problems(401, 403, 404, 409, 412, 422),
)
async def update_invoice(
    invoice_id: UUID,
    body: InvoiceUpdate,
    principal: CurrentPrincipal,
    service: InvoiceServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> InvoiceRead:
    """Edit an invoice; a cancelled one is final (409). The status follows the amount."""
    view = await service.update(
        principal, invoice_id, body.to_command(), expected_version=expected_version(if_match)
    )
    return _read(view, response)


@router.post(
    "/invoices/{invoice_id}/cancel",
    response_model=InvoiceRead,
    responses=problems(401, 403, 404, 409, 412),
)
async def cancel_invoice(
    invoice_id: UUID,
    principal: CurrentPrincipal,
    service: InvoiceServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> InvoiceRead:
    """Cancel an invoice nothing has been paid on (409 otherwise: delete mistaken payments
    first)."""
    view = await service.cancel(principal, invoice_id, expected_version=expected_version(if_match))
    return _read(view, response)


@router.post(
    "/invoices/{invoice_id}/payments",
    response_model=InvoiceRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 404, 409, 412, 422),
)
async def record_invoice_payment(
    invoice_id: UUID,
    body: PaymentCreate,
    principal: CurrentPrincipal,
    service: InvoiceServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> InvoiceRead:
    """Record a payment in the invoice's currency; the invoice as it stands after it. More
    than is left to pay is refused (422 on amount, code less_than_equal with the limit)."""
    view = await service.record_payment(
        principal, invoice_id, body.to_command(), expected_version=expected_version(if_match)
    )
    return _read(view, response)


@router.delete(
    "/invoices/{invoice_id}/payments/{payment_id}",
    response_model=InvoiceRead,
    responses=problems(401, 403, 404, 409, 412),
)
async def delete_invoice_payment(
    invoice_id: UUID,
    payment_id: UUID,
    principal: CurrentPrincipal,
    service: InvoiceServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> InvoiceRead:
    """Delete a payment entered by mistake; the invoice as it stands after it (its status
    re-derived)."""
    view = await service.delete_payment(
        principal, invoice_id, payment_id, expected_version=expected_version(if_match)
    )
    return _read(view, response)
