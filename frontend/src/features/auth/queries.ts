import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { clearTokens, getTokens } from './authStore';

export type CurrentUser = components['schemas']['UserRead'];

export const authKeys = {
  all: ['auth'] as const,
  me: () => [...authKeys.all, 'me'] as const,
};

/**
 * Heads of sales (and admins) look across their team's records; a seller has only their own,
 * so a filter by colleague would offer them nobody but themselves.
 */
export function seesTeam(user: { role_code?: string | null; permissions: readonly string[] }) {
  return user.role_code === 'admin' || user.permissions.includes('reports:read');
}

/** The signed-in user, with the permissions the UI uses to show or hide actions. */
export function useMe() {
  return useQuery({
    queryKey: authKeys.me(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/users/me', { signal })),
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    // Signing out locally must work even when the server cannot revoke the token.
    meta: { inlineErrors: true },
    mutationFn: async () => {
      if (getTokens()) {
        // The refresh cookie goes along: the server ends its sign-in and clears it.
        await unwrap(api.POST('/api/v1/auth/logout', { credentials: 'same-origin' }));
      }
    },
    onSettled: () => {
      clearTokens();
      queryClient.clear();
    },
  });
}
