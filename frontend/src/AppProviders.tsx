import { MantineProvider, mergeThemeOverrides } from '@mantine/core';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useMemo, type ReactNode } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';
import { i18n } from './i18n';
import { cssVariablesResolver, theme } from './theme';

// The toasts' container (with its transitions) is not needed to draw the sign-in page; a toast
// shown before it arrives is kept in the notifications store and appears when it does.
const Notifications = lazy(async () => ({
  default: (await import('@mantine/notifications')).Notifications,
}));

/** The theme, with the labels Mantine's own controls need in the reader's language. */
function ThemedMantine({ env, children }: { env: 'default' | 'test'; children: ReactNode }) {
  const { t } = useTranslation();
  const close = t('notifications.close');
  const themed = useMemo(
    () =>
      mergeThemeOverrides(theme, {
        components: {
          // Every toast's close button, wherever it is shown from.
          Notification: { defaultProps: { closeButtonProps: { 'aria-label': close } } },
          // A table wider than the screen scrolls; the keyboard must reach it (WCAG 2.1.1).
          TableScrollContainer: {
            defaultProps: { scrollAreaProps: { viewportProps: { tabIndex: 0 } } },
          },
        },
      }),
    [close],
  );
  return (
    <MantineProvider theme={themed} env={env} cssVariablesResolver={cssVariablesResolver}>
      {children}
    </MantineProvider>
  );
}

/** Everything a screen needs around it; the tests render screens inside the same providers. */
export function AppProviders({
  queryClient,
  env = 'default',
  children,
}: {
  /**
   * For a screen rendered on its own in a test; the app's query cache belongs to the signed-in
   * app (SignedInApp), which the sign-in page does without.
   */
  queryClient?: QueryClient;
  /** 'test' turns off Mantine's transitions and portals, which jsdom cannot run. */
  env?: 'default' | 'test';
  children: ReactNode;
}) {
  return (
    <I18nextProvider i18n={i18n}>
      <ThemedMantine env={env}>
        <Suspense fallback={null}>
          {/* At the bottom: on a phone a toast at the top would cover the header's controls. */}
          <Notifications position="bottom-right" />
        </Suspense>
        {queryClient ? (
          <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
        ) : (
          children
        )}
      </ThemedMantine>
    </I18nextProvider>
  );
}
