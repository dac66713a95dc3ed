import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { useIsSignedIn } from './authStore';

/** Sends a visitor without tokens to /login, remembering where they were going. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const signedIn = useIsSignedIn();
  const location = useLocation();
  if (!signedIn) {
    const from = `${location.pathname}${location.search}${location.hash}`;
    return <Navigate to="/login" replace state={{ from }} />;
  }
  return children;
}
