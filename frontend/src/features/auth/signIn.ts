import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { setTokens } from './authStore';

export type Credentials = components['schemas']['LoginRequest'];

/**
 * Signs in and keeps the access token. Without TanStack Query: the sign-in page is its only
 * user, and the query cache is the signed-in app's (SignedInApp), created afresh for each
 * sign-in, so nothing cached for a previous user can leak into this session.
 */
export function useSignIn() {
  const [isPending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  /** Resolves to the failure (null when signed in), so the form can put field errors on fields. */
  const signIn = async (credentials: Credentials): Promise<unknown> => {
    setPending(true);
    setError(null);
    try {
      const signedIn = await unwrap(api.POST('/api/v1/auth/login', { body: credentials }));
      setTokens({ access: signedIn.access_token });
      return null;
    } catch (failure) {
      setError(failure);
      return failure;
    } finally {
      setPending(false);
    }
  };
  return { signIn, isPending, error };
}
