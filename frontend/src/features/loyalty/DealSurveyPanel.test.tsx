import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AppProviders } from '../../AppProviders';
import { createQueryClient } from '../../api/queryClient';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { setTokens } from '../auth/authStore';
import { deal } from '../deals/fixtures';
import { DealSurveyPanel } from './DealSurveyPanel';
import type { Survey } from './queries';

const SURVEY = `/api/v1/deals/${deal.id}/survey`;
const LINK = `${SURVEY}/link`;
const URL = 'https://crm.example.com/survey/tok-123';

const survey: Survey = {
  id: 's-1',
  deal_id: deal.id,
  client_id: deal.client_id,
  responsible_id: adminUser.id,
  created_at: '2026-11-20T10:00:00Z',
  link_expires_at: null,
  answered_at: null,
  score: null,
  comment: null,
};

function renderPanel(status: string) {
  render(
    <AppProviders queryClient={createQueryClient()} env="test">
      <DealSurveyPanel deal={{ ...deal, status }} />
    </AppProviders>,
  );
}

describe('DealSurveyPanel', () => {
  it('issues a link for a won deal and shows it to copy', async () => {
    setTokens({ access: 'access-1' });
    let held = survey;
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      [`GET ${SURVEY}`]: () => json(200, held),
      [`POST ${LINK}`]: () => {
        held = { ...survey, link_expires_at: '2026-12-20T10:00:00Z' };
        return json(200, { survey: held, url: URL });
      },
    });
    renderPanel('won');
    expect(await screen.findByText('Ссылка клиенту ещё не выдана.')).toBeInTheDocument();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Получить ссылку' }));
    await waitFor(() => expect(api.callsTo('POST', LINK)).toHaveLength(1));
    expect(await screen.findByLabelText('Ссылка для клиента')).toHaveValue(URL);
    expect(screen.getByRole('button', { name: 'Копировать' })).toBeInTheDocument();
    expect(screen.getByText(/Ждём ответа клиента; ссылка действует до/)).toBeInTheDocument();
  });

  it('shows the answer once the client gave it', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      [`GET ${SURVEY}`]: () =>
        json(200, {
          ...survey,
          link_expires_at: '2026-12-20T10:00:00Z',
          answered_at: '2026-11-22T09:00:00Z',
          score: 9,
          comment: 'Всё отлично',
        }),
    });
    renderPanel('lost');
    expect(await screen.findByTestId('survey-score')).toHaveTextContent('Оценка 9');
    expect(screen.getByText('«Всё отлично»')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Получить ссылку' })).not.toBeInTheDocument();
  });

  it('says the client answered when the link is refused with 409', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      [`GET ${SURVEY}`]: () => json(200, survey),
      [`POST ${LINK}`]: () => problem(409, 'The survey is answered'),
    });
    renderPanel('won');
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Получить ссылку' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Клиент уже ответил на опрос.');
  });

  it('is not shown on an open deal', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({ 'GET /api/v1/users/me': () => json(200, adminUser) });
    renderPanel('open');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByTestId('deal-survey')).not.toBeInTheDocument();
    expect(api.callsTo('GET', SURVEY)).toHaveLength(0);
  });
});
