import type { ParseKeys } from 'i18next';
import { SETTINGS_PERMISSIONS } from '../settings/sections';

export interface NavItem {
  to: string;
  label: ParseKeys;
  /** Shown only to callers holding this permission, or any of these (admins hold every one). */
  permission?: string | readonly string[];
  /** Shows the number of the caller's overdue and today's tasks. */
  countsDueTasks?: boolean;
  /** Shows the number of leads waiting for anyone or for the caller. */
  countsLeads?: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { to: '/', label: 'nav.today', countsDueTasks: true },
  // The head's morning view over the deals the caller sees.
  { to: '/dashboard', label: 'nav.dashboard', permission: 'deals:read' },
  { to: '/clients', label: 'nav.clients' },
  { to: '/deals', label: 'nav.deals' },
  // Payments are read through their deals' invoices, as invoices are (deals:read).
  { to: '/payments', label: 'nav.payments', permission: 'deals:read' },
  { to: '/tasks', label: 'nav.tasks', countsDueTasks: true },
  // Everyone has plan figures (their own at least) and sees the leaderboard.
  { to: '/plans', label: 'nav.plans' },
  // Everyone sees their own month's karma (a head the team's, an admin everyone's).
  { to: '/karma', label: 'nav.karma' },
  { to: '/analytics/funnel', label: 'nav.analytics', permission: 'deals:read' },
  // The ABC report ranks deals the caller sees; /retention opens it, sleeping clients beside.
  { to: '/retention', label: 'nav.retention', permission: 'deals:read' },
  { to: '/leads', label: 'nav.leads', permission: 'intake:write', countsLeads: true },
  // Call lists: heads manage them, telemarketers work the ones assigned to them.
  {
    to: '/call-lists',
    label: 'nav.callLists',
    permission: ['call_lists:manage', 'call_lists:work'],
  },
  // Call review: one's own calls; a head's team's, to listen to and score.
  { to: '/calls', label: 'nav.calls', permission: ['deals:read', 'calls:review', 'intake:manage'] },
  // Complaints of the owners one sees, overdue ones first in line.
  { to: '/complaints', label: 'nav.complaints', permission: 'complaints:read' },
  { to: '/reports', label: 'nav.reports', permission: 'reports:read' },
  { to: '/workload', label: 'nav.workload', permission: 'reports:read' },
  { to: '/marketing', label: 'nav.marketing', permission: ['reports:read', 'marketing:manage'] },
  { to: '/settings', label: 'nav.settings', permission: SETTINGS_PERMISSIONS },
];

export function visibleNavItems(
  user: { role_code?: string | null; permissions: readonly string[] } | undefined,
): NavItem[] {
  return NAV_ITEMS.filter((item) => {
    if (!item.permission || user?.role_code === 'admin') return true;
    const anyOf = typeof item.permission === 'string' ? [item.permission] : item.permission;
    return anyOf.some((permission) => user?.permissions.includes(permission) ?? false);
  });
}

export function isActive(to: string, pathname: string): boolean {
  return to === '/' ? pathname === '/' : pathname === to || pathname.startsWith(`${to}/`);
}
