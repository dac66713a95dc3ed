// Issue 14, part 7: a seller opens a deal in the scripted stage, walks the call script beside
// the call to "interested", and the run (the path taken and the outcome) is saved.
import {
  BASE_URL,
  EMAIL,
  PASSWORD,
  SELLER_EMAIL,
  SELLER_PASSWORD,
  apiHeaders,
  check,
  responseTo,
  signInAs,
} from '../lib.mjs';

export const tests = [
  {
    name: 'a seller walks the stage’s call script on a deal to “interested” and the run is saved',
    run: sellerWalksTheScript,
  },
];

// The demo's cold-call script (adapters/seed.py): made through the API if this database lacks it.
const SCRIPT = {
  name: 'Холодный звонок',
  start_step_id: 'greeting',
  steps: [
    {
      id: 'greeting',
      kind: 'statement',
      text: 'Добрый день! Удобно говорить пару минут?',
      answers: [{ id: 'ok', text: 'Да, слушаю', next_step_id: 'qualify' }],
    },
    {
      id: 'qualify',
      text: 'Вы сейчас закупаете упаковку для своей продукции?',
      answers: [
        { id: 'yes', text: 'Да, интересно', outcome: 'interested' },
        { id: 'no', text: 'Нет, не интересно', outcome: 'not_interested' },
      ],
    },
  ],
};

async function json(response, what) {
  check(response.ok(), `${what} answered ${response.status()}: ${await response.text()}`);
  return response.json();
}

/** The script of the stage, attached through the API when the seed did not. */
async function stageScript(page, admin, seller, dealId, stageId) {
  const resolved = await json(
    await page.request.get(`${BASE_URL}/api/v1/call-scripts/resolve?deal_id=${dealId}`, {
      headers: seller,
    }),
    'asking for the deal’s script',
  );
  if (resolved.script) return resolved.script;
  const made = await json(
    await page.request.post(`${BASE_URL}/api/v1/call-scripts`, { headers: admin, data: SCRIPT }),
    'creating the script',
  );
  return json(
    await page.request.put(`${BASE_URL}/api/v1/call-scripts/${made.id}/assignments`, {
      headers: admin,
      data: { stage_ids: [stageId] },
    }),
    'attaching the script to the stage',
  );
}

async function sellerWalksTheScript(page) {
  const admin = await apiHeaders(page, EMAIL, PASSWORD);
  const seller = await apiHeaders(page, SELLER_EMAIL, SELLER_PASSWORD);
  const funnels = await json(
    await page.request.get(`${BASE_URL}/api/v1/funnels`, { headers: seller }),
    'listing the funnels',
  );
  const sales = funnels.find((funnel) => funnel.is_default) ?? funnels[0];
  const stage = sales.stages[0];
  const clients = await json(
    await page.request.get(`${BASE_URL}/api/v1/clients?limit=1`, { headers: seller }),
    "listing the seller's clients",
  );
  check(clients.items.length === 1, 'the seller has no client');
  const title = `Холодный звонок ${Date.now()}`;
  const deal = await json(
    await page.request.post(`${BASE_URL}/api/v1/deals`, {
      headers: seller,
      data: {
        client_id: clients.items[0].id,
        title,
        amount: '120000',
        funnel_id: sales.id,
        stage_id: stage.id,
      },
    }),
    'creating the deal',
  );
  const script = await stageScript(page, admin, seller, deal.id, stage.id);
  const start = script.steps.find((step) => step.id === script.start_step_id);
  const onward = start.answers.find((answer) => answer.next_step_id);
  check(onward, 'the script’s first step has no answer that leads on');
  const next = script.steps.find((step) => step.id === onward.next_step_id);
  const interested = next.answers.find((answer) => answer.outcome === 'interested');
  check(interested, 'the script’s second step has no “interested” answer');

  await signInAs(page, SELLER_EMAIL, SELLER_PASSWORD);
  await page.goto(`${BASE_URL}/deals/${deal.id}`);
  const player = page.getByTestId('script-player');
  await player.getByText(start.text.slice(0, 30)).first().waitFor();
  await player.getByRole('button', { name: onward.text, exact: true }).click();
  await player.getByText(next.text.slice(0, 30)).first().waitFor();
  const saving = responseTo(page, 'POST', '/api/v1/call-script-runs');
  await player.getByRole('button', { name: interested.text, exact: true }).click();
  const saved = await saving;
  check(saved.ok(), `saving the run answered ${saved.status()}`);
  await player.getByText('Итог: Заинтересован').waitFor();

  const runs = await json(
    await page.request.get(`${BASE_URL}/api/v1/call-script-runs?deal_id=${deal.id}`, {
      headers: seller,
    }),
    'reading the deal’s runs',
  );
  check(runs.items.length === 1, `the deal has ${runs.items.length} runs, not 1`);
  const [run] = runs.items;
  check(run.outcome === 'interested', `the run ended ${run.outcome}`);
  check(run.script_id === script.id, 'the run is of another script');
  const walked = run.path.map((entry) => `${entry.step_id}:${entry.answer_id}`).join(' ');
  const expected = `${start.id}:${onward.id} ${next.id}:${interested.id}`;
  check(walked === expected, `the path saved is ${walked}, not ${expected}`);
}
