import type { RouteObject } from 'react-router-dom';

// Every screen is its own chunk, fetched when its section is first opened: none of it is
// in the sign-in page's bundle.
export const settingsRoutes: RouteObject[] = [
  {
    path: 'organisation',
    lazy: async () => ({
      Component: (await import('./OrganisationSettings')).OrganisationSettings,
    }),
  },
  {
    path: 'users',
    lazy: async () => ({ Component: (await import('./UserSettings')).UserSettings }),
  },
  {
    path: 'roles',
    lazy: async () => ({ Component: (await import('./RoleSettings')).RoleSettings }),
  },
  {
    path: 'departments',
    lazy: async () => ({ Component: (await import('./DepartmentSettings')).DepartmentSettings }),
  },
  {
    path: 'schedules',
    lazy: async () => ({ Component: (await import('./ScheduleSettings')).ScheduleSettings }),
  },
  {
    path: 'funnels',
    lazy: async () => ({ Component: (await import('./FunnelSettings')).FunnelSettings }),
  },
  {
    path: 'loss-reasons',
    lazy: async () => ({ Component: (await import('./LossReasonSettings')).LossReasonSettings }),
  },
  {
    path: 'document-types',
    lazy: async () => ({
      Component: (await import('./DocumentTypeSettings')).DocumentTypeSettings,
    }),
  },
  {
    path: 'custom-fields',
    lazy: async () => ({ Component: (await import('./CustomFieldSettings')).CustomFieldSettings }),
  },
  {
    path: 'follow-ups',
    lazy: async () => ({ Component: (await import('./FollowUpSettings')).FollowUpSettings }),
  },
  {
    path: 'karma',
    lazy: async () => ({
      Component: (await import('../karma/KarmaRulesSettings')).KarmaRulesSettings,
    }),
  },
  {
    path: 'karma-employees',
    lazy: async () => ({
      Component: (await import('../karma/EmployeeKarmaSettings')).EmployeeKarmaSettings,
    }),
  },
  {
    path: 'retention',
    lazy: async () => ({ Component: (await import('./RetentionSettings')).RetentionSettings }),
  },
  {
    path: 'api-keys',
    lazy: async () => ({ Component: (await import('./ApiKeySettings')).ApiKeySettings }),
  },
  {
    path: 'webhooks',
    lazy: async () => ({ Component: (await import('../webhooks/WebhookList')).WebhookList }),
  },
  {
    path: 'automation',
    lazy: async () => ({
      Component: (await import('../automation/AutomationSettings')).AutomationSettings,
    }),
  },
  {
    path: 'call-scripts',
    lazy: async () => ({
      Component: (await import('../callScripts/CallScriptsSettings')).CallScriptsSettings,
    }),
  },
  {
    path: 'distribution',
    lazy: async () => ({
      Component: (await import('../intake/DistributionSettings')).DistributionSettings,
    }),
  },
  {
    path: 'intake-forms',
    lazy: async () => ({ Component: (await import('../intake/FormSettings')).FormSettings }),
  },
  {
    path: 'intake-inbox',
    lazy: async () => ({ Component: (await import('../intake/IntakeInbox')).IntakeInbox }),
  },
  {
    path: 'telephony',
    lazy: async () => ({
      Component: (await import('../telephony/TelephonySettings')).TelephonySettings,
    }),
  },
  {
    path: 'onec',
    lazy: async () => ({ Component: (await import('../onec/OnecSettings')).OnecSettings }),
  },
];
