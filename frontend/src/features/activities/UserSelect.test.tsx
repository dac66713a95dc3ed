import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import { AppProviders } from '../../AppProviders';
import { createQueryClient } from '../../api/queryClient';
import { adminUser, json, mockApi } from '../../test/api';
import { setTokens } from '../auth/authStore';
import { UserSelect } from './UserSelect';

function renderSelect(ownersOf?: 'clients') {
  render(
    <AppProviders queryClient={createQueryClient()} env="test">
      <MemoryRouter>
        <UserSelect label="Ответственный" value={null} onChange={() => {}} ownersOf={ownersOf} />
      </MemoryRouter>
    </AppProviders>,
  );
}

describe('UserSelect', () => {
  it('as a filter, offers only the people whose records the caller may see', async () => {
    setTokens({ access: 'access-1' });
    const asked: URLSearchParams[] = [];
    mockApi({
      'GET /api/v1/users': (request) => {
        asked.push(new URL(request.url).searchParams);
        return json(200, { items: [adminUser], next_cursor: null });
      },
    });
    renderSelect('clients');

    await userEvent.click(screen.getByRole('combobox', { name: 'Ответственный' }));
    expect(await screen.findByRole('option', { name: adminUser.full_name })).toBeInTheDocument();
    await waitFor(() => expect(asked.length).toBeGreaterThan(0));
    expect(asked.every((query) => query.get('owners_of') === 'clients')).toBe(true);
  });

  it('to choose an assignee, searches the whole organisation', async () => {
    setTokens({ access: 'access-1' });
    const asked: URLSearchParams[] = [];
    mockApi({
      'GET /api/v1/users': (request) => {
        asked.push(new URL(request.url).searchParams);
        return json(200, { items: [adminUser], next_cursor: null });
      },
    });
    renderSelect();

    await waitFor(() => expect(asked.length).toBeGreaterThan(0));
    expect(asked.every((query) => query.get('owners_of') === null)).toBe(true);
  });
});
