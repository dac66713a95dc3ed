import {
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryKey,
} from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

type Schemas = components['schemas'];
export type User = Schemas['UserRead'];
export type Role = Schemas['RoleRead'];
export type PermissionName = Schemas['Permission'];
export type ResourceName = Schemas['Resource'];
export type VisibilityLevel = Schemas['Visibility'];
export type Department = Schemas['DepartmentRead'];
export type Schedule = Schemas['ScheduleRead'];
export type WeekHours = Schemas['WeekHours'];
export type Absence = Schemas['AbsenceRead'];
export type AbsenceKind = Schemas['AbsenceKind'];
export type Funnel = Schemas['FunnelRead'];
export type Stage = Schemas['StageRead'];
export type StageGroup = Schemas['StageGroup'];
export type FunnelTemplate = Schemas['FunnelTemplate'];
export type LossReason = Schemas['LossReasonRead'];
export type DocumentType = Schemas['DocumentTypeRead'];
export type CustomField = Schemas['CustomFieldRead'];
export type FollowUp = Schemas['FollowUpRead'];
export type ApiKey = Schemas['ApiKeyRead'];
export type ApiKeyCreated = Schemas['ApiKeyCreated'];

const etag = (version: number) => ({ 'If-Match': `"v${version}"` });

export const settingsKeys = {
  all: ['settings'] as const,
  users: () => [...settingsKeys.all, 'users'] as const,
  roles: () => [...settingsKeys.all, 'roles'] as const,
  permissions: () => [...settingsKeys.all, 'permissions'] as const,
  departments: () => [...settingsKeys.all, 'departments'] as const,
  schedule: (userId: string) => [...settingsKeys.all, 'schedule', userId] as const,
  absences: () => [...settingsKeys.all, 'absences'] as const,
  funnels: () => [...settingsKeys.all, 'funnels'] as const,
  lossReasons: () => [...settingsKeys.all, 'loss-reasons'] as const,
  documentTypes: () => [...settingsKeys.all, 'document-types'] as const,
  customFields: () => [...settingsKeys.all, 'custom-fields'] as const,
  followUps: () => [...settingsKeys.all, 'follow-ups'] as const,
  apiKeys: () => [...settingsKeys.all, 'api-keys'] as const,
};

/** A mutation whose form shows its own errors, and which refreshes `keys` when it succeeds. */
function useSettingsMutation<TVars, TData>(
  mutationFn: (vars: TVars) => Promise<TData>,
  keys: QueryKey[],
) {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn,
    // A refusal (412 above all) may mean the list is stale: read it again either way.
    onSettled: () =>
      Promise.all(keys.map((queryKey) => queryClient.invalidateQueries({ queryKey }))),
  });
}

// --- users and invitations -------------------------------------------------------------

/** Every colleague, active or not, by name (an organisation has a few hundred at most). */
export function useUsers() {
  return useQuery({
    queryKey: settingsKeys.users(),
    queryFn: async ({ signal }) => {
      const users: User[] = [];
      let cursor: string | undefined;
      do {
        const page = await unwrap(
          api.GET('/api/v1/users', { params: { query: { limit: 200, cursor } }, signal }),
        );
        users.push(...page.items);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      return users;
    },
  });
}

export function useInviteUser() {
  return useSettingsMutation(
    (body: Schemas['InvitationCreate']) => unwrap(api.POST('/api/v1/users/invitations', { body })),
    [settingsKeys.users()],
  );
}

export function useUpdateUser() {
  return useSettingsMutation(
    ({ user, body }: { user: User; body: Schemas['UserUpdate'] }) =>
      unwrap(
        api.PATCH('/api/v1/users/{user_id}', {
          params: { path: { user_id: user.id }, header: etag(user.version) },
          body,
        }),
      ),
    [settingsKeys.users()],
  );
}

export function useSetUserActive() {
  return useSettingsMutation(
    ({ user, active }: { user: User; active: boolean }) =>
      unwrap(
        api.POST(
          active ? '/api/v1/users/{user_id}/activate' : '/api/v1/users/{user_id}/deactivate',
          {
            params: { path: { user_id: user.id }, header: etag(user.version) },
          },
        ),
      ),
    [settingsKeys.users()],
  );
}

// --- roles -------------------------------------------------------------------------------

export function useRoles() {
  return useQuery({
    queryKey: settingsKeys.roles(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/roles', { signal })),
  });
}

export function usePermissionCatalogue() {
  return useQuery({
    queryKey: settingsKeys.permissions(),
    staleTime: Infinity,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/permissions', { signal })),
  });
}

export function useSaveRole() {
  return useSettingsMutation(
    ({ role, body }: { role: Role | null; body: Schemas['RoleCreate'] }) =>
      role
        ? unwrap(
            api.PATCH('/api/v1/roles/{role_id}', {
              params: { path: { role_id: role.id }, header: etag(role.version) },
              body,
            }),
          )
        : unwrap(api.POST('/api/v1/roles', { body })),
    [settingsKeys.roles()],
  );
}

export function useDeleteRole() {
  return useSettingsMutation(
    (role: Role) =>
      unwrap(
        api.DELETE('/api/v1/roles/{role_id}', {
          params: { path: { role_id: role.id }, header: etag(role.version) },
        }),
      ),
    [settingsKeys.roles()],
  );
}

// --- departments -------------------------------------------------------------------------

export function useDepartments() {
  return useQuery({
    queryKey: settingsKeys.departments(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/departments', { signal })),
  });
}

export function useSaveDepartment() {
  return useSettingsMutation(
    ({ department, body }: { department: Department | null; body: Schemas['DepartmentCreate'] }) =>
      department
        ? unwrap(
            api.PATCH('/api/v1/departments/{department_id}', {
              params: {
                path: { department_id: department.id },
                header: etag(department.version),
              },
              body,
            }),
          )
        : unwrap(api.POST('/api/v1/departments', { body })),
    [settingsKeys.departments(), settingsKeys.users()],
  );
}

export function useDeleteDepartment() {
  return useSettingsMutation(
    (department: Department) =>
      unwrap(
        api.DELETE('/api/v1/departments/{department_id}', {
          params: { path: { department_id: department.id }, header: etag(department.version) },
        }),
      ),
    [settingsKeys.departments()],
  );
}

// --- schedules and absences ----------------------------------------------------------------

export function useSchedule(userId: string | null) {
  return useQuery({
    queryKey: settingsKeys.schedule(userId ?? ''),
    enabled: userId !== null,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/users/{user_id}/schedule', {
          params: { path: { user_id: userId ?? '' } },
          signal,
        }),
      ),
  });
}

export function usePutSchedule() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ userId, body }: { userId: string; body: Schemas['ScheduleWrite'] }) =>
      unwrap(
        api.PUT('/api/v1/users/{user_id}/schedule', {
          params: { path: { user_id: userId } },
          body,
        }),
      ),
    onSuccess: (schedule) =>
      queryClient.setQueryData(settingsKeys.schedule(schedule.user_id), schedule),
  });
}

/** Absences page by page (the API's keyset cursor); "show more" asks for the next. */
export function useAbsences() {
  return useInfiniteQuery({
    queryKey: settingsKeys.absences(),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/absences', {
          params: { query: { limit: 100, cursor: pageParam } },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}

export function useSaveAbsence() {
  return useSettingsMutation(
    ({ absence, body }: { absence: Absence | null; body: Schemas['AbsenceCreate'] }) =>
      absence
        ? unwrap(
            api.PATCH('/api/v1/absences/{absence_id}', {
              params: { path: { absence_id: absence.id }, header: etag(absence.version) },
              body,
            }),
          )
        : unwrap(api.POST('/api/v1/absences', { body })),
    [settingsKeys.absences()],
  );
}

export function useDeleteAbsence() {
  return useSettingsMutation(
    (absence: Absence) =>
      unwrap(
        api.DELETE('/api/v1/absences/{absence_id}', {
          params: { path: { absence_id: absence.id }, header: etag(absence.version) },
        }),
      ),
    [settingsKeys.absences()],
  );
}

// --- funnels and stages --------------------------------------------------------------------

export function useSettingsFunnels() {
  return useQuery({
    queryKey: [...settingsKeys.funnels(), 'list'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/funnels', { signal })),
  });
}

// Boards and deal screens read the funnels under ['deals', ...].
const FUNNEL_KEYS: QueryKey[] = [settingsKeys.funnels(), ['deals']];

export function useCreateFunnel() {
  return useSettingsMutation(
    (body: Schemas['FunnelCreate']) => unwrap(api.POST('/api/v1/funnels', { body })),
    FUNNEL_KEYS,
  );
}

export function useUpdateFunnel() {
  return useSettingsMutation(
    ({ funnel, body }: { funnel: Funnel; body: Schemas['FunnelUpdate'] }) =>
      unwrap(
        api.PATCH('/api/v1/funnels/{funnel_id}', {
          params: { path: { funnel_id: funnel.id }, header: etag(funnel.version) },
          body,
        }),
      ),
    FUNNEL_KEYS,
  );
}

export function useDeleteFunnel() {
  return useSettingsMutation(
    (funnel: Funnel) =>
      unwrap(
        api.DELETE('/api/v1/funnels/{funnel_id}', {
          params: { path: { funnel_id: funnel.id }, header: etag(funnel.version) },
        }),
      ),
    FUNNEL_KEYS,
  );
}

export function useSaveStage() {
  return useSettingsMutation(
    ({
      funnel,
      stage,
      body,
    }: {
      funnel: Funnel;
      stage: Stage | null;
      body: Schemas['StageCreate'];
    }) =>
      stage
        ? unwrap(
            api.PATCH('/api/v1/funnels/{funnel_id}/stages/{stage_id}', {
              params: {
                path: { funnel_id: funnel.id, stage_id: stage.id },
                header: etag(funnel.version),
              },
              body,
            }),
          )
        : unwrap(
            api.POST('/api/v1/funnels/{funnel_id}/stages', {
              params: { path: { funnel_id: funnel.id }, header: etag(funnel.version) },
              body,
            }),
          ),
    FUNNEL_KEYS,
  );
}

export function useDeleteStage() {
  return useSettingsMutation(
    ({ funnel, stage }: { funnel: Funnel; stage: Stage }) =>
      unwrap(
        api.DELETE('/api/v1/funnels/{funnel_id}/stages/{stage_id}', {
          params: {
            path: { funnel_id: funnel.id, stage_id: stage.id },
            header: etag(funnel.version),
          },
        }),
      ),
    FUNNEL_KEYS,
  );
}

/** Reorders optimistically: the list shows the new order at once and goes back on refusal. */
export function useReorderStages() {
  const queryClient = useQueryClient();
  const listKey = [...settingsKeys.funnels(), 'list'];
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ funnel, stageIds }: { funnel: Funnel; stageIds: string[] }) =>
      unwrap(
        api.POST('/api/v1/funnels/{funnel_id}/stages/reorder', {
          params: { path: { funnel_id: funnel.id }, header: etag(funnel.version) },
          body: { stage_ids: stageIds },
        }),
      ),
    onMutate: async ({ funnel, stageIds }) => {
      await queryClient.cancelQueries({ queryKey: listKey });
      const before = queryClient.getQueryData<Funnel[]>(listKey);
      const byId = new Map(funnel.stages.map((stage) => [stage.id, stage]));
      const stages = stageIds.flatMap((id, position) => {
        const stage = byId.get(id);
        return stage ? [{ ...stage, position }] : [];
      });
      queryClient.setQueryData<Funnel[]>(listKey, (funnels) =>
        funnels?.map((f) => (f.id === funnel.id ? { ...f, stages } : f)),
      );
      return { before };
    },
    onError: (_error, _vars, context) => {
      if (context?.before) queryClient.setQueryData(listKey, context.before);
    },
    onSettled: () =>
      Promise.all(FUNNEL_KEYS.map((queryKey) => queryClient.invalidateQueries({ queryKey }))),
  });
}

/**
 * Sets the display order of a whole settings list (every id, in the new order): the list
 * shows it at once, goes back on refusal, and takes the server's answer.
 */
function useReorderList<T extends { id: string; position: number }>(
  listKey: QueryKey,
  send: (ids: string[]) => Promise<T[]>,
  refresh: QueryKey[],
) {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: send,
    onMutate: async (ids: string[]) => {
      await queryClient.cancelQueries({ queryKey: listKey });
      const before = queryClient.getQueryData<T[]>(listKey);
      queryClient.setQueryData<T[]>(listKey, (items) => {
        if (!items) return items;
        const byId = new Map(items.map((item) => [item.id, item]));
        return ids.flatMap((id, position) => {
          const item = byId.get(id);
          return item ? [{ ...item, position }] : [];
        });
      });
      return { before };
    },
    onError: (_error, _ids, context) => {
      if (context?.before) queryClient.setQueryData(listKey, context.before);
    },
    onSuccess: (items) => queryClient.setQueryData(listKey, items),
    onSettled: () =>
      Promise.all(refresh.map((queryKey) => queryClient.invalidateQueries({ queryKey }))),
  });
}

export function useReorderFunnels() {
  return useReorderList<Funnel>(
    [...settingsKeys.funnels(), 'list'],
    (ids) => unwrap(api.POST('/api/v1/funnels/reorder', { body: { funnel_ids: ids } })),
    FUNNEL_KEYS,
  );
}

export function useReorderLossReasons() {
  return useReorderList<LossReason>(
    settingsKeys.lossReasons(),
    (ids) => unwrap(api.POST('/api/v1/loss-reasons/reorder', { body: { reason_ids: ids } })),
    [settingsKeys.lossReasons(), ['deals']],
  );
}

export function useReorderDocumentTypes() {
  return useReorderList<DocumentType>(
    settingsKeys.documentTypes(),
    (ids) => unwrap(api.POST('/api/v1/document-types/reorder', { body: { type_ids: ids } })),
    [settingsKeys.documentTypes(), ['document-types']],
  );
}

// --- loss reasons, document types, custom fields, follow-ups ---------------------------------

export function useLossReasons() {
  return useQuery({
    queryKey: settingsKeys.lossReasons(),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/loss-reasons', { params: { query: { include_inactive: true } }, signal }),
      ),
  });
}

export function useSaveLossReason() {
  return useSettingsMutation(
    ({ reason, body }: { reason: LossReason | null; body: Schemas['LossReasonUpdate'] }) =>
      reason
        ? unwrap(
            api.PATCH('/api/v1/loss-reasons/{reason_id}', {
              params: { path: { reason_id: reason.id }, header: etag(reason.version) },
              body,
            }),
          )
        : unwrap(
            api.POST('/api/v1/loss-reasons', {
              body: { name: body.name ?? '', position: body.position },
            }),
          ),
    [settingsKeys.lossReasons(), ['deals']],
  );
}

export function useDeleteLossReason() {
  return useSettingsMutation(
    (reason: LossReason) =>
      unwrap(
        api.DELETE('/api/v1/loss-reasons/{reason_id}', {
          params: { path: { reason_id: reason.id }, header: etag(reason.version) },
        }),
      ),
    [settingsKeys.lossReasons()],
  );
}

export function useDocumentTypes() {
  return useQuery({
    queryKey: settingsKeys.documentTypes(),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/document-types', {
          params: { query: { include_inactive: true } },
          signal,
        }),
      ),
  });
}

export function useSaveDocumentType() {
  return useSettingsMutation(
    ({ type, body }: { type: DocumentType | null; body: Schemas['DocumentTypeCreate'] }) =>
      type
        ? unwrap(
            api.PATCH('/api/v1/document-types/{type_id}', {
              params: { path: { type_id: type.id }, header: etag(type.version) },
              body: { name: body.name, position: body.position },
            }),
          )
        : unwrap(api.POST('/api/v1/document-types', { body })),
    [settingsKeys.documentTypes(), ['document-types']],
  );
}

export function useSetDocumentTypeActive() {
  return useSettingsMutation(
    ({ type, active }: { type: DocumentType; active: boolean }) =>
      unwrap(
        api.PATCH('/api/v1/document-types/{type_id}', {
          params: { path: { type_id: type.id }, header: etag(type.version) },
          body: { is_active: active },
        }),
      ),
    [settingsKeys.documentTypes(), ['document-types']],
  );
}

export function useCustomFields() {
  return useQuery({
    queryKey: settingsKeys.customFields(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/custom-fields', { signal })),
  });
}

// Deal and client forms read the definitions under their own keys.
const CUSTOM_FIELD_KEYS: QueryKey[] = [
  settingsKeys.customFields(),
  ['custom-fields'],
  ['deals'],
  ['clients'],
];

export function useCreateCustomField() {
  return useSettingsMutation(
    (body: Schemas['CustomFieldCreate']) => unwrap(api.POST('/api/v1/custom-fields', { body })),
    CUSTOM_FIELD_KEYS,
  );
}

export function useUpdateCustomField() {
  return useSettingsMutation(
    ({ field, body }: { field: CustomField; body: Schemas['CustomFieldUpdate'] }) =>
      unwrap(
        api.PATCH('/api/v1/custom-fields/{definition_id}', {
          params: { path: { definition_id: field.id }, header: etag(field.version) },
          body,
        }),
      ),
    CUSTOM_FIELD_KEYS,
  );
}

export function useDeleteCustomField() {
  return useSettingsMutation(
    (field: CustomField) =>
      unwrap(
        api.DELETE('/api/v1/custom-fields/{definition_id}', {
          params: { path: { definition_id: field.id }, header: etag(field.version) },
        }),
      ),
    CUSTOM_FIELD_KEYS,
  );
}

export function useFollowUps() {
  return useQuery({
    queryKey: settingsKeys.followUps(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/relationship-follow-ups', { signal })),
  });
}

export function useSaveFollowUp() {
  return useSettingsMutation(
    ({ followUp, body }: { followUp: FollowUp | null; body: Schemas['FollowUpCreate'] }) =>
      followUp
        ? unwrap(
            api.PATCH('/api/v1/relationship-follow-ups/{follow_up_id}', {
              params: { path: { follow_up_id: followUp.id }, header: etag(followUp.version) },
              body,
            }),
          )
        : unwrap(api.POST('/api/v1/relationship-follow-ups', { body })),
    [settingsKeys.followUps()],
  );
}

export function useDeleteFollowUp() {
  return useSettingsMutation(
    (followUp: FollowUp) =>
      unwrap(
        api.DELETE('/api/v1/relationship-follow-ups/{follow_up_id}', {
          params: { path: { follow_up_id: followUp.id }, header: etag(followUp.version) },
        }),
      ),
    [settingsKeys.followUps()],
  );
}

// --- API keys ------------------------------------------------------------------------------

export function useApiKeys() {
  return useQuery({
    queryKey: settingsKeys.apiKeys(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/api-keys', { signal })),
  });
}

export function useCreateApiKey() {
  return useSettingsMutation(
    (body: Schemas['ApiKeyCreate']) => unwrap(api.POST('/api/v1/api-keys', { body })),
    [settingsKeys.apiKeys()],
  );
}

export function useRevokeApiKey() {
  return useSettingsMutation(
    (key: ApiKey) =>
      unwrap(api.DELETE('/api/v1/api-keys/{key_id}', { params: { path: { key_id: key.id } } })),
    [settingsKeys.apiKeys()],
  );
}

// --- the organisation --------------------------------------------------------------------

export function useUpdateOrganisation() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({
      organisation,
      body,
    }: {
      organisation: Schemas['OrganisationRead'];
      body: Schemas['OrganisationUpdate'];
    }) =>
      unwrap(
        api.PATCH('/api/v1/organisation', {
          params: { header: etag(organisation.version) },
          body,
        }),
      ),
    onSuccess: (organisation) => queryClient.setQueryData(['organisation'], organisation),
    // A 412: someone else changed it meanwhile; show their version.
    onError: () => queryClient.invalidateQueries({ queryKey: ['organisation'] }),
  });
}
