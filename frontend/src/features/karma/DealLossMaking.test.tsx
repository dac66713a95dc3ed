import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AppProviders } from '../../AppProviders';
import { createQueryClient } from '../../api/queryClient';
import { adminUser, json, mockApi } from '../../test/api';
import { setTokens } from '../auth/authStore';
import { deal } from '../deals/fixtures';
import { DealLossMaking } from './DealLossMaking';

const FLAGS = `/api/v1/deals/${deal.id}/karma/flags`;
const FLAG = `/api/v1/deals/${deal.id}/karma/loss-making`;

function renderToggle(status: string) {
  render(
    <AppProviders queryClient={createQueryClient()} env="test">
      <DealLossMaking deal={{ ...deal, status }} />
    </AppProviders>,
  );
}

describe('DealLossMaking', () => {
  it('marks a won deal as a loss-making project', async () => {
    setTokens({ access: 'access-1' });
    let flagged = false;
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      [`GET ${FLAGS}`]: () =>
        json(
          200,
          flagged
            ? [
                {
                  id: 'f-1',
                  kind: 'loss_making',
                  client_id: null,
                  deal_id: deal.id,
                  note: null,
                  created_by: adminUser.id,
                  created_at: '2026-03-02T10:00:00Z',
                },
              ]
            : [],
        ),
      [`PUT ${FLAG}`]: () => {
        flagged = true;
        return json(200, {});
      },
    });
    renderToggle('won');
    // The description is part of the label: the name starts with the label.
    const toggle = await screen.findByRole('switch', { name: /^Убыточный проект/ });
    expect(toggle).not.toBeChecked();
    await userEvent.setup().click(toggle);
    await waitFor(() => expect(api.callsTo('PUT', FLAG)).toHaveLength(1));
    await waitFor(() => expect(toggle).toBeChecked());
  });

  it('is not offered on a deal that is not won', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({ 'GET /api/v1/users/me': () => json(200, adminUser) });
    renderToggle('open');
    await waitFor(() => expect(api.callsTo('GET', '/api/v1/users/me')).toHaveLength(1));
    expect(screen.queryByRole('switch')).not.toBeInTheDocument();
    expect(api.callsTo('GET', FLAGS)).toHaveLength(0);
  });
});
