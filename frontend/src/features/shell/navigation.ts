import type { ParseKeys } from 'i18next';

export interface NavItem {
  to: string;
  label: ParseKeys;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { to: '/', label: 'nav.dashboard' },
  { to: '/clients', label: 'nav.clients' },
  { to: '/deals', label: 'nav.deals' },
  { to: '/tasks', label: 'nav.tasks' },
  { to: '/reports', label: 'nav.reports' },
  { to: '/settings', label: 'nav.settings' },
];

export function isActive(to: string, pathname: string): boolean {
  return to === '/' ? pathname === '/' : pathname === to || pathname.startsWith(`${to}/`);
}
