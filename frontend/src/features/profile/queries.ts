import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { authKeys } from '../auth/queries';

export type ProfileUpdate = components['schemas']['ProfileUpdate'];

/**
 * PATCH /users/me. The answer is the whole updated user, so it replaces the cached one
 * instead of costing a refetch.
 */
export function useUpdateMe({ inlineErrors = false }: { inlineErrors?: boolean } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors },
    mutationFn: (changes: ProfileUpdate) =>
      unwrap(api.PATCH('/api/v1/users/me', { body: changes })),
    onSuccess: (user) => {
      queryClient.setQueryData(authKeys.me(), user);
    },
  });
}
