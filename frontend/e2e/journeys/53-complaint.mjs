// Issue 14, part 6: a seller records a complaint on a client; the head sees it among the
// complaints and resolves it with a resolution.
import {
  BASE_URL,
  SELLER_EMAIL,
  SELLER_PASSWORD,
  apiHeaders,
  check,
  responseTo,
  signInAs,
} from '../lib.mjs';

const HEAD = { email: 'i.petrova@example.com', password: 'demo-password' };

export const tests = [
  {
    name: 'a seller records a complaint on a client; the head resolves it from the complaints list',
    run: complaintRecordedAndResolved,
  },
];

async function complaintRecordedAndResolved(page) {
  const seller = await apiHeaders(page, SELLER_EMAIL, SELLER_PASSWORD);
  const listed = await page.request.get(`${BASE_URL}/api/v1/clients?limit=1`, { headers: seller });
  check(listed.ok(), `listing the seller's clients answered ${listed.status()}`);
  const [client] = (await listed.json()).items;
  check(client, 'the seller has no client in the demo');
  const text = `Брак упаковки, партия ${Date.now()}`;

  // The seller records it from the client's card.
  await signInAs(page, SELLER_EMAIL, SELLER_PASSWORD);
  await page.goto(`${BASE_URL}/clients/${client.id}`);
  const panel = page.getByTestId('complaints-panel');
  await panel.getByRole('button', { name: 'Записать рекламацию' }).click();
  const dialog = page.getByRole('dialog', { name: 'Новая рекламация' });
  await dialog.getByLabel('Суть рекламации').fill(text);
  const created = responseTo(page, 'POST', '/api/v1/complaints');
  await dialog.getByRole('button', { name: 'Записать' }).click();
  const answer = await created;
  check(answer.status() === 201, `recording the complaint answered ${answer.status()}`);
  const complaint = await answer.json();
  check(complaint.status === 'new', `a new complaint is ${complaint.status}`);
  await panel.getByTestId('complaint-item').first().waitFor();

  // The head finds it in the complaints list and resolves it.
  const context = await page.context().browser().newContext({ locale: 'ru-RU' });
  try {
    const head = await context.newPage();
    head.setDefaultTimeout(15_000);
    await signInAs(head, HEAD.email, HEAD.password);
    await head.getByRole('navigation').getByRole('link', { name: 'Рекламации' }).click();
    await head.waitForURL((url) => url.pathname === '/complaints');
    const row = head.getByTestId('complaint-row').filter({ hasText: text });
    await row.waitFor();
    await row.getByText(text).click();
    const details = head.getByTestId('complaint-details');
    await details.getByText(text).waitFor();
    await details.getByLabel('Решение').fill('Заменили партию за наш счёт');
    const resolved = responseTo(head, 'POST', `/api/v1/complaints/${complaint.id}/resolve`);
    await details.getByRole('button', { name: 'Решена' }).click();
    const done = await resolved;
    check(done.ok(), `resolving answered ${done.status()}`);
    check((await done.json()).status === 'resolved', 'the complaint is not resolved');
    await details.getByText('Заменили партию за наш счёт').waitFor();
    await row.getByText('Решена').waitFor();
  } finally {
    await context.close();
  }
}
