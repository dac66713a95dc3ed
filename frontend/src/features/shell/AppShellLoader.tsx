import { Center, Loader } from '@mantine/core';
import { lazy, Suspense } from 'react';

// The shell (navigation, bell, counters) is a chunk of its own, fetched only once signed in:
// a visitor sent to /login never downloads it (scripts/bundle-size.mjs holds the sign-in page's
// first download to a budget).
const AppShellLayout = lazy(async () => ({
  default: (await import('./AppShellLayout')).AppShellLayout,
}));

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
      <AppShellLayout />
    </Suspense>
  );
}
