// Issue 14, item 3: a head listens to the team's calls and scores one with a comment.
import { BASE_URL, apiHeaders, check, responseTo, signInAs } from '../lib.mjs';

const HEAD = { email: 'i.petrova@example.com', password: 'demo-password' };

export const tests = [
  {
    name: "the head opens Calls, scores a seller's unreviewed call 4 with a comment",
    run: headReviewsACall,
  },
];

/**
 * The head of sales opens Calls from the navigation, keeps the unreviewed ones, scores the
 * newest 4 with a comment; the API then shows the review under the head's name, and the call
 * has left the unreviewed list.
 */
async function headReviewsACall(page) {
  await signInAs(page, HEAD.email, HEAD.password);
  await page.getByRole('navigation').getByRole('link', { name: 'Звонки' }).click();
  await page.waitForURL((url) => url.pathname === '/calls');
  const unreviewed = responseTo(page, 'GET', '/api/v1/intake/calls');
  await page.getByText('Не оценённые', { exact: true }).click();
  const listed = await unreviewed;
  check(listed.ok(), `listing the unreviewed calls answered ${listed.status()}`);

  const table = page.getByRole('table', { name: 'Список звонков' });
  const row = table.getByRole('row').nth(1);
  await row.getByRole('button', { name: 'Оценить' }).click();
  const dialog = page.getByRole('dialog', { name: 'Оценка звонка' });
  await dialog.waitFor();
  await dialog.locator('input[type="radio"][value="4"]').focus();
  await page.keyboard.press('Enter');
  const comment = `Выявил потребность, не назначил встречу (${Date.now()})`;
  await dialog.getByLabel('Комментарий').fill(comment);
  const sent = page.waitForResponse(
    (answer) =>
      answer.request().method() === 'PUT' && new URL(answer.url()).pathname.endsWith('/review'),
  );
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  const saved = await sent;
  check(saved.ok(), `saving the review answered ${saved.status()}`);
  const reviewed = await saved.json();
  check(reviewed.review?.score === 4, `the review was saved with ${reviewed.review?.score}`);
  await page.getByText('Оценка сохранена').waitFor();

  const headers = await apiHeaders(page, HEAD.email, HEAD.password);
  const me = await (await page.request.get(`${BASE_URL}/api/v1/users/me`, { headers })).json();
  const after = await page.request.get(`${BASE_URL}/api/v1/intake/calls?reviewed=true&limit=200`, {
    headers,
  });
  const found = (await after.json()).items.find((call) => call.id === reviewed.id);
  check(found?.review?.comment === comment, 'the reviewed list does not show the comment');
  check(found.review.reviewer_id === me.id, 'the review is not under the head’s name');
  await table.getByRole('row').first().waitFor();
  const still = await table.locator('tr').filter({ hasText: comment }).count();
  check(still === 0, 'the scored call is still among the unreviewed ones');
}
