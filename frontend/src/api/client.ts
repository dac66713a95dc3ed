import createClient, { type Middleware } from 'openapi-fetch';
import { clearTokens, getTokens, setTokens } from '../features/auth/authStore';
import { ApiError, isProblem } from './problem';
import type { paths } from './schema';

/**
 * The only networking code of the SPA: a client typed from the generated OpenAPI schema.
 * Same origin (FastAPI serves the built SPA; the Vite dev server proxies /api).
 * `fetch` is looked up per call so that tests can stub the global.
 */
export const api = createClient<paths>({
  baseUrl: '',
  fetch: (request) => globalThis.fetch(request),
});

// Sign-in endpoints take no bearer token, and their 401s mean bad credentials, not expiry.
const isAuthEndpoint = (schemaPath: string) => schemaPath.startsWith('/api/v1/auth/');

let refreshing: Promise<boolean> | null = null;

/**
 * Gets a new access token once, however many requests failed at the same time. The refresh
 * token is the HttpOnly cookie the browser sends along; the answer sets the next one.
 */
function refreshTokens(): Promise<boolean> {
  refreshing ??= (async () => {
    if (!getTokens()) return false;
    try {
      const { data } = await api.POST('/api/v1/auth/refresh', { credentials: 'same-origin' });
      if (!data) return false;
      setTokens({ access: data.access_token });
      return true;
    } catch {
      return false;
    }
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

// The body of a sent request is consumed, so a copy is kept to replay it after a refresh.
const replays = new Map<string, Request>();

const bearer = (access: string) => `Bearer ${access}`;

export const authMiddleware: Middleware = {
  onRequest({ request, schemaPath, id }) {
    if (isAuthEndpoint(schemaPath)) return undefined;
    const tokens = getTokens();
    if (tokens) request.headers.set('Authorization', bearer(tokens.access));
    replays.set(id, request.clone());
    return request;
  },
  async onResponse({ request, response, schemaPath, id, options }) {
    const replay = replays.get(id);
    replays.delete(id);
    if (response.status !== 401 || !replay || isAuthEndpoint(schemaPath)) return undefined;

    // Another request (or tab) may have refreshed the access token while this one was in flight.
    const current = getTokens();
    const alreadyRefreshed =
      current !== null && request.headers.get('Authorization') !== bearer(current.access);
    if (!alreadyRefreshed && !(await refreshTokens())) {
      clearTokens();
      return undefined;
    }
    const tokens = getTokens();
    if (!tokens) return undefined;
    replay.headers.set('Authorization', bearer(tokens.access));
    const retried = await options.fetch(replay);
    // Still refused with a fresh token: the session is over (user deactivated, tokens revoked).
    if (retried.status === 401) clearTokens();
    return retried;
  },
  onError({ id }) {
    replays.delete(id);
    return undefined;
  },
};

api.use(authMiddleware);

/**
 * Awaits an openapi-fetch call and returns its data, or throws an ApiError carrying the
 * problem+json body, so that TanStack Query sees every failure the same way.
 */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: Awaited<typeof call>;
  try {
    result = await call;
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, null, { cause });
  }
  if (!result.response.ok) {
    throw new ApiError(result.response.status, isProblem(result.error) ? result.error : null);
  }
  return result.data as T;
}
