import { Navigate, type RouteObject } from 'react-router-dom';
import { LoginPage } from './features/auth/LoginPage';
import { RequireAuth } from './features/auth/RequireAuth';
import { settingsRoutes } from './features/settings/routes';
import { AppShellLoader } from './features/shell/AppShellLoader';

// Each section is its own chunk, fetched when its route is first visited; the sign-in page is
// the only one in the first download, the shell too is fetched once signed in (AppShellLoader).
export const routes: RouteObject[] = [
  { path: '/login', element: <LoginPage /> },
  // The client's loyalty survey, opened from the link sent to them: no sign-in.
  {
    path: '/survey/:token',
    lazy: async () => ({
      Component: (await import('./features/loyalty/PublicSurveyPage')).PublicSurveyPage,
    }),
  },
  {
    path: '/',
    element: (
      <RequireAuth>
        <AppShellLoader />
      </RequireAuth>
    ),
    children: [
      {
        index: true,
        lazy: async () => ({
          Component: (await import('./features/today/TodayPage')).TodayPage,
        }),
      },
      {
        path: 'dashboard',
        lazy: async () => ({
          Component: (await import('./features/dashboard/DashboardPage')).DashboardPage,
        }),
      },
      {
        path: 'clients',
        lazy: async () => ({
          Component: (await import('./features/clients/ClientList')).ClientList,
        }),
      },
      {
        path: 'clients/duplicates',
        lazy: async () => ({
          Component: (await import('./features/clients/ClientDuplicates')).ClientDuplicates,
        }),
      },
      {
        path: 'clients/:id',
        lazy: async () => ({
          Component: (await import('./features/clients/ClientCard')).ClientCard,
        }),
      },
      {
        path: 'deals',
        lazy: async () => ({
          Component: (await import('./features/deals/DealsPage')).DealsPage,
        }),
      },
      {
        path: 'deals/:id',
        lazy: async () => ({
          Component: (await import('./features/deals/DealPage')).DealPage,
        }),
      },
      // Spreadsheet import: the past imports, the wizard for a new one, and one import.
      {
        path: 'imports',
        lazy: async () => ({
          Component: (await import('./features/imports/ImportList')).ImportList,
        }),
      },
      {
        path: 'imports/new',
        lazy: async () => ({
          Component: (await import('./features/imports/ImportWizard')).ImportWizard,
        }),
      },
      {
        path: 'imports/:id',
        lazy: async () => ({
          Component: (await import('./features/imports/ImportWizard')).ImportWizard,
        }),
      },
      {
        path: 'tasks',
        lazy: async () => ({
          Component: (await import('./features/tasks/TaskList')).TaskList,
        }),
      },
      {
        path: 'leads',
        lazy: async () => ({
          Component: (await import('./features/intake/LeadInbox')).LeadInbox,
        }),
      },
      {
        path: 'plans',
        lazy: async () => ({
          Component: (await import('./features/kpi/PlansPage')).PlansPage,
        }),
      },
      {
        path: 'plans/leaderboard',
        lazy: async () => ({
          Component: (await import('./features/kpi/LeaderboardPage')).LeaderboardPage,
        }),
      },
      {
        path: 'karma',
        lazy: async () => ({
          Component: (await import('./features/karma/EmployeeKarmaPage')).EmployeeKarmaPage,
        }),
      },
      {
        path: 'analytics/funnel',
        lazy: async () => ({
          Component: (await import('./features/analytics/FunnelAnalyticsPage')).FunnelAnalyticsPage,
        }),
      },
      {
        path: 'analytics/sales',
        lazy: async () => ({
          Component: (await import('./features/analytics/SalesStructurePage')).SalesStructurePage,
        }),
      },
      // Client retention: the ABC report and the sleeping clients, switched by tabs.
      { path: 'retention', element: <Navigate to="/retention/abc" replace /> },
      {
        path: 'retention/abc',
        lazy: async () => ({
          Component: (await import('./features/retention/AbcPage')).AbcPage,
        }),
      },
      {
        path: 'retention/sleeping',
        lazy: async () => ({
          Component: (await import('./features/retention/SleepingClientsPage')).SleepingClientsPage,
        }),
      },
      // The payments received: the rows behind turnover on the paid-invoices basis.
      {
        path: 'payments',
        lazy: async () => ({
          Component: (await import('./features/billing/PaymentsPage')).PaymentsPage,
        }),
      },
      // The reports section: lead intake's reports first (KPI reports will join them).
      { path: 'reports', element: <Navigate to="/reports/intake" replace /> },
      {
        path: 'reports/intake',
        lazy: async () => ({
          Component: (await import('./features/intake/IntakeReports')).IntakeReports,
        }),
      },
      // Complaints (рекламации): the list with its drawer, and their report among the reports.
      {
        path: 'complaints',
        lazy: async () => ({
          Component: (await import('./features/complaints/ComplaintsPage')).ComplaintsPage,
        }),
      },
      {
        path: 'reports/complaints',
        lazy: async () => ({
          Component: (await import('./features/complaints/ComplaintsReportPage'))
            .ComplaintsReportPage,
        }),
      },
      {
        path: 'marketing',
        lazy: async () => ({
          Component: (await import('./features/marketing/MarketingPage')).MarketingPage,
        }),
      },
      // Call lists: the list of lists, one list's page, and the telemarketer's work screen.
      {
        path: 'call-lists',
        lazy: async () => ({
          Component: (await import('./features/callLists/CallListsPage')).CallListsPage,
        }),
      },
      {
        path: 'call-lists/:listId',
        lazy: async () => ({
          Component: (await import('./features/callLists/CallListPage')).CallListPage,
        }),
      },
      {
        path: 'call-lists/:listId/work',
        lazy: async () => ({
          Component: (await import('./features/callLists/CallListWork')).CallListWork,
        }),
      },
      {
        path: 'calls',
        lazy: async () => ({
          Component: (await import('./features/telephony/CallsPage')).CallsPage,
        }),
      },
      {
        path: 'workload',
        lazy: async () => ({
          Component: (await import('./features/intake/WorkloadBoard')).WorkloadBoard,
        }),
      },
      {
        path: 'settings',
        lazy: async () => ({
          Component: (await import('./features/settings/SettingsLayout')).SettingsLayout,
        }),
        children: settingsRoutes,
      },
      // Webhooks live among the settings now; an old link still finds them.
      { path: 'webhooks', element: <Navigate to="/settings/webhooks" replace /> },
      {
        path: 'profile',
        lazy: async () => ({
          Component: (await import('./features/profile/ProfilePage')).ProfilePage,
        }),
      },
      {
        path: '*',
        lazy: async () => ({
          Component: (await import('./features/shell/NotFoundPage')).NotFoundPage,
        }),
      },
    ],
  },
];
