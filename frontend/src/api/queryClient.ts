import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { clearTokens } from '../features/auth/authStore';
import { i18n } from '../i18n';
import { ApiError } from './problem';
import { problemText } from './problemText';

declare module '@tanstack/react-query' {
  interface Register {
    defaultError: ApiError;
    mutationMeta: {
      /** The form shows this mutation's problem itself (field errors, an alert). */
      inlineErrors?: boolean;
    };
  }
}

/**
 * The one place that reacts to failed calls: a 401 that survived the client's refresh ends the
 * session (the route guard then sends the user to /login); any other problem is shown as a
 * notification, in the reader's language, unless the form that made the call shows it inline.
 */
function handleError(error: unknown, { inline }: { inline: boolean }): void {
  if (error instanceof ApiError && error.status === 401) {
    clearTokens();
    return;
  }
  if (inline) return;
  const message = problemText(error, i18n.t);
  // Fetched on the first failure: the toasts are not part of the sign-in page's first download.
  void import('@mantine/notifications').then(({ notifications }) =>
    notifications.show({ color: 'red', title: i18n.t('errors.title'), message }),
  );
}

function shouldRetry(failureCount: number, error: unknown): boolean {
  // Client errors will not change on a retry; a dropped connection or a 5xx might.
  const transient = !(error instanceof ApiError) || error.status === 0 || error.status >= 500;
  return transient && failureCount < 2;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (error) => handleError(error, { inline: false }),
    }),
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) =>
        handleError(error, { inline: mutation.meta?.inlineErrors === true }),
    }),
    defaultOptions: {
      queries: {
        retry: shouldRetry,
        staleTime: 30_000,
        refetchOnWindowFocus: false,
      },
      mutations: {
        retry: false,
      },
    },
  });
}
