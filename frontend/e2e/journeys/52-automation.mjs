// Issue 14, part 4: the rule "on entering the contract stage, assign a task to the lawyer"
// fires when a seller moves a deal there: the worker runs it, the lawyer sees the task and the
// rule's log (Settings › Automation) shows the run.
import {
  BASE_URL,
  EMAIL,
  PASSWORD,
  SELLER_EMAIL,
  SELLER_PASSWORD,
  apiHeaders,
  check,
  signIn,
  signInAs,
} from '../lib.mjs';

const LAWYER = { email: 's.kuznetsova@example.com', password: 'demo-password' };
const RULE_NAME = 'Договор: задача юристу';

export const tests = [
  {
    name: 'a seller moves a deal to the contract stage; the lawyer gets the rule’s task and the log shows the run',
    run: contractStageGivesTheLawyerATask,
  },
];

async function json(response, what) {
  check(response.ok(), `${what} answered ${response.status()}: ${await response.text()}`);
  return response.json();
}

/** The demo's contract-stage rule (seeded); made through the API if this database lacks it. */
async function contractRule(page, admin, stage) {
  const rules = await json(
    await page.request.get(`${BASE_URL}/api/v1/automation/rules?limit=200`, { headers: admin }),
    'listing the rules',
  );
  const found = rules.items.find(
    (rule) =>
      rule.is_enabled &&
      rule.trigger.kind === 'deal_entered_stage' &&
      rule.trigger.stage_id === stage.id &&
      rule.actions.some((action) => action.recipient?.role === 'lawyer'),
  );
  if (found) return found;
  return json(
    await page.request.post(`${BASE_URL}/api/v1/automation/rules`, {
      headers: admin,
      data: {
        name: RULE_NAME,
        trigger: { kind: 'deal_entered_stage', stage_id: stage.id },
        actions: [
          {
            kind: 'create_task',
            recipient: { kind: 'role', role: 'lawyer' },
            title: 'Проверить договор по сделке «{deal}»',
            due_in_days: 1,
          },
        ],
      },
    }),
    'creating the rule',
  );
}

async function contractStageGivesTheLawyerATask(page) {
  const admin = await apiHeaders(page, EMAIL, PASSWORD);
  const seller = await apiHeaders(page, SELLER_EMAIL, SELLER_PASSWORD);
  const funnels = await json(
    await page.request.get(`${BASE_URL}/api/v1/funnels`, { headers: seller }),
    'listing the funnels',
  );
  const sales = funnels.find((funnel) => funnel.is_default) ?? funnels[0];
  const stage = sales.stages.find((s) => s.name.startsWith('Договор'));
  check(stage, 'the demo funnel has no contract stage');
  const rule = await contractRule(page, admin, stage);

  // The seller's new deal, with the contract the stage asks for, moved there.
  const clients = await json(
    await page.request.get(`${BASE_URL}/api/v1/clients?limit=1`, { headers: seller }),
    "listing the seller's clients",
  );
  check(clients.items.length === 1, 'the seller has no client');
  const title = `Поставка по договору ${Date.now()}`;
  const deal = await json(
    await page.request.post(`${BASE_URL}/api/v1/deals`, {
      headers: seller,
      data: {
        client_id: clients.items[0].id,
        title,
        amount: '250000',
        funnel_id: sales.id,
        stage_id: sales.stages[0].id,
      },
    }),
    'creating the deal',
  );
  await json(
    await page.request.post(`${BASE_URL}/api/v1/attachments`, {
      headers: seller,
      multipart: {
        deal_id: deal.id,
        document_type: 'contract',
        file: { name: 'Договор.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4') },
      },
    }),
    'attaching the contract',
  );
  await json(
    await page.request.post(`${BASE_URL}/api/v1/deals/${deal.id}/move`, {
      headers: seller,
      data: { stage_id: stage.id },
    }),
    'moving the deal to the contract stage',
  );

  // The worker runs the rule after the move's commit: wait for its run on the deal.
  let run;
  for (let tries = 0; tries < 60 && !run; tries += 1) {
    const runs = await json(
      await page.request.get(`${BASE_URL}/api/v1/automation/runs?deal_id=${deal.id}`, {
        headers: admin,
      }),
      "reading the deal's runs",
    );
    run = runs.items.find((item) => item.rule_id === rule.id);
    if (!run) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  check(run, 'the rule did not run for the move within 30 seconds');
  check(run.status === 'done', `the run is ${run.status}: ${run.reason}`);

  // The lawyer sees the task among their tasks.
  const taskTitle = `Проверить договор по сделке «${title}»`;
  await signInAs(page, LAWYER.email, LAWYER.password);
  await page.goto(`${BASE_URL}/tasks`);
  await page.getByText(taskTitle).first().waitFor();

  // The administrator finds the rule in Settings › Automation and its log shows the run.
  await inAnotherBrowser(page, async (adminPage) => {
    await signIn(adminPage);
    await adminPage.goto(`${BASE_URL}/settings/automation`);
    const row = adminPage.getByTestId('automation-rule').filter({ hasText: rule.name });
    await row.getByText('Сделка перешла на этап «Договор»').waitFor();
    await row.getByRole('button', { name: 'Журнал' }).click();
    const log = adminPage.getByTestId('automation-runs');
    await log.getByText('Выполнено').first().waitFor();
    await log.getByText('deal.stage_changed').first().waitFor();
  });

  // And the seller's deal card lists the run too.
  await inAnotherBrowser(page, async (sellerPage) => {
    await signInAs(sellerPage, SELLER_EMAIL, SELLER_PASSWORD);
    await sellerPage.goto(`${BASE_URL}/deals/${deal.id}`);
    await sellerPage.getByTestId('automation-runs').getByText(rule.name).waitFor();
  });
}

/** A second signed-in person beside the first: a browser context of its own. */
async function inAnotherBrowser(page, act) {
  const context = await page.context().browser().newContext({ locale: 'ru-RU' });
  try {
    const other = await context.newPage();
    other.setDefaultTimeout(15_000);
    await act(other);
  } finally {
    await context.close();
  }
}
