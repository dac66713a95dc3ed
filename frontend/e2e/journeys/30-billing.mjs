// Issue 12, item 1: invoices and payments on a deal.
import {
  BASE_URL,
  SELLER_EMAIL,
  SELLER_PASSWORD,
  apiHeaders,
  check,
  responseTo,
  signInAs,
} from '../lib.mjs';

export const tests = [
  {
    name: 'a seller issues an invoice on a deal, records the payment and sees it paid',
    run: sellerInvoicesADeal,
  },
];

/**
 * A demo seller opens one of their open deals, issues an invoice for 12 500,50 (numbered
 * automatically), records a payment of the whole amount and sees the invoice marked paid.
 */
async function sellerInvoicesADeal(page) {
  const headers = await apiHeaders(page, SELLER_EMAIL, SELLER_PASSWORD);
  const deals = await page.request.get(`${BASE_URL}/api/v1/deals?status=open&limit=1`, {
    headers,
  });
  check(deals.ok(), `listing the seller's deals answered ${deals.status()}`);
  const [deal] = (await deals.json()).items;
  check(deal, 'the seller has no open deal');

  await signInAs(page, SELLER_EMAIL, SELLER_PASSWORD);
  await page.goto(`${BASE_URL}/deals/${deal.id}`);
  const panel = page.getByTestId('deal-invoices');
  await panel.getByRole('button', { name: 'Выставить счёт' }).click();

  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Сумма').fill('12 500,50');
  const issued = responseTo(page, 'POST', '/api/v1/invoices');
  await dialog.getByRole('button', { name: 'Выставить', exact: true }).click();
  const issue = await issued;
  check(issue.status() === 201, `issuing answered ${issue.status()}`);
  const invoice = await issue.json();
  check(invoice.amount === '12500.50', `the invoice is for ${invoice.amount}`);
  check(invoice.status === 'issued', `a new invoice is ${invoice.status}`);

  const card = panel.getByTestId('invoice').filter({ hasText: `Счёт № ${invoice.number}` });
  await card.getByText('Выставлен', { exact: true }).waitFor();
  await card.getByRole('button', { name: 'Внести оплату' }).click();
  const payment = page.getByRole('dialog');
  // The whole amount left to pay is proposed.
  check(
    (await payment.getByLabel('Сумма оплаты').inputValue()) === '12500.50',
    'the payment does not propose what is left to pay',
  );
  const paid = responseTo(page, 'POST', `/api/v1/invoices/${invoice.id}/payments`);
  await payment.getByRole('button', { name: 'Внести оплату' }).click();
  const pay = await paid;
  check(pay.status() === 201, `recording the payment answered ${pay.status()}`);
  check(/^"v\d+"$/.test(pay.request().headers()['if-match'] ?? ''), 'no If-Match on the payment');
  check((await pay.json()).status === 'paid', 'the invoice is not paid after the payment');
  await card.getByText('Оплачен', { exact: true }).waitFor();
}
