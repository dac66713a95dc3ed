// Issue 14, item 8: a complaint past its deadline notifies the head, through the demo's rule
// "Просроченная рекламация: руководителю" (complaint_overdue → notify the responsible's head).
import { BASE_URL, EMAIL, PASSWORD, apiHeaders, check, signInAs } from '../lib.mjs';

const HEAD = { email: 'i.petrova@example.com', password: 'demo-password' };
const RULE = 'Просроченная рекламация: руководителю';

export const tests = [
  {
    name: 'a complaint past its deadline notifies the head through the demo rule, once, logged',
    run: overdueComplaintNotifiesTheHead,
  },
];

async function json(page, url, headers) {
  const answer = await page.request.get(`${BASE_URL}${url}`, { headers });
  check(answer.ok(), `GET ${url} answered ${answer.status()}`);
  return answer.json();
}

/**
 * The demo holds a complaint two days past its deadline. The worker's overdue sweep raises
 * complaint.overdue once; the demo rule notifies the owner's head, once. The head sees the
 * complaint overdue in the complaints list and the rule's run in Settings › Automation.
 */
async function overdueComplaintNotifiesTheHead(page) {
  const admin = await apiHeaders(page, EMAIL, PASSWORD);
  const overdue = await json(page, '/api/v1/complaints?overdue=true&limit=50', admin);
  check(overdue.items.length > 0, 'the demo has no overdue complaint');
  const rules = await json(page, '/api/v1/automation/rules?limit=100', admin);
  const rule = rules.items.find((r) => r.name === RULE);
  check(rule, `the demo has no rule «${RULE}»`);

  // The sweep runs when the worker starts and every 10 minutes: wait for its run.
  let runs = [];
  for (let attempt = 0; attempt < 60; attempt += 1) {
    runs = (await json(page, `/api/v1/automation/rules/${rule.id}/runs?limit=50`, admin)).items;
    if (runs.some((run) => run.status === 'done')) break;
    await page.waitForTimeout(1000);
  }
  const done = runs.filter((run) => run.status === 'done');
  check(done.length === 1, `the rule ran ${done.length} times (${JSON.stringify(runs)})`);
  check(done[0].event_name === 'complaint.overdue', `the run came from ${done[0].event_name}`);

  // The head sees the complaint overdue in the list, and the rule's run in its log.
  await signInAs(page, HEAD.email, HEAD.password);
  await page.getByRole('navigation').getByRole('link', { name: 'Рекламации' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/complaints'));
  await page
    .getByText(/просрочена на \d+ (день|дня|дней)/)
    .first()
    .waitFor();
  await page.goto(`${BASE_URL}/settings/automation`);
  const row = page.getByTestId('automation-rule').filter({ hasText: RULE });
  await row.getByRole('button', { name: 'Журнал' }).click();
  const log = page.getByTestId('automation-runs');
  await log.getByText('complaint.overdue').first().waitFor();
  await log.getByText('Выполнено').first().waitFor();

  const head = await apiHeaders(page, HEAD.email, HEAD.password);
  // The bell keeps the newest 30; the demo's overdue tasks may push this one further down.
  const about = [];
  let cursor = '';
  for (let pages = 0; pages < 50; pages += 1) {
    const batch = await json(page, `/api/v1/notifications?limit=200${cursor}`, head);
    about.push(
      ...batch.items.filter((n) => n.kind === 'automation' && n.params?.rule_name === RULE),
    );
    if (!batch.next_cursor) break;
    cursor = `&cursor=${encodeURIComponent(batch.next_cursor)}`;
  }
  check(about.length === 1, `the head has ${about.length} notifications of the rule`);
  check(
    /Рекламация клиента .+ не решена в срок/.test(String(about[0].params.text)),
    `the notification says ${JSON.stringify(about[0].params)}`,
  );
}
