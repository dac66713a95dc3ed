import { adminUser } from '../../test/api';
import type { CustomField, Department, Funnel, Role, Stage, User } from './queries';

export const sellerRole: Role = {
  id: 'role-seller',
  name: 'Продавец',
  code: 'seller',
  is_builtin: true,
  permissions: ['clients:read', 'clients:write', 'deals:read', 'deals:write'],
  visibility: { clients: 'own', deals: 'own', tasks: 'own', activities: 'own' },
  version: 1,
};

export const headRole: Role = {
  id: 'role-head',
  name: 'Руководитель отдела продаж',
  code: 'head_of_sales',
  is_builtin: true,
  permissions: ['users:read', 'users:manage', 'roles:manage', 'deals:read'],
  visibility: { clients: 'team', deals: 'team', tasks: 'team', activities: 'team' },
  version: 3,
};

export const department: Department = {
  id: 'dep-1',
  name: 'Отдел продаж',
  parent_id: null,
  head_id: adminUser.id,
  version: 1,
};

export const seller: User = {
  ...adminUser,
  id: 'user-seller',
  email: 'a.sidorov@example.com',
  full_name: 'Алексей Сидоров',
  role_id: sellerRole.id,
  role_name: sellerRole.name,
  role_code: 'seller',
  department_id: department.id,
  permissions: sellerRole.permissions,
  version: 4,
};

/** A head of sales who manages users and roles but is no administrator. */
export const headOfSales: User = {
  ...adminUser,
  id: 'user-head',
  email: 'head@example.com',
  full_name: 'Ирина Руководова',
  role_id: headRole.id,
  role_name: headRole.name,
  role_code: 'head_of_sales',
  permissions: headRole.permissions,
};

export const catalogue = {
  permissions: [
    'users:read',
    'users:manage',
    'roles:manage',
    'clients:read',
    'clients:write',
    'deals:read',
    'deals:write',
    'comments:write',
    // Added to the API before the SPA learnt its name.
    'reports:export',
  ],
  resources: ['clients', 'deals', 'tasks', 'activities'],
  visibility_levels: ['own', 'team', 'all'],
};

const stage = (id: string, name: string, position: number, extra: Partial<Stage> = {}): Stage => ({
  id,
  funnel_id: 'funnel-1',
  name,
  position,
  probability: String(position * 20),
  expected_result: null,
  required_fields: [],
  required_documents: [],
  max_days: 5,
  group: 'sale',
  ...extra,
});

export const funnel: Funnel = {
  id: 'funnel-1',
  name: 'Простая продажа',
  template: 'simple_sale',
  is_default: true,
  position: 0,
  stages: [
    stage('st-1', 'Контакт', 0, { group: 'marketing' }),
    stage('st-2', 'Потребности', 1),
    stage('st-3', 'Презентация', 2, { required_fields: ['amount'] }),
    stage('st-4', 'Закрытие', 3, { required_documents: ['contract'] }),
  ],
  warnings: [],
  version: 7,
};

export const customField: CustomField = {
  id: 'cf-1',
  entity: 'deal',
  key: 'delivery_city',
  label: 'Город доставки',
  type: 'string',
  options: [],
  required: false,
  position: 0,
  created_at: '2026-12-01T10:00:00Z',
  version: 1,
};
