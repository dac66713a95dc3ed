import type { ParseKeys, TFunction } from 'i18next';
import type { ApiError } from '../../api/problem';
import { setServerErrors } from '../../forms/serverErrors';
import type { Department, User } from './queries';

/** A Mantine form's error setter, which is all a refusal needs of it. */
interface ErrorsTarget {
  setErrors: (errors: Record<string, string>) => void;
}

/**
 * Puts a refused save on the fields the server names, each worded in the reader's language
 * from its code (an error without one, the server's English, gets a general sentence); the
 * form shows <Refusal /> beside it. `rename` maps a request path to the form field holding it.
 */
export function markRefusedFields(
  form: ErrorsTarget,
  error: ApiError,
  fields: readonly string[],
  t: TFunction,
  rename: Record<string, string> = {},
): void {
  setServerErrors(form, error, fields, {
    nested: true,
    rename,
    uncoded: t('settings.fieldRefused'),
  });
}

/**
 * i18next reads ':' as a namespace separator: a permission's key uses '_' instead. A permission
 * added to the API before its translation shows its code (`defaultValue`), never a key path.
 */
export const permissionLabel = (permission: string) =>
  `settings.permission.${permission.replace(':', '_')}` as ParseKeys;

/** Departments as select options, each under its parent ("Продажи / Москва"). */
export function departmentOptions(departments: readonly Department[]) {
  const byId = new Map(departments.map((d) => [d.id, d]));
  const path = (department: Department): string => {
    const names = [department.name];
    const seen = new Set([department.id]);
    let parent = department.parent_id ? byId.get(department.parent_id) : undefined;
    while (parent && !seen.has(parent.id)) {
      names.unshift(parent.name);
      seen.add(parent.id);
      parent = parent.parent_id ? byId.get(parent.parent_id) : undefined;
    }
    return names.join(' / ');
  };
  return departments
    .map((d) => ({ value: d.id, label: path(d) }))
    .sort((a, b) => a.label.localeCompare(b.label));
}

export function userOptions(users: readonly User[], { activeOnly = true } = {}) {
  return users
    .filter((u) => !activeOnly || u.is_active)
    .map((u) => ({ value: u.id, label: u.full_name }));
}

export interface TreeRow {
  department: Department;
  depth: number;
}

/** Depth-first order of the tree, children by name; a parent missing from the list is a root. */
export function departmentTree(departments: readonly Department[]): TreeRow[] {
  const ids = new Set(departments.map((d) => d.id));
  const children = new Map<string | null, Department[]>();
  for (const d of departments) {
    const parent = d.parent_id && ids.has(d.parent_id) ? d.parent_id : null;
    children.set(parent, [...(children.get(parent) ?? []), d]);
  }
  const rows: TreeRow[] = [];
  const visit = (parent: string | null, depth: number) => {
    const below = [...(children.get(parent) ?? [])].sort((a, b) => a.name.localeCompare(b.name));
    for (const d of below) {
      rows.push({ department: d, depth });
      visit(d.id, depth + 1);
    }
  };
  visit(null, 0);
  return rows;
}
