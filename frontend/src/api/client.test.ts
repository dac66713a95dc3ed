import { describe, expect, it, vi } from 'vitest';
import { getTokens, setTokens } from '../features/auth/authStore';
import { adminUser, json, mockApi, problem } from '../test/api';
import { api, unwrap } from './client';
import { ApiError } from './problem';

const refreshed = { access_token: 'new-access', token_type: 'bearer', expires_in: 900 };

describe('api client auth middleware', () => {
  it('refreshes an expired access token once and replays the request', async () => {
    setTokens({ access: 'old-access' });
    const mock = mockApi({
      'GET /api/v1/users/me': (request) =>
        request.headers.get('Authorization') === 'Bearer new-access'
          ? json(200, adminUser)
          : problem(401, 'Token expired'),
      'POST /api/v1/auth/refresh': () => json(200, refreshed),
    });

    const [first, second] = await Promise.all([
      unwrap(api.GET('/api/v1/users/me')),
      unwrap(api.GET('/api/v1/users/me')),
    ]);

    expect(first.email).toBe(adminUser.email);
    expect(second.email).toBe(adminUser.email);
    expect(getTokens()).toEqual({ access: 'new-access' });
    const refreshes = mock.callsTo('POST', '/api/v1/auth/refresh');
    expect(refreshes).toHaveLength(1);
    // The refresh token is the HttpOnly cookie the browser adds: the SPA sends no token.
    expect(refreshes[0]!.body).toBe('');
    expect(refreshes[0]!.credentials).toBe('same-origin');
    expect(refreshes[0]!.headers.get('Authorization')).toBeNull();
  });

  it('keeps no refresh token where scripts can read it', async () => {
    // A copy an earlier version stored is dropped at the next sign-in or refresh.
    localStorage.setItem('crm.refresh_token', 'from-an-earlier-version');
    setTokens({ access: 'old-access' });
    mockApi({
      'GET /api/v1/users/me': (request) =>
        request.headers.get('Authorization') === 'Bearer new-access'
          ? json(200, adminUser)
          : problem(401, 'Token expired'),
      'POST /api/v1/auth/refresh': () => json(200, { ...refreshed, refresh_token: 'leaked' }),
    });

    await unwrap(api.GET('/api/v1/users/me'));

    expect(getTokens()).toEqual({ access: 'new-access' });
    expect(Object.values(localStorage)).not.toContain('leaked');
    expect(Object.keys(localStorage).filter((key) => key.includes('refresh'))).toEqual([]);
  });

  it('takes the access token another tab refreshed instead of refreshing again', async () => {
    setTokens({ access: 'old-access' });
    const mock = mockApi({
      'GET /api/v1/users/me': (request) => {
        if (request.headers.get('Authorization') === 'Bearer new-access') {
          return json(200, adminUser);
        }
        // Meanwhile another tab refreshed: the shared storage holds its access token.
        setTokens({ access: 'new-access' });
        return problem(401, 'Token expired');
      },
    });

    const user = await unwrap(api.GET('/api/v1/users/me'));

    expect(user.email).toBe(adminUser.email);
    expect(mock.callsTo('POST', '/api/v1/auth/refresh')).toHaveLength(0);
  });

  it('replays the body of a refused PATCH', async () => {
    setTokens({ access: 'old-access' });
    const mock = mockApi({
      'PATCH /api/v1/users/me': (request) =>
        request.headers.get('Authorization') === 'Bearer new-access'
          ? json(200, { ...adminUser, full_name: 'Renamed' })
          : problem(401, 'Token expired'),
      'POST /api/v1/auth/refresh': () => json(200, refreshed),
    });

    const user = await unwrap(api.PATCH('/api/v1/users/me', { body: { full_name: 'Renamed' } }));

    expect(user.full_name).toBe('Renamed');
    const patches = mock.callsTo('PATCH', '/api/v1/users/me');
    expect(patches.map((call) => JSON.parse(call.body) as unknown)).toEqual([
      { full_name: 'Renamed' },
      { full_name: 'Renamed' },
    ]);
  });

  it('ends the session when the refresh token is refused too', async () => {
    setTokens({ access: 'old-access' });
    mockApi({
      'GET /api/v1/users/me': () => problem(401, 'Token expired'),
      'POST /api/v1/auth/refresh': () => problem(401, 'Refresh token revoked'),
    });

    const call = unwrap(api.GET('/api/v1/users/me'));

    await expect(call).rejects.toBeInstanceOf(ApiError);
    await expect(call).rejects.toMatchObject({ status: 401 });
    expect(getTokens()).toBeNull();
  });

  it('does not try to refresh when the sign-in itself is refused', async () => {
    const mock = mockApi({
      'POST /api/v1/auth/login': () => problem(401, 'Wrong e-mail or password'),
    });

    await expect(
      unwrap(api.POST('/api/v1/auth/login', { body: { email: 'a@b.c', password: 'x' } })),
    ).rejects.toMatchObject({ status: 401, problem: { detail: 'Wrong e-mail or password' } });
    expect(mock.callsTo('POST', '/api/v1/auth/refresh')).toHaveLength(0);
  });

  it('reports an unreachable server as status 0', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));

    await expect(unwrap(api.GET('/api/v1/users/me'))).rejects.toMatchObject({ status: 0 });
  });
});
