import type { ParseKeys } from 'i18next';

export interface NavItem {
  to: string;
  label: ParseKeys;
  /** Shown only to callers holding this permission (admins hold every one). */
  permission?: string;
  /** Shows the number of the caller's overdue and today's tasks. */
  countsDueTasks?: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { to: '/', label: 'nav.today', countsDueTasks: true },
  { to: '/clients', label: 'nav.clients' },
  { to: '/deals', label: 'nav.deals' },
  { to: '/tasks', label: 'nav.tasks', countsDueTasks: true },
  { to: '/reports', label: 'nav.reports' },
  { to: '/settings', label: 'nav.settings' },
  { to: '/webhooks', label: 'nav.webhooks', permission: 'webhooks:manage' },
];

export function visibleNavItems(
  user: { role_code?: string | null; permissions: readonly string[] } | undefined,
): NavItem[] {
  return NAV_ITEMS.filter(
    (item) =>
      !item.permission ||
      user?.role_code === 'admin' ||
      (user?.permissions.includes(item.permission) ?? false),
  );
}

export function isActive(to: string, pathname: string): boolean {
  return to === '/' ? pathname === '/' : pathname === to || pathname.startsWith(`${to}/`);
}
