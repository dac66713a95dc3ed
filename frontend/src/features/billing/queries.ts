import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type Invoice = components['schemas']['InvoiceRead'];
export type InvoiceStatus = Invoice['status'];
export type InvoiceCreate = components['schemas']['InvoiceCreate'];
export type InvoiceUpdate = components['schemas']['InvoiceUpdate'];
export type PaymentCreate = components['schemas']['PaymentCreate'];
export type PaymentListItem = components['schemas']['PaymentListItem'];

/** The payments list's filters, as its address carries them; null: not narrowed. */
export interface PaymentFilters {
  /** Inclusive days. */
  paidFrom: string | null;
  paidTo: string | null;
  responsibleId: string | null;
  departmentId: string | null;
  currency: string | null;
}

const PAYMENTS_PAGE_SIZE = 50;

export const invoiceKeys = {
  all: ['invoices'] as const,
  ofDeal: (dealId: string) => [...invoiceKeys.all, 'deal', dealId] as const,
  payments: (filters: PaymentFilters) => [...invoiceKeys.all, 'payments', filters] as const,
};

/** The version the caller saw: a change made meanwhile answers 412 instead of being lost. */
const ifMatch = (invoice: Invoice) => ({ 'If-Match': `"v${invoice.version}"` });

/** A deal's invoices, newest first (a deal has a handful; the first page holds them). */
export function useDealInvoices(dealId: string) {
  return useQuery({
    queryKey: invoiceKeys.ofDeal(dealId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/deals/{deal_id}/invoices', {
          params: { path: { deal_id: dealId }, query: { limit: 200 } },
          signal,
        }),
      ),
    select: (page) => page.items,
  });
}

/** Payments received on the invoices of the deals the caller sees, newest first, a page at a
 * time; under invoiceKeys.all, so recording or deleting a payment refreshes the list. */
export function usePayments(filters: PaymentFilters) {
  return useInfiniteQuery({
    queryKey: invoiceKeys.payments(filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/payments', {
          params: {
            query: {
              paid_from: filters.paidFrom ?? undefined,
              paid_to: filters.paidTo ?? undefined,
              responsible_id: filters.responsibleId ? [filters.responsibleId] : undefined,
              department_id: filters.departmentId ?? undefined,
              currency: filters.currency ?? undefined,
              limit: PAYMENTS_PAGE_SIZE,
              cursor: pageParam ?? undefined,
            },
          },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.next_cursor,
    // A changed filter keeps the previous rows on screen until the new ones arrive.
    placeholderData: keepPreviousData,
  });
}

function useInvalidateInvoices() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: invoiceKeys.all });
}

export function useCreateInvoice() {
  const invalidate = useInvalidateInvoices();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: (body: InvoiceCreate) => unwrap(api.POST('/api/v1/invoices', { body })),
    onSuccess: invalidate,
  });
}

export function useUpdateInvoice() {
  const invalidate = useInvalidateInvoices();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ invoice, body }: { invoice: Invoice; body: InvoiceUpdate }) =>
      unwrap(
        api.PATCH('/api/v1/invoices/{invoice_id}', {
          params: { path: { invoice_id: invoice.id }, header: ifMatch(invoice) },
          body,
        }),
      ),
    onSettled: invalidate,
  });
}

export function useCancelInvoice() {
  const invalidate = useInvalidateInvoices();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: (invoice: Invoice) =>
      unwrap(
        api.POST('/api/v1/invoices/{invoice_id}/cancel', {
          params: { path: { invoice_id: invoice.id }, header: ifMatch(invoice) },
        }),
      ),
    onSettled: invalidate,
  });
}

export function useRecordPayment() {
  const invalidate = useInvalidateInvoices();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ invoice, body }: { invoice: Invoice; body: PaymentCreate }) =>
      unwrap(
        api.POST('/api/v1/invoices/{invoice_id}/payments', {
          params: { path: { invoice_id: invoice.id }, header: ifMatch(invoice) },
          body,
        }),
      ),
    onSettled: invalidate,
  });
}

export function useDeletePayment() {
  const invalidate = useInvalidateInvoices();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ invoice, paymentId }: { invoice: Invoice; paymentId: string }) =>
      unwrap(
        api.DELETE('/api/v1/invoices/{invoice_id}/payments/{payment_id}', {
          params: {
            path: { invoice_id: invoice.id, payment_id: paymentId },
            header: ifMatch(invoice),
          },
        }),
      ),
    onSettled: invalidate,
  });
}
