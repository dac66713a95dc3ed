// Issue 10, item 6: a seller's clients.
import {
  BASE_URL,
  SELLER_EMAIL,
  SELLER_PASSWORD,
  apiHeaders,
  check,
  responseTo,
  screenshot,
  signInAs,
} from '../lib.mjs';

export const tests = [
  {
    name: "a seller edits a client's phone and responsible on the card, finds it by a phone fragment, and merges a duplicate",
    run: sellerWorksAClient,
  },
];

const COLLEAGUE = 'Дмитрий Морозов';

/**
 * A demo seller's client with a contact, and a duplicate of it, planted through the API. On
 * the card the seller fixes the contact's phone (typed the domestic way, stored in E.164),
 * finds the client in the list by a fragment of the new number written with the trunk 8, merges
 * the duplicate into it after seeing what moves, and at last hands the client to a colleague.
 */
async function sellerWorksAClient(page) {
  const headers = await apiHeaders(page, SELLER_EMAIL, SELLER_PASSWORD);
  const tag = String(Date.now()).slice(-7);
  const name = `ООО «Журавль ${tag}»`;
  const plant = async (body) => {
    const response = await page.request.post(`${BASE_URL}/api/v1/clients`, {
      headers,
      data: { ...body, confirm_duplicate: true },
    });
    check(response.status() === 201, `planting ${body.name} answered ${response.status()}`);
    return response.json();
  };
  const client = await plant({
    name,
    temperature: 'warm',
    contacts: [{ full_name: 'Ирина Журавлёва', phones: ['+7 (900) 000-00-00'] }],
  });
  const duplicate = await plant({
    name: `Журавль ${tag}`,
    sector: 'Логистика',
    contacts: [{ full_name: 'Пётр Журавлёв', emails: [`zhuravl${tag}@example.com`] }],
  });
  await page.request.post(`${BASE_URL}/api/v1/tasks`, {
    headers,
    data: { title: 'Отправить прайс', client_id: duplicate.id },
  });

  // The freshly seeded demo replays every notification as new: its toasts would cover the
  // card's buttons (the bell has its own journey, 13-quality).
  await page.route('**/api/v1/notifications/stream**', (route) => route.abort());
  await signInAs(page, SELLER_EMAIL, SELLER_PASSWORD);
  await page.goto(`${BASE_URL}/clients/${client.id}`);
  await page.getByRole('heading', { name }).waitFor();

  // The contact's phone, typed as people in Russia do; the server stores it in E.164.
  const digits = `985${tag}`;
  const typed = `8 (${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6, 8)}-${digits.slice(8)}`;
  await page.getByRole('button', { name: 'Изменить контакт Ирина Журавлёва' }).click();
  const editor = page.getByRole('dialog');
  await editor.getByRole('textbox', { name: 'Телефоны 1' }).fill(typed);
  const contactSaved = responseTo(page, 'PATCH', `/api/v1/contacts/${client.contacts[0].id}`);
  await editor.getByRole('button', { name: 'Сохранить' }).click();
  const contact = await contactSaved;
  check(contact.ok(), `saving the phone answered ${contact.status()}`);
  check(
    /^"v\d+"$/.test(contact.request().headers()['if-match'] ?? ''),
    'no If-Match on the contact',
  );
  const phones = (await contact.json()).phones.map((phone) => phone.e164);
  check(phones[0] === `+7${digits}`, `the phone was stored as ${phones}`);
  const shown = `+7 ${digits.slice(0, 3)} ${digits.slice(3, 6)}-${digits.slice(6, 8)}-${digits.slice(8)}`;
  await page.getByText(shown).waitFor();
  await screenshot(page, 'clients-1-phone-fixed');

  // Found in the list by a fragment of the number written the domestic way, the match marked.
  await page.goto(`${BASE_URL}/clients`);
  const fragment = `8 (${digits.slice(0, 3)}) ${digits.slice(3, 6)}`;
  const searched = page.waitForResponse(
    (answer) =>
      new URL(answer.url()).pathname === '/api/v1/clients' &&
      new URL(answer.url()).searchParams.get('q') === fragment,
  );
  await page.getByRole('searchbox', { name: 'Поиск' }).fill(fragment);
  const found = await (await searched).json();
  check(
    found.items.some((item) => item.id === client.id),
    `"${fragment}" did not find the client`,
  );
  const list = page.getByTestId('client-list');
  const row = list.getByRole('row').filter({ hasText: name });
  await row.waitFor();
  const marked = await row.locator('mark').allTextContents();
  check(
    marked.includes(`7 ${digits.slice(0, 3)} ${digits.slice(3, 6)}`),
    `the phone match was not marked: ${marked}`,
  );
  check(new URL(page.url()).searchParams.get('q') === fragment, 'the search is not in the URL');
  await screenshot(page, 'clients-2-found-by-phone');

  // Merging the duplicate into it: the dialog shows what moves before anything happens.
  await row.getByRole('link', { name }).click();
  await page.getByRole('heading', { name }).waitFor();
  await page.getByRole('button', { name: 'Объединить…' }).click();
  const dialog = page.getByTestId('client-merge');
  const picker = dialog.locator('input[aria-haspopup="listbox"]');
  await picker.fill(`Журавль ${tag}`);
  await page.getByRole('option', { name: `Журавль ${tag}`, exact: true }).click();
  const moves = dialog.getByTestId('merge-moves');
  await moves.waitFor();
  check(
    (await moves.textContent()).includes('Задачи'),
    'the duplicate task is not among what moves',
  );
  await dialog.getByText('Пустые поля заполнятся: отрасль.').waitFor();
  await screenshot(page, 'clients-3-merge-preview');
  const merged = responseTo(page, 'POST', `/api/v1/clients/${client.id}/merge`);
  await dialog.getByRole('button', { name: 'Объединить', exact: true }).click();
  const merge = await merged;
  check(merge.ok(), `the merge answered ${merge.status()}`);
  const survivor = await merge.json();
  check(survivor.sector === 'Логистика', 'the empty sector was not filled from the duplicate');
  check(survivor.contacts.length === 2, `the survivor has ${survivor.contacts.length} contacts`);
  await page.getByText('Пётр Журавлёв').waitFor();
  const gone = await page.request.get(`${BASE_URL}/api/v1/clients/${duplicate.id}`, { headers });
  check(gone.status() === 404, `the merged duplicate still answers ${gone.status()}`);
  check(
    (await gone.json()).merged_into_id === client.id,
    'the duplicate does not point at the survivor',
  );
  await screenshot(page, 'clients-4-merged');

  // At last the seller hands the client to a colleague, in place, with If-Match.
  const responsible = page.getByTestId('client-field-responsible_id');
  await responsible.getByRole('button', { name: /Изменить/ }).click();
  const select = page
    .getByTestId('client-field-responsible_id')
    .locator('input[aria-haspopup="listbox"]');
  await select.fill(COLLEAGUE.split(' ')[0]);
  await page.getByRole('option', { name: COLLEAGUE }).click();
  const patched = responseTo(page, 'PATCH', `/api/v1/clients/${client.id}`);
  await page
    .getByTestId('client-field-responsible_id')
    .getByRole('button', { name: 'Сохранить' })
    .click();
  const patch = await patched;
  check(patch.ok(), `changing the responsible answered ${patch.status()}`);
  check(/^"v\d+"$/.test(patch.request().headers()['if-match'] ?? ''), 'no If-Match on the PATCH');
  check((await patch.json()).responsible_name === COLLEAGUE, 'the responsible did not change');
  await page.getByTestId('client-field-responsible_id').getByText(COLLEAGUE).waitFor();
  await screenshot(page, 'clients-5-handed-over');
}
