import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RouterProvider, createMemoryRouter } from 'react-router-dom';
import { AppProviders } from '../AppProviders';
import { AppRoutes } from '../AppRoutes';

/**
 * Renders the real app (routes, guards, providers) at `path`, as a browser would open it. The
 * memory router around the app's routes lets a test read and change the location.
 */
export function renderApp(path: string) {
  const router = createMemoryRouter([{ path: '*', element: <AppRoutes /> }], {
    initialEntries: [path],
  });
  const user = userEvent.setup();
  render(
    <AppProviders env="test">
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return { router, user };
}
