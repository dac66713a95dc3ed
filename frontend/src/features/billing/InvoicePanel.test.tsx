import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AppProviders } from '../../AppProviders';
import { createQueryClient } from '../../api/queryClient';
import { json, mockApi, problem } from '../../test/api';
import { setTokens } from '../auth/authStore';
import { deal } from '../deals/fixtures';
import { InvoicePanel } from './InvoicePanel';
import type { Invoice } from './queries';

const INVOICE = '00000000-0000-4000-8000-0000000b0001';
const LIST = `GET /api/v1/deals/${deal.id}/invoices`;

const invoice: Invoice = {
  id: INVOICE,
  deal_id: deal.id,
  deal_title: deal.title,
  client_id: deal.client_id,
  client_name: deal.client_name,
  number: '7',
  issued_on: '2026-03-02',
  amount: '1000.00',
  currency: 'RUB',
  status: 'issued',
  paid_amount: '0.00',
  outstanding: '1000.00',
  paid_on: null,
  due_on: null,
  comment: null,
  external_source: null,
  external_id: null,
  payments: [],
  cancelled_at: null,
  created_by: null,
  created_at: '2026-03-02T10:00:00Z',
  updated_at: '2026-03-02T10:00:00Z',
  version: 1,
};

const page = (...items: Invoice[]) => json(200, { items, next_cursor: null });

function renderPanel() {
  render(
    <AppProviders queryClient={createQueryClient()} env="test">
      <InvoicePanel deal={deal} />
    </AppProviders>,
  );
}

describe('InvoicePanel', () => {
  it('lists the deal’s invoices with their status', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      [LIST]: () =>
        page(invoice, {
          ...invoice,
          id: '00000000-0000-4000-8000-0000000b0002',
          number: '8',
          status: 'partly_paid',
          paid_amount: '400.00',
          outstanding: '600.00',
        }),
    });
    renderPanel();
    const cards = await screen.findAllByTestId('invoice');
    expect(within(cards[0]!).getByText('Счёт № 7')).toBeInTheDocument();
    expect(within(cards[0]!).getByText('Выставлен')).toBeInTheDocument();
    expect(within(cards[1]!).getByText('Оплачен частично')).toBeInTheDocument();
  });

  it('says a failed load failed and loads again on retry', async () => {
    setTokens({ access: 'access-1' });
    let down = true;
    mockApi({
      [LIST]: () => (down ? problem(422, 'refused') : page(invoice)),
    });
    const user = userEvent.setup();
    renderPanel();
    const alert = await screen.findByText('Не удалось загрузить данные.');
    expect(screen.queryByText('Счетов пока нет')).toBeNull();
    down = false;
    await user.click(
      within(alert.closest('[role="alert"]')!).getByRole('button', { name: 'Повторить' }),
    );
    expect(await screen.findByText('Счёт № 7')).toBeInTheDocument();
  });

  it('issues an invoice for the deal and checks the amount as it is typed', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      [LIST]: () => page(),
      'POST /api/v1/invoices': () => json(201, invoice),
    });
    const user = userEvent.setup();
    renderPanel();
    await user.click(await screen.findByRole('button', { name: 'Выставить счёт' }));
    const amount = await screen.findByLabelText(/Сумма/);
    await user.clear(amount);
    await user.type(amount, 'сто');
    expect(await screen.findByText(/Enter an amount|Введите сумму/)).toBeInTheDocument();
    await user.clear(amount);
    await user.type(amount, '1 500,50');
    await user.click(screen.getByRole('button', { name: 'Выставить' }));
    await waitFor(() => expect(api.callsTo('POST', '/api/v1/invoices')).toHaveLength(1));
    const body: unknown = JSON.parse(api.callsTo('POST', '/api/v1/invoices')[0]?.body ?? '{}');
    expect(body).toMatchObject({
      deal_id: deal.id,
      amount: '1500.50',
      currency: deal.currency,
      number: null,
    });
  });

  it('puts a refused number on its field', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      [LIST]: () => page(),
      'POST /api/v1/invoices': () =>
        problem(422, 'Invalid input', [
          { loc: ['body', 'number'], msg: 'is taken by another invoice', code: 'invalid_input' },
        ]),
    });
    const user = userEvent.setup();
    renderPanel();
    await user.click(await screen.findByRole('button', { name: 'Выставить счёт' }));
    await user.type(await screen.findByLabelText('Номер'), '7');
    await user.click(screen.getByRole('button', { name: 'Выставить' }));
    const number = screen.getByLabelText('Номер');
    await waitFor(() => expect(number).toHaveAttribute('aria-invalid', 'true'));
  });

  it('records a payment with the invoice’s version and shows it paid', async () => {
    setTokens({ access: 'access-1' });
    let paid = false;
    const paidInvoice: Invoice = {
      ...invoice,
      status: 'paid',
      paid_amount: '1000.00',
      outstanding: '0.00',
      paid_on: '2026-03-05',
      payments: [
        {
          id: '00000000-0000-4000-8000-0000000c0001',
          paid_on: '2026-03-05',
          amount: '1000.00',
          comment: null,
          external_source: null,
          external_id: null,
          created_by: null,
          created_at: '2026-03-05T10:00:00Z',
        },
      ],
      version: 2,
    };
    const api = mockApi({
      [LIST]: () => page(paid ? paidInvoice : invoice),
      [`POST /api/v1/invoices/${INVOICE}/payments`]: () => {
        paid = true;
        return json(201, paidInvoice);
      },
    });
    const user = userEvent.setup();
    renderPanel();
    await user.click(await screen.findByRole('button', { name: 'Внести оплату' }));
    const amount = await screen.findByLabelText(/Сумма оплаты/);
    await user.clear(amount);
    await user.type(amount, '1200');
    expect(await screen.findByText(/1000\.00/)).toBeInTheDocument(); // at most what is left
    await user.clear(amount);
    await user.type(amount, '1000');
    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Внести оплату' }));
    await waitFor(() =>
      expect(api.callsTo('POST', `/api/v1/invoices/${INVOICE}/payments`)).toHaveLength(1),
    );
    const [sent] = api.callsTo('POST', `/api/v1/invoices/${INVOICE}/payments`);
    expect(sent?.headers.get('If-Match')).toBe('"v1"');
    expect(await screen.findByText('Оплачен')).toBeInTheDocument();
  });
});
