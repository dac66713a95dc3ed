import { adminUser, emptyToday } from '../../test/api';
import type { Task, Today } from './queries';

export const task = (
  id: string,
  title: string,
  due_at: string | null,
  extra: Partial<Task> = {},
): Task => ({
  id,
  client_id: 'c-1',
  deal_id: null,
  title,
  description: null,
  assignee_id: adminUser.id,
  due_at,
  remind_at: null,
  reminded_at: null,
  priority: 'normal',
  done: false,
  done_at: null,
  done_by: null,
  origin: 'manual',
  created_by: adminUser.id,
  created_at: '2025-01-01T10:00:00Z',
  updated_at: '2025-01-01T10:00:00Z',
  version: 1,
  client_name: 'ООО Ромашка',
  deal_title: null,
  assignee_name: adminUser.full_name,
  phone: null,
  ...extra,
});

export const today = (extra: Partial<Today> = {}): Today => ({ ...emptyToday, ...extra });
