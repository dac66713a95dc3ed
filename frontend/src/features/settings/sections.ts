import type { ParseKeys } from 'i18next';

type Caller = { role_code?: string | null; permissions: readonly string[] } | undefined;

export interface SettingsSection {
  /** Below /settings/. */
  path: string;
  label: ParseKeys;
  /** Shown (and reachable) with any of these; the API decides in the end. */
  permissions: readonly string[];
}

export const SETTINGS_SECTIONS: readonly SettingsSection[] = [
  {
    path: 'organisation',
    label: 'settings.nav.organisation',
    permissions: ['organisation:manage'],
  },
  { path: 'users', label: 'settings.nav.users', permissions: ['users:manage'] },
  { path: 'roles', label: 'settings.nav.roles', permissions: ['roles:manage'] },
  { path: 'departments', label: 'settings.nav.departments', permissions: ['departments:manage'] },
  {
    path: 'schedules',
    label: 'settings.nav.schedules',
    permissions: ['schedules:manage', 'absences:manage'],
  },
  { path: 'funnels', label: 'settings.nav.funnels', permissions: ['organisation:manage'] },
  { path: 'loss-reasons', label: 'settings.nav.lossReasons', permissions: ['organisation:manage'] },
  {
    path: 'document-types',
    label: 'settings.nav.documentTypes',
    permissions: ['organisation:manage'],
  },
  {
    path: 'custom-fields',
    label: 'settings.nav.customFields',
    permissions: ['organisation:manage'],
  },
  { path: 'follow-ups', label: 'settings.nav.followUps', permissions: ['organisation:manage'] },
  { path: 'karma', label: 'settings.nav.karma', permissions: ['karma:manage'] },
  {
    path: 'karma-employees',
    label: 'settings.nav.karmaEmployees',
    permissions: ['karma:manage'],
  },
  { path: 'retention', label: 'settings.nav.retention', permissions: ['organisation:manage'] },
  { path: 'api-keys', label: 'settings.nav.apiKeys', permissions: ['api_keys:manage'] },
  { path: 'webhooks', label: 'settings.nav.webhooks', permissions: ['webhooks:manage'] },
  { path: 'automation', label: 'settings.nav.automation', permissions: ['automation:manage'] },
  { path: 'call-scripts', label: 'settings.nav.callScripts', permissions: ['scripts:manage'] },
  { path: 'intake-forms', label: 'intakeForms.nav', permissions: ['intake:manage'] },
  { path: 'intake-inbox', label: 'intake.nav', permissions: ['intake:manage'] },
  {
    path: 'distribution',
    label: 'settings.nav.distribution',
    permissions: ['intake:manage'],
  },
  { path: 'telephony', label: 'settings.nav.telephony', permissions: ['intake:manage'] },
  { path: 'onec', label: 'settings.nav.onec', permissions: ['organisation:manage'] },
];

export function holds(user: Caller, permission: string): boolean {
  return user?.role_code === 'admin' || (user?.permissions.includes(permission) ?? false);
}

export function canOpen(user: Caller, section: SettingsSection): boolean {
  return section.permissions.some((permission) => holds(user, permission));
}

export function visibleSections(user: Caller): SettingsSection[] {
  return SETTINGS_SECTIONS.filter((section) => canOpen(user, section));
}

/** Every permission that opens some settings section: the navigation shows "Settings" for any. */
export const SETTINGS_PERMISSIONS: readonly string[] = [
  ...new Set(SETTINGS_SECTIONS.flatMap((section) => section.permissions)),
];
