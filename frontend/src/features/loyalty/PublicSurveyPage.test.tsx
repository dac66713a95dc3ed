import { screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';

const PATH = '/api/v1/public/surveys/tok-123';

function speaks(...languages: string[]) {
  vi.spyOn(navigator, 'languages', 'get').mockReturnValue(languages);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('PublicSurveyPage', () => {
  it('sends the chosen score and comment without signing in, then thanks', async () => {
    speaks('ru-RU', 'en');
    const api = mockApi({
      [`GET ${PATH}`]: () =>
        json(200, { organisation_name: 'ООО Стройторг', state: 'open', score: null }),
      [`POST ${PATH}`]: () => new Response(null, { status: 204 }),
    });
    const { user } = renderApp('/survey/tok-123');

    expect(await screen.findByRole('heading', { name: 'ООО Стройторг' })).toBeInTheDocument();
    const group = screen.getByRole('radiogroup', {
      name: 'Насколько вероятно, что вы порекомендуете нас коллегам или друзьям?',
    });
    expect(group).toBeInTheDocument();
    expect(screen.getAllByRole('radio')).toHaveLength(11);
    await user.click(screen.getByRole('radio', { name: '9' }));
    expect(screen.getByRole('radio', { name: '9' })).toBeChecked();
    await user.type(screen.getByLabelText('Комментарий (необязательно)'), 'Быстро и аккуратно');
    await user.click(screen.getByRole('button', { name: 'Отправить' }));

    expect(await screen.findByRole('heading', { name: 'Спасибо!' })).toBeInTheDocument();
    await waitFor(() => expect(api.callsTo('POST', PATH)).toHaveLength(1));
    expect(JSON.parse(api.callsTo('POST', PATH)[0]!.body)).toEqual({
      score: 9,
      comment: 'Быстро и аккуратно',
    });
    // The client is no user of the app: nothing asks who is signed in.
    expect(api.callsTo('GET', '/api/v1/users/me')).toHaveLength(0);
    expect(api.calls.every((call) => !call.headers.has('Authorization'))).toBe(true);
  });

  it('asks for a score before sending', async () => {
    speaks('ru');
    const api = mockApi({
      [`GET ${PATH}`]: () =>
        json(200, { organisation_name: 'ООО Стройторг', state: 'open', score: null }),
    });
    const { user } = renderApp('/survey/tok-123');
    await user.click(await screen.findByRole('button', { name: 'Отправить' }));
    expect(await screen.findByText('Выберите оценку от 0 до 10')).toBeInTheDocument();
    expect(api.callsTo('POST', PATH)).toHaveLength(0);
  });

  it('says an expired link has expired, in the browser’s language', async () => {
    speaks('en-GB');
    mockApi({
      [`GET ${PATH}`]: () =>
        json(200, { organisation_name: 'Stroytorg LLC', state: 'expired', score: null }),
    });
    renderApp('/survey/tok-123');
    expect(await screen.findByText('This link has expired.')).toBeInTheDocument();
    expect(screen.queryByRole('radiogroup')).not.toBeInTheDocument();
  });

  it('says an unknown link is not found', async () => {
    speaks('uk-UA');
    mockApi({ [`GET ${PATH}`]: () => problem(404, 'Not found') });
    renderApp('/survey/tok-123');
    expect(
      await screen.findByRole('heading', { name: 'Посилання не знайдено' }),
    ).toBeInTheDocument();
  });
});
