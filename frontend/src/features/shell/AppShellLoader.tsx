import { Center, Loader } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { loadAllTexts } from '../../i18n';

// The shell (navigation, bell, counters) is a chunk of its own, fetched only once signed in,
// with every text of the reader's language: a visitor sent to /login downloads neither
// (scripts/bundle-size.mjs holds the sign-in page's first download to a budget).
const SignedInApp = lazy(async () => {
  const [app] = await Promise.all([import('./SignedInApp'), loadAllTexts()]);
  return { default: app.SignedInApp };
});

export function PageLoader() {
  return (
    <Center h="100vh">
      <Loader />
    </Center>
  );
}

export function AppShellLoader() {
  return (
    <Suspense fallback={<PageLoader />}>
      <SignedInApp />
    </Suspense>
  );
}
