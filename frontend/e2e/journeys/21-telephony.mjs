// Issue 11, item 3: an administrator connects a PBX in Settings › Telephony (the event URL to
// copy, its secret, a tracking number, who calls new callers back); the PBX's signed event of a
// missed call is stored, processed by the worker within seconds and becomes a callback task
// on the new caller's card, with the call in the timeline; a forged event is refused with 401.
import { createHmac } from 'node:crypto';
import { BASE_URL, EMAIL, PASSWORD, apiHeaders, check, screenshot, signIn } from '../lib.mjs';

export const tests = [
  {
    name: 'telephony: an admin connects Zadarma and a missed call becomes a callback task',
    run: missedCallBecomesACallbackTask,
  },
];

/** Zadarma's signature: base64 of the hex HMAC-SHA1 of caller_id + called_did + call_start. */
function zadarmaSignature(fields, secret) {
  const hex = createHmac('sha1', secret)
    .update(`${fields.caller_id}${fields.called_did}${fields.call_start}`)
    .digest('hex');
  return Buffer.from(hex).toString('base64');
}

async function missedCallBecomesACallbackTask(page) {
  const tag = Date.now().toString(36);
  const secret = `e2e-secret-${tag}`;
  const headers = await apiHeaders(page, EMAIL, PASSWORD);
  const me = await (await page.request.get(`${BASE_URL}/api/v1/users/me`, { headers })).json();

  await signIn(page);
  await page.goto(`${BASE_URL}/settings/telephony`);
  await page.getByRole('button', { name: 'Подключить АТС' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Название').fill(`Zadarma ${tag}`);
  await dialog.getByLabel('Секретный ключ API Zadarma').fill(secret);
  await dialog.getByRole('button', { name: 'Добавить номер' }).click();
  await dialog.getByLabel('Номер', { exact: true }).fill('+7 499 450-94-95');
  await dialog.getByLabel('Источник').fill('e2e-ads');
  const who = dialog
    .getByLabel('Кто перезванивает новым клиентам', { exact: true })
    .and(page.locator('input'));
  await who.fill(me.full_name.split(' ')[0]);
  await page.getByRole('option', { name: me.full_name }).first().click();
  await dialog.getByLabel('Срок перезвона, минут').fill('30');
  await dialog.getByRole('button', { name: 'Создать' }).click();

  const url = (await page.getByTestId('telephony-created-url').textContent()).trim();
  check(url.startsWith(`${BASE_URL}/api/v1/intake/telephony/zadarma/`), `URL shown: ${url}`);
  await screenshot(page, 'telephony-created');
  await page.getByRole('button', { name: 'Готово' }).click();
  await page
    .getByTestId('telephony-integration')
    .filter({ hasText: `Zadarma ${tag}` })
    .waitFor();

  const echo = await page.request.get(`${url}?zd_echo=${tag}`);
  check(echo.status() === 200 && (await echo.text()) === tag, 'the zd_echo check failed');

  const digits = String(Date.now()).slice(-7);
  const fields = {
    event: 'NOTIFY_END',
    call_start: '2026-11-30 10:00:00',
    pbx_call_id: `in_e2e_${tag}`,
    caller_id: `7916${digits}`,
    called_did: '74994509495',
    internal: '',
    duration: '0',
    disposition: 'no answer',
    status_code: '19',
    is_recorded: '0',
  };
  const forged = await page.request.post(url, {
    form: fields,
    headers: { Signature: zadarmaSignature(fields, 'not-the-secret') },
  });
  check(forged.status() === 401, `a forged event was answered ${forged.status()}`);
  const posted = await page.request.post(url, {
    form: fields,
    headers: { Signature: zadarmaSignature(fields, secret) },
  });
  check(posted.status() === 200, `the PBX's event was answered ${posted.status()}`);

  // The worker folds it into a missed call with a callback task within seconds.
  const deadline = Date.now() + 20_000;
  let call;
  while (!call?.callback_task_id) {
    check(Date.now() < deadline, 'the missed call did not become a callback task in 20 s');
    await page.waitForTimeout(300);
    const listed = await page.request.get(`${BASE_URL}/api/v1/intake/calls?result=missed`, {
      headers,
    });
    call = (await listed.json()).items.find((c) => c.provider_call_id === fields.pbx_call_id);
  }
  check(call.source === 'e2e-ads', `the tracking number's source is ${call.source}`);

  await page.goto(`${BASE_URL}/clients/${call.client_id}`);
  const number = `+7916${digits}`;
  await page
    .getByTestId('open-tasks')
    .getByText(`Перезвонить: пропущенный звонок ${number}`)
    .waitFor({ timeout: 15_000 });
  await page
    .getByTestId('work-timeline')
    .getByText(`Звонок (входящий) ${number}: пропущен`)
    .first()
    .waitFor();
  await screenshot(page, 'telephony-callback-task');
}
