import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AppProviders } from '../../AppProviders';
import { createQueryClient } from '../../api/queryClient';
import { json, mockApi, problem } from '../../test/api';
import { setTokens } from '../auth/authStore';
import { DealLoseModal } from './DealLoseModal';
import { deal } from './fixtures';

const REASON = '00000000-0000-4000-8000-00000000c001';

describe('DealLoseModal', () => {
  it('sends the reason and the karma flags the seller ticked', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/loss-reasons': () =>
        json(200, [{ id: REASON, name: 'Дорого', is_active: true, position: 0, version: 1 }]),
      [`POST /api/v1/deals/${deal.id}/lose`]: () => json(200, { ...deal, status: 'lost' }),
    });
    const user = userEvent.setup();
    render(
      <AppProviders queryClient={createQueryClient()} env="test">
        <DealLoseModal deal={deal} onClose={() => undefined} />
      </AppProviders>,
    );
    const [reasonInput] = await screen.findAllByLabelText(/Причина проигрыша/);
    await user.click(reasonInput!);
    await user.click(await screen.findByText('Дорого'));
    await user.click(screen.getByLabelText('Проигранный тендер'));
    await user.click(screen.getByText('Закрыть как проигранную'));
    await waitFor(() =>
      expect(api.callsTo('POST', `/api/v1/deals/${deal.id}/lose`)).toHaveLength(1),
    );
    const [sent] = api.callsTo('POST', `/api/v1/deals/${deal.id}/lose`);
    const body: unknown = JSON.parse(sent?.body ?? '{}');
    expect(body).toMatchObject({
      loss_reason_id: REASON,
      lost_tender: true,
      loss_making: false,
      public_conflict: false,
    });
  });

  it('checks the comment as it is typed and puts a refused reason on its field', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/loss-reasons': () =>
        json(200, [{ id: REASON, name: 'Дорого', is_active: true, position: 0, version: 1 }]),
      [`POST /api/v1/deals/${deal.id}/lose`]: () =>
        problem(422, 'Invalid input', [
          { loc: ['body', 'loss_reason_id'], msg: 'no such loss reason', code: 'not_found' },
        ]),
    });
    const user = userEvent.setup();
    render(
      <AppProviders queryClient={createQueryClient()} env="test">
        <DealLoseModal deal={deal} onClose={() => undefined} />
      </AppProviders>,
    );
    const comment = await screen.findByLabelText('Комментарий');
    await user.click(comment);
    await user.paste('б'.repeat(5001));
    expect(comment).toHaveAccessibleDescription('Не длиннее 5000 символов');
    await user.clear(comment);
    expect(comment).not.toHaveAttribute('aria-invalid', 'true');

    const [reasonInput] = await screen.findAllByLabelText(/Причина проигрыша/);
    await user.click(reasonInput!);
    await user.click(await screen.findByText('Дорого'));
    await user.click(screen.getByText('Закрыть как проигранную'));
    await waitFor(() =>
      expect(api.callsTo('POST', `/api/v1/deals/${deal.id}/lose`)).toHaveLength(1),
    );
    expect(await screen.findByText('Не найдено или недоступно вам')).toBeInTheDocument();
    // Said on the field, not repeated above the form.
    expect(within(screen.getByRole('dialog')).queryByRole('alert')).not.toBeInTheDocument();
  });

  it('says the reasons failed to load and reads them again on retry', async () => {
    setTokens({ access: 'access-1' });
    let down = true;
    const api = mockApi({
      'GET /api/v1/loss-reasons': () =>
        down
          ? problem(503, 'Service unavailable')
          : json(200, [{ id: REASON, name: 'Дорого', is_active: true, position: 0, version: 1 }]),
    });
    const user = userEvent.setup();
    render(
      <AppProviders queryClient={createQueryClient()} env="test">
        <DealLoseModal deal={deal} onClose={() => undefined} />
      </AppProviders>,
    );
    expect(
      await screen.findByText('Не удалось загрузить данные.', {}, { timeout: 10_000 }),
    ).toBeInTheDocument();
    down = false;
    await user.click(screen.getByRole('button', { name: 'Повторить' }));
    await waitFor(() => expect(screen.queryByText('Не удалось загрузить данные.')).toBeNull());
    const [reasonInput] = await screen.findAllByLabelText(/Причина проигрыша/);
    await user.click(reasonInput!);
    expect(await screen.findByText('Дорого')).toBeInTheDocument();
    expect(api.callsTo('GET', '/api/v1/loss-reasons').length).toBeGreaterThan(1);
  });
});
