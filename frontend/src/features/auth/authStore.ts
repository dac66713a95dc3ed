import { useSyncExternalStore } from 'react';

/**
 * The access token of the signed-in user, kept in localStorage so a reload (and every tab)
 * stays signed in. The refresh token is not here: the server sets it as an HttpOnly cookie
 * that only the sign-in endpoints receive and no script can read.
 */
export interface Tokens {
  access: string;
}

const ACCESS_KEY = 'crm.access_token';
// Where earlier versions kept the refresh token; dropped so that no copy lingers.
const LEGACY_REFRESH_KEY = 'crm.refresh_token';
localStorage.removeItem(LEGACY_REFRESH_KEY);

const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

export function getTokens(): Tokens | null {
  const access = localStorage.getItem(ACCESS_KEY);
  return access ? { access } : null;
}

export function setTokens(tokens: Tokens): void {
  localStorage.setItem(ACCESS_KEY, tokens.access);
  localStorage.removeItem(LEGACY_REFRESH_KEY);
  notify();
}

export function clearTokens(): void {
  const hadTokens = getTokens() !== null;
  localStorage.removeItem(ACCESS_KEY);
  localStorage.removeItem(LEGACY_REFRESH_KEY);
  if (hadTokens) notify();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab signing out (or in) changes what this tab may show.
  const onStorage = (event: StorageEvent) => {
    if (event.key === null || event.key === ACCESS_KEY) listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

function isSignedInSnapshot(): boolean {
  return getTokens() !== null;
}

/** Re-renders when the user signs in or out, including when a failed refresh clears the tokens. */
export function useIsSignedIn(): boolean {
  return useSyncExternalStore(subscribe, isSignedInSnapshot);
}
