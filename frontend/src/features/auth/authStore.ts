import { useSyncExternalStore } from 'react';

/** The token pair of the signed-in user, kept in localStorage so a reload stays signed in. */
export interface Tokens {
  access: string;
  refresh: string;
}

const ACCESS_KEY = 'crm.access_token';
const REFRESH_KEY = 'crm.refresh_token';

const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

export function getTokens(): Tokens | null {
  const access = localStorage.getItem(ACCESS_KEY);
  const refresh = localStorage.getItem(REFRESH_KEY);
  return access && refresh ? { access, refresh } : null;
}

export function setTokens(tokens: Tokens): void {
  localStorage.setItem(ACCESS_KEY, tokens.access);
  localStorage.setItem(REFRESH_KEY, tokens.refresh);
  notify();
}

export function clearTokens(): void {
  const hadTokens = getTokens() !== null;
  localStorage.removeItem(ACCESS_KEY);
  localStorage.removeItem(REFRESH_KEY);
  if (hadTokens) notify();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab signing out (or in) changes what this tab may show.
  const onStorage = (event: StorageEvent) => {
    if (event.key === null || event.key === ACCESS_KEY || event.key === REFRESH_KEY) listener();
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
