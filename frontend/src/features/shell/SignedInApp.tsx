import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { createQueryClient } from '../../api/queryClient';
import { AppShellLayout } from './AppShellLayout';

/**
 * The app behind the sign-in page, with a query cache of its own: created when a user signs in
 * and dropped with the shell when they sign out or the session ends, so one user's data never
 * reaches the next. TanStack Query arrives with it, not in the sign-in page's first download.
 */
export function SignedInApp() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <AppShellLayout />
    </QueryClientProvider>
  );
}
