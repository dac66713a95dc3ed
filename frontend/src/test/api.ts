import { vi } from 'vitest';
import type { components } from '../api/schema';

type Handler = (request: Request) => Response | Promise<Response>;

export function json(status: number, body: unknown, contentType = 'application/json'): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': contentType } });
}

export function problem(
  status: number,
  detail: string,
  errors?: components['schemas']['FieldError'][],
): Response {
  return json(
    status,
    { type: 'about:blank', title: 'Error', status, detail, ...(errors ? { errors } : {}) },
    'application/problem+json',
  );
}

/**
 * Stands in for the backend: routes `METHOD /path` to a handler and records every request
 * (with its body read as text) so tests can assert what the SPA sent.
 */
export const emptyToday: components['schemas']['TodayRead'] = {
  day: '2025-03-03',
  overdue_tasks: { count: 0, capped: false, items: [] },
  today_tasks: { count: 0, capped: false, items: [] },
  stale_deals: { count: 0, capped: false, items: [] },
  deals_without_next_task: { count: 0, capped: false, items: [] },
  notifications: { count: 0, capped: false, items: [] },
};

export function mockApi(screenRoutes: Record<string, Handler>) {
  // The shell's notification bell asks on every page; a screen's test may answer otherwise.
  const routes: Record<string, Handler> = {
    'GET /api/v1/notifications': () => json(200, { items: [], next_cursor: null }),
    // ... and so does the navigation's count of due tasks.
    'GET /api/v1/today': () => json(200, emptyToday),
    // ... and its count of waiting leads.
    'GET /api/v1/intake/leads/counts': () =>
      json(200, { open: 0, unassigned: 0, mine: 0, overdue: 0 }),
    // ... and every phone number asks whether the PBX can call from the CRM.
    'GET /api/v1/intake/click-to-call/line': () =>
      json(200, { available: false, provider: null, extension: null }),
    ...screenRoutes,
  };
  const calls: {
    method: string;
    path: string;
    /** The whole URL, with its query. */
    url: string;
    headers: Headers;
    body: string;
    credentials: RequestCredentials;
  }[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
    const request = input instanceof Request ? input : new Request(input);
    const path = new URL(request.url).pathname;
    calls.push({
      method: request.method,
      path,
      url: request.url,
      headers: request.headers,
      body: await request.clone().text(),
      credentials: request.credentials,
    });
    const handler = routes[`${request.method} ${path}`];
    if (!handler) return problem(404, `No mock for ${request.method} ${path}`);
    return handler(request);
  });
  vi.stubGlobal('fetch', fetchMock);
  return {
    calls,
    callsTo: (method: string, path: string) =>
      calls.filter((call) => call.method === method && call.path === path),
  };
}

export const adminUser: components['schemas']['UserRead'] = {
  id: '00000000-0000-4000-8000-000000000001',
  organisation_id: '00000000-0000-4000-8000-0000000000aa',
  email: 'admin@example.com',
  full_name: 'Анна Админова',
  phone: null,
  language: 'ru',
  time_zone: 'Europe/Kyiv',
  role_id: '00000000-0000-4000-8000-0000000000bb',
  role_name: 'Administrator',
  role_code: 'admin',
  department_id: null,
  manager_id: null,
  is_active: true,
  permissions: ['users.manage'],
  version: 1,
};
