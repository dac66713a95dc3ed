import { Component, lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { useLocation, useRoutes, type RouteObject } from 'react-router-dom';
import { PageLoader } from './features/shell/AppShellLoader';
import { RouteErrorPage } from './features/shell/RouteErrorPage';
import { routes } from './router';

type LazyScreen = () => Promise<{ Component: ComponentType }>;

function lazyElement(load: LazyScreen) {
  const Screen = lazy(async () => ({ default: (await load()).Component }));
  return <Screen />;
}

/**
 * The routes as plain elements: a route's `lazy` becomes a React.lazy screen. The app renders
 * them with `useRoutes` under a <BrowserRouter> rather than through a data router
 * (createBrowserRouter), whose loaders, actions and fetchers the app does not use and which
 * would add 16 KB to the sign-in page's first download (scripts/bundle-size.mjs). Navigating
 * is a transition: the current screen stays until the next one's chunk has arrived.
 */
function asElements(tree: RouteObject[]): RouteObject[] {
  return tree.map(({ lazy: load, children, ...route }) => ({
    ...route,
    element: load ? lazyElement(load as LazyScreen) : route.element,
    ...(children ? { children: asElements(children) } : {}),
  })) as RouteObject[];
}

const elementRoutes = asElements(routes);

/** A screen that fails to draw (most often a chunk gone after a deploy) offers a reload. */
class RouteErrorBoundary extends Component<
  { pathname: string; children: ReactNode },
  { failed: boolean; pathname: string }
> {
  state = { failed: false, pathname: this.props.pathname };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  // Leaving the page that failed draws the app again.
  static getDerivedStateFromProps(
    props: { pathname: string },
    state: { failed: boolean; pathname: string },
  ) {
    return props.pathname === state.pathname ? null : { failed: false, pathname: props.pathname };
  }

  render() {
    return this.state.failed ? <RouteErrorPage /> : this.props.children;
  }
}

/** Every screen of the app at the current location, under the app's router. */
export function AppRoutes() {
  const { pathname } = useLocation();
  const element = useRoutes(elementRoutes);
  return (
    <RouteErrorBoundary pathname={pathname}>
      <Suspense fallback={<PageLoader />}>{element}</Suspense>
    </RouteErrorBoundary>
  );
}
