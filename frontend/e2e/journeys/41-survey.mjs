// Issue 12, item 9: the loyalty survey of a closed deal, answered by the client without signing in.
import { BASE_URL, EMAIL, PASSWORD, apiHeaders, check, responseTo, signIn } from '../lib.mjs';

export const tests = [
  {
    name: 'the admin gets a survey link of a won deal; the client answers 9; the deal shows it',
    run: clientAnswersSurvey,
  },
];

/** A won deal of the demo whose survey waits for an answer. */
async function wonDealWithOpenSurvey(page, headers) {
  const listed = await page.request.get(`${BASE_URL}/api/v1/deals?status=won&limit=100`, {
    headers,
  });
  check(listed.ok(), `listing the won deals answered ${listed.status()}`);
  for (const deal of (await listed.json()).items) {
    const survey = await page.request.get(`${BASE_URL}/api/v1/deals/${deal.id}/survey`, {
      headers,
    });
    const body = survey.ok() ? await survey.json() : null;
    if (body && body.answered_at === null) return deal;
  }
  throw new Error('the demo has no won deal with an unanswered survey');
}

/**
 * The demo administrator opens a won deal, gets a survey link and copies it; the client opens
 * it in a browser of their own (no sign-in), answers 9 with a comment and is thanked; back on
 * the deal page the answer 9 is shown.
 */
async function clientAnswersSurvey(page) {
  const headers = await apiHeaders(page, EMAIL, PASSWORD);
  const deal = await wonDealWithOpenSurvey(page, headers);

  await signIn(page);
  await page.goto(`${BASE_URL}/deals/${deal.id}`);
  const panel = page.getByTestId('deal-survey');
  await panel.waitFor();
  const issued = responseTo(page, 'POST', `/api/v1/deals/${deal.id}/survey/link`);
  await panel.getByRole('button', { name: 'Получить ссылку' }).click();
  const answer = await issued;
  check(answer.ok(), `issuing the link answered ${answer.status()}`);
  const url = await panel.getByLabel('Ссылка для клиента').inputValue();
  check(url === (await answer.json()).url, `the panel shows ${url}, not the issued link`);
  // The link names the configured public address; the journey's server may listen elsewhere.
  const token = new URL(url).pathname.split('/').pop();

  const client = await page.context().browser().newContext({ locale: 'ru-RU' });
  try {
    const survey = await client.newPage();
    survey.setDefaultTimeout(15_000);
    const asked = [];
    survey.on('request', (request) => asked.push(new URL(request.url()).pathname));
    await survey.goto(`${BASE_URL}/survey/${token}`);
    const scores = survey.getByRole('radiogroup', {
      name: 'Насколько вероятно, что вы порекомендуете нас коллегам или друзьям?',
    });
    await scores.waitFor();
    check((await scores.getByRole('radio').count()) === 11, 'the survey does not offer 0 to 10');
    await scores.getByRole('radio', { name: '9', exact: true }).click();
    await survey.getByLabel('Комментарий (необязательно)').fill('Всё вовремя, спасибо менеджеру');
    const sent = responseTo(survey, 'POST', `/api/v1/public/surveys/${token}`);
    await survey.getByRole('button', { name: 'Отправить' }).click();
    check((await sent).status() === 204, 'the answer was not accepted');
    await survey.getByRole('heading', { name: 'Спасибо!' }).waitFor();
    check(!asked.includes('/api/v1/users/me'), 'the survey page asked who is signed in');
    check(!survey.url().includes('/login'), 'the survey page sent the client to sign in');
  } finally {
    await client.close();
  }

  await page.reload();
  await panel.getByTestId('survey-score').filter({ hasText: '9' }).waitFor();
  await panel.getByText('Всё вовремя, спасибо менеджеру').waitFor();
}
