import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { components } from '../../api/schema';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import type { Organisation } from './queries';

const organisation: Organisation = {
  id: adminUser.organisation_id,
  name: 'Demo',
  currency: 'RUB',
  time_zone: 'Europe/Moscow',
  fulfilment_basis: 'paid_invoices',
  webhooks_allow_private_targets: false,
  created_at: '2026-01-01T00:00:00Z',
  version: 3,
};

const PRIVATE_TARGETS = /^Разрешить внутренние адреса/;

const webhookManager: components['schemas']['UserRead'] = {
  ...adminUser,
  id: '00000000-0000-4000-8000-000000000002',
  email: 'integrator@example.com',
  role_name: 'Integrator',
  role_code: null,
  permissions: ['webhooks:manage'],
};

function serve(user: components['schemas']['UserRead']) {
  let current = organisation;
  return mockApi({
    'GET /api/v1/users/me': () => json(200, user),
    'GET /api/v1/webhooks': () => json(200, { items: [], next_cursor: null }),
    'GET /api/v1/webhooks/event-types': () => json(200, ['*', 'deal.won']),
    'GET /api/v1/organisation': () => json(200, current),
    'PATCH /api/v1/organisation': async (request) => {
      if (request.headers.get('If-Match') !== `"v${current.version}"`) {
        return problem(412, 'The organisation was changed by someone else');
      }
      const body = (await request.json()) as Partial<Organisation>;
      current = { ...current, ...body, version: current.version + 1 };
      return json(200, current);
    },
  });
}

describe('WebhookPrivateTargets', () => {
  it('lets an administrator allow and refuse private targets, explaining the risk', async () => {
    setTokens({ access: 'access-1' });
    const api = serve(adminUser);
    const { user } = renderApp('/webhooks');

    // Mantine puts the description inside the label, so the name starts with the label.
    const toggle = await screen.findByRole('switch', { name: PRIVATE_TARGETS }, { timeout: 5000 });
    expect(toggle).not.toBeChecked();
    expect(screen.getByText(/достучаться до внутренних служб/)).toBeInTheDocument();

    await user.click(toggle);
    await waitFor(() => expect(toggle).toBeChecked());
    expect(await screen.findByText('Внутренние адреса для вебхуков разрешены')).toBeInTheDocument();
    const [allow] = api.callsTo('PATCH', '/api/v1/organisation');
    expect(JSON.parse(allow!.body)).toEqual({ webhooks_allow_private_targets: true });
    expect(allow!.headers.get('If-Match')).toBe('"v3"');

    // The next change is made against the version the server answered with.
    await user.click(toggle);
    await waitFor(() => expect(toggle).not.toBeChecked());
    const second = api.callsTo('PATCH', '/api/v1/organisation')[1];
    expect(JSON.parse(second!.body)).toEqual({ webhooks_allow_private_targets: false });
    expect(second!.headers.get('If-Match')).toBe('"v4"');
  });

  it('is neither shown to nor loaded for a webhook manager who is not an administrator', async () => {
    setTokens({ access: 'access-1' });
    const api = serve(webhookManager);
    renderApp('/webhooks');

    expect(await screen.findByText('Адресов пока нет.', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.queryByRole('switch', { name: PRIVATE_TARGETS })).toBeNull();
    expect(api.callsTo('GET', '/api/v1/organisation')).toHaveLength(0);
  });
});
